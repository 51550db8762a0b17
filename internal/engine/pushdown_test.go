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

// TestScanPushDown checks that scans are asked only for the columns the query reads and for the time range
// of its where filters on the scanned table.
func TestScanPushDown(t *testing.T) {
	day := types.TicksPerDay
	now := types.TimeToTicks(testNow)
	startOfToday := now - now%day
	tests := []struct {
		name  string
		query string
		want  catalog.ScanRequest
	}{
		{
			name:  "seed rule: two columns, from the start of the day 30 days ago",
			query: seedRule,
			want:  catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType"}, TimeColumn: "Timestamp", MinTime: startOfToday - 30*day},
		},
		{
			name:  "between gives both bounds, the upper one inclusive",
			query: `UrlClickEvents | where Timestamp between (datetime(2026-11-01) .. datetime(2026-11-02)) | project Url`,
			want: catalog.ScanRequest{Columns: []string{"Timestamp", "Url"}, TimeColumn: "Timestamp",
				MinTime: mustTicks(t, "2026-11-01"), MaxTime: mustTicks(t, "2026-11-02") + 1},
		},
		{
			name:  "ago with a strict bound and a constant on the left",
			query: `UrlClickEvents | where ago(1d) < Timestamp and Workload == "Email" | count`,
			want:  catalog.ScanRequest{Columns: []string{"Timestamp", "Workload"}, TimeColumn: "Timestamp", MinTime: now - day + 1},
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
			if got := rec.requests[0]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scan request\n got %+v\nwant %+v", got, tc.want)
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
