package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/storage"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ingestPaths is what `kqlhunt ingest PATH... --into STORE` does with the store's API.
func ingestPaths(ctx context.Context, st *storage.Store, paths []string) (*storage.IngestSummary, error) {
	pending, _, err := st.PendingFiles(paths)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(pending))
	for i, f := range pending {
		files[i] = f.Path
	}
	ds := &ingest.Dataset{Catalog: catalog.Map{}}
	if len(files) > 0 {
		if ds, err = ingest.Load(ctx, files, ingest.Options{}); err != nil {
			return nil, err
		}
	}
	problems := make([]storage.Problem, len(ds.Problems))
	for i, p := range ds.Problems {
		problems[i] = storage.Problem{File: p.File, Line: p.Line, Reason: p.Message}
	}
	return st.Ingest(ctx, storage.FromCatalog(ds.Catalog, pending), storage.IngestOptions{Problems: problems})
}

// tableLines prints a table's rows (sorted) for comparison.
func tableLines(t *testing.T, tab catalog.Table) []string {
	t.Helper()
	r, err := tab.Scan(context.Background(), catalog.ScanRequest{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var lines []string
	for {
		b, err := r.Next(context.Background())
		if err != nil {
			break
		}
		for row := 0; row < b.NumRows(); row++ {
			var sb strings.Builder
			for i, c := range b.Cols {
				v := c.Value(row)
				fmt.Fprintf(&sb, "%s=%v/%v/%v/%q/%s ", b.Fields[i].Name, v.Null, v.I, v.F, v.S, types.FormatJSON(v.D))
			}
			lines = append(lines, sb.String())
		}
	}
	sort.Strings(lines)
	return lines
}

func TestIngestFlowFromLoadedFiles(t *testing.T) {
	src := t.TempDir()
	var b strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `{"Timestamp":"2024-03-0%dT10:00:%02d.1234567Z","ActionType":"ClickAllowed","Url":"https://e.com/%d","IsClickedThrough":%v}`+"\n", 1+i%3, i%60, i, i%2 == 0)
		if i == 100 {
			b.WriteString("{\"Timestamp\": broken\n")
		}
	}
	path := filepath.Join(src, "UrlClickEvents.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	loaded, err := ingest.Load(ctx, []string{path}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	memTab, ok := loaded.Catalog.Table("UrlClickEvents")
	if !ok || len(loaded.Problems) != 1 {
		t.Fatalf("the loader gave tables %v and problems %v", loaded.Catalog.TableNames(), loaded.Problems)
	}

	st, err := storage.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingestPaths(ctx, st, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 200 || sum.Quarantined != 1 || sum.RecordsRead != 201 || sum.Tables["UrlClickEvents"] != 200 {
		t.Errorf("summary %+v", sum)
	}
	stored, ok := st.Catalog().Table("UrlClickEvents")
	if !ok {
		t.Fatal("no stored table")
	}
	if !slices.Equal(stored.Schema(), memTab.Schema()) {
		t.Errorf("stored schema %v, loaded %v", stored.Schema(), memTab.Schema())
	}
	if got, want := tableLines(t, stored), tableLines(t, memTab); !slices.Equal(got, want) {
		t.Errorf("stored rows differ from loaded rows (%d vs %d)", len(got), len(want))
	}
	// Ingesting the same folder again reads nothing and adds nothing.
	again, err := ingestPaths(ctx, st, []string{src})
	if err != nil {
		t.Fatal(err)
	}
	if again.Stored != 0 || again.RecordsRead != 0 || again.IngestID != 0 {
		t.Errorf("second ingest %+v", again)
	}
	if n := len(tableLines(t, stored)); n != 200 {
		t.Errorf("%d rows after the second ingest, want 200", n)
	}
}
