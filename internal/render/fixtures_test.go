package render

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// day0 is 2026-11-03T00:00:00Z, the first bin of the seed rule's conformance case.
func day0(t *testing.T) int64 {
	t.Helper()
	ticks, ok := types.ParseDateTime("2026-11-03T00:00:00Z")
	if !ok {
		t.Fatal("bad date")
	}
	return ticks
}

// seedSeriesTable is shaped like the seed rule's output: one row, BlockedClicks holding 30 longs and Timestamp
// holding the 30 daily bins.
func seedSeriesTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "BlockedClicks", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
	counts := make([]any, 30)
	stamps := make([]any, 30)
	for i := range counts {
		counts[i] = int64((i*7)%11 + i/3)
		stamps[i] = types.DynDateTime(day0(t) + int64(i)*types.TicksPerDay)
	}
	tb.AppendRow([]types.Value{types.NewDynamic(counts), types.NewDynamic(stamps)})
	tb.Visualization = &types.Visualization{Kind: "timechart"}
	return tb
}

// conformanceSeedTable is the exact result of the seed rule's conformance case (2 clicks on the first day, 1 on
// the third and 1 on the last).
func conformanceSeedTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "BlockedClicks", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
	counts := make([]any, 30)
	stamps := make([]any, 30)
	for i := range counts {
		counts[i] = int64(0)
		stamps[i] = types.DynDateTime(day0(t) + int64(i)*types.TicksPerDay)
	}
	counts[0], counts[2], counts[29] = int64(2), int64(1), int64(1)
	tb.AppendRow([]types.Value{types.NewDynamic(counts), types.NewDynamic(stamps)})
	tb.Visualization = &types.Visualization{Kind: "timechart"}
	return tb
}

// seriesByWorkloadTable is make-series output with a by column: two rows, axis as ISO strings (as after a JSON
// round trip).
func seriesByWorkloadTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "Workload", Type: types.String}, {Name: "Clicks", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
	stamps := make([]any, 7)
	for i := range stamps {
		stamps[i] = types.FormatDateTime(day0(t) + int64(i)*types.TicksPerDay)
	}
	tb.AppendRow([]types.Value{types.NewString("Email"), types.NewDynamic([]any{int64(1), int64(2), int64(5), int64(3), nil, int64(4), int64(6)}), types.NewDynamic(stamps)})
	tb.AppendRow([]types.Value{types.NewString("Teams"), types.NewDynamic([]any{int64(0), int64(1), int64(1), 2.5, int64(2), int64(0), int64(1)}), types.NewDynamic(stamps)})
	return tb
}

// hourlyByActionTable is summarize output: one row per (hour, action), counts and a real column.
func hourlyByActionTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "ActionType", Type: types.String}, {Name: "Clicks", Type: types.Long}})
	actions := []string{"ClickBlocked", "ClickAllowed", "ClickedThrough"}
	for h := 0; h < 12; h++ {
		for a, action := range actions {
			tb.AppendRow([]types.Value{types.NewDateTime(day0(t) + int64(h)*types.TicksPerHour), types.NewString(action), types.NewLong(int64((h*(a+2))%9 + a))})
		}
	}
	return tb
}

// byCategoryTable has one row per category with two measures.
func byCategoryTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "Workload", Type: types.String}, {Name: "Blocked", Type: types.Long}, {Name: "Allowed", Type: types.Real}})
	for i, w := range []string{"Email", "Teams", "Office", "SharePoint & <OneDrive>"} {
		tb.AppendRow([]types.Value{types.NewString(w), types.NewLong(int64(10 * (i + 1))), types.NewReal(float64(7*i) + 0.5)})
	}
	return tb
}

// numericXYTable is x/y numbers for scatter and line charts.
func numericXYTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "x", Type: types.Real}, {Name: "y", Type: types.Long}})
	for i := 0; i < 20; i++ {
		tb.AppendRow([]types.Value{types.NewReal(float64(i) * 0.5), types.NewLong(int64((i * i) % 17))})
	}
	return tb
}

// anomalyTable is series_decompose_anomalies-shaped output: value, anomaly flags and baseline arrays.
func anomalyTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "Timestamp", Type: types.Dynamic}, {Name: "Clicks", Type: types.Dynamic}, {Name: "anomalies", Type: types.Dynamic}, {Name: "baseline", Type: types.Dynamic}})
	var ts, v, a, b []any
	for i := 0; i < 14; i++ {
		ts = append(ts, types.DynDateTime(day0(t)+int64(i)*types.TicksPerDay))
		val := int64(10 + i%3)
		flag := int64(0)
		if i == 9 {
			val, flag = 40, 1
		}
		v = append(v, val)
		a = append(a, flag)
		b = append(b, 11.0)
	}
	tb.AppendRow([]types.Value{types.NewDynamic(ts), types.NewDynamic(v), types.NewDynamic(a), types.NewDynamic(b)})
	return tb
}

// ladderTable has sessions with start and end times.
func ladderTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "User", Type: types.String}, {Name: "Start", Type: types.DateTime}, {Name: "End", Type: types.DateTime}})
	for i, u := range []string{"alice", "bob", "carol"} {
		s := day0(t) + int64(i*3)*types.TicksPerHour
		tb.AppendRow([]types.Value{types.NewString(u), types.NewDateTime(s), types.NewDateTime(s + int64(2+i)*types.TicksPerHour)})
	}
	return tb
}

// cardTable is a one-row summary.
func cardTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "TotalBlocked", Type: types.Long}, {Name: "Users", Type: types.Long}})
	tb.AppendRow([]types.Value{types.NewLong(123456), types.NewLong(42)})
	return tb
}

func vis(kind string, props ...string) *types.Visualization {
	v := &types.Visualization{Kind: kind, Properties: map[string]string{}}
	for i := 0; i+1 < len(props); i += 2 {
		v.Properties[props[i]] = props[i+1]
		v.Order = append(v.Order, props[i])
	}
	return v
}

// twoMeasuresTable has two measures of very different scale over time, the case ysplit=panels is for.
func twoMeasuresTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "Clicks", Type: types.Long}, {Name: "Users", Type: types.Real}})
	for d := 0; d < 10; d++ {
		tb.AppendRow([]types.Value{types.NewDateTime(day0(t) + int64(d)*types.TicksPerDay), types.NewLong(int64(1000 + 150*(d%4))), types.NewReal(float64(d%3) + 1.5)})
	}
	return tb
}
