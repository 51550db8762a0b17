package exec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildActiveUsersCount counts, per period and dimension combination, the distinct ids with an active appearance
// in the period. An appearance at t is active when the id appeared in at least ActivePeriods distinct
// Period-wide periods in (t - Lookback, t]; appearances before Start count for the lookback only.
func (ctx *Context) buildActiveUsersCount(x *sema.ActiveUsersCount) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		var vals [6]types.Value
		for i, e := range []sema.Expr{x.Start, x.End, x.Lookback, x.Period, x.ActivePeriods, x.Bin} {
			if vals[i], err = ctx.constValue(e); err != nil {
				return nil, err
			}
			if vals[i].Null {
				return nil, &RuntimeError{Span: x.Span(), Msg: "active_users_count: the scalar arguments must not be null"}
			}
		}
		start, end, lookback, period, active, bin := vals[0].I, vals[1].I, vals[2].I, vals[3].I, vals[4].I, vals[5].I
		if bin <= 0 || period <= 0 || lookback < 0 || end < start || (end-start)/bin >= maxWindowBins {
			return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("active_users_count: invalid periods (bin %s, period %s, from %s to %s)",
				types.FormatTimeSpan(bin), types.FormatTimeSpan(period), types.FormatDateTime(start), types.FormatDateTime(end))}
		}
		nbins := int((end-start)/bin) + 1
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		type group struct {
			dims  []types.Value
			times map[string][]int64 // id → appearance times
		}
		groups := map[string]*group{}
		var order []string
		for r := 0; r < numRows(t); r++ {
			tv := t.Cols[x.Time].Value(r)
			if tv.Null {
				continue
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
				g = &group{dims: dims, times: map[string][]int64{}}
				groups[key.String()] = g
				order = append(order, key.String())
			}
			id := sema.ValueText(t.Cols[x.ID].Value(r))
			g.times[id] = append(g.times[id], tv.I)
		}
		sort.Strings(order)
		out := types.NewTable(x.Fields)
		for _, k := range order {
			g := groups[k]
			counts := make([]int64, nbins)
			for _, times := range g.times {
				sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
				counted := make([]bool, nbins)
				for i, at := range times {
					if at < start || at >= start+int64(nbins)*bin {
						continue
					}
					b := int((at - start) / bin)
					if counted[b] {
						continue
					}
					periods := map[int64]bool{}
					for j := i; j >= 0 && times[j] > at-lookback; j-- {
						periods[floorDiv(times[j], period)] = true
					}
					if int64(len(periods)) >= active {
						counted[b] = true
						counts[b]++
					}
				}
			}
			for b, n := range counts {
				if n == 0 {
					continue
				}
				row := append([]types.Value{{Type: types.DateTime, I: start + int64(b)*bin}}, g.dims...)
				out.AppendRow(append(row, types.NewLong(n)))
			}
		}
		return out, nil
	}}, nil
}

// floorDiv divides rounding toward minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
