package source

import (
	"strings"
	"testing"
)

func TestLineCol(t *testing.T) {
	src := New("q.kql", "T\n| where x >\r\n| émoji ok")
	tests := []struct {
		name      string
		pos       Pos
		line, col int
	}{
		{"start", 0, 1, 1},
		{"second line start", 2, 2, 1},
		{"after where", 10, 2, 9},
		{"third line after multibyte", 19, 3, 4},
		{"past end clamps", 999, 3, 11},
		{"negative clamps", -3, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, c := src.LineCol(tc.pos)
			if l != tc.line || c != tc.col {
				t.Fatalf("LineCol(%d) = %d:%d, want %d:%d", tc.pos, l, c, tc.line, tc.col)
			}
		})
	}
}

func TestLineColOffsets(t *testing.T) {
	// a query block that starts at line 12, column 3 of a YAML file
	src := &Source{Name: "rule.yaml", Text: "T\n| take 1", LineOffset: 11, ColOffset: 2}
	if l, c := src.LineCol(0); l != 12 || c != 3 {
		t.Fatalf("first line: %d:%d, want 12:3", l, c)
	}
	if l, c := src.LineCol(4); l != 13 || c != 3 {
		t.Fatalf("second line: %d:%d, want 13:3 (only the first line is shifted by ColOffset)", l, c)
	}
}

func TestDiagnosticPretty(t *testing.T) {
	src := New("q.kql", "datatable(x:long)[1]\n| where x >")
	d := &Diagnostic{Source: src, Span: Span{Start: 29, End: 30}, Message: "expected an expression after '>'"}
	want := "q.kql:2:9: error: expected an expression after '>'\n  | where x >\n          ^"
	if got := d.Pretty(); got != want {
		t.Fatalf("Pretty() =\n%s\nwant\n%s", got, want)
	}
	if got := d.Error(); got != "q.kql:2:9: error: expected an expression after '>'" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestDiagnosticListSortDedupCap(t *testing.T) {
	src := New("", "abcdef")
	var l DiagnosticList
	l.Addf(src, Span{3, 4}, "b")
	l.Addf(src, Span{1, 2}, "a")
	l.Addf(src, Span{3, 4}, "b")
	l.Sort()
	if len(l.Items) != 2 || l.Items[0].Message != "a" || l.Items[1].Message != "b" {
		t.Fatalf("sorted list = %v", l.Error())
	}
	if l.Err() == nil || !l.HasErrors() {
		t.Fatal("a list with errors must be an error")
	}
	for i := 0; i < MaxDiagnostics+5; i++ {
		l.Addf(src, Span{0, 1}, "x")
	}
	if len(l.Items) != MaxDiagnostics || l.Dropped != 7 || !strings.HasSuffix(l.Error(), "(and 7 more)") {
		t.Fatalf("cap: %d items, %d dropped", len(l.Items), l.Dropped)
	}
	var empty DiagnosticList
	if empty.Err() != nil {
		t.Fatal("an empty list is not an error")
	}
}
