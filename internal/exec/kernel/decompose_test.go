package kernel

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
	"math"
	"testing"
)

func TestSeriesSeasonal(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// The reference's examples: periods 6 and 5 are found; the third series repeats too few times.
		{"period 6", "series_seasonal", args(J(`[2,5,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1]`)),
			J(`[1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1,2,3,4,3,2,1]`)},
		{"period 5", "series_seasonal", args(J(`[8,12,14,12,10,10,12,14,12,10,10,12,14,12,10,10,12,14,12,10]`)),
			J(`[10,12,14,12,10,10,12,14,12,10,10,12,14,12,10,10,12,14,12,10]`)},
		{"no period", "series_seasonal", args(J(`[1,3,5,2,4,6,1,3,5,2,4,6]`)), J(`[0,0,0,0,0,0,0,0,0,0,0,0]`)},
		{"given period", "series_seasonal", args(J(`[1,3,5,2,4,6,1,3,5,2,4,6]`), L(6)), J(`[1,3,5,2,4,6,1,3,5,2,4,6]`)},
		{"not an array", "series_seasonal", args(J(`"x"`)), J(`null`)},
	})
}

func TestSeriesOutliers(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// tukey: Q1 = 3.25, Q3 = 7.75 (linear interpolation over 10 points), IQR 4.5; 30 is (30-7.75)/4.5 above.
		{"tukey", "series_outliers", args(J(`[1,2,3,4,5,6,7,8,9,30]`), S("tukey")),
			J(`[-0.5,-0.2777777777777778,-0.05555555555555555,0,0,0,0,0.05555555555555555,0.2777777777777778,4.944444444444445]`)},
		{"null scores 0", "series_outliers", args(J(`[1,null,3,5,7]`), S("tukey")), J(`[-0.5,0,0,0,0.5]`)},
		{"bad kind", "series_outliers", args(J(`[1,2]`), S("zscore")), J(`null`)},
		{"bad percentile", "series_outliers", args(J(`[1,2]`), S("ctukey"), N(types.Real), L(1), L(90)), J(`null`)},
	})
}

func TestSeriesDecomposeForecast(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// A line without seasonality continues; a period-2 pattern without trend repeats.
		{"line", "series_decompose_forecast", args(J(`[1,2,3,4,5,6,7,8,0,0]`), L(2), L(0), S("linefit")),
			J(`[1,2,3,4,5,6,7,8,9,10]`)},
		{"seasonal", "series_decompose_forecast", args(J(`[1,5,1,5,1,5,1,5,1,5,0,0]`), L(2), L(2), S("none")),
			J(`[1,5,1,5,1,5,1,5,1,5,1,5]`)},
		{"negative points", "series_decompose_forecast", args(J(`[1,2,3]`), L(-1)), J(`null`)},
	})
}

func TestDetectPeriods(t *testing.T) {
	y := []float64{80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54, 47,
		133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90,
		71, 62, 62, 65, 165, 109, 181, 115, 182, 121, 178, 114, 170}
	ps, ss := detectPeriods(y, 0, 50, 2)
	// The reference finds 14 (score 0.84) and no second period.
	if len(ps) != 2 || ps[0] != 14 {
		t.Fatalf("periods = %v, scores = %v; want [14, ...]", ps, ss)
	}
	if ss[0] < 0.5 || ss[0] > 1 {
		t.Errorf("score of 14 = %v, want a strong score", ss[0])
	}
}

func TestDecompose(t *testing.T) {
	xs := []float64{0, 10, 0, 0, 1, 11, 1, 1, 2, 12, 2, 2, 3, 13, 3, 3}
	d := decompose(xs, -1, "linefit", 0, 0.6)
	for i := range xs {
		if math.Abs(d.baseline[i]+d.residual[i]-xs[i]) > 1e-9 {
			t.Fatalf("baseline+residual != x at %d", i)
		}
	}
	if d.seasonal[1]-d.seasonal[0] < 9 {
		t.Errorf("seasonal = %v, want the period-4 spike", d.seasonal)
	}
}

func TestSeriesDecomposeAnomalies(t *testing.T) {
	m, ok := LookupMultiScalar("series_decompose_anomalies")
	if !ok {
		t.Fatal("series_decompose_anomalies is not registered")
	}
	// A period-4 pattern with one spike and one dip: only they are flagged.
	series := J(`[1,5,1,5, 1,5,1,5, 1,5,1,25, 1,5,1,5, 1,5,1,5, -20,5,1,5]`)
	cols, err := m.Eval(testCtx(), []Arg{constArg(series)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	flags, _ := cols[0].Dyns[0].([]any)
	want := make([]any, 24)
	for i := range want {
		want[i] = int64(0)
	}
	want[11], want[20] = int64(1), int64(-1)
	if len(flags) != len(want) {
		t.Fatalf("ad_flag = %v", flags)
	}
	for i := range want {
		if flags[i] != want[i] {
			t.Fatalf("ad_flag = %v, want %v", flags, want)
		}
	}
	if cols[2].IsNull(0) {
		t.Error("baseline is null")
	}
}

func TestDetectPeriodsNeedsFourPoints(t *testing.T) {
	var xs []float64
	for i := 0; i < 20; i++ {
		xs = append(xs, float64(1+4*(i%3))) // period 3: too short to be found; 6 repeats too few times
	}
	if ps, _ := detectPeriods(xs, 0, 50, 1); ps[0] != 0 {
		t.Errorf("periods = %v, want none (a period needs at least 4 points)", ps)
	}
}

func TestDetectPeriodsDespiteOutlier(t *testing.T) {
	// A period-4 pattern with one large spike: the spike must not hide the period (the anomaly functions
	// detect the period of exactly such series), and 8, a multiple of 4, is not a second period.
	var xs []float64
	for i := 1; i <= 48; i++ {
		y := 2.0
		if i%4 == 1 {
			y = 10
		}
		if i == 30 {
			y += 20
		}
		xs = append(xs, y)
	}
	ps, ss := detectPeriods(xs, 0, 48, 2)
	if ps[0] != 4 || ps[1] == 8 {
		t.Errorf("periods = %v (scores %v), want 4 first and not 8", ps, ss)
	}
}
