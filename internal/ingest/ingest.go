// Package ingest reads the files Defender XDR and Sentinel exports produce (Streaming API storage blobs and
// Event Hubs captures, Advanced Hunting CSV exports, Graph runHuntingQuery, Log Analytics and Kusto REST
// responses, plain JSON lines, Parquet) into in-memory tables. Malformed records are skipped and reported with their
// file and line; the load always goes on, unless it passes Options.MaxBytes.
//
// Invalid UTF-8 is kept, not skipped: the bad bytes become U+FFFD and the line gets a Problem.
package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Options tunes loading.
type Options struct {
	// TimeFormat settles ambiguous day/month order in CSV times: "dmy", "mdy", a locale such as "en-US" or
	// "en-GB", or a Go layout such as "02/01/2006 15:04:05". "" detects, and reports what it cannot settle.
	TimeFormat string
	// Now is not used by loaders.
	Now time.Time
	// Columns, when it names a table, lists the only columns of that table to read (the others are skipped
	// without being converted, which makes loading much faster); tables it does not name are read whole.
	// Asking for TimeGenerated also reads Timestamp, from which it is derived when absent.
	Columns map[string][]string
	// KeepFileBatches hands each file's (or block's) rows over as batches of their own instead of joining small
	// ones into batches of about 64K rows: for an ingest, which regroups the rows by day anyway, the join
	// would only copy them once more.
	KeepFileBatches bool
	// HashFiles computes each file's size and SHA-256 from the bytes it is read from (Dataset.Hashes), so that
	// an ingest that records its sources needs no second pass over them.
	HashFiles bool
	// MinTime (ticks, 0: none) is the start of the time range a query reads. Streaming API blobs whose
	// y=/m=/d=/h= folder hour ends at or before it are not read: a blob holds the records exported in that hour,
	// and a record is exported after its event, so every row in it is older. Rows of files read are not filtered.
	MinTime int64
	// MaxBytes (0: none) bounds what the load holds: the estimated bytes of the values in its columns (8 per
	// number, a string's bytes and 16 more, 64 per dynamic value), counted as files and blocks of them are read,
	// with the documents and CSV cells being read. Past it the load stops reading and returns a *LimitError.
	MaxBytes int64
}

// FileDigest is the size and SHA-256 (hex) of the bytes a file was read from (Options.HashFiles).
type FileDigest struct {
	Size   int64
	SHA256 string
}

// Problem is one record, value or file that could not be read (fully); the load went on without it.
type Problem struct {
	File    string
	Line    int // 1-based; 0 when not line-based
	Message string
	// Skipped is set when a record (or a whole file, or the rest of a broken document) was left out; otherwise
	// the row was kept and the problem is about a value (stored as null or repaired) or about the file.
	Skipped bool
}

// String formats the problem as "file:line: message" (without the line when it is 0).
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Dataset is what Load read.
type Dataset struct {
	Catalog  catalog.Map    // table name -> *catalog.MemTable
	Problems []Problem      // records, values or files that could not be read, with their location
	Files    int            // files read
	Rows     map[string]int // rows loaded per table
	// Skipped counts the problems that left a record out (Problem.Skipped), including those beyond the
	// per-file cap on listed problems, so that records read = rows loaded + Skipped.
	Skipped int
	// Hashes holds, with Options.HashFiles, each file read by path: what it was read from.
	Hashes map[string]FileDigest
	// BeforeRange counts the Streaming API blobs not read because they end before Options.MinTime (or, for
	// LoadFor, before the time range of the query).
	BeforeRange int
	// Pruned, set by LoadFor when it read only part of the data, says what it left out.
	Pruned *Pruning
	// ReadAll, set by LoadFor when it read every column of every file, says why.
	ReadAll string
}

// batchRows is the number of rows per batch handed to the engine.
const batchRows = 1 << 16

// maxProblemsPerFile caps the problems kept for one file; the rest are counted in one closing problem.
const maxProblemsPerFile = 1000

// Load reads every file under each path (a file or a folder, recursively; names starting with '.' are
// skipped), detecting the format from content and name, gzip transparently, and builds tables. Only I/O
// failures of the paths themselves and passing Options.MaxBytes (a *LimitError) are errors; everything else
// becomes a Problem.
func Load(ctx context.Context, paths []string, opts Options) (*Dataset, error) {
	files, walkProblems, err := findFiles(paths)
	if err != nil {
		return nil, err
	}
	before := 0
	if opts.MinTime != 0 {
		n := len(files)
		files = slices.DeleteFunc(files, func(f string) bool { return endsBefore(f, opts.MinTime) })
		before = n - len(files)
	}
	loaders, err := loadFiles(ctx, files, opts)
	if err != nil {
		return nil, err
	}
	ds := assemble(loaders, walkProblems, opts)
	ds.BeforeRange = before
	return ds, nil
}

// findFiles lists the files under paths, sorted, each once, with the folders that could not be read.
func findFiles(paths []string) ([]string, []Problem, error) {
	var files []string
	var walkProblems []Problem
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !st.IsDir() {
			files = append(files, filepath.Clean(p))
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return err
				}
				walkProblems = append(walkProblems, Problem{File: path, Message: err.Error(), Skipped: true})
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, filepath.Clean(path))
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(files)
	files = slices.Compact(files) // a file named twice (itself and inside a folder) is read once
	return files, walkProblems, nil
}

// endsBefore reports whether file is a Streaming API blob whose hour ends at or before minTime (see
// Options.MinTime).
func endsBefore(file string, minTime int64) bool {
	hour, ok := blobHour(file)
	return ok && hour+types.TicksPerHour <= minTime
}

// loadFiles reads the files on several cores; the loaders are in the order of files. Past Options.MaxBytes it
// stops and returns a *LimitError.
func loadFiles(ctx context.Context, files []string, opts Options) ([]*fileLoader, error) {
	parent := ctx
	ctx, budget, cancel := withBudget(ctx, opts)
	defer cancel(nil)
	results := make([]*fileLoader, len(files))
	workers := min(runtime.GOMAXPROCS(0), len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fl := newFileLoader(ctx, files[i], opts)
				fl.budget = budget
				fl.load()
				fl.countHeld()
				results[i] = fl
			}
		}()
	}
feed:
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, err
	}
	if err := budget.limitError(ctx, files); err != nil {
		return nil, err
	}
	return results, nil
}

// assemble joins what the loaders read into tables.
func assemble(loaders []*fileLoader, walkProblems []Problem, opts Options) *Dataset {
	ds := &Dataset{Catalog: catalog.Map{}, Rows: map[string]int{}, Files: len(loaders), Problems: walkProblems, Skipped: len(walkProblems)}
	var parts = map[string][]*tableBuilder{}
	var order []string
	for _, fl := range loaders {
		if fl.digest != nil {
			if ds.Hashes == nil {
				ds.Hashes = map[string]FileDigest{}
			}
			ds.Hashes[fl.file] = *fl.digest
		}
		ds.Skipped += fl.skipped
		ds.Problems = append(ds.Problems, fl.problems...)
		if fl.dropped > 0 {
			ds.Problems = append(ds.Problems, Problem{File: fl.file, Message: fmt.Sprintf("%d more problems not listed", fl.dropped)})
		}
		for _, tb := range fl.pieces() {
			if tb.rows == 0 && len(tb.cols) == 0 {
				continue
			}
			if _, seen := parts[tb.name]; !seen {
				order = append(order, tb.name)
			}
			parts[tb.name] = append(parts[tb.name], tb)
		}
	}
	for _, name := range order {
		mt := mergeTables(name, parts[name], opts.KeepFileBatches)
		ds.Catalog[name] = mt
		n := 0
		for _, b := range mt.Batches {
			n += b.NumRows()
		}
		ds.Rows[name] = n
	}
	return ds
}

// mergeTables joins the per-file pieces of one table: the union of their columns (inferred types unified),
// columns a piece lacks filled with nulls, cut into batches; small pieces are joined unless keepPieces.
func mergeTables(name string, pieces []*tableBuilder, keepPieces bool) *catalog.MemTable {
	var fields []types.Field
	index := map[string]int{}
	for _, tb := range pieces {
		tb.fillDerived()
		for _, cb := range tb.cols {
			i, ok := index[cb.name]
			if !ok {
				index[cb.name] = len(fields)
				fields = append(fields, types.Field{Name: cb.name, Type: cb.typ})
				continue
			}
			if fields[i].Type != cb.typ {
				fields[i].Type = unify(fields[i].Type, cb.typ)
			}
		}
	}
	for i := range fields {
		if fields[i].Type == types.Unknown {
			fields[i].Type = types.String
		}
	}
	mt := &catalog.MemTable{TableName: name, Fields: fields}
	// Small pieces (one per hourly blob, or per block of lines) are concatenated so that batches hold about
	// batchRows rows; large pieces are cut.
	var acc []*types.Column
	accRows := 0
	flush := func() {
		if accRows > 0 {
			mt.Batches = append(mt.Batches, &types.Table{Fields: fields, Cols: acc})
		}
		acc, accRows = nil, 0
	}
	for pi, tb := range pieces {
		if tb.rows == 0 {
			continue
		}
		cols := make([]*types.Column, len(fields))
		for i, f := range fields {
			cb := tb.columnNamed(f.Name)
			if cb == nil {
				col := types.NewColumn(f.Type, tb.rows)
				for r := 0; r < tb.rows; r++ {
					col.AppendNull()
				}
				cols[i] = col
				continue
			}
			if cb.typ != f.Type {
				cb.widen(f.Type)
			}
			cols[i] = cb.finish()
		}
		if tb.rows >= batchRows || keepPieces {
			flush()
			for from := 0; from < tb.rows; from += batchRows {
				to := min(from+batchRows, tb.rows)
				batch := &types.Table{Fields: fields, Cols: make([]*types.Column, len(cols))}
				for i, c := range cols {
					if from == 0 && to == tb.rows {
						batch.Cols[i] = c
					} else {
						batch.Cols[i] = c.Slice(from, to)
					}
				}
				mt.Batches = append(mt.Batches, batch)
			}
			continue
		}
		if accRows+tb.rows > batchRows {
			flush()
		}
		if acc == nil {
			// Size the batch for the run of small pieces that will join it, so appends never regrow it.
			want := 0
			for _, next := range pieces[pi:] {
				if next.rows >= batchRows || want+next.rows > batchRows {
					break
				}
				want += next.rows
			}
			acc = make([]*types.Column, len(cols))
			for i, c := range cols {
				acc[i] = types.NewColumn(c.Type, want)
			}
		}
		for i, c := range cols {
			appendColumn(acc[i], c)
		}
		accRows += tb.rows
	}
	flush()
	return mt
}

// appendColumn appends src's rows to dst (same type).
func appendColumn(dst, src *types.Column) {
	n := dst.Len()
	switch dst.Type.Physical() {
	case types.PhysInt:
		dst.Ints = append(dst.Ints, src.Ints...)
	case types.PhysReal:
		dst.Reals = append(dst.Reals, src.Reals...)
	case types.PhysStr:
		dst.Strs = append(dst.Strs, src.Strs...)
	case types.PhysDyn:
		dst.Dyns = append(dst.Dyns, src.Dyns...)
	}
	for w, word := range src.Nulls {
		for word != 0 {
			bit := bits.TrailingZeros64(word)
			dst.Nulls.Set(n + w*64 + bit)
			word &^= 1 << uint(bit)
		}
	}
}

// fileLoader reads one file into per-table builders.
type fileLoader struct {
	ctx      context.Context
	file     string
	opts     Options
	tables   map[string]*tableBuilder
	order    []string
	problems []Problem
	dropped  int
	skipped  int    // problems that left a record out, listed or not
	hint     string // table name taken from the file and folder names
	// size is the file's size when it is read uncompressed (-1 otherwise): blocks of a small file are
	// allocated at its size, not at jsonBlockSize (a storage tree holds thousands of small hourly blobs).
	size     int64
	v2Tables int // PrimaryResult tables seen in a Kusto v2 response
	// rowsHint is about how many rows the content holds (its lines), 0 when unknown: columns are allocated
	// for that many values at once instead of growing from a few.
	rowsHint int
	// scratch is the unescaping buffer of the file's scanners; lastCategory the last record category resolved.
	scratch      []byte
	lastCategory *categoryCache
	// done holds the tables of blocks read in parallel, in file order, before the tables of this loader.
	done []*tableBuilder
	// Member lists reused between records to avoid allocations per row: top-level objects, and records
	// inside an Event Hubs message (read while the message's own list is in use).
	topBuf, topPropBuf, memberBuf, propBuf []member
	// digest is the file's size and hash, with Options.HashFiles, once it was read to its end.
	digest *FileDigest
	// budget counts what the load holds (Options.MaxBytes; nil: no bound); sinceCount is the rows read since
	// the loader's columns were last counted.
	budget     *loadBudget
	sinceCount int
}

func newFileLoader(ctx context.Context, file string, opts Options) *fileLoader {
	return &fileLoader{ctx: ctx, file: file, opts: opts, tables: map[string]*tableBuilder{}, hint: tableNameFromPath(file), size: -1}
}

func (fl *fileLoader) problem(line int, format string, args ...any) {
	fl.add(Problem{File: fl.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// skip reports a record (or file) left out of the load.
func (fl *fileLoader) skip(line int, format string, args ...any) {
	fl.add(Problem{File: fl.file, Line: line, Message: fmt.Sprintf(format, args...), Skipped: true})
}

func (fl *fileLoader) add(p Problem) {
	if p.Skipped {
		fl.skipped++
	}
	if len(fl.problems) >= maxProblemsPerFile {
		fl.dropped++
		return
	}
	fl.problems = append(fl.problems, p)
}

// pieces returns the per-table builders the file produced, in file order.
func (fl *fileLoader) pieces() []*tableBuilder {
	out := append([]*tableBuilder(nil), fl.done...)
	for _, name := range fl.order {
		out = append(out, fl.tables[name])
	}
	return out
}

// adopt appends a block loader's tables and problems after everything read so far.
func (fl *fileLoader) adopt(child *fileLoader) {
	fl.done = append(fl.done, child.pieces()...)
	for _, p := range child.problems {
		if len(fl.problems) >= maxProblemsPerFile {
			fl.dropped++
			continue
		}
		fl.problems = append(fl.problems, p)
	}
	fl.dropped += child.dropped
	fl.skipped += child.skipped // counts the child's skipped records, listed or not
}

func (fl *fileLoader) table(name string) *tableBuilder {
	if tb, ok := fl.tables[name]; ok {
		return tb
	}
	var cols []string
	if c, ok := fl.opts.Columns[name]; ok {
		cols = append([]string{}, c...) // not nil: an empty list reads no column
	}
	hint := fl.rowsHint
	if len(fl.tables) > 0 {
		hint = 0 // the lines are shared between tables: only the first is sized by them
	}
	tb := newTableBuilder(name, cols, hint)
	fl.tables[name] = tb
	fl.order = append(fl.order, name)
	return tb
}

// load detects the format and reads the file. It recovers from a panic in a reader so that one bad file can
// never take the whole load down; such a panic is a bug and is reported as a problem.
func (fl *fileLoader) load() {
	defer func() {
		if r := recover(); r != nil {
			fl.skip(0, "internal error while reading (please report): %v", r)
		}
	}()
	f, err := os.Open(fl.file)
	if err != nil {
		fl.skip(0, "%v", err)
		return
	}
	defer f.Close()
	if fl.budget != nil {
		fl.budget.filesRead.Add(1)
	}
	var magic [4]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 4 && string(magic[:]) == parquetMagic {
		st, err := f.Stat()
		if err != nil {
			fl.skip(0, "%v", err)
			return
		}
		if fl.budget != nil {
			fl.budget.read.Add(st.Size())
		}
		fl.loadParquet(f, st.Size())
		return
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		fl.size = st.Size()
	}
	var src io.Reader = f
	if fl.budget != nil {
		src = countingReader{r: f, b: fl.budget}
	}
	if !fl.opts.HashFiles {
		fl.read(src)
		return
	}
	hr := &hashingReader{r: src, h: sha256.New()}
	fl.read(hr)
	// A reader may stop before the end (an unreadable format, a broken document): the rest counts too.
	buf := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(buf)
	if _, err := io.CopyBuffer(io.Discard, hr, *buf); err != nil {
		fl.problem(0, "read error while hashing: %v", err)
		return
	}
	fl.digest = &FileDigest{Size: hr.n, SHA256: hex.EncodeToString(hr.h.Sum(nil))}
}

// hashingReader hashes and counts the bytes read through it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	return n, err
}

// hashBuffers are the buffers that read the rest of a file a reader stopped in, to hash it.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// read detects the format of the content and reads it.
func (fl *fileLoader) read(f io.Reader) {
	bufSize := 1 << 20
	if fl.size >= 0 {
		bufSize = int(min(int64(bufSize), fl.size+16))
	}
	br := fileReaders.Get().(*bufio.Reader)
	br.Reset(f)
	defer func() {
		br.Reset(nil)
		fileReaders.Put(br)
	}()
	if head, _ := br.Peek(4); string(head) == parquetMagic {
		fl.loadParquetFrom(br)
		return
	}
	var r io.Reader = br
	name := fl.file
	gzipped := false
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		fl.size = -1 // the content is larger than the file
		gz, err := gzip.NewReader(br)
		if err != nil {
			fl.skip(0, "reading gzip: %v", err)
			return
		}
		defer gz.Close()
		r, gzipped = gz, true
		name = strings.TrimSuffix(name, ".gz")
	}
	in := bufio.NewReaderSize(r, bufSize) // the same reader when r is br
	if gzipped {
		// Gzipped Parquet (a .parquet.gz): the magic number is in the content, not in the file.
		if head, _ := in.Peek(4); string(head) == parquetMagic {
			fl.loadParquetFrom(in)
			return
		}
	}
	// Skip a UTF-8 byte order mark and leading space to see what the content starts with.
	if bom, _ := in.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		in.Discard(3)
	}
	first, err := firstSignificantByte(in)
	if err != nil {
		fl.skip(0, "read error: %v", err)
		return
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case first == 0:
		fl.problem(0, "empty file")
	case first == '{' || first == '[':
		fl.loadJSON(in)
	case ext == ".csv" || ext == ".tsv" || !notDataExtensions[ext] && looksLikeCSV(in):
		fl.loadCSV(in, ext == ".tsv")
	case ext == ".parquet":
		fl.skip(0, "not a Parquet file (no PAR1 header)")
	default:
		fl.skip(0, "unrecognised format (not JSON, JSON lines or CSV)")
	}
}

// loadParquetFrom reads Parquet content that is not in a file it can seek in (gzipped, or not a regular file)
// into memory, where it counts against the load's budget until its rows are counted instead, and loads it.
func (fl *fileLoader) loadParquetFrom(r io.Reader) {
	held := &heldReader{r: r, fl: fl}
	defer func() { fl.budget.add(-held.n) }()
	var src io.Reader = r
	if fl.budget != nil {
		src = held
	}
	data, err := io.ReadAll(src)
	if fl.ctx.Err() != nil {
		return
	}
	if err != nil {
		fl.skip(0, "read error: %v", err)
		return
	}
	fl.loadParquet(bytes.NewReader(data), int64(len(data)))
}

// fileReaders recycles the 1 MB read buffers of files: an export tree has thousands of small hourly blobs, and a
// fresh buffer for each is most of what loading allocates (and the garbage collector then reclaims).
var fileReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 1<<20) }}

// notDataExtensions are file kinds that may sit beside exported data (rules, notes) and are never sniffed as CSV.
var notDataExtensions = map[string]bool{
	".md": true, ".yaml": true, ".yml": true, ".kql": true, ".go": true, ".py": true, ".ps1": true, ".sh": true,
	".html": true, ".xml": true, ".toml": true, ".ini": true,
}

// firstSignificantByte returns the first non-space byte without consuming it, or 0 when there is none; err is
// a read failure other than the end of the content.
func firstSignificantByte(in *bufio.Reader) (byte, error) {
	for n := 1; n <= in.Size(); n++ {
		b, err := in.Peek(n)
		if len(b) < n {
			if err == io.EOF {
				err = nil
			}
			return 0, err
		}
		if c := b[n-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c, nil
		}
	}
	return 0, nil
}

// looksLikeCSV reports whether the first line has a comma or tab separated header of valid UTF-8 text.
func looksLikeCSV(in *bufio.Reader) bool {
	b, _ := in.Peek(4096)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return utf8.Valid(b) && (bytes.IndexByte(b, ',') >= 0 || bytes.IndexByte(b, '\t') >= 0) && bytes.IndexByte(b, 0) < 0
}

// genericFileNames are names that say nothing about the table; the folder names are used instead.
var genericFileNames = map[string]bool{
	"pt1h": true, "data": true, "export": true, "result": true, "results": true, "output": true,
	"records": true, "query": true, "response": true, "part": true, "file": true, "chunk": true,
}

// tableNameFromPath picks the table name for a file: a built-in table named by a word of the file name
// ("advanced-hunting-export-UrlClickEvents.csv") or, when the file name is generic (part-0001.json, PT1H.json),
// of the nearest folder that is not a key=value partition ("insights-logs-advancedhunting-urlclickevents");
// else the file name itself with characters KQL names cannot hold replaced by '_'.
func tableNameFromPath(path string) string {
	base := filepath.Base(path)
	for _, ext := range []string{".gz", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".txt", ".parquet"} {
		if strings.HasSuffix(strings.ToLower(base), ext) {
			base = base[:len(base)-len(ext)]
		}
	}
	if known, ok := knownTableIn(base); ok {
		return known
	}
	name := base
	dir := filepath.Dir(path)
	for depth := 0; isGenericName(name) && depth < 12; depth++ {
		parent := filepath.Base(dir)
		if parent == "." || parent == string(filepath.Separator) || parent == dir {
			break
		}
		dir = filepath.Dir(dir)
		if strings.Contains(parent, "=") {
			continue // y=2026, tenantId=..., resourceId=...
		}
		if known, ok := knownTableIn(parent); ok {
			return known
		}
		name = parent
	}
	if isGenericName(name) {
		name = base
	}
	return sanitizeTableName(name)
}

func isGenericName(name string) bool {
	if name == "" || strings.Contains(name, "=") {
		return true
	}
	word := strings.ToLower(strings.TrimRight(name, "0123456789-_."))
	return word == "" || genericFileNames[word]
}

// knownTableIn finds a built-in table name among the words of s (split at non-alphanumerics).
func knownTableIn(s string) (string, bool) {
	if n, ok := catalog.KnownTableName(s); ok {
		return n, true
	}
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	})
	for i := len(words) - 1; i >= 0; i-- {
		if n, ok := catalog.KnownTableName(words[i]); ok {
			return n, true
		}
	}
	return "", false
}

func sanitizeTableName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "data"
	}
	return b.String()
}

// blobHour returns the start (ticks) of the hour named by the y=YYYY/m=MM/d=DD/h=HH folders of a Streaming API
// storage path, and false when the path has no such folders.
func blobHour(path string) (int64, bool) {
	parts := strings.Split(filepath.ToSlash(path), "/")
	for i := 0; i+3 < len(parts); i++ {
		if !strings.HasPrefix(parts[i], "y=") {
			continue
		}
		var v [4]int
		ok := true
		for j, prefix := range []string{"y=", "m=", "d=", "h="} {
			text, found := strings.CutPrefix(parts[i+j], prefix)
			n, err := strconv.Atoi(text)
			if !found || err != nil || n < 0 {
				ok = false
				break
			}
			v[j] = n
		}
		if !ok || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[0] < 1601 || v[0] > 9999 {
			continue
		}
		t := time.Date(v[0], time.Month(v[1]), v[2], v[3], 0, 0, 0, time.UTC)
		if t.Day() != v[2] { // 31 February
			continue
		}
		return types.TimeToTicks(t), true
	}
	return 0, false
}
