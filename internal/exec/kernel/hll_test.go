package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// sketchOf builds hll(x, accuracy) over the longs from..to-1 in one group.
func sketchOf(t *testing.T, from, to int64, accuracy int64) types.Value {
	t.Helper()
	var vals []types.Value
	for i := from; i < to; i++ {
		vals = append(vals, L(i))
	}
	cols := runAgg(t, "hll", make([]uint32, len(vals)), 1, col(types.Long, vals...), konst(L(accuracy)))
	return cols[0].Value(0)
}

func TestHLL(t *testing.T) {
	cases := []struct {
		name     string
		sketch   func(t *testing.T) types.Value
		want     float64
		relError float64
	}{
		{"small exact by linear counting", func(t *testing.T) types.Value { return sketchOf(t, 0, 100, 1) }, 100, 0.02},
		{"ten thousand, accuracy 0", func(t *testing.T) types.Value { return sketchOf(t, 0, 10000, 0) }, 10000, 0.05},
		{"fifty thousand, default", func(t *testing.T) types.Value { return sketchOf(t, 0, 50000, 1) }, 50000, 0.03},
		{"merge of disjoint halves", func(t *testing.T) types.Value {
			m, err := evalScalar(t, "hll_merge", sketchOf(t, 0, 20000, 1), sketchOf(t, 20000, 40000, 1))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, 40000, 0.03},
		{"merge of overlapping sets at two precisions", func(t *testing.T) types.Value {
			m, err := evalScalar(t, "hll_merge", sketchOf(t, 0, 30000, 4), sketchOf(t, 10000, 40000, 0))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}, 40000, 0.06},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evalScalar(t, "dcount_hll", c.sketch(t))
			if err != nil {
				t.Fatal(err)
			}
			if got.Null || math.Abs(float64(got.I)-c.want)/c.want > c.relError {
				t.Errorf("dcount_hll = %v, want %v within %v", got, c.want, c.relError)
			}
		})
	}
	if got, _ := evalScalar(t, "dcount_hll", J(`{"a":1}`)); !got.Null {
		t.Errorf("dcount_hll of a non-sketch = %v, want null", got)
	}
}
