package exec

import (
	"container/heap"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func isEOF(err error) bool { return errors.Is(err, io.EOF) }

// buildSort builds sort (limit nil) and top (limit set): a stable sort of all rows by the keys.
func (ctx *Context) buildSort(inNode sema.Node, keys []sema.SortKey, limit sema.Expr, fields []types.Field) (Operator, error) {
	in, err := ctx.Build(inNode)
	if err != nil {
		return nil, err
	}
	exprs := make([]sema.Expr, len(keys))
	for i, k := range keys {
		exprs[i] = k.X
	}
	fns, err := ctx.compileAll(exprs)
	if err != nil {
		return nil, err
	}
	n := int64(-1)
	if limit != nil {
		if n, err = ctx.rowCount(limit); err != nil {
			return nil, err
		}
	}
	compute := func(ctx *Context) (*types.Table, error) {
		if err := in.Open(ctx); err != nil {
			return nil, err
		}
		var all *types.Table
		if n >= 0 {
			// top: keep only the best n rows seen so far, batch by batch
			if all, err = topStream(ctx, in, fns, keys, n, fields); err != nil {
				return nil, err
			}
		} else {
			batches, err := readAll(ctx, in)
			if err != nil {
				return nil, err
			}
			all = concat(fields, batches)
		}
		rowsN := numRows(all)
		keyCols, err := evalColumns(ctx, fns, all)
		if err != nil {
			return nil, err
		}
		if rowsN == 0 {
			return all, nil
		}
		for i, c := range keyCols {
			if c.Type == types.Dynamic {
				if keyCols[i], err = ctx.castColumn(c, types.String); err != nil {
					return nil, err
				}
			}
		}
		cmp := func(ra, rb int) int {
			for k, c := range keyCols {
				if r := compareRows(c, ra, rb, keys[k].Asc, keys[k].NullsFirst); r != 0 {
					return r
				}
			}
			return ra - rb // ties keep input order
		}
		var idx []int
		if n >= 0 && n < int64(rowsN)/2 {
			if idx, err = topRows(ctx, rowsN, int(n), cmp); err != nil {
				return nil, err
			}
		} else {
			idx = make([]int, rowsN)
			for i := range idx {
				idx[i] = i
			}
			if err := sortCancellable(ctx, idx, cmp); err != nil {
				return nil, err
			}
			if n >= 0 && int64(len(idx)) > n {
				idx = idx[:n]
			}
		}
		return gatherTable(all, idx), nil
	}
	return &lazyOp{inputs: []Operator{in}, compute: compute}, nil
}

// compareRows orders rows a and b of c: nulls first or last as asked, values ascending or descending.
func compareRows(c *types.Column, a, b int, asc, nullsFirst bool) int {
	na, nb := c.IsNull(a), c.IsNull(b)
	switch {
	case na && nb:
		return 0
	case na:
		if nullsFirst {
			return -1
		}
		return 1
	case nb:
		if nullsFirst {
			return 1
		}
		return -1
	}
	var r int
	switch c.Type.Physical() {
	case types.PhysInt:
		r = cmpInt(c.Ints[a], c.Ints[b])
	case types.PhysReal:
		r = cmpFloat(c.Reals[a], c.Reals[b])
	case types.PhysStr:
		r = strings.Compare(c.Strs[a], c.Strs[b])
	}
	if !asc {
		r = -r
	}
	return r
}

// topRows returns the n first of rows 0..rowsN-1 in the order of cmp (a total order), using a bounded heap.
// It stops with the context's error when the query is cancelled.
func topRows(ctx *Context, rowsN, n int, cmp func(a, b int) int) ([]int, error) {
	if n <= 0 {
		return nil, nil
	}
	h := &rowHeap{cmp: cmp}
	meter := newWorkMeter(ctx)
	for r := 0; r < rowsN; r++ {
		if err := meter.add(1); err != nil {
			return nil, err
		}
		if len(h.rows) < n {
			heap.Push(h, r)
			continue
		}
		if cmp(r, h.rows[0]) < 0 {
			h.rows[0] = r
			heap.Fix(h, 0)
		}
	}
	out := h.rows
	if err := sortCancellable(ctx, out, cmp); err != nil {
		return nil, err
	}
	return out, nil
}

// rowHeap is a max-heap of row indexes under cmp: its root is the worst row kept so far.
type rowHeap struct {
	rows []int
	cmp  func(a, b int) int
}

func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.cmp(h.rows[i], h.rows[j]) > 0 }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(x any)         { h.rows = append(h.rows, x.(int)) }
func (h *rowHeap) Pop() any {
	x := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return x
}

// topStream reads in batch by batch and returns a table holding the n best rows (a superset of the top n
// in input order; the caller orders them).
func topStream(ctx *Context, in Operator, fns []evalFn, keys []sema.SortKey, n int64, fields []types.Field) (*types.Table, error) {
	var cand *types.Table
	for {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		b, err := in.Next(ctx)
		if isEOF(err) {
			break
		}
		if err != nil {
			return nil, err
		}
		if numRows(b) == 0 {
			continue
		}
		merged := b
		if cand != nil {
			merged = concat(fields, []*types.Table{cand, b})
		}
		rowsN := numRows(merged)
		if int64(rowsN) <= n {
			cand = merged
			continue
		}
		keyCols, err := evalColumns(ctx, fns, merged)
		if err != nil {
			return nil, err
		}
		for i, c := range keyCols {
			if c.Type == types.Dynamic {
				if keyCols[i], err = ctx.castColumn(c, types.String); err != nil {
					return nil, err
				}
			}
		}
		idx, err := topRows(ctx, rowsN, int(n), func(ra, rb int) int {
			for k, c := range keyCols {
				if r := compareRows(c, ra, rb, keys[k].Asc, keys[k].NullsFirst); r != 0 {
					return r
				}
			}
			return ra - rb
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(idx) // keep input order among the kept rows
		cand = gatherTable(merged, idx)
	}
	if cand == nil {
		return concat(fields, nil), nil
	}
	return cand, nil
}
