package kernel

import (
	"math"
	"slices"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// percentile, percentiles and percentiles_array. Values are kept per group and the nearest-rank percentile is
// taken exactly: the smallest value with at least p% of the values at or below it.

func init() {
	for _, c := range []percentileFamily{{"percentile", 2, 2, false}, {"percentiles", 2, -1, false}, {"percentiles_array", 2, -1, true}} {
		c.register(1, percentileArgs, func(t types.Type, ps []float64, array bool) Accumulator {
			return &percentileAcc{t: t, ps: ps, array: array}
		})
	}
}

// percentileFamily is one of the percentile aggregates: exact (percentile*) or weighted (percentilew*), one value
// each, several, or an array.
type percentileFamily struct {
	name  string
	min   int
	max   int
	array bool
}

// register adds the aggregate; the percentages are the arguments from index firstP on, read by parseArgs.
func (c percentileFamily) register(firstP int, parseArgs func(name string, args []ArgInfo, min, max int, array bool) ([]float64, error),
	newAcc func(t types.Type, ps []float64, array bool) Accumulator) {
	RegisterAggregate(&Aggregate{
		Name: c.name, MinArgs: c.min, MaxArgs: c.max,
		Results: func(args []ArgInfo) ([]types.Type, error) {
			ps, err := parseArgs(c.name, args, c.min, c.max, c.array)
			if err != nil {
				return nil, err
			}
			if c.array {
				return []types.Type{types.Dynamic}, nil
			}
			out := make([]types.Type, len(ps))
			for i := range out {
				out[i] = percentileType(argType(args, 0))
			}
			return out, nil
		},
		New: func(args []ArgInfo) Accumulator {
			ps, _ := parseArgs(c.name, args, c.min, c.max, c.array)
			return newAcc(percentileType(argType(args, 0)), ps, c.array)
		},
		DefaultName: func(argNames []string) string {
			if c.array && len(argNames) > 0 {
				return "percentiles_" + argNames[0]
			}
			return prefixName("percentile")(argNames)
		},
		OutputNames: func(args []ArgInfo, argNames []string) []string {
			col := ""
			if len(argNames) > 0 {
				col = argNames[0]
			}
			if c.array {
				return []string{"percentiles_" + col}
			}
			var names []string
			if len(args) > firstP {
				for _, a := range args[firstP:] {
					frag := ""
					if a.Const != nil {
						frag = formatPercentileName(*a.Const)
					}
					names = append(names, "percentile_"+col+"_"+frag)
				}
			}
			return names
		},
	})
}

// percentileType is the output type: int becomes long and decimal real; other types are kept.
func percentileType(t types.Type) types.Type {
	switch t {
	case types.Int, types.Bool:
		return types.Long
	case types.Decimal:
		return types.Real
	}
	return t
}

// percentileArgs checks the arguments and returns the constant percentiles (0 to 100).
func percentileArgs(name string, args []ArgInfo, min, max int, array bool) ([]float64, error) {
	if err := CheckArity(name, min, max, len(args)); err != nil {
		return nil, err
	}
	if !(tNumber | tDateTime | tTimeSpan).has(args[0].Type) {
		return nil, typeError(0, tNumber|tDateTime|tTimeSpan)
	}
	var ps []float64
	for i, a := range args[1:] {
		idx := i + 1
		if a.Const == nil {
			return nil, &ArgError{Index: idx, Msg: "The expression must be a constant."}
		}
		if array && a.Type == types.Dynamic && len(args) == 2 {
			arr, _ := a.Const.D.([]any)
			for _, e := range arr {
				f, ok := toRealValue(types.NewDynamic(e))
				if !ok || f < 0 || f > 100 {
					return nil, &ArgError{Index: idx, Msg: "percentile values must be numbers between 0 and 100"}
				}
				ps = append(ps, f)
			}
			continue
		}
		if !tNumber.has(a.Type) {
			return nil, typeError(idx, tNumber)
		}
		f, ok := toRealValue(*a.Const)
		if !ok || f < 0 || f > 100 {
			return nil, &ArgError{Index: idx, Msg: "percentile values must be numbers between 0 and 100"}
		}
		ps = append(ps, f)
	}
	return ps, nil
}

type percentileAcc struct {
	t     types.Type
	ps    []float64
	array bool
	ints  [][]int64
	reals [][]float64
}

func (a *percentileAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	intIn := v.Col.Type.Physical() == types.PhysInt
	realOut := a.t.Physical() == types.PhysReal
	for i := 0; i < n; i++ {
		g := groups[i]
		if realOut {
			a.reals = growTo(a.reals, g)
		} else {
			a.ints = growTo(a.ints, g)
		}
		if v.IsNull(i) {
			continue
		}
		switch {
		case realOut && intIn:
			a.reals[g] = append(a.reals[g], float64(v.Int(i)))
		case realOut:
			if x := v.Real(i); !math.IsNaN(x) {
				a.reals[g] = append(a.reals[g], x)
			}
		case intIn:
			a.ints[g] = append(a.ints[g], v.Int(i))
		default:
			a.ints[g] = append(a.ints[g], int64(v.Real(i)))
		}
	}
	return nil
}

// nearestRank is the 0-based index of percentile p among n sorted values.
func nearestRank(p float64, n int) int {
	r := int(math.Ceil(p/100*float64(n))) - 1
	if r < 0 {
		r = 0
	}
	if r >= n {
		r = n - 1
	}
	return r
}

func (a *percentileAcc) Result(numGroups int) []*types.Column {
	if a.array {
		out := newCol(types.Dynamic, numGroups)
		for g := 0; g < numGroups; g++ {
			vals := a.groupValues(g)
			if vals == nil {
				continue
			}
			arr := make([]any, len(vals))
			for i, v := range vals {
				arr[i] = v.Dynamic()
			}
			out.Dyns[g] = arr
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

// groupValues sorts group g's values and returns its percentiles, or nil when the group has no values.
func (a *percentileAcc) groupValues(g int) []types.Value {
	out := make([]types.Value, len(a.ps))
	if a.t.Physical() == types.PhysReal {
		vals := at(a.reals, g)
		if len(vals) == 0 {
			return nil
		}
		slices.Sort(vals)
		for i, p := range a.ps {
			out[i] = types.Value{Type: a.t, F: vals[nearestRank(p, len(vals))]}
		}
		return out
	}
	vals := at(a.ints, g)
	if len(vals) == 0 {
		return nil
	}
	slices.Sort(vals)
	for i, p := range a.ps {
		out[i] = types.Value{Type: a.t, I: vals[nearestRank(p, len(vals))]}
	}
	return out
}
