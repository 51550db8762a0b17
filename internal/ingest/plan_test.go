package ingest

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestNeedsOf(t *testing.T) {
	ts := func(min int64) catalog.ScanRequest {
		return catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType"}, TimeColumn: "Timestamp", MinTime: min}
	}
	tests := []struct {
		name  string
		scans []catalog.ScanRequest
		want  TableNeeds
	}{
		{name: "one scan", scans: []catalog.ScanRequest{ts(100)}, want: TableNeeds{Columns: []string{"Timestamp", "ActionType"}, MinTime: 100}},
		{name: "the union of the columns, the earliest bound",
			scans: []catalog.ScanRequest{ts(300), {Columns: []string{"Url", "Timestamp"}, TimeColumn: "TimeGenerated", MinTime: 200, MaxTime: 400}},
			want:  TableNeeds{Columns: []string{"Timestamp", "ActionType", "Url"}, MinTime: 200}},
		{name: "a scan without a lower bound",
			scans: []catalog.ScanRequest{ts(300), {Columns: []string{"Url"}, TimeColumn: "Timestamp", MaxTime: 400}},
			want:  TableNeeds{Columns: []string{"Timestamp", "ActionType", "Url"}}},
		{name: "a bound on another column",
			scans: []catalog.ScanRequest{{Columns: []string{"Url"}, TimeColumn: "ClickTime", MinTime: 100}},
			want:  TableNeeds{Columns: []string{"Url"}}},
		{name: "a column the schema does not list: every blob",
			scans: []catalog.ScanRequest{{Columns: []string{"Timestamp", "AppName"}, TimeColumn: "Timestamp", MinTime: 100}},
			want:  TableNeeds{Columns: []string{"Timestamp", "AppName"}}},
		{name: "a scan of every column: every column of every blob",
			scans: []catalog.ScanRequest{ts(300), {TimeColumn: "Timestamp", MinTime: 300}},
			want:  TableNeeds{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NeedsOf(map[string][]catalog.ScanRequest{"UrlClickEvents": tc.scans, "EmailEvents": nil})
			if want := map[string]TableNeeds{"UrlClickEvents": tc.want}; !reflect.DeepEqual(got, want) {
				t.Errorf("NeedsOf = %+v, want %+v", got, want)
			}
		})
	}
}

// streamRecord is a Streaming API record of table with the given properties (a JSON object's members).
func streamRecord(table, props string) string {
	return `{"time":"2026-12-02T12:00:00Z","tenantId":"t1","category":"AdvancedHunting-` + table + `","properties":{` + props + "}}\n"
}

// streamTree is a small Streaming API export: three hourly UrlClickEvents blobs over two days, one with an
// undocumented column, and one EmailEvents blob.
func streamTree(t *testing.T, extra map[string]string) string {
	t.Helper()
	url := "insights-logs-advancedhunting-urlclickevents/tenantId=t1/y=2026/m=12/"
	mail := "insights-logs-advancedhunting-emailevents/tenantId=t1/y=2026/m=12/"
	files := map[string]string{
		url + "d=01/h=10/m=00/PT1H.json": streamRecord("UrlClickEvents", `"Timestamp":"2026-12-01T10:01:00Z","ActionType":"ClickBlocked","Url":"https://a.example/","AppName":"Mail"`) +
			streamRecord("UrlClickEvents", `"Timestamp":"2026-12-01T10:02:00Z","ActionType":"ClickAllowed","Url":"https://b.example/"`),
		url + "d=02/h=09/m=00/PT1H.json":  streamRecord("UrlClickEvents", `"Timestamp":"2026-12-02T09:30:00Z","ActionType":"ClickAllowed","Url":"https://c.example/"`),
		url + "d=02/h=10/m=00/PT1H.json":  streamRecord("UrlClickEvents", `"Timestamp":"2026-12-02T10:30:00Z","ActionType":"ClickBlocked","Url":"https://d.example/"`),
		mail + "d=02/h=11/m=00/PT1H.json": streamRecord("EmailEvents", `"Timestamp":"2026-12-02T11:00:00Z","Subject":"Invoice"`),
	}
	maps.Copy(files, extra)
	return writeFiles(t, files)
}

// fixedPlan is a Planner that returns needs and remembers the catalog it was given.
func fixedPlan(needs map[string]TableNeeds, err error, got *catalog.Catalog) Planner {
	return func(cat catalog.Catalog) (map[string]TableNeeds, error) {
		*got = cat
		return needs, err
	}
}

// valuesOf returns a column's values across the batches of a table, found by name in each batch.
func valuesOf(t *testing.T, ds *Dataset, table, col string) []string {
	t.Helper()
	mt, ok := ds.Catalog[table].(*catalog.MemTable)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	var out []string
	for _, b := range mt.Batches {
		i := b.ColumnIndex(col)
		if i < 0 {
			t.Fatalf("%s: a batch has no column %s (it has %v)", table, col, b.Fields)
		}
		for r := 0; r < b.NumRows(); r++ {
			out = append(out, cellText(b.Cols[i].Value(r)))
		}
	}
	return out
}

// batchColumns returns the column names of the first batch of a table.
func batchColumns(ds *Dataset, table string) []string {
	mt := ds.Catalog[table].(*catalog.MemTable)
	if len(mt.Batches) == 0 {
		return nil
	}
	var names []string
	for _, f := range mt.Batches[0].Fields {
		names = append(names, f.Name)
	}
	return names
}

func TestLoadFor(t *testing.T) {
	dec2, _ := types.ParseDateTime("2026-12-02T10:00:00Z")
	documented := func(table string) int {
		fields, _ := catalog.KnownSchema(table)
		return len(fields)
	}
	tests := []struct {
		name    string
		extra   map[string]string // more files
		needs   map[string]TableNeeds
		planErr error
		// wantUrls is UrlClickEvents' Url column, in file order; wantBatch the columns of its batches
		wantFiles, wantBefore int
		wantUrls, wantBatch   []string
		wantPruned            *Pruning
		wantReadAll           string
	}{
		{
			name:      "two columns from the blobs of the time range",
			needs:     map[string]TableNeeds{"UrlClickEvents": {Columns: []string{"Timestamp", "Url"}, MinTime: dec2}},
			wantFiles: 1, wantBefore: 2,
			wantUrls:   []string{"https://d.example/"},
			wantBatch:  []string{"Timestamp", "Url"},
			wantPruned: &Pruning{Columns: map[string][]string{"UrlClickEvents": {"Timestamp", "Url"}}, Unread: map[string]int{"EmailEvents": 1}},
		},
		{
			name:      "a bound at a blob's end leaves that blob out",
			needs:     map[string]TableNeeds{"UrlClickEvents": {Columns: []string{"Url"}, MinTime: dec2 - types.TicksPerHour + 1}, "EmailEvents": {Columns: []string{"Subject"}}},
			wantFiles: 3, wantBefore: 1,
			wantUrls:   []string{"https://c.example/", "https://d.example/"},
			wantBatch:  []string{"Url"},
			wantPruned: &Pruning{Columns: map[string][]string{"UrlClickEvents": {"Url"}, "EmailEvents": {"Subject"}}, Unread: map[string]int{}},
		},
		{
			name:       "a table read whole is read from its first blob",
			needs:      map[string]TableNeeds{"UrlClickEvents": {MinTime: dec2}},
			wantFiles:  3,
			wantUrls:   []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"},
			wantPruned: &Pruning{Columns: map[string][]string{}, Unread: map[string]int{"EmailEvents": 1}},
		},
		{
			name:        "every table read whole",
			needs:       map[string]TableNeeds{"UrlClickEvents": {}, "EmailEvents": {}},
			wantFiles:   4,
			wantUrls:    []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"},
			wantReadAll: "the query reads every column of EmailEvents, UrlClickEvents",
		},
		{
			name:        "the plan fails",
			planErr:     errors.New("1:20: error: Failed to resolve scalar expression named 'AppName'\nmore"),
			wantFiles:   4,
			wantUrls:    []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"},
			wantReadAll: "the query does not check against the built-in schemas (1:20: error: Failed to resolve scalar expression named 'AppName')",
		},
		{
			name:        "a file named after no built-in table",
			extra:       map[string]string{"notes/clicks.json": `{"Url":"x"}`},
			needs:       map[string]TableNeeds{"UrlClickEvents": {Columns: []string{"Url"}}},
			wantFiles:   5,
			wantUrls:    []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"},
			wantReadAll: "is not named after a built-in table",
		},
		{
			name: "a blob holding rows of another table than its folder says",
			extra: map[string]string{"insights-logs-advancedhunting-emailevents/tenantId=t1/y=2026/m=12/d=02/h=12/m=00/PT1H.json": streamRecord("UrlClickEvents",
				`"Timestamp":"2026-12-02T12:00:00Z","Url":"https://e.example/"`)},
			needs:       map[string]TableNeeds{"UrlClickEvents": {Columns: []string{"Url"}}, "EmailEvents": {Columns: []string{"Subject"}}},
			wantFiles:   5,
			wantUrls:    []string{"https://e.example/", "https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"},
			wantReadAll: "holds UrlClickEvents rows, not EmailEvents rows as its path says",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := streamTree(t, tc.extra)
			var planned catalog.Catalog
			ds, err := LoadFor(context.Background(), []string{dir}, Options{}, fixedPlan(tc.needs, tc.planErr, &planned))
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Problems) != 0 {
				t.Errorf("problems: %v", ds.Problems)
			}
			if ds.Files != tc.wantFiles || ds.BeforeRange != tc.wantBefore {
				t.Errorf("read %d files, %d before the range; want %d and %d", ds.Files, ds.BeforeRange, tc.wantFiles, tc.wantBefore)
			}
			if !strings.Contains(ds.ReadAll, tc.wantReadAll) || (tc.wantReadAll == "") != (ds.ReadAll == "") {
				t.Errorf("ReadAll = %q, want %q", ds.ReadAll, tc.wantReadAll)
			}
			if !reflect.DeepEqual(ds.Pruned, tc.wantPruned) {
				t.Errorf("Pruned = %+v, want %+v", ds.Pruned, tc.wantPruned)
			}
			if got := valuesOf(t, ds, "UrlClickEvents", "Url"); !reflect.DeepEqual(got, tc.wantUrls) {
				t.Errorf("Url = %q, want %q", got, tc.wantUrls)
			}
			if tc.wantBatch != nil && !reflect.DeepEqual(batchColumns(ds, "UrlClickEvents"), tc.wantBatch) {
				t.Errorf("batches hold %v, want %v", batchColumns(ds, "UrlClickEvents"), tc.wantBatch)
			}
			if ds.Pruned == nil {
				return
			}
			if planned == nil || !slices.Equal(planned.TableNames(), []string{"EmailEvents", "UrlClickEvents"}) {
				t.Fatalf("planned against %v", planned)
			}
			if tab, _ := planned.Table("UrlClickEvents"); len(tab.Schema()) != documented("UrlClickEvents") {
				t.Errorf("planned against %d columns of UrlClickEvents, want its %d documented", len(tab.Schema()), documented("UrlClickEvents"))
			}
			// Every table of the files is in the catalog; one read in part or not read has its documented columns.
			for _, table := range []string{"UrlClickEvents", "EmailEvents"} {
				tab, ok := ds.Catalog[table]
				if !ok {
					t.Fatalf("no table %s", table)
				}
				if _, whole := ds.Pruned.Columns[table]; !whole && ds.Pruned.Unread[table] == 0 {
					continue
				}
				if len(tab.Schema()) != documented(table) {
					t.Errorf("%s has %d columns, want its %d documented", table, len(tab.Schema()), documented(table))
				}
			}
		})
	}
}

// TestLoadForDerivedTimes checks that a column read alone has the values it has when every column is read:
// Timestamp from TimeGenerated in a Sentinel export that has only TimeGenerated, TimeGenerated from Timestamp
// in a Streaming API blob.
func TestLoadForDerivedTimes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"sentinel/UrlClickEvents.json": `{"TimeGenerated":"2026-12-01T08:00:00Z","ActionType":"ClickBlocked"}` + "\n" +
			`{"TimeGenerated":"2026-12-01T09:00:00Z","Timestamp":"2026-12-01T08:59:00Z","ActionType":"ClickAllowed"}` + "\n",
		"insights-logs-advancedhunting-emailevents/tenantId=t1/y=2026/m=12/d=02/h=11/m=00/PT1H.json": streamRecord("EmailEvents", `"Timestamp":"2026-12-02T11:00:00Z","Subject":"Invoice"`),
	})
	full := mustLoad(t, Options{}, dir)
	tests := []struct {
		table, column string
	}{
		{table: "UrlClickEvents", column: "Timestamp"},
		{table: "UrlClickEvents", column: "TimeGenerated"},
		{table: "EmailEvents", column: "TimeGenerated"},
		{table: "EmailEvents", column: "Timestamp"},
	}
	for _, tc := range tests {
		t.Run(tc.table+" "+tc.column, func(t *testing.T) {
			var planned catalog.Catalog
			ds, err := LoadFor(context.Background(), []string{dir}, Options{}, fixedPlan(map[string]TableNeeds{tc.table: {Columns: []string{tc.column}}}, nil, &planned))
			if err != nil {
				t.Fatal(err)
			}
			if ds.Pruned == nil {
				t.Fatalf("read whole: %s", ds.ReadAll)
			}
			want := valuesOf(t, full, tc.table, tc.column)
			if got := valuesOf(t, ds, tc.table, tc.column); !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %q, read whole %q", tc.column, got, want)
			}
		})
	}
}
