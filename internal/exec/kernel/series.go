package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// series_* functions over dynamic arrays of numbers (the make-series output). Elements that are not numbers
// are null in the results.

func init() {
	unary := map[string]func(float64) float64{
		"series_abs": math.Abs, "series_acos": math.Acos, "series_asin": math.Asin, "series_atan": math.Atan,
		"series_ceiling": math.Ceil, "series_cos": math.Cos, "series_exp": math.Exp, "series_floor": math.Floor,
		"series_log": math.Log, "series_sin": math.Sin, "series_sqrt": math.Sqrt, "series_tan": math.Tan,
		"series_sign": func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return x
		},
	}
	for name, fn := range unary {
		registerRowFunc(name, nil, types.Dynamic, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
			arr, ok := v[0].D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			out := make([]any, len(arr))
			for i, e := range arr {
				if x, ok := dynNumber(e); ok {
					out[i] = realElem(fn(x))
				}
			}
			return types.NewDynamic(out)
		})
	}
	arith := []struct {
		name     string
		fn       func(a, b float64) float64
		integral func(a, b int64) (int64, bool) // nil: the result is always real
	}{
		{"series_add", func(a, b float64) float64 { return a + b }, func(a, b int64) (int64, bool) { return addInt64(a, b) }},
		{"series_subtract", func(a, b float64) float64 { return a - b }, func(a, b int64) (int64, bool) {
			if b == math.MinInt64 {
				return 0, false
			}
			return addInt64(a, -b)
		}},
		{"series_multiply", func(a, b float64) float64 { return a * b }, mulInt64},
		{"series_divide", func(a, b float64) float64 { return a / b }, nil},
		{"series_pow", math.Pow, nil},
	}
	for _, op := range arith {
		registerRowFunc(op.name, nil, types.Dynamic, 2, 2, paramTypes(tDynamic|tNumber), func(_ *Context, v []types.Value) types.Value {
			return seriesBinary(v[0], v[1], func(a, b any) any {
				ia, aInt := a.(int64)
				ib, bInt := b.(int64)
				if aInt && bInt && op.integral != nil {
					if r, ok := op.integral(ia, ib); ok {
						return r
					}
					return nil
				}
				x, ok1 := dynNumber(a)
				y, ok2 := dynNumber(b)
				if !ok1 || !ok2 {
					return nil
				}
				return realElem(op.fn(x, y))
			})
		})
	}
	compare := []struct {
		name string
		fn   func(a, b float64) bool
	}{
		{"series_greater", func(a, b float64) bool { return a > b }},
		{"series_greater_equals", func(a, b float64) bool { return a >= b }},
		{"series_less", func(a, b float64) bool { return a < b }},
		{"series_less_equals", func(a, b float64) bool { return a <= b }},
		{"series_equals", func(a, b float64) bool { return a == b }},
		{"series_not_equals", func(a, b float64) bool { return a != b }},
	}
	for _, op := range compare {
		registerRowFunc(op.name, nil, types.Dynamic, 2, 2, paramTypes(tDynamic|tNumber), func(_ *Context, v []types.Value) types.Value {
			return seriesBinary(v[0], v[1], func(a, b any) any {
				x, ok1 := dynNumber(a)
				y, ok2 := dynNumber(b)
				if !ok1 || !ok2 {
					return nil
				}
				return op.fn(x, y)
			})
		})
	}
	registerRowFunc("series_fill_const", nil, types.Dynamic, 2, 3, paramTypes(tDynamic, tScalar, tScalar), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Dynamic)
		}
		fill := v[1].Dynamic()
		missing := missingTest(v, 2)
		out := make([]any, len(arr))
		for i, e := range arr {
			if missing(e) {
				out[i] = fill
			} else {
				out[i] = e
			}
		}
		return types.NewDynamic(out)
	})
	for _, c := range []struct {
		name     string
		backward bool
	}{{"series_fill_forward", false}, {"series_fill_backward", true}} {
		registerRowFunc(c.name, nil, types.Dynamic, 1, 2, paramTypes(tDynamic, tScalar), func(_ *Context, v []types.Value) types.Value {
			arr, ok := v[0].D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			missing := missingTest(v, 1)
			out := append([]any{}, arr...)
			var last any
			have := false
			for k := range out {
				i := k
				if c.backward {
					i = len(out) - 1 - k
				}
				if missing(out[i]) {
					if have {
						out[i] = last
					} else {
						out[i] = nil
					}
					continue
				}
				last, have = out[i], true
			}
			return types.NewDynamic(out)
		})
	}
	registerRowFunc("series_fill_linear", nil, types.Dynamic, 1, 4, paramTypes(tDynamic, tScalar, tBool, tScalar), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Dynamic)
		}
		missing := missingTest(v, 1)
		fillEdges := len(v) < 3 || v[2].Null || v[2].I != 0
		return types.NewDynamic(fillLinear(arr, missing, fillEdges))
	})
	registerRowFunc("series_dot_product", nil, types.Real, 2, 2, paramTypes(tDynamic|tNumber), func(_ *Context, v []types.Value) types.Value {
		xs, ys, ok := seriesPair(v[0], v[1])
		if !ok {
			return nullV(types.Real)
		}
		sum := 0.0
		for i := range xs {
			sum += xs[i] * ys[i]
		}
		return types.NewReal(sum)
	})
	registerRowFunc("series_cosine_similarity", nil, types.Real, 2, 2, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		xs, ys, ok := seriesPair(v[0], v[1])
		if !ok {
			return nullV(types.Real)
		}
		var dot, nx, ny float64
		for i := range xs {
			dot += xs[i] * ys[i]
			nx += xs[i] * xs[i]
			ny += ys[i] * ys[i]
		}
		return types.NewReal(dot / math.Sqrt(nx*ny))
	})
	registerRowFunc("series_pearson_correlation", nil, types.Real, 2, 2, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		xs, ys, ok := seriesPair(v[0], v[1])
		if !ok || len(xs) == 0 {
			return nullV(types.Real)
		}
		mx, my := mean(xs), mean(ys)
		var sxy, sxx, syy float64
		for i := range xs {
			dx, dy := xs[i]-mx, ys[i]-my
			sxy += dx * dy
			sxx += dx * dx
			syy += dy * dy
		}
		return types.NewReal(sxy / math.Sqrt(sxx*syy))
	})
	registerRowFunc("series_stats_dynamic", nil, types.Dynamic, 1, 2, paramTypes(tDynamic, tBool), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Dynamic)
		}
		ignoreNonFinite := len(v) > 1 && !v[1].Null && v[1].I != 0
		return types.NewDynamic(seriesStats(arr, ignoreNonFinite))
	})
	registerRowFunc("series_fit_line_dynamic", nil, types.Dynamic, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(fitLine(arr))
	})
	registerRowFunc("series_iir", nil, types.Dynamic, 3, 3, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		x, ok1 := v[0].D.([]any)
		b, ok2 := numbers(v[1].D)
		a, ok3 := numbers(v[2].D)
		if !ok1 || !ok2 || !ok3 || len(a) == 0 || a[0] == 0 {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(iirFilter(x, b, a))
	})
}

// realElem stores a real result, keeping NaN and infinities as they are.
func realElem(f float64) any { return f }

// seriesBinary applies fn elementwise; a scalar operand is used for every element. The result is as long as the
// longer array; missing elements are null.
func seriesBinary(a, b types.Value, fn func(x, y any) any) types.Value {
	aArr, aIsArr := a.D.([]any)
	bArr, bIsArr := b.D.([]any)
	if a.Null || b.Null || (a.Type == types.Dynamic && !aIsArr) || (b.Type == types.Dynamic && !bIsArr) {
		return nullV(types.Dynamic)
	}
	n := max(len(aArr), len(bArr))
	elem := func(v types.Value, arr []any, isArr bool, i int) any {
		if !isArr {
			return v.Dynamic()
		}
		if i < len(arr) {
			return arr[i]
		}
		return nil
	}
	out := make([]any, n)
	for i := range out {
		out[i] = fn(elem(a, aArr, aIsArr, i), elem(b, bArr, bIsArr, i))
	}
	return types.NewDynamic(out)
}

// missingTest returns the test for elements to fill: null, or equal to the placeholder argument at index i.
func missingTest(v []types.Value, i int) func(any) bool {
	if i < len(v) && !v[i].Null {
		placeholder := v[i].Dynamic()
		return func(e any) bool { return e == nil || dynEqual(e, placeholder) }
	}
	return func(e any) bool { return e == nil }
}

func fillLinear(arr []any, missing func(any) bool, fillEdges bool) []any {
	out := append([]any{}, arr...)
	prev := -1
	for i := 0; i <= len(out); i++ {
		if i < len(out) && missing(out[i]) {
			continue
		}
		if i < len(out) {
			if _, ok := dynNumber(out[i]); !ok {
				continue
			}
		}
		// Fill the gap between prev and i.
		switch {
		case prev >= 0 && i < len(out):
			x0, _ := dynNumber(out[prev])
			x1, _ := dynNumber(out[i])
			for k := prev + 1; k < i; k++ {
				out[k] = x0 + (x1-x0)*float64(k-prev)/float64(i-prev)
			}
		case fillEdges && prev < 0 && i < len(out):
			for k := 0; k < i; k++ {
				out[k] = out[i]
			}
		case fillEdges && prev >= 0 && i == len(out):
			for k := prev + 1; k < i; k++ {
				out[k] = out[prev]
			}
		}
		prev = i
	}
	for i, e := range out {
		if missing(e) {
			out[i] = nil
		}
	}
	return out
}

// numbers converts a dynamic array to reals; false when it is not an array of numbers.
func numbers(d any) ([]float64, bool) {
	arr, ok := d.([]any)
	if !ok {
		return nil, false
	}
	out := make([]float64, len(arr))
	for i, e := range arr {
		x, ok := dynNumber(e)
		if !ok {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// seriesPair returns two equally long number arrays; a scalar second operand is repeated.
func seriesPair(a, b types.Value) ([]float64, []float64, bool) {
	xs, ok := numbers(a.D)
	if !ok {
		return nil, nil, false
	}
	if b.Type != types.Dynamic {
		y, ok := toRealValue(b)
		if !ok {
			return nil, nil, false
		}
		ys := make([]float64, len(xs))
		for i := range ys {
			ys[i] = y
		}
		return xs, ys, true
	}
	ys, ok := numbers(b.D)
	if !ok || len(ys) != len(xs) {
		return nil, nil, false
	}
	return xs, ys, true
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// seriesStats is series_stats_dynamic: min, min_idx, max, max_idx, avg, stdev (sample) and variance of the numbers.
func seriesStats(arr []any, ignoreNonFinite bool) *types.Bag {
	bag := types.NewBag()
	var vals []float64
	minIdx, maxIdx := -1, -1
	for i, e := range arr {
		x, ok := dynNumber(e)
		if !ok || (ignoreNonFinite && (math.IsNaN(x) || math.IsInf(x, 0))) {
			continue
		}
		vals = append(vals, x)
		if minIdx < 0 {
			minIdx, maxIdx = i, i
			continue
		}
		if mx, _ := dynNumber(arr[minIdx]); x < mx {
			minIdx = i
		}
		if mx, _ := dynNumber(arr[maxIdx]); x > mx {
			maxIdx = i
		}
	}
	if len(vals) == 0 {
		for _, k := range []string{"min", "min_idx", "max", "max_idx", "avg", "stdev", "variance"} {
			bag.Set(k, nil)
		}
		return bag
	}
	m := mean(vals)
	ss := 0.0
	for _, x := range vals {
		ss += (x - m) * (x - m)
	}
	variance := 0.0
	if len(vals) > 1 {
		variance = ss / float64(len(vals)-1)
	}
	minV, _ := dynNumber(arr[minIdx])
	maxV, _ := dynNumber(arr[maxIdx])
	bag.Set("min", minV)
	bag.Set("min_idx", int64(minIdx))
	bag.Set("max", maxV)
	bag.Set("max_idx", int64(maxIdx))
	bag.Set("avg", m)
	bag.Set("stdev", math.Sqrt(variance))
	bag.Set("variance", variance)
	return bag
}

// bagOutputs registers a multi-output series function whose outputs are the keys of a bag-returning kernel.
func bagOutputs(name string, min, max int, sets []typeSet, keys []string, outTypes []types.Type,
	fn func(v []types.Value) types.Value) {
	RegisterMultiScalar(&MultiScalar{
		Name: name, MinArgs: min, MaxArgs: max,
		Results: func(args []ArgInfo) ([]types.Type, []string, error) {
			if err := checkArgs(name, args, min, max, sets...); err != nil {
				return nil, nil, err
			}
			return outTypes, keys, nil
		},
		Eval: func(_ *Context, args []Arg, n int) ([]*types.Column, error) {
			cols := make([]*types.Column, len(keys))
			for j, t := range outTypes {
				cols[j] = newCol(t, n)
			}
			vals := make([]types.Value, len(args))
			for i := 0; i < n; i++ {
				for j, a := range args {
					vals[j] = a.Value(i)
				}
				bag, _ := fn(vals).D.(*types.Bag)
				for j, k := range keys {
					var d any
					if bag != nil {
						d = bag.Vals[k]
					}
					if d == nil {
						setNull(cols[j], i)
						continue
					}
					setValue(cols[j], i, castValue(dynToValue(d), outTypes[j]))
				}
			}
			return cols, nil
		},
	})
}

func init() {
	bagOutputs("series_stats", 1, 2, paramTypes(tDynamic, tBool),
		[]string{"min", "min_idx", "max", "max_idx", "avg", "stdev", "variance"},
		[]types.Type{types.Real, types.Long, types.Real, types.Long, types.Real, types.Real, types.Real},
		func(v []types.Value) types.Value {
			arr, ok := v[0].D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			return types.NewDynamic(seriesStats(arr, len(v) > 1 && !v[1].Null && v[1].I != 0))
		})
	bagOutputs("series_fit_line", 1, 1, paramTypes(tDynamic),
		[]string{"rsquare", "slope", "variance", "rvariance", "interception", "line_fit"},
		[]types.Type{types.Real, types.Real, types.Real, types.Real, types.Real, types.Dynamic},
		func(v []types.Value) types.Value {
			arr, ok := v[0].D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			return types.NewDynamic(fitLine(arr))
		})
}

// fitLine is series_fit_line_dynamic: least squares over x = 1..n (Kusto's convention), with rsquare, slope,
// variance, rvariance, interception and the fitted line.
func fitLine(arr []any) *types.Bag {
	bag := types.NewBag()
	ys, ok := numbers(arr)
	if !ok || len(ys) == 0 {
		for _, k := range []string{"rsquare", "slope", "variance", "rvariance", "interception", "line_fit"} {
			bag.Set(k, nil)
		}
		return bag
	}
	n := float64(len(ys))
	var sx, sy, sxx, sxy float64
	for i, y := range ys {
		x := float64(i + 1)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	slope := 0.0
	if d := n*sxx - sx*sx; d != 0 {
		slope = (n*sxy - sx*sy) / d
	}
	intercept := (sy - slope*sx) / n
	my := sy / n
	var ssTot, ssRes float64
	line := make([]any, len(ys))
	for i, y := range ys {
		f := intercept + slope*float64(i+1)
		line[i] = f
		ssTot += (y - my) * (y - my)
		ssRes += (y - f) * (y - f)
	}
	rsquare := 1.0
	if ssTot != 0 {
		rsquare = 1 - ssRes/ssTot
	}
	bag.Set("rsquare", rsquare)
	bag.Set("slope", slope)
	// Both variances are sample variances (n-1), as the reference's example shows.
	variance, rvariance := 0.0, 0.0
	if len(ys) > 1 {
		variance, rvariance = ssTot/(n-1), ssRes/(n-1)
	}
	bag.Set("variance", variance)
	bag.Set("rvariance", rvariance)
	bag.Set("interception", intercept)
	bag.Set("line_fit", line)
	return bag
}

// iirFilter applies y[n] = (sum b[k]x[n-k] - sum_{k>0} a[k]y[n-k]) / a[0]; non-numbers count as 0.
func iirFilter(x []any, b, a []float64) []any {
	xs := make([]float64, len(x))
	for i, e := range x {
		xs[i], _ = dynNumber(e)
	}
	ys := make([]float64, len(xs))
	out := make([]any, len(xs))
	for n := range xs {
		acc := 0.0
		for k, bk := range b {
			if n-k >= 0 {
				acc += bk * xs[n-k]
			}
		}
		for k := 1; k < len(a); k++ {
			if n-k >= 0 {
				acc -= a[k] * ys[n-k]
			}
		}
		ys[n] = acc / a[0]
		out[n] = ys[n]
	}
	return out
}
