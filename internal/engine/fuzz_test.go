package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// FuzzRun runs arbitrary queries (seeded with the conformance queries and the evaluator tests): the engine may
// reject them, but a panic (reported as an internal error) is a failure.
func FuzzRun(f *testing.F) {
	for _, dir := range []string{"../../testdata/conformance/core", "../../testdata/conformance/docs"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			text := string(data)
			start := strings.Index(text, "-- query.kql --\n")
			if start < 0 {
				continue
			}
			q := text[start+len("-- query.kql --\n"):]
			if end := strings.Index(q, "\n-- "); end >= 0 {
				q = q[:end]
			}
			f.Add(q)
		}
	}
	f.Add(`datatable(a:long, s:string)[1, "x", long(null), ""] | summarize count() by s | join kind=fullouter (print s = "x") on s`)
	f.Fuzz(func(t *testing.T, q string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := Run(ctx, source.New("fuzz", q), Options{Now: testNow})
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("query %q: %v", q, err)
		}
	})
}
