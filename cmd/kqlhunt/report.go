package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func newReportCommand(s *streams) *cobra.Command {
	var data, tuning []string
	var now, out, watchlists string
	var maxRows int
	cmd := &cobra.Command{
		Use:   "report PATH... --data PATH --out report.html [--now T]",
		Short: "Run every rule under PATH and write one self-contained HTML report",
		Long: `Run every rule file under PATH on --data and write one HTML page: per rule its metadata (tactics,
techniques), chart, first result rows, the exclusions applied with the rows they removed, and errors.`,
		Example: `  kqlhunt report examples/rules --data examples/data --tuning examples/tuning --now 2026-12-03T12:00:00Z --out report.html`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("--out FILE.html is required")
			}
			nowTime := time.Now().UTC()
			if now != "" {
				ticks, ok := types.ParseDateTime(now)
				if !ok {
					return usagef("--now %q is not a datetime (use ISO 8601, e.g. 2026-12-03T12:00:00Z)", now)
				}
				nowTime = types.TicksToTime(ticks)
			}
			files, err := rules.FindRuleFiles(args)
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return fmt.Errorf("no rule files under %s", strings.Join(args, ", "))
			}
			cat := catalog.Catalog(catalog.Map{})
			if len(data) > 0 {
				if cat, err = loadData(cmd.Context(), s.errOut, data, ingest.Options{MaxBytes: loadLimit(0)}, false, nil); err != nil {
					return err
				}
			}
			entries := rules.BuildReport(cmd.Context(), files, cat, rules.ReportOptions{Now: nowTime, Tuning: tuning,
				Tuning2: rules.TuningOptions{WatchlistDir: watchlists}, MaxRows: maxRows})
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			if err := rules.WriteReportHTML(f, entries, nowTime, strings.Join(data, ", ")); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			failed := 0
			for _, e := range entries {
				if e.Error != "" {
					failed++
					fmt.Fprintf(s.errOut, "%s: %s\n", e.Path, e.Error)
				}
			}
			fmt.Fprintf(s.errOut, "wrote %s: %d rules, %d with errors\n", out, len(entries), failed)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&data, "data", nil, "a data file or folder (searched recursively); repeat for more")
	fl.StringVar(&now, "now", "", "the value of now() as an ISO 8601 datetime (default: the current time)")
	fl.StringVar(&out, "out", "", "the HTML file to write")
	fl.StringArrayVar(&tuning, "tuning", nil, "a tuning file or folder to apply besides those next to each rule; repeat for more")
	fl.StringVar(&watchlists, "watchlists", "", "folder of watchlist CSV files (NAME.csv) that exclusions reference")
	fl.IntVar(&maxRows, "rows", 20, "result rows shown per rule")
	return cmd
}
