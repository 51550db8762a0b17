package storage

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// batchRows is the largest batch a scan returns.
const batchRows = 1 << 16

// storeTable is a stored table: a catalog.Table whose Scan reads only the files, row groups and column chunks
// a request needs.
type storeTable struct {
	store      *Store
	name       string
	dir        string // relative to the store
	schema     []types.Field
	timeColumn string
	files      []tableFile
	manifest   *tableManifest
}

// tableFile is a part file with its time ranges decoded.
type tableFile struct {
	partFile
	ranges map[string][2]int64
}

func newStoreTable(s *Store, name, dir string, m *tableManifest) (*storeTable, error) {
	schema, err := fieldsFromJSON(m.Schema)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	t := &storeTable{store: s, name: name, dir: dir, schema: schema, timeColumn: m.TimeColumn, manifest: m}
	for _, f := range m.Files {
		tf := tableFile{partFile: f, ranges: map[string][2]int64{}}
		for col, r := range f.Time {
			lo, hi, err := r.ticks()
			if err != nil {
				return nil, fmt.Errorf("table %s: file %s: column %s: %w", name, f.Path, col, err)
			}
			tf.ranges[col] = [2]int64{lo, hi}
		}
		t.files = append(t.files, tf)
	}
	return t, nil
}

// Name returns the table name.
func (t *storeTable) Name() string { return t.name }

// Schema returns the table's columns.
func (t *storeTable) Schema() []types.Field { return t.schema }

// Scan reads the table: only the columns in req.Columns (all when nil; names the table lacks are ignored; the
// time column when none is left, so that batches still carry their row counts),
// and, when req.TimeColumn is a datetime column and a bound is set, only the files and row groups whose
// time range meets [MinTime, MaxTime). Rows inside a kept row group are not filtered by time; req.Filters drop
// the rows they reject (evaluated once per dictionary), and a row group none of whose rows pass is not read
// beyond its filtered columns. Row groups are read
// by all cores, a few ahead of the consumer; batches come back in order (days in order, files of a day in
// ingest order, rows of a file sorted by the table's time column), each at most 64K rows.
func (t *storeTable) Scan(ctx context.Context, req catalog.ScanRequest) (catalog.BatchReader, error) {
	var want []types.Field
	if req.Columns == nil {
		want = t.schema
	} else {
		asked := map[string]bool{}
		for _, c := range req.Columns {
			asked[c] = true
		}
		for _, f := range t.schema {
			if asked[f.Name] {
				want = append(want, f)
			}
		}
		if len(want) == 0 && len(t.schema) > 0 {
			// A batch without columns has no rows; `T | count` still needs them, so read the cheapest column.
			want = []types.Field{t.schema[0]}
			for _, f := range t.schema {
				if f.Name == t.timeColumn {
					want = []types.Field{f}
				}
			}
		}
	}
	timeCol := ""
	if req.TimeColumn != "" && (req.MinTime != 0 || req.MaxTime != 0) {
		for _, f := range t.schema {
			if f.Name == req.TimeColumn && f.Type == types.DateTime {
				timeCol = f.Name
			}
		}
	}
	var tasks []scanTask
	for _, f := range t.filesByDay() {
		if timeCol != "" {
			r, ok := f.ranges[timeCol]
			// A file without a range for the column has only nulls there, which no time bound matches.
			if !ok || !rangeOverlaps(r[0], r[1], req.MinTime, req.MaxTime) {
				continue
			}
		}
		of := &sharedFile{path: filepath.Join(t.store.dir, t.dir, filepath.FromSlash(f.Path)), store: t.store}
		for rg := 0; rg < f.RowGroups; rg++ {
			tasks = append(tasks, scanTask{file: of, rowGroup: rg})
		}
		of.pending = f.RowGroups
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &scanReader{
		ctx: ctx, cancel: cancel, tasks: tasks, want: want,
		timeCol: timeCol, minT: req.MinTime, maxT: req.MaxTime, filters: req.Filters,
		results: make([]chan scanResult, len(tasks)),
	}
	for i := range r.results {
		r.results[i] = make(chan scanResult, 1)
	}
	r.start()
	return r, nil
}

// filesByDay returns the files in day order (the null-time day last), in ingest order within a day.
func (t *storeTable) filesByDay() []*tableFile {
	out := make([]*tableFile, len(t.files))
	for i := range t.files {
		out[i] = &t.files[i]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// sharedFile is a part file opened by the first task that needs it and closed by the last.
type sharedFile struct {
	path    string
	store   *Store
	mu      sync.Mutex
	file    *parquetFile
	err     error
	opened  bool
	pending int
}

// acquire opens the file on first use (counting it in the store's filesOpened) and returns it.
func (f *sharedFile) acquire() (*parquetFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.opened {
		f.opened = true
		f.store.filesOpened.Add(1)
		f.file, f.err = openParquet(f.path)
	}
	return f.file, f.err
}

// release marks one task of the file done; the last one closes it.
func (f *sharedFile) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending--
	if f.pending == 0 && f.file != nil {
		f.file.Close()
		f.file = nil
	}
}

type scanTask struct {
	file     *sharedFile
	rowGroup int
}

type scanResult struct {
	batches []*types.Table
	err     error
}

// scanReader runs the tasks on a pool of workers, at most a few ahead of the consumer, and hands back their
// batches in task order.
type scanReader struct {
	ctx     context.Context
	cancel  context.CancelFunc
	tasks   []scanTask
	want    []types.Field
	timeCol string
	minT    int64
	maxT    int64
	filters []catalog.StringFilter
	results []chan scanResult
	ahead   chan struct{}

	wg      sync.WaitGroup
	next    int // task whose batches are being returned
	pending []*types.Table
	closed  bool
}

// start launches the feeder and the workers.
func (r *scanReader) start() {
	workers := min(runtime.GOMAXPROCS(0), len(r.tasks))
	// ahead bounds the row groups decoded but not yet consumed, and so the memory a scan holds.
	ahead := make(chan struct{}, 2*max(workers, 1))
	r.ahead = ahead
	todo := make(chan int)
	r.wg.Add(workers + 1)
	go func() {
		defer r.wg.Done()
		defer close(todo)
		for i := range r.tasks {
			select {
			case ahead <- struct{}{}:
			case <-r.ctx.Done():
				return
			}
			select {
			case todo <- i:
			case <-r.ctx.Done():
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			defer r.wg.Done()
			for i := range todo {
				r.results[i] <- r.run(r.tasks[i])
			}
		}()
	}
}

// run reads one row group into batches.
func (r *scanReader) run(t scanTask) scanResult {
	defer t.file.release()
	if err := r.ctx.Err(); err != nil {
		return scanResult{err: err}
	}
	f, err := t.file.acquire()
	if err != nil {
		return scanResult{err: err}
	}
	if r.timeCol != "" && !f.rowGroupOverlaps(t.rowGroup, r.timeCol, r.minT, r.maxT) {
		return scanResult{}
	}
	cols, n, err := f.readRowGroup(t.rowGroup, r.want, r.filters)
	if err != nil {
		return scanResult{err: err}
	}
	if n == 0 {
		return scanResult{}
	}
	fields := r.want
	if n <= batchRows {
		return scanResult{batches: []*types.Table{{Fields: fields, Cols: cols}}}
	}
	var out []*types.Table
	for from := 0; from < n; from += batchRows {
		to := min(from+batchRows, n)
		b := &types.Table{Fields: fields, Cols: make([]*types.Column, len(cols))}
		for i, c := range cols {
			b.Cols[i] = c.Slice(from, to)
		}
		out = append(out, b)
	}
	return scanResult{batches: out}
}

// Next returns the next batch, io.EOF after the last.
func (r *scanReader) Next(ctx context.Context) (*types.Table, error) {
	for {
		if r.closed {
			return nil, io.EOF
		}
		if len(r.pending) > 0 {
			b := r.pending[0]
			r.pending = r.pending[1:]
			return b, nil
		}
		if r.next >= len(r.tasks) {
			return nil, io.EOF
		}
		var res scanResult
		select {
		case res = <-r.results[r.next]:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		r.next++
		<-r.ahead
		if res.err != nil {
			r.Close()
			return nil, res.err
		}
		r.pending = res.batches
	}
}

// Close stops the workers and closes the files.
func (r *scanReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.cancel()
	// Workers never block on a result (one buffered slot per task), and the feeder stops on cancel.
	r.wg.Wait()
	for _, t := range r.tasks {
		t.file.mu.Lock()
		if t.file.file != nil {
			t.file.file.Close()
			t.file.file = nil
		}
		t.file.mu.Unlock()
	}
	return nil
}
