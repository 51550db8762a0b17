package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildActivityCountsMetrics computes, per period and dimension combination, count, dcount, new_dcount (ids not
// seen in an earlier period) and aggregated_dcount (distinct ids up to and including the period).
func (ctx *Context) buildActivityCountsMetrics(x *sema.ActivityCountsMetrics) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		var vals [3]types.Value
		for i, e := range []sema.Expr{x.Start, x.End, x.Window} {
			if vals[i], err = ctx.constValue(e); err != nil {
				return nil, err
			}
			if vals[i].Null {
				return nil, &RuntimeError{Span: x.Span(), Msg: "activity_counts_metrics: start, end and window must not be null"}
			}
		}
		start, end, window := vals[0].I, vals[1].I, vals[2].I
		if window <= 0 || end < start || (end-start)/window >= maxWindowBins {
			return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("activity_counts_metrics: invalid period (window %s from %s to %s)",
				types.FormatTimeSpan(window), types.FormatDateTime(start), types.FormatDateTime(end))}
		}
		nbins := int((end-start)/window) + 1
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		groups := groupByBins(t, x.Time, x.Dims, x.ID, start, window, nbins, (*binnedGroup).add)
		out := types.NewTable(x.Fields)
		for _, g := range groups {
			seen := map[string]bool{}
			for b := 0; b < nbins; b++ {
				var fresh int64
				for id := range g.ids[b] {
					if !seen[id] {
						seen[id] = true
						fresh++
					}
				}
				row := append([]types.Value{{Type: types.DateTime, I: start + int64(b)*window}}, g.dims...)
				row = append(row, types.NewLong(g.counts[b]), types.NewLong(int64(len(g.ids[b]))), types.NewLong(fresh),
					types.NewLong(int64(len(seen))))
				out.AppendRow(row)
			}
		}
		return out, nil
	}}, nil
}
