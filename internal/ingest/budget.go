package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// LimitError is the error of a load that passed Options.MaxBytes: it stopped reading, and says how far it got
// and what to do instead (the advice names kqlhunt's commands and flag).
type LimitError struct {
	Limit int64 // Options.MaxBytes
	Held  int64 // the estimated bytes held when the limit was passed
	// Read is the bytes read of the files (as stored: compressed files count at their size on disk), Input the
	// size of all the files to read; FilesRead counts the files read, wholly or in part, of Files.
	Read, Input      int64
	FilesRead, Files int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("the data does not fit in the memory limit of %s: the load held about %s when it stopped, "+
		"read from %s of the %s of input (%d of %d files); ingest the data into a store instead "+
		"(kqlhunt ingest PATH --into STORE), whose queries read only the days and columns they need, "+
		"narrow the query's time range, or raise --max-memory",
		FormatBytes(e.Limit), FormatBytes(e.Held), FormatBytes(e.Read), FormatBytes(e.Input), e.FilesRead, e.Files)
}

// FormatBytes prints a size in decimal units: 999 B, 1.2 kB, 3.4 MB, 5.6 GB.
func FormatBytes(n int64) string {
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

// errOverBudget is the cause a load's context is cancelled with when it passes its budget.
var errOverBudget = errors.New("memory limit passed")

// loadBudget counts what the loaders of one load hold against Options.MaxBytes: the estimated bytes of the
// values in their columns (8 per number, a string's bytes and 16 more, 64 per dynamic value), counted as blocks
// and files are read, and, while they are held, the bytes of documents read whole and of CSV cells not yet
// typed. Past the limit it cancels the load.
type loadBudget struct {
	limit     int64
	held      atomic.Int64
	read      atomic.Int64 // bytes read of the files
	filesRead atomic.Int64
	over      atomic.Bool
	atLimit   atomic.Int64 // what was held when the limit was passed
	cancel    context.CancelCauseFunc
}

// add counts n more bytes held (negative: released).
func (b *loadBudget) add(n int64) {
	if b == nil || n == 0 {
		return
	}
	if held := b.held.Add(n); held > b.limit && b.over.CompareAndSwap(false, true) {
		b.atLimit.Store(held)
		b.cancel(errOverBudget)
	}
}

// withBudget returns the context a load runs in and its budget, nil when opts set no bound.
func withBudget(ctx context.Context, opts Options) (context.Context, *loadBudget, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if opts.MaxBytes <= 0 {
		return ctx, nil, cancel
	}
	return ctx, &loadBudget{limit: opts.MaxBytes, cancel: cancel}, cancel
}

// limitError is the error of a load whose budget was passed, or nil.
func (b *loadBudget) limitError(ctx context.Context, files []string) error {
	if b == nil || !errors.Is(context.Cause(ctx), errOverBudget) {
		return nil
	}
	e := &LimitError{Limit: b.limit, Held: b.atLimit.Load(), Read: b.read.Load(), FilesRead: int(b.filesRead.Load()), Files: len(files)}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			e.Input += st.Size()
		}
	}
	return e
}

// countingReader counts the bytes read through it into a budget.
type countingReader struct {
	r io.Reader
	b *loadBudget
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.b.read.Add(int64(n))
	return n, err
}

// heldReader counts the bytes read through it as held (a document read whole), and stops with the context's
// error once the load is cancelled.
type heldReader struct {
	r   io.Reader
	fl  *fileLoader
	n   int64 // bytes counted
	err error
}

func (r *heldReader) Read(p []byte) (int, error) {
	if err := r.fl.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.r.Read(p)
	r.n += int64(n)
	r.fl.budget.add(int64(n))
	return n, err
}

// progressEvery is how many rows a reader reads between two counts of its columns.
const progressEvery = 4096

// progress counts the rows read since the last count every progressEvery calls, and reports whether the load
// goes on.
func (fl *fileLoader) progress() bool {
	if fl.budget == nil {
		return true
	}
	if fl.sinceCount++; fl.sinceCount < progressEvery {
		return true
	}
	fl.sinceCount = 0
	fl.countHeld()
	return fl.ctx.Err() == nil
}

// countHeld counts the values the loader's own tables gained since they were last counted.
func (fl *fileLoader) countHeld() {
	if fl.budget == nil {
		return
	}
	var n int64
	for _, name := range fl.order {
		n += fl.tables[name].newBytes()
	}
	fl.budget.add(n)
}

// newBytes returns the estimated bytes of the values the table's columns gained since the last call.
func (tb *tableBuilder) newBytes() int64 {
	var n int64
	for _, cb := range tb.cols {
		col := cb.col
		if col == nil {
			continue
		}
		l := col.Len()
		from := min(cb.counted, l) // rows may have been dropped since
		switch col.Type.Physical() {
		case types.PhysInt, types.PhysReal:
			n += 8 * int64(l-from)
		case types.PhysStr:
			n += 16 * int64(l-from)
			for _, s := range col.Strs[from:l] {
				n += int64(len(s))
			}
		case types.PhysDyn:
			n += 64 * int64(l-from)
		}
		cb.counted = l
	}
	return n
}
