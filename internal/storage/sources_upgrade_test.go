package storage

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// makeVersion1 rewrites the store at dir as version 1 wrote it: the ingests' source lists inline in the commit
// record, no _sources files.
func makeVersion1(t *testing.T, dir string) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := s.state
	st.Version = 1
	for i := range st.Ingests {
		rec := &st.Ingests[i]
		listPath := filepath.Join(dir, filepath.FromSlash(rec.SourcesFile))
		if err := readJSONFile(listPath, &rec.Sources); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(listPath); err != nil {
			t.Fatal(err)
		}
		rec.SourcesFile = ""
	}
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stateFileName), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVersion1SourcesMoveOutAtTheNextCommit checks that the next ingest into a version 1 store writes the source
// lists its commit record holds inline to _sources files and drops them from the record (every query parses
// it), that the store still knows every source, and that a failed ingest leaves the version 1 store as it was.
// Before, an upgraded store kept its inline lists forever.
func TestVersion1SourcesMoveOutAtTheNextCommit(t *testing.T) {
	dir, srcDir := t.TempDir(), t.TempDir()
	firstIngest(t, dir, srcDir)
	makeVersion1(t, dir)
	before, err := os.ReadFile(filepath.Join(dir, stateFileName))
	if err != nil {
		t.Fatal(err)
	}
	second := writeSourceFile(t, srcDir, "second.json", "second export")
	ingestSecond := func() error {
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Ingest(t.Context(), &sliceSource{files: []SourceFile{second}, batches: []SourceBatch{{Table: "UrlClickEvents", Rows: eventsTable(100, 1, 2)}}}, IngestOptions{})
		return err
	}

	errInjected := errors.New("injected failure")
	failHook = func(at string) error {
		if at == "state-synced" {
			return errInjected
		}
		return nil
	}
	err = ingestSecond()
	failHook = nil
	if !errors.Is(err, errInjected) {
		t.Fatalf("err %v, want the injected failure", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, stateFileName)); string(after) != string(before) {
		t.Errorf("a failed ingest changed the version 1 commit record")
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, sourcesDir)); len(entries) != 0 {
		t.Errorf("a failed ingest left %d files in %s", len(entries), sourcesDir)
	}

	if err := ingestSecond(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, stateFileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"sources"`) {
		t.Errorf("the commit record still lists sources inline:\n%s", data)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.state.Version != stateVersion || len(s.state.Ingests) != 2 {
		t.Fatalf("state version %d with %d ingests, want %d with 2", s.state.Version, len(s.state.Ingests), stateVersion)
	}
	first := s.state.Ingests[0]
	if first.SourcesFile == "" || len(first.Sources) != 0 {
		t.Fatalf("the version 1 ingest's record %+v: want a sources file and no inline list", first)
	}
	var listed []sourceRecord
	if err := readJSONFile(filepath.Join(dir, filepath.FromSlash(first.SourcesFile)), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || filepath.Base(listed[0].Path) != "first.json" || len(listed[0].SHA256) != 64 {
		t.Errorf("the moved list holds %+v, want first.json with its hash", listed)
	}
	pending, skipped, err := s.PendingFiles([]string{srcDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 0 || len(skipped) != 2 {
		t.Errorf("pending %v, skipped %v: want both sources known", pending, skipped)
	}
	checkNoStrayFiles(t, s)
}
