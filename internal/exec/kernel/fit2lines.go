package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// series_fit_2lines and series_fit_2lines_dynamic: two-segment linear regression. Every split leaving at least
// two points on each side is tried; each side is fitted as series_fit_line fits a series (x = 1..m over the
// side), and the split with the highest total r-square wins (the first one on a tie).

var fit2LinesKeys = []string{"rsquare", "split_idx", "variance", "rvariance", "line_fit",
	"right_rsquare", "right_slope", "right_interception", "right_variance", "right_rvariance",
	"left_rsquare", "left_slope", "left_interception", "left_variance", "left_rvariance"}

// sideFit is the line fitted to one side of a split.
type sideFit struct {
	slope, intercept, ssRes, ssTot float64
	line                           []float64
}

func fitSide(ys []float64) sideFit {
	n := float64(len(ys))
	var sx, sy, sxx, sxy float64
	for i, y := range ys {
		x := float64(i + 1)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	f := sideFit{line: make([]float64, len(ys))}
	if d := n*sxx - sx*sx; d != 0 {
		f.slope = (n*sxy - sx*sy) / d
	}
	f.intercept = (sy - f.slope*sx) / n
	m := sy / n
	for i, y := range ys {
		f.line[i] = f.intercept + f.slope*float64(i+1)
		f.ssRes += (y - f.line[i]) * (y - f.line[i])
		f.ssTot += (y - m) * (y - m)
	}
	return f
}

func rsquareOf(ssRes, ssTot float64) float64 {
	if ssTot == 0 {
		return 1
	}
	return 1 - ssRes/ssTot
}

// sampleVariance divides a sum of squares by n-1 (0 for a single point).
func sampleVariance(ss float64, n int) float64 {
	if n < 2 {
		return 0
	}
	return ss / float64(n-1)
}

// fit2Lines returns the flat bag of series_fit_2lines' outputs, or nil when the series is not an array of at
// least four numbers.
func fit2Lines(d any) *types.Bag {
	ys, ok := numbers(d)
	if !ok || len(ys) < 4 {
		return nil
	}
	for _, y := range ys {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return nil
		}
	}
	total := fitSide(ys) // for the input's own variance
	best, bestR := -1, math.Inf(-1)
	var left, right sideFit
	for k := 2; k <= len(ys)-2; k++ {
		l, r := fitSide(ys[:k]), fitSide(ys[k:])
		if rs := rsquareOf(l.ssRes+r.ssRes, total.ssTot); rs > bestR {
			best, bestR, left, right = k, rs, l, r
		}
	}
	line := make([]any, 0, len(ys))
	for _, v := range append(append([]float64{}, left.line...), right.line...) {
		line = append(line, v)
	}
	nl, nr := best, len(ys)-best
	b := types.NewBag()
	vals := []any{bestR, int64(best), sampleVariance(total.ssTot, len(ys)),
		sampleVariance(left.ssRes+right.ssRes, len(ys)), line,
		rsquareOf(right.ssRes, right.ssTot), right.slope, right.intercept, sampleVariance(right.ssTot, nr),
		sampleVariance(right.ssRes, nr),
		rsquareOf(left.ssRes, left.ssTot), left.slope, left.intercept, sampleVariance(left.ssTot, nl),
		sampleVariance(left.ssRes, nl)}
	for i, k := range fit2LinesKeys {
		b.Set(k, vals[i])
	}
	return b
}

func init() {
	outTypes := make([]types.Type, len(fit2LinesKeys))
	for i := range outTypes {
		outTypes[i] = types.Real
	}
	outTypes[1], outTypes[4] = types.Long, types.Dynamic
	bagOutputs("series_fit_2lines", 1, 1, paramTypes(tDynamic), fit2LinesKeys, outTypes,
		func(v []types.Value) types.Value {
			if b := fit2Lines(v[0].D); b != nil {
				return types.NewDynamic(b)
			}
			return nullV(types.Dynamic)
		})
	registerRowFunc("series_fit_2lines_dynamic", nil, types.Dynamic, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		flat := fit2Lines(v[0].D)
		if flat == nil {
			return nullV(types.Dynamic)
		}
		// The dynamic form nests each side's figures under "right" and "left".
		out := types.NewBag()
		sides := map[string]*types.Bag{"right": types.NewBag(), "left": types.NewBag()}
		for _, k := range fit2LinesKeys {
			val := flat.Vals[k]
			switch {
			case len(k) > 6 && k[:6] == "right_":
				sides["right"].Set(k[6:], val)
			case len(k) > 5 && k[:5] == "left_":
				sides["left"].Set(k[5:], val)
			default:
				out.Set(k, val)
			}
		}
		out.Set("right", sides["right"])
		out.Set("left", sides["left"])
		return types.NewDynamic(out)
	})
}
