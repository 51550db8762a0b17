package kernel

import (
	"context"
	"fmt"
)

// MaxIntersectSets is the most sketches dcount_intersect takes (Kusto's limit).
const MaxIntersectSets = 16

// DcountIntersect returns the estimated distinct counts of S1, S1∩S2, ..., S1∩...∩Sn for the hll() sketches of
// the sets S1..Sn (2 to 16 of them). HyperLogLog estimates unions, so each intersection is the inclusion-exclusion
// sum of the estimates of the unions of its sets (clamped at 0); sketches of different accuracies are first
// folded to the coarsest. A null or a value that is not a sketch gives ok false. The work grows as 2^n times the
// sketch size, so it stops with ctx's error when ctx is done.
func DcountIntersect(ctx context.Context, sketches []any) (counts []int64, ok bool, err error) {
	n := len(sketches)
	if n < 2 || n > MaxIntersectSets {
		return nil, false, fmt.Errorf("dcount_intersect expects 2 to %d hll values, got %d", MaxIntersectSets, n)
	}
	sets := make([]*hllSketch, n)
	p := uint8(255)
	for i, v := range sketches {
		h, isSketch := hllFromDyn(v)
		if !isSketch {
			return nil, false, nil
		}
		sets[i] = h
		p = min(p, h.p)
	}
	for i, h := range sets {
		sets[i] = h.reduce(p) // reduce returns h itself when it is already at p; it is only read below
	}
	// union[mask] is the estimate of the union of the sets in mask, computed depth-first so that one register
	// array per depth is enough.
	union := make([]int64, 1<<n)
	stack := make([][]uint8, n+1)
	for d := range stack {
		stack[d] = make([]uint8, 1<<p)
	}
	var walk func(mask, next, depth int)
	walk = func(mask, next, depth int) {
		for i := next; i < n && err == nil; i++ {
			if err = ctx.Err(); err != nil {
				return
			}
			// one pass: the union's registers and its estimate's sums (2^n passes, so no separate copy)
			regs, parent := stack[depth+1], stack[depth]
			sum, zeros := 0.0, 0
			for j, r := range sets[i].regs[:len(regs)] {
				r = max(r, parent[j])
				regs[j] = r
				sum += hllPow2Neg[r]
				if r == 0 {
					zeros++
				}
			}
			m := mask | 1<<i
			union[m] = hllEstimate(len(regs), sum, zeros)
			walk(m, i+1, depth+1)
		}
	}
	walk(0, 0, 0)
	if err != nil {
		return nil, false, err
	}
	counts = make([]int64, n)
	var sum int64 // the inclusion-exclusion sum over the nonempty subsets of {1..k}
	for k := 1; k <= n; k++ {
		// add the subsets that hold set k (those without it were summed for k-1)
		for mask := 1 << (k - 1); mask < 1<<k; mask++ {
			if popcount(mask)%2 == 1 {
				sum += union[mask]
			} else {
				sum -= union[mask]
			}
		}
		counts[k-1] = max(sum, 0)
	}
	return counts, true, nil
}

func popcount(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}
