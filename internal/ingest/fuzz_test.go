package ingest

import (
	"bytes"
	"context"
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
	lines := bytes.Count(data, []byte{'\n'}) + 1
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

func addSampleSeeds(f *testing.F, ext string) {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join("testdata", "formats", "*"+ext))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
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
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "fuzz.csv", data, Options{})
		fuzzLoad(t, "UrlClickEvents.csv", data, Options{TimeFormat: "dmy", Columns: map[string][]string{"UrlClickEvents": {"Timestamp", "A"}}})
	})
}
