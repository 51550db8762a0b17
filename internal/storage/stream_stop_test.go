package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/storage"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// stepLoads is a next function for FromSteps whose first call returns a step holding table, and whose later
// calls (the loads in the background) wait for their context to end, as a load of a big group would still be
// running; it counts the calls and the ones that have returned.
type stepLoads struct {
	table     catalog.Table
	mu        sync.Mutex
	calls     int
	returned  int
	cancelled int // calls that ended because their context did
}

func (l *stepLoads) next(ctx context.Context) (storage.LoadStep, error) {
	l.mu.Lock()
	l.calls++
	first := l.calls == 1
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.returned++
		l.mu.Unlock()
	}()
	if first {
		return storage.LoadStep{Catalog: catalog.Map{l.table.Name(): l.table}}, nil
	}
	select {
	case <-ctx.Done():
		l.mu.Lock()
		l.cancelled++
		l.mu.Unlock()
		return storage.LoadStep{}, ctx.Err()
	case <-time.After(10 * time.Second): // the whole group loaded: what happened before the loads were cancelled
		return storage.LoadStep{}, errors.New("loaded a whole group after the ingest ended")
	}
}

func (l *stepLoads) counts() (calls, returned, cancelled int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls, l.returned, l.cancelled
}

// failingScan is a table whose scan fails, so that the ingest's Next returns an error.
type failingScan struct{}

func (failingScan) Name() string          { return "UrlClickEvents" }
func (failingScan) Schema() []types.Field { return nil }
func (failingScan) Scan(context.Context, catalog.ScanRequest) (catalog.BatchReader, error) {
	return nil, errors.New("disk on fire")
}

// malformedTable is a table whose one batch declares a long column that holds strings: the ingest rejects it
// while it stores the batch, so the failure is the ingest's own, not a Next error.
func malformedTable() catalog.Table {
	b := types.NewTable([]types.Field{{Name: "n", Type: types.String}})
	b.AppendRow([]types.Value{types.NewString("x")})
	b.Fields = []types.Field{{Name: "n", Type: types.Long}}
	return &catalog.MemTable{TableName: "UrlClickEvents", Fields: b.Fields, Batches: []*types.Table{b}}
}

// TestFailedStreamedIngestLeavesNoLoadRunning checks that when an ingest fails, the next step loading in the
// background is cancelled and has ended, and no load starts after it: when Next returns the error, the load is
// stopped before Next returns; when the ingest fails by itself, Close stops it (kqlhunt ingest closes the
// source when Ingest returns). Before, the load went on reading a whole group after Ingest had returned.
func TestFailedStreamedIngestLeavesNoLoadRunning(t *testing.T) {
	tests := []struct {
		name    string
		table   catalog.Table
		close   bool   // the failure is the ingest's own: only Close can tell the source
		wantErr string // in Ingest's error
	}{
		{name: "Next returns an error", table: failingScan{}, wantErr: "disk on fire"},
		{name: "the ingest fails and closes the source", table: malformedTable(), close: true, wantErr: "malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := storage.Open(filepath.Join(t.TempDir(), "store"))
			if err != nil {
				t.Fatal(err)
			}
			loads := &stepLoads{table: tc.table}
			src := storage.FromSteps(nil, loads.next)
			start := time.Now()
			_, err = st.Ingest(context.Background(), src, storage.IngestOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ingest error %v, want one containing %q", err, tc.wantErr)
			}
			if tc.close {
				src.Close()
			}
			calls, returned, cancelled := loads.counts()
			if calls != 2 || returned != calls || cancelled != 1 {
				t.Errorf("after the failed ingest: %d calls of next, %d returned, %d cancelled; want 2, 2 and 1 (the load in the background stopped)", calls, returned, cancelled)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the failed ingest took %v: the load in the background was waited for, not cancelled", d)
			}
			time.Sleep(20 * time.Millisecond)
			if again, _, _ := loads.counts(); again != calls {
				t.Errorf("next was called %d times after the ingest ended", again-calls)
			}
			if _, err := src.Next(context.Background()); err == nil {
				t.Error("Next returned a batch after the steps ended")
			}
			if again, _, _ := loads.counts(); again != calls {
				t.Errorf("Next after the end started a load")
			}
		})
	}
}
