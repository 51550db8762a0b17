package ingest

import (
	"bytes"
	"context"
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

func FuzzLoadParquet(f *testing.F) {
	var b bytes.Buffer
	w := parquet.NewGenericWriter[parquetTestRow](&b)
	w.Write([]parquetTestRow{{ActionType: "x", Tags: []string{"t"}}})
	w.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		fl := newFileLoader(context.Background(), "fuzz.parquet", Options{})
		fl.loadParquet(bytes.NewReader(data), int64(len(data)))
		for _, tb := range fl.pieces() {
			mergeTables(tb.name, []*tableBuilder{tb}, false)
		}
	})
}
