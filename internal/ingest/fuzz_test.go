package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzLoad reads data as the named file and checks the invariants every load keeps: no panic (the fuzzer
// catches it; read has no recover), columns as long as the row count, and problems that point inside the content.
func fuzzLoad(t *testing.T, name string, data []byte, opts Options) {
	t.Helper()
	fl := newFileLoader(context.Background(), name, opts)
	fl.read(bytes.NewReader(data))
	content := data
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		// Problems are located in the decompressed content, as much of it as decompresses.
		if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
			content, _ = io.ReadAll(zr)
		}
	}
	lines := bytes.Count(content, []byte{'\n'}) + 1
	for _, p := range fl.problems {
		if p.Line < 0 || p.Line > lines {
			t.Errorf("problem line %d outside the content's %d lines: %s", p.Line, lines, p)
		}
	}
	for _, tb := range fl.pieces() {
		tn := tb.name
		mt := mergeTables(tn, []*tableBuilder{tb}, false)
		for _, b := range mt.Batches {
			for i, c := range b.Cols {
				if c.Len() != b.NumRows() {
					t.Fatalf("table %s column %s: %d values in a batch of %d rows", tn, b.Fields[i].Name, c.Len(), b.NumRows())
				}
				if c.Type != b.Fields[i].Type {
					t.Fatalf("table %s column %s: column type %v, field type %v", tn, b.Fields[i].Name, c.Type, b.Fields[i].Type)
				}
			}
		}
	}
}

// addSampleSeeds adds the samples with ext as seeds, each also cut in half (a truncated download), with its
// middle line cut in half (a damaged copy), and gzip-compressed whole and cut short.
func addSampleSeeds(f *testing.F, ext string) {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join("testdata", "formats", "*"+ext))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
		lines := bytes.Split(data, []byte{'\n'})
		mid := lines[len(lines)/2]
		lines[len(lines)/2] = mid[:len(mid)/2]
		f.Add(bytes.Join(lines, []byte{'\n'}))
		var gz bytes.Buffer
		w := gzip.NewWriter(&gz)
		w.Write(data[:len(data)/2])
		w.Flush()
		w.Write(data[len(data)/2:])
		w.Close()
		f.Add(gz.Bytes())
		f.Add(gz.Bytes()[:gz.Len()-gz.Len()/4])
	}
}

func FuzzLoadJSONLines(f *testing.F) {
	addSampleSeeds(f, ".json")
	for _, s := range []string{
		storageRecord("2026-11-20T08:00:00Z", "ClickBlocked") + "\r\n" + storageRecord("bad", "x")[:40] + "\r\n",
		`{"A":1,"A":2,"B":[1,{"c":null}],"C":"\ud800x","D":1e400,"E":-0.5e-3}` + "\n" + `{"A":"x","B":true}`,
		`[{"FrameType":"DataTable","TableKind":"PrimaryResult","Columns":[{"ColumnName":"A","ColumnType":"datetime"}],"Rows":[["2026-01-01"],[1],[]]}]`,
		`{"tables":[{"name":"P","columns":[{"name":"A","type":"timespan"},{"name":"B","type":"guid"}],"rows":[["1.02:03:04",""],[null,"x"]]}],"error":{"code":"PartialError"}}`,
		`{"schema":[{"name":"S","type":"SByte"}],"results":[{"S":2},{"S@odata.type":"#SByte","S":1}]}`,
		`{"Tables":[{"TableName":"T","Columns":[{"ColumnName":"X","DataType":"Int32"}],"Rows":[[2147483648],["7"]]}]}`,
		"{\"records\":[{\"category\":\"AdvancedHunting-EmailEvents\",\"properties\":{\"To\":\"a\",\"Cc\":[],\"EmailClusterId\":\"12\"}}]}",
		"\xef\xbb\xbf{\"A\":\"caf\xe9\"}",
		// The one-pass Streaming API decoder (category before properties): truncated records, wrong types,
		// invalid UTF-8, escapes, nesting, huge numbers, repeated and odd keys.
		streamingSeed(`{"Timestamp":"2026-11-20T08:00:00Z","ActionType":"Click","IsClickedThrough":false}`) + "\n" + streamingSeed(`{"Timestamp":"2026-11-20T08:00:0`)[:90],
		streamingSeed(`{"Timestamp":1e400,"IsClickedThrough":"yes","NetworkMessageId":{"a":[1,2]},"Url":12345678901234567890123}`),
		streamingSeed(`{"Timestamp":"2026-11-20T08:00:00\u005a","Url":"a\"b\\c\ud83d\ude00\ud800","ActionType":"\x"}`),
		streamingSeed("{\"Url\":\"caf\xe9\xff\xfe\",\"ActionType\":\"\xc3\",\"Timest\xe4mp\":\"2026-11-20\"}"),
		streamingSeed(`{"AdditionalFields":` + strings.Repeat(`{"a":[`, 200) + strings.Repeat(`]}`, 200) + `}`),
		streamingSeed(`{"Url":"x","Url":"y","url":1,"":2,"\u0055rl":3,"Timestamp@odata.type":"#DateTime","_UDIx":1}`),
		streamingSeed(`{"Timestamp":"2026-11-20T08:00:00Z"}`) + `,"properties":{"Url":"again"},"records":[{"category":"X","properties":{}}]}`,
		`{"category":"","properties":{"A":1}}` + "\n" + `{"category":"AdvancedHunting-","properties":{"A":"x"}}` + "\n" + `{"category":1,"properties":{"A":null}}`,
		`{"records":[{"category":"AdvancedHunting-UrlClickEvents","properties":{"Timestamp":"2026-11-20T08:00:00Z","Url":"a"}},{"category":"AdvancedHunting-UrlClickEvents","properties":{"Timestamp":`,
		`{"category":"AdvancedHunting-EmailEvents","properties":{"RecipientEmailAddress":"a","Timestamp":"20261120"},"properties":{"X":1}}` + "\n" + `{"category":"AdvancedHunting-EmailEvents","properties":[1,2]}`,
		// Kusto v2 frames one per line: the frame kinds, a failed completion, progressive frames, a cut response.
		"[{\"FrameType\":\"DataSetHeader\",\"IsProgressive\":false,\"Version\":\"v2.0\"},\n" +
			`{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[["{\"Visualization\":null}"]]},` + "\n" +
			`{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"T","ColumnType":"datetime"},{"ColumnName":"B","ColumnType":"bool"},{"ColumnName":"D","ColumnType":"dynamic"}],"Rows":[` + "\n" +
			`["2026-11-20T08:13:11.512Z",true,"{\"a\":1}"],` + "\n" + `[12345,"maybe",[1]],` + "\n" + `{"OneApiErrors":[{"error":{"code":"E"}}]}]},` + "\n" +
			`{"FrameType":"DataTable","TableId":2,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"X","ColumnType":"long"}],"Rows":[[1]]},` + "\n" +
			`{"FrameType":"DataSetCompletion","HasErrors":true,"Cancelled":false,"OneApiErrors":[{"error":{"code":"LimitsExceeded"}}]}]`,
		`[{"FrameType":"TableHeader","TableId":1,"TableKind":"PrimaryResult","Columns":[]},{"FrameType":"TableFragment","Rows":[[1]]},{"FrameType":"TableCompletion"},{"FrameType":"DataSetCompletion","HasErrors":false}]`,
		`[{"FrameType":"DataSetHeader"},` + "\n" + `{"FrameType":"DataTable","TableKind":"PrimaryResult","Columns":[{"ColumnName":"A","ColumnType":"string"}],"Rows":[` + "\n" + `["x"],` + "\n" + `["y`,
		// Kusto v1 with its other tables, and cut inside a row; a Log Analytics response cut inside its rows.
		"{\"Tables\":[{\"TableName\":\"Table_0\",\"Columns\":[{\"ColumnName\":\"A\",\"DataType\":\"String\",\"ColumnType\":\"string\"},{\"ColumnName\":\"N\",\"DataType\":\"Int64\"}],\"Rows\":[\n" +
			`["x",1],` + "\n" + `["y","two"],` + "\n" + `["z",3]]},` + "\n" + `{"TableName":"Table_1","Columns":[{"ColumnName":"Value","DataType":"String"}],"Rows":[["v"]]}]}`,
		"{\"Tables\":[{\"TableName\":\"Table_0\",\"Columns\":[{\"ColumnName\":\"A\",\"DataType\":\"String\"}],\"Rows\":[\n[\"x\"],\n[\"y",
		"{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"A\",\"type\":\"string\"}],\"rows\":[\n[\"x\"],\n[\"y",
		// Event Hubs messages one per line, the second cut inside a record.
		`{"records":[` + streamingSeed(`{"Timestamp":"2026-11-20T08:00:00Z","Url":"a"}`) + `]}` + "\n" + `{"records":[` + streamingSeed(`{"Timestamp":"2026-11-20T08:00:00Z","Url":"b"}`)[:70] + "\n" +
			`{"records":[` + streamingSeed(`{"Timestamp":"2026-11-20T08:00:00Z","Url":"c"}`) + `]}` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "fuzz.json", data, Options{})
		fuzzLoad(t, "fuzz.json", data, Options{Columns: map[string][]string{"UrlClickEvents": {"TimeGenerated", "A"}, "fuzz": {"A"}}})
	})
}

// streamingSeed is a Streaming API record (category before properties) of UrlClickEvents with the given
// properties text.
func streamingSeed(props string) string {
	return `{"time":"2026-11-20T08:15:40Z","tenantId":"t1","category":"AdvancedHunting-UrlClickEvents","properties":` + props + `}`
}

func FuzzLoadCSV(f *testing.F) {
	addSampleSeeds(f, ".csv")
	for _, s := range []string{
		"A,B\n1,\"x\"\"y\"\n2\n\"3,z\n",
		"\ufeffTimeGenerated [UTC],N\n05/12/2024 18:41:25,1\n20/11/2026, 2\n\"Nov 19, 2026 5:02:06 PM\",x\n",
		"Timestamp,IsClickedThrough,UrlChain\n2026-11-20,1,[]\n,0,\"[\"\"a\"\"]\"\n",
		"A\tB\n1\t2\n",
		"A,A,,B\n1,2,3,caf\xe9\n",
		"When\n12/13/2024 1:00:00 am\n13/12/2024 13:00\n99/99/9999\n",
		// A line cut inside a quoted field, with rows after it.
		"A,B,C\n1,\"{\"\"a\"\":1}\",x\n2,\"{\"\"a\n3,\"[\"\"b\"\"]\",z\n4,y,w\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "fuzz.csv", data, Options{})
		fuzzLoad(t, "UrlClickEvents.csv", data, Options{TimeFormat: "dmy", Columns: map[string][]string{"UrlClickEvents": {"Timestamp", "A"}}})
	})
}
