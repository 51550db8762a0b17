package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// oneBatchTable returns a table "Big" served as a single batch: column x holds rows scrambled longs (so
// that sorting them is real work) and column a holds, on its first arrayRows rows, one shared array of
// arrayLen longs. A single huge batch is what a join or materialize hands the operator above it, which
// then runs long without asking its input for another batch.
func oneBatchTable(t *testing.T, rows, arrayRows, arrayLen int) *catalog.MemTable {
	t.Helper()
	arr := make([]any, arrayLen)
	for i := range arr {
		arr[i] = int64(i)
	}
	xs := types.NewColumn(types.Long, rows)
	as := types.NewColumn(types.Dynamic, rows)
	for i := range rows {
		xs.Ints = append(xs.Ints, int64(uint64(i)*2654435761%uint64(rows)))
		if i < arrayRows {
			as.Dyns = append(as.Dyns, arr)
		} else {
			as.Dyns = append(as.Dyns, nil)
		}
	}
	fields := []types.Field{{Name: "x", Type: types.Long}, {Name: "a", Type: types.Dynamic}}
	batch := &types.Table{Fields: fields, Cols: []*types.Column{xs, as}}
	return &catalog.MemTable{TableName: "Big", Fields: fields, Batches: []*types.Table{batch}}
}

// TestRunStopsWhenTimedOut runs queries that would take seconds (and gigabytes) under a 50 ms deadline and
// checks that Run gives up promptly with the context's error instead of a result.
func TestRunStopsWhenTimedOut(t *testing.T) {
	cat := catalog.Map{"Big": oneBatchTable(t, 4_000_000, 40, 1_000_000)}
	tests := []struct {
		name  string
		query string
	}{
		{name: "cross join", query: "range x from 1 to 100000 step 1 | extend k=1 | join kind=inner (range y from 1 to 100000 step 1 | extend k=1) on k | count"},
		{name: "huge range", query: "range x from 1 to 100000000 step 1 | where x % 3 == 0 | count"},
		{name: "huge mv-expand", query: "Big | take 40 | mv-expand a | count"},
		{name: "per-row function building huge arrays", query: "range x from 1 to 8192 step 1 | extend a = range(1, 1000000 + x) | summarize sum(array_length(a))"},
		{name: "bag_unpack probing a huge input", query: "range x from 1 to 8192 step 1 | extend a = range(1, 1000000 + x) | summarize n=sum(array_length(a)) | extend d=bag_pack('n', n) | evaluate bag_unpack(d)"},
		{name: "summarize over a huge batch", query: "Big | summarize count() by x"},
		{name: "make-series with many bins", query: "range g from 1 to 8 step 1 | make-series count() on g from 0 to 10000000 step 1 by g"},
		{name: "sort over a huge batch", query: "Big | sort by x | count"},
		{name: "top over a huge batch", query: "Big | top 1000000 by x | count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			type outcome struct {
				res *Result
				err error
			}
			done := make(chan outcome, 1)
			start := time.Now()
			go func() {
				res, err := Run(ctx, source.New("", tc.query), Options{Now: testNow, Catalog: cat, MaxMemory: -1})
				done <- outcome{res, err}
			}()
			select {
			case got := <-done:
				if !errors.Is(got.err, context.DeadlineExceeded) {
					t.Fatalf("Run = %v, %v; want context.DeadlineExceeded", got.res, got.err)
				}
				if got.res != nil {
					t.Errorf("Run returned a result with the error")
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("Run took %v after a 50ms deadline", d)
				}
			case <-time.After(time.Second):
				t.Fatalf("Run still running 1s after a 50ms deadline")
			}
		})
	}
}
