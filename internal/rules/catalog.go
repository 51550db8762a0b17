package rules

import (
	"context"
	"io"

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
