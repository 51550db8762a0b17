package exec

import (
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// binnedGroup is one group of a windowed-count plugin (sliding_window_counts, activity_counts_metrics): its
// dimension values and, per time bin, the row count and the distinct ids seen.
type binnedGroup struct {
	dims   []types.Value
	counts []int64
	ids    []map[string]bool
}

// add counts one row with the given id in bin b.
func (g *binnedGroup) add(b int, id string) {
	g.counts[b]++
	if g.ids[b] == nil {
		g.ids[b] = map[string]bool{}
	}
	g.ids[b][id] = true
}

// groupByBins puts every row of t whose time is in [start, start+nbins*width) into its group (by the dimension
// columns) and calls add with the row's bin and id text; it returns the groups ordered by their key.
func groupByBins(t *types.Table, timeCol int, dimCols []int, idCol int, start, width int64, nbins int,
	add func(g *binnedGroup, bin int, id string)) []*binnedGroup {
	groups := map[string]*binnedGroup{}
	var order []string
	for r := 0; r < numRows(t); r++ {
		tv := t.Cols[timeCol].Value(r)
		if tv.Null || tv.I < start || tv.I >= start+int64(nbins)*width {
			continue
		}
		var key strings.Builder
		dims := make([]types.Value, len(dimCols))
		for i, d := range dimCols {
			dims[i] = t.Cols[d].Value(r)
			key.WriteString(sema.ValueText(dims[i]))
			key.WriteByte(0)
		}
		g := groups[key.String()]
		if g == nil {
			g = &binnedGroup{dims: dims, counts: make([]int64, nbins), ids: make([]map[string]bool, nbins)}
			groups[key.String()] = g
			order = append(order, key.String())
		}
		add(g, int((tv.I-start)/width), sema.ValueText(t.Cols[idCol].Value(r)))
	}
	sort.Strings(order)
	out := make([]*binnedGroup, len(order))
	for i, k := range order {
		out[i] = groups[k]
	}
	return out
}
