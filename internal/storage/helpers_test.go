package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// sliceSource is an IngestSource over a fixed list of batches.
type sliceSource struct {
	files   []SourceFile
	batches []SourceBatch
}

func (s *sliceSource) Files() []SourceFile { return s.files }

func (s *sliceSource) Next(ctx context.Context) (SourceBatch, error) {
	if len(s.batches) == 0 {
		return SourceBatch{}, io.EOF
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	return b, nil
}

// day0 is 2024-03-01T00:00:00Z in ticks.
var day0 = mustTicks("2024-03-01T00:00:00Z")

func mustTicks(s string) int64 {
	t, ok := types.ParseDateTime(s)
	if !ok {
		panic("bad datetime " + s)
	}
	return t
}

// eventsTable builds n rows of a Defender-like table spread evenly over days days from day0: Timestamp,
// ActionType (low cardinality), Url (high cardinality), Count (long), Score (real).
func eventsTable(n, days int, seed int) *types.Table {
	fields := []types.Field{
		{Name: "Timestamp", Type: types.DateTime},
		{Name: "ActionType", Type: types.String},
		{Name: "Url", Type: types.String},
		{Name: "Count", Type: types.Long},
		{Name: "Score", Type: types.Real},
	}
	t := types.NewTable(fields)
	span := int64(days) * types.TicksPerDay
	for i := 0; i < n; i++ {
		// Rows come out of time order on purpose; the store sorts them.
		k := int64((i*7919 + seed) % n)
		ts := day0 + k*span/int64(n)
		t.AppendRow([]types.Value{
			types.NewDateTime(ts),
			types.NewString([]string{"ClickAllowed", "ClickBlocked", "UrlScanInProgress"}[i%3]),
			types.NewString(fmt.Sprintf("https://example.com/%d/%d", seed, i)),
			types.NewLong(int64(i)),
			types.NewReal(float64(i) / 4),
		})
	}
	return t
}

// writeSourceFile writes a small file standing for an export file, so the source has a real hash.
func writeSourceFile(t *testing.T, dir, name, content string) SourceFile {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	sf, err := HashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sf
}

// scanAll reads a whole table (with req) into one table, failing the test on error.
func scanAll(t *testing.T, tab catalog.Table, req catalog.ScanRequest) *types.Table {
	t.Helper()
	out, err := tryScanAll(tab, req)
	if err != nil {
		t.Fatalf("scan %s: %v", tab.Name(), err)
	}
	return out
}

func tryScanAll(tab catalog.Table, req catalog.ScanRequest) (*types.Table, error) {
	r, err := tab.Scan(context.Background(), req)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out *types.Table
	for {
		b, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if b.NumRows() > batchRows {
			return nil, fmt.Errorf("batch of %d rows, more than %d", b.NumRows(), batchRows)
		}
		if out == nil {
			out = types.NewTable(b.Fields)
		}
		for r := 0; r < b.NumRows(); r++ {
			for i, c := range b.Cols {
				out.Cols[i].Append(c.Value(r))
			}
		}
	}
	if out == nil {
		fields := tab.Schema()
		out = types.NewTable(fields)
	}
	return out, nil
}

// cellText prints a value so that two values print the same exactly when they are the same KQL value
// (reals by their bits, so NaN equals NaN and -0 differs from 0).
func cellText(v types.Value) string {
	if v.Null {
		return "null(" + v.Type.String() + ")"
	}
	switch v.Type.Physical() {
	case types.PhysInt:
		return fmt.Sprintf("%s:%d", v.Type, v.I)
	case types.PhysReal:
		return fmt.Sprintf("%s:%x", v.Type, math.Float64bits(v.F))
	case types.PhysStr:
		return fmt.Sprintf("%s:%q", v.Type, v.S)
	}
	return "dynamic:" + types.FormatJSON(v.D)
}

// rowTexts prints every row of t (columns named in fields order) and sorts the lines.
func rowTexts(t *testing.T, tab *types.Table, columns []string) []string {
	t.Helper()
	var lines []string
	for r := 0; r < tab.NumRows(); r++ {
		var b strings.Builder
		for _, name := range columns {
			i := tab.ColumnIndex(name)
			if i < 0 {
				t.Fatalf("no column %s in %v", name, tab.Fields)
			}
			b.WriteString(cellText(tab.Cols[i].Value(r)))
			b.WriteString(" | ")
		}
		lines = append(lines, b.String())
	}
	sort.Strings(lines)
	return lines
}

func fieldNames(fields []types.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out
}

// storeFiles lists the files under dir (relative, sorted), skipping the lock file.
func storeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != ".lock" {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// snapshot prints a store's whole content (every table's rows), to compare a store before and after.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	var b strings.Builder
	cat := s.Catalog()
	for _, name := range cat.TableNames() {
		tab, _ := cat.Table(name)
		all := scanAll(t, tab, catalog.ScanRequest{})
		fmt.Fprintf(&b, "table %s %v rows=%d\n", name, all.Fields, all.NumRows())
		for _, l := range rowTexts(t, all, fieldNames(all.Fields)) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func mustIngest(t *testing.T, s *Store, src IngestSource, opts IngestOptions) *IngestSummary {
	t.Helper()
	sum, err := s.Ingest(context.Background(), src, opts)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return sum
}
