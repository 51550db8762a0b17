// Package catalog describes the tables a query can read: their schemas and how to scan them.
package catalog

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ScanRequest says what a query needs from a table, so that a scan can skip what it does not.
// Readers may return more than asked (extra columns, rows outside the time range); the engine filters anyway.
type ScanRequest struct {
	Columns []string // nil: all columns
	// TimeColumn, when set, names the column MinTime/MaxTime bound (ticks). MinTime is inclusive,
	// MaxTime exclusive; 0 means unbounded on that side.
	TimeColumn string
	MinTime    int64
	MaxTime    int64
	// Filters are conditions on single string columns that every row the query keeps meets (conjuncts of the
	// where clauses right above the scan). A reader may leave out the rows a filter rejects, or ignore filters.
	Filters []StringFilter
}

// StringFilter is a condition on one string column, evaluated on many values at once: a reader calls Keep
// once per dictionary of distinct values, or once per page of plain values, instead of once per row.
type StringFilter struct {
	Column string
	// Text is the condition as the query wrote it, for plans (--explain).
	Text string
	// Keep sets keep[i] to whether values[i] passes (len(keep) == len(values)). It is safe for concurrent use.
	Keep func(values []string, keep []bool)
}

// BatchReader yields batches of rows; Next returns io.EOF after the last one.
type BatchReader interface {
	Next(ctx context.Context) (*types.Table, error)
	Close() error
}

// Table is a named, scannable table.
type Table interface {
	Name() string
	Schema() []types.Field
	Scan(ctx context.Context, req ScanRequest) (BatchReader, error)
}

// Catalog finds tables by name. Kusto table names are case-sensitive.
type Catalog interface {
	Table(name string) (Table, bool)
	TableNames() []string
}

// MemTable is a Table held in memory as batches.
type MemTable struct {
	TableName string
	Fields    []types.Field
	Batches   []*types.Table
}

// Name returns the table name.
func (m *MemTable) Name() string { return m.TableName }

// Schema returns the columns.
func (m *MemTable) Schema() []types.Field { return m.Fields }

// Scan returns the batches as they are (no pruning).
func (m *MemTable) Scan(ctx context.Context, req ScanRequest) (BatchReader, error) {
	return &sliceReader{batches: m.Batches}, nil
}

type sliceReader struct {
	batches []*types.Table
	i       int
}

func (r *sliceReader) Next(ctx context.Context) (*types.Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.i >= len(r.batches) {
		return nil, io.EOF
	}
	b := r.batches[r.i]
	r.i++
	return b, nil
}

func (r *sliceReader) Close() error { return nil }

// Map is a Catalog backed by a map of tables.
type Map map[string]Table

// Table looks a table up by exact name.
func (m Map) Table(name string) (Table, bool) {
	t, ok := m[name]
	return t, ok
}

// TableNames returns the table names, sorted.
func (m Map) TableNames() []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SuggestTable returns the known table name closest to name ignoring case, or "".
func SuggestTable(c Catalog, name string) string {
	for _, n := range c.TableNames() {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	return ""
}
