package syntax

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// FuzzParse checks that no input panics the parser, and that every query it accepts prints to text that
// parses back to the same tree. Seeds are the conformance queries in testdata/fuzz/FuzzParse, plus the
// crashers found so far.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"T | where x > 1",
		"print a = dynamic({\"a\": [1, datetime(2020-01-01)]})",
		"let f = (T:(*)) { T | take 1 }; f(U)",
		// today's syntax: reduce, parse kind=relaxed, the geo lookup plugins, dcount_intersect
		`T | reduce by s with threshold=0.1, characters="*" | reduce by s kind=source`,
		`T | parse kind=relaxed s with * "n=" n:long ", m=" m:real * "d=" d:datetime | parse-kv s as (a:long) with (pair_delimiter=",")`,
		`T | evaluate geo_polygon_lookup(P, shape, lng, lat, return_unmatched = true, return_lookup_key = true) | evaluate geo_line_lookup(L, line, lng, lat, 1e9)`,
		`T | summarize a = hll(x), b = hll(y) by k | evaluate dcount_intersect(a, b) | extend buildschema = estimate_data_size(*)`,
		`print bin(Hour = Timestamp, 1h), tostring(make_set(X)), parse_json(d)[0].a, 1 == "1", dynamic(null) != 1.0`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		tree, diags := Parse(source.New("fuzz", q))
		if tree == nil || diags == nil {
			t.Fatal("Parse returned nil")
		}
		for _, d := range diags.Items {
			if d.Span.Start < 0 || int(d.Span.End) > len(q) || d.Span.End < d.Span.Start {
				t.Fatalf("diagnostic span %v outside the query (len %d): %s", d.Span, len(q), d.Message)
			}
			_ = d.Pretty()
		}
		checkSpans(t, "fuzz", q, tree)
		_, _ = ParseExpr(source.New("fuzz", q))
		if diags.Err() != nil {
			_ = Format(tree) // printing a partial tree must not panic either
			return
		}
		printed := Format(tree)
		tree2, diags2 := Parse(source.New("printed", printed))
		if diags2.Err() != nil {
			t.Fatalf("printed query does not parse: %v\nquery: %q\nprinted: %q", diags2, q, printed)
		}
		if d1, d2 := dumpTree(tree), dumpTree(tree2); d1 != d2 {
			t.Fatalf("tree changed after printing\nquery: %q\nprinted: %q\nfirst:\n%s\nsecond:\n%s", q, printed, d1, d2)
		}
	})
}
