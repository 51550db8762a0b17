package ingest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// datasetBytes is the estimate Options.MaxBytes bounds, over what a load returned.
func datasetBytes(ds *Dataset) int64 {
	var n int64
	for _, name := range ds.Catalog.TableNames() {
		for _, b := range ds.Catalog[name].(*catalog.MemTable).Batches {
			for _, c := range b.Cols {
				switch c.Type.Physical() {
				case types.PhysInt, types.PhysReal:
					n += 8 * int64(c.Len())
				case types.PhysStr:
					n += 16 * int64(c.Len())
					for _, s := range c.Strs {
						n += int64(len(s))
					}
				case types.PhysDyn:
					n += 64 * int64(c.Len())
				}
			}
		}
	}
	return n
}

// TestLoadMaxBytes loads generated data with a memory limit: under it the load is what it is without one; past
// it the load stops before the end with a LimitError that says how far it got and what to do, for a tree of
// Streaming API blobs, one large JSON-lines file read in blocks, a CSV export and a document read whole.
func TestLoadMaxBytes(t *testing.T) {
	blobs := t.TempDir()
	if _, err := gen.Generate(context.Background(), gen.Options{Table: "UrlClickEvents", Days: 10, Rows: 3000, Seed: 3,
		End: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), Out: blobs}); err != nil {
		t.Fatal(err)
	}
	var records []string
	err := filepath.WalkDir(blobs, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		records = append(records, strings.Split(strings.TrimSpace(strings.ReplaceAll(string(b), "\r\n", "\n")), "\n")...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same records as one JSON-lines file, an Event Hubs capture, and (some of their properties) a CSV
	// export and a Parquet file.
	var csv strings.Builder
	csv.WriteString("Timestamp,ActionType,AccountUpn,Url\n")
	var pq []matrixParquetRow
	for _, r := range records {
		field := func(key string) string {
			_, v, _ := strings.Cut(r, `"`+key+`":"`)
			v, _, _ = strings.Cut(v, `"`)
			return v
		}
		csv.WriteString(field("Timestamp") + "," + field("ActionType") + "," + field("AccountUpn") + "," + field("Url") + "\n")
		ts, err := time.Parse(time.RFC3339Nano, field("Timestamp"))
		if err != nil {
			t.Fatal(err)
		}
		pq = append(pq, matrixParquetRow{Timestamp: ts, ActionType: field("ActionType"), AccountUpn: field("AccountUpn")})
	}
	others := writeFiles(t, map[string]string{
		"lines/UrlClickEvents.jsonl":        strings.Join(records, "\n") + "\n",
		"capture/capture.json":              "{\n \"records\": [\n  " + strings.Join(records, ",\n  ") + "\n ]\n}\n",
		"csv/UrlClickEvents.csv":            csv.String(),
		"gzipped/UrlClickEvents.json.gz":    gzipText(t, strings.Join(records, "\n")+"\n"),
		"parquet/UrlClickEvents.parquet.gz": gzipText(t, parquetBytes(t, pq)),
	})
	defer func(n int) { jsonBlockSize = n }(jsonBlockSize)
	jsonBlockSize = 64 << 10 // the large file is read in many blocks

	tests := []struct {
		name string
		path string
		// early: the load stops before it has read every file, or the whole of one larger than a read buffer
		// (1 MB; the gzipped files and the CSV export are smaller).
		early bool
	}{
		{"Streaming API blobs", blobs, true},
		{"one JSON-lines file", filepath.Join(others, "lines"), true},
		{"a gzipped JSON-lines file", filepath.Join(others, "gzipped"), false},
		{"an Event Hubs capture", filepath.Join(others, "capture"), true},
		{"a CSV export", filepath.Join(others, "csv"), false},
		{"a gzipped Parquet file", filepath.Join(others, "parquet"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			whole := mustLoad(t, Options{}, tc.path)
			size := datasetBytes(whole)
			if whole.Rows["UrlClickEvents"] != len(records) {
				t.Fatalf("%d rows loaded, want %d", whole.Rows["UrlClickEvents"], len(records))
			}

			// Under the limit: the same rows.
			under := mustLoad(t, Options{MaxBytes: 3 * size}, tc.path)
			if !reflect.DeepEqual(under.Rows, whole.Rows) || datasetBytes(under) != size || len(under.Problems) != len(whole.Problems) {
				t.Errorf("under the limit: rows %v, %d bytes, %d problems; without it: rows %v, %d bytes, %d problems",
					under.Rows, datasetBytes(under), len(under.Problems), whole.Rows, size, len(whole.Problems))
			}
			_, got := columnOf(t, under, "UrlClickEvents", "AccountUpn")
			_, want := columnOf(t, whole, "UrlClickEvents", "AccountUpn")
			if !reflect.DeepEqual(got, want) {
				t.Error("under the limit the rows differ from those loaded without one")
			}

			// Past it: the load stops with the numbers and the advice.
			limit := size / 4
			_, err := Load(context.Background(), []string{tc.path}, Options{MaxBytes: limit})
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("Load past the limit: %v, want a *LimitError", err)
			}
			files, _, ferr := findFiles([]string{tc.path})
			if ferr != nil {
				t.Fatal(ferr)
			}
			var input int64
			for _, f := range files {
				st, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				input += st.Size()
			}
			if le.Limit != limit || le.Held <= limit || le.Held >= size+size/2 || le.Input != input || le.Files != len(files) {
				t.Errorf("limit %d (want %d), held %d (want past the limit and short of the %d all rows take), input %d of %d files (want %d of %d)",
					le.Limit, limit, le.Held, size, le.Input, le.Files, input, len(files))
			}
			if le.Read <= 0 || le.Read > le.Input || le.FilesRead < 1 || le.FilesRead > le.Files || tc.early && le.Read == le.Input {
				t.Errorf("read %d bytes of %d, %d of %d files: want the load stopped before the end", le.Read, le.Input, le.FilesRead, le.Files)
			}
			msg := err.Error()
			for _, want := range []string{
				"memory limit of " + FormatBytes(limit), "held about " + FormatBytes(le.Held),
				"read from " + FormatBytes(le.Read) + " of the " + FormatBytes(input) + " of input",
				"kqlhunt ingest PATH --into STORE", "narrow the query's time range", "raise --max-memory",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q: %s", want, msg)
				}
			}
		})
	}
}
