package exec

import (
	"math"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildRollingPercentile computes, per bin of the index and combination of dimensions, the nearest-rank
// percentile of the values in the window of the last Window bins (the bin itself and the Window-1 before it).
func (ctx *Context) buildRollingPercentile(x *sema.RollingPercentile) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		binV, err := ctx.constValue(x.Bin)
		if err != nil {
			return nil, err
		}
		bin := binV.F
		if binV.Type.Physical() == types.PhysInt {
			bin = float64(binV.I)
		}
		if binV.Null || !(bin > 0) {
			return nil, &RuntimeError{Span: x.Span(), Msg: "rolling_percentile: the bin must be positive"}
		}
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		type group struct {
			dims []types.Value
			bins map[int64][]float64 // bin number → values
		}
		groups := map[string]*group{}
		var order []string
		for r := 0; r < numRows(t); r++ {
			iv, vv := t.Cols[x.Index].Value(r), t.Cols[x.Value].Value(r)
			if iv.Null || vv.Null {
				continue
			}
			idx := iv.F
			if iv.Type.Physical() == types.PhysInt {
				idx = float64(iv.I)
			}
			val := vv.F
			if vv.Type.Physical() == types.PhysInt {
				val = float64(vv.I)
			}
			var key strings.Builder
			dims := make([]types.Value, len(x.Dims))
			for i, d := range x.Dims {
				dims[i] = t.Cols[d].Value(r)
				key.WriteString(sema.ValueText(dims[i]))
				key.WriteByte(0)
			}
			g := groups[key.String()]
			if g == nil {
				g = &group{dims: dims, bins: map[int64][]float64{}}
				groups[key.String()] = g
				order = append(order, key.String())
			}
			b := int64(math.Floor(idx / bin))
			g.bins[b] = append(g.bins[b], val)
		}
		sort.Strings(order)
		idxType := x.Fields[0].Type
		outType := x.Fields[len(x.Fields)-1].Type
		out := types.NewTable(x.Fields)
		for _, k := range order {
			g := groups[k]
			nums := make([]int64, 0, len(g.bins))
			for b := range g.bins {
				nums = append(nums, b)
			}
			sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
			for _, b := range nums {
				var window []float64
				for w := b - x.Window + 1; w <= b; w++ {
					window = append(window, g.bins[w]...)
				}
				sort.Float64s(window)
				rank := int(math.Ceil(x.Percentile / 100 * float64(len(window))))
				rank = min(max(rank, 1), len(window))
				p := window[rank-1]
				start := float64(b) * bin
				row := []types.Value{numberValue(idxType, start)}
				row = append(row, g.dims...)
				row = append(row, numberValue(outType, p))
				out.AppendRow(row)
			}
		}
		return out, nil
	}}, nil
}

// numberValue makes a value of type t from f (integral and tick types round toward zero).
func numberValue(t types.Type, f float64) types.Value {
	if t.Physical() == types.PhysInt {
		return types.Value{Type: t, I: int64(f)}
	}
	return types.Value{Type: t, F: f}
}
