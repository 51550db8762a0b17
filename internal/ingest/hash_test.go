package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHashFilesDigestsWhatWasRead checks that with Options.HashFiles every file gets the size and SHA-256 of
// its bytes, also when its reader stops before the end (a broken document, an unknown format) or when it is
// compressed, and that the rows still load.
func TestHashFilesDigestsWhatWasRead(t *testing.T) {
	big := strings.Repeat(`{"A":1,"B":"`+strings.Repeat("x", 900)+`"}`+"\n", 3000) // several read buffers
	tests := []struct {
		name, file, content string
		rows                int
	}{
		{name: "JSON lines larger than a read buffer", file: "T.jsonl", content: big, rows: 3000},
		{name: "gzip: the compressed bytes are hashed", file: "T.jsonl.gz", content: gzipText(t, `{"A":1}`+"\n"+`{"A":2}`+"\n"), rows: 2},
		// The document is cut inside its second row: the first is kept.
		{name: "a broken document stops its reader early", file: "T.json", content: `{"tables":[{"name":"PrimaryResult","columns":[{"name":"A","type":"long"}],"rows":[[1],[2` + strings.Repeat(" ", 5000), rows: 1},
		{name: "unknown format", file: "notes.txt", content: strings.Repeat("not data\x00", 1000)},
		{name: "empty file", file: "empty.jsonl", content: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			ds, err := Load(context.Background(), []string{path}, Options{HashFiles: true})
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(tc.content))
			want := FileDigest{Size: int64(len(tc.content)), SHA256: hex.EncodeToString(sum[:])}
			if got, ok := ds.Hashes[path]; !ok || got != want {
				t.Errorf("digest %+v (present %v), want %+v", got, ok, want)
			}
			rows := 0
			for _, n := range ds.Rows {
				rows += n
			}
			if rows != tc.rows {
				t.Errorf("%d rows loaded, want %d", rows, tc.rows)
			}
		})
	}
	// Without the option nothing is hashed.
	path := filepath.Join(t.TempDir(), "T.jsonl")
	if err := os.WriteFile(path, []byte(`{"A":1}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := Load(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Hashes) != 0 {
		t.Errorf("hashes %v without HashFiles", ds.Hashes)
	}
}
