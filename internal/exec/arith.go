package exec

import (
	"fmt"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// arith computes `l op r` with result type t (decided by sema.ArithmeticType). Nulls propagate; integer
// division and modulo by zero give null.
func arith(ctx *Context, op string, l, r kernel.Arg, t types.Type, b *types.Table) (kernel.Arg, error) {
	var err error
	// dynamic operands were typed by sema as real next to numbers, timespan next to datetimes and timespans
	if l.Col.Type == types.Dynamic {
		target := types.Real
		if t == types.TimeSpan || t == types.DateTime {
			target = types.TimeSpan
			if r.Col.Type == types.TimeSpan && t == types.DateTime {
				target = types.DateTime
			}
		}
		if l.Col, err = ctx.castColumn(l.Col, target); err != nil {
			return l, err
		}
	}
	if r.Col.Type == types.Dynamic {
		target := types.Real
		if t == types.TimeSpan || t == types.DateTime {
			target = types.TimeSpan
		}
		if r.Col, err = ctx.castColumn(r.Col, target); err != nil {
			return r, err
		}
	}
	n, allConst := rows(b, l, r)
	out := newFilled(t, n)
	lt, rt := l.Col.Type, r.Col.Type
	switch {
	case t == types.Real || t == types.Decimal:
		for i := 0; i < n; i++ {
			if l.IsNull(i) || r.IsNull(i) {
				out.Nulls.Set(i)
				continue
			}
			out.Reals[i] = realOp(op, realAt(l, i), realAt(r, i))
		}
	case t.Physical() == types.PhysInt && (lt.Physical() == types.PhysReal || rt.Physical() == types.PhysReal):
		// timespan * real, timespan / real: computed in real, rounded to ticks
		for i := 0; i < n; i++ {
			if l.IsNull(i) || r.IsNull(i) {
				out.Nulls.Set(i)
				continue
			}
			f := realOp(op, realAt(l, i), realAt(r, i))
			if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > math.MaxInt64 {
				out.Nulls.Set(i)
				continue
			}
			out.Ints[i] = int64(math.Round(f))
		}
	case t.Physical() == types.PhysInt:
		li, ri := l.Col.Ints, r.Col.Ints
		noNulls := len(l.Col.Nulls) == 0 && len(r.Col.Nulls) == 0
		if noNulls && r.Const && !l.Const && (op == "+" || op == "-") {
			c := ri[0]
			if op == "-" {
				c = -c
			}
			for i := 0; i < n; i++ {
				out.Ints[i] = li[i] + c
			}
		} else {
			for i := 0; i < n; i++ {
				if l.IsNull(i) || r.IsNull(i) {
					out.Nulls.Set(i)
					continue
				}
				v, ok := intOp(op, l.Int(i), r.Int(i))
				if !ok {
					out.Nulls.Set(i)
					continue
				}
				out.Ints[i] = v
			}
		}
		if t == types.Int {
			for i := range out.Ints {
				out.Ints[i] = int64(int32(out.Ints[i]))
			}
		}
	default:
		return kernel.Arg{}, fmt.Errorf("cannot apply '%s' to %s and %s", op, lt, rt)
	}
	return kernel.Arg{Col: out, Const: allConst}, nil
}

func realOp(op string, a, b float64) float64 {
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	case "%":
		return math.Mod(a, b)
	}
	return math.NaN()
}

// intOp computes an integer operation; ok is false for division or modulo by zero.
func intOp(op string, a, b int64) (int64, bool) {
	switch op {
	case "+":
		return a + b, true
	case "-":
		return a - b, true
	case "*":
		return a * b, true
	case "/":
		if b == 0 {
			return 0, false
		}
		if a == math.MinInt64 && b == -1 {
			return 0, false
		}
		return a / b, true
	case "%":
		if b == 0 {
			return 0, false
		}
		if b == -1 {
			return 0, true
		}
		return a % b, true
	}
	return 0, false
}
