package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// corpusMode is what `kqlhunt corpus` does to each query.
type corpusMode string

const (
	modeParse corpusMode = "parse"
	modeCheck corpusMode = "check"
	modeRun   corpusMode = "run"
)

// Outcome kinds of one corpus query.
const (
	kindOK        = "ok"
	kindError     = "error"     // the parser or the engine rejected the query, or it failed at run time
	kindWorkspace = "workspace" // the query needs a table or function that exists only in a user's workspace
	kindService   = "service"   // the query calls a function only the Defender XDR service provides
	kindMalformed = "malformed" // the JSON line itself could not be read
	kindInvalid   = "invalid"   // the query fails as listed as invalid KQL (--invalid-list), with the reason
	kindNetwork   = "network"   // the query reads externaldata over http(s), which runs only with --allow-http
)

// defaultInvalidLists are the repository's lists of corpus queries that are not valid KQL (syntax errors, and
// semantic errors Kusto reports too); a default list that does not exist (outside the repository) is skipped.
var defaultInvalidLists = []string{"internal/syntax/testdata/corpus_invalid.txt", "internal/sema/testdata/corpus_invalid.txt"}

// corpusFlags are the flags of the corpus subcommands.
type corpusFlags struct {
	data         []string
	invalidLists []string
	now          string
	format       string
	timeout      time.Duration
}

func newCorpusCommand(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "corpus parse|check|run FILE.jsonl",
		Short: "Parse, check or run every query of a JSON-lines corpus and summarise the failures",
		Long: `Read a JSON-lines file of {"id": ..., "query": ...} objects and report, per query, ok or its first
error with line:col, then a summary with the failures grouped by cause. Queries that need tables or functions
that exist only in a user's workspace (custom _CL tables, saved functions, ASIM parsers) are counted apart.
The exit code is 0 even when queries fail; it is non-zero only for a wrong command line or an unreadable file.`,
	}
	for _, mode := range []corpusMode{modeParse, modeCheck, modeRun} {
		cmd.AddCommand(newCorpusModeCommand(s, mode))
	}
	return cmd
}

func newCorpusModeCommand(s *streams, mode corpusMode) *cobra.Command {
	var f corpusFlags
	short := map[corpusMode]string{
		modeParse: "Parse every query of a corpus",
		modeCheck: "Parse and check every query against the built-in Defender XDR and Sentinel table schemas",
		modeRun:   "Run every query of a corpus on --data",
	}[mode]
	cmd := &cobra.Command{
		Use:     string(mode) + " FILE.jsonl",
		Short:   short,
		Example: fmt.Sprintf("  kqlhunt corpus %s ../shared/corpus/queries.jsonl --format json", mode),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCorpus(cmd.Context(), s, mode, &f, args[0])
		},
	}
	fl := cmd.Flags()
	if mode == modeRun {
		fl.StringArrayVar(&f.data, "data", nil, "a data file or folder (searched recursively); repeat for more")
		fl.StringVar(&f.now, "now", "", "the value of now() as an ISO 8601 datetime (default: the current time)")
	}
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.StringArrayVar(&f.invalidLists, "invalid-list", defaultInvalidLists,
		"a file of `id<TAB>reason<TAB>line:col message` lines naming queries that are not valid KQL and the error each fails with; those failures count apart (repeat for more)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "the longest one query may take")
	return cmd
}

// corpusQuery is one line of the corpus file.
type corpusQuery struct {
	line  int
	ID    string `json:"id"`
	Query string `json:"query"`
}

// corpusOutcome is the report of one query (one JSON line with --format json).
type corpusOutcome struct {
	ID    string `json:"id"` // empty for a malformed line
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Kind is ok, error, workspace, service, invalid, network or malformed.
	Kind string `json:"kind"`
	// Reason is why a query of kind invalid is not valid KQL (from --invalid-list).
	Reason string `json:"reason,omitempty"`
	// Listed is, for a listed query that fails with another error than the list's, the listed error; the
	// query counts as a failure.
	Listed string `json:"listed,omitempty"`
	// Checked says, in run mode, whether the query passes check against the built-in schemas (the queries the
	// run figure counts).
	Checked bool `json:"checked,omitempty"`
	// failure is the error an invalid-query list is matched against: the first error, or in run mode the first
	// error of the check against the built-in schemas (the lists record those).
	failure corpus.Failure
	// cause is Error with names and positions normalised, used to group failures.
	cause string
	// name is the first quoted name of the error (the unknown table, column or function), counted per cause.
	name string
}

// causeCount is one group of failures in the summary.
type causeCount struct {
	Cause string `json:"cause"`
	Count int    `json:"count"`
	// Names are the most frequent names the cause's errors quote (which tables or functions are missing).
	Names []nameCount `json:"names,omitempty"`
}

// nameCount is how many failures of a cause quote one name.
type nameCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// maxNamesPerCause is how many names the summary lists under a cause.
const maxNamesPerCause = 5

// causeTally counts failures per cause and, within a cause, per quoted name.
type causeTally map[string]map[string]int

func (t causeTally) add(o corpusOutcome) {
	names := t[o.cause]
	if names == nil {
		names = map[string]int{}
		t[o.cause] = names
	}
	names[o.name]++
}

// corpusSummary is the last line of the report.
type corpusSummary struct {
	Mode      string `json:"mode"`
	Total     int    `json:"total"`
	OK        int    `json:"ok"`
	Failed    int    `json:"failed"`
	Workspace int    `json:"workspace"`
	Service   int    `json:"service"`
	Malformed int    `json:"malformed"`
	Invalid   int    `json:"invalid,omitempty"`
	Network   int    `json:"network,omitempty"`
	// Run is the run figure (run mode only).
	Run             *runFigure   `json:"run,omitempty"`
	Causes          []causeCount `json:"causes"`
	WorkspaceCauses []causeCount `json:"workspace_causes"`
}

// runFigure counts the outcomes of the queries that check, as issue 3's target counts them: the share of
// the checked queries that run to completion, leaving out those that need something outside kqlhunt (the
// network, the user's workspace, a Microsoft service).
type runFigure struct {
	Checked   int `json:"checked"`
	OK        int `json:"ok"`
	Network   int `json:"network"`
	Workspace int `json:"workspace"`
	Service   int `json:"service"`
	// Ratio is OK / (Checked − Network − Workspace − Service); Plain is OK / Checked.
	Ratio float64 `json:"ratio"`
	Plain float64 `json:"plain"`
}

func (r *runFigure) add(o corpusOutcome) {
	if !o.Checked {
		return
	}
	r.Checked++
	switch o.Kind {
	case kindOK:
		r.OK++
	case kindNetwork:
		r.Network++
	case kindWorkspace:
		r.Workspace++
	case kindService:
		r.Service++
	}
}

func (r *runFigure) finish() {
	if d := r.Checked - r.Network - r.Workspace - r.Service; d > 0 {
		r.Ratio = float64(r.OK) / float64(d)
	}
	if r.Checked > 0 {
		r.Plain = float64(r.OK) / float64(r.Checked)
	}
}

func runCorpus(ctx context.Context, s *streams, mode corpusMode, f *corpusFlags, path string) error {
	if f.format != "text" && f.format != "json" {
		return usagef("--format must be text or json, not %q", f.format)
	}
	if f.timeout <= 0 {
		return usagef("--timeout must be positive, not %s", f.timeout)
	}
	var now time.Time
	if f.now != "" {
		ticks, ok := types.ParseDateTime(f.now)
		if !ok {
			return usagef("--now %q is not a datetime (use ISO 8601, e.g. 2026-12-03T12:00:00Z)", f.now)
		}
		now = types.TicksToTime(ticks)
	}
	invalid, missing, err := readInvalidLists(f.invalidLists)
	if len(missing) > 0 {
		// Without the lists, queries that are not valid KQL count as failures; say so rather than let the
		// summary change silently when the command runs outside the repository root.
		fmt.Fprintf(s.errOut, "warning: no invalid-query list at %s (run from the repository root, or name lists with --invalid-list); listed queries count as failures\n", strings.Join(missing, ", "))
	}
	if err != nil {
		return err
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()

	var cat catalog.Catalog
	switch mode {
	case modeCheck:
		cat = rules.KnownCatalog()
	case modeRun:
		cat = catalog.Map{}
		if len(f.data) > 0 {
			if cat, err = loadData(ctx, s.errOut, f.data, ingest.Options{}, false, nil); err != nil {
				return err
			}
		}
	}

	sum := corpusSummary{Mode: string(mode)}
	if mode == modeRun {
		sum.Run = &runFigure{}
	}
	causes := causeTally{}
	workspaceCauses := causeTally{}
	out := bufio.NewWriter(s.out)
	defer out.Flush()
	err = readCorpus(file, func(q corpusQuery, readErr error) {
		var o corpusOutcome
		if readErr != nil {
			o = corpusOutcome{Error: readErr.Error(), Kind: kindMalformed, cause: "malformed JSON line"}
		} else {
			o = corpusRunOne(ctx, mode, q, cat, now, f.timeout)
			if inv, listed := invalid[q.ID]; listed && o.Kind != kindOK {
				if inv.Matches(o.failure) {
					o.Kind, o.Reason = kindInvalid, inv.Reason
				} else {
					// Not the error it is listed with: a new failure, not hidden by the listing.
					o.Kind, o.Listed = kindError, inv.Want.String()
				}
			}
		}
		sum.Total++
		if sum.Run != nil {
			sum.Run.add(o)
		}
		switch o.Kind {
		case kindOK:
			sum.OK++
		case kindInvalid:
			sum.Invalid++ // its reason is on its own line; the causes are those of the failures still to fix
		case kindNetwork:
			sum.Network++
			workspaceCauses.add(o)
		case kindWorkspace, kindService:
			if o.Kind == kindWorkspace {
				sum.Workspace++
			} else {
				sum.Service++
			}
			workspaceCauses.add(o)
		case kindMalformed:
			sum.Malformed++
			causes.add(o)
		default:
			sum.Failed++
			causes.add(o)
		}
		writeCorpusOutcome(out, f.format, o)
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if sum.Run != nil {
		sum.Run.finish()
	}
	sum.Causes = sortedCauses(causes)
	sum.WorkspaceCauses = sortedCauses(workspaceCauses)
	writeCorpusSummary(out, f.format, sum)
	return out.Flush()
}

// readInvalidLists reads the invalid-query lists (corpus.ReadInvalidList) into a map from query id to its line. A
// default list that does not exist is skipped and returned in missing; a list named on the command line must exist.
func readInvalidLists(paths []string) (out map[string]corpus.Invalid, missing []string, err error) {
	out = map[string]corpus.Invalid{}
	for _, p := range paths {
		list, err := corpus.ReadInvalidList(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && slices.Contains(defaultInvalidLists, p) {
				missing = append(missing, p)
				continue
			}
			return nil, missing, fmt.Errorf("--invalid-list: %w", err)
		}
		for _, inv := range list {
			out[inv.ID] = inv
		}
	}
	return out, missing, nil
}

// maxCorpusLine bounds one JSON line (a query of a few megabytes is still read).
const maxCorpusLine = 16 << 20

// readCorpus calls each for every line: the decoded query, or a positioned error for a malformed line.
// Only a failure to read the file itself is returned.
func readCorpus(r io.Reader, each func(corpusQuery, error)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxCorpusLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		q := corpusQuery{line: line}
		var raw struct {
			ID    *string `json:"id"`
			Query *string `json:"query"`
		}
		if err := json.Unmarshal([]byte(text), &raw); err != nil {
			each(q, fmt.Errorf("line %d: malformed JSON: %v", line, err))
			continue
		}
		if raw.ID == nil || raw.Query == nil {
			each(q, fmt.Errorf(`line %d: the object needs string fields "id" and "query"`, line))
			continue
		}
		q.ID, q.Query = *raw.ID, *raw.Query
		each(q, nil)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d bytes", line+1, maxCorpusLine)
		}
		return err
	}
	return nil
}

// corpusRunOne parses, checks or runs one query within the timeout; a panic becomes the query's error. In run
// mode the check against the built-in schemas (which says whether the run figure counts the query) runs within
// the timeout too, so a query the checker hangs on fails alone.
func corpusRunOne(ctx context.Context, mode corpusMode, q corpusQuery, cat catalog.Catalog, now time.Time, timeout time.Duration) corpusOutcome {
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	// check is the outcome of the check against the built-in schemas in run mode, set once it is known, so that
	// a query that then times out still counts as checked.
	var check atomic.Pointer[checkResult]
	go func() {
		var err error
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error: %v", r)
			}
			done <- err
		}()
		src := source.New("", q.Query)
		switch mode {
		case modeParse:
			_, diags := syntax.Parse(src)
			err = diagsErr(diags)
		case modeCheck:
			err = diagsErr(engine.Check(src, cat))
		default:
			check.Store(checkQuery(q.Query))
			_, err = engine.Run(qctx, src, engine.Options{Now: now, Catalog: cat})
		}
	}()
	var err error
	select {
	case err = <-done:
	case <-qctx.Done():
		// A query that ignores cancellation is abandoned: its goroutine ends when it ends.
		err = fmt.Errorf("timed out after %s", timeout)
	}
	if err == nil && qctx.Err() != nil {
		err = fmt.Errorf("timed out after %s", timeout)
	}
	checked := false
	cr := check.Load()
	if cr != nil {
		checked = !cr.failed
	}
	if err == nil {
		return corpusOutcome{ID: q.ID, OK: true, Kind: kindOK, Checked: checked}
	}
	msg, failure := firstError(err)
	plain := failure.Message
	o := corpusOutcome{ID: q.ID, Error: msg, Kind: classifyError(plain), failure: failure, cause: normaliseCause(plain), Checked: checked}
	if mode == modeRun {
		o.failure = corpus.Failure{}
		if cr != nil && cr.failed {
			o.failure = cr.failure
		}
	}
	if m := quotedNameRe.FindStringSubmatch(plain); m != nil {
		o.name = m[1]
	}
	if o.Kind == kindNetwork {
		// one cause for every refused URL, counted per host
		o.cause, o.name = "externaldata: an http(s) URL is not fetched without --allow-http", ""
		if m := urlHostRe.FindStringSubmatch(plain); m != nil {
			o.name = m[1]
		}
	}
	return o
}

var urlHostRe = regexp.MustCompile(`https?://([^/\s:]+)`)

// checkResult is the outcome of the check against the built-in schemas: its first error, if it failed.
type checkResult struct {
	failure corpus.Failure
	failed  bool
}

// checkQuery checks query against the built-in Defender XDR and Sentinel schemas (a panic counts as a failure).
func checkQuery(query string) (res *checkResult) {
	defer func() {
		if r := recover(); r != nil {
			res = &checkResult{failure: corpus.Failure{Message: fmt.Sprintf("internal error: %v", r)}, failed: true}
		}
	}()
	f, failed := corpus.FirstFailure(checkBuiltin(source.New("", query)))
	return &checkResult{failure: f, failed: failed}
}

// checkBuiltin checks a query against the built-in schemas; a variable so that a test can make it hang.
var checkBuiltin = func(src *source.Source) *source.DiagnosticList {
	return engine.Check(src, rules.KnownCatalog())
}

// diagsErr is the list as an error when it holds errors, else nil.
func diagsErr(d *source.DiagnosticList) error {
	if d == nil || !d.HasErrors() {
		return nil
	}
	return d
}

// firstError returns the first error of err as "line:col: message", and as a failure (with no position when
// err is not a diagnostic).
func firstError(err error) (positioned string, f corpus.Failure) {
	var list *source.DiagnosticList
	if errors.As(err, &list) {
		if f, ok := corpus.FirstFailure(list); ok {
			return f.Pos + ": " + f.Message, f
		}
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] // an internal error's stack trace
	}
	return msg, corpus.Failure{Message: msg}
}

var quotedNameRe = regexp.MustCompile(`'([\p{L}_][\p{L}\p{N}_]*)'`)

// classifyError is the outcome kind of a query error (corpus.Classify).
func classifyError(msg string) string {
	switch corpus.Classify(msg) {
	case corpus.NeedsService:
		return kindService
	case corpus.NeedsNetwork:
		return kindNetwork
	case corpus.NeedsWorkspace:
		return kindWorkspace
	}
	return kindError
}

var (
	quotedRe = regexp.MustCompile(`'[^']*('|$)|"[^"]*("|$)`)
	wordRe   = regexp.MustCompile(`[\p{L}\p{N}_]`)
	numberRe = regexp.MustCompile(`\b\d+(\.\d+)?\b`)
	didYouRe = regexp.MustCompile(`\s*\(did you mean [^)]*\)`)
)

// normaliseCause turns an error message into its cause: quoted names and literals become X and numbers N, so
// that "Unknown function: 'foo'." and "Unknown function: 'bar'." group together. Quoted punctuation ('|', ')')
// is kept: it says which token the parser stumbled on.
func normaliseCause(msg string) string {
	msg = didYouRe.ReplaceAllString(msg, "")
	msg = quotedRe.ReplaceAllStringFunc(msg, func(q string) string {
		if !wordRe.MatchString(q) && len(q) >= 2 && q[len(q)-1] == q[0] {
			return q
		}
		return q[:1] + "X" + q[:1]
	})
	msg = numberRe.ReplaceAllString(msg, "N")
	return msg
}

// sortedCauses orders the groups by count, then by cause, each with its most frequent names.
func sortedCauses(t causeTally) []causeCount {
	out := make([]causeCount, 0, len(t))
	for c, names := range t {
		cc := causeCount{Cause: c}
		for name, n := range names {
			cc.Count += n
			if name != "" {
				cc.Names = append(cc.Names, nameCount{Name: name, Count: n})
			}
		}
		sort.Slice(cc.Names, func(i, j int) bool {
			if cc.Names[i].Count != cc.Names[j].Count {
				return cc.Names[i].Count > cc.Names[j].Count
			}
			return cc.Names[i].Name < cc.Names[j].Name
		})
		if len(cc.Names) > maxNamesPerCause {
			cc.Names = cc.Names[:maxNamesPerCause]
		}
		out = append(out, cc)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Cause < out[j].Cause
	})
	return out
}

// writeCauses prints the groups, each followed by its names when they vary.
func writeCauses(w io.Writer, causes []causeCount) {
	for _, c := range causes {
		fmt.Fprintf(w, "  %5d  %s\n", c.Count, c.Cause)
		if len(c.Names) > 1 || (len(c.Names) == 1 && c.Count > 1) {
			parts := make([]string, len(c.Names))
			for i, n := range c.Names {
				parts[i] = fmt.Sprintf("%s %d", n.Name, n.Count)
			}
			fmt.Fprintf(w, "         (%s)\n", strings.Join(parts, ", "))
		}
	}
}

func writeCorpusOutcome(w io.Writer, format string, o corpusOutcome) {
	if format == "json" {
		data, _ := json.Marshal(o)
		fmt.Fprintf(w, "%s\n", data)
		return
	}
	switch o.Kind {
	case kindOK:
		fmt.Fprintf(w, "ok    %s\n", o.ID)
	case kindWorkspace:
		fmt.Fprintf(w, "WSPC  %s: %s\n", o.ID, o.Error)
	case kindService:
		fmt.Fprintf(w, "SVC   %s: %s\n", o.ID, o.Error)
	case kindMalformed:
		fmt.Fprintf(w, "BAD   %s\n", o.Error)
	case kindInvalid:
		fmt.Fprintf(w, "INVL  %s: %s (listed: %s)\n", o.ID, o.Error, o.Reason)
	case kindNetwork:
		fmt.Fprintf(w, "NET   %s: %s\n", o.ID, o.Error)
	default:
		if o.Listed != "" {
			fmt.Fprintf(w, "FAIL  %s: %s (listed as invalid KQL failing with %s)\n", o.ID, o.Error, o.Listed)
			return
		}
		fmt.Fprintf(w, "FAIL  %s: %s\n", o.ID, o.Error)
	}
}

func writeCorpusSummary(w io.Writer, format string, sum corpusSummary) {
	if format == "json" {
		data, _ := json.Marshal(struct {
			Summary corpusSummary `json:"summary"`
		}{sum})
		fmt.Fprintf(w, "%s\n", data)
		return
	}
	fmt.Fprintf(w, "\n%s: %d queries: %d ok, %d failed, %d invalid KQL (listed), %d need the user's workspace, %d need a Microsoft service (Defender XDR, Azure Resource Graph, a remote cluster), %d need network (externaldata over http(s); --allow-http), %d malformed lines\n",
		sum.Mode, sum.Total, sum.OK, sum.Failed, sum.Invalid, sum.Workspace, sum.Service, sum.Network, sum.Malformed)
	if r := sum.Run; r != nil {
		fmt.Fprintf(w, "run figure: %d of the %d queries that check ran to completion: %.1f%% of the %d that need nothing outside kqlhunt (%d need network, %d the workspace, %d a service); plain ratio %.1f%%\n",
			r.OK, r.Checked, 100*r.Ratio, r.Checked-r.Network-r.Workspace-r.Service, r.Network, r.Workspace, r.Service, 100*r.Plain)
		if extra := sum.OK - r.OK; extra > 0 {
			// Such a query names a column the built-in schemas lack but the data has; it runs, yet Kusto's
			// check against the documented schema would refuse it, so it is not in the run figure.
			fmt.Fprintf(w, "(%d of the %d ok queries ran on the data but do not check against the built-in schemas, so the run figure leaves them out)\n", extra, sum.OK)
		}
	}
	if len(sum.Causes) > 0 {
		fmt.Fprintln(w, "failures by cause:")
		writeCauses(w, sum.Causes)
	}
	if len(sum.WorkspaceCauses) > 0 {
		fmt.Fprintln(w, "workspace, service and network needs by cause:")
		writeCauses(w, sum.WorkspaceCauses)
	}
}
