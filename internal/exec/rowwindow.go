package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildRowWindow runs the row-context functions (prev, next, row_number, row_cumsum, row_window_session,
// row_rank_min, row_rank_dense) over the whole input in its order, adding one column per call.
func (ctx *Context) buildRowWindow(x *sema.RowWindow) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	var args []sema.Expr
	for _, f := range x.Funcs {
		if f.X != nil {
			args = append(args, f.X)
		}
		if f.Restart != nil {
			args = append(args, f.Restart)
		}
		if f.Default != nil {
			args = append(args, f.Default)
		}
	}
	fns, err := ctx.compileAll(args)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		vals, err := evalColumns(ctx, fns, t)
		if err != nil {
			return nil, err
		}
		n := numRows(t)
		out := &types.Table{Fields: x.Fields, Cols: append(append([]*types.Column(nil), t.Cols...), make([]*types.Column, len(x.Funcs))...)}
		k := 0
		for i, f := range x.Funcs {
			var arg, restart, def *types.Column
			for _, c := range []struct {
				x   sema.Expr
				col **types.Column
			}{{f.X, &arg}, {f.Restart, &restart}, {f.Default, &def}} {
				if c.x != nil {
					*c.col = vals[k]
					k++
				}
			}
			out.Cols[len(t.Cols)+i] = rowFunc(f, arg, restart, def, n)
		}
		return out, nil
	}}, nil
}

// rowFunc computes one row-context call over n rows.
func rowFunc(f *sema.RowFunc, arg, restart, def *types.Column, n int) *types.Column {
	out := types.NewColumn(f.T, n)
	restartAt := func(i int) bool {
		if restart == nil || restart.IsNull(i) {
			return false
		}
		v := restart.Value(i)
		if v.Type == types.Dynamic {
			b, ok := v.D.(bool)
			return ok && b
		}
		return v.Bool()
	}
	switch f.Name {
	case "prev", "next":
		for i := 0; i < n; i++ {
			j := i - int(f.Offset)
			if f.Name == "next" {
				j = i + int(f.Offset)
			}
			switch {
			case (j < 0 || j >= n) && def != nil:
				out.Append(def.Value(i))
			case j < 0 || j >= n:
				out.AppendNull()
			default:
				out.Append(arg.Value(j))
			}
		}
	case "row_number":
		num := f.Start
		for i := 0; i < n; i++ {
			if i > 0 && restartAt(i) {
				num = f.Start
			}
			out.Append(types.NewLong(num))
			num++
		}
	case "row_cumsum":
		var sumI int64
		var sumF float64
		for i := 0; i < n; i++ {
			if restartAt(i) {
				sumI, sumF = 0, 0
			}
			if !arg.IsNull(i) {
				v := arg.Value(i)
				sumI += v.I
				sumF += v.F
			}
			switch f.T {
			case types.Real, types.Decimal:
				out.Append(types.Value{Type: f.T, F: sumF})
			default:
				out.Append(types.Value{Type: f.T, I: sumI})
			}
		}
	case "row_rank_min", "row_rank_dense":
		var rank, pos int64
		var last types.Value
		for i := 0; i < n; i++ {
			v := arg.Value(i)
			switch {
			case i == 0 || restartAt(i):
				rank, pos = 1, 1
			case sameValue(v, last):
				pos++
			default:
				pos++
				if f.Name == "row_rank_min" {
					rank = pos
				} else {
					rank++
				}
			}
			last = v
			out.Append(types.NewLong(rank))
		}
	case "row_window_session":
		var start, prev int64
		open := false
		for i := 0; i < n; i++ {
			if arg.IsNull(i) {
				out.AppendNull()
				continue
			}
			t := arg.Value(i).I
			if !open || restartAt(i) || absTicks(t-start) > f.MaxFromFirst || absTicks(t-prev) > f.MaxBetween {
				start, open = t, true
			}
			prev = t
			out.Append(types.Value{Type: types.DateTime, I: start})
		}
	}
	return out
}

func absTicks(d int64) int64 {
	if d < 0 {
		return -d
	}
	return d
}

// sameValue reports whether two values of one column are equal (nulls equal each other) for ranking.
func sameValue(a, b types.Value) bool {
	if a.Null || b.Null {
		return a.Null == b.Null
	}
	switch a.Type.Physical() {
	case types.PhysInt:
		return a.I == b.I
	case types.PhysReal:
		return a.F == b.F
	case types.PhysStr:
		return a.S == b.S
	}
	return types.FormatJSON(a.D) == types.FormatJSON(b.D)
}
