package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// writeFiles writes files (relative path -> content) under a new temporary folder and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustLoad(t *testing.T, opts Options, paths ...string) *Dataset {
	t.Helper()
	ds, err := Load(context.Background(), paths, opts)
	if err != nil {
		t.Fatalf("Load(%v): %v", paths, err)
	}
	checkShape(t, ds)
	return ds
}

// checkShape verifies that every batch's columns are as long as each other and match the schema's types.
func checkShape(t *testing.T, ds *Dataset) {
	t.Helper()
	for _, name := range ds.Catalog.TableNames() {
		mt := ds.Catalog[name].(*catalog.MemTable)
		total := 0
		for _, b := range mt.Batches {
			n := b.NumRows()
			total += n
			for i, c := range b.Cols {
				if c.Len() != n {
					t.Errorf("table %s column %s has %d values, batch has %d rows", name, b.Fields[i].Name, c.Len(), n)
				}
				if c.Type != mt.Fields[i].Type {
					t.Errorf("table %s column %s is %v in a batch, %v in the schema", name, mt.Fields[i].Name, c.Type, mt.Fields[i].Type)
				}
			}
		}
		if total != ds.Rows[name] {
			t.Errorf("table %s: Rows says %d, batches hold %d", name, ds.Rows[name], total)
		}
	}
}

// columnOf returns the type and the values of a column across all batches, as cellText strings.
func columnOf(t *testing.T, ds *Dataset, table, col string) (types.Type, []string) {
	t.Helper()
	tab, ok := ds.Catalog[table]
	if !ok {
		t.Fatalf("no table %q; have %v", table, ds.Catalog.TableNames())
	}
	mt := tab.(*catalog.MemTable)
	var out []string
	var typ types.Type
	found := false
	for i, f := range mt.Fields {
		if f.Name == col {
			typ, found = f.Type, true
			for _, b := range mt.Batches {
				for r := 0; r < b.NumRows(); r++ {
					out = append(out, cellText(b.Cols[i].Value(r)))
				}
			}
		}
	}
	if !found {
		t.Fatalf("table %s has no column %q", table, col)
	}
	return typ, out
}

func hasColumn(ds *Dataset, table, col string) bool {
	tab, ok := ds.Catalog[table]
	if !ok {
		return false
	}
	for _, f := range tab.Schema() {
		if f.Name == col {
			return true
		}
	}
	return false
}

// cellText prints a value for comparisons: "null", datetimes in Kusto's ISO form, dynamic as JSON, other
// values as their text.
func cellText(v types.Value) string {
	if v.Null {
		return "null"
	}
	switch v.Type {
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.Dynamic:
		return types.FormatJSON(v.D)
	}
	return valueText(v)
}

func problemTexts(ds *Dataset, dir string) []string {
	var out []string
	for _, p := range ds.Problems {
		p.File = filepath.ToSlash(strings.TrimPrefix(p.File, dir+string(filepath.Separator)))
		out = append(out, p.String())
	}
	return out
}

func sampleDir(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", "formats"))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
