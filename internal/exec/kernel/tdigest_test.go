package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// digestOf builds tdigest(x) over vals in one group.
func digestOf(t *testing.T, vals ...types.Value) types.Value {
	t.Helper()
	groups := make([]uint32, len(vals))
	cols := runAgg(t, "tdigest", groups, 1, col(types.Long, vals...))
	return cols[0].Value(0)
}

func TestTDigest(t *testing.T) {
	var xs, ys []types.Value
	for i := int64(1); i <= 10; i++ {
		xs = append(xs, L(i))
		ys = append(ys, L(i+10))
	}
	dx, dy := digestOf(t, xs...), digestOf(t, ys...)
	merged, err := evalScalar(t, "merge_tdigest", dx, dy)
	if err != nil {
		t.Fatal(err)
	}
	var thousand []types.Value
	for i := int64(1); i <= 1000; i++ {
		thousand = append(thousand, L(i))
	}
	runScalarCases(t, []scalarCase{
		// The reference's examples: the maximum of 1..20 after merging, and the rank of 685 among 1..1000.
		{"merged max", "percentile_tdigest", args(merged, L(100), TypeOf(types.Long)), L(20)},
		{"rank", "rank_tdigest", args(digestOf(t, thousand...), L(685)), L(685)},
		{"median as real", "percentile_tdigest", args(dx, L(50)), R(5)},
		{"percentiles array", "percentiles_array_tdigest", args(dx, L(10), L(90)), J(`[1,9]`)},
		{"not a digest", "percentile_tdigest", args(J(`[1,2]`), L(50)), N(types.Real)},
		{"bad percentile", "percentile_tdigest", args(dx, L(101)), N(types.Real)},
	})
}

func TestTDigestCompression(t *testing.T) {
	d := &digest{typ: types.Real}
	for i := 0; i < 3*maxCentroids; i++ {
		d.centroids = append(d.centroids, centroid{float64(i), 1})
	}
	d.compress()
	if len(d.centroids) > maxCentroids {
		t.Fatalf("%d centroids after compress", len(d.centroids))
	}
	if p, _ := d.percentile(50); p < float64(3*maxCentroids)*0.49 || p > float64(3*maxCentroids)*0.51 {
		t.Errorf("median estimate %v, want about %v", p, 1.5*maxCentroids)
	}
}
