package ingest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TableNeeds is what a query needs of one table.
type TableNeeds struct {
	// Columns are the columns read; nil: every column.
	Columns []string
	// MinTime (ticks, 0: none): the Streaming API blobs whose hour ends at or before it are not read (see
	// Options.MinTime). A table read whole is read from its first blob: its columns are those of all its files.
	MinTime int64
}

// Planner says what a query needs of each table of cat: the tables the files hold, with their documented
// columns and no rows. A table it leaves out is one the query does not read.
type Planner func(cat catalog.Catalog) (map[string]TableNeeds, error)

// Pruning is what LoadFor left out of the load.
type Pruning struct {
	// Columns lists, for each table read in part, the columns read (a table read whole is not in it).
	Columns map[string][]string
	// Unread counts, for each table the query does not read, its files: they were not opened.
	Unread map[string]int
}

// NeedsOf sums up the scan requests of each table (see engine.OpenScanRequests): the union of their columns,
// nil when a scan reads every column, and the earliest of their lower time bounds when every scan has one on
// Timestamp or TimeGenerated (which Defender exports derive from Timestamp). A table is read from its first
// blob when a scan reads every column or a column its built-in schema does not list: the columns such a
// table has, and their inferred types, are those of all its files.
func NeedsOf(scans map[string][]catalog.ScanRequest) map[string]TableNeeds {
	out := map[string]TableNeeds{}
	for table, reqs := range scans {
		if len(reqs) == 0 {
			continue
		}
		documented := map[string]bool{}
		fields, _ := catalog.KnownSchema(table)
		for _, f := range fields {
			documented[f.Name] = true
		}
		var n TableNeeds
		seen := map[string]bool{}
		whole := false
		minTime := int64(math.MaxInt64)
		for _, r := range reqs {
			if r.Columns == nil {
				whole = true
			}
			for _, c := range r.Columns {
				if !seen[c] {
					seen[c] = true
					n.Columns = append(n.Columns, c)
				}
				if !documented[c] {
					minTime = 0
				}
			}
			if r.MinTime <= 0 || r.TimeColumn != "Timestamp" && r.TimeColumn != "TimeGenerated" {
				minTime = 0
			}
			minTime = min(minTime, r.MinTime)
		}
		if whole {
			n.Columns, minTime = nil, 0
		}
		n.MinTime = minTime
		out[table] = n
	}
	return out
}

// LoadFor is Load reading only what a query needs, as plan says. When every file is named after a built-in
// table (the Streaming API's insights-logs-advancedhunting-<table> folders, a <Table>.json or an export named
// after its table), plan gets a catalog of those tables; then only the columns it names are read, and the
// files of tables it does not name and the blobs that end before a table's MinTime are not opened. The tables
// of those files are in the catalog without rows, as a table is that no row of the query's time range reaches.
// A table read in part has its documented columns and those read, and batches of the columns read. Otherwise (a file named after no built-in table, an error from plan, a file
// holding rows of another table than its name says) every file is read whole, as Load reads them, and
// ReadAll says why. Columns and MinTime of opts are replaced.
func LoadFor(ctx context.Context, paths []string, opts Options, plan Planner) (*Dataset, error) {
	files, walkProblems, err := findFiles(paths)
	if err != nil {
		return nil, err
	}
	opts.Columns, opts.MinTime = nil, 0
	all := opts
	readAll := func(reason string) (*Dataset, error) {
		loaders, err := loadFiles(ctx, files, all)
		if err != nil {
			return nil, err
		}
		ds := assemble(loaders, walkProblems, all)
		ds.ReadAll = reason
		return ds, nil
	}
	fileTables := make([]string, len(files))
	cat := catalog.Map{}
	for i, f := range files {
		t := tableNameFromPath(f)
		fields, ok := catalog.KnownSchema(t)
		if !ok {
			return readAll(fmt.Sprintf("%s is not named after a built-in table", f))
		}
		fileTables[i] = t
		if cat[t] == nil {
			cat[t] = &catalog.MemTable{TableName: t, Fields: fields}
		}
	}
	if len(files) == 0 {
		return readAll("")
	}
	needs, err := plan(cat)
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return readAll("the query does not check against the built-in schemas (" + first + ")")
	}

	pruned := &Pruning{Columns: map[string][]string{}, Unread: map[string]int{}}
	opts.Columns = map[string][]string{}
	var whole []string
	for t := range cat {
		n, ok := needs[t]
		switch {
		case !ok:
		case n.Columns == nil:
			whole = append(whole, t)
		default:
			opts.Columns[t] = n.Columns
			pruned.Columns[t] = n.Columns
		}
	}
	var kept, keptTables []string
	before := 0
	partial := map[string]bool{} // tables some of whose files are not read
	for i, f := range files {
		t := fileTables[i]
		n, ok := needs[t]
		switch {
		case !ok:
			pruned.Unread[t]++
			partial[t] = true
		case n.MinTime != 0 && n.Columns != nil && endsBefore(f, n.MinTime):
			before++
			partial[t] = true
		default:
			kept = append(kept, f)
			keptTables = append(keptTables, t)
		}
	}
	if len(pruned.Columns) == 0 && len(partial) == 0 {
		sort.Strings(whole)
		return readAll("the query reads every column of " + strings.Join(whole, ", "))
	}

	loaders, err := loadFiles(ctx, kept, opts)
	if err != nil {
		return nil, err
	}
	for i, fl := range loaders {
		for _, tb := range fl.pieces() {
			if tb.name != keptTables[i] && (tb.rows > 0 || len(tb.cols) > 0) {
				return readAll(fmt.Sprintf("%s holds %s rows, not %s rows as its path says", fl.file, tb.name, keptTables[i]))
			}
		}
	}
	ds := assemble(loaders, walkProblems, opts)
	ds.BeforeRange, ds.Pruned = before, pruned
	// A table read in part has every documented column in its schema, so that the query checks as it does
	// against all columns (project-away Url names a column it does not read); its batches hold the columns read.
	for t := range opts.Columns {
		if mt, ok := ds.Catalog[t].(*catalog.MemTable); ok {
			mt.Fields = withDocumented(cat[t].Schema(), mt.Fields)
		}
	}
	for t := range partial {
		if _, ok := ds.Catalog[t]; !ok {
			ds.Catalog[t] = &catalog.MemTable{TableName: t, Fields: cat[t].Schema()}
		}
	}
	return ds, nil
}

// withDocumented returns the documented fields, then those of read that are not documented.
func withDocumented(documented, read []types.Field) []types.Field {
	out := append([]types.Field(nil), documented...)
	for _, f := range read {
		if !slices.ContainsFunc(documented, func(d types.Field) bool { return d.Name == f.Name }) {
			out = append(out, f)
		}
	}
	return out
}
