package exec

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestGrouperPairsMatchGenericKeys checks the two-key fast paths against the byte-encoded keys of the general
// path: the same rows must share a group exactly when their keys are equal, and the kept keys must match.
func TestGrouperPairsMatchGenericKeys(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	strCol := func(n, distinct int) *types.Column {
		c := types.NewColumn(types.String, n)
		for i := 0; i < n; i++ {
			// fresh strings each row, so equal values do not share bytes
			c.Strs = append(c.Strs, fmt.Sprintf("v%d", rng.Intn(distinct)))
		}
		return c
	}
	intCol := func(n, distinct int, nulls bool) *types.Column {
		c := types.NewColumn(types.Long, n)
		for i := 0; i < n; i++ {
			c.Ints = append(c.Ints, int64(rng.Intn(distinct))-int64(distinct/2))
			if nulls && rng.Intn(5) == 0 {
				c.Ints[i] = 0
				c.Nulls.Set(i)
			}
		}
		return c
	}
	tests := []struct {
		name string
		cols func() []*types.Column
	}{
		{name: "two small string keys", cols: func() []*types.Column { return []*types.Column{strCol(5000, 6), strCol(5000, 3)} }},
		{name: "string keys past the dense table", cols: func() []*types.Column { return []*types.Column{strCol(20000, 3000), strCol(20000, 2)} }},
		{name: "string and long with nulls", cols: func() []*types.Column { return []*types.Column{strCol(5000, 10), intCol(5000, 7, true)} }},
		{name: "long with nulls and string", cols: func() []*types.Column { return []*types.Column{intCol(5000, 7, true), strCol(5000, 10)} }},
		{name: "two longs", cols: func() []*types.Column { return []*types.Column{intCol(5000, 50, false), intCol(5000, 3, true)} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cols := tc.cols()
			ts := []types.Type{cols[0].Type, cols[1].Type}
			n := cols[0].Len()
			fast := newGrouper(ts)
			if fast.pairIDs == nil {
				t.Fatal("the pair path is not used")
			}
			generic := &grouper{types: ts, nullID: -1, ids: map[string]uint32{}, keys: []*types.Column{types.NewColumn(ts[0], 0), types.NewColumn(ts[1], 0)}}
			// in two batches, so that groups carry over
			got, want := make([]uint32, n), make([]uint32, n)
			half := n / 2
			for _, r := range [][2]int{{0, half}, {half, n}} {
				idx := make([]int, r[1]-r[0])
				for i := range idx {
					idx[i] = r[0] + i
				}
				batch := []*types.Column{cols[0].Gather(idx), cols[1].Gather(idx)}
				fast.assign(batch, len(idx), got[r[0]:r[1]])
				generic.assign(batch, len(idx), want[r[0]:r[1]])
			}
			if fast.count != generic.count {
				t.Fatalf("groups = %d, want %d", fast.count, generic.count)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("row %d: group %d, want %d", i, got[i], want[i])
				}
			}
			for k := range 2 {
				for gi := 0; gi < fast.count; gi++ {
					if a, b := fast.keys[k].Value(gi), generic.keys[k].Value(gi); a != b {
						t.Fatalf("key %d of group %d = %v, want %v", k, gi, a, b)
					}
				}
			}
		})
	}
}
