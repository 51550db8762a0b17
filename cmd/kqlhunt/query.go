package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/render"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// queryFlags are the flags run and query share.
type queryFlags struct {
	data          []string
	now           string
	format        string
	chart         string
	timeFormat    string
	terminalChart bool
	quiet         bool
	explain       bool
	maxMemory     string
	maxRows       int
	watchlists    string
	allowHTTP     bool
}

func (f *queryFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.data, "data", nil, "a data file or folder (searched recursively); repeat for more")
	fl.StringVar(&f.now, "now", "", "the value of now() as an ISO 8601 datetime, e.g. 2026-12-03T12:00:00Z (default: the current time)")
	fl.StringVar(&f.format, "format", "table", "output format: table, csv or json")
	fl.StringVar(&f.chart, "chart", "", "write the chart the query renders to FILE.svg, FILE.png or FILE.html")
	fl.StringVar(&f.timeFormat, "time-format", "", "day/month order of ambiguous CSV times: dmy, mdy, a locale (en-GB) or a Go layout")
	fl.BoolVar(&f.terminalChart, "terminal-chart", false, "draw the chart on stderr even when stderr is not a terminal")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print no load summary or rule header")
	fl.BoolVar(&f.explain, "explain", false, "print the query's plan (operators, and the columns and time range each table scan reads) instead of running it")
	fl.StringVar(&f.maxMemory, "max-memory", "", "memory the query's summarize, make-series, sort, join and result may hold, and the rows loaded from raw --data files, e.g. 2GB or none (default: half the machine's memory)")
	fl.IntVar(&f.maxRows, "max-rows", 0, "print at most N result rows, with a warning when there were more (0: all)")
	fl.StringVar(&f.watchlists, "watchlists", "", "folder of watchlist CSV files (NAME.csv) that _GetWatchlist('NAME') and tuning exclusions read")
	fl.BoolVar(&f.allowHTTP, "allow-http", false, "let externaldata download http(s) URIs (off: only local files)")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"table", "csv", "json"}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("chart", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"svg", "png", "html"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// checked holds the flags after validation.
type checked struct {
	now         time.Time
	chartFormat string
	maxMemory   int64 // 0: the engine's default; negative: no limit
}

// validate checks the flags that do not need data, so that usage errors come before any slow work.
func (f *queryFlags) validate() (checked, error) {
	var c checked
	switch f.format {
	case "table", "csv", "json":
	default:
		return c, usagef("--format must be table, csv or json, not %q", f.format)
	}
	if f.now != "" {
		ticks, ok := types.ParseDateTime(f.now)
		if !ok {
			return c, usagef("--now %q is not a datetime (use ISO 8601, e.g. 2026-12-03T12:00:00Z)", f.now)
		}
		c.now = types.TicksToTime(ticks)
	}
	if f.maxMemory != "" {
		n, err := parseSize(f.maxMemory)
		if err != nil {
			return c, usagef("--max-memory %q: %v", f.maxMemory, err)
		}
		c.maxMemory = n
	}
	if f.maxRows < 0 {
		return c, usagef("--max-rows must be 0 (all rows) or more, not %d", f.maxRows)
	}
	if f.chart != "" {
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(f.chart), "."))
		switch ext {
		case "svg", "png", "html":
			c.chartFormat = ext
		default:
			return c, usagef("--chart %q must end in .svg, .png or .html", f.chart)
		}
	}
	return c, nil
}

func newRunCommand(s *streams) *cobra.Command {
	var f queryFlags
	var tuningPaths []string
	var noExclusions bool
	cmd := &cobra.Command{
		Use:   "run RULE.yaml --data PATH [--now T]",
		Short: "Run a Sentinel-style rule file on local data",
		Long: `Run the query of a Sentinel-style rule file (hunting query or analytics rule YAML) on local data.
The rule's name, id, tactics and techniques are printed on stderr; the results on stdout.`,
		Example: `  kqlhunt run examples/rules/blocked-clicks-trend.yaml --data examples/data --now 2026-12-03T12:00:00Z --chart blocked-clicks.svg`,
		Args:    cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.validate()
			if err != nil {
				return err
			}
			rule, err := rules.Load(args[0])
			if err != nil {
				return err
			}
			if !f.quiet {
				fmt.Fprint(s.errOut, rule.Header())
			}
			var need []string
			for _, dc := range rule.RequiredDataConnectors {
				need = append(need, dc.DataTypes...)
			}
			src := rule.QuerySource
			extras := runExtras{needTables: need}
			if !noExclusions {
				exclusions, err := rules.FindTunings(rule, tuningPaths, rules.TuningOptions{WatchlistDir: f.watchlists})
				if err != nil {
					return err
				}
				if len(exclusions) > 0 {
					tables := rules.SourceTables(src)
					if src, err = rules.ApplyExclusions(src, exclusions); err != nil {
						return err
					}
					extras.afterLoad = func(cat catalog.Catalog) (catalog.Catalog, error) {
						// --explain prints the plan without running anything, the exclusion counts included.
						return reportExclusions(cmd.Context(), s, cat, tables, exclusions, !f.explain)
					}
					counts, err := rules.ExclusionCountQueries(tables, exclusions)
					if err != nil {
						return err
					}
					for _, q := range counts {
						extras.alsoReads = append(extras.alsoReads, q.Query)
					}
					for _, e := range exclusions {
						extras.lookups = append(extras.lookups, e.Lookups...)
					}
				}
			}
			return executeQuery(cmd.Context(), s, &f, c, src, extras)
		},
	}
	f.register(cmd)
	cmd.Flags().StringArrayVar(&tuningPaths, "tuning", nil, "a tuning file or a folder of *.tuning.yaml files, besides those found next to the rule; repeat for more")
	cmd.Flags().BoolVar(&noExclusions, "no-exclusions", false, "run the rule as written, without any tuning exclusions")
	return cmd
}

func newQueryCommand(s *streams) *cobra.Command {
	var f queryFlags
	var file string
	cmd := &cobra.Command{
		Use:   "query 'KQL' | -f FILE.kql [--data PATH] [--now T]",
		Short: "Run a KQL query on local data",
		Example: `  kqlhunt query 'UrlClickEvents | summarize count() by ActionType' --data examples/data
  kqlhunt query -f hunt.kql --data exports/ --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.validate()
			if err != nil {
				return err
			}
			var src *source.Source
			switch {
			case file != "" && len(args) == 1:
				return usagef("give the query as an argument or with -f, not both")
			case file == "-":
				text, err := io.ReadAll(s.in)
				if err != nil {
					return err
				}
				src = source.New("<stdin>", string(text))
			case file != "":
				text, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				src = source.New(file, string(text))
			case len(args) == 1:
				src = source.New("", args[0])
			default:
				return usagef("no query: give it as an argument or with -f FILE.kql")
			}
			return executeQuery(cmd.Context(), s, &f, c, src, runExtras{})
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "read the query from FILE.kql (- for stdin)")
	f.register(cmd)
	return cmd
}

// maxProblemsShown is how many load problems are printed; the rest are counted.
const maxProblemsShown = 5

// runExtras is what a rule run adds to its query.
type runExtras struct {
	// needTables are the tables a rule declares it reads; a warning names those the data lacks.
	needTables []string
	// afterLoad, when set, runs once the data is loaded (to report what exclusions remove) and may extend the
	// catalog: with lookups, the tables it adds empty when the data lacks them, and alsoReads, the queries it
	// runs over the data.
	afterLoad func(catalog.Catalog) (catalog.Catalog, error)
	lookups   []string
	alsoReads []*source.Source
}

// executeQuery loads the data, runs src, and writes the result, the chart file and the terminal chart. Raw
// files are read only as far as src and extras.alsoReads need them (see queryPlanner), except for --explain.
func executeQuery(ctx context.Context, s *streams, f *queryFlags, c checked, src *source.Source, extras runExtras) error {
	if c.now.IsZero() {
		c.now = time.Now() // one now() for planning what to load and for running
	}
	opts := engine.Options{Now: c.now, MaxMemory: c.maxMemory, MaxRows: f.maxRows, WatchlistDir: f.watchlists, AllowHTTP: f.allowHTTP}
	// A query that does not parse is reported before any data is read (a typo must not cost a full load).
	if _, diags := syntax.Parse(src); diags != nil && diags.HasErrors() {
		return diags
	}
	cat := catalog.Catalog(catalog.Map{})
	if len(f.data) > 0 {
		var plan ingest.Planner
		if !f.explain {
			plan = queryPlanner(append([]*source.Source{src}, extras.alsoReads...), opts, extras.lookups)
		}
		var err error
		load := ingest.Options{TimeFormat: f.timeFormat, MaxBytes: loadLimit(c.maxMemory)}
		if cat, err = loadData(ctx, s.errOut, f.data, load, f.quiet, plan); err != nil {
			return err
		}
		for _, name := range extras.needTables {
			if _, ok := cat.Table(name); !ok {
				fmt.Fprintf(s.errOut, "warning: the rule reads %s, and --data holds no %s records\n", name, name)
			}
		}
	}
	if extras.afterLoad != nil {
		var err error
		if cat, err = extras.afterLoad(cat); err != nil {
			return err
		}
	}
	opts.Catalog = cat
	if f.explain {
		plan, err := engine.Explain(src, opts)
		if err != nil {
			return err
		}
		_, err = io.WriteString(s.out, strings.TrimRight(plan, "\n")+"\n")
		return err
	}
	res, err := engine.Run(ctx, src, opts)
	if err != nil {
		if len(f.data) == 0 && strings.Contains(err.Error(), "table") && !strings.Contains(err.Error(), "watchlist") {
			return hintError{err: err, hint: "hint: no --data was given, so only tables the query defines exist"}
		}
		return err
	}
	tbl := res.Table
	if res.Truncated {
		fmt.Fprintf(s.errOut, "warning: the result has more than %d rows; showing the first %d (--max-rows)\n", f.maxRows, f.maxRows)
	}
	shown := tbl
	if f.format == "table" {
		if view, ok := seriesView(tbl); ok {
			shown = view
			if !f.quiet {
				fmt.Fprintln(s.errOut, "(series shown one bin per row; --format json or csv print the arrays as the query returns them)")
			}
		}
	}
	if err := render.WriteTable(s.out, shown, f.format); err != nil {
		return err
	}
	vis := tbl.Visualization
	if vis != nil && f.format == "table" && (s.errIsTerminal || f.terminalChart) {
		fmt.Fprintln(s.errOut)
		if err := render.Terminal(s.errOut, tbl, vis, terminalWidth(), 16); err != nil {
			fmt.Fprintf(s.errOut, "warning: cannot draw the %s in the terminal: %v\n", vis.Kind, err)
		}
	}
	if f.chart != "" {
		if vis == nil {
			return fmt.Errorf("--chart %s: the query has no render operator, so there is no chart to write", f.chart)
		}
		if err := writeChart(f.chart, c.chartFormat, tbl, vis); err != nil {
			return err
		}
		if !f.quiet {
			fmt.Fprintf(s.errOut, "wrote %s (%s)\n", f.chart, vis.Kind)
		}
	}
	return nil
}

// reportExclusions prints on stderr how many source rows each exclusion removes (when count is set).
// Lookup tables the data lacks (EmailEvents for senders) are added empty, with a warning.
func reportExclusions(ctx context.Context, s *streams, cat catalog.Catalog, tables []string, exclusions []*rules.Exclusion, count bool) (catalog.Catalog, error) {
	var lookups []string
	for _, e := range exclusions {
		lookups = append(lookups, e.Lookups...)
	}
	cat, added := rules.WithEmptyKnownTables(cat, lookups)
	for _, name := range added {
		fmt.Fprintf(s.errOut, "warning: exclusions look rows up in %s, and --data holds no %s records: those matchers match nothing\n", name, name)
	}
	if !count {
		return cat, nil
	}
	counts, err := rules.CountExcluded(ctx, cat, tables, exclusions)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, n := range counts {
		fmt.Fprintf(s.errOut, "exclusion %s: removed %d %s rows (%s:%d)\n", n.Exclusion.Name, n.Removed, n.Table, n.Exclusion.Path, n.Exclusion.Line)
		total += n.Removed
	}
	fmt.Fprintf(s.errOut, "exclusions removed %d rows in all (--no-exclusions runs the rule untuned)\n", total)
	return cat, nil
}

// terminalWidth is the width of the terminal chart: $COLUMNS when the shell exports it, else 100.
func terminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		return min(n, 400)
	}
	return 100
}

// writeChart writes the chart to path, leaving no partial file behind on failure.
func writeChart(path, format string, tbl *types.Table, vis *types.Visualization) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := render.Chart(out, tbl, vis, format, render.ChartOptions{}); err != nil {
		out.Close()
		os.Remove(path)
		return fmt.Errorf("--chart %s: %w", path, err)
	}
	return out.Close()
}

// reportLoad prints what was loaded and the first load problems on stderr.
func reportLoad(w io.Writer, ds *ingest.Dataset, quiet bool) {
	if !quiet {
		names := make([]string, 0, len(ds.Rows))
		for name := range ds.Rows {
			names = append(names, name)
		}
		sort.Strings(names)
		parts := make([]string, len(names))
		total := 0
		for i, n := range names {
			parts[i] = fmt.Sprintf("%s (%d)", n, ds.Rows[n])
			total += ds.Rows[n]
		}
		files := fmt.Sprintf("%d files", ds.Files)
		if ds.Files == 1 {
			files = "1 file"
		}
		fmt.Fprintf(w, "Loaded %d rows from %s: %s\n", total, files, strings.Join(parts, ", "))
		if line := prunedLine(ds); line != "" {
			fmt.Fprintln(w, line)
		}
	}
	if len(ds.Problems) == 0 {
		return
	}
	var skipped, repaired []ingest.Problem
	for _, p := range ds.Problems {
		if p.Skipped {
			skipped = append(skipped, p)
		} else {
			repaired = append(repaired, p)
		}
	}
	// A skipped record is lost to the query; a repaired one is in it with a null or replaced value. Say which.
	listProblems(w, skipped, "warning: 1 record could not be read and was left out:",
		"warning: %d records could not be read and were left out:")
	listProblems(w, repaired, "warning: 1 record was loaded with a value set to null or repaired:",
		"warning: %d records were loaded with a value set to null or repaired:")
}

// prunedLine says what a query-driven load left out of the raw files, or why it read them whole ("" when the
// load was not query-driven).
func prunedLine(ds *ingest.Dataset) string {
	if ds.Pruned == nil {
		if ds.ReadAll != "" {
			return "Read every column of every file: " + ds.ReadAll
		}
		return ""
	}
	var parts []string
	for _, t := range slices.Sorted(maps.Keys(ds.Rows)) {
		if _, inPart := ds.Pruned.Columns[t]; !inPart {
			parts = append(parts, "every column of "+t)
		}
	}
	for _, t := range slices.Sorted(maps.Keys(ds.Pruned.Columns)) {
		cols := ds.Pruned.Columns[t]
		of := ""
		if fields, ok := catalog.KnownSchema(t); ok {
			of = fmt.Sprintf(" of %d documented", len(fields))
		}
		parts = append(parts, fmt.Sprintf("%d%s columns of %s (%s)", len(cols), of, t, strings.Join(cols, ", ")))
	}
	if n := ds.BeforeRange; n > 0 {
		parts = append(parts, fmt.Sprintf("%s not opened, ending before the query's time range", plural(n, "file", "files")))
	}
	for _, t := range slices.Sorted(maps.Keys(ds.Pruned.Unread)) {
		parts = append(parts, fmt.Sprintf("%s of %s not opened, the query does not read it", plural(ds.Pruned.Unread[t], "file", "files"), t))
	}
	return "Read only what the query needs: " + strings.Join(parts, "; ")
}

// plural is "1 file" or "N files".
func plural(n int, one, several string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, several)
}

// listProblems prints the heading for one problem or for several (a format taking the count), then the first ones.
func listProblems(w io.Writer, problems []ingest.Problem, one, several string) {
	switch len(problems) {
	case 0:
		return
	case 1:
		fmt.Fprintln(w, one)
	default:
		fmt.Fprintf(w, several+"\n", len(problems))
	}
	for i, p := range problems {
		if i == maxProblemsShown {
			fmt.Fprintf(w, "  ... and %d more\n", len(problems)-maxProblemsShown)
			break
		}
		fmt.Fprintf(w, "  %s\n", p.String())
	}
}

// parseSize reads a byte count: a number with an optional unit (B, KB, MB, GB, TB in powers of 1000; KiB, MiB,
// GiB, TiB in powers of 1024), or "none" for no limit (returned as -1).
func parseSize(text string) (int64, error) {
	t := strings.TrimSpace(text)
	if strings.EqualFold(t, "none") {
		return -1, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12}, {"b", 1}}
	mult := 1.0
	lower := strings.ToLower(t)
	for _, u := range units {
		if strings.HasSuffix(lower, u.suffix) {
			mult = u.mult
			t = strings.TrimSpace(t[:len(t)-len(u.suffix)])
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) || v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("not a size (use e.g. 512MB, 2GB, 1.5GiB or none)")
	}
	return max(int64(v*mult), 1), nil
}
