package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/rules"
)

func newTestCommand(s *streams) *cobra.Command {
	var watchlists string
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run the test cases of rules (inline tests: or RULE.tests.yaml)",
		Long: `Run each rule's test cases: input rows per table, the value of now(), and the expected result (all
columns, or those expect.columns names). A failing test prints the expected and actual rows as a diff. The
last line is "N passed, N failed"; the exit code is 1 when a test fails.`,
		Example: `  kqlhunt test examples/rules`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := rules.FindRuleFiles(args)
			if err != nil {
				return err
			}
			passed, failed := 0, 0
			for _, f := range files {
				rule, err := rules.Load(f)
				if err != nil {
					fmt.Fprintf(s.out, "FAIL %s: %v\n", f, err)
					failed++
					continue
				}
				tests, err := rules.LoadRuleTests(rule)
				if err != nil {
					fmt.Fprintf(s.out, "FAIL %s: %v\n", f, err)
					failed++
					continue
				}
				for _, t := range tests {
					res := rules.RunRuleTest(cmd.Context(), rule, t, rules.TuningOptions{WatchlistDir: watchlists})
					if res.Passed {
						passed++
						fmt.Fprintf(s.out, "ok   %s: %s\n", f, t.Name)
						continue
					}
					failed++
					fmt.Fprintf(s.out, "FAIL %s: %s (%s:%d)\n", f, t.Name, t.Path, t.Line)
					for _, line := range strings.Split(strings.TrimRight(res.Diff, "\n"), "\n") {
						fmt.Fprintf(s.out, "    %s\n", line)
					}
				}
			}
			fmt.Fprintf(s.out, "%d passed, %d failed\n", passed, failed)
			if failed > 0 {
				return errFindings
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&watchlists, "watchlists", "", "folder of watchlist CSV files (NAME.csv) that exclusions reference")
	return cmd
}
