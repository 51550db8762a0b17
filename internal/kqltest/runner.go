package kqltest

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// updateSkip rewrites the skip files of suites that allow it (go test -run TestConformance -args -kqltest.update-skip).
var updateSkip = flag.Bool("kqltest.update-skip", false, "rewrite the skip list of updatable suites from this run's failures")

// runSkipped runs the skipped cases too and names those that pass now (their skip entry can go).
var runSkipped = flag.Bool("kqltest.run-skipped", false, "run skipped cases too and report the ones that pass now")

// RunFunc runs one query and returns its result table. now is the value now() must have, or zero when
// the case does not pin it.
type RunFunc func(ctx context.Context, src *source.Source, now time.Time) (*types.Table, error)

// Suite is a folder of .txtar cases with its skip list.
type Suite struct {
	Dir      string        // folder holding the cases
	SkipFile string        // "case<TAB>reason" lines; may be absent
	Run      RunFunc       // the engine under test
	Timeout  time.Duration // per case; 0 means 20s
	// Updatable lets -kqltest.update-skip rewrite SkipFile with every failing case and its reason.
	Updatable bool
	// DocsForms also accepts, for a cell that does not match exactly, the display forms of the KQL reference
	// pages (docsform.go: trimmed and collapsed whitespace, eaten backslashes, quotes, a trailing <br>, ...).
	// Only the docs suite sets it: core cases hold Kusto's exact results and are compared exactly.
	DocsForms bool
}

// cells is how the suite compares cells.
func (s Suite) cells() Cells {
	if s.DocsForms {
		return DocsCells
	}
	return ExactCells
}

// MismatchReason is the skip reason recorded for a case whose result differs from the expected one.
const MismatchReason = "mismatch"

// Outcome is the result of running one case.
type Outcome struct {
	Err error
	// Reason is a one-line summary of Err for a skip list: the engine's error, or MismatchReason.
	Reason string
}

// RunCase runs c through run and compares its result, taking cells as cells says. It never panics: an engine
// panic is a failure.
func RunCase(ctx context.Context, c *Case, run RunFunc, timeout time.Duration, cells Cells) Outcome {
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		table *types.Table
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
			}
		}()
		src := source.New("query.kql", c.Query)
		tbl, err := run(ctx, src, c.Now)
		done <- result{tbl, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		return Outcome{Err: fmt.Errorf("timed out after %s", timeout), Reason: "timeout"}
	}

	if c.ExpectError != nil {
		if res.err == nil {
			return Outcome{Err: fmt.Errorf("want an error matching %q, the query succeeded", c.ExpectError), Reason: "no error"}
		}
		if !c.ExpectError.MatchString(res.err.Error()) {
			return Outcome{Err: fmt.Errorf("error %q does not match %q", res.err.Error(), c.ExpectError), Reason: firstLine(res.err.Error())}
		}
		return Outcome{}
	}
	if res.err != nil {
		var diags *source.DiagnosticList
		text := res.err.Error()
		if errors.As(res.err, &diags) {
			text = diags.Pretty()
		}
		return Outcome{Err: fmt.Errorf("query failed:\n%s", text), Reason: firstLine(res.err.Error())}
	}
	if err := Compare(res.table, c.Expect, c.Ordered, cells); err != nil {
		return Outcome{Err: err, Reason: MismatchReason}
	}
	return Outcome{}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimSpace(strings.ReplaceAll(s, "\t", " "))
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// LoadCases reads every .txtar file in dir, sorted by name.
func LoadCases(dir string) ([]*Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	cases := make([]*Case, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		c, err := ParseCase(filepath.Base(p), data)
		if err != nil {
			return nil, err
		}
		c.Name = strings.TrimSuffix(filepath.Base(p), ".txtar")
		cases = append(cases, c)
	}
	return cases, nil
}

// SkipList maps a case name (without .txtar) to the reason it is skipped.
type SkipList map[string]string

// ReadSkipList reads "case<TAB>reason" lines; '#' starts a comment line. A missing file is an empty list.
func ReadSkipList(path string) (SkipList, error) {
	skip := SkipList{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return skip, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want case<TAB>reason", path, n)
		}
		skip[strings.TrimSuffix(strings.TrimSpace(name), ".txtar")] = strings.TrimSpace(reason)
	}
	return skip, sc.Err()
}

// writeSkipList writes skip sorted by case name, keeping the comment header of the old file.
func writeSkipList(path string, skip SkipList) error {
	var header []string
	if old, err := os.ReadFile(path); err == nil {
		for _, line := range strings.Split(string(old), "\n") {
			if !strings.HasPrefix(line, "#") {
				break
			}
			header = append(header, line)
		}
	}
	names := make([]string, 0, len(skip))
	for n := range skip {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, h := range header {
		b.WriteString(h + "\n")
	}
	for _, n := range names {
		b.WriteString(n + ".txtar\t" + skip[n] + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// Test runs every case of the suite as a subtest. A case in the skip list is skipped with its reason;
// every other case must pass. With -kqltest.update-skip an updatable suite runs every case and rewrites
// its skip list from the failures (keeping the reasons already written for cases that still fail).
func (s Suite) Test(t *testing.T) {
	t.Helper()
	cases, err := LoadCases(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", s.Dir)
	}
	skip, err := ReadSkipList(s.SkipFile)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range cases {
		known[c.Name] = true
	}
	for name := range skip {
		if !known[name] {
			t.Errorf("%s lists %s, which is not a case in %s", s.SkipFile, name, s.Dir)
		}
	}
	update := *updateSkip && s.Updatable
	newSkip := SkipList{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			reason, skipped := skip[c.Name]
			if skipped && !update && !*runSkipped {
				t.Skip(reason)
			}
			out := RunCase(context.Background(), c, s.Run, s.Timeout, s.cells())
			if out.Err == nil {
				if skipped && !update {
					t.Logf("%s passes now: remove it from %s", c.Name, s.SkipFile)
				}
				return
			}
			if skipped && !update {
				t.Skip(reason)
			}
			if update {
				if skipped {
					out.Reason = reason
				}
				newSkip[c.Name] = out.Reason
				t.Skip(out.Reason)
			}
			t.Errorf("%s.txtar: %s\nquery:\n%s\n%v", c.Name, c.Description, indent(c.Query), out.Err)
		})
	}
	if update {
		if err := writeSkipList(s.SkipFile, newSkip); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d of %d cases skipped", s.SkipFile, len(newSkip), len(cases))
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
