package kernel

import (
	"math"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Seasonal decomposition, period detection and outlier scoring: series_periods_detect, series_seasonal,
// series_decompose, series_decompose_anomalies, series_decompose_forecast and series_outliers.
//
// Missing elements (nulls and non-numbers) are NaN here: they are left out of every estimate, and their
// residuals and scores are null (scores 0 for series_outliers, as the reference says).

// seriesValues converts a dynamic array to reals with NaN for missing elements; false when it is not an array.
func seriesValues(d any) ([]float64, bool) {
	arr, ok := d.([]any)
	if !ok {
		return nil, false
	}
	out := make([]float64, len(arr))
	for i, e := range arr {
		x, ok := dynNumber(e)
		if !ok {
			x = math.NaN()
		}
		out[i] = x
	}
	return out, true
}

// finite returns the values that are not NaN or infinite.
func finite(xs []float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// percentileOf is the p-th percentile (0..100) of sorted values, interpolating linearly between ranks.
func percentileOf(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

func median(xs []float64) float64 {
	s := finite(xs)
	sort.Float64s(s)
	return percentileOf(s, 50)
}

// periodScores returns, for each candidate period p in [minP, maxP], the correlation between the series and
// itself shifted by p (pairs with a missing value left out): 1 when the series repeats exactly every p points.
func periodScores(xs []float64, minP, maxP int) map[int]float64 {
	scores := map[int]float64{}
	for p := minP; p <= maxP; p++ {
		if p < 1 || p >= len(xs)-1 {
			continue
		}
		var n, sa, sb, saa, sbb, sab float64
		for i := 0; i+p < len(xs); i++ {
			a, b := xs[i], xs[i+p]
			if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
				continue
			}
			n++
			sa += a
			sb += b
			saa += a * a
			sbb += b * b
			sab += a * b
		}
		va, vb := n*saa-sa*sa, n*sbb-sb*sb
		if n < 3 || va <= 0 || vb <= 0 {
			continue
		}
		scores[p] = (n*sab - sa*sb) / math.Sqrt(va*vb)
	}
	return scores
}

// detectPeriods finds up to count periods between minP and maxP, strongest first: the local maxima of the lag
// correlation. A period has at least 4 points (as the reference requires) and repeats at least four times
// (stricter than the reference's half-series bound: without it, a series seen twice, which Kusto's
// series_seasonal example finds no period in, scores a perfect correlation). A period is dropped when a
// multiple of it (up to half the series) correlates clearly better: it is then a fraction of a longer period.
func detectPeriods(xs []float64, minP, maxP float64, count int) ([]int64, []float64) {
	lo := int(math.Max(4, math.Ceil(minP)))
	hi := len(xs) / 4
	if maxP < float64(hi) {
		hi = int(math.Floor(maxP))
	}
	scores := periodScores(winsorize(xs, 5, 95), 1, len(xs)/2+1)
	type cand struct {
		p int
		s float64
	}
	var cands []cand
	for p := lo; p <= hi; p++ {
		s, ok := scores[p]
		if !ok || s <= 0 || s < scores[p-1] || s < scores[p+1] {
			continue
		}
		fraction := false
		for k := 2 * p; k <= len(xs)/2; k += p {
			if scores[k] > s+0.05 {
				fraction = true
			}
		}
		if !fraction {
			cands = append(cands, cand{p, s})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].s > cands[j].s })
	periods := make([]int64, 0, count)
	out := make([]float64, 0, count)
	for _, c := range cands {
		if len(periods) == count {
			break
		}
		multiple := false
		for _, q := range periods {
			multiple = multiple || c.p%int(q) == 0
		}
		if multiple {
			continue // a multiple of a period found repeats with it, it is not another period
		}
		periods = append(periods, int64(c.p))
		out = append(out, c.s)
	}
	// The reference pads the arrays to the requested count with zeros.
	for len(periods) < count {
		periods = append(periods, 0)
		out = append(out, 0)
	}
	return periods, out
}

// winsorize clips the values to their pLow and pHigh percentiles, so that a few outliers (what the anomaly
// functions look for) do not hide the period of the rest.
func winsorize(xs []float64, pLow, pHigh float64) []float64 {
	vals := finite(xs)
	sort.Float64s(vals)
	lo, hi := percentileOf(vals, pLow), percentileOf(vals, pHigh)
	out := make([]float64, len(xs))
	for i, x := range xs {
		switch {
		case math.IsNaN(x):
			out[i] = x
		case x < lo:
			out[i] = lo
		case x > hi:
			out[i] = hi
		default:
			out[i] = x
		}
	}
	return out
}

// autoPeriod is the period series_decompose and series_seasonal use when asked to detect it: the strongest one
// whose score reaches threshold, or 0.
func autoPeriod(xs []float64, threshold float64) int {
	ps, ss := detectPeriods(xs, 2, float64(len(xs)), 1)
	if len(ps) == 0 || ps[0] == 0 || ss[0] < threshold {
		return 0
	}
	return int(ps[0])
}

// seasonalComponent is the median of the learning points of each phase, repeated over the whole series.
func seasonalComponent(xs []float64, period, learn int) []float64 {
	out := make([]float64, len(xs))
	if period <= 0 {
		return out
	}
	phase := make([]float64, period)
	for ph := 0; ph < period; ph++ {
		var vals []float64
		for i := ph; i < learn; i += period {
			vals = append(vals, xs[i])
		}
		phase[ph] = median(vals)
		if math.IsNaN(phase[ph]) {
			phase[ph] = 0
		}
	}
	for i := range out {
		out[i] = phase[i%period]
	}
	return out
}

// trendComponent fits the trend of the learning points: "avg", "linefit" (least squares over x = 0..n-1,
// extrapolated) or "none".
func trendComponent(xs []float64, kind string, learn int) []float64 {
	out := make([]float64, len(xs))
	switch kind {
	case "avg":
		m := mean(finite(xs[:learn]))
		if math.IsNaN(m) {
			m = 0
		}
		for i := range out {
			out[i] = m
		}
	case "linefit":
		var n, sx, sy, sxx, sxy float64
		for i := 0; i < learn; i++ {
			if math.IsNaN(xs[i]) || math.IsInf(xs[i], 0) {
				continue
			}
			x := float64(i)
			n++
			sx += x
			sy += xs[i]
			sxx += x * x
			sxy += x * xs[i]
		}
		if n == 0 {
			return out
		}
		slope := 0.0
		if d := n*sxx - sx*sx; d != 0 {
			slope = (n*sxy - sx*sy) / d
		}
		intercept := (sy - slope*sx) / n
		for i := range out {
			out[i] = intercept + slope*float64(i)
		}
	}
	return out
}

// decomposition is the result of series_decompose.
type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose extracts the seasonal component, then the trend of the deseasonalized series; the last testPoints
// points are left out of the learning. period < 0 detects it with seasonalityThreshold.
func decompose(xs []float64, period int, trend string, testPoints int, seasonalityThreshold float64) decomposition {
	learn := len(xs) - testPoints
	if learn < 0 {
		learn = 0
	}
	if period < 0 {
		period = autoPeriod(xs[:learn], seasonalityThreshold)
	}
	seasonal := seasonalComponent(xs, period, learn)
	deseasoned := make([]float64, len(xs))
	for i := range xs {
		deseasoned[i] = xs[i] - seasonal[i]
	}
	tr := trendComponent(deseasoned, trend, learn)
	d := decomposition{seasonal: seasonal, trend: tr,
		baseline: make([]float64, len(xs)), residual: make([]float64, len(xs))}
	for i := range xs {
		d.baseline[i] = seasonal[i] + tr[i]
		d.residual[i] = xs[i] - d.baseline[i]
	}
	return d
}

// tukeyScores scores each point against the fences of the learning points' quantile range [pLow, pHigh]:
// (x - high)/range above it, (x - low)/range below it, 0 inside; missing points score 0.
func tukeyScores(xs []float64, learn int, pLow, pHigh float64) []float64 {
	vals := finite(xs[:learn])
	sort.Float64s(vals)
	out := make([]float64, len(xs))
	if len(vals) == 0 {
		return out
	}
	low, high := percentileOf(vals, pLow), percentileOf(vals, pHigh)
	iqr := high - low
	for i, x := range xs {
		switch {
		case math.IsNaN(x):
		case x > high:
			out[i] = scoreOver(x-high, iqr)
		case x < low:
			out[i] = scoreOver(x-low, iqr)
		}
	}
	return out
}

// scoreOver divides a distance outside the fences by the range; a zero range makes any distance infinite.
func scoreOver(dist, iqr float64) float64 {
	if iqr == 0 {
		return math.Copysign(math.Inf(1), dist)
	}
	return dist / iqr
}

func realsToDyn(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		if !math.IsNaN(x) {
			out[i] = x
		}
	}
	return out
}

// optReal, optInt and optString read an optional argument, with def when it is absent or null.
func optReal(v []types.Value, i int, def float64) float64 {
	if i >= len(v) || v[i].Null {
		return def
	}
	if x, ok := toRealValue(v[i]); ok {
		return x
	}
	return def
}

func optInt(v []types.Value, i int, def int) int {
	if i >= len(v) || v[i].Null {
		return def
	}
	if x, ok := toLongValue(v[i]); ok && x >= math.MinInt32 && x <= math.MaxInt32 {
		return int(x)
	}
	return def
}

func optString(v []types.Value, i int, def string) string {
	if i >= len(v) || v[i].Null {
		return def
	}
	return v[i].S
}

func validTrend(s string) bool { return s == "avg" || s == "linefit" || s == "none" }

func init() {
	registerRowFunc("series_seasonal", nil, types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(_ *Context, v []types.Value) types.Value {
		xs, ok := seriesValues(v[0].D)
		if !ok {
			return nullV(types.Dynamic)
		}
		period := optInt(v, 1, -1)
		if period < 0 {
			period = autoPeriod(xs, 0.6)
		}
		return types.NewDynamic(realsToDyn(seasonalComponent(xs, period, len(xs))))
	})

	registerRowFunc("series_outliers", nil, types.Dynamic, 1, 5, paramTypes(tDynamic, tString, tNumber, tNumber, tNumber), func(_ *Context, v []types.Value) types.Value {
		xs, ok := seriesValues(v[0].D)
		if !ok {
			return nullV(types.Dynamic)
		}
		kind := optString(v, 1, "ctukey")
		if len(v) > 2 && !v[2].Null {
			if ignore, ok := toRealValue(v[2]); ok {
				for i, x := range xs {
					if x == ignore {
						xs[i] = math.NaN()
					}
				}
			}
		}
		lo, hi := 25.0, 75.0
		if kind == "ctukey" {
			lo, hi = optReal(v, 3, 10), optReal(v, 4, 90)
			if lo < 2 || hi > 98 || lo >= hi {
				return nullV(types.Dynamic)
			}
		} else if kind != "tukey" {
			return nullV(types.Dynamic)
		}
		scores := tukeyScores(xs, len(xs), lo, hi)
		out := make([]any, len(scores))
		for i, s := range scores {
			out[i] = s
		}
		return types.NewDynamic(out)
	})

	registerRowFunc("series_decompose_forecast", nil, types.Dynamic, 2, 5, paramTypes(tDynamic, tNumber, tNumber, tString, tNumber), func(_ *Context, v []types.Value) types.Value {
		xs, ok := seriesValues(v[0].D)
		points := optInt(v, 1, 0)
		trend := optString(v, 3, "linefit")
		if !ok || points < 0 || points > len(xs) || !validTrend(trend) {
			return nullV(types.Dynamic)
		}
		d := decompose(xs, optInt(v, 2, -1), trend, points, optReal(v, 4, 0.6))
		return types.NewDynamic(realsToDyn(d.baseline))
	})

	RegisterMultiScalar(&MultiScalar{
		Name: "series_periods_detect", MinArgs: 4, MaxArgs: 4,
		Results: func(args []ArgInfo) ([]types.Type, []string, error) {
			if err := checkArgs("series_periods_detect", args, 4, 4, tDynamic, tNumber, tNumber, tNumber); err != nil {
				return nil, nil, err
			}
			return []types.Type{types.Dynamic, types.Dynamic}, []string{"periods", "periods_scores"}, nil
		},
		Eval: rowOutputs(2, 4, func(v []types.Value) []types.Value {
			xs, ok := seriesValues(v[0].D)
			count := optInt(v, 3, 1)
			if !ok || anyNull(v) || count < 1 || count > 1000 {
				return []types.Value{nullV(types.Dynamic), nullV(types.Dynamic)}
			}
			ps, ss := detectPeriods(xs, optReal(v, 1, 0), optReal(v, 2, 0), count)
			pd := make([]any, len(ps))
			sd := make([]any, len(ss))
			for i := range ps {
				pd[i], sd[i] = ps[i], ss[i]
			}
			return []types.Value{types.NewDynamic(pd), types.NewDynamic(sd)}
		}),
	})

	RegisterMultiScalar(&MultiScalar{
		Name: "series_decompose", MinArgs: 1, MaxArgs: 5,
		Results: func(args []ArgInfo) ([]types.Type, []string, error) {
			if err := checkArgs("series_decompose", args, 1, 5, tDynamic, tNumber, tString, tNumber, tNumber); err != nil {
				return nil, nil, err
			}
			return []types.Type{types.Dynamic, types.Dynamic, types.Dynamic, types.Dynamic},
				[]string{"baseline", "seasonal", "trend", "residual"}, nil
		},
		Eval: rowOutputs(4, 1, func(v []types.Value) []types.Value {
			xs, ok := seriesValues(v[0].D)
			trend := optString(v, 2, "avg")
			testPoints := optInt(v, 3, 0)
			if !ok || !validTrend(trend) || testPoints < 0 {
				return nullValues(4)
			}
			d := decompose(xs, optInt(v, 1, -1), trend, testPoints, optReal(v, 4, 0.6))
			return []types.Value{types.NewDynamic(realsToDyn(d.baseline)), types.NewDynamic(realsToDyn(d.seasonal)),
				types.NewDynamic(realsToDyn(d.trend)), types.NewDynamic(realsToDyn(d.residual))}
		}),
	})

	RegisterMultiScalar(&MultiScalar{
		Name: "series_decompose_anomalies", MinArgs: 1, MaxArgs: 7,
		Results: func(args []ArgInfo) ([]types.Type, []string, error) {
			if err := checkArgs("series_decompose_anomalies", args, 1, 7, tDynamic, tNumber, tNumber, tString, tNumber, tString, tNumber); err != nil {
				return nil, nil, err
			}
			return []types.Type{types.Dynamic, types.Dynamic, types.Dynamic},
				[]string{"ad_flag", "ad_score", "baseline"}, nil
		},
		Eval: rowOutputs(3, 1, func(v []types.Value) []types.Value {
			xs, ok := seriesValues(v[0].D)
			threshold := optReal(v, 1, 1.5)
			trend := optString(v, 3, "linefit")
			testPoints := optInt(v, 4, 0)
			method := optString(v, 5, "ctukey")
			if !ok || !validTrend(trend) || testPoints < 0 || testPoints > len(xs) || (method != "ctukey" && method != "tukey") {
				return nullValues(3)
			}
			d := decompose(xs, optInt(v, 2, -1), trend, testPoints, optReal(v, 6, 0.6))
			lo, hi := 10.0, 90.0
			if method == "tukey" {
				lo, hi = 25, 75
			}
			scores := tukeyScores(d.residual, len(xs)-testPoints, lo, hi)
			flags := make([]any, len(xs))
			scoreD := make([]any, len(xs))
			for i, s := range scores {
				var f int64
				switch {
				case s > threshold:
					f = 1
				case s < -threshold:
					f = -1
				}
				flags[i], scoreD[i] = f, s
			}
			return []types.Value{types.NewDynamic(flags), types.NewDynamic(scoreD), types.NewDynamic(realsToDyn(d.baseline))}
		}),
	})
}

func nullValues(n int) []types.Value {
	out := make([]types.Value, n)
	for i := range out {
		out[i] = nullV(types.Dynamic)
	}
	return out
}

// rowOutputs evaluates a multi-output function row by row; fn returns one value per output (of its type or null).
// Fewer than minArgs arguments give nulls (the checker rejects such calls; this only keeps Eval safe).
func rowOutputs(outputs, minArgs int, fn func(v []types.Value) []types.Value) func(*Context, []Arg, int) ([]*types.Column, error) {
	return func(_ *Context, args []Arg, n int) ([]*types.Column, error) {
		cols := make([]*types.Column, outputs)
		for j := range cols {
			cols[j] = newCol(types.Dynamic, n)
		}
		if len(args) < minArgs {
			for _, c := range cols {
				for i := 0; i < n; i++ {
					setNull(c, i)
				}
			}
			return cols, nil
		}
		vals := make([]types.Value, len(args))
		for i := 0; i < n; i++ {
			for j, a := range args {
				vals[j] = a.Value(i)
			}
			for j, out := range fn(vals) {
				if out.Null {
					setNull(cols[j], i)
				} else {
					setValue(cols[j], i, out)
				}
			}
		}
		return cols, nil
	}
}
