package kqltest

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// RelTolerance is the relative difference under which two numbers are equal.
const RelTolerance = 1e-9

// Cells says which texts of a cell stand for a value.
type Cells uint8

const (
	// ExactCells takes a cell only as testdata/conformance/README.md writes it: the core suite, whose cases hold
	// Kusto's exact results.
	ExactCells Cells = iota
	// DocsCells also takes the display forms of the KQL reference pages (docsform.go) when the exact comparison
	// of a cell fails: the docs suite, whose tables were typed and rendered for reading.
	DocsCells
)

// String names the rules: "exact" or "docs".
func (c Cells) String() string {
	if c == DocsCells {
		return "docs"
	}
	return "exact"
}

// Compare checks got against exp: column names in order, then every cell by the type of got's column, taking
// cells as cells says. When ordered is false rows may come in any order. The error describes every difference
// found.
func Compare(got *types.Table, exp *Expected, ordered bool, cells Cells) error {
	if got == nil {
		return fmt.Errorf("no result table")
	}
	names := make([]string, len(got.Fields))
	for i, f := range got.Fields {
		names[i] = f.Name
	}
	if !equalStrings(names, exp.Columns) {
		return fmt.Errorf("columns differ\n  want: %s\n  got:  %s", strings.Join(exp.Columns, ", "), describeFields(got.Fields))
	}
	n := got.NumRows()
	if n != len(exp.Rows) {
		return fmt.Errorf("want %d rows, got %d\n%s", len(exp.Rows), n, sideBySide(got, exp))
	}
	if ordered {
		var diffs []string
		for r := 0; r < n; r++ {
			if d := rowDiff(got, r, exp.Rows[r], cells); d != "" {
				diffs = append(diffs, fmt.Sprintf("row %d: %s", r+1, d))
			}
		}
		if len(diffs) > 0 {
			return fmt.Errorf("%s\n%s", strings.Join(capLines(diffs, 10), "\n"), sideBySide(got, exp))
		}
		return nil
	}
	// Unordered: match each expected row with a distinct got row (greedy is enough: a cell either matches or not).
	used := make([]bool, n)
	var missing []string
	for i, want := range exp.Rows {
		found := false
		for r := 0; r < n && !found; r++ {
			if !used[r] && rowDiff(got, r, want, cells) == "" {
				used[r] = true
				found = true
			}
		}
		if !found {
			missing = append(missing, fmt.Sprintf("expected row %d not in result: | %s |", i+1, strings.Join(want, " | ")))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s\n%s", strings.Join(capLines(missing, 10), "\n"), sideBySide(got, exp))
	}
	return nil
}

// rowDiff returns "" when row r of got matches want, or a description of the first differing cells.
func rowDiff(got *types.Table, r int, want []string, cells Cells) string {
	var diffs []string
	for c, f := range got.Fields {
		v := got.Cols[c].Value(r)
		if err := CompareCell(f.Type, v, want[c], cells); err != nil {
			diffs = append(diffs, fmt.Sprintf("%s: %v", f.Name, err))
		}
	}
	return strings.Join(diffs, "; ")
}

// CompareCell checks one value of type t against the cell text want, as conformance/README.md says; with
// DocsCells a cell that does not match exactly may also be one of the docs' display forms of the value.
func CompareCell(t types.Type, v types.Value, want string, cells Cells) error {
	docs := cells == DocsCells
	if t == types.String {
		w := unescapeStringCell(want)
		if v.S == w {
			return nil
		}
		if docs && docsStringEqual(v.S, want, w) {
			return nil
		}
		return fmt.Errorf("want %q, got %q", w, v.S)
	}
	err := compareTyped(t, v, want, docs)
	if err != nil && docs && strings.HasSuffix(want, "<br>") && t != types.Dynamic {
		// Docs form: a line break that ends a cell adds only an empty line to the rendered page ('true<br>').
		if compareTyped(t, v, strings.TrimSuffix(want, "<br>"), docs) == nil {
			return nil
		}
	}
	return err
}

// compareTyped checks a value of a type other than string against the cell text want; docs also takes the docs'
// display forms.
func compareTyped(t types.Type, v types.Value, want string, docs bool) error {
	if want == "null" || want == "" {
		if !v.Null {
			return fmt.Errorf("want null, got %s", FormatValue(v))
		}
		return nil
	}
	if v.Null {
		return fmt.Errorf("want %s, got null", want)
	}
	switch t {
	case types.Bool:
		b, err := strconv.ParseBool(strings.ToLower(want))
		if err != nil {
			return fmt.Errorf("want %q is not a bool", want)
		}
		if b != v.Bool() {
			return fmt.Errorf("want %s, got %s", want, FormatValue(v))
		}
	case types.Int, types.Long:
		if !numbersEqual(want, float64(v.I)) && !(docs && docsNumberEqual(want, float64(v.I))) {
			return fmt.Errorf("want %s, got %d", want, v.I)
		}
	case types.Real, types.Decimal:
		if !numbersEqual(want, v.F) && !(docs && (docsNumberEqual(want, v.F) || docsRealEqual(want, v.F))) {
			return fmt.Errorf("want %s, got %s", want, FormatValue(v))
		}
	case types.DateTime:
		ticks, ok := types.ParseDateTime(want)
		if !ok {
			return fmt.Errorf("want %q is not a datetime", want)
		}
		if ticks != v.I {
			return fmt.Errorf("want %s, got %s", want, types.FormatDateTime(v.I))
		}
	case types.TimeSpan:
		ticks, ok := types.ParseTimeSpan(want)
		if !ok {
			return fmt.Errorf("want %q is not a timespan", want)
		}
		if ticks != v.I {
			return fmt.Errorf("want %s, got %s", want, types.FormatTimeSpan(v.I))
		}
	case types.GUID:
		if !strings.EqualFold(want, v.S) {
			return fmt.Errorf("want %s, got %s", want, v.S)
		}
	case types.Dynamic:
		if w, err := types.ParseJSON(want); err == nil {
			path, ok := dynamicEqual(w, v.D, 0)
			if !ok && docs {
				ok = docsDynamicEqual(v.D, want, w, true)
			}
			if !ok {
				return fmt.Errorf("want %s, got %s (differs at %s)", want, types.FormatJSON(v.D), path)
			}
		} else if !docs || !docsDynamicEqual(v.D, want, nil, false) {
			return fmt.Errorf("want %s (not JSON), got %s", want, types.FormatJSON(v.D))
		}
	default:
		return fmt.Errorf("cannot compare a column of type %s", t)
	}
	return nil
}

// unescapeStringCell turns a cell's text into the string it stands for: `""` is empty, <br> a line break.
func unescapeStringCell(s string) string {
	if s == `""` {
		return ""
	}
	return strings.ReplaceAll(s, "<br>", "\n")
}

// numbersEqual compares the cell text want with got within RelTolerance; NaN equals NaN.
func numbersEqual(want string, got float64) bool {
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		return false
	}
	return floatsEqual(w, got)
}

func floatsEqual(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return true
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	return math.Abs(a-b) <= RelTolerance*math.Max(math.Abs(a), math.Abs(b))
}

// docsLenience selects the docs display forms dynamicEqual accepts after a strict comparison failed.
type docsLenience uint8

const (
	// docsQuotedReals: a wanted string that is wholly a number equals a real (some pages print reals in quotes).
	docsQuotedReals docsLenience = 1 << iota
	// docsCodeSpanKeys: a wanted bag key k equals a result key `k` when the result has no key k (Markdown renders
	// "`indexer`" in a table as "indexer", consuming the backticks).
	docsCodeSpanKeys
)

// dynamicEqual compares two dynamic values as JSON: numbers within tolerance, strings that are both ISO
// datetimes by instant, bags by key set, plus the docs forms lenient names. It returns the path of the first
// difference.
func dynamicEqual(want, got any, lenient docsLenience) (string, bool) {
	want, got = plainJSON(want), plainJSON(got)
	switch w := want.(type) {
	case nil:
		return "$", got == nil
	case bool:
		g, ok := got.(bool)
		return "$", ok && g == w
	case int64, float64:
		g, ok := toFloat(got)
		wf, _ := toFloat(w)
		return "$", ok && floatsEqual(wf, g)
	case string:
		g, ok := got.(string)
		if !ok {
			if gf, isReal := got.(float64); isReal && lenient&docsQuotedReals != 0 {
				wf, isNumber := docsReal(w)
				return "$", isNumber && floatsEqual(wf, gf)
			}
			return "$", false
		}
		if g == w {
			return "$", true
		}
		wt, wok := isoInstant(w)
		gt, gok := isoInstant(g)
		return "$", wok && gok && wt == gt
	case []any:
		g, ok := got.([]any)
		if !ok {
			return "$", false
		}
		if len(g) != len(w) {
			return fmt.Sprintf("$ (length %d, want %d)", len(g), len(w)), false
		}
		for i := range w {
			if p, ok := dynamicEqual(w[i], g[i], lenient); !ok {
				return fmt.Sprintf("[%d]%s", i, strings.TrimPrefix(p, "$")), false
			}
		}
		return "$", true
	case *types.Bag:
		g, ok := got.(*types.Bag)
		if !ok {
			return "$", false
		}
		if g.Len() != w.Len() {
			return fmt.Sprintf("$ (keys %v, want %v)", sortedKeys(g), sortedKeys(w)), false
		}
		for _, k := range w.Keys {
			gv, ok := g.Get(k)
			if !ok && lenient&docsCodeSpanKeys != 0 {
				gv, ok = g.Get("`" + k + "`")
			}
			if !ok {
				return fmt.Sprintf(".%s (missing)", k), false
			}
			wv, _ := w.Get(k)
			if p, ok := dynamicEqual(wv, gv, lenient); !ok {
				return "." + k + strings.TrimPrefix(p, "$"), false
			}
		}
		return "$", true
	}
	return "$", false
}

// plainJSON maps the typed scalars dynamic values can hold to their JSON forms.
func plainJSON(v any) any {
	switch x := v.(type) {
	case types.DynDateTime:
		return types.FormatDateTime(int64(x))
	case types.DynTimeSpan:
		return types.FormatTimeSpan(int64(x))
	case types.DynGUID:
		return string(x)
	}
	return v
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// isoInstant parses s when it looks like an ISO 8601 datetime (starts with YYYY-MM-DD).
func isoInstant(s string) (int64, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	return types.ParseDateTime(s)
}

func sortedKeys(b *types.Bag) []string {
	k := append([]string(nil), b.Keys...)
	sort.Strings(k)
	return k
}

// FormatValue prints a value the way expect.md cells are written.
func FormatValue(v types.Value) string {
	if v.Null {
		return "null"
	}
	switch v.Type {
	case types.Bool:
		return strconv.FormatBool(v.Bool())
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		return types.FormatJSON(v.D)
	case types.String:
		if v.S == "" {
			return `""`
		}
		return strings.ReplaceAll(strings.ReplaceAll(v.S, "|", `\|`), "\n", "<br>")
	}
	return v.S
}

// FormatTable prints t as an expect.md table (useful to write a new case from a result).
func FormatTable(t *types.Table) string {
	var b strings.Builder
	b.WriteString("|")
	for _, f := range t.Fields {
		b.WriteString(" " + f.Name + " |")
	}
	b.WriteString("\n|")
	for range t.Fields {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for r := 0; r < t.NumRows(); r++ {
		b.WriteString("|")
		for c := range t.Fields {
			b.WriteString(" " + FormatValue(t.Cols[c].Value(r)) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// sideBySide prints the expected and the got table, so a failure can be read without rerunning.
func sideBySide(got *types.Table, exp *Expected) string {
	var b strings.Builder
	b.WriteString("--- want\n| " + strings.Join(exp.Columns, " | ") + " |\n")
	for _, row := range capRows(exp.Rows, 20) {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("--- got (" + describeFields(got.Fields) + ")\n")
	lines := strings.Split(strings.TrimRight(FormatTable(got), "\n"), "\n")
	if len(lines) > 2 {
		lines = append(lines[:1], lines[2:]...) // drop the separator row
	}
	b.WriteString(strings.Join(capLines(lines, 21), "\n"))
	return b.String()
}

func describeFields(fs []types.Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Name + ":" + f.Type.String()
	}
	return strings.Join(parts, ", ")
}

func capRows(rows [][]string, n int) [][]string {
	if len(rows) <= n {
		return rows
	}
	return rows[:n]
}

func capLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(lines[:n:n], fmt.Sprintf("... and %d more", len(lines)-n))
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
