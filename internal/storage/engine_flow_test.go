package storage_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/storage"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// memSource yields one in-memory table.
type memSource struct {
	name string
	rows *types.Table
	done bool
}

func (m *memSource) Files() []storage.SourceFile { return nil }

func (m *memSource) Next(ctx context.Context) (storage.SourceBatch, error) {
	if m.done {
		return storage.SourceBatch{}, io.EOF
	}
	m.done = true
	return storage.SourceBatch{Table: m.name, Rows: m.rows}, nil
}

func resultLines(t *testing.T, tab *types.Table) []string {
	t.Helper()
	var lines []string
	for r := 0; r < tab.NumRows(); r++ {
		var b strings.Builder
		for i, c := range tab.Cols {
			v := c.Value(r)
			fmt.Fprintf(&b, "%s=%v/%v/%v/%q ", tab.Fields[i].Name, v.Null, v.I, v.F, v.S)
		}
		lines = append(lines, b.String())
	}
	return lines
}

// TestEngineQueriesTheStore runs queries over the store and over the same rows in memory: same results.
func TestEngineQueriesTheStore(t *testing.T) {
	fields := []types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "ActionType", Type: types.String}, {Name: "Url", Type: types.String}, {Name: "IsClickedThrough", Type: types.Bool}}
	rows := types.NewTable(fields)
	start, _ := types.ParseDateTime("2024-03-01T00:00:00Z")
	for i := 0; i < 5000; i++ {
		ts := start + int64(i*7919%5000)*(10*types.TicksPerDay/5000)
		rows.AppendRow([]types.Value{types.NewDateTime(ts), types.NewString([]string{"ClickAllowed", "ClickBlocked"}[i%2]),
			types.NewString(fmt.Sprintf("https://e.com/%d", i%97)), types.NewBool(i%3 == 0)})
	}
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(context.Background(), &memSource{name: "UrlClickEvents", rows: rows}, storage.IngestOptions{RowGroupRows: 500}); err != nil {
		t.Fatal(err)
	}
	mem := catalog.Map{"UrlClickEvents": &catalog.MemTable{TableName: "UrlClickEvents", Fields: fields, Batches: []*types.Table{rows}}}
	now := time.Date(2024, 3, 8, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, query string
		files       int64 // part files the store scan opens: the engine pushes the time range down
	}{
		{name: "count", query: "UrlClickEvents | count", files: 10},
		{name: "one day by action", query: "UrlClickEvents | where Timestamp >= datetime(2024-03-02) and Timestamp < datetime(2024-03-03) | summarize n = count() by ActionType | order by ActionType asc", files: 1},
		{name: "ago", query: "UrlClickEvents | where Timestamp > ago(2d) and IsClickedThrough | summarize dcount(Url), min(Timestamp), max(Timestamp)", files: 5}, // days 6 to 10
		{name: "top urls", query: "UrlClickEvents | summarize c = count() by Url | top 5 by c desc, Url asc", files: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run := func(cat catalog.Catalog) []string {
				t.Helper()
				res, err := engine.Run(context.Background(), source.New("q", tc.query), engine.Options{Catalog: cat, Now: now})
				if err != nil {
					t.Fatalf("%s: %v", tc.query, err)
				}
				return resultLines(t, res.Table)
			}
			before := storage.FilesOpened(st)
			got := run(st.Catalog())
			if opened := storage.FilesOpened(st) - before; opened != tc.files {
				t.Errorf("the query opened %d part files, want %d", opened, tc.files)
			}
			want := run(mem)
			if !slices.Equal(got, want) || len(want) == 0 {
				t.Errorf("store:\n%s\nmemory:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
