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
		Use:   "gen --out DIR [--table T|all] [--days N] [--rows N] [--seed S] [--end DATE]",
		Short: "Write synthetic Defender XDR and Sentinel data in the layouts they are exported in",
		Long: `Write realistic synthetic data for a Defender XDR or Microsoft Sentinel (Log Analytics) table, or for every
table with --table all. Defender tables are laid out as the Streaming API writes them to a storage account
(DIR/insights-logs-advancedhunting-<table>/tenantId=<id>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json); Sentinel tables
as Log Analytics query results, DIR/<Table>.json, one JSON object per row with every column.
--rows is the number of rows of each table. The same seed and options always give the same bytes.`,
		Example: `  kqlhunt gen --table UrlClickEvents --days 45 --rows 4000 --seed 1 --end 2026-12-03 --out examples/data
  kqlhunt gen --table all --days 7 --rows 500 --out /tmp/lab`,
		Args: cobra.NoArgs,
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
			tables := []string{opts.Table}
			if strings.EqualFold(opts.Table, "all") {
				tables = gen.Tables()
			} else if !containsFold(gen.Tables(), opts.Table) {
				return usagef("--table %q is not a table gen writes (tables: all, %s)", opts.Table, strings.Join(gen.Tables(), ", "))
			}
			first := opts.End.AddDate(0, 0, -(opts.Days - 1))
			totalRows, totalFiles := 0, 0
			for _, table := range tables {
				one := opts
				one.Table = table
				sum, err := gen.Generate(cmd.Context(), one)
				if err != nil {
					return err
				}
				fmt.Fprintf(s.errOut, "Wrote %d %s rows (%s to %s) in %s under %s\n", sum.Rows, table,
					first.Format("2006-01-02"), opts.End.Format("2006-01-02"), countOf(sum.Files, "file", "files"), sum.Container)
				totalRows += sum.Rows
				totalFiles += sum.Files
			}
			if len(tables) > 1 {
				fmt.Fprintf(s.errOut, "Wrote %d rows of %d tables in %d files under %s\n", totalRows, len(tables), totalFiles, opts.Out)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Table, "table", "UrlClickEvents", "table to generate, or all: "+strings.Join(gen.Tables(), ", "))
	fl.IntVar(&opts.Days, "days", 45, "number of days")
	fl.IntVar(&opts.Rows, "rows", 4000, "total number of rows")
	fl.Int64Var(&opts.Seed, "seed", 1, "random seed; the same seed gives the same data")
	fl.StringVar(&opts.Out, "out", "", "output folder")
	fl.StringVar(&end, "end", "", "last day generated, YYYY-MM-DD (default: today, UTC)")
	_ = cmd.RegisterFlagCompletionFunc("table", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return append([]string{"all"}, gen.Tables()...), cobra.ShellCompDirectiveNoFileComp
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

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// countOf prints n and the noun in the number n calls for: "1 file", "3 files".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
