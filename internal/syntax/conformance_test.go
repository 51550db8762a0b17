package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// sharedDir is the shared folder next to the repository; tests that read it skip when it is absent.
const sharedDir = "../../../shared"

// txtarQuery returns the `-- query.kql --` section of a conformance case.
func txtarQuery(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "-- query.kql --\n")
	if i < 0 {
		return ""
	}
	text = text[i+len("-- query.kql --\n"):]
	if j := strings.Index(text, "\n-- "); j >= 0 {
		text = text[:j+1]
	}
	return text
}

// conformanceQueries returns name → query for every case under shared/conformance/<dir>, skipping when absent.
func conformanceQueries(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedDir, "conformance", dir, "*.txtar"))
	if len(files) == 0 {
		t.Skip("shared conformance cases not present")
	}
	out := map[string]string{}
	for _, f := range files {
		if q := txtarQuery(t, f); q != "" {
			out[strings.TrimSuffix(filepath.Base(f), ".txtar")] = q
		}
	}
	return out
}

func TestParseConformanceCore(t *testing.T) {
	for name, q := range conformanceQueries(t, "core") {
		t.Run(name, func(t *testing.T) {
			_, diags := Parse(source.New(name, q))
			wantErr := name == "parse_error_position"
			if got := diags.Err() != nil; got != wantErr {
				t.Errorf("error = %v, want error %v:\n%s", diags.Err(), wantErr, q)
			}
		})
	}
}

func TestParseSeedQuery(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedDir, "seed", "blocked-clicks-trend.txt"))
	if err != nil {
		t.Skip("seed not present")
	}
	text := string(data)
	i := strings.Index(text, "KQL Query\n")
	j := strings.Index(text, "\nid:")
	if i < 0 || j < i {
		t.Fatal("seed layout changed")
	}
	q := text[i+len("KQL Query\n") : j]
	_, diags := Parse(source.New("seed", q))
	if diags.Err() != nil {
		t.Fatalf("seed query: %v", diags.Pretty())
	}
}
