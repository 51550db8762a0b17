package storage

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// SourceFile identifies a source file by path, size and SHA-256 of its content.
type SourceFile struct {
	Path string
	Size int64
	// SHA256 is hex. Empty means it is not known yet: PendingFiles leaves out the hash of a file whose size no
	// other source has (it cannot be a copy of one), and the ingest takes it from the load (LoadStep.Hashes),
	// or hashes the file itself before it commits.
	SHA256 string
}

// SourceBatch is a batch of rows of one table.
type SourceBatch struct {
	Table string
	Rows  *types.Table
	// Source is the path of the file the rows came from (one of the source's Files), or "" when the batch
	// may mix rows of all of them (as the tables of ingest.Load do).
	Source string
}

// IngestSource yields what an ingest stores: the source files it covers, then batches tagged with their table.
// The source files are what makes ingest idempotent: a file whose size and content hash are already in the
// store adds no rows again.
type IngestSource interface {
	Files() []SourceFile
	// Next returns the next batch, io.EOF after the last.
	Next(ctx context.Context) (SourceBatch, error)
}

// Problem is a record (or file) the loaders could not read; it goes to the quarantine file.
type Problem struct {
	File   string
	Line   int // 1-based; 0 when not line-based
	Reason string
}

// Progress is how far an ingest got: rows taken from the source and Parquet bytes written so far.
type Progress struct {
	Rows  int64
	Bytes int64
}

// IngestOptions tunes an ingest.
type IngestOptions struct {
	// Problems are the loaders' unreadable records; they are written to STORE/_quarantine/<time>.jsonl and
	// counted as quarantined.
	Problems []Problem
	// Progress, when set, is called after each batch.
	Progress func(Progress)
	// RowGroupRows caps a Parquet row group (default 65536).
	RowGroupRows int
	// MaxBufferedRows caps the rows held for sorting before a part file is written (default 1<<20).
	MaxBufferedRows int
	// MaxBufferedBytes caps the memory of the rows held for sorting (an estimate: 8 bytes per number, string
	// bytes plus their headers); past it the day that went longest without new rows is written (see
	// flushStalest). With MaxBufferedRows it bounds the
	// ingest's memory beyond what the source itself holds. Default DefaultMaxBufferedBytes.
	MaxBufferedBytes int64
	// Now stamps the ingest and names the quarantine file (default time.Now).
	Now func() time.Time
}

// DefaultMaxBufferedBytes is the default IngestOptions.MaxBufferedBytes: a few days of a large table, so that
// most days are written as one part file, while an ingest of any size stays within a few hundred MB.
const DefaultMaxBufferedBytes = 64 << 20

// IngestSummary reconciles an ingest: RecordsRead = Stored + Quarantined + AlreadyIngested.
type IngestSummary struct {
	RecordsRead     int64 // rows the source yielded plus Problems
	Stored          int64
	Quarantined     int64
	AlreadyIngested int64            // rows (and problems) of source files already in the store, not stored again
	Tables          map[string]int64 // rows stored per table
	PartFiles       int              // Parquet files written
	Bytes           int64            // Parquet bytes written
	NewSources      []SourceFile     // source files recorded by this ingest
	SkippedSources  []SourceFile     // source files already in the store (or repeated in this ingest)
	QuarantineFile  string           // path of the quarantine file, "" when there were no problems
	IngestID        int64            // 0 when nothing was committed
}

// String sums the ingest up in one line for a terminal, e.g. "stored 1200 rows in 2 tables (7 files, 1.2 MB);
// quarantined 1 record (STORE/_quarantine/....jsonl); 1 source file already in the store".
func (s *IngestSummary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %d records: stored %d rows in %d %s (%d %s, %s)", s.RecordsRead, s.Stored, len(s.Tables),
		plural(len(s.Tables), "table", "tables"), s.PartFiles, plural(s.PartFiles, "file", "files"), formatBytes(s.Bytes))
	if s.Quarantined > 0 {
		fmt.Fprintf(&b, "; quarantined %d %s (%s)", s.Quarantined, plural(int(s.Quarantined), "record", "records"), s.QuarantineFile)
	}
	if n := len(s.SkippedSources); n > 0 {
		fmt.Fprintf(&b, "; %d source %s already in the store", n, plural(n, "file", "files"))
	}
	if s.AlreadyIngested > 0 {
		fmt.Fprintf(&b, " (%d records not stored again)", s.AlreadyIngested)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// formatBytes prints a size in decimal units: 999 B, 1.2 kB, 3.4 MB, 5.6 GB.
func formatBytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1_000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1_000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// partWriters are the 1 MB write buffers of part files, reused from one part to the next.
var partWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<20) }}

// hashBuffers are the read buffers of HashFile: 1 MB reads, a few system calls per file instead of one per 32 KB.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// HashFile returns a file's size and SHA-256.
func HashFile(path string) (SourceFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return SourceFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	buf := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(buf)
	n, err := io.CopyBuffer(h, struct{ io.Reader }{f}, *buf) // the struct hides File.WriteTo and its 32 KB reads
	if err != nil {
		return SourceFile{}, fmt.Errorf("%s: %w", path, err)
	}
	return SourceFile{Path: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// PendingFiles lists the files under paths (files, or folders walked recursively, skipping names that start
// with '.', as ingest.Load does) and splits them into those not yet in the store and those already in it (same
// size and content, whatever the path) or repeated in the list. Give the pending paths to the loaders and to
// Ingest; already-ingested files then cost one read for the hash and no parsing.
func (s *Store) PendingFiles(paths []string) (pending, skipped []SourceFile, err error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(files)
	s.mu.RLock()
	known, err := s.knownSources()
	s.mu.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	// Only a file whose size another source has (in the store or in the list) can be a copy of it, and only
	// those are hashed now, on every core; the others are hashed while they are loaded.
	listed := make([]SourceFile, len(files))
	sizes := map[int64]int{}
	for i, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return nil, nil, err
		}
		listed[i] = SourceFile{Path: f, Size: st.Size()}
		sizes[st.Size()]++
	}
	knownSizes := knownSizes(known)
	if err := forEachParallelN(len(listed), runtime.GOMAXPROCS(0), func(i int) error {
		if sizes[listed[i].Size] < 2 && !knownSizes[listed[i].Size] {
			return nil
		}
		sf, err := HashFile(listed[i].Path)
		listed[i] = sf
		return err
	}); err != nil {
		return nil, nil, err
	}
	for _, sf := range listed {
		if sf.SHA256 == "" {
			pending = append(pending, sf)
			continue
		}
		key := sourceKey(sf)
		if _, dup := known[key]; dup {
			skipped = append(skipped, sf)
			continue
		}
		known[key] = sf.Path
		pending = append(pending, sf)
	}
	return pending, skipped, nil
}

// knownSizes returns the sizes of the sources in known (keyed as sourceKey makes them).
func knownSizes(known map[string]string) map[int64]bool {
	sizes := map[int64]bool{}
	for key := range known {
		var size int64
		if _, err := fmt.Sscanf(key, "%d:", &size); err == nil {
			sizes[size] = true
		}
	}
	return sizes
}

func sourceKey(sf SourceFile) string { return fmt.Sprintf("%d:%s", sf.Size, sf.SHA256) }

// knownSources maps size:hash of every committed source file to its path, reading the ingests' source lists.
// The caller holds s.mu.
func (s *Store) knownSources() (map[string]string, error) {
	known := map[string]string{}
	for _, ing := range s.state.Ingests {
		sources := ing.Sources
		if ing.SourcesFile != "" {
			if err := readJSONFile(filepath.Join(s.dir, filepath.FromSlash(ing.SourcesFile)), &sources); err != nil {
				return nil, fmt.Errorf("store %s: ingest %d: %w", s.dir, ing.ID, err)
			}
		}
		for _, src := range sources {
			known[sourceKey(SourceFile{Size: src.Size, SHA256: src.SHA256})] = src.Path
		}
	}
	return known, nil
}

// catalogSource yields every batch of every table of a catalog.
type catalogSource struct {
	cat    catalog.Catalog
	files  []SourceFile
	names  []string
	reader catalog.BatchReader
	table  string
}

// FromCatalog makes an IngestSource of the tables of cat (such as ingest.Load's Dataset.Catalog), whose rows
// came from files (as PendingFiles returned them).
func FromCatalog(cat catalog.Catalog, files []SourceFile) IngestSource {
	return &catalogSource{cat: cat, files: files, names: cat.TableNames()}
}

func (c *catalogSource) Files() []SourceFile { return c.files }

func (c *catalogSource) Next(ctx context.Context) (SourceBatch, error) {
	for {
		if c.reader == nil {
			if len(c.names) == 0 {
				return SourceBatch{}, io.EOF
			}
			c.table, c.names = c.names[0], c.names[1:]
			t, ok := c.cat.Table(c.table)
			if !ok {
				continue
			}
			r, err := t.Scan(ctx, catalog.ScanRequest{})
			if err != nil {
				return SourceBatch{}, fmt.Errorf("table %s: %w", c.table, err)
			}
			c.reader = r
		}
		b, err := c.reader.Next(ctx)
		if errors.Is(err, io.EOF) {
			c.reader.Close()
			c.reader = nil
			continue
		}
		if err != nil {
			return SourceBatch{}, fmt.Errorf("table %s: %w", c.table, err)
		}
		return SourceBatch{Table: c.table, Rows: b}, nil
	}
}

// Ingest stores the batches of src, atomically: either all of them are committed or, on any error (or a
// crash or kill at any point), the store is as it was. Source files already in the store are skipped.
func (s *Store) Ingest(ctx context.Context, src IngestSource, opts IngestOptions) (*IngestSummary, error) {
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = batchRows
	}
	if opts.MaxBufferedRows <= 0 {
		opts.MaxBufferedRows = 1 << 20
	}
	if opts.MaxBufferedBytes <= 0 {
		opts.MaxBufferedBytes = DefaultMaxBufferedBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	lock, err := lockStore(filepath.Join(s.dir, ".lock"))
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	// Another process may have committed since Open; start from what is on disk, without its garbage.
	if err := s.reload(); err != nil {
		return nil, err
	}
	s.collectGarbage()

	in := &ingestRun{store: s, opts: opts, tables: map[string]*tableIngest{}, sum: &IngestSummary{Tables: map[string]int64{}}, reserved: map[string]bool{}, writers: make(chan struct{}, runtime.GOMAXPROCS(0))}
	in.id = s.state.Generation + 1
	in.src = src
	if c, ok := src.(io.Closer); ok {
		// A source that loads ahead (FromSteps) stops when the ingest ends, whatever ended it.
		defer c.Close()
	}
	if err := in.sortSources(src.Files()); err != nil {
		return nil, err
	}
	in.syncer = newPartSyncer(4)
	err = in.run(ctx, src)
	if werr := in.waitWriters(); err == nil {
		err = werr
	}
	if serr := in.syncer.wait(); err == nil {
		err = serr
	}
	in.report()
	if err == nil {
		err = in.placeParts()
	}
	if err == nil {
		err = in.commit()
	}
	if err != nil {
		in.removeWritten()
		return nil, err
	}
	return in.sum, nil
}

// ingestRun is the state of one Ingest.
type ingestRun struct {
	store   *Store
	opts    IngestOptions
	id      int64
	tables  map[string]*tableIngest
	order   []string
	sum     *IngestSummary
	skipped map[string]bool // paths of sources already in the store
	// mixed is set when some sources are new and some are not: then batches must name their source.
	mixed    bool
	allKnown bool
	buffered int
	batches  int64 // source batches added so far (dayBuffer.touched counts in them)
	// bufferedBytes estimates the memory of the buffered rows (see tableBytes).
	bufferedBytes int64
	// Part writers run concurrently; mu guards what they update: written, pending, reserved, firstErr, the
	// tables' created lists and the summary's counts.
	mu       sync.Mutex
	writers  chan struct{}
	writing  sync.WaitGroup
	firstErr error
	written  []string // files this ingest created, removed again if it fails
	pending  []pendingPart
	reserved map[string]bool // part names taken by this ingest
	progress Progress
	syncer   *partSyncer
	src      IngestSource
}

// tableIngest is one table's part of an ingest.
type tableIngest struct {
	name       string
	dir        string // relative to the store
	fields     []types.Field
	timeColumn string
	existing   []partFile
	created    []partFile
	days       map[string]*dayBuffer
}

// dayBuffer holds a day's rows until they are sorted and written.
type dayBuffer struct {
	day     string
	pieces  []*types.Table
	rows    int
	bytes   int64
	sources map[string]bool
	// touched is the number of the last source batch that added rows to the day.
	touched int64
}

// sortSources splits the source's files into new ones and ones already in the store (or repeated), hashing
// those that come without a hash.
func (in *ingestRun) sortSources(files []SourceFile) error {
	s := in.store
	known, err := s.knownSources()
	if err != nil {
		return err
	}
	in.skipped = map[string]bool{}
	sizes := knownSizes(known)
	listedSizes := map[int64]int{}
	for _, f := range files {
		listedSizes[f.Size]++
	}
	for _, f := range files {
		if f.SHA256 == "" && (f.Size == 0 || sizes[f.Size] || listedSizes[f.Size] > 1) {
			// It may be a copy of another source: hash it now (a file of a size no other source has is
			// hashed from the load, or at the commit).
			hashed, err := HashFile(f.Path)
			if err != nil {
				return err
			}
			f = hashed
		}
		if f.SHA256 == "" {
			in.sum.NewSources = append(in.sum.NewSources, f)
			continue
		}
		key := sourceKey(f)
		if _, dup := known[key]; dup {
			in.skipped[f.Path] = true
			in.sum.SkippedSources = append(in.sum.SkippedSources, f)
			continue
		}
		known[key] = f.Path
		in.sum.NewSources = append(in.sum.NewSources, f)
	}
	in.mixed = len(in.sum.NewSources) > 0 && len(in.sum.SkippedSources) > 0
	in.allKnown = len(files) > 0 && len(in.sum.NewSources) == 0
	return nil
}

// run takes every batch of the source into day buffers, writing parts as the buffers fill, then the rest.
func (in *ingestRun) run(ctx context.Context, src IngestSource) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if b.Rows == nil || b.Rows.NumRows() == 0 {
			continue
		}
		n := int64(b.Rows.NumRows())
		in.sum.RecordsRead += n
		in.mu.Lock()
		in.progress.Rows += n
		in.mu.Unlock()
		switch {
		case b.Source != "" && in.skipped[b.Source], b.Source == "" && in.allKnown:
			in.sum.AlreadyIngested += n
		case b.Source == "" && in.mixed:
			return fmt.Errorf("table %s: the batch may mix rows of files already in the store with new ones; ingest only the files PendingFiles returns", b.Table)
		default:
			in.batches++
			if err := in.add(b); err != nil {
				return err
			}
			for in.buffered > in.opts.MaxBufferedRows || in.bufferedBytes > in.opts.MaxBufferedBytes {
				if err := in.flushStalest(); err != nil {
					return err
				}
			}
		}
		in.report()
	}
	for _, name := range in.order {
		t := in.tables[name]
		days := make([]string, 0, len(t.days))
		for d := range t.days {
			days = append(days, d)
		}
		sort.Strings(days)
		for _, d := range days {
			if err := in.flush(t, t.days[d]); err != nil {
				return err
			}
		}
	}
	if ps, ok := src.(sourceProblems); ok {
		in.opts.Problems = append(in.opts.Problems[:len(in.opts.Problems):len(in.opts.Problems)], ps.Problems()...)
	}
	for _, p := range in.opts.Problems {
		if in.skipped[p.File] {
			in.sum.AlreadyIngested++
			continue
		}
		in.sum.Quarantined++
	}
	in.sum.RecordsRead += int64(len(in.opts.Problems))
	return nil
}

// report calls the progress callback.
func (in *ingestRun) report() {
	if in.opts.Progress == nil {
		return
	}
	in.mu.Lock()
	p := in.progress
	in.mu.Unlock()
	in.opts.Progress(p)
}

// table returns the ingest state of a table, starting from what the store has.
func (in *ingestRun) table(name string, first *types.Table) *tableIngest {
	if t, ok := in.tables[name]; ok {
		return t
	}
	t := &tableIngest{name: name, days: map[string]*dayBuffer{}}
	if st, ok := in.store.tables[name]; ok {
		t.dir = st.dir
		t.fields = slices.Clone(st.schema)
		t.timeColumn = st.timeColumn
		t.existing = st.manifest.Files
	} else {
		t.dir = tableDirName(name)
		t.timeColumn = chooseTimeColumn(first.Fields)
	}
	in.tables[name] = t
	in.order = append(in.order, name)
	return t
}

// chooseTimeColumn picks the column a table is partitioned and sorted by: Timestamp (Defender XDR),
// TimeGenerated (Sentinel), or the first datetime column.
func chooseTimeColumn(fields []types.Field) string {
	for _, want := range []string{"Timestamp", "TimeGenerated"} {
		for _, f := range fields {
			if f.Name == want && f.Type == types.DateTime {
				return f.Name
			}
		}
	}
	for _, f := range fields {
		if f.Type == types.DateTime {
			return f.Name
		}
	}
	return ""
}

// add merges a batch's columns into the table schema and buffers its rows by day.
func (in *ingestRun) add(b SourceBatch) error {
	if b.Table == "" {
		return errors.New("a batch without a table name")
	}
	if len(b.Rows.Fields) != len(b.Rows.Cols) {
		return fmt.Errorf("table %s: batch has %d fields and %d columns", b.Table, len(b.Rows.Fields), len(b.Rows.Cols))
	}
	n := b.Rows.NumRows()
	for i, c := range b.Rows.Cols {
		if c.Len() != n || c.Type != b.Rows.Fields[i].Type {
			return fmt.Errorf("table %s: column %s is malformed (%d rows of %s for %d rows of %s)", b.Table, b.Rows.Fields[i].Name, c.Len(), c.Type, n, b.Rows.Fields[i].Type)
		}
	}
	t := in.table(b.Table, b.Rows)
	for _, f := range b.Rows.Fields {
		i := slices.IndexFunc(t.fields, func(g types.Field) bool { return g.Name == f.Name })
		if i < 0 {
			t.fields = append(t.fields, f)
			continue
		}
		t.fields[i].Type = unifyTypes(t.fields[i].Type, f.Type)
	}
	var days []string
	var rowsOf [][]int
	if ti := b.Rows.ColumnIndex(t.timeColumn); ti >= 0 && b.Rows.Cols[ti].Type == types.DateTime {
		tc := b.Rows.Cols[ti]
		index := map[int64]int{}
		var lastDay int64
		last := -1
		for r := 0; r < n; r++ {
			d := int64(math.MinInt64)
			if !tc.Nulls.Get(r) {
				d = floorDiv(tc.Ints[r], types.TicksPerDay)
			}
			if d != lastDay || last < 0 {
				k, ok := index[d]
				if !ok {
					k = len(days)
					index[d] = k
					name := nullDay
					if d != math.MinInt64 {
						name = types.TicksToTime(d * types.TicksPerDay).Format("2006-01-02")
					}
					days = append(days, name)
					rowsOf = append(rowsOf, nil)
				}
				last, lastDay = k, d
			}
			rowsOf[last] = append(rowsOf[last], r)
		}
	} else {
		days = []string{nullDay}
	}
	for k, day := range days {
		piece := b.Rows
		if len(days) > 1 {
			piece = &types.Table{Fields: b.Rows.Fields, Cols: make([]*types.Column, len(b.Rows.Cols))}
			rows := rowsOf[k]
			// A large run of consecutive rows (time-ordered input: most of a day) shares the batch's memory; a
			// small or scattered set is copied, so that a few late rows never keep a whole batch alive.
			run := rows[len(rows)-1]-rows[0]+1 == len(rows) && 4*len(rows) >= n
			for i, c := range b.Rows.Cols {
				if run {
					piece.Cols[i] = c.Slice(rows[0], rows[0]+len(rows))
				} else {
					piece.Cols[i] = c.Gather(rows)
				}
			}
		}
		buf := t.days[day]
		if buf == nil {
			buf = &dayBuffer{day: day, sources: map[string]bool{}}
			t.days[day] = buf
		}
		size := tableBytes(piece)
		buf.pieces = append(buf.pieces, piece)
		buf.rows += piece.NumRows()
		buf.bytes += size
		buf.touched = in.batches
		if b.Source != "" {
			buf.sources[b.Source] = true
		}
		in.buffered += piece.NumRows()
		in.bufferedBytes += size
	}
	return nil
}

// tableBytes estimates the memory a batch holds: 8 bytes per number, a string's bytes and header, a guess for
// a dynamic value. Strings shared between rows (interned values) are counted each time, so it errs high.
func tableBytes(t *types.Table) int64 {
	var n int64
	for _, c := range t.Cols {
		switch c.Type.Physical() {
		case types.PhysInt:
			n += 8 * int64(len(c.Ints))
		case types.PhysReal:
			n += 8 * int64(len(c.Reals))
		case types.PhysStr:
			n += 16 * int64(len(c.Strs))
			for _, s := range c.Strs {
				n += int64(len(s))
			}
		case types.PhysDyn:
			n += 64 * int64(len(c.Dyns))
		}
	}
	return n
}

// flushStalest writes the buffered day that went longest without new rows, the largest of those, to bring the
// buffered rows under the limits. Exports come mostly in time order, so that day is usually complete and
// becomes one part file; flushing the largest day instead would often cut the day still being read into
// many small parts, and every part costs a query a file to open.
func (in *ingestRun) flushStalest() error {
	var bt *tableIngest
	var bb *dayBuffer
	for _, name := range in.order {
		t := in.tables[name]
		for _, b := range t.days {
			if bb == nil || b.touched < bb.touched || b.touched == bb.touched && (b.bytes > bb.bytes || b.bytes == bb.bytes && b.day < bb.day) {
				bt, bb = t, b
			}
		}
	}
	if bb == nil {
		return nil
	}
	return in.flush(bt, bb)
}

// flush hands a day's rows to a writer goroutine, which sorts them by the time column and writes them as one
// part file; up to GOMAXPROCS parts are written at once.
func (in *ingestRun) flush(t *tableIngest, buf *dayBuffer) error {
	delete(t.days, buf.day)
	in.buffered -= buf.rows
	in.bufferedBytes -= buf.bytes
	if buf.rows == 0 {
		return nil
	}
	if err := in.writeErr(); err != nil {
		return err
	}
	// The table's columns may still grow or widen; the part keeps the ones it was cut with.
	fields, timeColumn := slices.Clone(t.fields), t.timeColumn
	in.writers <- struct{}{}
	in.writing.Add(1)
	go func() {
		defer in.writing.Done()
		defer func() { <-in.writers }()
		if err := in.writePart(t, fields, timeColumn, buf); err != nil {
			in.mu.Lock()
			if in.firstErr == nil {
				in.firstErr = err
			}
			in.mu.Unlock()
		}
	}()
	return nil
}

// writeErr returns the first error of a part writer.
func (in *ingestRun) writeErr() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.firstErr
}

// waitWriters waits for the part writers and returns the first error.
func (in *ingestRun) waitWriters() error {
	in.writing.Wait()
	return in.writeErr()
}

// writePart writes one part file under a temp name.
func (in *ingestRun) writePart(t *tableIngest, fields []types.Field, timeColumn string, buf *dayBuffer) error {
	// Align every piece to the part's columns and types.
	pieces := make([][]*types.Column, len(buf.pieces))
	timeIdx := slices.IndexFunc(fields, func(f types.Field) bool { return f.Name == timeColumn })
	for p, piece := range buf.pieces {
		cols := make([]*types.Column, len(fields))
		for i, f := range fields {
			j := piece.ColumnIndex(f.Name)
			if j < 0 {
				continue
			}
			c := piece.Cols[j]
			if c.Type != f.Type {
				c = convertColumn(c, f.Type)
			}
			cols[i] = c
		}
		pieces[p] = cols
	}
	refs := make([]rowRef, 0, buf.rows)
	for p, piece := range buf.pieces {
		for r := 0; r < piece.NumRows(); r++ {
			refs = append(refs, rowRef{piece: int32(p), row: int32(r)})
		}
	}
	if timeIdx >= 0 {
		refs = sortByTime(refs, pieces, timeIdx)
	}
	dayDir := filepath.Join(in.store.dir, t.dir, "day="+buf.day)
	if err := os.MkdirAll(dayDir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dayDir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmpName)
		return err
	}
	bw := partWriters.Get().(*bufio.Writer)
	bw.Reset(tmp)
	defer func() {
		bw.Reset(nil)
		partWriters.Put(bw)
	}()
	counter := &countingWriter{w: bw}
	stats, err := writeParquet(counter, t.name, timeColumn, fields, pieces, refs, in.opts.RowGroupRows)
	if err != nil {
		return fail(fmt.Errorf("table %s, day %s: %w", t.name, buf.day, err))
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := failpoint("part-written"); err != nil {
		return fail(err)
	}
	in.mu.Lock()
	in.written = append(in.written, tmpName)
	in.mu.Unlock()
	// The file goes to disk in the background while the ingest goes on; it is renamed into place with the
	// others in placeParts, once all are synced.
	in.syncer.add(tmp)
	in.mu.Lock()
	defer in.mu.Unlock()
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return err
	}
	name := "part-" + hex.EncodeToString(id[:]) + ".parquet"
	for k := 2; ; k++ {
		final := filepath.Join(dayDir, name)
		if _, err := os.Stat(final); os.IsNotExist(err) && !in.reserved[final] {
			break
		}
		name = fmt.Sprintf("part-%s-%d.parquet", hex.EncodeToString(id[:]), k)
	}
	final := filepath.Join(dayDir, name)
	in.reserved[final] = true
	in.pending = append(in.pending, pendingPart{tmp: tmpName, final: final, dir: dayDir})
	pf := partFile{
		Path:      "day=" + buf.day + "/" + name,
		Day:       buf.day,
		Rows:      stats.rows,
		Bytes:     counter.n,
		RowGroups: stats.rowGroups,
		Ingest:    in.id,
	}
	if len(stats.ranges) > 0 {
		pf.Time = map[string]timeRange{}
		for col, r := range stats.ranges {
			pf.Time[col] = newTimeRange(r[0], r[1])
		}
	}
	for src := range buf.sources {
		pf.Sources = append(pf.Sources, src)
	}
	sort.Strings(pf.Sources)
	t.created = append(t.created, pf)
	in.sum.Stored += stats.rows
	in.sum.Tables[t.name] += stats.rows
	in.sum.PartFiles++
	in.sum.Bytes += counter.n
	in.progress.Bytes += counter.n
	return nil
}

// sortCreated orders a table's new parts by day, then name, whatever order the writers finished in.
func sortCreated(parts []partFile) {
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].Day != parts[j].Day {
			return parts[i].Day < parts[j].Day
		}
		return parts[i].Path < parts[j].Path
	})
}

// pendingPart is a part file written under a temp name, to be synced and renamed.
type pendingPart struct {
	tmp, final, dir string
}

// partSyncer flushes written part files to disk on a few goroutines while the ingest goes on (they wait on
// the disk, not the CPU), so that the commit does not wait for every file's writes at its end.
type partSyncer struct {
	queue  chan *os.File
	closed bool
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
}

func newPartSyncer(workers int) *partSyncer {
	queue := make(chan *os.File, 64)
	s := &partSyncer{queue: queue}
	for range workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for f := range queue {
				err := f.Sync()
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					s.mu.Lock()
					s.err = errors.Join(s.err, fmt.Errorf("%s: %w", f.Name(), err))
					s.mu.Unlock()
				}
			}
		}()
	}
	return s
}

// add syncs and closes f in the background; it waits while many files are queued.
func (s *partSyncer) add(f *os.File) { s.queue <- f }

// wait takes no more files (add must not be called after it), waits for the queued ones and returns their
// errors.
func (s *partSyncer) wait() error {
	if !s.closed {
		s.closed = true
		close(s.queue)
		s.wg.Wait()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// placeParts renames the written part files (synced by in.syncer) into place.
func (in *ingestRun) placeParts() error {
	if len(in.pending) == 0 {
		return nil
	}
	if err := failpoint("part-synced"); err != nil {
		return err
	}
	dirSet := map[string]bool{}
	var dirs []string
	for _, p := range in.pending {
		if err := os.Rename(p.tmp, p.final); err != nil {
			return err
		}
		in.written = append(in.written, p.final)
		if !dirSet[p.dir] {
			dirSet[p.dir] = true
			dirs = append(dirs, p.dir, filepath.Dir(p.dir))
		}
	}
	dirs = append(dirs, in.store.dir)
	slices.Sort(dirs)
	dirs = slices.Compact(dirs)
	if err := forEachParallel(len(dirs), func(i int) error { return syncDir(dirs[i]) }); err != nil {
		return err
	}
	return failpoint("part-renamed")
}

// forEachParallel runs f(0..n-1) on a few goroutines (they wait on the disk, not the CPU) and returns the
// first error.
func forEachParallel(n int, f func(i int) error) error { return forEachParallelN(n, 16, f) }

// forEachParallelN runs f(0..n-1) on at most workers goroutines and returns the errors joined.
func forEachParallelN(n, workers int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(n, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// sortByTime orders refs by the time column (nulls first), keeping the input order of equal times.
func sortByTime(refs []rowRef, pieces [][]*types.Column, timeIdx int) []rowRef {
	type keyed struct {
		key int64
		ref rowRef
	}
	ks := make([]keyed, len(refs))
	sorted := true
	for i, r := range refs {
		k := int64(math.MinInt64)
		if c := pieces[r.piece][timeIdx]; c != nil && !c.Nulls.Get(int(r.row)) {
			k = c.Ints[r.row]
		}
		ks[i] = keyed{k, r}
		if i > 0 && k < ks[i-1].key {
			sorted = false
		}
	}
	if sorted {
		return refs
	}
	// Ties are broken by input position (piece, then row), which keeps the input order as a stable sort would.
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.key != b.key:
			return cmp.Compare(a.key, b.key)
		case a.ref.piece != b.ref.piece:
			return cmp.Compare(a.ref.piece, b.ref.piece)
		}
		return cmp.Compare(a.ref.row, b.ref.row)
	})
	for i := range ks {
		refs[i] = ks[i].ref
	}
	return refs
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// quarantineLine is one line of a quarantine file.
type quarantineLine struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
	Ingest int64  `json:"ingest"`
}

// completeHashes fills in the hashes of new sources listed without one: from the digests the load made of the
// bytes it read (which also give the size read, should the file have grown since it was listed), or else by
// hashing the file now.
func (in *ingestRun) completeHashes() error {
	var late map[string]SourceFile
	if h, ok := in.src.(sourceHashes); ok {
		late = h.SourceHashes()
	}
	var todo []int
	for i, f := range in.sum.NewSources {
		if f.SHA256 != "" {
			continue
		}
		if d, ok := late[f.Path]; ok && d.SHA256 != "" {
			in.sum.NewSources[i].Size, in.sum.NewSources[i].SHA256 = d.Size, d.SHA256
			continue
		}
		todo = append(todo, i)
	}
	return forEachParallelN(len(todo), runtime.GOMAXPROCS(0), func(k int) error {
		i := todo[k]
		sf, err := HashFile(in.sum.NewSources[i].Path)
		if err == nil {
			in.sum.NewSources[i] = sf
		}
		return err
	})
}

// sourceHashes is implemented by sources whose load hashes the files it reads (LoadStep.Hashes).
type sourceHashes interface {
	SourceHashes() map[string]SourceFile
}

// commit writes the quarantine file and the new table manifests, then replaces the commit record.
func (in *ingestRun) commit() error {
	s := in.store
	now := in.opts.Now().UTC()
	rec := ingestRecord{ID: in.id, At: now, Records: in.sum.RecordsRead, Stored: in.sum.Stored, Quarantined: in.sum.Quarantined}
	if err := in.completeHashes(); err != nil {
		return err
	}
	sources := []sourceRecord{}
	for _, f := range in.sum.NewSources {
		sources = append(sources, sourceRecord{Path: f.Path, Size: f.Size, SHA256: f.SHA256})
	}
	if len(sources) == 0 && in.sum.Stored == 0 && in.sum.Quarantined == 0 {
		return nil // nothing new: the store stays as it is
	}
	if len(sources) > 0 {
		data, err := json.Marshal(sources)
		if err != nil {
			return err
		}
		rel := sourcesDir + "/" + fmt.Sprintf("ingest-%d.json", in.id)
		path := filepath.Join(s.dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := writeFileAtomic(path, data, "sources"); err != nil {
			return err
		}
		in.written = append(in.written, path)
		rec.SourcesFile = rel
	}
	if in.sum.Quarantined > 0 {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		for _, p := range in.opts.Problems {
			if in.skipped[p.File] {
				continue
			}
			if err := enc.Encode(quarantineLine{File: p.File, Line: p.Line, Reason: p.Reason, Ingest: in.id}); err != nil {
				return err
			}
		}
		qdir := filepath.Join(s.dir, quarantineDir)
		if err := os.MkdirAll(qdir, 0o755); err != nil {
			return err
		}
		rel := quarantineDir + "/" + now.Format("20060102T150405.000000000Z") + fmt.Sprintf("-%d.jsonl", in.id)
		path := filepath.Join(s.dir, filepath.FromSlash(rel))
		if err := writeFileAtomic(path, []byte(b.String()), "quarantine"); err != nil {
			return err
		}
		in.written = append(in.written, path)
		rec.Quarantine = rel
		in.sum.QuarantineFile = path
	}
	next := storeState{Format: stateFormat, Version: stateVersion, Generation: in.id, Tables: map[string]string{}}
	for name, rel := range s.state.Tables {
		next.Tables[name] = rel
	}
	next.Ingests = append(slices.Clone(s.state.Ingests), rec)
	if err := in.moveInlineSources(next.Ingests); err != nil {
		return err
	}
	for _, name := range in.order {
		t := in.tables[name]
		if len(t.created) == 0 {
			continue
		}
		m := tableManifest{Table: name, TimeColumn: t.timeColumn, Schema: fieldsToJSON(t.fields)}
		sortCreated(t.created)
		m.Files = append(slices.Clone(t.existing), t.created...)
		data, err := json.MarshalIndent(m, "", " ")
		if err != nil {
			return err
		}
		rel := t.dir + "/" + fmt.Sprintf("_manifest-%d.json", in.id)
		path := filepath.Join(s.dir, filepath.FromSlash(rel))
		if err := writeFileAtomic(path, data, "manifest"); err != nil {
			return err
		}
		in.written = append(in.written, path)
		next.Tables[name] = rel
	}
	data, err := json.MarshalIndent(next, "", " ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(s.dir, stateFileName), data, "state"); err != nil {
		return err
	}
	// Committed: nothing may be undone from here on.
	in.written = nil
	in.sum.IngestID = in.id
	if err := s.reload(); err != nil {
		return err
	}
	if err := failpoint("committed"); err != nil {
		return nil
	}
	s.collectGarbage()
	return nil
}

// removeWritten deletes the files of a failed ingest (best effort; the next ingest collects what remains).
func (in *ingestRun) removeWritten() {
	for _, p := range in.written {
		os.Remove(p)
	}
}

// collectGarbage removes what no committed state names: temp files, part files and manifests of ingests that
// died before their commit, superseded manifests, orphan quarantine and source-list files. Only names the store itself
// creates are touched. The caller holds the store lock.
func (s *Store) collectGarbage() {
	s.mu.RLock()
	live := map[string]bool{filepath.Join(s.dir, stateFileName): true}
	for name, rel := range s.state.Tables {
		live[filepath.Join(s.dir, filepath.FromSlash(rel))] = true
		if t, ok := s.tables[name]; ok {
			for _, f := range t.files {
				live[filepath.Join(s.dir, t.dir, filepath.FromSlash(f.Path))] = true
			}
		}
	}
	for _, ing := range s.state.Ingests {
		if ing.Quarantine != "" {
			live[filepath.Join(s.dir, filepath.FromSlash(ing.Quarantine))] = true
		}
		if ing.SourcesFile != "" {
			live[filepath.Join(s.dir, filepath.FromSlash(ing.SourcesFile))] = true
		}
	}
	s.mu.RUnlock()
	var dirs []string
	filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if path != s.dir && strings.HasPrefix(name, "day=") {
				dirs = append(dirs, path)
			}
			return nil
		}
		ours := strings.HasPrefix(name, tempPrefix) ||
			strings.HasPrefix(name, "part-") && strings.HasSuffix(name, ".parquet") ||
			strings.HasPrefix(name, "_manifest-") && strings.HasSuffix(name, ".json") ||
			filepath.Base(filepath.Dir(path)) == quarantineDir && strings.HasSuffix(name, ".jsonl") ||
			filepath.Base(filepath.Dir(path)) == sourcesDir && strings.HasPrefix(name, "ingest-") && strings.HasSuffix(name, ".json")
		if ours && !live[path] {
			os.Remove(path)
		}
		return nil
	})
	for _, d := range dirs {
		os.Remove(d) // only succeeds when empty
	}
}
