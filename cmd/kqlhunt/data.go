package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/storage"
)

// storeMarker is the commit record every kqlhunt store has at its root (internal/storage writes it); a --data
// directory holding it is read as a store, not as raw files.
const storeMarker = "_kqlhunt_store.json"

// isStore reports whether path is a kqlhunt store directory.
func isStore(path string) bool {
	st, err := os.Stat(filepath.Join(path, storeMarker))
	return err == nil && st.Mode().IsRegular()
}

// loadData opens what --data names: one kqlhunt store (its tables are read from Parquet as queries need them),
// or raw files and folders (loaded into memory: as far as plan says the query needs them, or whole when plan
// is nil). It prints what it found on errOut unless quiet; load problems are printed even then.
func loadData(ctx context.Context, errOut io.Writer, paths []string, opts ingest.Options, quiet bool, plan ingest.Planner) (catalog.Catalog, error) {
	var stores []string
	for _, p := range paths {
		if isStore(p) {
			stores = append(stores, p)
		}
	}
	switch {
	case len(stores) == 1 && len(paths) == 1:
		return openStoreCatalog(errOut, stores[0], quiet)
	case len(stores) > 0:
		return nil, usagef("--data %s is a kqlhunt store; give it as the only --data (a store is not mixed with other data)", stores[0])
	}
	var ds *ingest.Dataset
	var err error
	if plan != nil {
		ds, err = ingest.LoadFor(ctx, paths, opts, plan)
	} else {
		ds, err = ingest.Load(ctx, paths, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("reading --data: %w", err)
	}
	reportLoad(errOut, ds, quiet)
	return ds.Catalog, nil
}

// loadLimit is the bound of a raw load (ingest.Options.MaxBytes, 0: none) for --max-memory (checked.maxMemory:
// 0 the default, negative none), which bounds the query too: the engine's default, or the flag's value.
func loadLimit(maxMemory int64) int64 {
	switch {
	case maxMemory < 0:
		return 0
	case maxMemory == 0:
		return engine.DefaultMaxMemory()
	}
	return maxMemory
}

// openStoreCatalog opens the store in dir and prints its tables.
func openStoreCatalog(errOut io.Writer, dir string, quiet bool) (catalog.Catalog, error) {
	st, err := storage.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("reading --data: %w", err)
	}
	if !quiet {
		tables := st.Tables()
		parts := make([]string, len(tables))
		var total int64
		for i, t := range tables {
			parts[i] = fmt.Sprintf("%s (%d)", t.Name, t.Rows)
			total += t.Rows
		}
		fmt.Fprintf(errOut, "Store %s: %d rows: %s\n", dir, total, strings.Join(parts, ", "))
	}
	return st.Catalog(), nil
}

// queryPlanner says what queries need of raw files, for ingest.LoadFor: the union of the scans of each query,
// planned with opts against the catalog of the files' tables. lookups are tables the run adds empty when the
// data lacks them (see rules.WithEmptyKnownTables), so the plan sees them too.
func queryPlanner(queries []*source.Source, opts engine.Options, lookups []string) ingest.Planner {
	return func(cat catalog.Catalog) (map[string]ingest.TableNeeds, error) {
		opts.Catalog, _ = rules.WithEmptyKnownTables(cat, lookups)
		scans := map[string][]catalog.ScanRequest{}
		for _, q := range queries {
			reqs, err := engine.OpenScanRequests(q, opts)
			if err != nil {
				return nil, err
			}
			for t, r := range reqs {
				scans[t] = append(scans[t], r...)
			}
		}
		return ingest.NeedsOf(scans), nil
	}
}
