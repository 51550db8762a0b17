// Package storage is kqlhunt's local column store: Parquet files partitioned by table and day,
//
//	STORE/<Table>/day=YYYY-MM-DD/part-<hash>.parquet
//
// with a JSON manifest per table (schema, time column, and for each file its rows, time ranges and the ingest
// it came from) so that scans skip whole files by time without opening them, and row groups by their Parquet
// statistics. The files are plain Parquet that DuckDB and Spark read; see parquet.go for the column encodings.
//
// Ingest is atomic (files are written under temp names, synced, renamed; the commit record is replaced last,
// with one rename) and idempotent (a source file whose size and SHA-256 were already committed adds no rows).
//
// Other tools read a table as one Parquet dataset with Hive partitions, e.g. in DuckDB:
//
//	SELECT * FROM read_parquet('STORE/UrlClickEvents/*/*.parquet', hive_partitioning = true, union_by_name = true)
//
// (union_by_name because columns may be added by later ingests, and files with datetimes outside 1677..2262
// have an extra __kqlhunt_ticks_<column> column).
package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Store is a directory of Parquet files partitioned by table and day.
type Store struct {
	dir string

	mu     sync.RWMutex
	state  storeState
	tables map[string]*storeTable

	// filesOpened counts Parquet files opened by scans (tests check pruning with it).
	filesOpened atomic.Int64
}

// failHook, when set by a test, is called at each step of an ingest; an error it returns aborts the ingest
// there, as a crash would.
var failHook func(step string) error

func failpoint(step string) error {
	if failHook != nil {
		return failHook(step)
	}
	return nil
}

// Open opens the store in dir, creating an empty store when dir does not exist or is empty.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store %s: %w", dir, err)
	}
	s := &Store{dir: dir}
	if err := s.reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// reload reads the committed state from disk. An ingest in another process may commit between the reads of
// the commit record and of a manifest it names, and then delete that manifest; reading again settles it.
func (s *Store) reload() error {
	var err error
	for try := 0; try < 5; try++ {
		if err = s.reloadOnce(); !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return err
}

// reloadOnce reads the commit record and the manifests it names.
func (s *Store) reloadOnce() error {
	st, err := readState(s.dir)
	if err != nil {
		return err
	}
	tables := map[string]*storeTable{}
	for name, rel := range st.Tables {
		var m tableManifest
		if err := readJSONFile(filepath.Join(s.dir, filepath.FromSlash(rel)), &m); err != nil {
			return fmt.Errorf("store %s: table %s: %w", s.dir, name, err)
		}
		if m.Table != name {
			return fmt.Errorf("store %s: manifest %s is of table %q, not %q", s.dir, rel, m.Table, name)
		}
		t, err := newStoreTable(s, name, filepath.Dir(filepath.FromSlash(rel)), &m)
		if err != nil {
			return fmt.Errorf("store %s: %w", s.dir, err)
		}
		tables[name] = t
	}
	s.mu.Lock()
	s.state, s.tables = st, tables
	s.mu.Unlock()
	return nil
}

// readState reads the commit record of the store in dir; a store without one is empty.
func readState(dir string) (storeState, error) {
	st := storeState{Format: stateFormat, Version: stateVersion, Tables: map[string]string{}}
	path := filepath.Join(dir, stateFileName)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return st, fmt.Errorf("store %s: %w", dir, err)
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), "_") && looksLikeData(filepath.Join(dir, e.Name())) {
				return st, fmt.Errorf("store %s: the directory holds files but no %s: not a kqlhunt store", dir, stateFileName)
			}
		}
		return st, nil
	}
	if err := readJSONFile(path, &st); err != nil {
		return st, fmt.Errorf("store %s: %w", dir, err)
	}
	if st.Format != stateFormat {
		return st, fmt.Errorf("store %s: %s is not a kqlhunt store record (format %q)", dir, path, st.Format)
	}
	if st.Version < 1 || st.Version > stateVersion {
		return st, fmt.Errorf("store %s: format version %d is not supported (this kqlhunt reads versions 1 to %d)", dir, st.Version, stateVersion)
	}
	if st.Tables == nil {
		st.Tables = map[string]string{}
	}
	return st, nil
}

// looksLikeData reports whether path is a regular file or a directory holding anything other than a store's
// own leftovers; a directory of only temp files from a killed first ingest is still an empty store.
func looksLikeData(path string) bool {
	found := false
	filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || found {
			return filepath.SkipAll
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), tempPrefix) && !strings.HasPrefix(d.Name(), "part-") && !strings.HasPrefix(d.Name(), "_manifest-") {
			found = true
		}
		return nil
	})
	return found
}

// Catalog returns the store's tables as a catalog; each table's Scan prunes by time and column.
// The catalog is a snapshot: a later ingest through this Store is seen by the next call.
func (s *Store) Catalog() catalog.Catalog {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := catalog.Map{}
	for name, t := range s.tables {
		m[name] = t
	}
	return m
}

// TableNames returns the stored tables, sorted.
func (s *Store) TableNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TableInfo describes one stored table.
type TableInfo struct {
	Name       string
	Schema     []types.Field
	TimeColumn string
	Rows       int64
	Files      int
	Bytes      int64
	MinTime    int64 // ticks of the earliest time-column value; 0 when none
	MaxTime    int64
}

// Tables describes the stored tables, sorted by name.
func (s *Store) Tables() []TableInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []TableInfo
	for _, t := range s.tables {
		info := TableInfo{Name: t.name, Schema: t.schema, TimeColumn: t.timeColumn, Files: len(t.files)}
		for _, f := range t.files {
			info.Rows += f.Rows
			info.Bytes += f.Bytes
			if r, ok := f.ranges[t.timeColumn]; ok {
				if info.MinTime == 0 || r[0] < info.MinTime {
					info.MinTime = r[0]
				}
				if r[1] > info.MaxTime {
					info.MaxTime = r[1]
				}
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// tableDirName maps a table name to a directory name that is safe on every file system: bytes outside
// [A-Za-z0-9_-] and a leading '_' or '.' are written as %XX.
func tableDirName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		safe := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' && i > 0
		if safe {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if b.Len() == 0 {
		return "%00"
	}
	return b.String()
}
