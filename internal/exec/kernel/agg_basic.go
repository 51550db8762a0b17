package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Counting, summing, averaging, min/max and spread aggregates. State lives in typed per-group slices that
// grow with the group numbers seen; no allocation happens per row.

// growTo makes s long enough to index group g, doubling to keep growth amortized.
func growTo[T any](s []T, g uint32) []T {
	if int(g) < len(s) {
		return s
	}
	n := int(g) + 1
	if n < 2*len(s) {
		n = 2 * len(s)
	}
	return append(s, make([]T, n-len(s))...)
}

// at returns s[g], or the zero value for groups never seen.
func at[T any](s []T, g int) T {
	if g < len(s) {
		return s[g]
	}
	var zero T
	return zero
}

// predTrue reports whether a bool argument is true at row i (null counts as false).
func predTrue(a Arg, i int) bool { return !a.IsNull(i) && a.Int(i) != 0 }

// prefixName is Kusto's default result name: prefix_column, or prefix_ for an expression.
func prefixName(prefix string) func([]string) string {
	return func(argNames []string) string {
		if len(argNames) > 0 {
			return prefix + "_" + argNames[0]
		}
		return prefix + "_"
	}
}

// aggResult is a Results func for single-output aggregates: checks arity and types, then derives the type.
func aggResult(name string, min, max int, out func(args []ArgInfo) types.Type, sets ...typeSet) func([]ArgInfo) ([]types.Type, error) {
	return func(args []ArgInfo) ([]types.Type, error) {
		if err := checkArgs(name, args, min, max, sets...); err != nil {
			return nil, err
		}
		return []types.Type{out(args)}, nil
	}
}

func fixedAggType(t types.Type) func([]ArgInfo) types.Type {
	return func([]ArgInfo) types.Type { return t }
}

// argType is the type of argument i, long when it is not known.
func argType(args []ArgInfo, i int) types.Type {
	if i < len(args) && args[i].Type != types.Unknown {
		return args[i].Type
	}
	return types.Long
}

func init() {
	// count() and countif(predicate). Hunting rules also write count(Column), which Kusto accepts: a bool
	// argument counts the rows where it is true, any other counts the rows where it is not null.
	RegisterAggregate(&Aggregate{
		Name: "count", MinArgs: 0, MaxArgs: 1,
		Results:     aggResult("count", 0, 1, fixedAggType(types.Long), tScalar),
		New:         func([]ArgInfo) Accumulator { return &countAcc{} },
		DefaultName: prefixName("count"), // count() is count_, count(RemoteUrl) is count_RemoteUrl
	})
	RegisterAggregate(&Aggregate{
		Name: "countif", MinArgs: 1, MaxArgs: 1,
		Results:     aggResult("countif", 1, 1, fixedAggType(types.Long), tBool),
		New:         func([]ArgInfo) Accumulator { return &countAcc{} },
		DefaultName: prefixName("countif"),
	})
	for _, c := range []struct {
		name string
		cond bool
	}{{"sum", false}, {"sumif", true}} {
		n := 1 + b2n(c.cond)
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: n, MaxArgs: n,
			Results:     aggResult(c.name, n, n, func(a []ArgInfo) types.Type { return sumType(argType(a, 0)) }, tSummable, tBool),
			New:         func(a []ArgInfo) Accumulator { return &sumAcc{t: sumType(argType(a, 0)), cond: c.cond} },
			DefaultName: prefixName(c.name),
		})
	}
	for _, c := range []struct {
		name string
		cond bool
	}{{"avg", false}, {"avgif", true}} {
		n := 1 + b2n(c.cond)
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: n, MaxArgs: n,
			Results:     aggResult(c.name, n, n, func(a []ArgInfo) types.Type { return avgType(argType(a, 0)) }, tSummable, tBool),
			New:         func(a []ArgInfo) Accumulator { return &avgAcc{t: avgType(argType(a, 0)), cond: c.cond} },
			DefaultName: prefixName(c.name),
		})
	}
	orderable := tNumber | tDateTime | tTimeSpan | tString | tBool | tGUID
	for _, c := range []struct {
		name string
		max  bool
		cond bool
	}{{"min", false, false}, {"max", true, false}, {"minif", false, true}, {"maxif", true, true}} {
		n := 1 + b2n(c.cond)
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: n, MaxArgs: n,
			Results:     aggResult(c.name, n, n, func(a []ArgInfo) types.Type { return argType(a, 0) }, orderable, tBool),
			New:         func(a []ArgInfo) Accumulator { return &minMaxAcc{t: argType(a, 0), max: c.max, cond: c.cond} },
			DefaultName: prefixName(c.name),
		})
	}
	for _, c := range []struct {
		name       string
		population bool
		sqrt       bool
		cond       bool
	}{
		{"stdev", false, true, false}, {"stdevif", false, true, true}, {"stdevp", true, true, false}, {"stdevpif", true, true, true},
		{"variance", false, false, false}, {"varianceif", false, false, true}, {"variancep", true, false, false}, {"variancepif", true, false, true},
	} {
		n := 1 + b2n(c.cond)
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: n, MaxArgs: n,
			Results: aggResult(c.name, n, n, fixedAggType(types.Real), tNumber, tBool),
			New: func([]ArgInfo) Accumulator {
				return &spreadAcc{population: c.population, sqrt: c.sqrt, cond: c.cond}
			},
			DefaultName: prefixName(c.name),
		})
	}
}

func b2n(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countAcc counts rows, or rows whose predicate is true.
type countAcc struct{ counts []int64 }

func (a *countAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	isBool := len(args) > 0 && args[0].Col.Type == types.Bool
	for i := 0; i < n; i++ {
		switch {
		case len(args) == 0:
		case isBool && !predTrue(args[0], i):
			continue
		case args[0].IsNull(i):
			continue
		}
		g := groups[i]
		a.counts = growTo(a.counts, g)
		a.counts[g]++
	}
	return nil
}

func (a *countAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Long, numGroups)
	for g := range out.Ints {
		out.Ints[g] = at(a.counts, g)
	}
	return []*types.Column{out}
}

// sumType is sum()'s result type: int widens to long, decimal is kept as real-backed decimal.
func sumType(t types.Type) types.Type {
	if t == types.Int || t == types.Bool {
		return types.Long
	}
	return t
}

// sumAcc sums non-null values; a group without any is 0.
type sumAcc struct {
	t     types.Type
	cond  bool
	ints  []int64
	reals []float64
}

func (a *sumAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	intIn := v.Col.Type.Physical() == types.PhysInt
	realOut := a.t.Physical() == types.PhysReal
	for i := 0; i < n; i++ {
		if v.IsNull(i) || (a.cond && !predTrue(args[1], i)) {
			continue
		}
		g := groups[i]
		if realOut {
			a.reals = growTo(a.reals, g)
			if intIn {
				a.reals[g] += float64(v.Int(i))
			} else {
				a.reals[g] += v.Real(i)
			}
			continue
		}
		a.ints = growTo(a.ints, g)
		if intIn {
			a.ints[g] += v.Int(i)
		} else {
			a.ints[g] += int64(v.Real(i))
		}
	}
	return nil
}

func (a *sumAcc) Result(numGroups int) []*types.Column {
	out := newCol(a.t, numGroups)
	for g := 0; g < numGroups; g++ {
		if a.t.Physical() == types.PhysReal {
			out.Reals[g] = at(a.reals, g)
		} else {
			out.Ints[g] = at(a.ints, g)
		}
	}
	return []*types.Column{out}
}

// avgType is avg()'s result type: real for numbers, else the input's type (timespan, datetime).
func avgType(t types.Type) types.Type {
	switch t {
	case types.TimeSpan, types.DateTime, types.Decimal:
		return t
	}
	return types.Real
}

// avgAcc averages non-null values; a group without any is null. Integer-backed values (datetime, timespan)
// are summed as offsets from the group's first value so large tick counts do not overflow.
type avgAcc struct {
	t      types.Type
	cond   bool
	counts []int64
	sums   []float64
	bases  []int64
	deltas []int64
	lost   []bool // the delta sum overflowed; sums holds the float sum instead
}

func (a *avgAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	intIn := v.Col.Type.Physical() == types.PhysInt
	ticks := a.t.Physical() == types.PhysInt
	for i := 0; i < n; i++ {
		if v.IsNull(i) || (a.cond && !predTrue(args[1], i)) {
			continue
		}
		g := groups[i]
		a.counts = growTo(a.counts, g)
		a.sums = growTo(a.sums, g)
		a.counts[g]++
		if !ticks {
			if intIn {
				a.sums[g] += float64(v.Int(i))
			} else {
				a.sums[g] += v.Real(i)
			}
			continue
		}
		a.bases = growTo(a.bases, g)
		a.deltas = growTo(a.deltas, g)
		a.lost = growTo(a.lost, g)
		x := v.Int(i)
		a.sums[g] += float64(x)
		if a.counts[g] == 1 {
			a.bases[g] = x
			continue
		}
		if d, ok := addInt64(a.deltas[g], x-a.bases[g]); ok && !a.lost[g] {
			a.deltas[g] = d
		} else {
			a.lost[g] = true
		}
	}
	return nil
}

func (a *avgAcc) Result(numGroups int) []*types.Column {
	out := newCol(a.t, numGroups)
	for g := 0; g < numGroups; g++ {
		c := at(a.counts, g)
		if c == 0 {
			setNull(out, g)
			continue
		}
		if a.t.Physical() == types.PhysReal {
			out.Reals[g] = a.sums[g] / float64(c)
			continue
		}
		if a.lost[g] {
			out.Ints[g] = int64(math.Round(a.sums[g] / float64(c)))
		} else {
			out.Ints[g] = a.bases[g] + int64(math.Round(float64(a.deltas[g])/float64(c)))
		}
	}
	return []*types.Column{out}
}

// minMaxAcc keeps the least or greatest non-null value per group; strings ignore the empty string (string null).
type minMaxAcc struct {
	t     types.Type
	max   bool
	cond  bool
	has   []bool
	ints  []int64
	reals []float64
	strs  []string
}

func (a *minMaxAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	phys := v.Col.Type.Physical()
	for i := 0; i < n; i++ {
		if v.IsNull(i) || (a.cond && !predTrue(args[1], i)) {
			continue
		}
		g := groups[i]
		a.has = growTo(a.has, g)
		first := !a.has[g]
		switch phys {
		case types.PhysInt:
			a.ints = growTo(a.ints, g)
			x := v.Int(i)
			if first || (a.max && x > a.ints[g]) || (!a.max && x < a.ints[g]) {
				a.ints[g] = x
			}
		case types.PhysReal:
			a.reals = growTo(a.reals, g)
			x := v.Real(i)
			if math.IsNaN(x) {
				continue
			}
			if first || (a.max && x > a.reals[g]) || (!a.max && x < a.reals[g]) {
				a.reals[g] = x
			}
		case types.PhysStr:
			x := v.Str(i)
			if x == "" {
				continue
			}
			a.strs = growTo(a.strs, g)
			if first || (a.max && x > a.strs[g]) || (!a.max && x < a.strs[g]) {
				a.strs[g] = x
			}
		default:
			continue
		}
		a.has[g] = true
	}
	return nil
}

func (a *minMaxAcc) Result(numGroups int) []*types.Column {
	out := newCol(a.t, numGroups)
	for g := 0; g < numGroups; g++ {
		if !at(a.has, g) {
			setNull(out, g)
			continue
		}
		switch a.t.Physical() {
		case types.PhysInt:
			out.Ints[g] = a.ints[g]
		case types.PhysReal:
			out.Reals[g] = a.reals[g]
		case types.PhysStr:
			out.Strs[g] = a.strs[g]
		}
	}
	return []*types.Column{out}
}

// spreadAcc computes variance or standard deviation with Welford's method.
type spreadAcc struct {
	population, sqrt, cond bool
	counts                 []int64
	means, m2              []float64
}

func (a *spreadAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	intIn := v.Col.Type.Physical() == types.PhysInt
	for i := 0; i < n; i++ {
		if v.IsNull(i) || (a.cond && !predTrue(args[1], i)) {
			continue
		}
		g := groups[i]
		a.counts = growTo(a.counts, g)
		a.means = growTo(a.means, g)
		a.m2 = growTo(a.m2, g)
		var x float64
		if intIn {
			x = float64(v.Int(i))
		} else {
			x = v.Real(i)
		}
		a.counts[g]++
		d := x - a.means[g]
		a.means[g] += d / float64(a.counts[g])
		a.m2[g] += d * (x - a.means[g])
	}
	return nil
}

func (a *spreadAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Real, numGroups)
	for g := 0; g < numGroups; g++ {
		c := at(a.counts, g)
		var r float64
		switch {
		case c == 0:
			setNull(out, g)
			continue
		case a.population:
			r = a.m2[g] / float64(c)
		case c == 1:
			r = 0
		default:
			r = a.m2[g] / float64(c-1)
		}
		if a.sqrt {
			r = math.Sqrt(r)
		}
		out.Reals[g] = r
	}
	return []*types.Column{out}
}
