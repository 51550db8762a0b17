package storage

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestPendingFilesHashesOnlyPossibleCopies checks that listing hashes only the files whose size another source
// has (in the store or in the list), and still finds every copy.
func TestPendingFilesHashesOnlyPossibleCopies(t *testing.T) {
	dir, srcDir := t.TempDir(), t.TempDir()
	firstIngest(t, dir, srcDir) // first.json: "first export", 12 bytes, recorded with its hash
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	writeSourceFile(t, srcDir, "copy-of-first.json", "first export") // same size and content as a stored source
	writeSourceFile(t, srcDir, "same-size.json", "other export")     // same size, other content: new
	writeSourceFile(t, srcDir, "twin-a.json", "twin content")        // 12 bytes too
	writeSourceFile(t, srcDir, "unique.json", "a longer export, of a size no other file has")
	writeSourceFile(t, srcDir, "pair-1.json", "pair of equal files")
	writeSourceFile(t, srcDir, "pair-2.json", "pair of equal files") // a copy within the list
	pending, skipped, err := s.PendingFiles([]string{srcDir})
	if err != nil {
		t.Fatal(err)
	}
	hashed := map[string]bool{}
	for _, f := range append(slices.Clone(pending), skipped...) {
		hashed[filepath.Base(f.Path)] = f.SHA256 != ""
	}
	want := map[string]bool{"first.json": true, "copy-of-first.json": true, "same-size.json": true, "twin-a.json": true,
		"unique.json": false, "pair-1.json": true, "pair-2.json": true}
	for name, w := range want {
		if hashed[name] != w {
			t.Errorf("%s hashed at listing: %v, want %v", name, hashed[name], w)
		}
	}
	var skippedNames []string
	for _, f := range skipped {
		skippedNames = append(skippedNames, filepath.Base(f.Path))
	}
	slices.Sort(skippedNames)
	if !slices.Equal(skippedNames, []string{"copy-of-first.json", "first.json", "pair-2.json"}) {
		t.Errorf("skipped %v, want the stored file, its copy and the second of the pair", skippedNames)
	}
}

// TestIngestRecordsTheLoadsHashes checks where the hash of a source listed without one comes from: the digest
// the load made of the bytes it read (also its size, should the file have grown), or else the ingest's own
// hashing before the commit; and that the recorded hash makes a later listing skip the file.
func TestIngestRecordsTheLoadsHashes(t *testing.T) {
	tests := []struct {
		name     string
		digest   *SourceFile // what the load step reports for the file; nil: nothing
		wantSize int64
		wantHash string // "" : the file's real SHA-256
	}{
		{name: "no digest from the load: hashed at the commit", wantSize: 31},
		{name: "the load's digest is recorded as it is", digest: &SourceFile{Size: 31, SHA256: strings.Repeat("ab", 32)}, wantSize: 31, wantHash: strings.Repeat("ab", 32)},
		{name: "a file that grew after listing is recorded as read", digest: &SourceFile{Size: 40, SHA256: strings.Repeat("cd", 32)}, wantSize: 40, wantHash: strings.Repeat("cd", 32)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, srcDir := t.TempDir(), t.TempDir()
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			real := writeSourceFile(t, srcDir, "export.json", "an export of thirty-one bytes..")
			pending, _, err := s.PendingFiles([]string{srcDir})
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 1 || pending[0].SHA256 != "" {
				t.Fatalf("pending %+v: want the one file, not hashed", pending)
			}
			steps := 0
			src := FromSteps(pending, func(ctx context.Context) (LoadStep, error) {
				if steps++; steps > 1 {
					return LoadStep{}, io.EOF
				}
				step := LoadStep{Catalog: memCatalog("UrlClickEvents", eventsTable(50, 1, 1))}
				if tc.digest != nil {
					d := *tc.digest
					d.Path = pending[0].Path
					step.Hashes = map[string]SourceFile{d.Path: d}
				}
				return step, nil
			})
			sum := mustIngest(t, s, src, IngestOptions{})
			if len(sum.NewSources) != 1 {
				t.Fatalf("new sources %+v", sum.NewSources)
			}
			got := sum.NewSources[0]
			wantHash := tc.wantHash
			if wantHash == "" {
				wantHash = real.SHA256
			}
			if got.Size != tc.wantSize || got.SHA256 != wantHash {
				t.Errorf("recorded %d bytes, hash %s; want %d bytes, hash %s", got.Size, got.SHA256, tc.wantSize, wantHash)
			}
			if tc.wantHash != "" {
				return // a made-up digest matches no file on disk
			}
			s, err = Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			pending, skipped, err := s.PendingFiles([]string{srcDir})
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 0 || len(skipped) != 1 {
				t.Errorf("listing again: pending %v, skipped %v; want the file skipped", pending, skipped)
			}
		})
	}
}

// memCatalog is a catalog of one in-memory table.
func memCatalog(name string, rows *types.Table) catalog.Map {
	return catalog.Map{name: &catalog.MemTable{TableName: name, Fields: rows.Fields, Batches: []*types.Table{rows}}}
}
