package kernel

import (
	"slices"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Bitwise, covariance and weighted-percentile aggregates.

func init() {
	for _, c := range []struct {
		name string
		op   func(a, b int64) int64
		init int64
	}{
		{"binary_all_and", func(a, b int64) int64 { return a & b }, -1},
		{"binary_all_or", func(a, b int64) int64 { return a | b }, 0},
		{"binary_all_xor", func(a, b int64) int64 { return a ^ b }, 0},
	} {
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: 1, MaxArgs: 1,
			Results:     aggResult(c.name, 1, 1, fixedAggType(types.Long), tInteger),
			New:         func([]ArgInfo) Accumulator { return &bitsAcc{op: c.op, init: c.init} },
			DefaultName: prefixName(c.name),
		})
	}
	for _, c := range []struct {
		name       string
		population bool
		cond       bool
	}{{"covariance", false, false}, {"covarianceif", false, true}, {"covariancep", true, false}, {"covariancepif", true, true}} {
		n := 2 + b2n(c.cond)
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: n, MaxArgs: n,
			Results: aggResult(c.name, n, n, fixedAggType(types.Real), tNumber, tNumber, tBool),
			New: func([]ArgInfo) Accumulator {
				return &covAcc{population: c.population, cond: c.cond}
			},
			DefaultName: func(argNames []string) string {
				x, y := "", ""
				if len(argNames) > 1 {
					x, y = argNames[0], argNames[1]
				}
				return c.name + "_" + x + "_" + y
			},
		})
	}
	for _, c := range []percentileFamily{{"percentilew", 3, 3, false}, {"percentilesw", 3, -1, false}, {"percentilesw_array", 3, -1, true}} {
		c.register(2, weightedArgs, func(t types.Type, ps []float64, array bool) Accumulator {
			return &weightedAcc{t: t, ps: ps, array: array}
		})
	}
}

// bitsAcc folds integers with a bitwise operator; groups without values are null.
type bitsAcc struct {
	op   func(a, b int64) int64
	init int64
	has  []bool
	acc  []int64
}

func (a *bitsAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	for i := 0; i < n; i++ {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		a.has = growTo(a.has, g)
		a.acc = growTo(a.acc, g)
		if !a.has[g] {
			a.acc[g], a.has[g] = a.init, true
		}
		a.acc[g] = a.op(a.acc[g], v.Int(i))
	}
	return nil
}

func (a *bitsAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Long, numGroups)
	for g := 0; g < numGroups; g++ {
		if !at(a.has, g) {
			setNull(out, g)
			continue
		}
		out.Ints[g] = a.acc[g]
	}
	return []*types.Column{out}
}

// covAcc computes the (sample or population) covariance of pairs where both values are present.
type covAcc struct {
	population, cond bool
	counts           []int64
	mx, my, cxy      []float64
}

func (a *covAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	for i := 0; i < n; i++ {
		if args[0].IsNull(i) || args[1].IsNull(i) || (a.cond && !predTrue(args[2], i)) {
			continue
		}
		x, _ := toRealValue(args[0].Value(i))
		y, _ := toRealValue(args[1].Value(i))
		g := groups[i]
		a.counts = growTo(a.counts, g)
		a.mx = growTo(a.mx, g)
		a.my = growTo(a.my, g)
		a.cxy = growTo(a.cxy, g)
		a.counts[g]++
		c := float64(a.counts[g])
		dx := x - a.mx[g]
		a.mx[g] += dx / c
		a.my[g] += (y - a.my[g]) / c
		a.cxy[g] += dx * (y - a.my[g])
	}
	return nil
}

func (a *covAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Real, numGroups)
	for g := 0; g < numGroups; g++ {
		c := at(a.counts, g)
		switch {
		case c == 0:
			setNull(out, g)
		case a.population:
			out.Reals[g] = a.cxy[g] / float64(c)
		case c == 1:
			out.Reals[g] = 0
		default:
			out.Reals[g] = a.cxy[g] / float64(c-1)
		}
	}
	return []*types.Column{out}
}

// weightedArgs checks percentilew(x, weight, p...) and returns the percentiles.
func weightedArgs(name string, args []ArgInfo, min, max int, array bool) ([]float64, error) {
	if err := CheckArity(name, min, max, len(args)); err != nil {
		return nil, err
	}
	if !tInteger.has(args[1].Type) {
		return nil, typeError(1, tInteger)
	}
	rest := append([]ArgInfo{args[0]}, args[2:]...)
	restMax := max
	if max > 0 {
		restMax = max - 1
	}
	ps, err := percentileArgs(name, rest, min-1, restMax, array)
	if ae, ok := err.(*ArgError); ok && ae.Index > 0 {
		ae.Index++ // back to the caller's argument numbering
	}
	return ps, err
}

type weighted struct {
	v types.Value
	w int64
}

// weightedAcc keeps (value, weight) pairs per group; the percentile is the smallest value whose cumulative weight
// reaches p% of the total.
type weightedAcc struct {
	t     types.Type
	ps    []float64
	array bool
	vals  [][]weighted
}

func (a *weightedAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	for i := 0; i < n; i++ {
		g := groups[i]
		a.vals = growTo(a.vals, g)
		if args[0].IsNull(i) || args[1].IsNull(i) || args[1].Int(i) <= 0 {
			continue
		}
		a.vals[g] = append(a.vals[g], weighted{castValue(args[0].Value(i), a.t), args[1].Int(i)})
	}
	return nil
}

func (a *weightedAcc) groupValues(g int) []types.Value {
	vals := at(a.vals, g)
	if len(vals) == 0 {
		return nil
	}
	slices.SortStableFunc(vals, func(x, y weighted) int { return compareValues(x.v, y.v) })
	total := int64(0)
	for _, x := range vals {
		total += x.w
	}
	out := make([]types.Value, len(a.ps))
	for i, p := range a.ps {
		rank := int64(nearestRank(p, int(min(total, 1<<62)))) + 1
		cum := int64(0)
		for _, x := range vals {
			cum += x.w
			if cum >= rank {
				out[i] = x.v
				break
			}
		}
	}
	return out
}

func (a *weightedAcc) Result(numGroups int) []*types.Column {
	if a.array {
		out := newCol(types.Dynamic, numGroups)
		for g := 0; g < numGroups; g++ {
			if vals := a.groupValues(g); vals != nil {
				arr := make([]any, len(vals))
				for i, v := range vals {
					arr[i] = v.Dynamic()
				}
				out.Dyns[g] = arr
			}
		}
		return []*types.Column{out}
	}
	cols := make([]*types.Column, len(a.ps))
	for i := range cols {
		cols[i] = newCol(a.t, numGroups)
	}
	for g := 0; g < numGroups; g++ {
		vals := a.groupValues(g)
		for i, c := range cols {
			if vals == nil {
				setNull(c, g)
			} else {
				setValue(c, g, vals[i])
			}
		}
	}
	return cols
}
