package kernel

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// rowFunc computes one output value from one row's argument values. It returns a value of the
// scalar's result type, or a null.
type rowFunc func(ctx *Context, vals []types.Value) types.Value

// evalRows turns a per-row function into a column kernel; resultType picks the output type from the argument columns.
func evalRows(resultType func(args []Arg) types.Type, fn rowFunc) func(*Context, []Arg, int) (*types.Column, error) {
	return func(ctx *Context, args []Arg, n int) (*types.Column, error) {
		out := newCol(resultType(args), n)
		vals := make([]types.Value, len(args))
		allConst := len(args) > 0 && n > 1
		for _, a := range args {
			allConst = allConst && a.Const
		}
		if allConst {
			// Constant arguments: compute once and repeat (functions without arguments, such as new_guid(),
			// still run per row).
			for j, a := range args {
				vals[j] = a.Value(0)
			}
			v := fn(ctx, vals)
			for i := 0; i < n; i++ {
				setValue(out, i, v)
			}
			if err := ctxErr(ctx); err != nil {
				return nil, err
			}
			return out, nil
		}
		for i := 0; i < n; i++ {
			// one row can be costly (range() builds up to a million elements): look at the query's
			// context (an atomic load) before each row so that a cancelled query stops within the batch
			if ctx.Ctx != nil {
				if err := ctx.Ctx.Err(); err != nil {
					return nil, err
				}
			}
			for j, a := range args {
				vals[j] = a.Value(i)
			}
			setValue(out, i, fn(ctx, vals))
		}
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		return out, nil
	}
}

// ctxErr is the query context's error: a row function that gives up when the query is cancelled returns
// null, which must not pass for its result.
func ctxErr(ctx *Context) error {
	if ctx == nil || ctx.Ctx == nil {
		return nil
	}
	return ctx.Ctx.Err()
}

// fixedType is a resultType for kernels whose output type does not depend on the arguments.
func fixedType(t types.Type) func([]Arg) types.Type {
	return func([]Arg) types.Type { return t }
}

// fixedResult is a Result for a scalar with a fixed output type and the given parameter type sets.
func fixedResult(name string, t types.Type, min, max int, sets ...typeSet) func([]ArgInfo) (types.Type, error) {
	return func(args []ArgInfo) (types.Type, error) {
		if err := checkArgs(name, args, min, max, sets...); err != nil {
			return types.Unknown, err
		}
		return t, nil
	}
}

// registerRowFunc registers a scalar with a fixed output type computed row by row.
func registerRowFunc(name string, aliases []string, t types.Type, min, max int, sets []typeSet, fn rowFunc) {
	RegisterScalar(&Scalar{
		Name: name, Aliases: aliases, MinArgs: min, MaxArgs: max,
		Result: fixedResult(name, t, min, max, sets...),
		Eval:   evalRows(fixedType(t), fn),
	})
}

// paramTypes lists the types each parameter accepts (the last entry repeats for further arguments).
func paramTypes(s ...typeSet) []typeSet { return s }

// nullV returns the null of type t.
func nullV(t types.Type) types.Value { return types.NullOf(t) }

// anyNull reports whether any of vals is null.
func anyNull(vals []types.Value) bool {
	for _, v := range vals {
		if v.Null {
			return true
		}
	}
	return false
}

// commonType is the result type of iff/case/coalesce/min_of: the widest numeric type when all are numeric,
// otherwise the one shared type. Unknown (untyped null) arguments take the type of the others.
func commonType(ts []types.Type) (types.Type, bool) {
	res := types.Unknown
	for _, t := range ts {
		switch {
		case t == types.Unknown:
		case res == types.Unknown:
			res = t
		case res == t:
		case res.IsNumeric() && t.IsNumeric():
			res = widerNumeric(res, t)
		default:
			return types.Unknown, false
		}
	}
	return res, true
}

// widerNumeric returns the wider of two numeric types (int < long < decimal < real).
func widerNumeric(a, b types.Type) types.Type {
	rank := func(t types.Type) int {
		switch t {
		case types.Int:
			return 1
		case types.Long:
			return 2
		case types.Decimal:
			return 3
		case types.Real:
			return 4
		}
		return 0
	}
	if rank(a) >= rank(b) {
		return a
	}
	return b
}

// castValue converts v to type t for a common-type result (numeric widening; same type otherwise).
func castValue(v types.Value, t types.Type) types.Value {
	if v.Null {
		return types.NullOf(t)
	}
	if v.Type == t {
		return v
	}
	switch t {
	case types.Real, types.Decimal:
		if f, ok := toRealValue(v); ok {
			return types.Value{Type: t, F: f}
		}
	case types.Long:
		if i, ok := toLongValue(v); ok {
			return types.NewLong(i)
		}
	case types.Int:
		if i, ok := toLongValue(v); ok {
			return types.NewInt(i)
		}
	case types.String:
		return types.NewString(valueText(v))
	case types.Dynamic:
		return types.NewDynamic(v.Dynamic())
	}
	return types.NullOf(t)
}
