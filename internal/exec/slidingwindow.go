package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// maxWindowBins bounds the periods sliding_window_counts may produce per dimension combination.
const maxWindowBins = 1 << 20

// buildSlidingWindowCounts counts, per period and dimension combination, the rows and distinct ids whose time
// falls in the lookback window ending with the period: a row in period b counts for periods b .. b+L-1, where
// L is the lookback in periods.
func (ctx *Context) buildSlidingWindowCounts(x *sema.SlidingWindowCounts) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		var vals [4]types.Value
		for i, e := range []sema.Expr{x.Start, x.End, x.Lookback, x.Bin} {
			if vals[i], err = ctx.constValue(e); err != nil {
				return nil, err
			}
			if vals[i].Null {
				return nil, &RuntimeError{Span: x.Span(), Msg: "sliding_window_counts: start, end, lookback and bin must not be null"}
			}
		}
		start, end, lookback, bin := vals[0].I, vals[1].I, vals[2].I, vals[3].I
		if bin <= 0 || lookback <= 0 || end < start || (end-start)/bin >= maxWindowBins {
			return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("sliding_window_counts: invalid period (bin %s, lookback %s, from %s to %s)",
				types.FormatTimeSpan(bin), types.FormatTimeSpan(lookback), types.FormatDateTime(start), types.FormatDateTime(end))}
		}
		nbins := int((end-start)/bin) + 1
		span := int((lookback + bin - 1) / bin) // periods a row counts for
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		groups := groupByBins(t, x.Time, x.Dims, x.ID, start, bin, nbins, func(g *binnedGroup, b int, id string) {
			for k := b; k < b+span && k < nbins; k++ { // a row counts for every period whose lookback covers it
				g.add(k, id)
			}
		})
		out := types.NewTable(x.Fields)
		for _, g := range groups {
			for b := 0; b < nbins; b++ {
				row := append([]types.Value{{Type: types.DateTime, I: start + int64(b)*bin}}, g.dims...)
				row = append(row, types.NewLong(g.counts[b]), types.NewLong(int64(len(g.ids[b]))))
				out.AppendRow(row)
			}
		}
		return out, nil
	}}, nil
}
