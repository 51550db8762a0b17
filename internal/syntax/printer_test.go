package syntax

import (
	goast "go/ast"
	goparser "go/parser"
	gotoken "go/token"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// checkRoundTrip parses q, prints it, parses the print, and requires the same tree and the same print.
func checkRoundTrip(t *testing.T, name, q string) {
	t.Helper()
	tree, diags := Parse(source.New(name, q))
	if diags.Err() != nil {
		return
	}
	printed := Format(tree)
	tree2, diags2 := Parse(source.New(name+" (printed)", printed))
	if diags2.Err() != nil {
		t.Errorf("%s: printed query does not parse: %v\nquery:\n%s\nprinted:\n%s", name, diags2, q, printed)
		return
	}
	if d1, d2 := dumpTree(tree), dumpTree(tree2); d1 != d2 {
		t.Errorf("%s: tree changed after printing\nquery:\n%s\nprinted:\n%s\nfirst:\n%s\nsecond:\n%s", name, q, printed, d1, d2)
		return
	}
	if again := Format(tree2); again != printed {
		t.Errorf("%s: printing twice differs:\n%s\n---\n%s", name, printed, again)
	}
}

func TestRoundTripConformance(t *testing.T) {
	for _, dir := range []string{"core", "docs"} {
		t.Run(dir, func(t *testing.T) {
			for name, q := range conformanceQueries(t, dir) {
				checkRoundTrip(t, name, q)
			}
		})
	}
}

func TestRoundTripCorpus(t *testing.T) {
	for _, q := range readCorpus(t) {
		checkRoundTrip(t, q.ID, q.Query)
	}
}

func TestRoundTripExamples(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"type word called as a function stays a call", "print ['int'](x), ['datetime'](y)", "print ['int'](x), ['datetime'](y)"},
		{"precedence kept", "print a = (1 + 2) * 3, b = 1 + 2 * 3", "print a = (1 + 2) * 3, b = 1 + 2 * 3"},
		{"adjacent strings", `print s = "a" 'b'`, `print s = "a" 'b'`},
		{"comments dropped", "T // c\n| where x > 1 // d\n| take 5", "T\n| where x > 1\n| take 5"},
		{"quoted names", "T | project ['a b'] = 1, ['by']", "T\n| project ['a b'] = 1, ['by']"},
		{"let function", "let f = (T:(*), n:long = 3) { T | take n };\nf(U)", "let f = (T:(*), n:long = 3) { T\n| take n };\nf(U)"},
		{"make-series old range form", "T | make-series c = count() on ts in range(0, 10, 1)",
			"T\n| make-series c = count() on ts from 0 to 10 step 1"},
		{"join on left right", "T | join kind=inner (U) on $left.a == $right.b",
			"T\n| join kind=inner (U) on $left.a == $right.b"},
		{"dynamic literal keeps KQL literals", "print d = dynamic({\"a\": [datetime(2020-01-01), 1d]})",
			"print d = dynamic({\"a\": [datetime(2020-01-01), 1d]})"},
		{"in list and between", "T | where a in~ ('x', 'y') and b !between (1 .. 2)",
			"T\n| where a in~ ('x', 'y') and b !between (1 .. 2)"},
		{"render with list", "T | render timechart with (ycolumns = a, b, title = 'x')",
			"T\n| render timechart with (ycolumns = a, b, title = 'x')"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, diags := Parse(source.New("", tc.query))
			if diags.Err() != nil {
				t.Fatalf("parse: %v", diags)
			}
			if got := Format(tree); got != tc.want {
				t.Errorf("Format = %q, want %q", got, tc.want)
			}
			checkRoundTrip(t, tc.name, tc.query)
		})
	}
}

// TestEveryNodeHasString checks that each struct type in ast.go has a String method.
func TestEveryNodeHasString(t *testing.T) {
	fset := gotoken.NewFileSet()
	astFile, err := goparser.ParseFile(fset, "ast.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	strFile, err := goparser.ParseFile(fset, "node_string.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, d := range strFile.Decls {
		if fn, ok := d.(*goast.FuncDecl); ok && fn.Name.Name == "String" && fn.Recv != nil {
			if star, ok := fn.Recv.List[0].Type.(*goast.StarExpr); ok {
				has[star.X.(*goast.Ident).Name] = true
			}
		}
	}
	for _, d := range astFile.Decls {
		gd, ok := d.(*goast.GenDecl)
		if !ok || gd.Tok != gotoken.TYPE {
			continue
		}
		for _, sp := range gd.Specs {
			ts := sp.(*goast.TypeSpec)
			if _, isStruct := ts.Type.(*goast.StructType); isStruct && ts.Name.Name != "Base" && !has[ts.Name.Name] {
				t.Errorf("node type %s has no String method in node_string.go", ts.Name.Name)
			}
		}
	}
}
