package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/storage"
)

// ingestStreamed is `kqlhunt ingest` with a streamed load: one group of files at a time.
func ingestStreamed(ctx context.Context, st *storage.Store, paths []string, groupBytes int64) (*storage.IngestSummary, error) {
	pending, _, err := st.PendingFiles(paths)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(pending))
	for i, f := range pending {
		files[i] = f.Path
	}
	stream := ingest.NewStream(files, ingest.Options{KeepFileBatches: true})
	stream.GroupBytes = groupBytes
	return st.Ingest(ctx, storage.FromSteps(pending, func(ctx context.Context) (storage.LoadStep, error) {
		ds, err := stream.Next(ctx)
		if err != nil {
			return storage.LoadStep{}, err
		}
		step := storage.LoadStep{Catalog: ds.Catalog}
		for _, p := range ds.Problems {
			if p.Skipped {
				step.Problems = append(step.Problems, storage.Problem{File: p.File, Line: p.Line, Reason: p.Message})
			}
		}
		return step, nil
	}), storage.IngestOptions{})
}

func TestIngestStreamedEqualsIngestAtOnce(t *testing.T) {
	src := t.TempDir()
	// 12 hourly files; file 5 has a broken record on its line 3.
	for f := 0; f < 12; f++ {
		var b strings.Builder
		for i := 0; i < 50; i++ {
			if f == 5 && i == 2 {
				b.WriteString("{\"Timestamp\": broken\n")
			}
			fmt.Fprintf(&b, `{"Timestamp":"2024-03-0%dT%02d:00:%02d.1234567Z","ActionType":"Click%d","Url":"https://e.com/%d/%d"}`+"\n", 1+f%3, f, i, i%4, f, i)
		}
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("UrlClickEvents-%02d.jsonl", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	atOnce, err := storage.Open(filepath.Join(t.TempDir(), "once"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingestPaths(ctx, atOnce, []string{src}); err != nil {
		t.Fatal(err)
	}

	streamed, err := storage.Open(filepath.Join(t.TempDir(), "streamed"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingestStreamed(ctx, streamed, []string{src}, 1) // one file per step
	if err != nil {
		t.Fatal(err)
	}
	if sum.Stored != 600 || sum.Quarantined != 1 || sum.RecordsRead != 601 || len(sum.NewSources) != 12 {
		t.Errorf("summary %+v", sum)
	}
	if sum.QuarantineFile == "" {
		t.Fatal("no quarantine file")
	}
	q, err := os.ReadFile(sum.QuarantineFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(q), "UrlClickEvents-05.jsonl") || !strings.Contains(string(q), `"line":3`) {
		t.Errorf("quarantine file %s does not locate the broken record", q)
	}
	a, _ := atOnce.Catalog().Table("UrlClickEvents")
	s, ok := streamed.Catalog().Table("UrlClickEvents")
	if !ok {
		t.Fatal("no streamed table")
	}
	if got, want := tableLines(t, s), tableLines(t, a); !slices.Equal(got, want) || len(got) != 600 {
		t.Errorf("streamed rows differ from rows ingested at once (%d vs %d)", len(got), len(want))
	}
	// A second streamed ingest of the same files adds nothing.
	again, err := ingestStreamed(ctx, streamed, []string{src}, 1) // one file per step
	if err != nil {
		t.Fatal(err)
	}
	if again.Stored != 0 || again.IngestID != 0 {
		t.Errorf("second ingest %+v", again)
	}
}
