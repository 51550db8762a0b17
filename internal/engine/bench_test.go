package engine

import (
	"context"
	"math/rand"
	"runtime"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// seedRule is the Blocked Clicks Trend hunting rule.
const seedRule = `let TimeStart = startofday(ago(30d));
let TimeEnd = startofday(now());
UrlClickEvents
| where Timestamp >= TimeStart
| where ActionType == "ClickBlocked"
| make-series BlockedClicks = count() default = 0 on Timestamp from TimeStart to TimeEnd step 1d
| render timechart`

// clickEvents generates n UrlClickEvents rows over the 45 days before testNow, in batches, and returns the
// table with the number of ClickBlocked rows per day (day 0 = 45 days before today).
func clickEvents(n int) (*catalog.MemTable, map[int64]int) {
	fields := []types.Field{
		{Name: "Timestamp", Type: types.DateTime}, {Name: "ActionType", Type: types.String},
		{Name: "Url", Type: types.String}, {Name: "Workload", Type: types.String}, {Name: "IPAddress", Type: types.String},
	}
	rng := rand.New(rand.NewSource(1))
	end := types.TimeToTicks(testNow)
	start := end - 45*types.TicksPerDay
	actions := []string{"ClickAllowed", "ClickAllowed", "ClickAllowed", "ClickBlocked", "ClickBlockedByTenantPolicy", "UrlErrorPage"}
	workloads := []string{"Email", "Teams", "Office"}
	perDay := map[int64]int{}
	tab := &catalog.MemTable{TableName: "UrlClickEvents", Fields: fields}
	const batch = 65536
	for done := 0; done < n; done += batch {
		m := min(batch, n-done)
		b := types.NewTable(fields)
		for i := 0; i < m; i++ {
			ts := start + rng.Int63n(end-start)
			action := actions[rng.Intn(len(actions))]
			if action == "ClickBlocked" {
				perDay[ts/types.TicksPerDay]++
			}
			b.Cols[0].Ints = append(b.Cols[0].Ints, ts)
			b.Cols[1].Strs = append(b.Cols[1].Strs, action)
			b.Cols[2].Strs = append(b.Cols[2].Strs, "https://example.com/p")
			b.Cols[3].Strs = append(b.Cols[3].Strs, workloads[rng.Intn(len(workloads))])
			b.Cols[4].Strs = append(b.Cols[4].Strs, "203.0.113.7")
		}
		tab.Batches = append(tab.Batches, b)
	}
	return tab, perDay
}

// TestSeedRuleCountsMatchGeneratedData checks the seed rule's 30 daily counts against a count made while
// generating the data.
func TestSeedRuleCountsMatchGeneratedData(t *testing.T) {
	tab, perDay := clickEvents(50_000)
	res, err := Run(context.Background(), source.New("seed", seedRule), Options{Now: testNow, Catalog: catalog.Map{"UrlClickEvents": tab}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Table.NumRows() != 1 {
		t.Fatalf("rows = %d, want 1", res.Table.NumRows())
	}
	series, _ := res.Table.Cols[0].Dyns[0].([]any)
	axis, _ := res.Table.Cols[1].Dyns[0].([]any)
	if len(series) != 30 || len(axis) != 30 {
		t.Fatalf("series of %d and axis of %d, want 30", len(series), len(axis))
	}
	today := types.TimeToTicks(testNow) / types.TicksPerDay
	for k := 0; k < 30; k++ {
		day := today - 30 + int64(k)
		if got := axis[k].(types.DynDateTime); int64(got) != day*types.TicksPerDay {
			t.Errorf("axis[%d] = %s", k, types.FormatDateTime(int64(got)))
		}
		if got := series[k].(int64); got != int64(perDay[day]) {
			t.Errorf("day %d: %d blocked clicks, generated %d", k, got, perDay[day])
		}
	}
	if res.Table.Visualization == nil || res.Table.Visualization.Kind != "timechart" {
		t.Errorf("visualization = %+v", res.Table.Visualization)
	}
}

// BenchmarkSeedRule runs the seed rule over 1M in-memory UrlClickEvents rows.
func BenchmarkSeedRule(b *testing.B) {
	benchQuery(b, seedRule)
}

// BenchmarkSummarizeTwoStringKeys groups 1M rows by two string columns.
func BenchmarkSummarizeTwoStringKeys(b *testing.B) {
	benchQuery(b, `UrlClickEvents | summarize n = count(), last = max(Timestamp) by ActionType, Workload`)
}

// benchQuery runs query over 1M generated UrlClickEvents rows, reporting rows per second.
func benchQuery(b *testing.B, query string) {
	b.Helper()
	tab, _ := clickEvents(1_000_000)
	cat := catalog.Map{"UrlClickEvents": tab}
	src := source.New("bench", query)
	runtime.GC() // the generator's garbage is not the query's
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), src, Options{Now: testNow, Catalog: cat}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1_000_000*b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}
