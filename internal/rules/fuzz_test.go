package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no rule file makes Parse panic, and that a parsed rule's query source lines up
// with the file: the query text, de-indented, is the query YAML read.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "rules", "blocked-clicks-trend.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte("query: |\n  T\n  | take 1\n"))
	f.Add([]byte("query: \"T | where x == 1\"\n"))
	f.Add([]byte("query: >-\n    T\n\n    | count\nname: x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		src := r.QuerySource
		if src == nil {
			t.Fatal("parsed rule without a query source")
		}
		if strings.TrimSpace(src.Text) == "" {
			t.Fatalf("empty query source for query %q", r.Query)
		}
		line, col := src.LineCol(0)
		if line < 1 || col < 1 {
			t.Fatalf("query starts at %d:%d", line, col)
		}
	})
}
