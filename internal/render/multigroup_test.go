package render

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// seriesByActionTable is `make-series Clicks=count() default=0 on Timestamp step 1d by ActionType`: one row per
// action, each holding 5 daily counts and the 5 bins (the shape that crashed columnchart).
func seriesByActionTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "ActionType", Type: types.String}, {Name: "Clicks", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
	stamps := make([]any, 5)
	for i := range stamps {
		stamps[i] = types.DynDateTime(day0(t) + int64(i)*types.TicksPerDay)
	}
	for a, action := range []string{"ClickBlocked", "ClickAllowed", "ClickedThrough"} {
		counts := make([]any, 5)
		for i := range counts {
			counts[i] = int64((i+1)*(a+1)%7 + a)
		}
		tb.AppendRow([]types.Value{types.NewString(action), types.NewDynamic(counts), types.NewDynamic(stamps)})
	}
	return tb
}

// seriesTwoMeasuresByActionTable has two measures per group and axis bins that differ between the groups.
func seriesTwoMeasuresByActionTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "ActionType", Type: types.String}, {Name: "Clicks", Type: types.Dynamic},
		{Name: "Users", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
	for a, action := range []string{"ClickBlocked", "ClickAllowed"} {
		var stamps, clicks, users []any
		for i := 0; i < 4; i++ {
			stamps = append(stamps, types.DynDateTime(day0(t)+int64(i+a)*types.TicksPerDay))
			clicks = append(clicks, int64(3*i+a))
			users = append(users, float64(i)+0.5)
		}
		tb.AppendRow([]types.Value{types.NewString(action), types.NewDynamic(clicks), types.NewDynamic(users), types.NewDynamic(stamps)})
	}
	return tb
}

// seriesNumericAxisByProtocolTable is make-series on a numeric axis (on Bytes from 0 to 30 step 10) by Protocol,
// with a null and a negative value.
func seriesNumericAxisByProtocolTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "Protocol", Type: types.String}, {Name: "Hits", Type: types.Dynamic}, {Name: "Bytes", Type: types.Dynamic}})
	axis := []any{int64(0), int64(10), int64(20), int64(30)}
	tb.AppendRow([]types.Value{types.NewString("https"), types.NewDynamic([]any{int64(1), nil, int64(4), int64(2)}), types.NewDynamic(axis)})
	tb.AppendRow([]types.Value{types.NewString("http"), types.NewDynamic([]any{int64(3), int64(-1), int64(0), 2.5}), types.NewDynamic(axis)})
	tb.AppendRow([]types.Value{types.NewString("ssh"), types.NewDynamic([]any{int64(0), int64(5), int64(1), int64(1)}), types.NewDynamic(axis)})
	return tb
}

// seriesRaggedTable has groups whose arrays are shorter than the axis, and one group with an empty array.
func seriesRaggedTable(t *testing.T) *types.Table {
	t.Helper()
	tb := types.NewTable([]types.Field{{Name: "ActionType", Type: types.String}, {Name: "Clicks", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
	stamps := []any{types.DynDateTime(day0(t)), types.DynDateTime(day0(t) + types.TicksPerDay), types.DynDateTime(day0(t) + 2*types.TicksPerDay)}
	tb.AppendRow([]types.Value{types.NewString("a"), types.NewDynamic([]any{int64(2)}), types.NewDynamic(stamps)})
	tb.AppendRow([]types.Value{types.NewString("b"), types.NewDynamic([]any{}), types.NewDynamic(stamps)})
	tb.AppendRow([]types.Value{types.NewString("c"), types.NewDynamic([]any{int64(1), int64(7), int64(3)}), types.NewDynamic(stamps)})
	return tb
}

func TestColumnChartMakeSeriesByGroup(t *testing.T) {
	var b bytes.Buffer
	if err := Chart(&b, seriesByActionTable(t), vis("columnchart"), "svg", ChartOptions{Width: 800, Height: 400}); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(b.String())
	for _, want := range []string{"ClickBlocked:Clicks", "ClickAllowed:Clicks", "ClickedThrough:Clicks", "2026-11-03", "2026-11-07"} {
		if !containsString(texts, want) {
			t.Errorf("no text %q in the SVG; texts: %q", want, texts)
		}
	}
	checkGolden(t, "columnchart_make_series_by_action.svg", b.Bytes())
}

func TestMapTableMakeSeriesAsCategories(t *testing.T) {
	tests := []struct {
		name           string
		table          func(*testing.T) *types.Table
		kind           string
		wantCategories []string
		wantSeries     string // the series named here and its points, as category index=value
		wantPoints     string
	}{
		{name: "bins become categories", table: seriesByActionTable, kind: "columnchart",
			wantCategories: []string{"2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07"},
			wantSeries:     "ClickAllowed:Clicks", wantPoints: "0=3 1=5 2=7 3=2 4=4"},
		{name: "groups with different bins share one category axis", table: seriesTwoMeasuresByActionTable, kind: "barchart",
			wantCategories: []string{"2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07"},
			wantSeries:     "ClickAllowed:Clicks", wantPoints: "1=1 2=4 3=7 4=10"},
		{name: "numeric axis, null left out", table: seriesNumericAxisByProtocolTable, kind: "piechart",
			wantCategories: []string{"0", "10", "20", "30"},
			wantSeries:     "https:Hits", wantPoints: "0=1 2=4 3=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			props, err := parseProps(vis(tc.kind))
			if err != nil {
				t.Fatal(err)
			}
			d, err := mapTable(tc.table(t), tc.kind, props)
			if err != nil {
				t.Fatal(err)
			}
			if d.xKind != xCategory || strings.Join(d.categories, ",") != strings.Join(tc.wantCategories, ",") {
				t.Fatalf("x kind %v, categories %q, want %q", d.xKind, d.categories, tc.wantCategories)
			}
			var names []string
			for _, s := range d.series {
				names = append(names, s.name)
				if s.name != tc.wantSeries {
					continue
				}
				var pts []string
				for k := range s.x {
					pts = append(pts, formatPlain(s.x[k], 1)+"="+formatPlain(s.y[k], 1))
				}
				if got := strings.Join(pts, " "); got != tc.wantPoints {
					t.Errorf("%s points %s, want %s", s.name, got, tc.wantPoints)
				}
			}
			if !containsString(names, tc.wantSeries) {
				t.Errorf("no series %q in %q", tc.wantSeries, names)
			}
		})
	}
}

// TestChartMakeSeriesGroupsEveryKind draws every chart kind over make-series output with several groups, in
// every format and in the terminal: none may panic, and each either draws or says why it cannot.
func TestChartMakeSeriesGroupsEveryKind(t *testing.T) {
	kinds := make([]string, 0, len(supportedKinds))
	for k := range supportedKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	shapes := []struct {
		name  string
		table func(*testing.T) *types.Table
		props []string
	}{
		{name: "by action", table: seriesByActionTable},
		{name: "two measures by action", table: seriesTwoMeasuresByActionTable},
		{name: "numeric axis by protocol", table: seriesNumericAxisByProtocolTable},
		{name: "ragged arrays", table: seriesRaggedTable},
		{name: "stacked", table: seriesByActionTable, props: []string{"kind", "stacked"}},
		{name: "stacked100", table: seriesTwoMeasuresByActionTable, props: []string{"kind", "stacked100"}},
		{name: "ysplit panels", table: seriesTwoMeasuresByActionTable, props: []string{"ysplit", "panels"}},
		{name: "series and accumulate", table: seriesByActionTable, props: []string{"series", "ActionType", "accumulate", "true"}},
	}
	// Kinds that cannot draw numeric x axes say so; every other combination must draw.
	mayRefuse := map[string]bool{"timechart": true, "anomalychart": true, "ladderchart": true}
	for _, sh := range shapes {
		for _, kind := range kinds {
			t.Run(sh.name+"/"+kind, func(t *testing.T) {
				tb := sh.table(t)
				v := vis(kind, sh.props...)
				for _, format := range []string{"svg", "png", "html"} {
					var b bytes.Buffer
					err := Chart(&b, tb, v, format, ChartOptions{Width: 500, Height: 300})
					if err != nil {
						if !mayRefuse[kind] {
							t.Fatalf("%s: %v", format, err)
						}
						if strings.TrimSpace(err.Error()) == "" {
							t.Fatalf("%s: empty error", format)
						}
						continue
					}
					if b.Len() == 0 {
						t.Fatalf("%s: nothing written", format)
					}
					if format == "svg" {
						assertWellFormedText(t, b.String())
					}
				}
				var term bytes.Buffer
				_ = Terminal(&term, tb, v, 80, 12) // some kinds are not drawn in a terminal; it must not panic
			})
		}
	}
}
