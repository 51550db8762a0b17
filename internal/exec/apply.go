package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// applyInputOp yields the subtable the enclosing mv-apply set for the current row.
type applyInputOp struct {
	node *sema.ApplyInput
	tableOp
}

func (o *applyInputOp) Open(ctx *Context) error {
	o.t, o.done = ctx.applyInputs[o.node], false
	return nil
}

// mvApplyOp runs a compiled subquery once per input row over that row's expanded subtable.
type mvApplyOp struct {
	in    Operator
	node  *sema.MvApply
	exprs []evalFn
	sub   Operator
	limit int64
}

func (ctx *Context) buildMvApply(x *sema.MvApply) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	exprs, err := ctx.compileAll(x.Exprs)
	if err != nil {
		return nil, err
	}
	sub, err := ctx.Build(x.Sub)
	if err != nil {
		return nil, err
	}
	limit := int64(-1)
	if x.Limit != nil {
		if limit, err = ctx.rowCount(x.Limit); err != nil {
			return nil, err
		}
	}
	return &mvApplyOp{in: in, node: x, exprs: exprs, sub: sub, limit: limit}, nil
}

func (o *mvApplyOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *mvApplyOp) Close() error {
	o.sub.Close()
	return o.in.Close()
}

func (o *mvApplyOp) Next(ctx *Context) (*types.Table, error) {
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	x := o.node
	n := numRows(b)
	arrays, err := evalColumns(ctx, o.exprs, b)
	if err != nil {
		return nil, err
	}
	expander := &mvExpandOp{node: &sema.MvExpand{}}
	var outs []*types.Table
	elems := make([][]any, len(arrays))
	for r := 0; r < n; r++ {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		count := 0
		for k, a := range arrays {
			elems[k] = expander.elements(a.Dyns[r])
			count = max(count, len(elems[k]))
		}
		if o.limit >= 0 && int64(count) > o.limit {
			count = int(o.limit)
		}
		rowIdx := make([]int, count)
		for i := range rowIdx {
			rowIdx[i] = r
		}
		subIn := &types.Table{Fields: x.Input.Fields}
		for _, c := range x.Keep {
			subIn.Cols = append(subIn.Cols, b.Cols[c].Gather(rowIdx))
		}
		for k := range arrays {
			col := newFilled(types.Dynamic, count)
			for j := 0; j < count && j < len(elems[k]); j++ {
				col.Dyns[j] = elems[k][j]
			}
			if x.To[k] != types.Dynamic {
				if col, err = ctx.castColumn(col, x.To[k]); err != nil {
					return nil, err
				}
			}
			subIn.Cols = append(subIn.Cols, col)
		}
		if x.ItemIndex {
			col := newFilled(types.Long, count)
			for j := range col.Ints {
				col.Ints[j] = int64(j)
			}
			subIn.Cols = append(subIn.Cols, col)
		}
		if ctx.applyInputs == nil {
			ctx.applyInputs = map[*sema.ApplyInput]*types.Table{}
		}
		ctx.applyInputs[x.Input] = subIn
		res, err := drain(ctx, o.sub, x.Sub.Schema())
		if err != nil {
			return nil, err
		}
		m := numRows(res)
		if m == 0 {
			continue
		}
		out := &types.Table{Fields: x.Fields}
		rowIdx = rowIdx[:0]
		for i := 0; i < m; i++ {
			rowIdx = append(rowIdx, r)
		}
		for _, c := range x.Extra {
			out.Cols = append(out.Cols, b.Cols[c].Gather(rowIdx))
		}
		out.Cols = append(out.Cols, res.Cols...)
		outs = append(outs, out)
	}
	return concat(x.Fields, outs), nil
}

// buildPartition runs the subquery once per value of the partition column.
func (ctx *Context) buildPartition(x *sema.Partition) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	sub, err := ctx.Build(x.Sub)
	if err != nil {
		return nil, err
	}
	compute := func(ctx *Context) (*types.Table, error) {
		if err := in.Open(ctx); err != nil {
			return nil, err
		}
		batches, err := readAll(ctx, in)
		if err != nil {
			return nil, err
		}
		all := concat(x.In.Schema(), batches)
		n := numRows(all)
		g := newGrouper([]types.Type{x.In.Schema()[x.By].Type})
		groups := make([]uint32, n)
		g.assign([]*types.Column{all.Cols[x.By]}, n, groups)
		members := make([][]int, g.count)
		for r, gr := range groups {
			members[gr] = append(members[gr], r)
		}
		if ctx.applyInputs == nil {
			ctx.applyInputs = map[*sema.ApplyInput]*types.Table{}
		}
		var outs []*types.Table
		for _, rows := range members {
			ctx.applyInputs[x.Input] = gatherTable(all, rows)
			if x.PerPartition {
				// the { } form reads the key as a constant (toscalar), computed when the plan is built
				if sub, err = ctx.Build(x.Sub); err != nil {
					return nil, err
				}
			}
			res, err := drain(ctx, sub, x.Sub.Schema())
			if err != nil {
				return nil, err
			}
			if numRows(res) > 0 {
				outs = append(outs, res)
			}
		}
		return concat(x.Fields, outs), nil
	}
	return &lazyOp{inputs: []Operator{in, sub}, compute: compute}, nil
}
