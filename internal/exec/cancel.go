package exec

import (
	"context"
	"slices"
)

// cancelCheckEvery is how many units of work (rows, output rows, comparisons) a long loop does between two
// looks at the query's context: often enough to stop within milliseconds, rarely enough to cost nothing.
const cancelCheckEvery = 4096

// workMeter counts a loop's work and reports the context's error once per cancelCheckEvery units, so that
// loops that never return to the batch pipeline still stop when the query is cancelled or times out.
type workMeter struct {
	ctx  context.Context
	work int
}

// newWorkMeter returns a meter over the query's context.
func newWorkMeter(ctx *Context) *workMeter { return &workMeter{ctx: ctx.Ctx} }

// add counts n units of work and returns the context's error when a check falls due and it is done.
func (m *workMeter) add(n int) error {
	m.work += n
	if m.work < cancelCheckEvery {
		return nil
	}
	m.work = 0
	return m.ctx.Err()
}

// sortStopped carries the context's error out of a comparison function (sort functions take no errors).
type sortStopped struct{ err error }

// sortCancellable sorts idx by cmp like slices.SortFunc, giving up with the context's error when the query
// is cancelled mid-sort.
func sortCancellable(ctx *Context, idx []int, cmp func(a, b int) int) (err error) {
	m := newWorkMeter(ctx)
	defer func() {
		if r := recover(); r != nil {
			stopped, ok := r.(sortStopped)
			if !ok {
				panic(r)
			}
			err = stopped.err
		}
	}()
	slices.SortFunc(idx, func(a, b int) int {
		if err := m.add(1); err != nil {
			panic(sortStopped{err})
		}
		return cmp(a, b)
	})
	return nil
}
