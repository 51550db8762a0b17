package rules

import (
	"context"
	"io"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// KnownCatalog is a catalog of the built-in Defender XDR and Sentinel table schemas with no rows, so that a
// query can be checked (unknown tables and columns found) without any data.
func KnownCatalog() catalog.Catalog { return knownCatalog{} }

type knownCatalog struct{}

func (knownCatalog) Table(name string) (catalog.Table, bool) {
	fields, ok := catalog.KnownSchema(name)
	if !ok {
		return nil, false
	}
	return schemaTable{name: name, fields: fields}, true
}

func (knownCatalog) TableNames() []string { return catalog.KnownTables() }

// schemaTable is a known table's schema; scanning it yields no rows.
type schemaTable struct {
	name   string
	fields []types.Field
}

func (t schemaTable) Name() string          { return t.name }
func (t schemaTable) Schema() []types.Field { return t.fields }
func (t schemaTable) Scan(context.Context, catalog.ScanRequest) (catalog.BatchReader, error) {
	return emptyReader{}, nil
}

type emptyReader struct{}

func (emptyReader) Next(context.Context) (*types.Table, error) { return nil, io.EOF }
func (emptyReader) Close() error                               { return nil }

// WithEmptyKnownTables returns cat with the named known tables added, empty, where cat lacks them, and the
// names it added: a query that looks rows up in a table the data does not hold then finds none.
func WithEmptyKnownTables(cat catalog.Catalog, names []string) (catalog.Catalog, []string) {
	var added []string
	extra := catalog.Map{}
	for _, name := range names {
		if _, ok := cat.Table(name); ok {
			continue
		}
		if t, ok := (knownCatalog{}).Table(name); ok {
			extra[name] = t
			added = append(added, name)
		}
	}
	if len(added) == 0 {
		return cat, nil
	}
	return layeredCatalog{cat, extra}, added
}

// layeredCatalog finds a table in the first catalog, then in the second.
type layeredCatalog struct{ first, second catalog.Catalog }

func (l layeredCatalog) Table(name string) (catalog.Table, bool) {
	if t, ok := l.first.Table(name); ok {
		return t, ok
	}
	return l.second.Table(name)
}

func (l layeredCatalog) TableNames() []string {
	names := append(l.first.TableNames(), l.second.TableNames()...)
	sort.Strings(names)
	return names
}
