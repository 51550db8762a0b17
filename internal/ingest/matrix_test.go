package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// The reader matrix: every malformation of issue #4 (a truncated line or document, invalid UTF-8 in a string, a
// wrong-typed value in a typed column, a 10 MB field, an empty and a whitespace-only file, gzip) against every
// reader it applies to. Each text reader's file is built from the samples in testdata/formats (copies of
// ../shared/formats) as three rows: a good row, the middle row that a case breaks, another good row. A case
// names the exact problems and every row loaded, so that a reader that drops a neighbour of the bad row, keeps a
// broken row or loses the location fails it.

// bigField is the length of the 10 MB field.
const bigField = 10 << 20

// matrixReader is one reader of the matrix and the file it reads.
type matrixReader struct {
	name  string
	file  string // the file's name (it names the table of formats without a category)
	table string
	cols  []string // the columns a loaded row is shown by, joined by " | "
	// rows are the file's rows as written, from the samples: good, middle (the one a case breaks), good;
	// build makes the file from them.
	rows  [3]string
	build func(rows [3]string) string
	// first, middle and last are the rows as loaded when nothing is wrong (rows[0], rows[1], rows[2]).
	first, middle, last string
}

// matrixCase is one malformation of one reader's file.
type matrixCase struct {
	name string
	// edit changes the middle row; cutAt, for a document, ends the whole file just after the first occurrence
	// of cutAt in the middle row (a download cut short); content, when set, is the whole file.
	edit    func(row string) string
	cutAt   string
	content *string
	// cutLine, for a document, cuts the line of the middle row holding it just after it and keeps the lines
	// after it (a damaged copy, not a short one).
	cutLine string
	// gzipCut writes the file gzip-compressed with a flush after each row and cuts the compressed stream inside
	// the last row (an interrupted download of a .gz blob).
	gzipCut bool
	// problems are the exact problems; {file} is the file's name, {mid} the line the middle row starts on,
	// {cut} the last line of a cut document, {break} the line cutLine cut. rows are the rows loaded; {first},
	// {middle}, {last} the reader's.
	problems []string
	rows     []string
	skipped  int // records left out (Dataset.Skipped)
	types    map[string]types.Type
	// bug, when set, says why the reader does not do what the case expects yet: the case is run, and its
	// differences are logged and the subtest skipped; a pass fails, so that the note goes when the bug does.
	bug string
}

// Row edits of the middle row.

func replaceOnce(old, repl string) func(string) string {
	return func(row string) string {
		if n := strings.Count(row, old); n != 1 {
			panic(fmt.Sprintf("replaceOnce: %q occurs %d times in the row", old, n))
		}
		return strings.Replace(row, old, repl, 1)
	}
}

// cutRowAfter ends the row just after the first occurrence of s: the rest of its line is lost.
func cutRowAfter(s string) func(string) string {
	return func(row string) string {
		i := strings.Index(row, s)
		if i < 0 {
			panic(fmt.Sprintf("cutRowAfter: %q is not in the row", s))
		}
		return row[:i+len(s)]
	}
}

// toBig replaces old with a 10 MB string (quoted with quote), made only when a case runs.
func toBig(old, quote string) func(string) string {
	return func(row string) string {
		return replaceOnce(old, quote+strings.Repeat("a", bigField)+quote)(row)
	}
}

func ptr(s string) *string { return &s }

// TestReaderMatrix runs each malformation against each reader (see the comment at the top of the file), plain
// and gzip-compressed.
func TestReaderMatrix(t *testing.T) {
	readers := matrixReaders(t)
	for _, r := range readers {
		for _, tc := range matrixCases[r.name] {
			t.Run(r.name+"/"+tc.name, func(t *testing.T) {
				checkMatrixCase(t, tc)
				f := buildMatrixFile(t, r, tc)
				var diffs []string
				if tc.gzipCut {
					diffs = runMatrixCase(t, r, tc, f, r.file+".gz", cutGzip(t, f.content, f.rows))
				} else {
					diffs = append(runMatrixCase(t, r, tc, f, r.file, f.content), runMatrixCase(t, r, tc, f, r.file+".gz", gzipText(t, f.content))...)
				}
				reportMatrixDiffs(t, tc.bug, diffs)
			})
		}
	}
	for name := range matrixCases {
		if !slices.ContainsFunc(readers, func(r *matrixReader) bool { return r.name == name }) {
			t.Errorf("cases for reader %q, which the matrix does not have", name)
		}
	}
}

// checkMatrixCase makes sure a case can fail: a case about a row must expect the good rows around it (both, or
// the one before a cut document; a document with a damaged line goes on after it) and located problems.
func checkMatrixCase(t *testing.T, tc matrixCase) {
	t.Helper()
	if tc.content != nil {
		return // an empty file: its problem is about the file, and it has no rows
	}
	// A case that retypes a column spells its rows out (they show the column's new type): it keeps all three.
	if tc.types != nil {
		if len(tc.rows) != 3 {
			t.Fatalf("case %q expects %d rows, the file has 3", tc.name, len(tc.rows))
		}
	} else {
		if len(tc.rows) == 0 || tc.rows[0] != "{first}" {
			t.Fatalf("case %q does not expect the first good row", tc.name)
		}
		if tc.cutAt == "" && !tc.gzipCut && tc.rows[len(tc.rows)-1] != "{last}" {
			t.Fatalf("case %q does not expect the last good row", tc.name)
		}
	}
	located := regexp.MustCompile(`^\{file\}:(\{mid\}|\{cut\}|\{break\}|[0-9]+): `)
	for _, p := range tc.problems {
		if !located.MatchString(p) {
			t.Fatalf("case %q expects a problem without a line: %s", tc.name, p)
		}
	}
}

// matrixFile is the file of a case, before any gzip, and the lines its problems are expected on.
type matrixFile struct {
	content string
	rows    [3]string // the rows in it, the middle one edited
	// mid is the line the middle row starts on, cut the last line of a cut document, brk the line cutLine cut.
	mid, cut, brk int
}

// buildMatrixFile builds the file of a case.
func buildMatrixFile(t *testing.T, r *matrixReader, tc matrixCase) matrixFile {
	t.Helper()
	if tc.content != nil {
		return matrixFile{content: *tc.content}
	}
	f := matrixFile{rows: r.rows}
	if tc.edit != nil {
		f.rows[1] = tc.edit(f.rows[1])
	}
	f.content = r.build(f.rows)
	at := strings.Index(f.content, f.rows[1])
	if at < 0 {
		t.Fatal("the middle row is not in the file")
	}
	f.mid = 1 + strings.Count(f.content[:at], "\n")
	if tc.cutLine != "" {
		i := strings.Index(f.rows[1], tc.cutLine)
		if i < 0 {
			t.Fatalf("cutLine %q is not in the middle row", tc.cutLine)
		}
		i += at + len(tc.cutLine)
		nl := strings.IndexByte(f.content[i:], '\n')
		if nl < 0 {
			t.Fatalf("cutLine %q is on the file's last line", tc.cutLine)
		}
		f.content = f.content[:i] + f.content[i+nl:]
		f.brk = 1 + strings.Count(f.content[:i], "\n")
	}
	if tc.cutAt != "" {
		i := strings.Index(f.rows[1], tc.cutAt)
		if i < 0 {
			t.Fatalf("cutAt %q is not in the middle row", tc.cutAt)
		}
		f.content = f.content[:at+i+len(tc.cutAt)]
		f.cut = 1 + strings.Count(f.content, "\n")
	}
	return f
}

// cutGzip compresses content with a flush after each of the rows and cuts the stream inside the last row's part.
func cutGzip(t *testing.T, content string, rows [3]string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	mid := strings.Index(content, rows[1])
	last := strings.Index(content, rows[2])
	if last < 0 || mid < 0 {
		t.Fatal("cutGzip: rows not found in the content")
	}
	w.Write([]byte(content[:mid]))
	w.Flush()
	w.Write([]byte(content[mid:last]))
	w.Flush()
	flushed := b.Len()
	w.Write([]byte(content[last:]))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()[:flushed+(b.Len()-flushed)/2]
}

// runMatrixCase loads data as file and returns how what it read differs from what the case expects.
func runMatrixCase(t *testing.T, r *matrixReader, tc matrixCase, f matrixFile, file, data string) []string {
	t.Helper()
	dir := writeFiles(t, map[string]string{file: data})
	ds := mustLoad(t, Options{}, dir)
	var diffs []string

	expand := strings.NewReplacer("{file}", file, "{mid}", strconv.Itoa(f.mid), "{cut}", strconv.Itoa(f.cut),
		"{break}", strconv.Itoa(f.brk), "{first}", r.first, "{middle}", r.middle, "{last}", r.last)
	var wantProblems, wantRows []string
	for _, p := range tc.problems {
		wantProblems = append(wantProblems, expand.Replace(p))
	}
	for _, row := range tc.rows {
		wantRows = append(wantRows, expand.Replace(row))
	}
	gotProblems := problemTexts(ds, dir)
	if !reflect.DeepEqual(gotProblems, wantProblems) {
		diffs = append(diffs, fmt.Sprintf("%s: problems = %q\nwant %q", file, gotProblems, wantProblems))
	}
	gotRows := matrixRows(t, ds, r.table, r.cols)
	if !reflect.DeepEqual(gotRows, wantRows) {
		diffs = append(diffs, fmt.Sprintf("%s: rows =\n\t%s\nwant\n\t%s", file, strings.Join(gotRows, "\n\t"), strings.Join(wantRows, "\n\t")))
	}
	if ds.Skipped != tc.skipped {
		diffs = append(diffs, fmt.Sprintf("%s: %d records skipped, want %d", file, ds.Skipped, tc.skipped))
	}
	if len(wantRows) == 0 && len(ds.Catalog) != 0 {
		diffs = append(diffs, fmt.Sprintf("%s: tables %v, want none", file, ds.Catalog.TableNames()))
	}
	for col, want := range tc.types {
		if typ, _ := columnOf(t, ds, r.table, col); typ != want {
			diffs = append(diffs, fmt.Sprintf("%s: column %s is %v, want %v", file, col, typ, want))
		}
	}
	return diffs
}

// reportMatrixDiffs fails the test with the differences, or, for a case with a known bug, skips it with them; a
// case with a bug note that passes fails.
func reportMatrixDiffs(t *testing.T, bug string, diffs []string) {
	t.Helper()
	switch {
	case bug != "" && len(diffs) == 0:
		t.Errorf("the case passes: remove its bug note (%s)", bug)
	case bug != "":
		t.Skipf("known bug: %s\n%s", bug, strings.Join(diffs, "\n"))
	default:
		for _, d := range diffs {
			t.Error(d)
		}
	}
}

// matrixRows shows the rows of table by cols ("-" for a column the table lacks), a 10 MB field as its length and
// byte; nil when there is no table.
func matrixRows(t *testing.T, ds *Dataset, table string, cols []string) []string {
	t.Helper()
	if _, ok := ds.Catalog[table]; !ok {
		return nil
	}
	out := make([]string, ds.Rows[table])
	for j, col := range cols {
		vals := make([]string, len(out))
		if hasColumn(ds, table, col) {
			_, vals = columnOf(t, ds, table, col)
		} else {
			for i := range vals {
				vals[i] = "-"
			}
		}
		for i, v := range vals {
			if len(v) > 1000 {
				if v == strings.Repeat(v[:1], len(v)) {
					v = fmt.Sprintf("<%d x %q>", len(v), v[:1])
				} else {
					v = fmt.Sprintf("<%d bytes>", len(v))
				}
			}
			if j > 0 {
				out[i] += " | "
			}
			out[i] += v
		}
	}
	return out
}

// sampleText reads one of the samples.
func sampleText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// between returns the text of s between the first open and the last close, and what is before and after it.
func between(t *testing.T, s, open, close string) (before, inside, after string) {
	t.Helper()
	i := strings.Index(s, open)
	j := strings.LastIndex(s, close)
	if i < 0 || j < i+len(open) {
		t.Fatalf("%q ... %q not found", open, close)
	}
	return s[:i+len(open)], s[i+len(open) : j], s[j:]
}

// splitElements splits the text of a pretty-printed array's elements, each starting with indent+opener.
func splitElements(t *testing.T, body, indent, opener string) []string {
	t.Helper()
	parts := strings.Split(body, ",\n"+indent+opener)
	for i := 1; i < len(parts); i++ {
		parts[i] = indent + opener + parts[i]
	}
	if !strings.HasPrefix(parts[0], indent+opener) {
		t.Fatalf("array element does not start with %q", indent+opener)
	}
	return parts
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Rows of the UrlClickEvents samples as loaded: Timestamp | ActionType | AccountUpn | IsClickedThrough.
const (
	clickAlex    = "2026-11-19T17:02:06.1314605Z | ClickAllowed | alex.wilber@contoso.com | false"
	clickMegan   = "2026-11-20T08:13:11.5120000Z | ClickBlocked | megan.bowen@contoso.com | false"
	clickMallory = "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | false"
)

var clickColumns = []string{"Timestamp", "ActionType", "AccountUpn", "IsClickedThrough"}

// matrixReaders builds the readers' files from the samples.
func matrixReaders(t *testing.T) []*matrixReader {
	t.Helper()
	joinLines := func(sep string) func([3]string) string {
		return func(rows [3]string) string { return strings.Join(rows[:], sep) + sep }
	}
	toMallory := replaceOnce(`"AccountUpn": "megan.bowen@contoso.com"`, `"AccountUpn": "mallory@contoso.com"`)

	// Streaming API storage blob: one record per line, CRLF.
	storage := strings.Split(strings.TrimSuffix(sampleText(t, "streaming-storage-UrlClickEvents.json"), "\r\n"), "\r\n")
	if len(storage) != 2 {
		t.Fatalf("storage sample has %d lines, want 2", len(storage))
	}

	// Plain JSON lines of a known table: the storage records' properties, one object per line.
	props := func(record string) string {
		_, p, _ := between(t, record, `"properties": `, `, "Tenant": "DefaultTenant"}`)
		return p
	}

	// Event Hubs capture: {"records":[...]}, pretty-printed; the sample has one record, which the three rows
	// copy with another subject each.
	hub := sampleText(t, "streaming-eventhub-EmailEvents.json")
	hubBefore, hubRecord, hubAfter := between(t, hub, "\"records\": [\n", "\n ]\n}")
	subject := func(s string) string {
		return replaceOnce(`"Subject": "Your weekly digest"`, `"Subject": "`+s+`"`)(hubRecord)
	}
	hubRows := [3]string{hubRecord, subject("Middle digest"), subject("Last digest")}

	// Advanced Hunting CSV export: a header and two rows.
	csvLines := strings.Split(strings.TrimSuffix(sampleText(t, "advanced-hunting-export-UrlClickEvents.csv"), "\n"), "\n")
	if len(csvLines) != 3 {
		t.Fatalf("CSV sample has %d lines, want 3", len(csvLines))
	}
	csvRows := [3]string{csvLines[1], replaceOnce(",megan.bowen@contoso.com,", ",mallory@contoso.com,")(csvLines[1]), csvLines[2]}
	csvBuild := func(rows [3]string) string { return csvLines[0] + "\n" + strings.Join(rows[:], "\n") + "\n" }

	// Graph runHuntingQuery response: two results; the middle one is a copy of the first.
	graph := sampleText(t, "graph-runHuntingQuery-response.json")
	graphBefore, graphBody, graphAfter := between(t, graph, "\"results\": [\n", "\n ]\n}")
	graphResults := splitElements(t, graphBody, "  ", "{")
	docBuild := func(before, after string) func([3]string) string {
		return func(rows [3]string) string { return before + strings.Join(rows[:], ",\n") + after }
	}

	// Log Analytics response: two rows; the middle one is a copy of the first.
	la := sampleText(t, "log-analytics-response.json")
	laBefore, laBody, laAfter := between(t, la, "\"rows\": [\n", "\n   ]\n  }\n ]\n}")
	laRows := splitElements(t, laBody, "    ", "[")
	laMallory := replaceOnce(`"megan.bowen@contoso.com"`, `"mallory@contoso.com"`)

	// Kusto REST v1 and v2 responses (no sample: as the server and Kusto write them), with the Graph sample's
	// rows, one row a line.
	kustoCols := `[{"ColumnName":"Timestamp","DataType":"DateTime","ColumnType":"datetime"},{"ColumnName":"ActionType","DataType":"String","ColumnType":"string"},` +
		`{"ColumnName":"AccountUpn","DataType":"String","ColumnType":"string"},{"ColumnName":"IsClickedThrough","DataType":"Boolean","ColumnType":"bool"},` +
		`{"ColumnName":"Clicks","DataType":"Int64","ColumnType":"long"}]`
	kustoRows := [3]string{`["2026-11-20T08:13:11.512Z","ClickBlocked","megan.bowen@contoso.com",false,3]`,
		`["2026-11-20T08:13:11.512Z","ClickBlocked","mallory@contoso.com",false,3]`,
		`["2026-11-20T09:00:00Z","ClickAllowed","alex.wilber@contoso.com",true,1]`}
	v1Build := docBuild(`{"Tables":[{"TableName":"Table_0","Columns":`+kustoCols+`,"Rows":[`+"\n",
		"]},\n"+`{"TableName":"Table_1","Columns":[{"ColumnName":"Value","DataType":"String","ColumnType":"string"}],"Rows":[["{\"Visualization\":null}"]]}]}`+"\n")
	v2Build := docBuild(`[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},`+"\n"+
		`{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[[1,"Visualization","{\"Visualization\":null}"]]},`+"\n"+
		`{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":`+kustoCols+`,"Rows":[`+"\n",
		"]},\n"+`{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation","Columns":[{"ColumnName":"Payload","ColumnType":"string"}],"Rows":[]},`+"\n"+
			`{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]`+"\n")
	responseColumns := []string{"Timestamp", "ActionType", "AccountUpn", "IsClickedThrough", "Clicks"}
	const (
		respMegan   = "2026-11-20T08:13:11.5120000Z | ClickBlocked | megan.bowen@contoso.com | false | 3"
		respMallory = "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | false | 3"
		respAlex    = "2026-11-20T09:00:00.0000000Z | ClickAllowed | alex.wilber@contoso.com | true | 1"
	)

	return []*matrixReader{
		{
			name: "storage blob", file: "PT1H.json", table: "UrlClickEvents", cols: clickColumns,
			rows:  [3]string{storage[0], toMallory(storage[1]), storage[1]},
			build: joinLines("\r\n"), first: clickAlex, middle: clickMallory, last: clickMegan,
		},
		{
			name: "Event Hubs capture", file: "capture.json", table: "EmailEvents",
			cols:  []string{"Timestamp", "Subject", "RecipientEmailAddress", "EmailClusterId", "IsFirstContact"},
			rows:  hubRows,
			build: docBuild(hubBefore, hubAfter),
			first: "2026-11-18T14:08:56.0000000Z | Your weekly digest | alex.wilber@contoso.com | 2898195034 | true",
			// The middle and last rows differ from the first only in their subjects.
			middle: "2026-11-18T14:08:56.0000000Z | Middle digest | alex.wilber@contoso.com | 2898195034 | true",
			last:   "2026-11-18T14:08:56.0000000Z | Last digest | alex.wilber@contoso.com | 2898195034 | true",
		},
		{
			name: "Event Hubs messages one per line", file: "capture-lines.json", table: "EmailEvents",
			cols: []string{"Timestamp", "Subject", "RecipientEmailAddress", "EmailClusterId", "IsFirstContact"},
			rows: [3]string{`{"records":[` + compactJSON(t, hubRows[0]) + `]}`, `{"records":[` + compactJSON(t, hubRows[1]) + `]}`,
				`{"records":[` + compactJSON(t, hubRows[2]) + `]}`},
			build:  joinLines("\n"),
			first:  "2026-11-18T14:08:56.0000000Z | Your weekly digest | alex.wilber@contoso.com | 2898195034 | true",
			middle: "2026-11-18T14:08:56.0000000Z | Middle digest | alex.wilber@contoso.com | 2898195034 | true",
			last:   "2026-11-18T14:08:56.0000000Z | Last digest | alex.wilber@contoso.com | 2898195034 | true",
		},
		{
			name: "Advanced Hunting CSV", file: "advanced-hunting-export-UrlClickEvents.csv", table: "UrlClickEvents", cols: clickColumns,
			rows: csvRows, build: csvBuild, first: clickMegan, middle: clickMallory, last: clickAlex,
		},
		{
			// The same export under a name no built-in table has: the columns are typed from their values
			// (a column a built-in schema names keeps that type when all its values fit).
			name: "plain CSV", file: "clicks.csv", table: "clicks", cols: clickColumns,
			rows: csvRows, build: csvBuild, first: clickMegan, middle: clickMallory, last: clickAlex,
		},
		{
			name: "plain JSON lines", file: "UrlClickEvents.jsonl", table: "UrlClickEvents", cols: clickColumns,
			rows:  [3]string{props(storage[0]), toMallory(props(storage[1])), props(storage[1])},
			build: joinLines("\n"), first: clickAlex, middle: clickMallory, last: clickMegan,
		},
		{
			// A table no schema knows: every column is typed from its values.
			name: "plain JSON lines, unknown table", file: "clicks.jsonl", table: "clicks", cols: clickColumns,
			rows:  [3]string{props(storage[0]), toMallory(props(storage[1])), props(storage[1])},
			build: joinLines("\n"), first: clickAlex, middle: clickMallory, last: clickMegan,
		},
		{
			name: "Graph runHuntingQuery", file: "hunt.json", table: "hunt", cols: responseColumns,
			rows:  [3]string{graphResults[0], toMallory(graphResults[0]), graphResults[1]},
			build: docBuild(graphBefore, graphAfter), first: respMegan, middle: respMallory, last: respAlex,
		},
		{
			name: "Log Analytics", file: "la.json", table: "la",
			cols:  []string{"TimeGenerated", "ActionType", "AccountUpn", "IsClickedThrough", "Count"},
			rows:  [3]string{laRows[0], laMallory(laRows[0]), laRows[1]},
			build: docBuild(laBefore, laAfter),
			first: "2026-11-20T08:13:12.0010000Z | ClickBlocked | megan.bowen@contoso.com | false | 3",
			// The middle row is a copy of the first with another account.
			middle: "2026-11-20T08:13:12.0010000Z | ClickBlocked | mallory@contoso.com | false | 3",
			last:   "2026-11-20T09:00:01.0000000Z | ClickAllowed |  | null | null",
		},
		{
			name: "Kusto v1", file: "v1.json", table: "v1", cols: responseColumns,
			rows: kustoRows, build: v1Build, first: respMegan, middle: respMallory, last: respAlex,
		},
		{
			name: "Kusto v2", file: "v2.json", table: "v2", cols: responseColumns,
			rows: kustoRows, build: v2Build, first: respMegan, middle: respMallory, last: respAlex,
		},
	}
}

// Malformations shared by the readers of the same kind.
var (
	emptyFile      = matrixCase{name: "empty file", content: ptr(""), problems: []string{"{file}: empty file"}}
	whitespaceFile = matrixCase{name: "whitespace-only file", content: ptr(" \r\n\t \n\n"), problems: []string{"{file}: empty file"}}
)

// matrixCases are the cases of each reader, by reader name.
var matrixCases = map[string][]matrixCase{
	"storage blob": {
		{
			name: "truncated line", edit: cutRowAfter(`"URL detonation`),
			problems: []string{"{file}:{mid}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"ActionType": "ClickBlocked"`, "\"ActionType\": \"Click\xffBlocked\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false", "{last}"},
		},
		{
			name: "wrong type: string in a bool column", edit: replaceOnce(`"IsClickedThrough": false`, `"IsClickedThrough": "maybe"`),
			problems: []string{`{file}:{mid}: column IsClickedThrough: "maybe" is not a valid bool; stored as null`},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | null", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"mallory@contoso.com"`, `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false`, "{last}"},
		},
		{
			// The rows decompressed before the cut are read; the line the cut ends and the read error are reported.
			name: "gzip cut short", gzipCut: true,
			problems: []string{"{file}:3: malformed JSON: unterminated JSON string", "{file}:3: read error: unexpected EOF"}, skipped: 2,
			rows: []string{"{first}", "{middle}"},
		},
		emptyFile, whitespaceFile,
	},
	"Event Hubs capture": {
		{
			// A capture is one document: the records before the cut are kept; the record cut and everything
			// after it are gone with the end of the file.
			name: "truncated document", cutAt: `"Subject": "Middle`,
			problems: []string{"{file}:{cut}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}"},
		},
		{
			// A problem with a value is reported at the line the record starts on.
			name: "invalid UTF-8", edit: replaceOnce(`"Middle digest"`, "\"Middle\xff digest\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-18T14:08:56.0000000Z | Middle\uFFFD digest | alex.wilber@contoso.com | 2898195034 | true", "{last}"},
		},
		{
			name: "wrong type: string in a long column", edit: replaceOnce(`"EmailClusterId": 2898195034`, `"EmailClusterId": "not a number"`),
			problems: []string{`{file}:{mid}: column EmailClusterId: "not a number" is not a valid long; stored as null`},
			rows:     []string{"{first}", "2026-11-18T14:08:56.0000000Z | Middle digest | alex.wilber@contoso.com | null | true", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"Middle digest"`, `"`),
			rows: []string{"{first}", `2026-11-18T14:08:56.0000000Z | <10485760 x "a"> | alex.wilber@contoso.com | 2898195034 | true`, "{last}"},
		},
		{
			// One line of the document lost its end, the lines after it are there: the row it broke is left out,
			// and the array of rows goes on at the next row that starts a line as the broken one did.
			name: "line cut inside the document", cutLine: `"Subject": "Middle`,
			problems: []string{"{file}:{break}: malformed JSON: control character in JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		emptyFile, whitespaceFile,
	},
	"Event Hubs messages one per line": {
		{
			name: "truncated line", edit: cutRowAfter(`"Subject":"Middle`),
			problems: []string{"{file}:{mid}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"Middle digest"`, "\"Middle\xff digest\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-18T14:08:56.0000000Z | Middle\uFFFD digest | alex.wilber@contoso.com | 2898195034 | true", "{last}"},
		},
		{
			name: "wrong type: string in a bool column", edit: replaceOnce(`"IsFirstContact":true`, `"IsFirstContact":"yes please"`),
			problems: []string{`{file}:{mid}: column IsFirstContact: "yes please" is not a valid bool; stored as null`},
			rows:     []string{"{first}", "2026-11-18T14:08:56.0000000Z | Middle digest | alex.wilber@contoso.com | 2898195034 | null", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"Middle digest"`, `"`),
			rows: []string{"{first}", `2026-11-18T14:08:56.0000000Z | <10485760 x "a"> | alex.wilber@contoso.com | 2898195034 | true`, "{last}"},
		},
		{
			name: "gzip cut short", gzipCut: true,
			problems: []string{"{file}:3: malformed JSON: unterminated JSON string", "{file}:3: read error: unexpected EOF"}, skipped: 2,
			rows: []string{"{first}", "{middle}"},
		},
		emptyFile, whitespaceFile,
	},
	"Advanced Hunting CSV": {
		{
			name: "truncated line between fields", edit: cutRowAfter(",Teams,"),
			problems: []string{"{file}:{mid}: record has 6 fields, the header has 12; skipped"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "truncated line inside a quoted field", edit: cutRowAfter(`[""URL det`),
			problems: []string{`{file}:{mid}: malformed CSV record: extraneous or missing " in quoted-field; skipped`}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(",ClickBlocked,", ",Click\xffBlocked,"),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false", "{last}"},
		},
		{
			name: "wrong type: text in a bool column", edit: replaceOnce(`,0,"[`, `,maybe,"[`),
			problems: []string{`{file}:{mid}: column IsClickedThrough: "maybe" is not a valid bool; stored as null`},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | null", "{last}"},
		},
		{
			name: "wrong type: text in a datetime column", edit: replaceOnce("2026-11-20T08:13:11.512Z,", "yesterday,"),
			problems: []string{`{file}:{mid}: column Timestamp: "yesterday" is not a valid datetime; stored as null`},
			rows:     []string{"{first}", "null | ClickBlocked | mallory@contoso.com | false", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig("mallory@contoso.com", `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false`, "{last}"},
		},
		{
			// The record the cut ends is part of the read error.
			name: "gzip cut short", gzipCut: true,
			problems: []string{"{file}:4: read error: unexpected EOF"}, skipped: 1,
			rows: []string{"{first}", "{middle}"},
		},
		emptyFile, whitespaceFile,
	},
	"plain CSV": {
		{
			name: "truncated line between fields", edit: cutRowAfter(",Teams,"),
			problems: []string{"{file}:{mid}: record has 6 fields, the header has 12; skipped"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "truncated line inside a quoted field", edit: cutRowAfter(`[""URL det`),
			problems: []string{`{file}:{mid}: malformed CSV record: extraneous or missing " in quoted-field; skipped`}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(",ClickBlocked,", ",Click\xffBlocked,"),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false", "{last}"},
		},
		{
			// No schema types the table: a column whose values do not all fit the type a built-in schema gives
			// its name is typed from the values instead, here string, and no value is lost (nothing to report).
			name: "wrong type: text in a bool column", edit: replaceOnce(`,0,"[`, `,maybe,"[`),
			rows:  []string{"2026-11-20T08:13:11.5120000Z | ClickBlocked | megan.bowen@contoso.com | 0", "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | maybe", "2026-11-19T17:02:06.1314605Z | ClickAllowed | alex.wilber@contoso.com | 0"},
			types: map[string]types.Type{"IsClickedThrough": types.String, "Timestamp": types.DateTime},
		},
		{
			name: "10 MB field", edit: toBig("mallory@contoso.com", `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false`, "{last}"},
		},
		emptyFile, whitespaceFile,
	},
	"plain JSON lines": {
		{
			name: "truncated line", edit: cutRowAfter(`"URL detonation`),
			problems: []string{"{file}:{mid}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"ActionType": "ClickBlocked"`, "\"ActionType\": \"Click\xffBlocked\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false", "{last}"},
		},
		{
			name: "wrong type: number in a datetime column", edit: replaceOnce(`"Timestamp": "2026-11-20T08:13:11.5120000Z"`, `"Timestamp": 12345`),
			problems: []string{`{file}:{mid}: column Timestamp: 12345 is not a valid datetime; stored as null`},
			rows:     []string{"{first}", "null | ClickBlocked | mallory@contoso.com | false", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"mallory@contoso.com"`, `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false`, "{last}"},
		},
		{
			name: "gzip cut short", gzipCut: true,
			problems: []string{"{file}:3: malformed JSON: unterminated JSON string", "{file}:3: read error: unexpected EOF"}, skipped: 2,
			rows: []string{"{first}", "{middle}"},
		},
		emptyFile, whitespaceFile,
	},
	"plain JSON lines, unknown table": {
		{
			// The columns are typed from the values: one that does not fit widens the column (bool to string);
			// no value is lost, so there is nothing to report.
			name: "wrong type: string in a bool column", edit: replaceOnce(`"IsClickedThrough": false`, `"IsClickedThrough": "maybe"`),
			rows:  []string{"{first}", "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | maybe", "{last}"},
			types: map[string]types.Type{"IsClickedThrough": types.String, "Timestamp": types.DateTime},
		},
	},
	"Graph runHuntingQuery": {
		{
			// A response is one document: the results after the cut are gone with the end of the file; those
			// before it are complete and must be kept.
			name: "truncated document", cutAt: `"AccountUpn": "mall`,
			problems: []string{"{file}:{cut}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"ActionType": "ClickBlocked"`, "\"ActionType\": \"Click\xffBlocked\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false | 3", "{last}"},
		},
		{
			name: "wrong type: string in an Int64 column", edit: replaceOnce(`"Clicks": 3`, `"Clicks": "three"`),
			problems: []string{`{file}:{mid}: column Clicks: "three" is not a valid long; stored as null`},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | false | null", "{last}"},
		},
		{
			name: "wrong type: number in a DateTime column", edit: replaceOnce(`"Timestamp": "2026-11-20T08:13:11.512Z"`, `"Timestamp": 20261120`),
			problems: []string{`{file}:{mid}: column Timestamp: 20261120 is not a valid datetime; stored as null`},
			rows:     []string{"{first}", "null | ClickBlocked | mallory@contoso.com | false | 3", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"mallory@contoso.com"`, `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false | 3`, "{last}"},
		},
		{
			// One line of the document lost its end, the lines after it are there: the row it broke is left out,
			// and the array of rows goes on at the next row that starts a line as the broken one did.
			name: "line cut inside the document", cutLine: `"AccountUpn": "mall`,
			problems: []string{"{file}:{break}: malformed JSON: control character in JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		emptyFile, whitespaceFile,
	},
	"Log Analytics": {
		{
			name: "truncated document", cutAt: `"mall`,
			problems: []string{"{file}:{cut}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"ClickBlocked"`, "\"Click\xffBlocked\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:12.0010000Z | Click\uFFFDBlocked | mallory@contoso.com | false | 3", "{last}"},
		},
		{
			name: "wrong type: string in a long column", edit: replaceOnce("     3\n", "     \"three\"\n"),
			problems: []string{`{file}:{mid}: column Count: "three" is not a valid long; stored as null`},
			rows:     []string{"{first}", "2026-11-20T08:13:12.0010000Z | ClickBlocked | mallory@contoso.com | false | null", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"mallory@contoso.com"`, `"`),
			rows: []string{"{first}", `2026-11-20T08:13:12.0010000Z | ClickBlocked | <10485760 x "a"> | false | 3`, "{last}"},
		},
		{
			// One line of the document lost its end, the lines after it are there: the row it broke is left out,
			// and the array of rows goes on at the next row that starts a line as the broken one did.
			name: "line cut inside the document", cutLine: `"mall`,
			problems: []string{"{file}:{break}: malformed JSON: control character in JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		emptyFile, whitespaceFile,
	},
	"Kusto v1": {
		{
			name: "truncated document", cutAt: `"mall`,
			problems: []string{"{file}:{cut}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"ClickBlocked"`, "\"Click\xffBlocked\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false | 3", "{last}"},
		},
		{
			name: "wrong type: string in a bool column", edit: replaceOnce(`,false,`, `,"maybe",`),
			problems: []string{`{file}:{mid}: column IsClickedThrough: "maybe" is not a valid bool; stored as null`},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | null | 3", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"mallory@contoso.com"`, `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false | 3`, "{last}"},
		},
		{
			// One line of the document lost its end, the lines after it are there: the row it broke is left out,
			// and the array of rows goes on at the next row that starts a line as the broken one did.
			name: "line cut inside the document", cutLine: `"mall`,
			problems: []string{"{file}:{break}: malformed JSON: control character in JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		emptyFile, whitespaceFile,
	},
	"Kusto v2": {
		{
			name: "truncated document", cutAt: `"mall`,
			problems: []string{"{file}:{cut}: malformed JSON: unterminated JSON string"}, skipped: 1,
			rows: []string{"{first}"},
		},
		{
			name: "invalid UTF-8", edit: replaceOnce(`"ClickBlocked"`, "\"Click\xffBlocked\""),
			problems: []string{"{file}:{mid}: invalid UTF-8 replaced with U+FFFD"},
			rows:     []string{"{first}", "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false | 3", "{last}"},
		},
		{
			name: "wrong type: number in a datetime column", edit: replaceOnce(`"2026-11-20T08:13:11.512Z"`, `12345`),
			problems: []string{`{file}:{mid}: column Timestamp: 12345 is not a valid datetime; stored as null`},
			rows:     []string{"{first}", "null | ClickBlocked | mallory@contoso.com | false | 3", "{last}"},
		},
		{
			name: "10 MB field", edit: toBig(`"mallory@contoso.com"`, `"`),
			rows: []string{"{first}", `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false | 3`, "{last}"},
		},
		{
			// One line of the document lost its end, the lines after it are there: the row it broke is left out,
			// and the array of rows goes on at the next row that starts a line as the broken one did.
			name: "line cut inside the document", cutLine: `"mall`,
			problems: []string{"{file}:{break}: malformed JSON: control character in JSON string"}, skipped: 1,
			rows: []string{"{first}", "{last}"},
		},
		emptyFile, whitespaceFile,
	},
}

// matrixParquetRow is a Parquet row of UrlClickEvents with the documented types.
type matrixParquetRow struct {
	Timestamp        time.Time `parquet:"Timestamp,timestamp(microsecond)"`
	ActionType       string    `parquet:"ActionType"`
	AccountUpn       string    `parquet:"AccountUpn"`
	IsClickedThrough bool      `parquet:"IsClickedThrough"`
}

// matrixParquetWrongRow has UrlClickEvents columns of the wrong physical types: Timestamp as text (read through
// its text, as the schema's datetime) and IsClickedThrough as a 64-bit integer (0 and 1 fit a bool, 2 does not).
type matrixParquetWrongRow struct {
	Timestamp        string `parquet:"Timestamp"`
	ActionType       string `parquet:"ActionType"`
	AccountUpn       string `parquet:"AccountUpn"`
	IsClickedThrough int64  `parquet:"IsClickedThrough"`
}

func parquetBytes[T any](t *testing.T, rows []T) string {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestReaderMatrixParquet is the matrix for Parquet, whose problems have no line: they name the file, or the
// row (0-based over the file).
func TestReaderMatrixParquet(t *testing.T) {
	alexTime := time.Date(2026, 11, 19, 17, 2, 6, 131_460_000, time.UTC)
	meganTime := time.Date(2026, 11, 20, 8, 13, 11, 512_000_000, time.UTC)
	good := func(middle matrixParquetRow) string {
		return parquetBytes(t, []matrixParquetRow{{alexTime, "ClickAllowed", "alex.wilber@contoso.com", false}, middle,
			{meganTime, "ClickBlocked", "megan.bowen@contoso.com", true}})
	}
	normal := good(matrixParquetRow{meganTime, "ClickBlocked", "mallory@contoso.com", false})
	const (
		first  = "2026-11-19T17:02:06.1314600Z | ClickAllowed | alex.wilber@contoso.com | false"
		middle = "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | false"
		last   = "2026-11-20T08:13:11.5120000Z | ClickBlocked | megan.bowen@contoso.com | true"
	)
	tests := []struct {
		name     string
		file     string
		content  string
		problems []string
		rows     []string
		skipped  int
		bug      string
	}{
		{name: "good file", file: "UrlClickEvents.parquet", content: normal, rows: []string{first, middle, last}},
		{name: "empty file", file: "UrlClickEvents.parquet", content: "", problems: []string{"UrlClickEvents.parquet: empty file"}},
		{name: "whitespace-only file", file: "UrlClickEvents.parquet", content: " \n\t\n", problems: []string{"UrlClickEvents.parquet: empty file"}},
		{
			// The footer holds the schema and where the row groups are: without it no row can be found, so a
			// cut file is reported and skipped whole.
			name: "truncated file", file: "UrlClickEvents.parquet", content: normal[:len(normal)-1], skipped: 1,
			problems: []string{`UrlClickEvents.parquet: reading Parquet: invalid magic footer of parquet file: "\x00PAR"`},
		},
		{
			name: "cut in half", file: "UrlClickEvents.parquet", content: normal[:len(normal)/2], skipped: 1,
			problems: []string{fmt.Sprintf("UrlClickEvents.parquet: reading Parquet: invalid magic footer of parquet file: %q", normal[len(normal)/2-4:len(normal)/2])},
		},
		{
			name: "only the magic number", file: "UrlClickEvents.parquet", content: "PAR1", skipped: 1,
			problems: []string{"UrlClickEvents.parquet: reading Parquet: 4 bytes, too short for a Parquet file"},
		},
		{
			name: "wrong physical types", file: "UrlClickEvents.parquet",
			content: parquetBytes(t, []matrixParquetWrongRow{{"2026-11-19T17:02:06.13146Z", "ClickAllowed", "alex.wilber@contoso.com", 0},
				{"2026-11-20T08:13:11.512Z", "ClickBlocked", "mallory@contoso.com", 2}, {"2026-11-20T08:13:11.512Z", "ClickBlocked", "megan.bowen@contoso.com", 1}}),
			problems: []string{"UrlClickEvents.parquet: 1 Parquet value(s) could not be converted (first in row 1); stored as null"},
			rows:     []string{first, "2026-11-20T08:13:11.5120000Z | ClickBlocked | mallory@contoso.com | null", last},
		},
		{
			name: "invalid UTF-8", file: "UrlClickEvents.parquet", content: good(matrixParquetRow{meganTime, "Click\xffBlocked", "mallory@contoso.com", false}),
			problems: []string{"UrlClickEvents.parquet: 1 Parquet string(s) held invalid UTF-8, replaced with U+FFFD (first in row 1)"},
			rows:     []string{first, "2026-11-20T08:13:11.5120000Z | Click\uFFFDBlocked | mallory@contoso.com | false", last},
		},
		{
			name: "10 MB field", file: "UrlClickEvents.parquet", content: good(matrixParquetRow{meganTime, "ClickBlocked", strings.Repeat("a", bigField), false}),
			rows: []string{first, `2026-11-20T08:13:11.5120000Z | ClickBlocked | <10485760 x "a"> | false`, last},
		},
		{
			name: "gzip", file: "UrlClickEvents.parquet.gz", content: gzipText(t, normal), rows: []string{first, middle, last},
		},
		{
			// A gzipped Parquet file cut short: the gzip error, as for any gzipped file, and no rows (the footer
			// is gone with the end).
			name: "gzip cut short", file: "UrlClickEvents.parquet.gz", content: gzipText(t, normal)[:len(gzipText(t, normal))-10], skipped: 1,
			problems: []string{"UrlClickEvents.parquet.gz: read error: unexpected EOF"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{tc.file: tc.content})
			ds := mustLoad(t, Options{}, dir)
			var diffs []string
			if got := problemTexts(ds, dir); !reflect.DeepEqual(got, tc.problems) {
				diffs = append(diffs, fmt.Sprintf("problems = %q\nwant %q", got, tc.problems))
			}
			if got := matrixRows(t, ds, "UrlClickEvents", clickColumns); !reflect.DeepEqual(got, tc.rows) {
				diffs = append(diffs, fmt.Sprintf("rows =\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.rows, "\n\t")))
			}
			if ds.Skipped != tc.skipped {
				diffs = append(diffs, fmt.Sprintf("%d records skipped, want %d", ds.Skipped, tc.skipped))
			}
			reportMatrixDiffs(t, tc.bug, diffs)
		})
	}
}
