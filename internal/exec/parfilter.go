package exec

import (
	"io"
	"runtime"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parallelSelect runs a filter's predicates over several batches of a scan at once, one goroutine per core,
// and hands the batches back in scan order with their selections. It is used when every predicate reads only
// its batch (column-constant comparisons), so that workers share nothing but the batches.
type parallelSelect struct {
	filter  *filterOp
	workers int
	order   chan *selItem // batches in scan order, each done once a worker has selected its rows
	work    chan *selItem
	free    chan []int // selection buffers handed back by the consumer
	stop    chan struct{}
	wg      sync.WaitGroup
	last    []int // the selection returned last, recycled on the next call
	started bool
}

// selItem is one batch in flight.
type selItem struct {
	b    *types.Table
	sel  []int
	err  error
	done chan struct{}
}

// parallelWorkers is the number of goroutines a parallel filter uses: one per core, none on one core.
func parallelWorkers() int {
	if n := runtime.GOMAXPROCS(0); n > 1 {
		return n
	}
	return 0
}

func newParallelSelect(f *filterOp, workers int) *parallelSelect {
	return &parallelSelect{filter: f, workers: workers}
}

// start launches the reader and the workers; the reader stays at most 2×workers batches ahead.
func (p *parallelSelect) start(ctx *Context) {
	ahead := 2 * p.workers
	p.order = make(chan *selItem, ahead)
	p.work = make(chan *selItem, ahead)
	p.free = make(chan []int, ahead+2)
	p.stop = make(chan struct{})
	p.started = true
	p.wg.Add(1 + p.workers)
	go func() {
		defer p.wg.Done()
		defer close(p.work)
		defer close(p.order)
		for {
			b, err := p.filter.in.Next(ctx)
			it := &selItem{b: b, err: err, done: make(chan struct{})}
			if err != nil {
				close(it.done)
			}
			select {
			case p.order <- it:
			case <-p.stop:
				return
			}
			if err != nil {
				return
			}
			select {
			case p.work <- it:
			case <-p.stop:
				return
			}
		}
	}()
	for w := 0; w < p.workers; w++ {
		go func() {
			defer p.wg.Done()
			for it := range p.work {
				var buf []int
				select {
				case buf = <-p.free:
				default:
				}
				it.sel, it.err = p.filter.selectRows(ctx, it.b, buf)
				close(it.done)
			}
		}()
	}
}

// next returns the next batch and its selection, in scan order.
func (p *parallelSelect) next(ctx *Context) (*types.Table, []int, error) {
	if !p.started {
		p.start(ctx)
	}
	if p.last != nil {
		select {
		case p.free <- p.last[:0]:
		default:
		}
		p.last = nil
	}
	it, ok := <-p.order
	if !ok {
		return nil, nil, io.EOF
	}
	select {
	case <-it.done:
	case <-ctx.Ctx.Done():
		return nil, nil, ctx.Ctx.Err()
	}
	if it.err != nil {
		return nil, nil, it.err
	}
	p.last = it.sel
	return it.b, it.sel, nil
}

// close stops the reader and the workers and waits for them, so that the input can be closed safely.
func (p *parallelSelect) close() {
	if !p.started {
		return
	}
	close(p.stop)
	// unblock a reader waiting to hand over a batch, and let workers finish what they hold
	for range p.order {
	}
	p.wg.Wait()
	p.started = false
	p.last = nil
}
