package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// The built-in schemas are data: every schemas/*.json file is an object mapping a table name to its documented
// columns as [name, type] pairs, in order. Adding a table means adding or editing a JSON file, no Go code.
//
//go:embed schemas/*.json
var schemaFiles embed.FS

// SentinelColumns are the columns Microsoft Sentinel adds to its copy of every Defender XDR table. KnownSchema
// appends those a table does not already document.
var SentinelColumns = []types.Field{
	{Name: "TenantId", Type: types.String},
	{Name: "TimeGenerated", Type: types.DateTime},
	{Name: "SourceSystem", Type: types.String},
	{Name: "Type", Type: types.String},
}

type knownSchemas struct {
	tables map[string][]types.Field // documented columns plus the Sentinel ones
	folded map[string]string        // lower-case name -> exact name
	// columnTypes maps a column name to its type when every known table that has the column agrees on it.
	columnTypes map[string]types.Type
	err         error
}

var (
	knownOnce sync.Once
	known     knownSchemas
)

func loadKnown() *knownSchemas {
	knownOnce.Do(func() {
		known = knownSchemas{tables: map[string][]types.Field{}, folded: map[string]string{}, columnTypes: map[string]types.Type{}}
		entries, err := schemaFiles.ReadDir("schemas")
		if err != nil {
			known.err = err
			return
		}
		conflicting := map[string]bool{}
		for _, e := range entries {
			name := path.Join("schemas", e.Name())
			data, err := schemaFiles.ReadFile(name)
			if err != nil {
				known.err = err
				return
			}
			tables, err := parseSchemaFile(data)
			if err != nil {
				known.err = fmt.Errorf("%s: %v", name, err)
				return
			}
			for _, t := range tables {
				if _, dup := known.tables[t.name]; dup {
					known.err = fmt.Errorf("%s: table %s is already defined in another schema file", name, t.name)
					return
				}
				fields := withSentinelColumns(t.fields)
				known.tables[t.name] = fields
				known.folded[strings.ToLower(t.name)] = t.name
				for _, f := range t.fields {
					if prev, ok := known.columnTypes[f.Name]; ok && prev != f.Type {
						conflicting[f.Name] = true
					}
					known.columnTypes[f.Name] = f.Type
				}
			}
		}
		for name := range conflicting {
			delete(known.columnTypes, name)
		}
	})
	return &known
}

type namedSchema struct {
	name   string
	fields []types.Field
}

// parseSchemaFile reads {"Table": [["Col","type"], ...], ...} keeping the column order.
func parseSchemaFile(data []byte) ([]namedSchema, error) {
	var raw map[string][][2]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	// Recover the file's table order for deterministic results; the map lost it.
	dec := json.NewDecoder(strings.NewReader(string(data)))
	var order []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				order = append(order, t)
			}
		}
	}
	out := make([]namedSchema, 0, len(order))
	for _, name := range order {
		cols := raw[name]
		fields := make([]types.Field, 0, len(cols))
		for _, c := range cols {
			t, ok := types.ParseType(c[1])
			if !ok {
				return nil, fmt.Errorf("table %s column %s: unknown type %q", name, c[0], c[1])
			}
			fields = append(fields, types.Field{Name: c[0], Type: t})
		}
		out = append(out, namedSchema{name: name, fields: fields})
	}
	return out, nil
}

func withSentinelColumns(fields []types.Field) []types.Field {
	out := append([]types.Field(nil), fields...)
	for _, s := range SentinelColumns {
		present := false
		for _, f := range fields {
			if f.Name == s.Name {
				present = true
				break
			}
		}
		if !present {
			out = append(out, s)
		}
	}
	return out
}

// KnownSchema returns the built-in schema of a Defender XDR / Sentinel table (exact, case-sensitive name),
// including Sentinel's TenantId, TimeGenerated, SourceSystem and Type columns. The slice is a copy.
func KnownSchema(table string) ([]types.Field, bool) {
	k := loadKnown()
	f, ok := k.tables[table]
	if !ok {
		return nil, false
	}
	return append([]types.Field(nil), f...), true
}

// KnownTableName returns the exact spelling of the built-in table whose name equals name ignoring case.
func KnownTableName(name string) (string, bool) {
	k := loadKnown()
	n, ok := k.folded[strings.ToLower(name)]
	return n, ok
}

// KnownTables returns the names of the built-in tables, sorted.
func KnownTables() []string {
	k := loadKnown()
	names := make([]string, 0, len(k.tables))
	for n := range k.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// KnownColumnType returns the documented type of a column name when every built-in table that has a column of
// that name gives it the same type (used to type result sets that carry no table name, e.g. Graph's SByte).
func KnownColumnType(column string) (types.Type, bool) {
	k := loadKnown()
	t, ok := k.columnTypes[column]
	return t, ok
}

// KnownSchemasError reports a malformed embedded schema file (a build defect that tests catch).
func KnownSchemasError() error { return loadKnown().err }
