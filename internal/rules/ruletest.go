package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/render"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// RuleTest is one test case of a rule: input rows per table, the value of now(), and the expected result.
type RuleTest struct {
	Name string
	Path string // the file the test is written in
	Line int
	Now  time.Time
	// Inputs are rows per table, as JSON objects; Files are data files or folders, relative to Path's folder.
	Inputs map[string][]map[string]any
	Files  []string
	// Tuning lists tuning files or folders to apply (relative to Path's folder); NoExclusions runs untuned.
	Tuning       []string
	NoExclusions bool
	// ExpectColumns, when set, restricts the comparison to these columns, in this order.
	ExpectColumns []string
	ExpectRows    [][]any
}

// TestResult is the outcome of one RuleTest.
type TestResult struct {
	Rule   *Rule
	Test   *RuleTest
	Passed bool
	// Diff is the readable difference between the expected and the actual rows, or the error.
	Diff string
}

// LoadRuleTests reads the tests of a rule: an inline tests: list and RULE.tests.yaml beside the rule file.
func LoadRuleTests(r *Rule) ([]*RuleTest, error) {
	var out []*RuleTest
	data, err := os.ReadFile(r.Path)
	if err != nil {
		return nil, err
	}
	if inline, err := testsFromYAML(r.Path, data, true); err != nil {
		return nil, err
	} else {
		out = append(out, inline...)
	}
	ext := filepath.Ext(r.Path)
	sidecar := strings.TrimSuffix(r.Path, ext) + ".tests.yaml"
	if data, err := os.ReadFile(sidecar); err == nil {
		tests, err := testsFromYAML(sidecar, data, false)
		if err != nil {
			return nil, err
		}
		out = append(out, tests...)
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return out, nil
}

// testsFromYAML reads the tests: list of a rule file (inline) or of a tests file.
func testsFromYAML(file string, data []byte, inline bool) ([]*RuleTest, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		if inline {
			return nil, nil
		}
		return nil, fmt.Errorf("%s:1:1: a tests file is a mapping with a tests: list", file)
	}
	root := doc.Content[0]
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "tests" {
			list = root.Content[i+1]
		} else if !inline {
			return nil, tuningError(file, root.Content[i], "unknown key %s (a tests file has tests:)", root.Content[i].Value)
		}
	}
	if list == nil {
		if inline {
			return nil, nil
		}
		return nil, tuningError(file, root, "the tests file has no tests: list")
	}
	if list.Kind != yaml.SequenceNode {
		return nil, tuningError(file, list, "tests must be a list")
	}
	var out []*RuleTest
	for _, n := range list.Content {
		t, err := parseRuleTest(file, n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func parseRuleTest(file string, n *yaml.Node) (*RuleTest, error) {
	if n.Kind != yaml.MappingNode {
		return nil, tuningError(file, n, "a test is a mapping with name, now, input and expect")
	}
	t := &RuleTest{Path: file, Line: n.Line, Inputs: map[string][]map[string]any{}}
	var expect *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			t.Name = scalar(v)
		case "now":
			ticks, ok := types.ParseDateTime(scalar(v))
			if !ok {
				return nil, tuningError(file, v, "now %q is not a datetime", scalar(v))
			}
			t.Now = types.TicksToTime(ticks)
		case "input":
			if v.Kind != yaml.MappingNode {
				return nil, tuningError(file, v, "input maps a table name to its rows (a list of column: value mappings), or files: to data files")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				tk, tv := v.Content[j], v.Content[j+1]
				if tk.Value == "files" {
					files, err := stringItems(file, "files", tv)
					if err != nil {
						return nil, err
					}
					t.Files = append(t.Files, files...)
					continue
				}
				var rows []map[string]any
				if err := tv.Decode(&rows); err != nil {
					return nil, tuningError(file, tv, "rows of %s must be a list of column: value mappings: %v", tk.Value, err)
				}
				t.Inputs[tk.Value] = rows
			}
		case "tuning":
			list, err := stringItems(file, "tuning", v)
			if err != nil {
				return nil, err
			}
			t.Tuning = list
		case "noExclusions":
			t.NoExclusions = scalar(v) == "true"
		case "expect":
			expect = v
		default:
			return nil, tuningError(file, k, "unknown test key %s (name, now, input, tuning, noExclusions, expect)", k.Value)
		}
	}
	if t.Name == "" {
		return nil, tuningError(file, n, "the test has no name")
	}
	if t.Now.IsZero() {
		return nil, tuningError(file, n, "test %q has no now: (tests must not depend on the clock)", t.Name)
	}
	if expect == nil || expect.Kind != yaml.MappingNode {
		return nil, tuningError(file, n, "test %q has no expect: {columns, rows}", t.Name)
	}
	for i := 0; i+1 < len(expect.Content); i += 2 {
		k, v := expect.Content[i], expect.Content[i+1]
		switch k.Value {
		case "columns":
			cols, err := stringItems(file, "columns", v)
			if err != nil {
				return nil, err
			}
			t.ExpectColumns = cols
		case "rows":
			if err := v.Decode(&t.ExpectRows); err != nil {
				return nil, tuningError(file, v, "expected rows must be a list of lists of values: %v", err)
			}
			if t.ExpectRows == nil {
				t.ExpectRows = [][]any{}
			}
		default:
			return nil, tuningError(file, k, "unknown expect key %s (columns, rows)", k.Value)
		}
	}
	if t.ExpectRows == nil {
		return nil, tuningError(file, expect, "test %q expects no rows: write rows: [] for an empty result", t.Name)
	}
	return t, nil
}

// RunRuleTest runs one test: it writes the input rows as JSON-lines files, loads them as kqlhunt loads data,
// applies the rule's exclusions, runs the query and compares the result.
func RunRuleTest(ctx context.Context, r *Rule, t *RuleTest, opts TuningOptions) *TestResult {
	res := &TestResult{Rule: r, Test: t}
	fail := func(format string, args ...any) *TestResult {
		res.Diff = fmt.Sprintf(format, args...)
		return res
	}
	dir, err := os.MkdirTemp("", "kqlhunt-test-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(dir)
	paths := []string{}
	for table, rows := range t.Inputs {
		var b bytes.Buffer
		for _, row := range rows {
			line, err := json.Marshal(normaliseYAML(row))
			if err != nil {
				return fail("input %s: %v", table, err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		if len(rows) == 0 {
			continue
		}
		p := filepath.Join(dir, table+".json")
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			return fail("%v", err)
		}
		paths = append(paths, p)
	}
	base := filepath.Dir(t.Path)
	for _, f := range t.Files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(base, f)
		}
		paths = append(paths, f)
	}
	cat, err := loadTestData(ctx, paths)
	if err != nil {
		return fail("%v", err)
	}
	// Tables the rule reads that the test gives no rows for are empty, not missing.
	cat, _ = WithEmptyKnownTables(cat, SourceTables(r.QuerySource))
	src := r.QuerySource
	if !t.NoExclusions {
		var extra []string
		for _, p := range t.Tuning {
			if !filepath.IsAbs(p) {
				p = filepath.Join(base, p)
			}
			extra = append(extra, p)
		}
		exclusions, err := FindTunings(r, extra, opts)
		if err != nil {
			return fail("%v", err)
		}
		var lookups []string
		for _, e := range exclusions {
			lookups = append(lookups, e.Lookups...)
		}
		cat, _ = WithEmptyKnownTables(cat, lookups)
		if src, err = ApplyExclusions(src, exclusions); err != nil {
			return fail("%v", err)
		}
	}
	out, err := engine.Run(ctx, src, engine.Options{Now: t.Now, Catalog: cat})
	if err != nil {
		return fail("the query failed: %v", err)
	}
	var b bytes.Buffer
	if err := render.WriteTable(&b, out.Table, "json"); err != nil {
		return fail("%v", err)
	}
	var got struct {
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		Rows [][]any `json:"rows"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		return fail("%v", err)
	}
	index := map[string]int{}
	var names, kinds []string
	for i, c := range got.Columns {
		index[c.Name] = i
		names = append(names, c.Name)
		kinds = append(kinds, c.Type)
	}
	cols := t.ExpectColumns
	if cols == nil {
		cols = names
	}
	for _, c := range cols {
		if _, ok := index[c]; !ok {
			return fail("the result has no column %s (it has %s)", c, strings.Join(names, ", "))
		}
	}
	gotLines := make([]string, len(got.Rows))
	for i, row := range got.Rows {
		cells := make([]any, len(cols))
		for j, c := range cols {
			cells[j] = row[index[c]]
		}
		gotLines[i] = cellsJSON(cells, nil)
	}
	wantLines := make([]string, len(t.ExpectRows))
	for i, row := range t.ExpectRows {
		if len(row) != len(cols) {
			return fail("expected row %d has %d values for %d columns (%s)", i+1, len(row), len(cols), strings.Join(cols, ", "))
		}
		colKinds := make([]string, len(cols))
		for j, c := range cols {
			colKinds[j] = kinds[index[c]]
		}
		wantLines[i] = cellsJSON(normaliseYAML(row).([]any), colKinds)
	}
	diff := lineDiff(wantLines, gotLines)
	if diff == "" {
		res.Passed = true
		return res
	}
	return fail("columns: %s\n%s", strings.Join(cols, ", "), diff)
}

// loadTestData loads the test's files with kqlhunt's loaders.
func loadTestData(ctx context.Context, paths []string) (catalog.Catalog, error) {
	if len(paths) == 0 {
		return catalog.Map{}, nil
	}
	ds, err := ingest.Load(ctx, paths, ingest.Options{})
	if err != nil {
		return nil, err
	}
	if len(ds.Problems) > 0 {
		return nil, fmt.Errorf("input: %s", ds.Problems[0].String())
	}
	return ds.Catalog, nil
}

// normaliseYAML turns YAML-decoded values into JSON-encodable ones (map[string]any keys, times as strings).
func normaliseYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normaliseYAML(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normaliseYAML(e)
		}
		return out
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// cellsJSON renders a row as one JSON line; an expected datetime is written as Kusto writes it.
func cellsJSON(cells []any, kinds []string) string {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c
		if kinds == nil {
			continue
		}
		out[i] = normaliseExpected(c, kinds[i])
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// normaliseExpected writes an expected value as the JSON output writes a value of the column's type.
func normaliseExpected(v any, kind string) any {
	switch x := v.(type) {
	case string:
		if kind == "datetime" {
			if ticks, ok := types.ParseDateTime(x); ok {
				return types.FormatDateTime(ticks)
			}
		}
		if kind == "timespan" {
			if ticks, ok := types.ParseTimeSpan(x); ok {
				return types.FormatTimeSpan(ticks)
			}
		}
	case []any:
		if kind == "dynamic" {
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = normaliseExpected(e, "dynamic")
				if s, ok := e.(string); ok {
					if ticks, ok := types.ParseDateTime(s); ok && strings.Contains(s, "T") {
						out[i] = types.FormatDateTime(ticks)
					}
				}
			}
			return out
		}
	case int:
		if kind == "real" {
			return float64(x)
		}
	}
	return v
}

// lineDiff is a unified-style diff of expected and actual lines ("" when equal): - expected only, + actual only.
func lineDiff(want, got []string) string {
	n, m := len(want), len(got)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	if lcs[0][0] == n && n == m {
		return ""
	}
	var b strings.Builder
	b.WriteString("--- expected\n+++ actual\n")
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			fmt.Fprintf(&b, "  %s\n", want[i])
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] > lcs[i+1][j]):
			fmt.Fprintf(&b, "+ %s\n", got[j])
			j++
		default:
			fmt.Fprintf(&b, "- %s\n", want[i])
			i++
		}
	}
	return b.String()
}

// FindRuleFiles returns the rule YAML files under paths (files or folders, recursively): YAML files with a
// top-level query: key, other than tuning and tests files.
func FindRuleFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if checkedFileKind(path) != "yaml" {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			var doc yaml.Node
			if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
				return nil
			}
			root := doc.Content[0]
			for i := 0; i+1 < len(root.Content); i += 2 {
				if root.Content[i].Value == "query" {
					out = append(out, path)
					break
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
