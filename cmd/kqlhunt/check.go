package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/rules"
)

// errFindings makes `kqlhunt check` exit 1 after it has printed its findings.
var errFindings = errors.New("errors found")

func newCheckCommand(s *streams) *cobra.Command {
	var format, baseline, writeBaseline string
	cmd := &cobra.Command{
		Use:   "check PATH... [--format text|json|sarif] [--baseline FILE]",
		Short: "Validate Sentinel rule files, .kql files and KQL fences in Markdown",
		Long: `Validate hunting queries and Scheduled/NRT analytic rules (Sentinel's YAML schema; folders are searched
recursively), .kql files and ` + "```kql" + ` fences in Markdown: the YAML, the metadata Sentinel requires and
limits, and the query itself (it must parse and pass the schema-aware check against the built-in Defender XDR
and Sentinel table schemas). Findings print as file:line:col: severity: message [check]. The exit code is 1
when any error is found, 0 otherwise.`,
		Example: `  kqlhunt check examples/rules
  kqlhunt check detections/ --format sarif > kqlhunt.sarif
  kqlhunt check detections/ --write-baseline .kqlhunt-baseline && kqlhunt check detections/ --baseline .kqlhunt-baseline`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "sarif":
			default:
				return usagef("--format must be text, json or sarif, not %q", format)
			}
			res, err := rules.CheckPaths(args)
			if err != nil {
				return err
			}
			if writeBaseline != "" {
				f, err := os.Create(writeBaseline)
				if err != nil {
					return err
				}
				if err := rules.WriteBaseline(f, res); err != nil {
					f.Close()
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
				fmt.Fprintf(s.errOut, "wrote %d findings to %s\n", len(res.Findings), writeBaseline)
				return nil
			}
			if baseline != "" {
				n, err := rules.ApplyBaseline(res, baseline)
				if err != nil {
					return fmt.Errorf("--baseline: %w", err)
				}
				fmt.Fprintf(s.errOut, "%d findings accepted by the baseline %s\n", n, baseline)
			}
			switch format {
			case "json":
				err = rules.WriteJSON(s.out, res)
			case "sarif":
				err = rules.WriteSARIF(s.out, res, versionString())
			default:
				err = rules.WriteText(s.out, res)
			}
			if err != nil {
				return err
			}
			if res.Errors() > 0 {
				return errFindings
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "text", "output format: text, json or sarif")
	fl.StringVar(&baseline, "baseline", "", "accept the findings listed in FILE (made with --write-baseline)")
	fl.StringVar(&writeBaseline, "write-baseline", "", "write the current findings to FILE as a baseline, and exit 0")
	return cmd
}
