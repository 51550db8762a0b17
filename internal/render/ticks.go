package render

import (
	"math"
	"strconv"
	"strings"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"
)

// niceStep returns a round step (1, 2 or 5 times a power of ten) that splits span into about n parts.
func niceStep(span float64, n int) float64 {
	if span <= 0 || n <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// valueTicks returns round ticks covering [lo, hi] (widened to round numbers unless fixed by ymin/ymax).
func valueTicks(lo, hi float64, n int, fixedLo, fixedHi bool) []chart.Tick {
	if lo == hi {
		if lo == 0 {
			hi = 1
		} else {
			pad := math.Abs(lo) * 0.1
			lo, hi = lo-pad, hi+pad
		}
	}
	step := niceStep(hi-lo, n)
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	if fixedLo {
		start = lo
	}
	if fixedHi {
		end = hi
	}
	var ticks []chart.Tick
	if fixedLo && math.Mod(start, step) != 0 {
		ticks = append(ticks, chart.Tick{Value: start, Label: formatNumber(start, step)})
	}
	first := math.Ceil(start/step) * step
	for k := 0; k <= 1000; k++ {
		v := first + float64(k)*step
		if v > end+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, chart.Tick{Value: v, Label: formatNumber(v, step)})
	}
	if fixedHi && (len(ticks) == 0 || ticks[len(ticks)-1].Value < end) {
		ticks = append(ticks, chart.Tick{Value: end, Label: formatNumber(end, step)})
	}
	return ticks
}

// logTicks returns ticks at the powers of ten covering [lo, hi]; both must be positive.
func logTicks(lo, hi float64) []chart.Tick {
	a := math.Floor(math.Log10(lo))
	b := math.Ceil(math.Log10(hi))
	if b == a {
		b++
	}
	var ticks []chart.Tick
	for e := a; e <= b && len(ticks) < 40; e++ {
		v := math.Pow(10, e)
		ticks = append(ticks, chart.Tick{Value: v, Label: formatNumber(v, v)})
	}
	return ticks
}

// formatNumber prints a tick value with as many decimals as the step needs, using K/M/B for large round values
// as Kusto's charts do.
func formatNumber(v, step float64) string {
	abs := math.Abs(v)
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "K"}} {
		if abs >= u.div && math.Abs(step) >= u.div/100 {
			return trimZeros(strconv.FormatFloat(v/u.div, 'f', decimalsFor(step/u.div), 64)) + u.suffix
		}
	}
	return trimZeros(strconv.FormatFloat(v, 'f', decimalsFor(step), 64))
}

func decimalsFor(step float64) int {
	step = math.Abs(step)
	if step == 0 || step >= 1 {
		return 0
	}
	d := int(math.Ceil(-math.Log10(step)))
	if step*math.Pow(10, float64(d)) != math.Round(step*math.Pow(10, float64(d))) {
		d++
	}
	return min(d, 12)
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// timeSteps are the tick spacings a time axis may use, in seconds.
var timeSteps = []float64{
	1, 5, 10, 15, 30, 60, 5 * 60, 10 * 60, 15 * 60, 30 * 60, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
	86400, 2 * 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 182 * 86400, 365 * 86400,
}

// noLabel marks a tick that only fixes the axis range.
const noLabel = ""

// timeTicks returns UTC ticks between lo and hi (seconds since the epoch), at most n of them, aligned to
// midnight, hours or Mondays as the step suggests. The range ends are added as unlabelled ticks so that the
// axis spans the data exactly.
func timeTicks(lo, hi float64, n int) []chart.Tick {
	if n < 2 {
		n = 2
	}
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if (hi-lo)/s <= float64(n) {
			step = s
			break
		}
	}
	ticks := []chart.Tick{{Value: lo, Label: noLabel}}
	var cur time.Time
	t0 := secondsToTime(lo)
	switch {
	case step >= 30*86400:
		months := int(math.Round(step / (30 * 86400)))
		cur = time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
		for cur.Before(t0) {
			cur = cur.AddDate(0, months, 0)
		}
		for k := 0; k < 1000 && toSeconds(cur) <= hi; k++ {
			ticks = append(ticks, chart.Tick{Value: toSeconds(cur), Label: formatTimeLabel(cur, step)})
			cur = cur.AddDate(0, months, 0)
		}
	default:
		var origin float64
		if step == 7*86400 || step == 14*86400 {
			origin = 4 * 86400 // 1970-01-05 is a Monday
		}
		first := math.Ceil((lo-origin)/step)*step + origin
		for k := 0; k < 1000; k++ {
			v := first + float64(k)*step
			if v > hi {
				break
			}
			ticks = append(ticks, chart.Tick{Value: v, Label: formatTimeLabel(secondsToTime(v), step)})
		}
	}
	ticks = append(ticks, chart.Tick{Value: hi, Label: noLabel})
	return dedupeTicks(ticks)
}

func toSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// dedupeTicks drops unlabelled range-end ticks that coincide with labelled ones.
func dedupeTicks(ticks []chart.Tick) []chart.Tick {
	out := ticks[:0]
	for i, t := range ticks {
		if t.Label == noLabel && ((i > 0 && ticks[i-1].Value == t.Value) || (i+1 < len(ticks) && ticks[i+1].Value == t.Value)) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// formatTimeLabel prints a time axis label in UTC, as precise as the tick step (0: as precise as the value).
func formatTimeLabel(t time.Time, step float64) string {
	midnight := t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	switch {
	case step == 0 && midnight:
		return t.Format("2006-01-02")
	case step == 0 && t.Second() == 0 && t.Nanosecond() == 0:
		return t.Format("2006-01-02 15:04")
	case step == 0:
		return t.Format("2006-01-02 15:04:05")
	case step >= 365*86400:
		return t.Format("2006")
	case step >= 30*86400:
		return t.Format("Jan 2006")
	case step >= 86400:
		return t.Format("Jan 2")
	case step >= 60 && midnight:
		return t.Format("Jan 2")
	case step >= 60:
		return t.Format("15:04")
	}
	return t.Format("15:04:05")
}

// formatPlain prints v with the decimals a resolution of step needs, without K/M/B suffixes.
func formatPlain(v, step float64) string {
	return trimZeros(strconv.FormatFloat(v, 'f', decimalsFor(step), 64))
}
