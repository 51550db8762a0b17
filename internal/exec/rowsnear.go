package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildRowsNear keeps the rows where the condition holds and the rows within Before/After of them.
func (ctx *Context) buildRowsNear(x *sema.RowsNear) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	cond, err := ctx.compileExpr(x.Cond)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		n := numRows(t)
		cols, err := evalColumns(ctx, []evalFn{cond}, t)
		if err != nil {
			return nil, err
		}
		keep := make([]bool, n)
		for r := 0; r < n; r++ {
			v := cols[0].Value(r)
			hit := !v.Null && v.Bool()
			if v.Type == types.Dynamic {
				b, ok := v.D.(bool)
				hit = ok && b
			}
			if !hit {
				continue
			}
			from, to := int64(r)-x.Before, int64(r)+x.After
			for i := max(from, 0); i <= to && i < int64(n); i++ {
				keep[i] = true
			}
		}
		var idx []int
		for r, k := range keep {
			if k {
				idx = append(idx, r)
			}
		}
		return gatherTable(t, idx), nil
	}}, nil
}
