package storage

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// benchStore ingests rows of eventsTable over 30 days into a fresh store.
func benchStore(b *testing.B, rows int) *Store {
	b.Helper()
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	var batches []SourceBatch
	for from := 0; from < rows; from += batchRows {
		n := min(batchRows, rows-from)
		batches = append(batches, SourceBatch{Table: "UrlClickEvents", Rows: eventsTable(n, 30, from)})
	}
	if _, err := s.Ingest(context.Background(), &sliceSource{batches: batches}, IngestOptions{}); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkScanTwoColumns reads Timestamp and ActionType of 1M rows (30 days), the shape of a hunting rule's
// scan; rows/s is reported.
func BenchmarkScanTwoColumns(b *testing.B) {
	const rows = 1_000_000
	s := benchStore(b, rows)
	tab, _ := s.Catalog().Table("UrlClickEvents")
	req := catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType"}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := tab.Scan(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			batch, err := r.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n += batch.NumRows()
		}
		r.Close()
		if n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkIngest writes 256K rows (5 columns) into a fresh store.
func BenchmarkIngest(b *testing.B) {
	const rows = 1 << 18
	var batches []SourceBatch
	for from := 0; from < rows; from += batchRows {
		batches = append(batches, SourceBatch{Table: "UrlClickEvents", Rows: eventsTable(batchRows, 30, from)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Ingest(context.Background(), &sliceSource{batches: batches}, IngestOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWriteParquet encodes 200K rows of eventsTable (a time, two texts, a long and a real) as one part
// file, as an ingest's writer does; rows/s is reported.
func BenchmarkWriteParquet(b *testing.B) {
	const rows = 200_000
	t := eventsTable(rows, 1, 0)
	pieces := [][]*types.Column{t.Cols}
	refs := make([]rowRef, rows)
	for i := range refs {
		refs[i] = rowRef{piece: 0, row: int32(i)}
	}
	refs = sortByTime(refs, pieces, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := writeParquet(io.Discard, "T", "Timestamp", t.Fields, pieces, refs, batchRows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
