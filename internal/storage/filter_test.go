package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/storage"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// filterTestRows builds n rows of every stored type; withWorkload leaves the Workload column out (so that part
// files without it are read as ""). Every seventh Count, Score and Flag is null, as is every 101st Timestamp.
func filterTestRows(n int, seed int, withWorkload bool) *types.Table {
	fields := []types.Field{
		{Name: "Timestamp", Type: types.DateTime},
		{Name: "ActionType", Type: types.String},
		{Name: "Url", Type: types.String},
		{Name: "Count", Type: types.Long},
		{Name: "Span", Type: types.TimeSpan},
		{Name: "Score", Type: types.Real},
		{Name: "Flag", Type: types.Bool},
		{Name: "Id", Type: types.GUID},
		{Name: "Extra", Type: types.Dynamic},
	}
	if withWorkload {
		fields = append(fields, types.Field{Name: "Workload", Type: types.String})
	}
	start, _ := types.ParseDateTime("2024-03-01T00:00:00Z")
	t := types.NewTable(fields)
	for i := 0; i < n; i++ {
		k := (i*7919 + seed) % n
		ts := types.NewDateTime(start + int64(k)*(6*types.TicksPerDay/int64(n)))
		if i%101 == 0 {
			ts = types.NullOf(types.DateTime)
		}
		count, score, flag := types.NewLong(int64(i)), types.NewReal(float64(i)/3), types.NewBool(i%2 == 0)
		if i%7 == 0 {
			count, score, flag = types.NullOf(types.Long), types.NullOf(types.Real), types.NullOf(types.Bool)
		}
		extra, _ := types.ParseJSON(fmt.Sprintf(`{"n":%d}`, i%5))
		row := []types.Value{
			ts,
			types.NewString([]string{"ClickAllowed", "ClickBlocked", "UrlScanInProgress", ""}[i%4]),
			// Long distinct texts: written plain, over several pages per row group.
			types.NewString(fmt.Sprintf("https://e%d.example.com/%d/%s", seed, i, strings.Repeat("p", 40))),
			count,
			types.NewTimeSpan(int64(i) * types.TicksPerSecond),
			score,
			flag,
			types.NewGUID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i%13)),
			{Type: types.Dynamic, D: extra},
		}
		if withWorkload {
			row = append(row, types.NewString([]string{"Email", "Teams", ""}[i%3]))
		}
		t.AppendRow(row)
	}
	return t
}

// TestFilteredScansMatchMemory runs queries whose string conditions the store evaluates on dictionaries and
// plain pages (and skips row groups by), over a store and over the same rows in memory: the results must be
// the same, nulls, missing columns and every type included.
func TestFilteredScansMatchMemory(t *testing.T) {
	withW, withoutW := filterTestRows(20000, 1, true), filterTestRows(6000, 2, false)
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []*types.Table{withW, withoutW} {
		if _, err := st.Ingest(context.Background(), &memSource{name: "T", rows: rows}, storage.IngestOptions{RowGroupRows: 7000}); err != nil {
			t.Fatal(err)
		}
	}
	// In memory, the rows without Workload have "" there, as a store reads them.
	full := withW.Fields
	padded := &types.Table{Fields: full, Cols: append(slices.Clone(withoutW.Cols), types.NewColumn(types.String, 0))}
	for range withoutW.NumRows() {
		padded.Cols[len(full)-1].Append(types.NewString(""))
	}
	mem := catalog.Map{"T": &catalog.MemTable{TableName: "T", Fields: full, Batches: []*types.Table{withW, padded}}}
	queries := []string{
		`T | where ActionType == "ClickBlocked" | project Timestamp, ActionType, Url, Count, Span, Score, Flag, Id, Extra, Workload`,
		`T | where ActionType in ("ClickBlocked", "x") and Url has "e1" | summarize n = count(), s = sum(Count), u = dcount(Url) by Workload`,
		`T | where Workload == "" | summarize count() by ActionType`,
		`T | where Url startswith "https://e2.example.com/1" and ActionType != "ClickAllowed" | project Url, Timestamp, Workload`,
		`T | where ActionType == "nothing" | count`,
		`T | where ActionType == "" | project Url, Count`,
		`T | where not(ActionType =~ "clickblocked") | where Workload != "Email" | project ActionType, Workload, Count, Flag`,
		`T | where Timestamp > datetime(2024-03-04) and ActionType == "ClickBlocked" | summarize max(Timestamp), count()`,
		`T | where Workload == "Teams" and ActionType == "UrlScanInProgress" and Url contains "/1" | project Url, Span, Id`,
	}
	now := time.Date(2024, 3, 8, 12, 0, 0, 0, time.UTC)
	run := func(t *testing.T, cat catalog.Catalog, query string) []string {
		t.Helper()
		res, err := engine.Run(context.Background(), source.New("q", query), engine.Options{Catalog: cat, Now: now})
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var lines []string
		for r := 0; r < res.Table.NumRows(); r++ {
			var b strings.Builder
			for i, c := range res.Table.Cols {
				v := c.Value(r)
				fmt.Fprintf(&b, "%s=%v/%d/%v/%q/%s ", res.Table.Fields[i].Name, v.Null, v.I, v.F, v.S, types.FormatJSON(v.D))
			}
			lines = append(lines, b.String())
		}
		slices.Sort(lines) // the store returns rows in time order, memory in insertion order
		return lines
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			got, want := run(t, st.Catalog(), q), run(t, mem, q)
			if !slices.Equal(got, want) {
				t.Errorf("store: %d rows, memory: %d rows\nstore:\n%s\nmemory:\n%s", len(got), len(want),
					strings.Join(first(got, 10), "\n"), strings.Join(first(want, 10), "\n"))
			}
			if len(want) == 0 {
				t.Errorf("no rows: the case tests nothing")
			}
		})
	}
}

func first(lines []string, n int) []string { return lines[:min(n, len(lines))] }

// TestScanDropsFilteredRows checks that a scan with string filters returns only the rows that pass them (the
// engine would hide extra rows, so TestFilteredScansMatchMemory cannot tell), part files without a filtered
// column included, and that Keep sees each dictionary once instead of each row.
func TestScanDropsFilteredRows(t *testing.T) {
	withW, withoutW := filterTestRows(20000, 1, true), filterTestRows(6000, 2, false)
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []*types.Table{withW, withoutW} {
		if _, err := st.Ingest(context.Background(), &memSource{name: "T", rows: rows}, storage.IngestOptions{RowGroupRows: 7000}); err != nil {
			t.Fatal(err)
		}
	}
	tab, _ := st.Catalog().Table("T")
	var values atomic.Int64 // values Keep was shown, over the scan's workers
	equals := func(column, want string) catalog.StringFilter {
		return catalog.StringFilter{Column: column, Keep: func(vals []string, keep []bool) {
			values.Add(int64(len(vals)))
			for i, v := range vals {
				keep[i] = v == want
			}
		}}
	}
	tests := []struct {
		name    string
		filters [][2]string // column, the value it must equal
		want    int
	}{
		// i%4 == 1 for ClickBlocked, i%3 == 1 for Teams (only in the first 20000 rows).
		{name: "one dictionary column", filters: [][2]string{{"ActionType", "ClickBlocked"}}, want: 5000 + 1500},
		{name: "two columns, one missing from some files", filters: [][2]string{{"ActionType", "ClickBlocked"}, {"Workload", "Teams"}}, want: countRows(20000, func(i int) bool { return i%4 == 1 && i%3 == 1 })},
		{name: "empty string matches the files without the column", filters: [][2]string{{"Workload", ""}}, want: countRows(20000, func(i int) bool { return i%3 == 2 }) + 6000},
		{name: "nothing passes", filters: [][2]string{{"ActionType", "nope"}}, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			values.Store(0)
			var filters []catalog.StringFilter
			for _, f := range tc.filters {
				filters = append(filters, equals(f[0], f[1]))
			}
			r, err := tab.Scan(context.Background(), catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType", "Workload", "Count"}, Filters: filters})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got := 0
			for {
				b, err := r.Next(context.Background())
				if err != nil {
					break
				}
				got += b.NumRows()
				for _, f := range tc.filters {
					col := b.Cols[b.ColumnIndex(f[0])]
					for r := range b.NumRows() {
						if col.Strs[r] != f[1] {
							t.Fatalf("row with %s = %q came back", f[0], col.Strs[r])
						}
					}
				}
			}
			if got != tc.want {
				t.Errorf("scan returned %d rows, want %d", got, tc.want)
			}
			// Dictionary columns: a few distinct values per row group, not one call per row.
			if n := values.Load(); n > 200 {
				t.Errorf("Keep was shown %d values for 26000 rows of dictionary columns", n)
			}
		})
	}
}

func countRows(n int, pred func(int) bool) int {
	c := 0
	for i := 0; i < n; i++ {
		if pred(i) {
			c++
		}
	}
	return c
}
