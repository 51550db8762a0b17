package storage

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// The store's committed state lives in two levels of JSON:
//
//	STORE/_kqlhunt_store.json            the commit record: generation, table -> manifest path, ingests
//	STORE/<Table>/_manifest-<gen>.json   one per table: schema, time column, part files with rows and time ranges
//	STORE/_sources/ingest-<gen>.json     one per ingest: the source files it stored (path, size, SHA-256)
//
// The source lists are apart (since version 2) because only an ingest needs them, while every query opens the
// commit record: an export tree has thousands of hourly blobs, and parsing their list took a fifth of a query.
// A version 1 store lists them inline in its ingest records; its next commit moves them out (moveInlineSources).
//
// An ingest writes new part files and new table manifests under fresh names, then replaces the commit record
// with one rename. Whatever is not named by the commit record (temp files, parts of an ingest that died before
// its commit, superseded manifests) is garbage that the next ingest removes.

const (
	stateFileName = "_kqlhunt_store.json"
	stateFormat   = "kqlhunt-store"
	stateVersion  = 2
	quarantineDir = "_quarantine"
	sourcesDir    = "_sources"
	tempPrefix    = ".tmp-"
	// nullDay is the partition of rows whose time column is null (or tables without one); Hive and Spark read
	// this directory name as a null partition value.
	nullDay = "__HIVE_DEFAULT_PARTITION__"
)

// storeState is the commit record.
type storeState struct {
	Format     string            `json:"format"`
	Version    int               `json:"version"`
	Generation int64             `json:"generation"`
	Tables     map[string]string `json:"tables"` // table name -> manifest path relative to the store
	Ingests    []ingestRecord    `json:"ingests"`
}

// ingestRecord is one committed ingest.
type ingestRecord struct {
	ID int64     `json:"id"`
	At time.Time `json:"at"`
	// SourcesFile names the file (relative to the store) listing the ingest's source files; version 1 stores
	// list them in Sources instead.
	SourcesFile string         `json:"sourcesFile,omitempty"`
	Sources     []sourceRecord `json:"sources,omitempty"`
	Records     int64          `json:"records"`
	Stored      int64          `json:"stored"`
	Quarantined int64          `json:"quarantined"`
	Quarantine  string         `json:"quarantine,omitempty"` // quarantine file relative to the store
}

// sourceRecord identifies one source file by path, size and content hash.
type sourceRecord struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// moveInlineSources writes the source lists that ingests recorded inline (version 1 stores) to files of their own,
// _sources/ingest-<id>.json, and points the records at them, so that the commit record being written no longer
// carries them: every query parses it. ingests are the records of that commit record (a copy of the store's);
// the files written are the ingest's own until it commits, removed if it fails.
func (in *ingestRun) moveInlineSources(ingests []ingestRecord) error {
	for i := range ingests {
		rec := &ingests[i]
		if len(rec.Sources) == 0 {
			continue
		}
		if rec.SourcesFile == "" {
			data, err := json.Marshal(rec.Sources)
			if err != nil {
				return err
			}
			rel := sourcesDir + "/" + fmt.Sprintf("ingest-%d.json", rec.ID)
			path := filepath.Join(in.store.dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := writeFileAtomic(path, data, "inline-sources"); err != nil {
				return err
			}
			in.written = append(in.written, path)
			rec.SourcesFile = rel
		}
		rec.Sources = nil // a record with both is read from its file
	}
	return nil
}

// fieldJSON is a column in a manifest: its name and KQL type name.
type fieldJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// tableManifest lists a table's part files.
type tableManifest struct {
	Table      string      `json:"table"`
	TimeColumn string      `json:"timeColumn,omitempty"`
	Schema     []fieldJSON `json:"schema"`
	Files      []partFile  `json:"files"`
}

// partFile is one Parquet file of a table.
type partFile struct {
	Path      string `json:"path"` // relative to the table directory: day=YYYY-MM-DD/part-<hash>.parquet
	Day       string `json:"day"`
	Rows      int64  `json:"rows"`
	Bytes     int64  `json:"bytes"`
	RowGroups int    `json:"rowGroups"`
	// Time holds, for every datetime column with at least one non-null value, its min and max (inclusive).
	Time    map[string]timeRange `json:"time,omitempty"`
	Ingest  int64                `json:"ingest"`
	Sources []string             `json:"sources,omitempty"` // when the rows' source files are known per batch
}

// timeRange is a closed range of datetimes, written as Kusto prints them so the manifest is readable.
type timeRange struct {
	Min string `json:"min"`
	Max string `json:"max"`
}

func newTimeRange(lo, hi int64) timeRange {
	return timeRange{Min: types.FormatDateTime(lo), Max: types.FormatDateTime(hi)}
}

// ticks returns the range as ticks.
func (r timeRange) ticks() (lo, hi int64, err error) {
	lo, ok1 := types.ParseDateTime(r.Min)
	hi, ok2 := types.ParseDateTime(r.Max)
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("bad time range %q..%q", r.Min, r.Max)
	}
	return lo, hi, nil
}

func fieldsToJSON(fields []types.Field) []fieldJSON {
	out := make([]fieldJSON, len(fields))
	for i, f := range fields {
		out[i] = fieldJSON{Name: f.Name, Type: f.Type.String()}
	}
	return out
}

func fieldsFromJSON(fj []fieldJSON) ([]types.Field, error) {
	out := make([]types.Field, len(fj))
	for i, f := range fj {
		t, ok := types.ParseType(f.Type)
		if !ok {
			return nil, fmt.Errorf("column %q has unknown type %q", f.Name, f.Type)
		}
		out[i] = types.Field{Name: f.Name, Type: t}
	}
	return out, nil
}

// readJSONFile decodes path into v, naming the file in errors.
func readJSONFile(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// writeFileAtomic writes data to path through a synced temp file in the same directory and a rename.
// The steps are reported to the failure hook, so tests can stop the write at each of them.
func writeFileAtomic(path string, data []byte, step string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := failpoint(step + "-written"); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := failpoint(step + "-synced"); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return err
	}
	ok = true
	return syncDir(dir)
}

// syncDir makes a rename or create in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isSyncUnsupported(err) {
		return err
	}
	return nil
}
