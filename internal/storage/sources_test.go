package storage

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSourcesListedApartFromTheCommitRecord checks that an ingest lists its source files in a file of its own
// (the commit record only names it), and that a version 1 store, whose commit record lists them inline, is
// still read and still skips the files it holds.
func TestSourcesListedApartFromTheCommitRecord(t *testing.T) {
	tests := []struct {
		name string
		v1   bool // rewrite the store as version 1 wrote it before ingesting again
	}{
		{name: "version 2"},
		{name: "version 1 store", v1: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, srcDir := t.TempDir(), t.TempDir()
			firstIngest(t, dir, srcDir)
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.state.Ingests) != 1 || s.state.Ingests[0].SourcesFile == "" || len(s.state.Ingests[0].Sources) != 0 {
				t.Fatalf("ingest record %+v: want a sources file and no inline sources", s.state.Ingests)
			}
			listPath := filepath.Join(dir, filepath.FromSlash(s.state.Ingests[0].SourcesFile))
			var listed []sourceRecord
			if err := readJSONFile(listPath, &listed); err != nil {
				t.Fatal(err)
			}
			if len(listed) != 1 || filepath.Base(listed[0].Path) != "first.json" || len(listed[0].SHA256) != 64 {
				t.Fatalf("sources file lists %+v, want first.json with its hash", listed)
			}
			if tc.v1 {
				st := s.state
				st.Version = 1
				st.Ingests[0].Sources, st.Ingests[0].SourcesFile = listed, ""
				data, err := json.Marshal(st)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, stateFileName), data, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Remove(listPath); err != nil {
					t.Fatal(err)
				}
				if s, err = Open(dir); err != nil {
					t.Fatalf("a version 1 store does not open: %v", err)
				}
			}
			writeSourceFile(t, srcDir, "second.json", "second export")
			pending, skipped, err := s.PendingFiles([]string{srcDir})
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 1 || filepath.Base(pending[0].Path) != "second.json" || len(skipped) != 1 || filepath.Base(skipped[0].Path) != "first.json" {
				t.Errorf("pending %v, skipped %v: want second.json pending and first.json skipped", pending, skipped)
			}
		})
	}
}
