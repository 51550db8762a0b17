package engine

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

// TestParallelWhereStopsEarlyAndKeepsOrder runs where chains that are filtered on several cores: results keep
// the scan's order, a take that stops early leaves no goroutine behind, and a cancelled query ends.
func TestParallelWhereStopsEarlyAndKeepsOrder(t *testing.T) {
	tab, _ := clickEvents(400_000) // 7 batches
	cat := catalog.Map{"UrlClickEvents": tab}
	before := runtime.NumGoroutine()
	tests := []struct {
		name     string
		query    string
		wantRows int
	}{
		{name: "take stops the scan", query: `UrlClickEvents | where ActionType == "ClickBlocked" | take 3`, wantRows: 3},
		{name: "every matching row in order", query: `UrlClickEvents | where ActionType == "UrlErrorPage" and Workload != "Teams" | project Timestamp`, wantRows: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(t.Context(), source.New("q", tc.query), Options{Now: testNow, Catalog: cat})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Table.Cols[0].Len()
			if tc.wantRows >= 0 && got != tc.wantRows {
				t.Fatalf("rows = %d, want %d", got, tc.wantRows)
			}
			if tc.wantRows < 0 {
				// the same rows, in the same order, as a loop over the batches
				var want []int64
				for _, b := range tab.Batches {
					for i, a := range b.Cols[1].Strs {
						if a == "UrlErrorPage" && b.Cols[3].Strs[i] != "Teams" {
							want = append(want, b.Cols[0].Ints[i])
						}
					}
				}
				if got != len(want) {
					t.Fatalf("rows = %d, want %d", got, len(want))
				}
				for i, ts := range res.Table.Cols[0].Ints {
					if ts != want[i] {
						t.Fatalf("row %d: %d, want %d", i, ts, want[i])
					}
				}
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, source.New("q", `UrlClickEvents | where ActionType == "ClickBlocked"`), Options{Now: testNow, Catalog: cat}); err == nil {
		t.Error("a cancelled query succeeded")
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running (%d before)", n-before, before)
	}
}
