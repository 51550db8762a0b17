package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Math functions. Integer inputs are taken as reals unless the function keeps its argument's type
// (abs, round, min_of, max_of).

func init() {
	realFunc := func(name string, fn func(float64) (float64, bool)) {
		registerRowFunc(name, nil, types.Real, 1, 1, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
			x, ok := toRealValue(v[0])
			if !ok {
				return nullV(types.Real)
			}
			r, ok := fn(x)
			if !ok {
				return nullV(types.Real)
			}
			return types.NewReal(r)
		})
	}
	always := func(f func(float64) float64) func(float64) (float64, bool) {
		return func(x float64) (float64, bool) { return f(x), true }
	}
	nonNegative := func(f func(float64) float64) func(float64) (float64, bool) {
		return func(x float64) (float64, bool) { return f(x), !(x < 0) }
	}
	realFunc("exp", always(math.Exp))
	realFunc("exp2", always(math.Exp2))
	realFunc("exp10", always(func(x float64) float64 { return math.Pow(10, x) }))
	realFunc("log", nonNegative(math.Log))
	realFunc("log10", nonNegative(math.Log10))
	realFunc("log2", nonNegative(math.Log2))
	realFunc("sqrt", nonNegative(math.Sqrt))
	realFunc("cos", always(math.Cos))
	realFunc("sin", always(math.Sin))
	realFunc("tan", always(math.Tan))
	realFunc("acos", always(math.Acos))
	realFunc("asin", always(math.Asin))
	realFunc("atan", always(math.Atan))
	realFunc("cot", always(func(x float64) float64 { return 1 / math.Tan(x) }))
	realFunc("degrees", always(func(x float64) float64 { return x * 180 / math.Pi }))
	realFunc("radians", always(func(x float64) float64 { return x * math.Pi / 180 }))
	registerRowFunc("pi", nil, types.Real, 0, 0, nil, func(*Context, []types.Value) types.Value { return types.NewReal(math.Pi) })
	registerRowFunc("atan2", nil, types.Real, 2, 2, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
		y, ok1 := toRealValue(v[0])
		x, ok2 := toRealValue(v[1])
		if !ok1 || !ok2 {
			return nullV(types.Real)
		}
		return types.NewReal(math.Atan2(y, x))
	})
	registerRowFunc("pow", nil, types.Real, 2, 2, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
		b, ok1 := toRealValue(v[0])
		e, ok2 := toRealValue(v[1])
		if !ok1 || !ok2 {
			return nullV(types.Real)
		}
		return types.NewReal(math.Pow(b, e))
	})
	boolOfReal := func(name string, fn func(float64) bool) {
		registerRowFunc(name, nil, types.Bool, 1, 1, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
			x, ok := toRealValue(v[0])
			if !ok {
				return nullV(types.Bool)
			}
			return types.NewBool(fn(x))
		})
	}
	boolOfReal("isnan", math.IsNaN)
	boolOfReal("isinf", func(x float64) bool { return math.IsInf(x, 0) })
	boolOfReal("isfinite", func(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) })
	RegisterScalar(&Scalar{
		Name: "abs", MinArgs: 1, MaxArgs: 1,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("abs", args, 1, 1, tNumber|tTimeSpan); err != nil {
				return types.Unknown, err
			}
			return argType(args, 0), nil
		},
		Eval: evalRows(func(a []Arg) types.Type { return a[0].Col.Type }, func(_ *Context, v []types.Value) types.Value {
			x := v[0]
			if x.Null {
				return x
			}
			if x.Type.Physical() == types.PhysReal {
				x.F = math.Abs(x.F)
				return x
			}
			if x.I == math.MinInt64 {
				return types.NullOf(x.Type)
			}
			if x.I < 0 {
				x.I = -x.I
			}
			if x.Type == types.Int {
				x.I = int64(int32(x.I))
			}
			return x
		}),
	})
	registerRowFunc("sign", nil, types.Real, 1, 1, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
		x, ok := toRealValue(v[0])
		if !ok {
			return nullV(types.Real)
		}
		switch {
		case x > 0:
			return types.NewReal(1)
		case x < 0:
			return types.NewReal(-1)
		}
		return types.NewReal(x)
	})
	RegisterScalar(&Scalar{
		Name: "round", MinArgs: 1, MaxArgs: 2,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("round", args, 1, 2, tNumber, tInteger); err != nil {
				return types.Unknown, err
			}
			return roundType(argType(args, 0)), nil
		},
		Eval: evalRows(func(a []Arg) types.Type { return roundType(a[0].Col.Type) }, func(_ *Context, v []types.Value) types.Value {
			t := roundType(v[0].Type)
			if anyNull(v) {
				return nullV(t)
			}
			precision := int64(0)
			if len(v) > 1 {
				precision = v[1].I
			}
			x, _ := toRealValue(v[0])
			r := roundTo(x, precision)
			if t.IsIntegral() {
				if math.IsNaN(r) || math.Abs(r) >= math.MaxInt64 {
					return nullV(t)
				}
				return castValue(types.NewLong(int64(r)), t)
			}
			return types.Value{Type: t, F: r}
		}),
	})
	RegisterScalar(&Scalar{
		Name: "ceiling", MinArgs: 1, MaxArgs: 1,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("ceiling", args, 1, 1, tNumber); err != nil {
				return types.Unknown, err
			}
			return argType(args, 0), nil
		},
		Eval: evalRows(func(a []Arg) types.Type { return a[0].Col.Type }, func(_ *Context, v []types.Value) types.Value {
			x := v[0]
			if !x.Null && x.Type.Physical() == types.PhysReal {
				x.F = math.Ceil(x.F)
			}
			return x
		}),
	})
	for _, c := range []struct {
		name string
		max  bool
	}{{"min_of", false}, {"max_of", true}} {
		RegisterScalar(&Scalar{
			Name: c.name, MinArgs: 2, MaxArgs: 64,
			Result: func(args []ArgInfo) (types.Type, error) {
				if err := checkArgs(c.name, args, 2, 64, tNumber|tDateTime|tTimeSpan|tString|tBool|tGUID); err != nil {
					return types.Unknown, err
				}
				idx := make([]int, len(args))
				for i := range idx {
					idx[i] = i
				}
				return branchesType(args, idx, false)
			},
			Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
				t := argsCommonType(args, false)
				out := newCol(t, n)
				for i := 0; i < n; i++ {
					best := types.NullOf(t)
					for _, a := range args {
						v := castValue(a.Value(i), t)
						if v.IsNullOrEmpty() {
							continue
						}
						if best.IsNullOrEmpty() {
							best = v
							continue
						}
						cmp := compareValues(v, best)
						if (c.max && cmp > 0) || (!c.max && cmp < 0) {
							best = v
						}
					}
					setValue(out, i, best)
				}
				return out, nil
			},
		})
	}
}

// roundType keeps integer types and makes everything else real (decimal stays decimal).
func roundType(t types.Type) types.Type {
	switch t {
	case types.Int, types.Long, types.Decimal:
		return t
	}
	return types.Real
}

// roundTo rounds x to the given number of decimal digits (negative: to tens, hundreds...), halves away from zero.
func roundTo(x float64, digits int64) float64 {
	if digits > 308 || digits < -308 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, float64(digits))
	r := math.Round(x*p) / p
	if math.IsInf(x*p, 0) {
		return x
	}
	return r
}
