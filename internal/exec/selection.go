package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// selectFn narrows keep (one flag per row of b, all true on entry for the first predicate) to the rows
// where a predicate is true.
type selectFn func(ctx *Context, b *types.Table, keep []bool) error

// compileSelect compiles a where predicate into a selection. Conjunctions and comparisons of a column with a
// constant (the time and equality filters of hunting rules) are applied straight to the selection without
// building a bool column; other predicates are evaluated and folded in.
func (ctx *Context) compileSelect(pred sema.Expr) (selectFn, error) {
	if bin, ok := pred.(*sema.Binary); ok {
		if bin.Op == "and" {
			l, err := ctx.compileSelect(bin.X)
			if err != nil {
				return nil, err
			}
			r, err := ctx.compileSelect(bin.Y)
			if err != nil {
				return nil, err
			}
			return func(ctx *Context, b *types.Table, keep []bool) error {
				if err := l(ctx, b, keep); err != nil {
					return err
				}
				return r(ctx, b, keep)
			}, nil
		}
		if f, ok, err := ctx.columnConstSelect(bin); ok || err != nil {
			return f, err
		}
	}
	eval, err := ctx.compileExpr(pred)
	if err != nil {
		return nil, err
	}
	return func(ctx *Context, b *types.Table, keep []bool) error {
		a, err := eval(ctx, b)
		if err != nil {
			return err
		}
		if a.Col.Type == types.Dynamic {
			if a.Col, err = ctx.castColumn(a.Col, types.Bool); err != nil {
				return err
			}
		}
		for i := range keep {
			if keep[i] && (a.IsNull(i) || a.Int(i) == 0) {
				keep[i] = false
			}
		}
		return nil
	}, nil
}

// columnConstSelect handles `col op constant` (or `constant op col`) for int-backed columns of the same type
// as the constant, and == / != on strings.
func (ctx *Context) columnConstSelect(bin *sema.Binary) (selectFn, bool, error) {
	op := bin.Op
	ref, isRef := bin.X.(*sema.ColRef)
	other := bin.Y
	if !isRef {
		ref, isRef = bin.Y.(*sema.ColRef)
		other = bin.X
		op = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	if !isRef || op == "" || !sema.IsConstant(other) || ref.T != other.Type() {
		return nil, false, nil
	}
	phys := ref.T.Physical()
	if phys != types.PhysInt && ref.T != types.String {
		return nil, false, nil
	}
	if ref.T == types.String && op != "==" && op != "!=" {
		return nil, false, nil
	}
	v, err := ctx.constValue(other)
	if err != nil {
		return nil, false, err
	}
	idx := ref.Index
	if ref.T == types.String {
		want := v.S
		eq := op == "=="
		return func(_ *Context, b *types.Table, keep []bool) error {
			strs := b.Cols[idx].Strs
			for i := range keep {
				if keep[i] && (strs[i] == want) != eq {
					keep[i] = false
				}
			}
			return nil
		}, true, nil
	}
	if v.Null {
		// a comparison with null is never true, except != against a non-null value
		return func(_ *Context, b *types.Table, keep []bool) error {
			col := b.Cols[idx]
			for i := range keep {
				if keep[i] && !(op == "!=" && !col.IsNull(i)) {
					keep[i] = false
				}
			}
			return nil
		}, true, nil
	}
	c := v.I
	return func(_ *Context, b *types.Table, keep []bool) error {
		col := b.Cols[idx]
		ints := col.Ints
		hasNulls := len(col.Nulls) > 0
		for i := range keep {
			if !keep[i] {
				continue
			}
			if hasNulls && col.Nulls.Get(i) {
				keep[i] = op == "!="
				continue
			}
			x := ints[i]
			var ok bool
			switch op {
			case "==":
				ok = x == c
			case "!=":
				ok = x != c
			case "<":
				ok = x < c
			case "<=":
				ok = x <= c
			case ">":
				ok = x > c
			case ">=":
				ok = x >= c
			}
			if !ok {
				keep[i] = false
			}
		}
		return nil
	}, true, nil
}
