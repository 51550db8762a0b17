package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/gen"
)

func TestGenAllTables(t *testing.T) {
	tables := gen.Tables()
	if len(tables) < 2 {
		t.Fatalf("gen writes %d tables; the test would prove nothing", len(tables))
	}
	generate := func(out string) string {
		t.Helper()
		code, _, stderr := cli(t, "gen", "--table", "all", "--days", "2", "--rows", "30", "--seed", "3", "--end", "2026-12-03", "--out", out)
		if code != exitOK {
			t.Fatalf("gen --table all: exit %d\n%s", code, stderr)
		}
		return stderr
	}
	out := filepath.Join(t.TempDir(), "a")
	stderr := generate(out)
	for _, table := range tables {
		if !strings.Contains(stderr, "Wrote 30 "+table+" rows (2026-12-02 to 2026-12-03)") {
			t.Errorf("no line for %s:\n%s", table, stderr)
		}
	}
	want := fmt.Sprintf("Wrote %d rows of %d tables in ", 30*len(tables), len(tables))
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks the total %q:\n%s", want, stderr)
	}
	// The same options write the same bytes, table after table.
	again := filepath.Join(t.TempDir(), "b")
	generate(again)
	first, second := readFiles(t, out), readFiles(t, again)
	if len(first) < len(tables) || len(first) != len(second) {
		t.Fatalf("%d files then %d files for %d tables", len(first), len(second), len(tables))
	}
	for rel, data := range first {
		if !bytes.Equal(data, second[rel]) {
			t.Errorf("%s differs between two runs with the same seed", rel)
		}
	}
	// Every table loads: each has its 30 rows.
	code, stdout, stderr := cli(t, "query", "union withsource=T * | summarize n=count() by T | where n != 30 | count", "--data", out, "--format", "csv", "-q")
	if code != exitOK {
		t.Fatalf("query over the generated data: exit %d\n%s", code, stderr)
	}
	if got := strings.TrimSpace(stdout); got != "Count\n0" {
		t.Errorf("tables without 30 rows: %q", got)
	}
	loaded := regexp.MustCompile(`(\w+) \(30\)`).FindAllStringSubmatch(stderrOfLoad(t, out), -1)
	if len(loaded) != len(tables) {
		t.Errorf("loaded %d tables of 30 rows, want %d", len(loaded), len(tables))
	}
}

// stderrOfLoad is the load summary of --data dir, for a query that reads every table (a query loads only the
// tables it reads).
func stderrOfLoad(t *testing.T, dir string) string {
	t.Helper()
	_, _, stderr := cli(t, "query", "union * | count", "--data", dir)
	return stderr
}

func TestGenUnknownTable(t *testing.T) {
	code, _, stderr := cli(t, "gen", "--table", "NoSuchTable", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, `--table "NoSuchTable" is not a table gen writes (tables: all, `) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
