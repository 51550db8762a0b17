package kqltest

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

const seedCase = `The seed rule, shortened.
ordered: true
now: 2026-12-03T15:00:00Z
-- query.kql --
print x = 1
| extend y = "a|b"
-- expect.md --
| n | s | when | d | ok |
|---|---|---|---|---|
| 2 | a\|b | 2026-11-03 00:00 | [1,"2026-11-03T00:00:00Z"] | true |
| 3.0000000001 | "" | 2026-11-04T00:00:00.0000000Z | {"k":null} | null |
`

func seedTable() *types.Table {
	t := types.NewTable([]types.Field{
		{Name: "n", Type: types.Long}, {Name: "s", Type: types.String}, {Name: "when", Type: types.DateTime},
		{Name: "d", Type: types.Dynamic}, {Name: "ok", Type: types.Bool},
	})
	day, _ := types.ParseDateTime("2026-11-03T00:00:00Z")
	bag := types.NewBag()
	bag.Set("k", nil)
	t.AppendRow([]types.Value{types.NewLong(2), types.NewString("a|b"), types.NewDateTime(day),
		types.NewDynamic([]any{int64(1), types.DynDateTime(day)}), types.NewBool(true)})
	t.AppendRow([]types.Value{types.NewLong(3), types.NewString(""), types.NewDateTime(day + types.TicksPerDay),
		types.NewDynamic(bag), types.NullOf(types.Bool)})
	return t
}

func TestParseCase(t *testing.T) {
	c, err := ParseCase("seed.txtar", []byte(seedCase))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Ordered || c.Now != time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC) {
		t.Errorf("ordered=%v now=%v", c.Ordered, c.Now)
	}
	if c.Query != "print x = 1\n| extend y = \"a|b\"" || c.QueryLine != 5 {
		t.Errorf("query %q at line %d", c.Query, c.QueryLine)
	}
	if c.Description != "The seed rule, shortened." {
		t.Errorf("description %q", c.Description)
	}
	if got := strings.Join(c.Expect.Columns, ","); got != "n,s,when,d,ok" {
		t.Errorf("columns %s", got)
	}
	if len(c.Expect.Rows) != 2 || c.Expect.Rows[0][1] != "a|b" || c.Expect.Rows[1][1] != `""` {
		t.Errorf("rows %q", c.Expect.Rows)
	}
}

func TestParseCaseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "no query", text: "x\n-- expect.md --\n| a |\n|---|\n", want: "no -- query.kql --"},
		{name: "no expectation", text: "-- query.kql --\nprint 1\n", want: "exactly one of"},
		{name: "both expectations", text: "-- query.kql --\nprint 1\n-- expect.md --\n| a |\n|---|\n-- expect-error --\nx\n", want: "exactly one of"},
		{name: "bad ordered", text: "ordered: maybe\n-- query.kql --\nprint 1\n-- expect-error --\nx\n", want: "bad.txtar:1: ordered"},
		{name: "bad now", text: "now: yesterday\n-- query.kql --\nprint 1\n-- expect-error --\nx\n", want: "now:"},
		{name: "bad regexp", text: "-- query.kql --\nprint 1\n-- expect-error --\n(\n", want: "expect-error"},
		{name: "ragged row", text: "-- query.kql --\nprint 1\n-- expect.md --\n| a | b |\n|---|---|\n| 1 |\n", want: "bad.txtar:6: row has 1 cells, header has 2"},
		{name: "no separator", text: "-- query.kql --\nprint 1\n-- expect.md --\n| a |\n| 1 |\n", want: "separator"},
		{name: "unknown section", text: "-- query.kql --\nprint 1\n-- expected.md --\n", want: "unknown section"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCase("bad.txtar", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestCompareMatches(t *testing.T) {
	c, err := ParseCase("seed.txtar", []byte(seedCase))
	if err != nil {
		t.Fatal(err)
	}
	// 3 vs 3.0000000001 is within the relative tolerance; the datetimes are written in two ISO forms.
	if err := Compare(seedTable(), c.Expect, true, ExactCells); err != nil {
		t.Fatalf("want a match, got:\n%v", err)
	}
}

func TestCompareReportsDifferences(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(e *Expected)
		ordered bool
		want    []string // every fragment must be in the message
	}{
		{name: "wrong number", ordered: true, edit: func(e *Expected) { e.Rows[0][0] = "5" },
			want: []string{"row 1: n: want 5, got 2", "--- want", "--- got (n:long, s:string"}},
		{name: "wrong string", ordered: true, edit: func(e *Expected) { e.Rows[1][1] = "x" },
			want: []string{`row 2: s: want "x", got ""`}},
		{name: "wrong instant", ordered: true, edit: func(e *Expected) { e.Rows[0][2] = "2026-11-03T00:00:01Z" },
			want: []string{"when: want 2026-11-03T00:00:01Z, got 2026-11-03T00:00:00.0000000Z"}},
		{name: "wrong dynamic element", ordered: true, edit: func(e *Expected) { e.Rows[0][3] = `[1,"2026-11-04T00:00:00Z"]` },
			want: []string{"differs at [1]"}},
		{name: "null expected", ordered: true, edit: func(e *Expected) { e.Rows[0][4] = "null" },
			want: []string{"ok: want null, got true"}},
		{name: "order matters", ordered: true, edit: func(e *Expected) { e.Rows[0], e.Rows[1] = e.Rows[1], e.Rows[0] },
			want: []string{"row 1:", "row 2:"}},
		{name: "missing row unordered", ordered: false, edit: func(e *Expected) { e.Rows[1][0] = "4" },
			want: []string{"expected row 2 not in result: | 4 |"}},
		{name: "row count", ordered: false, edit: func(e *Expected) { e.Rows = e.Rows[:1] },
			want: []string{"want 1 rows, got 2"}},
		{name: "column names", ordered: false, edit: func(e *Expected) { e.Columns[1] = "S" },
			want: []string{"columns differ", "want: n, S, when, d, ok", "got:  n:long, s:string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCase("seed.txtar", []byte(seedCase))
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(c.Expect)
			err = Compare(seedTable(), c.Expect, tc.ordered, ExactCells)
			if err == nil {
				t.Fatal("a wrong expectation passed")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%v", w, err)
				}
			}
		})
	}
	t.Run("unordered swap passes", func(t *testing.T) {
		c, _ := ParseCase("seed.txtar", []byte(seedCase))
		c.Expect.Rows[0], c.Expect.Rows[1] = c.Expect.Rows[1], c.Expect.Rows[0]
		if err := Compare(seedTable(), c.Expect, false, ExactCells); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCompareCell(t *testing.T) {
	tests := []struct {
		name  string
		typ   types.Type
		value types.Value
		cell  string
		exact bool // matches under ExactCells (the core suite)
		docs  bool // matches under DocsCells (the docs suite)
	}{
		{name: "long equal", typ: types.Long, value: types.NewLong(42), cell: "42", exact: true, docs: true},
		{name: "long null", typ: types.Long, value: types.NullOf(types.Long), cell: "null", exact: true, docs: true},
		{name: "long not null", typ: types.Long, value: types.NewLong(0), cell: "null", exact: false, docs: false},
		{name: "real tolerance", typ: types.Real, value: types.NewReal(0.1 + 0.2), cell: "0.3", exact: true, docs: true},
		{name: "real too far", typ: types.Real, value: types.NewReal(0.3001), cell: "0.3", exact: false, docs: false},
		{name: "real nan", typ: types.Real, value: types.NewReal(nan()), cell: "NaN", exact: true, docs: true},
		{name: "real exponent", typ: types.Real, value: types.NewReal(1.5e10), cell: "15000000000", exact: true, docs: true},
		{name: "bool", typ: types.Bool, value: types.NewBool(false), cell: "false", exact: true, docs: true},
		{name: "bool mismatch", typ: types.Bool, value: types.NewBool(false), cell: "true", exact: false, docs: false},
		{name: "string empty", typ: types.String, value: types.NewString(""), cell: `""`, exact: true, docs: true},
		{name: "string null text", typ: types.String, value: types.NewString(""), cell: "null", exact: false, docs: false},
		{name: "string line break", typ: types.String, value: types.NewString("a\n"), cell: "a<br>", exact: true, docs: true},
		{name: "datetime space form", typ: types.DateTime, value: dt("2017-01-01T00:00:00Z"), cell: "2017-01-01 00:00", exact: true, docs: true},
		{name: "datetime off by a tick", typ: types.DateTime, value: types.NewDateTime(mustTicks("2017-01-01T00:00:00Z") + 1), cell: "2017-01-01T00:00:00Z", exact: false, docs: false},
		{name: "timespan", typ: types.TimeSpan, value: types.NewTimeSpan(90 * types.TicksPerMinute), cell: "01:30:00", exact: true, docs: true},
		{name: "timespan days", typ: types.TimeSpan, value: types.NewTimeSpan(2*types.TicksPerDay + 3*types.TicksPerHour), cell: "2.03:00:00", exact: true, docs: true},
		{name: "timespan wrong", typ: types.TimeSpan, value: types.NewTimeSpan(types.TicksPerHour), cell: "00:59:59", exact: false, docs: false},
		{name: "guid any case", typ: types.GUID, value: types.NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642"), cell: "74BE27DE-1E4E-49D9-B579-FE0B331D3642", exact: true, docs: true},
		{name: "dynamic bag any key order", typ: types.Dynamic, value: types.NewDynamic(bagOf("a", int64(1), "b", "x")), cell: `{"b":"x","a":1}`, exact: true, docs: true},
		{name: "dynamic bag extra key", typ: types.Dynamic, value: types.NewDynamic(bagOf("a", int64(1), "b", "x")), cell: `{"a":1}`, exact: false, docs: false},
		{name: "dynamic number tolerance", typ: types.Dynamic, value: types.NewDynamic([]any{0.1 + 0.2}), cell: "[0.3]", exact: true, docs: true},
		{name: "dynamic int vs real", typ: types.Dynamic, value: types.NewDynamic(int64(2)), cell: "2.0", exact: true, docs: true},
		{name: "dynamic null", typ: types.Dynamic, value: types.NewDynamic(nil), cell: "null", exact: true, docs: true},
		{name: "dynamic string not number", typ: types.Dynamic, value: types.NewDynamic("1"), cell: "1", exact: false, docs: false},
		{name: "dynamic timespan", typ: types.Dynamic, value: types.NewDynamic(types.DynTimeSpan(types.TicksPerHour)), cell: `"01:00:00"`, exact: true, docs: true},
		{name: "dynamic bare word", typ: types.Dynamic, value: types.NewDynamic("abc"), cell: "abc", exact: false, docs: true},
		{name: "dynamic array length", typ: types.Dynamic, value: types.NewDynamic([]any{int64(1)}), cell: "[1,2]", exact: false, docs: false},
		// Relaxations the core suite must not make: each is a docs display form only.
		{name: "core trim that does nothing", typ: types.String, value: types.NewString("x   "), cell: "x", exact: false, docs: true},
		{name: "core line breaks are not a space", typ: types.String, value: types.NewString("a\n\nb"), cell: "a b", exact: false, docs: true},
		{name: "core backslashes are not halved", typ: types.String, value: types.NewString(`C:\\temp`), cell: `C:\temp`, exact: false, docs: true},
		{name: "core quotes are part of the cell", typ: types.String, value: types.NewString("abc"), cell: `"abc"`, exact: false, docs: true},
		{name: "core trailing line break", typ: types.Bool, value: types.NewBool(true), cell: "true<br>", exact: false, docs: true},
		{name: "core thousands separators", typ: types.Long, value: types.NewLong(1234567), cell: "1,234,567", exact: false, docs: true},
		{name: "core line break is a line break", typ: types.String, value: types.NewString("a\nb"), cell: "a<br>b", exact: true, docs: true},
		// Docs display forms (docsform.go): each with a near-miss that must still fail.
		{name: "docs bare words", typ: types.Dynamic, value: types.NewDynamic([]any{"yes", "no", "yes"}), cell: "[yes, no, yes]", exact: false, docs: true},
		{name: "docs bare words differ", typ: types.Dynamic, value: types.NewDynamic([]any{"yes", "no", "yes"}), cell: "[yes, no, no]", exact: false, docs: false},
		{name: "docs bare number is a number", typ: types.Dynamic, value: types.NewDynamic([]any{"1", "x"}), cell: "[1, x]", exact: false, docs: false},
		{name: "docs single quotes", typ: types.Dynamic, value: types.NewDynamic(bagOf("a", int64(1), "b", "2")), cell: "{'a': 1,'b': '2'}", exact: false, docs: true},
		{name: "docs single quotes type differs", typ: types.Dynamic, value: types.NewDynamic(bagOf("a", int64(1), "b", int64(2))), cell: "{'a': 1,'b': '2'}", exact: false, docs: false},
		{name: "docs single quotes array", typ: types.Dynamic, value: types.NewDynamic([]any{int64(1), "2", 2.5}), cell: "[1,'2',2.5]", exact: false, docs: true},
		{name: "docs single quotes value differs", typ: types.Dynamic, value: types.NewDynamic([]any{int64(1), "2", 2.5}), cell: "[1,'3',2.5]", exact: false, docs: false},
		{name: "docs single quoted real is a string", typ: types.Dynamic, value: types.NewDynamic([]any{2.0}), cell: "['2', x]", exact: false, docs: false},
		{name: "docs unbalanced", typ: types.Dynamic, value: types.NewDynamic([]any{"a"}), cell: "['a'", exact: false, docs: false},
		{name: "docs quoted reals", typ: types.Dynamic, value: types.NewDynamic([]any{-math.Pi / 2, 0.0, math.Pi / 2}), cell: `["-1.5707963267948966",0,"1.5707963267948966"]`, exact: false, docs: true},
		{name: "docs quoted real differs", typ: types.Dynamic, value: types.NewDynamic([]any{-math.Pi / 2, 0.0}), cell: `["-1.5707963",0]`, exact: false, docs: false},
		{name: "docs quoted number not a long", typ: types.Dynamic, value: types.NewDynamic([]any{int64(1)}), cell: `["1"]`, exact: false, docs: false},
		{name: "docs quoted non-number", typ: types.Dynamic, value: types.NewDynamic([]any{1.0}), cell: `["1x"]`, exact: false, docs: false},
		{name: "docs code span key", typ: types.Dynamic, value: types.NewDynamic(bagOf("z", bagOf("`indexer`", "string"))), cell: `{"z":{"indexer":"string"}}`, exact: false, docs: true},
		{name: "docs code span key value differs", typ: types.Dynamic, value: types.NewDynamic(bagOf("z", bagOf("`indexer`", "long"))), cell: `{"z":{"indexer":"string"}}`, exact: false, docs: false},
		{name: "docs code span key needs the backticks", typ: types.Dynamic, value: types.NewDynamic(bagOf("z", bagOf("'indexer'", "string"))), cell: `{"z":{"indexer":"string"}}`, exact: false, docs: false},
		{name: "docs markdown escape", typ: types.String, value: types.NewString(`{"b":"{\"c\":456}"}`), cell: `{"b":"{"c":456}"}`, exact: false, docs: true},
		{name: "docs markdown escape of a backslash", typ: types.String, value: types.NewString(`\\shared\users`), cell: `\shared\users`, exact: false, docs: true},
		{name: "docs markdown escape value differs", typ: types.String, value: types.NewString(`{\"c\":456}`), cell: `{"c":457}`, exact: false, docs: false},
		{name: "docs markdown escape needs punctuation", typ: types.String, value: types.NewString(`a\b`), cell: `ab`, exact: false, docs: false},
		{name: "docs markdown escape in JSON", typ: types.Dynamic, value: types.NewDynamic(bagOf("D", `C:\temp`, "E", "")), cell: `{"D":"C:\temp","E":""}`, exact: false, docs: true},
		{name: "docs markdown escape in JSON differs", typ: types.Dynamic, value: types.NewDynamic(bagOf("D", `C:\temp`, "E", "")), cell: `{"D":"C:\tmp","E":""}`, exact: false, docs: false},
		{name: "docs cell trimmed", typ: types.String, value: types.NewString("Hello, world!    "), cell: "Hello, world!", exact: false, docs: true},
		{name: "docs cell spaces collapsed", typ: types.String, value: types.NewString("-  Te st1// $"), cell: "- Te st1// $", exact: false, docs: true},
		{name: "docs cell whitespace but other text", typ: types.String, value: types.NewString("  Hello, world! "), cell: "Hello world!", exact: false, docs: false},
		{name: "docs cell inner space is kept", typ: types.String, value: types.NewString("ab"), cell: "a b", exact: false, docs: false},
		{name: "docs cell line breaks and indentation collapse", typ: types.String, value: types.NewString("\n  class P {\n    f();\n  }"), cell: "class P { f(); }", exact: false, docs: true},
		{name: "docs cell whitespace cannot vanish", typ: types.String, value: types.NewString("a\tb"), cell: "ab", exact: false, docs: false},
		{name: "docs cell no-break space is not whitespace", typ: types.String, value: types.NewString("a\u00a0 b"), cell: "a b", exact: false, docs: false},
		{name: "docs trailing line break", typ: types.Bool, value: types.NewBool(true), cell: "true<br>", exact: false, docs: true},
		{name: "docs trailing line break value differs", typ: types.Bool, value: types.NewBool(false), cell: "true<br>", exact: false, docs: false},
		{name: "docs line break inside a number", typ: types.Long, value: types.NewLong(12), cell: "1<br>2", exact: false, docs: false},
		{name: "docs infinity", typ: types.Real, value: types.NewReal(math.Inf(1)), cell: "∞", exact: false, docs: true},
		{name: "docs minus infinity", typ: types.Real, value: types.NewReal(math.Inf(-1)), cell: "-∞", exact: false, docs: true},
		{name: "docs infinity sign differs", typ: types.Real, value: types.NewReal(math.Inf(-1)), cell: "∞", exact: false, docs: false},
		{name: "docs infinity not finite", typ: types.Real, value: types.NewReal(math.MaxFloat64), cell: "∞", exact: false, docs: false},
		{name: "docs real in quotes", typ: types.Real, value: types.NewReal(0.5), cell: `"0.5"`, exact: false, docs: true},
		{name: "docs real in quotes differs", typ: types.Real, value: types.NewReal(0.5), cell: `"0.51"`, exact: false, docs: false},
		{name: "docs string in double quotes", typ: types.String, value: types.NewString("1234567890qwertyuiop"), cell: `"1234567890qwertyuiop"`, exact: false, docs: true},
		{name: "docs string in double quotes differs", typ: types.String, value: types.NewString("1234567890qwertyuio"), cell: `"1234567890qwertyuiop"`, exact: false, docs: false},
		{name: "docs string quotes are part of the value", typ: types.String, value: types.NewString(`"a"`), cell: `"a"`, exact: true, docs: true},
		{name: "docs string one quote", typ: types.String, value: types.NewString("a"), cell: `"a`, exact: false, docs: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				cells Cells
				want  bool
			}{{ExactCells, tc.exact}, {DocsCells, tc.docs}} {
				err := CompareCell(tc.typ, tc.value, tc.cell, c.cells)
				if (err == nil) != c.want {
					t.Errorf("CompareCell(%s, %s, %q, %s) = %v, want match=%v", tc.typ, FormatValue(tc.value), tc.cell, c.cells, err, c.want)
				}
			}
		})
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func mustTicks(s string) int64 {
	t, ok := types.ParseDateTime(s)
	if !ok {
		panic(s)
	}
	return t
}

func dt(s string) types.Value { return types.NewDateTime(mustTicks(s)) }

func bagOf(kv ...any) *types.Bag {
	b := types.NewBag()
	for i := 0; i < len(kv); i += 2 {
		b.Set(kv[i].(string), kv[i+1])
	}
	return b
}

func TestRunCase(t *testing.T) {
	okCase, err := ParseCase("seed.txtar", []byte(seedCase))
	if err != nil {
		t.Fatal(err)
	}
	errCase, err := ParseCase("err.txtar", []byte("-- query.kql --\nprint 1 +\n-- expect-error --\n1:\\d+\n"))
	if err != nil {
		t.Fatal(err)
	}
	src := source.New("query.kql", "print 1 +")
	diag := &source.DiagnosticList{}
	diag.Addf(src, source.Span{Start: 9, End: 9}, "expected an expression")
	tests := []struct {
		name       string
		c          *Case
		run        RunFunc
		wantReason string // "" means the case passes
		wantErr    string
	}{
		{name: "pass", c: okCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) { return seedTable(), nil }},
		{name: "now is passed", c: okCase, run: func(_ context.Context, _ *source.Source, now time.Time) (*types.Table, error) {
			if !now.Equal(time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)) {
				return nil, errors.New("now not pinned")
			}
			return seedTable(), nil
		}},
		{name: "engine error", c: okCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) { return nil, diag },
			wantReason: "query.kql:1:10: error: expected an expression", wantErr: "^"},
		{name: "mismatch", c: okCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) {
			tb := seedTable()
			tb.Cols[0].Ints[0] = 7
			return tb, nil
		}, wantReason: MismatchReason, wantErr: "want 2, got 7"},
		{name: "panic is a failure", c: okCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) { panic("boom") },
			wantReason: "panic: boom", wantErr: "panic: boom"},
		{name: "expected error matches", c: errCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) { return nil, diag }},
		{name: "expected error missing", c: errCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) { return seedTable(), nil },
			wantReason: "no error", wantErr: "the query succeeded"},
		{name: "expected error differs", c: errCase, run: func(context.Context, *source.Source, time.Time) (*types.Table, error) { return nil, errors.New("boom") },
			wantReason: "boom", wantErr: "does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := RunCase(context.Background(), tc.c, tc.run, time.Second, ExactCells)
			if tc.wantReason == "" {
				if out.Err != nil {
					t.Fatalf("want pass, got %v", out.Err)
				}
				return
			}
			if out.Err == nil || !strings.Contains(out.Reason, tc.wantReason) || !strings.Contains(out.Err.Error(), tc.wantErr) {
				t.Fatalf("got reason %q, error %v; want reason containing %q and error containing %q", out.Reason, out.Err, tc.wantReason, tc.wantErr)
			}
		})
	}
}

// TestSuiteCells checks that a suite compares exactly unless it turns the docs forms on: the core suite's
// "x" must not match a result of "x   " (a trim that does nothing), the docs suite's may.
func TestSuiteCells(t *testing.T) {
	c, err := ParseCase("trim.txtar", []byte("ordered: true\n-- query.kql --\nprint s = trim(' ', 'x   ')\n-- expect.md --\n| s |\n|---|\n| x |\n"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(context.Context, *source.Source, time.Time) (*types.Table, error) {
		tb := types.NewTable([]types.Field{{Name: "s", Type: types.String}})
		tb.AppendRow([]types.Value{types.NewString("x   ")})
		return tb, nil
	}
	tests := []struct {
		name  string
		suite Suite
		pass  bool
	}{
		{name: "core", suite: Suite{}, pass: false},
		{name: "docs", suite: Suite{DocsForms: true}, pass: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := RunCase(context.Background(), c, run, time.Second, tc.suite.cells())
			if (out.Err == nil) != tc.pass {
				t.Fatalf("pass=%v, want %v (%v)", out.Err == nil, tc.pass, out.Err)
			}
			if !tc.pass && out.Reason != MismatchReason {
				t.Errorf("reason %q, want %q", out.Reason, MismatchReason)
			}
		})
	}
}

func TestRunCaseTimeout(t *testing.T) {
	c, _ := ParseCase("seed.txtar", []byte(seedCase))
	out := RunCase(context.Background(), c, func(ctx context.Context, _ *source.Source, _ time.Time) (*types.Table, error) {
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond)
		return nil, ctx.Err()
	}, 20*time.Millisecond, ExactCells)
	if out.Reason != "timeout" {
		t.Fatalf("want a timeout, got %q %v", out.Reason, out.Err)
	}
}

func TestSkipListRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skip.txt")
	if err := os.WriteFile(path, []byte("# header kept\n\nb.txtar\tsecond\na\tfirst reason\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	skip, err := ReadSkipList(path)
	if err != nil {
		t.Fatal(err)
	}
	if skip["a"] != "first reason" || skip["b"] != "second" || len(skip) != 2 {
		t.Fatalf("read %v", skip)
	}
	if err := writeSkipList(path, skip); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if want := "# header kept\na.txtar\tfirst reason\nb.txtar\tsecond\n"; string(data) != want {
		t.Fatalf("wrote %q, want %q", data, want)
	}
	if err := os.WriteFile(path, []byte("a.txtar no tab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSkipList(path); err == nil || !strings.Contains(err.Error(), "skip.txt:1") {
		t.Fatalf("want a line-numbered error, got %v", err)
	}
}

// TestProjectCasesParse checks that every case file in the project's testdata is well-formed, so that a
// broken case shows up here with its line rather than as an engine failure.
func TestProjectCasesParse(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		min  int
	}{
		{name: "core", dir: "../../testdata/conformance/core", min: 34},
		{name: "docs", dir: "../../testdata/conformance/docs", min: 369},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cases, err := LoadCases(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(cases) < tc.min {
				t.Fatalf("%d cases in %s, want at least %d", len(cases), tc.dir, tc.min)
			}
			for _, c := range cases {
				if c.Expect != nil && len(c.Expect.Columns) == 0 {
					t.Errorf("%s: expected table has no columns", c.Name)
				}
			}
		})
	}
}
