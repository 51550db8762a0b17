package engine

import (
	"context"
	"reflect"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// recordingTable is a MemTable that remembers the scan requests it gets.
type recordingTable struct {
	catalog.MemTable
	requests []catalog.ScanRequest
}

func (r *recordingTable) Scan(ctx context.Context, req catalog.ScanRequest) (catalog.BatchReader, error) {
	r.requests = append(r.requests, req)
	return r.MemTable.Scan(ctx, req)
}

// filterWant is what one pushed-down string filter must do: its column, and values it keeps and drops.
type filterWant struct {
	column     string
	keep, drop []string
}

// TestScanPushDown checks that scans are asked only for the columns the query reads, for the time range
// of its where filters on the scanned table, and to run its conditions on one string column.
func TestScanPushDown(t *testing.T) {
	day := types.TicksPerDay
	now := types.TimeToTicks(testNow)
	startOfToday := now - now%day
	tests := []struct {
		name    string
		query   string
		want    catalog.ScanRequest // without Filters
		filters []filterWant
	}{
		{
			name:    "seed rule: two columns, from the start of the day 30 days ago",
			query:   seedRule,
			want:    catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType"}, TimeColumn: "Timestamp", MinTime: startOfToday - 30*day},
			filters: []filterWant{{column: "ActionType", keep: []string{"ClickBlocked"}, drop: []string{"ClickAllowed", "clickblocked", "", "ClickBlocked "}}},
		},
		{
			name:  "between gives both bounds, the upper one inclusive",
			query: `UrlClickEvents | where Timestamp between (datetime(2026-11-01) .. datetime(2026-11-02)) | project Url`,
			want: catalog.ScanRequest{Columns: []string{"Timestamp", "Url"}, TimeColumn: "Timestamp",
				MinTime: mustTicks(t, "2026-11-01"), MaxTime: mustTicks(t, "2026-11-02") + 1},
		},
		{
			name:    "ago with a strict bound and a constant on the left",
			query:   `UrlClickEvents | where ago(1d) < Timestamp and Workload == "Email" | count`,
			want:    catalog.ScanRequest{Columns: []string{"Timestamp", "Workload"}, TimeColumn: "Timestamp", MinTime: now - day + 1},
			filters: []filterWant{{column: "Workload", keep: []string{"Email"}, drop: []string{"Teams", "email"}}},
		},
		{
			name: "string operators, in~ and not() on one column each are pushed; a condition over two columns is not",
			query: `UrlClickEvents | where Url has "evil" and ActionType in~ ("clickblocked", "ClickAllowed")
				| where not(Workload startswith "Off") and (Url != Workload) | count`,
			want: catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType", "Url", "Workload"}},
			filters: []filterWant{
				{column: "Url", keep: []string{"http://evil.example/x", "EVIL"}, drop: []string{"http://devil.example", ""}},
				{column: "ActionType", keep: []string{"ClickBlocked", "clickallowed"}, drop: []string{"Click"}},
				{column: "Workload", keep: []string{"Email", "Teams"}, drop: []string{"Office", "OfficeApps"}},
			},
		},
		{
			name:  "rand() is not deterministic: not pushed",
			query: `UrlClickEvents | where strlen(Url) > rand(100) | count`,
			want:  catalog.ScanRequest{Columns: []string{"Timestamp", "Url"}},
		},
		{
			name:  "no time filter, every column for a bare table",
			query: `UrlClickEvents | take 1`,
			want:  catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType", "Url", "Workload", "IPAddress"}},
		},
		{
			name:  "count reads one cheap column",
			query: `UrlClickEvents | count`,
			want:  catalog.ScanRequest{Columns: []string{"Timestamp"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem, _ := clickEvents(100)
			rec := &recordingTable{MemTable: *mem}
			_, err := Run(context.Background(), source.New("", tc.query), Options{Now: testNow, Catalog: catalog.Map{"UrlClickEvents": rec}})
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.requests) != 1 {
				t.Fatalf("%d scans, want 1", len(rec.requests))
			}
			got := rec.requests[0]
			filters := got.Filters
			got.Filters = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scan request\n got %+v\nwant %+v", got, tc.want)
			}
			if len(filters) != len(tc.filters) {
				t.Fatalf("%d filters pushed down, want %d: %+v", len(filters), len(tc.filters), filters)
			}
			for i, f := range filters {
				w := tc.filters[i]
				if f.Column != w.column {
					t.Errorf("filter %d on %s, want %s", i, f.Column, w.column)
				}
				values := append(append([]string{}, w.keep...), w.drop...)
				keep := make([]bool, len(values))
				f.Keep(values, keep)
				for j, v := range values {
					if want := j < len(w.keep); keep[j] != want {
						t.Errorf("filter %d on %s: Keep(%q) = %v, want %v", i, f.Column, v, keep[j], want)
					}
				}
			}
		})
	}
}

func mustTicks(t *testing.T, s string) int64 {
	t.Helper()
	ticks, ok := types.ParseDateTime(s)
	if !ok {
		t.Fatalf("bad datetime %q", s)
	}
	return ticks
}
