package exec

import (
	"errors"
	"io"
	"sort"
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
		batches, err := readAll(ctx, in)
		if err != nil {
			return nil, err
		}
		all := concat(fields, batches)
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
		idx := make([]int, rowsN)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool {
			ra, rb := idx[a], idx[b]
			for k, c := range keyCols {
				if r := compareRows(c, ra, rb, keys[k].Asc, keys[k].NullsFirst); r != 0 {
					return r < 0
				}
			}
			return false
		})
		if n >= 0 && int64(len(idx)) > n {
			idx = idx[:n]
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
