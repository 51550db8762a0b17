package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildDcountIntersect runs evaluate dcount_intersect: per input row, the row's columns and the distinct counts
// of the intersections of the first 1, 2, ..., n sets whose hll() sketches the row holds (null when one of them
// is not a sketch).
func (ctx *Context) buildDcountIntersect(x *sema.DcountIntersect) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	evals := make([]evalFn, len(x.Args))
	for i, a := range x.Args {
		if evals[i], err = ctx.compileExpr(a); err != nil {
			return nil, err
		}
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		n := numRows(t)
		cols := make([]*types.Column, len(evals))
		for i, ev := range evals {
			a, err := ev(ctx, t)
			if err != nil {
				return nil, err
			}
			cols[i] = broadcast(a, n)
		}
		counts := make([]*types.Column, len(cols))
		for i := range counts {
			counts[i] = types.NewColumn(types.Long, n)
		}
		sketches := make([]any, len(cols))
		done := ctx.Ctx
		if done == nil {
			done = context.Background()
		}
		for r := 0; r < n; r++ {
			for i, c := range cols {
				sketches[i] = c.Dyns[r]
			}
			dc, ok, err := kernel.DcountIntersect(done, sketches)
			if err != nil {
				if done.Err() != nil {
					return nil, err // cancelled or timed out: the context's error, as other operators return it
				}
				return nil, &RuntimeError{Span: x.Span(), Msg: err.Error()}
			}
			for i, c := range counts {
				if ok {
					c.Append(types.NewLong(dc[i]))
				} else {
					c.Append(types.NullOf(types.Long))
				}
			}
		}
		return &types.Table{Fields: x.Fields, Cols: append(append([]*types.Column(nil), t.Cols...), counts...)}, nil
	}}, nil
}
