package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

// TestMemoryLimitTrips runs blocking operators under a small limit and checks the located limit error.
func TestMemoryLimitTrips(t *testing.T) {
	tab, _ := clickEvents(20_000)
	cat := catalog.Map{"UrlClickEvents": tab}
	tests := []struct {
		name    string
		query   string
		limit   int64
		wantMsg string
		wantPos string // line:col of the operator, "" for unlocated buffering
	}{
		{name: "summarize groups", query: "UrlClickEvents\n| summarize count() by Timestamp", limit: 64 << 10,
			wantMsg: "query exceeded the memory limit of 64.0 KiB in summarize; raise --max-memory", wantPos: "seed:2:3"},
		{name: "make-series cells", query: "UrlClickEvents\n| make-series count() on Timestamp from datetime(2000-01-01) to datetime(2027-01-01) step 1h by Workload", limit: 1 << 20,
			wantMsg: "query exceeded the memory limit of 1.0 MiB in make-series", wantPos: "seed:2:3"},
		{name: "make-series held rows", query: "UrlClickEvents\n| make-series count() on Timestamp step 1d", limit: 32 << 10,
			wantMsg: "query exceeded the memory limit of 32.0 KiB in make-series", wantPos: "seed:2:3"},
		{name: "sort buffer", query: "UrlClickEvents | sort by Url", limit: 64 << 10,
			wantMsg: "query exceeded the memory limit of 64.0 KiB in buffering rows"},
		{name: "result rows", query: "UrlClickEvents | project Url, IPAddress", limit: 64 << 10,
			wantMsg: "query exceeded the memory limit of 64.0 KiB in collecting rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(t.Context(), source.New("seed", tc.query), Options{Now: testNow, Catalog: cat, MaxMemory: tc.limit})
			var diags *source.DiagnosticList
			if !errors.As(err, &diags) {
				t.Fatalf("err = %v, want a limit diagnostic", err)
			}
			text := diags.Error()
			if !strings.Contains(text, tc.wantMsg) {
				t.Errorf("error %q does not say %q", text, tc.wantMsg)
			}
			if tc.wantPos != "" && !strings.Contains(text, tc.wantPos) {
				t.Errorf("error %q is not at %s", text, tc.wantPos)
			}
			// the same query passes without a limit
			if _, err := Run(t.Context(), source.New("seed", tc.query), Options{Now: testNow, Catalog: cat, MaxMemory: -1}); err != nil {
				t.Errorf("without a limit: %v", err)
			}
		})
	}
}

// TestMaxRowsTruncates checks the result cut and its flag.
func TestMaxRowsTruncates(t *testing.T) {
	tab, _ := clickEvents(1000)
	cat := catalog.Map{"UrlClickEvents": tab}
	tests := []struct {
		name          string
		maxRows       int
		wantRows      int
		wantTruncated bool
	}{
		{name: "cut", maxRows: 10, wantRows: 10, wantTruncated: true},
		{name: "exactly the limit", maxRows: 1000, wantRows: 1000},
		{name: "no limit", maxRows: 0, wantRows: 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(t.Context(), source.New("q", "UrlClickEvents | project Timestamp, Url"), Options{Now: testNow, Catalog: cat, MaxRows: tc.maxRows})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Table.Cols[0].Len(); got != tc.wantRows {
				t.Errorf("rows = %d, want %d", got, tc.wantRows)
			}
			if res.Truncated != tc.wantTruncated {
				t.Errorf("truncated = %v, want %v", res.Truncated, tc.wantTruncated)
			}
			if tc.wantTruncated && res.Table.Cols[0].Ints[0] != tab.Batches[0].Cols[0].Ints[0] {
				t.Errorf("the first row is not the input's first row")
			}
		})
	}
}

// TestDefaultMaxMemory checks the machine-derived default and the meminfo parser.
func TestDefaultMaxMemory(t *testing.T) {
	if got := DefaultMaxMemory(); got < 1<<20 {
		t.Errorf("DefaultMaxMemory = %d", got)
	}
	if got := memTotal("/no/such/meminfo"); got != 0 {
		t.Errorf("memTotal of a missing file = %d", got)
	}
}
