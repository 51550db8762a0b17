package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func newGenCommand(s *streams) *cobra.Command {
	var opts gen.Options
	var end string
	cmd := &cobra.Command{
		Use:   "gen --out DIR [--table T] [--days N] [--rows N] [--seed S] [--end DATE]",
		Short: "Write synthetic Defender data in the Streaming API storage layout",
		Long: `Write realistic synthetic Defender XDR data, laid out as the Streaming API writes it to a storage account
(DIR/insights-logs-advancedhunting-<table>/tenantId=<id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json).
The same seed and options always give the same bytes.`,
		Example: `  kqlhunt gen --table UrlClickEvents --days 45 --rows 4000 --seed 1 --end 2026-12-03 --out examples/data`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Out == "" {
				return usagef("--out DIR is required")
			}
			opts.End = time.Now().UTC()
			if end != "" {
				ticks, ok := types.ParseDateTime(end)
				if !ok {
					return usagef("--end %q is not a date (use YYYY-MM-DD)", end)
				}
				opts.End = types.TicksToTime(ticks)
			}
			if opts.Days < 1 || opts.Days > gen.MaxDays || opts.Rows < 0 || opts.Rows > gen.MaxRows {
				return usagef("--days must be between 1 and %d, --rows between 0 and %d", gen.MaxDays, gen.MaxRows)
			}
			sum, err := gen.Generate(cmd.Context(), opts)
			if err != nil {
				return err
			}
			first := opts.End.AddDate(0, 0, -(opts.Days - 1))
			fmt.Fprintf(s.errOut, "Wrote %d %s rows (%s to %s) in %d files under %s\n", sum.Rows, opts.Table,
				first.Format("2006-01-02"), opts.End.Format("2006-01-02"), sum.Files, sum.Container)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Table, "table", "UrlClickEvents", "table to generate: "+strings.Join(gen.Tables(), ", "))
	fl.IntVar(&opts.Days, "days", 45, "number of days")
	fl.IntVar(&opts.Rows, "rows", 4000, "total number of rows")
	fl.Int64Var(&opts.Seed, "seed", 1, "random seed; the same seed gives the same data")
	fl.StringVar(&opts.Out, "out", "", "output folder")
	fl.StringVar(&end, "end", "", "last day generated, YYYY-MM-DD (default: today, UTC)")
	_ = cmd.RegisterFlagCompletionFunc("table", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return gen.Tables(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// version is set at build time with -ldflags "-X main.version=v1.2.3"; otherwise the module version is used.
var version = ""

func newVersionCommand(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the kqlhunt version",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(s.out, "kqlhunt %s\n", versionString())
		},
	}
}

// versionString is the version set at link time, else the module version, else (devel).
func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
