package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/storage"
)

// seedCounts runs the seed rule with --now pinned over --data and returns its 30 daily counts.
func seedCounts(t *testing.T, data string) []int64 {
	t.Helper()
	code, stdout, stderr := cli(t, "run", exampleRule, "--data", data, "--now", pinnedNow, "--format", "json")
	if code != exitOK {
		t.Fatalf("run --data %s: exit %d\n%s", data, code, stderr)
	}
	var res jsonResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res.Rows) != 1 {
		t.Fatalf("run --data %s: not one JSON row (%v):\n%s", data, err, stdout)
	}
	var counts []int64
	if err := json.Unmarshal(res.Rows[0][0], &counts); err != nil {
		t.Fatal(err)
	}
	return counts
}

func TestIngestThenRunOverStore(t *testing.T) {
	now, _ := time.Parse(time.RFC3339, pinnedNow)
	want, _ := countBlockedClicks(t, exampleData, now)
	store := filepath.Join(t.TempDir(), "hunt.store")

	code, stdout, stderr := cli(t, "ingest", exampleData, "--into", store)
	if code != exitOK {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("ingest wrote to stdout: %q", stdout)
	}
	for _, line := range []string{"records read 4000 = stored 4000 + quarantined 0 + already ingested 0", "UrlClickEvents: 4000 rows"} {
		if !strings.Contains(stderr, line) {
			t.Errorf("ingest summary lacks %q:\n%s", line, stderr)
		}
	}
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "rows/s") {
		t.Errorf("a progress bar was drawn although stderr is not a terminal:\n%q", stderr)
	}

	raw := seedCounts(t, exampleData)
	stored := seedCounts(t, store)
	if len(stored) != 30 {
		t.Fatalf("over the store: %d counts, want 30", len(stored))
	}
	for i := range want {
		if stored[i] != want[i] || raw[i] != want[i] {
			t.Errorf("day %d: store %d, raw files %d, records %d", i, stored[i], raw[i], want[i])
		}
	}

	// Ingesting the same data again stores nothing and leaves the counts as they were.
	code, _, stderr = cli(t, "ingest", exampleData, "--into", store)
	if code != exitOK || !regexp.MustCompile(`the \d+ source files are already in the store`).MatchString(stderr) {
		t.Fatalf("second ingest: exit %d\n%s", code, stderr)
	}
	st, err := storage.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	if tables := st.Tables(); len(tables) != 1 || tables[0].Rows != 4000 {
		t.Errorf("after the second ingest the store holds %+v, want 4000 UrlClickEvents rows", tables)
	}
	for i, n := range seedCounts(t, store) {
		if n != want[i] {
			t.Errorf("after re-ingest, day %d: %d, want %d", i, n, want[i])
		}
	}

	// query and report read the store too.
	code, stdout, stderr = cli(t, "query", "UrlClickEvents | count", "--data", store, "--format", "csv")
	if code != exitOK || strings.TrimSpace(stdout) != "Count\n4000" || !strings.Contains(stderr, "Store "+store+": 4000 rows") {
		t.Errorf("query over the store: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestIngestQuarantinesBrokenRecords(t *testing.T) {
	src := t.TempDir()
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString(`{"Timestamp":"2026-11-0` + string(rune('1'+i%3)) + `T10:00:00Z","ActionType":"ClickBlocked","Url":"https://e.com/"}` + "\n")
		if i == 20 {
			b.WriteString("{\"Timestamp\": broken\n")
		}
	}
	if err := os.WriteFile(filepath.Join(src, "UrlClickEvents.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(t.TempDir(), "s")
	code, _, stderr := cli(t, "ingest", src, "--into", store)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "records read 51 = stored 50 + quarantined 1 + already ingested 0") {
		t.Errorf("summary does not reconcile 51 records:\n%s", stderr)
	}
	m := regexp.MustCompile(`quarantined records: (\S+)`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no quarantine file printed:\n%s", stderr)
	}
	q, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatalf("quarantine file: %v", err)
	}
	if !strings.Contains(string(q), "UrlClickEvents.jsonl") || !strings.Contains(string(q), "22") {
		t.Errorf("quarantine file does not name the broken record's file and line 22:\n%s", q)
	}
}

func TestIngestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no store", args: []string{"ingest", exampleData}, want: "--into STORE is required"},
		{name: "no paths", args: []string{"ingest", "--into", "x"}, want: "requires at least 1 arg"},
		{name: "missing path", args: []string{"ingest", "no/such/dir", "--into", filepath.Join(t.TempDir(), "s")}, want: "no/such/dir: no such file or folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := cli(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, want exit %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
}

func TestDataStoreCannotBeMixed(t *testing.T) {
	store := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := cli(t, "ingest", exampleData, "--into", store); code != exitOK {
		t.Fatalf("ingest: %s", stderr)
	}
	code, _, stderr := cli(t, "query", "UrlClickEvents | count", "--data", store, "--data", exampleData)
	if code != exitUsage || !strings.Contains(stderr, "is a kqlhunt store; give it as the only --data") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestIngestBarOnTerminal(t *testing.T) {
	var out bytes.Buffer
	bar := newIngestBar(&streams{errOut: &out, errIsTerminal: true}, 2_000_000)
	bar.progress(storage.Progress{Rows: 5000, Bytes: 300_000})
	bar.addBytes(1_000_000)
	time.Sleep(150 * time.Millisecond) // past the bar's redraw throttle
	bar.progress(storage.Progress{Rows: 6000, Bytes: 400_000})
	bar.addBytes(1_000_000)
	bar.finish()
	got := out.String()
	for _, want := range []string{"50%", "1.0 MB of 2.0 MB", "MB/s; 6000 rows", "rows/s"} {
		if !strings.Contains(got, want) {
			t.Errorf("the bar lacks %q: %q", want, got)
		}
	}
	out.Reset()
	quiet := newIngestBar(&streams{errOut: &out, errIsTerminal: false}, 2_000_000)
	quiet.progress(storage.Progress{Rows: 5000})
	quiet.addBytes(2_000_000)
	quiet.finish()
	if out.Len() != 0 {
		t.Errorf("no terminal, yet the bar drew %q", out.String())
	}
}
