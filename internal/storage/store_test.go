package storage

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// allTypesTable has a column of every KQL type, with nulls and edge values in each.
func allTypesTable(t *testing.T) *types.Table {
	t.Helper()
	fields := []types.Field{
		{Name: "Timestamp", Type: types.DateTime},
		{Name: "B", Type: types.Bool},
		{Name: "I", Type: types.Int},
		{Name: "L", Type: types.Long},
		{Name: "R", Type: types.Real},
		{Name: "Dec", Type: types.Decimal},
		{Name: "S", Type: types.String},
		{Name: "G", Type: types.GUID},
		{Name: "Span", Type: types.TimeSpan},
		{Name: "Dyn", Type: types.Dynamic},
		{Name: "Edge", Type: types.DateTime}, // values outside int64 nanoseconds: kept in an overflow column
		{Name: "Fine", Type: types.DateTime}, // 100 ns precision
	}
	dyn := func(s string) types.Value {
		v, err := types.ParseJSON(s)
		if err != nil {
			t.Fatal(err)
		}
		return types.NewDynamic(v)
	}
	null := types.NullOf
	tab := types.NewTable(fields)
	rows := [][]types.Value{
		{types.NewDateTime(day0 + 1), types.NewBool(true), types.NewInt(math.MinInt32), types.NewLong(math.MinInt64),
			types.NewReal(math.NaN()), {Type: types.Decimal, F: 12.345}, types.NewString(""), types.NewGUID("6f1b2c3d-0000-4a5b-8c9d-0123456789ab"),
			types.NewTimeSpan(-1), dyn(`{"b":1,"a":[1,2.5,"x",null,true]}`), types.NewDateTime(0), types.NewDateTime(day0 + 1234567)},
		{types.NewDateTime(day0 + 2), types.NewBool(false), types.NewInt(math.MaxInt32), types.NewLong(math.MaxInt64),
			types.NewReal(math.Inf(-1)), {Type: types.Decimal, F: -0.5}, types.NewString("héllo, 世界 \"quoted\"\n"), null(types.GUID),
			types.NewTimeSpan(types.TicksPerDay*3 + 7), dyn(`"just a string"`), types.NewDateTime(types.MaxDateTimeTicks), null(types.DateTime)},
		{types.NewDateTime(day0 + 3), null(types.Bool), null(types.Int), null(types.Long),
			null(types.Real), null(types.Decimal), types.NewString("same"), null(types.GUID),
			null(types.TimeSpan), null(types.Dynamic), null(types.DateTime), types.NewDateTime(mustTicks("1601-01-01T00:00:00.0000001Z"))},
		{types.NewDateTime(day0 + 4), types.NewBool(true), types.NewInt(0), types.NewLong(0),
			types.NewReal(math.Copysign(0, -1)), {Type: types.Decimal, F: 0}, types.NewString("same"), types.NewGUID("00000000-0000-0000-0000-000000000000"),
			types.NewTimeSpan(0), dyn(`[]`), types.NewDateTime(day0), types.NewDateTime(mustTicks("2262-04-11T23:47:16.8547758Z"))},
		{null(types.DateTime), types.NewBool(false), types.NewInt(-7), types.NewLong(42),
			types.NewReal(1e308), {Type: types.Decimal, F: 1e-20}, types.NewString("null time"), types.NewGUID("ffffffff-ffff-ffff-ffff-ffffffffffff"),
			types.NewTimeSpan(math.MaxInt64), dyn(`{"nested":{"k":-1.5e-7}}`), types.NewDateTime(day0 + 5), types.NewDateTime(mustTicks("1677-09-21T00:12:43.1452420Z"))},
	}
	for _, r := range rows {
		tab.AppendRow(r)
	}
	return tab
}

func TestRoundTripEveryType(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	in := allTypesTable(t)
	src := writeSourceFile(t, t.TempDir(), "a.jsonl", "rows")
	sum := mustIngest(t, s, &sliceSource{files: []SourceFile{src}, batches: []SourceBatch{{Table: "AllTypes", Rows: in}}}, IngestOptions{})
	if sum.Stored != int64(in.NumRows()) || sum.RecordsRead != sum.Stored {
		t.Fatalf("summary %+v, want %d stored", sum, in.NumRows())
	}
	// A fresh Open reads everything from disk.
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tab, ok := s2.Catalog().Table("AllTypes")
	if !ok {
		t.Fatalf("tables %v", s2.Catalog().TableNames())
	}
	if got, want := tab.Schema(), in.Fields; !slices.Equal(got, want) {
		t.Fatalf("schema %v, want %v", got, want)
	}
	out := scanAll(t, tab, catalog.ScanRequest{})
	if !slices.Equal(out.Fields, in.Fields) {
		t.Fatalf("fields %v, want %v", out.Fields, in.Fields)
	}
	got, want := rowTexts(t, out, fieldNames(in.Fields)), rowTexts(t, in, fieldNames(in.Fields))
	if !slices.Equal(got, want) {
		t.Fatalf("rows differ:\ngot\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The Edge column held values outside int64 nanoseconds in one file only: that file has an overflow column.
	var overflows []string
	for _, f := range storeFiles(t, dir) {
		if !strings.HasSuffix(f, ".parquet") {
			continue
		}
		pf, err := openParquet(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Timestamp", "Edge", "Fine"} {
			if c := pf.cols[name]; c.Overflow != "" {
				overflows = append(overflows, f[strings.Index(f, "day="):strings.LastIndex(f, "/")]+":"+c.Overflow)
			}
		}
		pf.Close()
	}
	wantOverflows := []string{"day=2024-03-01:__kqlhunt_ticks_Edge", "day=2024-03-01:__kqlhunt_ticks_Fine"}
	if !slices.Equal(overflows, wantOverflows) {
		t.Errorf("overflow columns %v, want %v", overflows, wantOverflows)
	}
}

func TestPartitionsByDayAndSortsRows(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	in := eventsTable(3000, 3, 1)
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "UrlClickEvents", Rows: in}}}, IngestOptions{RowGroupRows: 400})
	var parts []string
	for _, f := range storeFiles(t, dir) {
		if strings.HasSuffix(f, ".parquet") {
			parts = append(parts, f[:strings.LastIndex(f, "/")])
		}
	}
	want := []string{"UrlClickEvents/day=2024-03-01", "UrlClickEvents/day=2024-03-02", "UrlClickEvents/day=2024-03-03"}
	if !slices.Equal(parts, want) {
		t.Fatalf("part directories %v, want %v", parts, want)
	}
	tab, _ := s.Catalog().Table("UrlClickEvents")
	out := scanAll(t, tab, catalog.ScanRequest{})
	if out.NumRows() != 3000 {
		t.Fatalf("%d rows, want 3000", out.NumRows())
	}
	ts := out.Cols[out.ColumnIndex("Timestamp")].Ints
	if !slices.IsSorted(ts) {
		t.Errorf("rows do not come back sorted by Timestamp")
	}
	for i, v := range ts {
		day := types.TicksToTime(v).Format("2006-01-02")
		if i > 0 && day < types.TicksToTime(ts[i-1]).Format("2006-01-02") {
			t.Fatalf("day order broken at row %d", i)
		}
	}
	info := s.Tables()
	if len(info) != 1 || info[0].Rows != 3000 || info[0].Files != 3 || info[0].TimeColumn != "Timestamp" {
		t.Errorf("table info %+v", info)
	}
}

func TestScanPrunesFilesAndRowGroups(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "UrlClickEvents", Rows: eventsTable(3000, 3, 1)}}}, IngestOptions{RowGroupRows: 250})
	tab, _ := s.Catalog().Table("UrlClickEvents")
	day := func(k int) int64 { return day0 + int64(k)*types.TicksPerDay }
	tests := []struct {
		name       string
		req        catalog.ScanRequest
		wantFiles  int64
		wantRows   int // rows returned (whole row groups)
		inRangeMin int // rows that are inside the range
	}{
		{name: "all", req: catalog.ScanRequest{}, wantFiles: 3, wantRows: 3000, inRangeMin: 3000},
		{name: "second day", req: catalog.ScanRequest{TimeColumn: "Timestamp", MinTime: day(1), MaxTime: day(2)}, wantFiles: 1, wantRows: 1000, inRangeMin: 1000},
		{name: "from the third day", req: catalog.ScanRequest{TimeColumn: "Timestamp", MinTime: day(2)}, wantFiles: 1, wantRows: 1000, inRangeMin: 1000},
		{name: "before the first day", req: catalog.ScanRequest{TimeColumn: "Timestamp", MaxTime: day(0)}, wantFiles: 0, wantRows: 0},
		{name: "one hour of the first day", req: catalog.ScanRequest{TimeColumn: "Timestamp", MinTime: day(0) + 2*types.TicksPerHour, MaxTime: day(0) + 3*types.TicksPerHour}, wantFiles: 1, wantRows: 250, inRangeMin: 41},
		{name: "time column not datetime: no pruning", req: catalog.ScanRequest{TimeColumn: "Url", MinTime: day(1), MaxTime: day(2)}, wantFiles: 3, wantRows: 3000},
		{name: "unknown time column: no pruning", req: catalog.ScanRequest{TimeColumn: "TimeGenerated", MinTime: day(1), MaxTime: day(2)}, wantFiles: 3, wantRows: 3000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.filesOpened.Load()
			out := scanAll(t, tab, tc.req)
			if got := s.filesOpened.Load() - before; got != tc.wantFiles {
				t.Errorf("opened %d files, want %d", got, tc.wantFiles)
			}
			if out.NumRows() != tc.wantRows {
				t.Errorf("%d rows, want %d", out.NumRows(), tc.wantRows)
			}
			if tc.req.MinTime != 0 || tc.req.MaxTime != 0 {
				inRange := 0
				ts := out.Cols[out.ColumnIndex("Timestamp")]
				for _, v := range ts.Ints {
					if (tc.req.MinTime == 0 || v >= tc.req.MinTime) && (tc.req.MaxTime == 0 || v < tc.req.MaxTime) {
						inRange++
					}
				}
				if tc.inRangeMin > 0 && inRange < tc.inRangeMin {
					t.Errorf("%d rows in range, want at least %d", inRange, tc.inRangeMin)
				}
			}
		})
	}
}

func TestScanPrunesOnTimeGenerated(t *testing.T) {
	// A Sentinel table: partitioned by TimeGenerated; a second datetime column is pruned by the manifest too.
	fields := []types.Field{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "Seen", Type: types.DateTime}, {Name: "Computer", Type: types.String}}
	in := types.NewTable(fields)
	for i := 0; i < 48; i++ {
		tg := day0 + int64(i)*types.TicksPerHour
		in.AppendRow([]types.Value{types.NewDateTime(tg), types.NewDateTime(tg - types.TicksPerMinute), types.NewString("host")})
	}
	dir := t.TempDir()
	s, _ := Open(dir)
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "SecurityEvent", Rows: in}}}, IngestOptions{})
	tab, _ := s.Catalog().Table("SecurityEvent")
	for _, col := range []string{"TimeGenerated", "Seen"} {
		before := s.filesOpened.Load()
		out := scanAll(t, tab, catalog.ScanRequest{TimeColumn: col, MinTime: day0 + types.TicksPerDay + types.TicksPerHour})
		if got := s.filesOpened.Load() - before; got != 1 {
			t.Errorf("%s: opened %d files, want 1", col, got)
		}
		if out.NumRows() != 24 {
			t.Errorf("%s: %d rows, want 24", col, out.NumRows())
		}
	}
}

func TestScanProjectsColumns(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	in := eventsTable(500, 2, 3)
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: in}}}, IngestOptions{})
	tab, _ := s.Catalog().Table("T")
	tests := []struct {
		name    string
		columns []string
		want    []string
	}{
		{name: "two columns, schema order", columns: []string{"Count", "ActionType"}, want: []string{"ActionType", "Count"}},
		{name: "unknown names ignored", columns: []string{"Nope", "Url"}, want: []string{"Url"}},
		{name: "empty list reads the time column only", columns: []string{}, want: []string{"Timestamp"}},
		{name: "only unknown names: the time column", columns: []string{"Nope"}, want: []string{"Timestamp"}},
		{name: "nil reads all", columns: nil, want: []string{"Timestamp", "ActionType", "Url", "Count", "Score"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tab.Scan(context.Background(), catalog.ScanRequest{Columns: tc.columns})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := r.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := fieldNames(b.Fields); !slices.Equal(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
			if len(b.Cols) != len(tc.want) {
				t.Errorf("%d columns, want %d", len(b.Cols), len(tc.want))
			}
		})
	}
	if n := scanAll(t, tab, catalog.ScanRequest{Columns: []string{}}).NumRows(); n != 500 {
		t.Errorf("a scan without columns gave %d rows, want 500", n)
	}
	cols := []string{"Count", "Score", "Url", "ActionType"} // Url is written plain, ActionType with a dictionary
	out := scanAll(t, tab, catalog.ScanRequest{Columns: cols})
	if got, want := rowTexts(t, out, cols), rowTexts(t, in, cols); !slices.Equal(got, want) {
		t.Errorf("projected values differ")
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	srcDir := t.TempDir()
	a := writeSourceFile(t, srcDir, "a.json", "first export")
	b := writeSourceFile(t, srcDir, "b.json", "second export")
	s, _ := Open(dir)
	first := mustIngest(t, s, &sliceSource{files: []SourceFile{a}, batches: []SourceBatch{{Table: "T", Rows: eventsTable(100, 1, 1)}}}, IngestOptions{})
	if first.Stored != 100 || len(first.NewSources) != 1 {
		t.Fatalf("first ingest %+v", first)
	}
	before := snapshot(t, dir)
	// The same file again (also under another name): nothing is added.
	other := writeSourceFile(t, t.TempDir(), "renamed.json", "first export")
	for _, f := range []SourceFile{a, other} {
		again := mustIngest(t, s, &sliceSource{files: []SourceFile{f}, batches: []SourceBatch{{Table: "T", Rows: eventsTable(100, 1, 1)}}}, IngestOptions{})
		if again.Stored != 0 || again.AlreadyIngested != 100 || len(again.SkippedSources) != 1 || again.IngestID != 0 {
			t.Errorf("re-ingest of %s: %+v", f.Path, again)
		}
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("re-ingest changed the store")
	}
	// PendingFiles keeps only the new file.
	pending, skipped, err := s.PendingFiles([]string{srcDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].Path != b.Path || len(skipped) != 1 || skipped[0].Path != a.Path {
		t.Errorf("pending %v skipped %v", pending, skipped)
	}
	// A batch without a named source cannot be split between a known and a new file.
	_, err = s.Ingest(context.Background(), &sliceSource{files: []SourceFile{a, b}, batches: []SourceBatch{{Table: "T", Rows: eventsTable(10, 1, 2)}}}, IngestOptions{})
	if err == nil || !strings.Contains(err.Error(), "PendingFiles") {
		t.Errorf("mixed sources: err %v", err)
	}
	// Batches that name their source: the known file's rows are skipped, the new file's stored.
	mixed := mustIngest(t, s, &sliceSource{files: []SourceFile{a, b}, batches: []SourceBatch{
		{Table: "T", Rows: eventsTable(100, 1, 1), Source: a.Path},
		{Table: "T", Rows: eventsTable(30, 1, 9), Source: b.Path},
	}}, IngestOptions{})
	if mixed.Stored != 30 || mixed.AlreadyIngested != 100 {
		t.Errorf("per-file sources: %+v", mixed)
	}
	tab, _ := s.Catalog().Table("T")
	if n := scanAll(t, tab, catalog.ScanRequest{}).NumRows(); n != 130 {
		t.Errorf("%d rows, want 130", n)
	}
}

func TestQuarantineReconciles(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	src := writeSourceFile(t, t.TempDir(), "x.jsonl", "x")
	problems := []Problem{{File: src.Path, Line: 3, Reason: "unexpected end of JSON"}, {File: src.Path, Line: 9, Reason: "Timestamp: not a datetime"}}
	sum := mustIngest(t, s, &sliceSource{files: []SourceFile{src}, batches: []SourceBatch{{Table: "T", Rows: eventsTable(50, 1, 1)}}}, IngestOptions{Problems: problems})
	if sum.RecordsRead != 52 || sum.Stored != 50 || sum.Quarantined != 2 || sum.RecordsRead != sum.Stored+sum.Quarantined+sum.AlreadyIngested {
		t.Fatalf("summary %+v", sum)
	}
	if got, want := sum.String(), "read 52 records: stored 50 rows in 1 table (1 file, "; !strings.HasPrefix(got, want) || !strings.Contains(got, "; quarantined 2 records ("+sum.QuarantineFile+")") {
		t.Errorf("summary line %q", got)
	}
	data, err := os.ReadFile(sum.QuarantineFile)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"file":"` + src.Path + `","line":3,"reason":"unexpected end of JSON","ingest":1}` + "\n" +
		`{"file":"` + src.Path + `","line":9,"reason":"Timestamp: not a datetime","ingest":1}` + "\n"
	if string(data) != want {
		t.Errorf("quarantine file:\n%s\nwant\n%s", data, want)
	}
	if !strings.HasPrefix(filepath.ToSlash(sum.QuarantineFile), filepath.ToSlash(filepath.Join(dir, "_quarantine"))+"/") {
		t.Errorf("quarantine file at %s", sum.QuarantineFile)
	}
	// A file of only bad records is still recorded, and not quarantined twice.
	again := mustIngest(t, s, &sliceSource{files: []SourceFile{src}}, IngestOptions{Problems: problems})
	if again.Quarantined != 0 || again.AlreadyIngested != 2 {
		t.Errorf("re-ingest: %+v", again)
	}
	if got, want := again.String(), "read 2 records: stored 0 rows in 0 tables (0 files, 0 B); 1 source file already in the store (2 records not stored again)"; got != want {
		t.Errorf("summary line %q, want %q", got, want)
	}
}

func TestSchemaEvolves(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	first := types.NewTable([]types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "N", Type: types.Int}, {Name: "X", Type: types.Long}})
	first.AppendRow([]types.Value{types.NewDateTime(day0), types.NewInt(5), types.NewLong(7)})
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: first}}}, IngestOptions{})
	second := types.NewTable([]types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "N", Type: types.Long}, {Name: "X", Type: types.String}, {Name: "New", Type: types.Bool}})
	second.AppendRow([]types.Value{types.NewDateTime(day0 + 1), types.NewLong(1 << 40), types.NewString("seven"), types.NewBool(true)})
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: second}}}, IngestOptions{})
	s2, _ := Open(dir)
	tab, _ := s2.Catalog().Table("T")
	wantSchema := []types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "N", Type: types.Long}, {Name: "X", Type: types.String}, {Name: "New", Type: types.Bool}}
	if !slices.Equal(tab.Schema(), wantSchema) {
		t.Fatalf("schema %v, want %v", tab.Schema(), wantSchema)
	}
	out := scanAll(t, tab, catalog.ScanRequest{})
	got := rowTexts(t, out, []string{"N", "X", "New"})
	want := []string{`long:1099511627776 | string:"seven" | bool:1 | `, `long:5 | string:"7" | null(bool) | `}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}

func TestEmptyStore(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string) string
		wantErr string
	}{
		{name: "missing directory is created", prepare: func(dir string) string { return filepath.Join(dir, "new", "store") }},
		{name: "empty directory", prepare: func(dir string) string { return dir }},
		{name: "directory of other files is refused", prepare: func(dir string) string {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
			return dir
		}, wantErr: "not a kqlhunt store"},
		{name: "damaged commit record", prepare: func(dir string) string {
			os.WriteFile(filepath.Join(dir, stateFileName), []byte("{"), 0o644)
			return dir
		}, wantErr: stateFileName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.prepare(t.TempDir())
			s, err := Open(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if names := s.Catalog().TableNames(); len(names) != 0 {
				t.Errorf("tables %v", names)
			}
			if _, ok := s.Catalog().Table("T"); ok {
				t.Errorf("found a table in an empty store")
			}
			// An ingest of nothing commits nothing.
			sum := mustIngest(t, s, &sliceSource{}, IngestOptions{})
			if sum.IngestID != 0 || sum.Stored != 0 {
				t.Errorf("summary %+v", sum)
			}
		})
	}
}

func TestCorruptParquetFileIsNamed(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(path string) error
		wantErr string
	}{
		{name: "garbage", damage: func(p string) error { return os.WriteFile(p, []byte("this is not parquet at all"), 0o644) }, wantErr: "not a readable Parquet file"},
		{name: "truncated", damage: func(p string) error {
			data, _ := os.ReadFile(p)
			return os.WriteFile(p, data[:len(data)/2], 0o644)
		}, wantErr: "not a readable Parquet file"},
		{name: "missing", damage: os.Remove, wantErr: "no such file"},
		{name: "pages overwritten", damage: func(p string) error {
			data, _ := os.ReadFile(p)
			for i := 4; i < len(data)/2; i++ {
				data[i] = 0xff
			}
			return os.WriteFile(p, data, 0o644)
		}, wantErr: "row group 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := Open(dir)
			mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: eventsTable(200, 1, 1)}}}, IngestOptions{})
			var part string
			for _, f := range storeFiles(t, dir) {
				if strings.HasSuffix(f, ".parquet") {
					part = filepath.Join(dir, f)
				}
			}
			if err := tc.damage(part); err != nil {
				t.Fatal(err)
			}
			tab, _ := s.Catalog().Table("T")
			_, err := tryScanAll(tab, catalog.ScanRequest{})
			if err == nil || !strings.Contains(err.Error(), part) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want one naming %s and saying %q", err, part, tc.wantErr)
			}
		})
	}
}

func TestTableDirName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "plain", in: "DeviceEvents", want: "DeviceEvents"},
		{name: "custom log", in: "My_CL", want: "My_CL"},
		{name: "path characters", in: "../x/y", want: "%2E%2E%2Fx%2Fy"},
		{name: "leading underscore", in: "_quarantine", want: "%5Fquarantine"},
		{name: "space and dot", in: "a b.c", want: "a%20b%2Ec"},
		{name: "empty", in: "", want: "%00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tableDirName(tc.in); got != tc.want {
				t.Errorf("tableDirName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestScanFindsTimesOutsideNanoseconds(t *testing.T) {
	// Years 1500 and 3000 do not fit int64 nanoseconds; a scan for them must still find them.
	old, future := mustTicks("1500-06-01T00:00:00Z"), mustTicks("3000-01-01T12:00:00.0000001Z")
	in := types.NewTable([]types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "K", Type: types.Long}})
	for i, ts := range []int64{old, day0, day0 + 1, future} {
		in.AppendRow([]types.Value{types.NewDateTime(ts), types.NewLong(int64(i))})
	}
	dir := t.TempDir()
	s, _ := Open(dir)
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: in}}}, IngestOptions{RowGroupRows: 2})
	tab, _ := s.Catalog().Table("T")
	tests := []struct {
		name     string
		min, max int64
		want     []int64
	}{
		{name: "before 1600", max: mustTicks("1600-01-01T00:00:00Z"), want: []int64{old}},
		{name: "after 2500", min: mustTicks("2500-01-01T00:00:00Z"), want: []int64{future}},
		{name: "2024", min: day0, max: day0 + types.TicksPerDay, want: []int64{day0, day0 + 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := scanAll(t, tab, catalog.ScanRequest{TimeColumn: "Timestamp", MinTime: tc.min, MaxTime: tc.max})
			var got []int64
			for _, v := range out.Cols[out.ColumnIndex("Timestamp")].Ints {
				if (tc.min == 0 || v >= tc.min) && (tc.max == 0 || v < tc.max) {
					got = append(got, v)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("times %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIngestReportsProgress(t *testing.T) {
	s, _ := Open(t.TempDir())
	var seen []Progress
	batches := []SourceBatch{{Table: "T", Rows: eventsTable(100, 1, 1)}, {Table: "T", Rows: eventsTable(50, 2, 2)}}
	sum := mustIngest(t, s, &sliceSource{batches: batches}, IngestOptions{Progress: func(p Progress) { seen = append(seen, p) }})
	if len(seen) < 2 || seen[0].Rows != 100 || seen[1].Rows != 150 {
		t.Fatalf("progress %+v", seen)
	}
	last := seen[len(seen)-1]
	if last.Rows != 150 || last.Bytes != sum.Bytes || sum.Bytes == 0 {
		t.Errorf("last progress %+v, summary bytes %d", last, sum.Bytes)
	}
}

func TestIngestRejectsMalformedBatches(t *testing.T) {
	good := eventsTable(3, 1, 1)
	short := eventsTable(3, 1, 1)
	short.Cols[1] = short.Cols[1].Slice(0, 2)
	tests := []struct {
		name    string
		batch   SourceBatch
		wantErr string
	}{
		{name: "no table name", batch: SourceBatch{Rows: good}, wantErr: "without a table name"},
		{name: "short column", batch: SourceBatch{Table: "T", Rows: short}, wantErr: "column ActionType is malformed"},
		{name: "fields and columns disagree", batch: SourceBatch{Table: "T", Rows: &types.Table{Fields: good.Fields, Cols: good.Cols[:2]}}, wantErr: "5 fields and 2 columns"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := Open(dir)
			_, err := s.Ingest(context.Background(), &sliceSource{batches: []SourceBatch{tc.batch}}, IngestOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			if files := storeFiles(t, dir); len(files) != 0 {
				t.Errorf("files left: %v", files)
			}
		})
	}
}

func TestScanCloseEarlyAndCancel(t *testing.T) {
	s, _ := Open(t.TempDir())
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: eventsTable(5000, 10, 1)}}}, IngestOptions{RowGroupRows: 100})
	tab, _ := s.Catalog().Table("T")
	r, err := tab.Scan(context.Background(), catalog.ScanRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(context.Background()); err != io.EOF {
		t.Errorf("Next after Close: %v, want io.EOF", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r, err = tab.Scan(ctx, catalog.ScanRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cancel()
	for {
		_, err := r.Next(ctx)
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
		break
	}
}

func TestDamagedManifestIsNamed(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{name: "not JSON", content: "{", wantErr: "unexpected end of JSON"},
		{name: "another table", content: `{"table":"Other","schema":[],"files":[]}`, wantErr: `is of table "Other"`},
		{name: "unknown type", content: `{"table":"T","schema":[{"name":"X","type":"blob"}],"files":[]}`, wantErr: `column "X" has unknown type "blob"`},
		{name: "bad time range", content: `{"table":"T","schema":[],"files":[{"path":"p","time":{"Timestamp":{"min":"x","max":"y"}}}]}`, wantErr: "bad time range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := Open(dir)
			mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "T", Rows: eventsTable(10, 1, 1)}}}, IngestOptions{})
			manifest := filepath.Join(dir, "T", "_manifest-1.json")
			if err := os.WriteFile(manifest, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir)
			named := err != nil && (strings.Contains(err.Error(), "table T:") || strings.Contains(err.Error(), "T/_manifest-1.json"))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !named {
				t.Fatalf("err %v, want one naming the table or manifest and saying %q", err, tc.wantErr)
			}
		})
	}
}

func TestIngestBoundsBufferedRows(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	var batches []SourceBatch
	for i := 0; i < 10; i++ {
		batches = append(batches, SourceBatch{Table: "T", Rows: eventsTable(100, 1, i)})
	}
	sum := mustIngest(t, s, &sliceSource{batches: batches}, IngestOptions{MaxBufferedRows: 250})
	if sum.Stored != 1000 {
		t.Fatalf("stored %d, want 1000", sum.Stored)
	}
	// Each part holds what was buffered when the limit was passed: at most the limit plus one batch.
	tab, _ := s.Catalog().Table("T")
	st := tab.(*storeTable)
	if len(st.files) < 3 {
		t.Errorf("%d part files, want at least 3 for 1000 rows buffered 250 at a time", len(st.files))
	}
	for _, f := range st.files {
		if f.Rows > 350 {
			t.Errorf("part %s has %d rows, more than the limit allows", f.Path, f.Rows)
		}
	}
	if n := scanAll(t, tab, catalog.ScanRequest{}).NumRows(); n != 1000 {
		t.Errorf("%d rows read back, want 1000", n)
	}
}
