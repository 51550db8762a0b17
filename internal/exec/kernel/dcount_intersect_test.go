package kernel

import (
	"context"
	"testing"
)

// hllSetSketch builds an hll() sketch of the longs lo..hi step step at precision p.
func hllSetSketch(t *testing.T, p uint8, lo, hi, step int64) any {
	t.Helper()
	h := newHLL(p)
	for v := lo; v <= hi; v += step {
		h.addHash(xxHash64(valueBytes(L(v))))
	}
	return h.toDyn()
}

func TestDcountIntersect(t *testing.T) {
	tests := []struct {
		name     string
		sketches func(t *testing.T) []any
		want     []int64
	}{
		{"multiples of 2, 3 and 5 up to 300", func(t *testing.T) []any {
			return []any{hllSetSketch(t, 16, 2, 300, 2), hllSetSketch(t, 16, 3, 300, 3), hllSetSketch(t, 16, 5, 300, 5)}
		}, []int64{150, 50, 10}},
		{"disjoint sets", func(t *testing.T) []any {
			return []any{hllSetSketch(t, 14, 1, 100, 1), hllSetSketch(t, 14, 1001, 1100, 1)}
		}, []int64{100, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := DcountIntersect(context.Background(), tc.sketches(t))
			if err != nil || !ok {
				t.Fatalf("DcountIntersect: ok=%v err=%v", ok, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got %v, want %v", got, tc.want)
					break
				}
			}
		})
	}
}

// TestDcountIntersectMixedAccuracy checks that a finer sketch is folded to the coarser one's precision: the
// result is the one of two sketches made at the coarse precision.
func TestDcountIntersectMixedAccuracy(t *testing.T) {
	mixed, ok1, err1 := DcountIntersect(context.Background(), []any{hllSetSketch(t, 18, 1, 200, 1), hllSetSketch(t, 12, 101, 300, 1)})
	coarse, ok2, err2 := DcountIntersect(context.Background(), []any{hllSetSketch(t, 12, 1, 200, 1), hllSetSketch(t, 12, 101, 300, 1)})
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		t.Fatalf("ok %v %v, err %v %v", ok1, ok2, err1, err2)
	}
	if len(mixed) != 2 || mixed[0] != coarse[0] || mixed[1] != coarse[1] {
		t.Errorf("mixed precisions give %v, the coarse sketches %v", mixed, coarse)
	}
	if coarse[0] < 190 || coarse[0] > 210 || coarse[1] < 90 || coarse[1] > 110 {
		t.Errorf("estimates %v are far from 200 and 100 for precision 12 (1.6%% standard error)", coarse)
	}
}

func TestDcountIntersectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := DcountIntersect(ctx, []any{hllSetSketch(t, 12, 1, 10, 1), hllSetSketch(t, 12, 1, 10, 1)}); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestDcountIntersectBadInput(t *testing.T) {
	if _, ok, err := DcountIntersect(context.Background(), []any{nil, "x"}); ok || err != nil {
		t.Errorf("non-sketches: ok=%v err=%v, want not ok and no error", ok, err)
	}
	one := []any{newHLL(12).toDyn()}
	if _, _, err := DcountIntersect(context.Background(), one); err == nil {
		t.Error("one sketch: want an error")
	}
}

// TestDcountIntersectMatchesMergedEstimates checks the one-pass subset walk against the plain computation:
// each union's estimate from hll merges, summed by inclusion-exclusion.
func TestDcountIntersectMatchesMergedEstimates(t *testing.T) {
	tests := []struct {
		name string
		n    int
		p    uint8
	}{
		{"two sets", 2, 14},
		{"ten overlapping sets", 10, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sketches := make([]any, tc.n)
			sets := make([]*hllSketch, tc.n)
			for i := range sketches {
				sketches[i] = hllSetSketch(t, tc.p, int64(i*7), int64(400+i*13), int64(1+i%3))
				sets[i], _ = hllFromDyn(sketches[i])
			}
			got, ok, err := DcountIntersect(context.Background(), sketches)
			if err != nil || !ok {
				t.Fatalf("DcountIntersect: ok=%v err=%v", ok, err)
			}
			var sum int64
			for k := 1; k <= tc.n; k++ {
				for mask := 1 << (k - 1); mask < 1<<k; mask++ {
					u := newHLL(tc.p)
					for i := range tc.n {
						if mask&(1<<i) != 0 {
							u = u.merge(sets[i])
						}
					}
					if popcount(mask)%2 == 1 {
						sum += u.estimate()
					} else {
						sum -= u.estimate()
					}
				}
				if want := max(sum, 0); got[k-1] != want {
					t.Errorf("S1∩..∩S%d: got %d, merged estimates give %d", k, got[k-1], want)
				}
			}
		})
	}
}
