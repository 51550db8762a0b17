package exec

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// cancelledContext returns a query context whose context is already cancelled.
func cancelledContext(t *testing.T) *Context {
	t.Helper()
	c, cancel := context.WithCancel(context.Background())
	cancel()
	return NewContext(c, 0)
}

// TestWorkMeterReportsOncePerInterval checks that the meter stays silent until cancelCheckEvery units of
// work are done and then reports the context's error.
func TestWorkMeterReportsOncePerInterval(t *testing.T) {
	tests := []struct {
		name    string
		units   []int
		wantErr []bool
	}{
		{name: "single units", units: []int{1, cancelCheckEvery - 2, 1}, wantErr: []bool{false, false, true}},
		{name: "one big step", units: []int{cancelCheckEvery * 3}, wantErr: []bool{true}},
		{name: "below the interval", units: []int{10, 20, 30}, wantErr: []bool{false, false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newWorkMeter(cancelledContext(t))
			for i, n := range tc.units {
				err := m.add(n)
				if got := err != nil; got != tc.wantErr[i] {
					t.Fatalf("add #%d (%d units) = %v, want error %v", i, n, err, tc.wantErr[i])
				}
				if err != nil && !errors.Is(err, context.Canceled) {
					t.Fatalf("add #%d = %v, want context.Canceled", i, err)
				}
			}
		})
	}
}

// TestSortCancellable checks that the sort orders rows under a live context and stops with the context's
// error under a cancelled one.
func TestSortCancellable(t *testing.T) {
	const n = 100_000
	vals := make([]int, n)
	for i := range vals {
		vals[i] = int(uint64(i) * 2654435761 % n)
	}
	cmp := func(a, b int) int { return vals[a] - vals[b] }
	tests := []struct {
		name    string
		ctx     func(t *testing.T) *Context
		wantErr error
	}{
		{name: "live", ctx: func(*testing.T) *Context { return NewContext(context.Background(), 0) }},
		{name: "cancelled", ctx: cancelledContext, wantErr: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			err := sortCancellable(tc.ctx(t), idx, cmp)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("sortCancellable = %v, want %v", err, tc.wantErr)
			}
			if err == nil && !slices.IsSortedFunc(idx, cmp) {
				t.Errorf("rows are not sorted")
			}
		})
	}
}

// TestScanReturnsContextError checks that a table scan of a cancelled query returns the context's error
// itself (so that errors.Is finds it), not a "reading table" runtime error.
func TestScanReturnsContextError(t *testing.T) {
	fields := []types.Field{{Name: "x", Type: types.Long}}
	batch := &types.Table{Fields: fields, Cols: []*types.Column{longCol(1, 2, 3)}}
	tab := &catalog.MemTable{TableName: "T", Fields: fields, Batches: []*types.Table{batch, batch}}
	node := &sema.Scan{Table: tab}
	node.Fields = fields
	ctx := cancelledContext(t)
	op, err := ctx.Build(node)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if _, err := op.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next = %v, want context.Canceled", err)
	}
}
