package kernel

import (
	"math"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// tdigest, merge_tdigest/tdigest_merge, percentile_tdigest, percentiles_array_tdigest and rank_tdigest.
//
// A digest is a dynamic bag {"type": <value type>, "centroids": [[mean, weight], ...]} with centroids sorted by
// mean. Up to maxCentroids distinct values it is exact, so percentile_tdigest agrees with percentile() (nearest
// rank); beyond that neighbouring centroids are merged, which is where the estimate comes from, as in Kusto.

const maxCentroids = 4096

type centroid struct{ mean, weight float64 }

// digest is an in-memory t-digest and the type of the values it summarizes.
type digest struct {
	typ       types.Type
	centroids []centroid
}

// compress sorts the centroids, merges equal means and then neighbours until at most maxCentroids remain.
func (d *digest) compress() {
	sort.Slice(d.centroids, func(i, j int) bool { return d.centroids[i].mean < d.centroids[j].mean })
	out := d.centroids[:0]
	for _, c := range d.centroids {
		if len(out) > 0 && out[len(out)-1].mean == c.mean {
			out[len(out)-1].weight += c.weight
			continue
		}
		out = append(out, c)
	}
	for len(out) > maxCentroids {
		merged := out[:0]
		for i := 0; i < len(out); i += 2 {
			if i+1 == len(out) {
				merged = append(merged, out[i])
				continue
			}
			a, b := out[i], out[i+1]
			w := a.weight + b.weight
			merged = append(merged, centroid{(a.mean*a.weight + b.mean*b.weight) / w, w})
		}
		out = merged
	}
	d.centroids = out
}

func (d *digest) toDyn() any {
	cs := make([]any, len(d.centroids))
	for i, c := range d.centroids {
		cs[i] = []any{c.mean, c.weight}
	}
	b := types.NewBag()
	b.Set("type", d.typ.String())
	b.Set("centroids", cs)
	return b
}

// digestFromDyn reads a digest made by tdigest(); false for anything else.
func digestFromDyn(v any) (*digest, bool) {
	b, ok := v.(*types.Bag)
	if !ok {
		return nil, false
	}
	name, _ := b.Vals["type"].(string)
	t, ok := types.ParseType(name)
	cs, ok2 := b.Vals["centroids"].([]any)
	if !ok || !ok2 {
		return nil, false
	}
	d := &digest{typ: t}
	for _, e := range cs {
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return nil, false
		}
		m, ok1 := dynNumber(pair[0])
		w, ok2 := dynNumber(pair[1])
		if !ok1 || !ok2 || w <= 0 {
			return nil, false
		}
		d.centroids = append(d.centroids, centroid{m, w})
	}
	return d, true
}

func (d *digest) total() float64 {
	s := 0.0
	for _, c := range d.centroids {
		s += c.weight
	}
	return s
}

// percentile is the nearest-rank percentile p (0..100) of the summarized values.
func (d *digest) percentile(p float64) (float64, bool) {
	if len(d.centroids) == 0 {
		return 0, false
	}
	want := math.Ceil(p / 100 * d.total())
	acc := 0.0
	for _, c := range d.centroids {
		acc += c.weight
		if acc >= want {
			return c.mean, true
		}
	}
	return d.centroids[len(d.centroids)-1].mean, true
}

// rank is the weight of the values at or below v.
func (d *digest) rank(v float64) float64 {
	acc := 0.0
	for _, c := range d.centroids {
		if c.mean > v {
			break
		}
		acc += c.weight
	}
	return acc
}

// digestValue converts a percentile back to type t.
func digestValue(x float64, t types.Type) types.Value {
	switch t {
	case types.Real, types.Decimal:
		return types.Value{Type: t, F: x}
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		return types.Value{Type: t, I: int64(math.Round(x))}
	}
	return types.NewReal(x)
}

// tdigestAcc builds one digest per group, from values (tdigest) or from digests (tdigest_merge).
type tdigestAcc struct {
	merge   bool
	typ     types.Type
	digests []*digest
}

func (a *tdigestAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	v := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		a.digests = growTo(a.digests, g)
		if a.digests[g] == nil {
			a.digests[g] = &digest{typ: a.typ}
		}
		d := a.digests[g]
		if v.IsNull(i) {
			continue
		}
		if a.merge {
			if in, ok := digestFromDyn(v.Dyn(i)); ok {
				d.typ = in.typ
				d.centroids = append(d.centroids, in.centroids...)
			}
		} else {
			x, ok := toRealValue(v.Value(i))
			if !ok || math.IsNaN(x) {
				continue
			}
			w := 1.0
			if len(args) > 1 && !args[1].IsNull(i) {
				if wv, ok := toRealValue(args[1].Value(i)); ok {
					w = wv
				}
			}
			if w > 0 {
				d.centroids = append(d.centroids, centroid{x, w})
			}
		}
		if len(d.centroids) > 4*maxCentroids {
			d.compress()
		}
	}
	return nil
}

func (a *tdigestAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Dynamic, numGroups)
	for g := 0; g < numGroups; g++ {
		d := at(a.digests, g)
		if d == nil || len(d.centroids) == 0 {
			continue
		}
		d.compress()
		out.Dyns[g] = d.toDyn()
	}
	return []*types.Column{out}
}

// mergeDigests merges the digests among vals; false when one is not a digest.
func mergeDigests(vals []types.Value) (*digest, bool) {
	out := &digest{typ: types.Unknown}
	for _, v := range vals {
		if v.Null || v.D == nil {
			continue
		}
		d, ok := digestFromDyn(v.D)
		if !ok {
			return nil, false
		}
		if out.typ == types.Unknown {
			out.typ = d.typ
		}
		out.centroids = append(out.centroids, d.centroids...)
	}
	if out.typ == types.Unknown {
		out.typ = types.Real
	}
	out.compress()
	return out, true
}

func init() {
	RegisterAggregate(&Aggregate{
		Name: "tdigest", MinArgs: 1, MaxArgs: 2,
		Results: aggResult("tdigest", 1, 2, fixedAggType(types.Dynamic), tNumber|tDateTime|tTimeSpan, tNumber),
		New: func(args []ArgInfo) Accumulator {
			return &tdigestAcc{typ: percentileType(argType(args, 0))}
		},
		DefaultName: prefixName("tdigest"),
	})
	RegisterAggregate(&Aggregate{
		Name: "tdigest_merge", Aliases: []string{"merge_tdigest"}, MinArgs: 1, MaxArgs: 1,
		Results:     aggResult("tdigest_merge", 1, 1, fixedAggType(types.Dynamic), tDynamic),
		New:         func([]ArgInfo) Accumulator { return &tdigestAcc{merge: true, typ: types.Real} },
		DefaultName: prefixName("tdigest_merge"),
	})
	registerRowFunc("merge_tdigest", nil, types.Dynamic, 1, -1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		d, ok := mergeDigests(v)
		if !ok || len(d.centroids) == 0 {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(d.toDyn())
	})
	RegisterScalar(&Scalar{
		Name: "percentile_tdigest", MinArgs: 2, MaxArgs: 3,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("percentile_tdigest", args, 2, 3, tDynamic, tNumber, tScalar|tDynamic); err != nil {
				return types.Unknown, err
			}
			if len(args) == 3 && args[2].TypeOf {
				return args[2].Type, nil
			}
			// Without typeof(T) the values come back as reals (the digest's own type is only known at run time).
			return types.Real, nil
		},
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			t := types.Real
			if len(args) == 3 {
				t = args[2].Col.Type
			}
			out := newCol(t, n)
			for i := 0; i < n; i++ {
				d, ok := digestFromDyn(args[0].Dyn(i))
				p, ok2 := toRealValue(args[1].Value(i))
				if !ok || !ok2 || args[1].IsNull(i) || p < 0 || p > 100 {
					setNull(out, i)
					continue
				}
				d.compress()
				x, ok := d.percentile(p)
				if !ok {
					setNull(out, i)
					continue
				}
				setValue(out, i, digestValue(x, t))
			}
			return out, nil
		},
	})
	registerRowFunc("percentiles_array_tdigest", nil, types.Dynamic, 2, -1, paramTypes(tDynamic, tNumber|tDynamic), func(_ *Context, v []types.Value) types.Value {
		d, ok := digestFromDyn(v[0].D)
		if !ok {
			return nullV(types.Dynamic)
		}
		var ps []any
		if len(v) == 2 && v[1].Type == types.Dynamic {
			ps, _ = v[1].D.([]any)
		} else {
			for _, p := range v[1:] {
				ps = append(ps, p.Dynamic())
			}
		}
		d.compress()
		out := make([]any, len(ps))
		for i, pd := range ps {
			p, ok := dynNumber(pd)
			if !ok || p < 0 || p > 100 {
				return nullV(types.Dynamic)
			}
			x, _ := d.percentile(p)
			out[i] = digestValue(x, d.typ).Dynamic()
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("rank_tdigest", nil, types.Long, 2, 2, paramTypes(tDynamic, tNumber|tDateTime|tTimeSpan), func(_ *Context, v []types.Value) types.Value {
		d, ok := digestFromDyn(v[0].D)
		x, ok2 := toRealValue(v[1])
		if !ok || !ok2 || v[1].Null {
			return nullV(types.Long)
		}
		d.compress()
		return types.NewLong(int64(math.Round(d.rank(x))))
	})
}
