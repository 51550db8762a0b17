package storage

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/format"
)

// TestParquetLayout checks what other readers (DuckDB, Spark) depend on: standard logical types, dictionary
// encoding for repeated strings, time statistics per row group, rows sorted by time, kqlhunt's metadata.
func TestParquetLayout(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	mustIngest(t, s, &sliceSource{batches: []SourceBatch{{Table: "UrlClickEvents", Rows: eventsTable(3000, 1, 1)}}}, IngestOptions{RowGroupRows: 1000})
	var part string
	for _, f := range storeFiles(t, dir) {
		if strings.HasSuffix(f, ".parquet") {
			part = filepath.Join(dir, f)
		}
	}
	pf, err := openParquet(part)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	schema := pf.pf.Schema().String()
	for _, want := range []string{
		"optional int64 Timestamp (TIMESTAMP(isAdjustedToUTC=true,unit=NANOS));",
		"required binary ActionType (STRING);",
		"required binary Url (STRING);",
		"optional int64 Count (INT(64,true));",
		"optional double Score;",
	} {
		if !strings.Contains(schema, want) {
			t.Errorf("schema lacks %q:\n%s", want, schema)
		}
	}
	meta := pf.pf.Metadata()
	if len(meta.RowGroups) != 3 {
		t.Fatalf("%d row groups, want 3", len(meta.RowGroups))
	}
	encodings := map[string][]format.Encoding{}
	var prevMax []byte
	for _, rg := range meta.RowGroups {
		for _, c := range rg.Columns {
			name := c.MetaData.PathInSchema[0]
			encodings[name] = c.MetaData.Encoding
			if name == "Timestamp" {
				st := c.MetaData.Statistics
				if len(st.MinValue) != 8 || len(st.MaxValue) != 8 {
					t.Fatalf("Timestamp statistics missing: %+v", st)
				}
				if prevMax != nil && string(reverse(st.MinValue)) < string(reverse(prevMax)) {
					t.Errorf("row groups not in time order")
				}
				prevMax = st.MaxValue
			}
		}
	}
	if !slices.Contains(encodings["ActionType"], format.RLEDictionary) {
		t.Errorf("ActionType encodings %v, want RLE_DICTIONARY", encodings["ActionType"])
	}
	if slices.Contains(encodings["Url"], format.RLEDictionary) || !slices.Contains(encodings["Url"], format.Plain) {
		t.Errorf("Url encodings %v, want PLAIN without a dictionary", encodings["Url"])
	}
	if !slices.Contains(encodings["Timestamp"], format.DeltaBinaryPacked) {
		t.Errorf("Timestamp encodings %v, want DELTA_BINARY_PACKED", encodings["Timestamp"])
	}
	if v, ok := pf.pf.Lookup(schemaMetadataKey); !ok || !strings.Contains(v, `"timeColumn":"Timestamp"`) {
		t.Errorf("metadata %q", v)
	}
}

// reverse turns little-endian bytes of a positive int64 into big-endian, which compare as strings.
func reverse(b []byte) []byte {
	out := slices.Clone(b)
	slices.Reverse(out)
	return out
}
