package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ScanRequests parses and checks src against opts.Catalog and returns, per table, the request each scan of it
// in the plan makes when the query runs (the columns and the time range that --explain prints), in plan order,
// without reading any table: a time bound that only a subquery can compute (toscalar) is left out. A table
// read several times (let, join, union, subqueries) has a request per scan. Errors located in the query are
// *source.DiagnosticList.
func ScanRequests(src *source.Source, opts Options) (reqs map[string][]catalog.ScanRequest, err error) {
	defer func() {
		if r := recover(); r != nil {
			reqs, err = nil, fmt.Errorf("internal error while planning: %v", r)
		}
	}()
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	prog, diags := compile(src, opts.catalog(), sema.Options{AllowHTTP: opts.AllowHTTP})
	if diags.HasErrors() {
		return nil, diags
	}
	reqs = map[string][]catalog.ScanRequest{}
	for _, s := range exec.ScanRequests(exec.NewContext(context.Background(), types.TimeToTicks(now)), prog.Result) {
		reqs[s.Table] = append(reqs[s.Table], s.Request)
	}
	return reqs, nil
}

// OpenScanRequests is ScanRequests for tables that may hold more columns than their schemas in opts.Catalog
// list, as raw exports do (undocumented columns): a scan whose result could depend on a column the schema
// does not list asks for every column (Columns nil). The query is planned against schemas that hold, besides
// the listed columns, a column of each common type that no query names and a column for each wildcard and
// column_ifexists name of the query; a scan that reads one of those is one that passes every column on
// (project-away, extend, getschema, join, search *), or keeps columns by a pattern (project-keep Url*), or
// looks a column up by name. When the query turns column names into values (column_names_of,
// project-by-names) or names a column by a string that is not written out, every table of opts.Catalog asks
// for every column, scanned or not (a request with no columns and no time range is added for each).
func OpenScanRequests(src *source.Source, opts Options) (map[string][]catalog.ScanRequest, error) {
	q, diags := syntax.Parse(src)
	if diags != nil && diags.HasErrors() || q == nil {
		return ScanRequests(src, opts) // reports the syntax errors
	}
	names, everything := namedColumns(q)
	base := opts.Catalog
	if base == nil {
		base = catalog.Map{}
	}
	opts.Catalog = &openCatalog{Catalog: base, extra: names}
	reqs, err := ScanRequests(src, opts)
	if err != nil {
		return nil, err
	}
	if everything {
		// the plan may not scan a table whose columns it turns into values (print column_names_of(T))
		for _, name := range base.TableNames() {
			reqs[name] = append(reqs[name], catalog.ScanRequest{})
		}
	}
	for table, list := range reqs {
		t, ok := base.Table(table)
		if !ok {
			continue // a watchlist: its files are read whole anyway
		}
		listed := map[string]bool{}
		for _, f := range t.Schema() {
			listed[f.Name] = true
		}
		for i, r := range list {
			for _, c := range r.Columns {
				if !listed[c] {
					r.Columns = nil
					break
				}
			}
			if everything {
				r.Columns = nil
			}
			list[i] = r
		}
	}
	return reqs, nil
}

// unlistedColumns stand for the columns a table holds that its schema does not list, one of each common type;
// no query names them.
var unlistedColumns = []types.Field{
	{Name: "_kqlhunt_unlisted_string_", Type: types.String},
	{Name: "_kqlhunt_unlisted_long_", Type: types.Long},
	{Name: "_kqlhunt_unlisted_real_", Type: types.Real},
	{Name: "_kqlhunt_unlisted_bool_", Type: types.Bool},
	{Name: "_kqlhunt_unlisted_datetime_", Type: types.DateTime},
	{Name: "_kqlhunt_unlisted_dynamic_", Type: types.Dynamic},
}

// namedColumns returns the names of columns a table might hold that the query could reach without writing them
// as identifiers: a name matching each of its wildcard patterns, and the names column_ifexists looks up.
// everything is set when the query reaches columns in a way no name can stand for: column_names_of,
// project-by-names, a column_ifexists name that is not a string literal, a pattern that is not plain *s.
func namedColumns(q syntax.Node) (names []string, everything bool) {
	syntax.Inspect(q, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.WildcardName:
			if strings.ContainsAny(x.Pattern, `?[\`) {
				everything = true
			}
			names = append(names, strings.ReplaceAll(x.Pattern, "*", "Kqlhunt"))
		case *syntax.GenericOp:
			if x.Name == "project-by-names" {
				everything = true
			}
		case *syntax.CallExpr:
			id, ok := x.Fn.(*syntax.Ident)
			if !ok {
				break
			}
			switch id.Name {
			case "column_names_of":
				everything = true
			case "column_ifexists", "columnifexists":
				if len(x.Args) == 0 {
					break
				}
				if lit, ok := x.Args[0].(*syntax.Literal); ok && lit.Value.Type == types.String && !lit.Value.Null {
					names = append(names, lit.Value.S)
				} else {
					everything = true
				}
			}
		}
		return true
	})
	return names, everything
}

// openCatalog is a catalog whose tables' schemas also hold unlistedColumns and the extra names (as strings)
// that they lack.
type openCatalog struct {
	catalog.Catalog
	extra []string
}

// Table returns the named table with its schema widened.
func (c *openCatalog) Table(name string) (catalog.Table, bool) {
	t, ok := c.Catalog.Table(name)
	if !ok {
		return nil, false
	}
	fields := append([]types.Field(nil), t.Schema()...)
	has := map[string]bool{}
	for _, f := range fields {
		has[f.Name] = true
	}
	add := func(f types.Field) {
		if !has[f.Name] {
			has[f.Name] = true
			fields = append(fields, f)
		}
	}
	for _, f := range unlistedColumns {
		add(f)
	}
	for _, n := range c.extra {
		add(types.Field{Name: n, Type: types.String})
	}
	return &openTable{Table: t, fields: fields}, true
}

// openTable is a table with a widened schema; it is only planned against, never scanned.
type openTable struct {
	catalog.Table
	fields []types.Field
}

// Schema returns the widened schema.
func (t *openTable) Schema() []types.Field { return t.fields }
