package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func storageRecord(ts, action string) string {
	return `{"time":"2026-11-20T08:15:40Z","tenantId":"t1","category":"AdvancedHunting-UrlClickEvents","properties":{"Timestamp":"` + ts +
		`","ActionType":"` + action + `","IsClickedThrough":false}}`
}

// TestLoadMalformed feeds broken input: each case names the problems expected (file:line: message) and checks
// that every good row is still loaded.
func TestLoadMalformed(t *testing.T) {
	good1 := storageRecord("2026-11-20T08:00:00Z", "ClickBlocked")
	good2 := storageRecord("2026-11-20T09:00:00Z", "ClickAllowed")
	tests := []struct {
		name     string
		files    map[string]string
		opts     Options
		problems []string // exact, with the file path relative to the test folder
		table    string
		column   string
		values   []string
	}{
		{
			name:     "truncated line in a storage blob",
			files:    map[string]string{"PT1H.json": good1 + "\r\n" + good1[:60] + "\r\n" + good2 + "\r\n"},
			problems: []string{"PT1H.json:2: malformed JSON: unterminated JSON string"},
			table:    "UrlClickEvents", column: "ActionType", values: []string{"ClickBlocked", "ClickAllowed"},
		},
		{
			name:     "truncated first line: the rest still read as JSON lines",
			files:    map[string]string{"PT1H.json": good1[:70] + "\r\n" + good2 + "\r\n" + good1 + "\r\n"},
			problems: []string{"PT1H.json:1: malformed JSON: unterminated JSON string"},
			table:    "UrlClickEvents", column: "ActionType", values: []string{"ClickAllowed", "ClickBlocked"},
		},
		{
			name:     "one-line file cut inside a string (not a control character: the file has no newline)",
			files:    map[string]string{"T.json": `{"A":"x","B":"y`, "T.jsonl": `{"A":"z"}`},
			problems: []string{"T.json:1: malformed JSON: unterminated JSON string"},
			table:    "T", column: "A", values: []string{"z"},
		},
		{
			name:     "truncated pretty-printed Event Hubs capture keeps the complete records",
			files:    map[string]string{"capture.json": "{\n \"records\": [\n  " + good1 + ",\n  " + good2 + ",\n  " + good1[:50]},
			problems: []string{"capture.json:5: malformed JSON: unterminated JSON string"},
			table:    "UrlClickEvents", column: "ActionType", values: []string{"ClickBlocked", "ClickAllowed"},
		},
		{
			name:     "invalid UTF-8 is kept as U+FFFD and reported",
			files:    map[string]string{"PT1H.json": good1 + "\n" + strings.Replace(good2, "ClickAllowed", "Click\xffAllowed", 1) + "\n"},
			problems: []string{"PT1H.json:2: invalid UTF-8 replaced with U+FFFD"},
			table:    "UrlClickEvents", column: "ActionType", values: []string{"ClickBlocked", "Click\uFFFDAllowed"},
		},
		{
			name: "wrong-typed values become null with the column named",
			files: map[string]string{"PT1H.json": strings.Replace(good1, `"IsClickedThrough":false`, `"IsClickedThrough":"maybe"`, 1) + "\n" +
				strings.Replace(good2, `"2026-11-20T09:00:00Z"`, `12345`, 1) + "\n"},
			problems: []string{
				`PT1H.json:1: column IsClickedThrough: "maybe" is not a valid bool; stored as null`,
				`PT1H.json:2: column Timestamp: 12345 is not a valid datetime; stored as null`,
			},
			table: "UrlClickEvents", column: "IsClickedThrough", values: []string{"null", "false"},
		},
		{
			name:     "record without properties",
			files:    map[string]string{"PT1H.json": `{"category":"AdvancedHunting-UrlClickEvents","properties":"oops"}` + "\n" + good1 + "\n"},
			problems: []string{"PT1H.json:1: record properties is not a JSON object; skipped"},
			table:    "UrlClickEvents", column: "ActionType", values: []string{"ClickBlocked"},
		},
		{
			name:     "empty file",
			files:    map[string]string{"empty.json": "", "UrlClickEvents.jsonl": `{"ActionType":"ClickBlocked"}`},
			problems: []string{"empty.json: empty file"},
			table:    "UrlClickEvents", column: "ActionType", values: []string{"ClickBlocked"},
		},
		{
			name:     "garbage after a value on a line",
			files:    map[string]string{"T.jsonl": `{"A":1} x` + "\n" + `{"A":2}` + "\n"},
			problems: []string{`T.jsonl:1: malformed JSON: expected a JSON object or array, found 'x'`},
			table:    "T", column: "A", values: []string{"1", "2"},
		},
		{
			name:     "nesting deeper than the limit",
			files:    map[string]string{"T.jsonl": `{"A":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + "}\n" + `{"A":2}` + "\n"},
			problems: []string{"T.jsonl:1: malformed JSON: JSON nested deeper than 512 levels"},
			table:    "T", column: "A", values: []string{"2"},
		},
		{
			name:     "CSV record with the wrong number of fields",
			files:    map[string]string{"T.csv": "A,B\n1,x\n2\n3,z\n"},
			problems: []string{"T.csv:3: record has 1 fields, the header has 2; skipped"},
			table:    "T", column: "A", values: []string{"1", "3"},
		},
		{
			name:     "CSV bare quote",
			files:    map[string]string{"T.csv": "A,B\n1,x\n2,a\"b\n3,z\n"},
			problems: []string{`T.csv:3: malformed CSV record: bare " in non-quoted-field; skipped`},
			table:    "T", column: "A", values: []string{"1", "3"},
		},
		{
			// A quoted field may hold line breaks: such a record is one row, and the lines after it keep their numbers.
			name:     "CSV quoted field over three lines",
			files:    map[string]string{"T.csv": "A,B\n1,\"x\n\"\"y\"\"\nz\"\n2,\"a\"b\n3,w\n"},
			problems: []string{`T.csv:5: malformed CSV record: extraneous or missing " in quoted-field; skipped`},
			table:    "T", column: "B", values: []string{"x\n\"y\"\nz", "w"},
		},
		{
			// A line cut inside a quoted field leaves the field open: the next line with an odd number of quotes
			// would close it, and the rows between would be read as part of it.
			name:     "CSV two lines cut inside quoted fields",
			files:    map[string]string{"T.csv": "A,B\n1,\"[\"\"a\n2,x\n3,\"[\"\"b\n4,\"[\"\"c\"\"]\"\n"},
			problems: []string{`T.csv:2: malformed CSV record: extraneous or missing " in quoted-field; skipped`, `T.csv:4: malformed CSV record: extraneous or missing " in quoted-field; skipped`},
			table:    "T", column: "A", values: []string{"2", "4"},
		},
		{
			// The damaged line is skipped alone: a record after it whose quoted field holds a line break is read whole,
			// and a value problem after it is on its own line.
			name:     "CSV cut quoted field, then a record over two lines",
			files:    map[string]string{"UrlClickEvents.csv": "Timestamp,Url\n2026-11-20T08:00:00Z,\"http://a\n2026-11-20T09:00:00Z,\"http://b\nc\"\nyesterday,d\n"},
			problems: []string{`UrlClickEvents.csv:2: malformed CSV record: extraneous or missing " in quoted-field; skipped`, `UrlClickEvents.csv:5: column Timestamp: "yesterday" is not a valid datetime; stored as null`},
			table:    "UrlClickEvents", column: "Url", values: []string{"http://b\nc", "d"},
		},
		{
			name:     "CSV last line cut inside a quoted field",
			files:    map[string]string{"T.csv": "A,B\n1,x\n2,\"y"},
			problems: []string{`T.csv:3: malformed CSV record: extraneous or missing " in quoted-field; skipped`},
			table:    "T", column: "A", values: []string{"1"},
		},
		{
			name:     "CSV wrong-typed value in a known column",
			files:    map[string]string{"UrlClickEvents.csv": "Timestamp,IsClickedThrough\n2026-11-20T08:00:00Z,1\n2026-11-20T09:00:00Z,perhaps\n"},
			problems: []string{`UrlClickEvents.csv:3: column IsClickedThrough: "perhaps" is not a valid bool; stored as null`},
			table:    "UrlClickEvents", column: "IsClickedThrough", values: []string{"true", "null"},
		},
		{
			name:     "CSV invalid UTF-8",
			files:    map[string]string{"T.csv": "A,B\n1,caf\xe9\n"},
			problems: []string{"T.csv:2: invalid UTF-8 replaced with U+FFFD"},
			table:    "T", column: "B", values: []string{"caf\uFFFD"},
		},
		{
			name:     "CSV ambiguous day/month without a hint: reported, never guessed",
			files:    map[string]string{"T.csv": "When,N\n2026-11-20T08:00:00Z,1\n05/12/2024 18:41:25,2\n06/11/2024 18:41:25,3\n07/07/2024 10:00:00,4\n"},
			problems: []string{`T.csv:3: column When: 2 value(s) could not be parsed because day and month order is ambiguous (first: "05/12/2024 18:41:25"); stored as null; give the time format (dmy or mdy, or a locale such as en-GB or en-US)`},
			table:    "T", column: "When", values: []string{"2026-11-20T08:00:00.0000000Z", "null", "null", "2024-07-07T10:00:00.0000000Z"},
		},
		{
			name:     "CSV time that is no time in a datetime column",
			files:    map[string]string{"UrlClickEvents.csv": "Timestamp\n2026-11-20T08:00:00Z\nyesterday\n31/02/2026 10:00\n"},
			problems: []string{`UrlClickEvents.csv:3: column Timestamp: "yesterday" is not a valid datetime; stored as null`, `UrlClickEvents.csv:4: column Timestamp: "31/02/2026 10:00" is not a valid day/month/year date; stored as null`},
			table:    "UrlClickEvents", column: "Timestamp", values: []string{"2026-11-20T08:00:00.0000000Z", "null", "null"},
		},
		{
			name:     "Kusto v2 row with the wrong number of values and an error row",
			files:    map[string]string{"v2.json": `[{"FrameType":"DataTable","TableKind":"PrimaryResult","Columns":[{"ColumnName":"A","ColumnType":"long"}],"Rows":[[1],[2,3],{"OneApiErrors":[]},[4]]},` + "\n" + `{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,"OneApiErrors":[{"error":{"code":"LimitsExceeded"}}]}]`},
			problems: []string{"v2.json:1: row has 2 values, the schema has 1 columns; skipped", `v2.json:1: row is not an array ({"OneApiErrors":[]}); skipped`, `v2.json:2: the query response reports errors (results may be incomplete): [{"error":{"code":"LimitsExceeded"}}]`},
			table:    "v2", column: "A", values: []string{"1", "4"},
		},
		{
			name:     "unrecognised content",
			files:    map[string]string{"notes.txt": "hello world\n", "README.md": "a, b, c\n", "T.jsonl": `{"A":1}`},
			problems: []string{"README.md: unrecognised format (not JSON, JSON lines or CSV)", "notes.txt: unrecognised format (not JSON, JSON lines or CSV)"},
			table:    "T", column: "A", values: []string{"1"},
		},
		{
			name:     "corrupt gzip",
			files:    map[string]string{"PT1H.json.gz": "\x1f\x8b\x08\x00garbage", "T.jsonl": `{"A":1}`},
			problems: []string{"PT1H.json.gz: read error: unexpected EOF"},
			table:    "T", column: "A", values: []string{"1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			ds := mustLoad(t, tc.opts, dir)
			if got := problemTexts(ds, dir); !reflect.DeepEqual(got, tc.problems) {
				t.Errorf("problems = %q\nwant %q", got, tc.problems)
			}
			_, vals := columnOf(t, ds, tc.table, tc.column)
			if !reflect.DeepEqual(vals, tc.values) {
				t.Errorf("%s.%s = %q, want %q", tc.table, tc.column, vals, tc.values)
			}
		})
	}
}

// TestLoadHugeField loads a record with a 10 MB string field between two normal ones.
func TestLoadHugeField(t *testing.T) {
	big := strings.Repeat("a", 10<<20)
	tests := []struct {
		name, file, content string
	}{
		{name: "JSON lines", file: "T.jsonl", content: `{"A":1,"B":"x"}` + "\n" + `{"A":2,"B":"` + big + `"}` + "\n" + `{"A":3,"B":"y"}` + "\n"},
		{name: "CSV", file: "T.csv", content: "A,B\n1,x\n2,\"" + big + "\"\n3,y\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{tc.file: tc.content})
			ds := mustLoad(t, Options{}, dir)
			if len(ds.Problems) != 0 {
				t.Errorf("problems: %v", ds.Problems)
			}
			_, vals := columnOf(t, ds, "T", "B")
			if len(vals) != 3 || vals[0] != "x" || len(vals[1]) != len(big) || vals[2] != "y" {
				t.Errorf("B has %d values; lengths wrong", len(vals))
			}
		})
	}
}

func TestLoadPathErrors(t *testing.T) {
	_, err := Load(context.Background(), []string{filepath.Join(t.TempDir(), "missing")}, Options{})
	if !os.IsNotExist(err) {
		t.Errorf("Load(missing) error = %v, want not-exist", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := writeFiles(t, map[string]string{"T.jsonl": `{"A":1}`})
	if _, err := Load(ctx, []string{dir}, Options{}); err != context.Canceled {
		t.Errorf("Load with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestLoadSameFileTwice(t *testing.T) {
	dir := writeFiles(t, map[string]string{"T.jsonl": `{"A":1}` + "\n"})
	ds := mustLoad(t, Options{}, dir, filepath.Join(dir, ".", "T.jsonl"))
	if ds.Files != 1 || ds.Rows["T"] != 1 {
		t.Errorf("Files = %d, rows = %d; want the file read once", ds.Files, ds.Rows["T"])
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{name: "with line", p: Problem{File: "a.json", Line: 3, Message: "bad"}, want: "a.json:3: bad"},
		{name: "without line", p: Problem{File: "a.json", Message: "empty file"}, want: "a.json: empty file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMixedTypesAcrossFiles checks that an inferred column typed differently in two files is unified, with
// each file's values converted, not lost.
func TestMixedTypesAcrossFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"T/part-1.jsonl": `{"A":1,"B":true}` + "\n",
		"T/part-2.jsonl": `{"A":"one","C":[1]}` + "\n",
	})
	ds := mustLoad(t, Options{}, dir)
	for col, want := range map[string]struct {
		typ  types.Type
		vals []string
	}{
		"A": {types.String, []string{"1", "one"}},
		"B": {types.Bool, []string{"true", "null"}},
		"C": {types.Dynamic, []string{"null", "[1]"}},
	} {
		typ, vals := columnOf(t, ds, "T", col)
		if typ != want.typ || !reflect.DeepEqual(vals, want.vals) {
			t.Errorf("%s = %v %q, want %v %q", col, typ, vals, want.typ, want.vals)
		}
	}
}

// TestLoadJSONLinesInBlocks reads a file in many small blocks (parsed in parallel) and checks that rows keep the
// file's order and that problems keep their line numbers.
func TestLoadJSONLinesInBlocks(t *testing.T) {
	saved := jsonBlockSize
	jsonBlockSize = 100
	defer func() { jsonBlockSize = saved }()
	var b strings.Builder
	var want []string
	for i := 1; i <= 200; i++ {
		if i == 57 {
			b.WriteString(`{"N":` + "\r\n")
			continue
		}
		fmt.Fprintf(&b, `{"N":%d}`+"\r\n", i)
		want = append(want, fmt.Sprint(i))
	}
	dir := writeFiles(t, map[string]string{"T.jsonl": b.String()})
	ds := mustLoad(t, Options{}, dir)
	if got, wantP := problemTexts(ds, dir), []string{"T.jsonl:57: malformed JSON: unexpected end of JSON"}; !reflect.DeepEqual(got, wantP) {
		t.Errorf("problems = %q, want %q", got, wantP)
	}
	_, vals := columnOf(t, ds, "T", "N")
	if !reflect.DeepEqual(vals, want) {
		t.Errorf("N = %v", vals)
	}
	// The small pieces are joined again into one batch.
	if n := len(ds.Catalog["T"].(*catalog.MemTable).Batches); n != 1 {
		t.Errorf("%d batches, want 1", n)
	}
	fl := newFileLoader(context.Background(), "T.jsonl", Options{})
	fl.read(strings.NewReader(b.String()))
	if n := len(fl.pieces()); n < 10 {
		t.Errorf("%d pieces; the file was not read in blocks", n)
	}
}

// TestSkippedReconciles checks that records read = rows loaded + Dataset.Skipped, and that only problems that
// left a record out are marked Skipped (a value stored as null keeps its row).
func TestSkippedReconciles(t *testing.T) {
	good := storageRecord("2026-11-20T08:00:00Z", "ClickBlocked")
	tests := []struct {
		name        string
		files       map[string]string
		records     int
		wantRows    int
		wantSkipped int
		wantListed  int
	}{
		{
			name: "JSON lines",
			files: map[string]string{"PT1H.json": strings.Join([]string{good, good[:30], good,
				strings.Replace(good, `"IsClickedThrough":false`, `"IsClickedThrough":7`, 1), good[:80],
				strings.Replace(good, "ClickBlocked", "Click\xfe", 1), good}, "\n")},
			records: 7, wantRows: 5, wantSkipped: 2, wantListed: 4,
		},
		{
			name:    "CSV",
			files:   map[string]string{"T.csv": "A,B\n1,x\n2\n3,a\"b\n4,y\n5,z\n"},
			records: 5, wantRows: 3, wantSkipped: 2, wantListed: 2,
		},
		{
			name:    "CSV value problems skip nothing",
			files:   map[string]string{"UrlClickEvents.csv": "Timestamp,IsClickedThrough\nnot a time,2\n2026-11-20,1\n"},
			records: 2, wantRows: 2, wantSkipped: 0, wantListed: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			ds := mustLoad(t, Options{}, dir)
			rows := 0
			for _, n := range ds.Rows {
				rows += n
			}
			listedSkips := 0
			for _, p := range ds.Problems {
				if p.Skipped {
					listedSkips++
				}
			}
			if rows != tc.wantRows || ds.Skipped != tc.wantSkipped || len(ds.Problems) != tc.wantListed || listedSkips != ds.Skipped {
				t.Errorf("rows %d skipped %d (listed %d) problems %d; want rows %d skipped %d problems %d\n%v",
					rows, ds.Skipped, listedSkips, len(ds.Problems), tc.wantRows, tc.wantSkipped, tc.wantListed, ds.Problems)
			}
			if rows+ds.Skipped != tc.records {
				t.Errorf("rows %d + skipped %d != %d records", rows, ds.Skipped, tc.records)
			}
		})
	}
}

// TestGzipCutShortReadError checks where a gzip stream cut short (here in its trailer, after all the content)
// is reported: after the problems of what was read, at the last line with content (where a cut-off JSON
// document's end is reported too), whatever the layout.
func TestGzipCutShortReadError(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		content  string
		problems []string
		values   []string
	}{
		{name: "JSON lines", file: "T.jsonl", content: `{"A":1}` + "\n" + `{"A":2}` + "\n",
			problems: []string{"T.jsonl.gz:2: read error: unexpected EOF"}, values: []string{"1", "2"}},
		{name: "one complete JSON line without a newline", file: "T.jsonl", content: `{"A":1}`,
			problems: []string{"T.jsonl.gz:1: read error: unexpected EOF"}, values: []string{"1"}},
		{name: "one broken JSON line without a newline (fuzz c876a1a590f229e3)", file: "T.jsonl", content: "\n" + `{"A":1,`,
			problems: []string{`T.jsonl.gz:2: malformed JSON: unexpected end of JSON, expected '"'`, "T.jsonl.gz:2: read error: unexpected EOF"}},
		{name: "pretty-printed document", file: "T.json", content: "[\n {\"A\": 1},\n {\"A\": 2}\n]\n",
			problems: []string{"T.json.gz:4: read error: unexpected EOF"}, values: []string{"1", "2"}},
		{name: "CSV", file: "T.csv", content: "A,B\n1,x\n2,y\n",
			problems: []string{"T.csv.gz:3: read error: unexpected EOF"}, values: []string{"1", "2"}},
		{name: "CSV whose last line is malformed and has no newline (fuzz 6011e4c159b2ab94)", file: "T.csv", content: "A,B\n1,x\n2,a\"b",
			problems: []string{`T.csv.gz:3: malformed CSV record: bare " in non-quoted-field; skipped`, "T.csv.gz:3: read error: unexpected EOF"}, values: []string{"1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gz := gzipText(t, tc.content)
			dir := writeFiles(t, map[string]string{tc.file + ".gz": gz[:len(gz)-8]}) // without the CRC and size
			ds := mustLoad(t, Options{}, dir)
			if got := problemTexts(ds, dir); !reflect.DeepEqual(got, tc.problems) {
				t.Errorf("problems = %q\nwant %q", got, tc.problems)
			}
			var vals []string
			if tc.values != nil {
				_, vals = columnOf(t, ds, "T", "A")
			}
			if !reflect.DeepEqual(vals, tc.values) {
				t.Errorf("A = %q, want %q", vals, tc.values)
			}
		})
	}
}
