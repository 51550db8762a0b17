package exec

import (
	"slices"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// nestedLevel is a compiled top-nested level.
type nestedLevel struct {
	node *sema.NestedLevel
	n    int64 // -1: all
	of   evalFn
	args []evalFn
}

func (ctx *Context) buildTopNested(x *sema.TopNested) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	levels := make([]*nestedLevel, len(x.Levels))
	for i, l := range x.Levels {
		nl := &nestedLevel{node: l, n: -1}
		if l.N != nil {
			if nl.n, err = ctx.rowCount(l.N); err != nil {
				return nil, err
			}
		}
		if nl.of, err = ctx.compileExpr(l.Of); err != nil {
			return nil, err
		}
		if nl.args, err = ctx.compileAll(l.Agg.Args); err != nil {
			return nil, err
		}
		levels[i] = nl
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
		rows := make([]int, numRows(all))
		for i := range rows {
			rows[i] = i
		}
		out := types.NewTable(x.Fields)
		prefix := make([]types.Value, 0, len(x.Fields))
		if err := ctx.nestedLevel(levels, 0, all, rows, prefix, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return &lazyOp{inputs: []Operator{in}, compute: compute}, nil
}

// nestedLevel groups rows by level l's value, keeps the best groups and recurses into each; a full path of
// values and aggregates becomes one output row.
func (ctx *Context) nestedLevel(levels []*nestedLevel, l int, all *types.Table, rows []int, prefix []types.Value, out *types.Table) error {
	if l == len(levels) {
		out.AppendRow(prefix)
		return nil
	}
	if len(rows) == 0 {
		return nil
	}
	// one look per group: a level with many groups recurses once for each
	if err := ctx.Ctx.Err(); err != nil {
		return err
	}
	lv := levels[l]
	sub := gatherTable(all, rows)
	m := len(rows)
	ofArg, err := lv.of(ctx, sub)
	if err != nil {
		return err
	}
	ofCol := broadcast(ofArg, m)
	g := newGrouper([]types.Type{ofCol.Type})
	groups := make([]uint32, m)
	g.assign([]*types.Column{ofCol}, m, groups)
	acc := lv.node.Agg.Aggregate.New(lv.node.Agg.Infos)
	args := make([]kernel.Arg, len(lv.args))
	for i, f := range lv.args {
		if args[i], err = f(ctx, sub); err != nil {
			return err
		}
	}
	if err := acc.Add(ctx.kernelCtx(), groups, args, m); err != nil {
		return &RuntimeError{Span: lv.node.Agg.Sp, Msg: err.Error()}
	}
	vals := acc.Result(g.count)[0]
	order := make([]int, g.count)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return compareRows(vals, a, b, lv.node.Asc, lv.node.Asc)
	})
	kept := order
	if lv.n >= 0 && int64(len(order)) > lv.n {
		kept = order[:lv.n]
	}
	members := make([][]int, g.count)
	for i, gr := range groups {
		members[gr] = append(members[gr], rows[i])
	}
	for _, gi := range kept {
		next := append(prefix, g.keys[0].Value(gi), vals.Value(gi))
		if err := ctx.nestedLevel(levels, l+1, all, members[gi], next, out); err != nil {
			return err
		}
	}
	if lv.node.Others != nil && len(kept) < len(order) {
		var rest []int
		for _, gi := range order[len(kept):] {
			rest = append(rest, members[gi]...)
		}
		restSub := gatherTable(all, rest)
		oacc := lv.node.Agg.Aggregate.New(lv.node.Agg.Infos)
		for i, f := range lv.args {
			if args[i], err = f(ctx, restSub); err != nil {
				return err
			}
		}
		if err := oacc.Add(ctx.kernelCtx(), make([]uint32, len(rest)), args, len(rest)); err != nil {
			return &RuntimeError{Span: lv.node.Agg.Sp, Msg: err.Error()}
		}
		row := append(prefix, *lv.node.Others, oacc.Result(1)[0].Value(0))
		for k := l + 1; k < len(levels); k++ {
			row = append(row, types.NullOf(levels[k].node.Of.Type()), types.NullOf(levels[k].node.Agg.Out[0]))
		}
		out.AppendRow(row)
	}
	return nil
}
