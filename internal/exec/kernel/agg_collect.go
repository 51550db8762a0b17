package kernel

import (
	"math"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Distinct counts and collecting aggregates: dcount, make_set, make_list, make_bag and their *if forms.

// defaultMaxSize is the default and largest maxSize of make_set/make_list/make_bag.
const defaultMaxSize = 1048576

func init() {
	for _, c := range []struct {
		name    string
		aliases []string
		cond    bool
	}{{"dcount", nil, false}, {"dcountif", nil, true}, {"count_distinct", nil, false}, {"count_distinctif", nil, true}} {
		// dcount(x[, accuracy]), dcountif(x, predicate[, accuracy]).
		min := 1 + b2n(c.cond)
		max := min + 1
		if c.name == "count_distinct" || c.name == "count_distinctif" {
			max = min
		}
		sets := []typeSet{tScalar, tInteger}
		if c.cond {
			sets = []typeSet{tScalar, tBool, tInteger}
		}
		RegisterAggregate(&Aggregate{
			Name: c.name, Aliases: c.aliases, MinArgs: min, MaxArgs: max,
			Results:     aggResult(c.name, min, max, fixedAggType(types.Long), sets...),
			New:         func([]ArgInfo) Accumulator { return &dcountAcc{cond: c.cond} },
			DefaultName: prefixName(c.name),
		})
	}
	for _, c := range []struct {
		name    string
		aliases []string
		prefix  string
		set     bool
		cond    bool
	}{
		{"make_set", []string{"makeset"}, "set", true, false},
		{"make_set_if", nil, "set", true, true},
		{"make_list", []string{"makelist"}, "list", false, false},
		{"make_list_if", nil, "list", false, true},
	} {
		min := 1 + b2n(c.cond)
		sets := []typeSet{tScalar, tInteger}
		if c.cond {
			sets = []typeSet{tScalar, tBool, tInteger}
		}
		RegisterAggregate(&Aggregate{
			Name: c.name, Aliases: c.aliases, MinArgs: min, MaxArgs: min + 1,
			Results: aggResult(c.name, min, min+1, fixedAggType(types.Dynamic), sets...),
			New: func(args []ArgInfo) Accumulator {
				acc := &collectAcc{set: c.set, cond: c.cond, maxSize: maxSizeArg(args, min)}
				if c.set {
					acc.seen = map[groupKey]struct{}{}
				}
				return acc
			},
			DefaultName: prefixName(c.prefix),
		})
	}
	RegisterAggregate(&Aggregate{
		Name: "make_list_with_nulls", MinArgs: 1, MaxArgs: 2,
		Results: aggResult("make_list_with_nulls", 1, 2, fixedAggType(types.Dynamic), tScalar, tInteger),
		New: func(args []ArgInfo) Accumulator {
			return &collectAcc{keepNulls: true, maxSize: maxSizeArg(args, 1)}
		},
		DefaultName: prefixName("list"),
	})
	for _, c := range []struct {
		name string
		cond bool
	}{{"make_bag", false}, {"make_bag_if", true}} {
		min := 1 + b2n(c.cond)
		sets := []typeSet{tDynamic, tInteger}
		if c.cond {
			sets = []typeSet{tDynamic, tBool, tInteger}
		}
		RegisterAggregate(&Aggregate{
			Name: c.name, MinArgs: min, MaxArgs: min + 1,
			Results: aggResult(c.name, min, min+1, fixedAggType(types.Dynamic), sets...),
			New: func(args []ArgInfo) Accumulator {
				return &bagAcc{cond: c.cond, maxSize: maxSizeArg(args, min)}
			},
			DefaultName: prefixName("bag"),
		})
	}
}

// maxSizeArg reads the optional constant maxSize argument at index i (default and cap 1048576).
func maxSizeArg(args []ArgInfo, i int) int {
	if i < len(args) && args[i].Const != nil && !args[i].Const.Null {
		if n := args[i].Const.I; n > 0 && n < defaultMaxSize {
			return int(n)
		}
	}
	return defaultMaxSize
}

// groupKey identifies a distinct value within a group: integers and reals by their bits, other values by text.
type groupKey struct {
	g    uint32
	kind uint8
	bits uint64
	text string
}

const (
	keyInt uint8 = iota
	keyReal
	keyText
)

// valueKey returns the distinct-value key of row i of a, and false for nulls.
func valueKey(g uint32, a Arg, i int) (groupKey, bool) {
	if a.IsNull(i) {
		return groupKey{}, false
	}
	switch a.Col.Type.Physical() {
	case types.PhysInt:
		return groupKey{g: g, kind: keyInt, bits: uint64(a.Int(i))}, true
	case types.PhysReal:
		return groupKey{g: g, kind: keyReal, bits: realBits(a.Real(i))}, true
	case types.PhysStr:
		return groupKey{g: g, kind: keyText, text: a.Str(i)}, true
	}
	return dynKey(g, a.Dyn(i)), true
}

func realBits(f float64) uint64 {
	switch {
	case f == 0:
		return 0 // -0 and +0 are one value
	case math.IsNaN(f):
		return 0x7ff8000000000001
	}
	return math.Float64bits(f)
}

// dynKey is the key of a dynamic value: its type and JSON text, so 1 and "1" differ.
func dynKey(g uint32, d any) groupKey {
	switch t := d.(type) {
	case int64:
		return groupKey{g: g, kind: keyInt, bits: uint64(t)}
	case float64:
		return groupKey{g: g, kind: keyReal, bits: realBits(t)}
	case string:
		return groupKey{g: g, kind: keyText, text: "s" + t}
	}
	return groupKey{g: g, kind: keyText, text: dynTypeName(d) + ":" + types.FormatJSON(d)}
}

// dcountAcc counts distinct non-null values exactly.
type dcountAcc struct {
	cond   bool
	seen   map[groupKey]struct{}
	counts []int64
}

func (a *dcountAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	if a.seen == nil {
		a.seen = map[groupKey]struct{}{}
	}
	v := args[0]
	for i := 0; i < n; i++ {
		if a.cond && !predTrue(args[1], i) {
			continue
		}
		g := groups[i]
		var k groupKey
		var ok bool
		if v.Col.Type == types.String {
			k, ok = groupKey{g: g, kind: keyText, text: v.Str(i)}, true
		} else {
			k, ok = valueKey(g, v, i)
		}
		if !ok {
			continue
		}
		if _, dup := a.seen[k]; dup {
			continue
		}
		a.seen[k] = struct{}{}
		a.counts = growTo(a.counts, g)
		a.counts[g]++
	}
	return nil
}

func (a *dcountAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Long, numGroups)
	for g := range out.Ints {
		out.Ints[g] = at(a.counts, g)
	}
	return []*types.Column{out}
}

// collectAcc is make_list or make_set: non-null values in arrival order, distinct for sets (whose dynamic
// array inputs contribute their elements).
type collectAcc struct {
	set, cond bool
	keepNulls bool // make_list_with_nulls
	maxSize   int
	lists     [][]any
	seen      map[groupKey]struct{}
}

func (a *collectAcc) add(g uint32, d any) {
	a.lists = growTo(a.lists, g)
	if len(a.lists[g]) >= a.maxSize {
		return
	}
	if a.set {
		k := dynKey(g, d)
		if _, dup := a.seen[k]; dup {
			return
		}
		a.seen[k] = struct{}{}
	}
	a.lists[g] = append(a.lists[g], d)
}

func (a *collectAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	for i := 0; i < n; i++ {
		if a.cond && !predTrue(args[1], i) {
			continue
		}
		g := groups[i]
		a.lists = growTo(a.lists, g)
		if v.IsNull(i) {
			if a.keepNulls {
				a.add(g, nil)
			}
			continue
		}
		if v.Col.Type == types.Dynamic {
			d := v.Dyn(i)
			if arr, ok := d.([]any); ok && a.set {
				for _, e := range arr {
					if e != nil {
						a.add(g, e)
					}
				}
				continue
			}
			a.add(g, d)
			continue
		}
		a.add(g, v.Value(i).Dynamic())
	}
	return nil
}

func (a *collectAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Dynamic, numGroups)
	for g := range out.Dyns {
		l := at(a.lists, g)
		if l == nil {
			l = []any{}
		}
		out.Dyns[g] = l
	}
	return []*types.Column{out}
}

// bagAcc merges property bags; the first value seen for a key is kept.
type bagAcc struct {
	cond    bool
	maxSize int
	bags    []*types.Bag
}

func (a *bagAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	for i := 0; i < n; i++ {
		if a.cond && !predTrue(args[1], i) {
			continue
		}
		g := groups[i]
		a.bags = growTo(a.bags, g)
		if a.bags[g] == nil {
			a.bags[g] = types.NewBag()
		}
		src, ok := v.Dyn(i).(*types.Bag)
		if !ok {
			continue
		}
		dst := a.bags[g]
		for _, k := range src.Keys {
			if dst.Len() >= a.maxSize {
				break
			}
			if _, dup := dst.Get(k); !dup {
				dst.Set(k, src.Vals[k])
			}
		}
	}
	return nil
}

func (a *bagAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Dynamic, numGroups)
	for g := range out.Dyns {
		b := at(a.bags, g)
		if b == nil {
			b = types.NewBag()
		}
		out.Dyns[g] = b
	}
	return []*types.Column{out}
}

// formatPercentileName turns a percentile constant into a name fragment: 50 → "50", 99.9 → "99_9".
func formatPercentileName(v types.Value) string {
	var s string
	switch v.Type.Physical() {
	case types.PhysInt:
		s = strconv.FormatInt(v.I, 10)
	default:
		s = strconv.FormatFloat(v.F, 'f', -1, 64)
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}
