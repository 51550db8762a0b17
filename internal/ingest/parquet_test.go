package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

type parquetTestRow struct {
	Timestamp        time.Time `parquet:"Timestamp,timestamp(microsecond)"`
	ActionType       string    `parquet:"ActionType"`
	IsClickedThrough bool      `parquet:"IsClickedThrough"`
	Clicks           int64     `parquet:"Clicks"`
	Level            *int32    `parquet:"Level,optional"`
	Score            float64   `parquet:"Score"`
	Tags             []string  `parquet:"Tags,list"`
	Props            struct {
		A int64  `parquet:"a"`
		B string `parquet:"b"`
	} `parquet:"Props"`
}

func writeParquet(t *testing.T, rows []parquetTestRow) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[parquetTestRow](&b)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadParquet(t *testing.T) {
	lvl := int32(7)
	r1 := parquetTestRow{Timestamp: time.Date(2026, 11, 20, 8, 13, 11, 512_000_000, time.UTC), ActionType: "ClickBlocked",
		IsClickedThrough: true, Clicks: 3, Level: &lvl, Score: 0.25, Tags: []string{"a", "b"}}
	r1.Props.A, r1.Props.B = 1, "x"
	r2 := parquetTestRow{Timestamp: time.Date(2026, 11, 19, 17, 2, 6, 131_460_000, time.UTC), ActionType: "ClickAllowed", Score: 1}
	data := writeParquet(t, []parquetTestRow{r1, r2})

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "UrlClickEvents.parquet"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.parquet"), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	ds := mustLoad(t, Options{}, dir)
	if got := problemTexts(ds, dir); len(got) != 1 || !bytes.HasPrefix([]byte(got[0]), []byte("broken.parquet: reading Parquet: ")) {
		t.Errorf("problems = %q, want one for broken.parquet", got)
	}
	tests := []struct {
		name   string
		column string
		typ    types.Type
		values []string
	}{
		{name: "timestamp micros", column: "Timestamp", typ: types.DateTime, values: []string{"2026-11-20T08:13:11.5120000Z", "2026-11-19T17:02:06.1314600Z"}},
		{name: "derived TimeGenerated", column: "TimeGenerated", typ: types.DateTime, values: []string{"2026-11-20T08:13:11.5120000Z", "2026-11-19T17:02:06.1314600Z"}},
		{name: "string", column: "ActionType", typ: types.String, values: []string{"ClickBlocked", "ClickAllowed"}},
		{name: "bool", column: "IsClickedThrough", typ: types.Bool, values: []string{"true", "false"}},
		{name: "int64", column: "Clicks", typ: types.Long, values: []string{"3", "0"}},
		{name: "optional int32", column: "Level", typ: types.Int, values: []string{"7", "null"}},
		{name: "double", column: "Score", typ: types.Real, values: []string{"0.25", "1"}},
		{name: "list as dynamic", column: "Tags", typ: types.Dynamic, values: []string{`["a","b"]`, `[]`}},
		{name: "group as dynamic", column: "Props", typ: types.Dynamic, values: []string{`{"a":1,"b":"x"}`, `{"a":0,"b":""}`}},
		{name: "Type of a known table", column: "Type", typ: types.String, values: []string{"UrlClickEvents", "UrlClickEvents"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ, vals := columnOf(t, ds, "UrlClickEvents", tc.column)
			if typ != tc.typ || !reflect.DeepEqual(vals, tc.values) {
				t.Errorf("%s = %v %q, want %v %q", tc.column, typ, vals, tc.typ, tc.values)
			}
		})
	}
}

// fuzzParquetTypes has a field of each logical type the reader converts.
type fuzzParquetTypes struct {
	Day    int32            `parquet:"Day,date"`
	Nanos  time.Time        `parquet:"Nanos,timestamp(nanosecond)"`
	Millis time.Time        `parquet:"Millis,timestamp(millisecond)"`
	Price  int64            `parquet:"Price,decimal(2:18)"`
	ID     [16]byte         `parquet:"ID,uuid"`
	Doc    string           `parquet:"Doc,json"`
	Kind   string           `parquet:"Kind,enum"`
	Small  uint32           `parquet:"Small"`
	F32    float32          `parquet:"F32"`
	Raw    []byte           `parquet:"Raw"`
	Opt    *string          `parquet:"Opt,optional"`
	Counts map[string]int64 `parquet:"Counts"`
}

func FuzzLoadParquet(f *testing.F) {
	var b bytes.Buffer
	w := parquet.NewGenericWriter[parquetTestRow](&b)
	w.Write([]parquetTestRow{{ActionType: "x", Tags: []string{"t"}}})
	w.Close()
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:len(b.Bytes())-1])
	f.Add([]byte("PAR1"))
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	// Wrong physical types for UrlClickEvents (read through their text), invalid UTF-8, every logical type.
	b.Reset()
	wrong := parquet.NewGenericWriter[matrixParquetWrongRow](&b)
	wrong.Write([]matrixParquetWrongRow{{"2026-11-20T08:13:11.512Z", "Click\xffBlocked", "a", 2}, {"yesterday", "x", "b", 1}})
	wrong.Close()
	f.Add(append([]byte(nil), b.Bytes()...))
	b.Reset()
	all := parquet.NewGenericWriter[fuzzParquetTypes](&b)
	opt := "o"
	all.Write([]fuzzParquetTypes{{Day: 20000, Nanos: time.Unix(0, 1), Millis: time.Unix(1795162391, 0), Price: 12345, ID: [16]byte{1, 2, 3},
		Doc: `{"a":[1]}`, Kind: "k", Small: 1 << 31, F32: 0.5, Raw: []byte{0xff}, Opt: &opt, Counts: map[string]int64{"x": 1}}, {Doc: "not json"}})
	all.Close()
	f.Add(append([]byte(nil), b.Bytes()...))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "fuzz.parquet", data, Options{})
		// A built-in table's columns keep their documented types: values of other types are converted.
		fuzzLoad(t, "UrlClickEvents.parquet", data, Options{})
	})
}
