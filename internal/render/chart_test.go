package render

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites the file with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept the change); got %d bytes, want %d", path, len(got), len(want))
	}
}

// svgTexts returns the text elements of an SVG, unescaped, in document order.
func svgTexts(svg string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
		r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'")
		out = append(out, r.Replace(m[1]))
	}
	return out
}

func TestChartGoldenSVG(t *testing.T) {
	tests := []struct {
		name      string
		table     func(*testing.T) *types.Table
		vis       *types.Visualization
		wantTexts []string // labels that must be drawn (axis ticks, legend, title)
	}{
		{name: "timechart_seed_make_series", table: seedSeriesTable, vis: vis("timechart", "title", `"Blocked Clicks Trend"`),
			wantTexts: []string{"Blocked Clicks Trend", "Nov 9", "Nov 16", "Nov 23", "Nov 30", "Timestamp (UTC)", "BlockedClicks", "0", "20"}},
		{name: "timechart_conformance_seed", table: conformanceSeedTable, vis: vis("timechart"),
			wantTexts: []string{"0", "1", "2", "Nov 9", "Nov 30", "BlockedClicks"}},
		{name: "timechart_make_series_by_workload", table: seriesByWorkloadTable, vis: vis("timechart"),
			wantTexts: []string{"Email:Clicks", "Teams:Clicks", "Nov 3", "Nov 9"}},
		{name: "timechart_rows_by_series", table: hourlyByActionTable, vis: vis("timechart", "ytitle", "clicks", "xtitle", "hour"),
			wantTexts: []string{"ClickBlocked", "ClickAllowed", "ClickedThrough", "02:00", "10:00", "clicks", "hour"}},
		{name: "linechart_numeric_x", table: numericXYTable, vis: vis("linechart", "legend", "hidden"),
			wantTexts: []string{"0", "2", "8"}},
		{name: "areachart", table: hourlyByActionTable, vis: vis("areachart"), wantTexts: []string{"ClickBlocked"}},
		{name: "areachart_stacked", table: hourlyByActionTable, vis: vis("areachart", "kind", "stacked"), wantTexts: []string{"ClickedThrough", "20"}},
		{name: "stackedareachart", table: hourlyByActionTable, vis: vis("stackedareachart"), wantTexts: []string{"ClickedThrough", "20"}},
		{name: "stackedareachart_100", table: hourlyByActionTable, vis: vis("areachart", "kind", "stacked100"), wantTexts: []string{"100"}},
		{name: "columnchart", table: byCategoryTable, vis: vis("columnchart"),
			wantTexts: []string{"Email", "Teams", "Office", "Blocked", "Allowed", "40"}},
		{name: "columnchart_stacked", table: byCategoryTable, vis: vis("columnchart", "kind", "stacked", "ymax", "80"), wantTexts: []string{"80"}},
		{name: "barchart", table: byCategoryTable, vis: vis("barchart"), wantTexts: []string{"Email", "SharePoint & <OneDrive>"}},
		{name: "barchart_stacked100", table: byCategoryTable, vis: vis("barchart", "kind", "stacked100"), wantTexts: []string{"100"}},
		{name: "piechart", table: byCategoryTable, vis: vis("piechart"), wantTexts: []string{"Email (10.0%)", "Office (30.0%)"}},
		{name: "scatterchart", table: numericXYTable, vis: vis("scatterchart", "ymin", "0", "ymax", "20"), wantTexts: []string{"20", "y"}},
		{name: "anomalychart", table: anomalyTable, vis: vis("anomalychart"), wantTexts: []string{"Clicks", "baseline"}},
		{name: "ladderchart", table: ladderTable, vis: vis("ladderchart"), wantTexts: []string{"alice", "bob", "carol", "02:00"}},
		{name: "pivotchart", table: byCategoryTable, vis: vis("pivotchart"), wantTexts: []string{"Teams"}},
		{name: "card", table: cardTable, vis: vis("card", "title", "Blocked"), wantTexts: []string{"123.5K", "TotalBlocked", "Users: 42"}},
		{name: "table", table: hourlyByActionTable, vis: vis("table"), wantTexts: []string{"ActionType", "ClickBlocked", "2026-11-03T00:00:00.0000000Z"}},
		{name: "timechart_ysplit_panels", table: twoMeasuresTable, vis: vis("timechart", "ysplit", "panels", "title", "Two panels"),
			wantTexts: []string{"Two panels", "Clicks", "Users", "1.5K", "4"}},
		{name: "timechart_ysplit_axes", table: twoMeasuresTable, vis: vis("timechart", "ysplit", "axes"),
			wantTexts: []string{"Clicks", "Users", "1.5K", "3.5"}},
		{name: "columnchart_ysplit_panels", table: byCategoryTable, vis: vis("columnchart", "ysplit", "panels"),
			wantTexts: []string{"Blocked", "Allowed", "Email"}},
		{name: "timechart_accumulate_log", table: seedSeriesTable, vis: vis("timechart", "accumulate", "true", "yaxis", "log"),
			wantTexts: []string{"1", "10", "100", "1K"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Chart(&b, tc.table(t), tc.vis, "svg", ChartOptions{Width: 800, Height: 400}); err != nil {
				t.Fatal(err)
			}
			svg := b.String()
			if !strings.HasPrefix(svg, "<svg") || !strings.HasSuffix(strings.TrimSpace(svg), "</svg>") {
				t.Fatalf("not an SVG document: %.80q", svg)
			}
			texts := svgTexts(svg)
			for _, want := range tc.wantTexts {
				if !containsString(texts, want) {
					t.Errorf("no text %q in the SVG; texts: %q", want, texts)
				}
			}
			checkGolden(t, tc.name+".svg", b.Bytes())
		})
	}
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestChartWholeNumberTicks(t *testing.T) {
	var b bytes.Buffer
	if err := Chart(&b, conformanceSeedTable(t), nil, "svg", ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range svgTexts(b.String()) {
		if strings.Contains(s, ".") {
			t.Errorf("fractional tick %q on a chart of counts", s)
		}
	}
}

func TestChartLegendHidden(t *testing.T) {
	var shown, hidden bytes.Buffer
	if err := Chart(&shown, seriesByWorkloadTable(t), vis("timechart"), "svg", ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Chart(&hidden, seriesByWorkloadTable(t), vis("timechart", "legend", "hidden"), "svg", ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	if !containsString(svgTexts(shown.String()), "Email:Clicks") {
		t.Error("legend missing by default")
	}
	if containsString(svgTexts(hidden.String()), "Email:Clicks") {
		t.Error("legend=hidden still drew the legend")
	}
}

func TestChartTitleOption(t *testing.T) {
	var b bytes.Buffer
	if err := Chart(&b, seedSeriesTable(t), vis("timechart", "title", "from query"), "svg", ChartOptions{Title: "from caller"}); err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(b.String())
	if !containsString(texts, "from caller") || containsString(texts, "from query") {
		t.Errorf("ChartOptions.Title should replace the title property; texts %q", texts)
	}
}

func TestChartPNG(t *testing.T) {
	var b bytes.Buffer
	if err := Chart(&b, seedSeriesTable(t), nil, "png", ChartOptions{Width: 640, Height: 320}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("not a PNG: %.16q", b.Bytes())
	}
	if b.Len() < 5000 {
		t.Errorf("PNG is suspiciously small (%d bytes)", b.Len())
	}
}

func TestChartHTML(t *testing.T) {
	tb := byCategoryTable(t)
	var b bytes.Buffer
	if err := Chart(&b, tb, vis("columnchart", "title", `"<script>alert(1)</script>"`), "html", ChartOptions{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<!DOCTYPE html>", "<svg", "</svg>", "<th title=\"long\">Blocked</th>", "<td>SharePoint &amp; &lt;OneDrive&gt;</td>",
		`<td class="num">21.5</td>`, "4 rows.", "&lt;script&gt;alert(1)&lt;/script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("title was not escaped")
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d script elements, want only the inline table sorter", n)
	}
	// Nothing is loaded from elsewhere: the only URLs are the SVG namespace names.
	rest := strings.NewReplacer(`xmlns="http://www.w3.org/2000/svg"`, "", `xmlns:xlink="http://www.w3.org/1999/xlink"`, "").Replace(page)
	for _, bad := range []string{"http:", "https:", "src=", "href=", "@import", "url("} {
		if strings.Contains(rest, bad) {
			t.Errorf("page refers to an external resource (%q)", bad)
		}
	}
}

func TestChartErrors(t *testing.T) {
	strOnly := types.NewTable([]types.Field{{Name: "Name", Type: types.String}})
	strOnly.AppendRow([]types.Value{types.NewString("a")})
	noTime := types.NewTable([]types.Field{{Name: "n", Type: types.Long}})
	noTime.AppendRow([]types.Value{types.NewLong(1)})
	allNull := types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "v", Type: types.Real}})
	allNull.AppendRow([]types.Value{types.NewDateTime(1), types.NullOf(types.Real)})
	allNull.AppendRow([]types.Value{types.NewDateTime(2), types.NewReal(math.NaN())})
	pieZero := types.NewTable([]types.Field{{Name: "k", Type: types.String}, {Name: "v", Type: types.Long}})
	pieZero.AppendRow([]types.Value{types.NewString("a"), types.NewLong(0)})
	tests := []struct {
		name   string
		table  *types.Table
		vis    *types.Visualization
		format string
		want   string
	}{
		{"no render operator", seedSeriesTable(t), &types.Visualization{}, "svg", "no render operator"},
		{"unknown kind", seedSeriesTable(t), vis("treemap"), "svg", `cannot draw render kind "treemap"`},
		{"unknown format", seedSeriesTable(t), vis("timechart"), "gif", `unknown chart format "gif"`},
		{"no numeric column", strOnly, vis("columnchart"), "svg", "no numeric column"},
		{"timechart without datetime", noTime, vis("timechart"), "svg", "no datetime column"},
		{"missing xcolumn", seedSeriesTable(t), vis("timechart", "xcolumn", "Nope"), "svg", `no column "Nope"`},
		{"bad ycolumn type", byCategoryTable(t), vis("columnchart", "ycolumns", "Workload"), "svg", "not numeric"},
		{"empty table", types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "n", Type: types.Long}}), vis("timechart"), "svg", "no non-null values"},
		{"no columns", types.NewTable(nil), vis("linechart"), "svg", "no columns"},
		{"only nulls and NaN", allNull, vis("timechart"), "png", "no non-null values"},
		{"pie of zeros", pieZero, vis("piechart"), "svg", "zero, negative or null"},
		{"bad legend", seedSeriesTable(t), vis("timechart", "legend", "maybe"), "svg", "legend=maybe"},
		{"ymin above ymax", seedSeriesTable(t), vis("timechart", "ymin", "10", "ymax", "1"), "svg", "ymin 10 is above ymax 1"},
		{"card of nothing", types.NewTable([]types.Field{{Name: "n", Type: types.Long}}), vis("card"), "svg", "no rows"},
		{"ladder needs times", byCategoryTable(t), vis("ladderchart"), "svg", "must both be datetime or numeric"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Chart(&bytes.Buffer{}, tc.table, tc.vis, tc.format, ChartOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestChartRobust draws awkward tables in both formats: they must render without error or panic.
func TestChartRobust(t *testing.T) {
	single := types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "n", Type: types.Long}})
	single.AppendRow([]types.Value{types.NewDateTime(day0(t)), types.NewLong(5)})
	many := types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "Host", Type: types.String}, {Name: "n", Type: types.Long}})
	for i := 0; i < 3000; i++ {
		many.AppendRow([]types.Value{types.NewDateTime(day0(t) + int64(i%5)*types.TicksPerHour), types.NewString(strings.Repeat("h", i%7) + string(rune('a'+i%26)) + string(rune('0'+i%10))), types.NewLong(int64(i))})
	}
	withNulls := types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "v", Type: types.Real}})
	withNulls.AppendRow([]types.Value{types.NullOf(types.DateTime), types.NewReal(1)})
	withNulls.AppendRow([]types.Value{types.NewDateTime(day0(t)), types.NewReal(math.Inf(1))})
	withNulls.AppendRow([]types.Value{types.NewDateTime(day0(t) + types.TicksPerDay), types.NewReal(2)})
	withNulls.AppendRow([]types.Value{types.NewDateTime(day0(t) + 2*types.TicksPerDay), types.NullOf(types.Real)})
	withNulls.AppendRow([]types.Value{types.NewDateTime(day0(t) + 3*types.TicksPerDay), types.NewReal(-3)})
	weird := types.NewTable([]types.Field{{Name: "k\x00<&>", Type: types.String}, {Name: "v", Type: types.Long}})
	weird.AppendRow([]types.Value{types.NewString("bad\xff\n\u202e<b>"), types.NewLong(3)})
	weird.AppendRow([]types.Value{types.NewString(""), types.NewLong(4)})
	constant := types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "n", Type: types.Long}})
	for i := 0; i < 3; i++ {
		constant.AppendRow([]types.Value{types.NewDateTime(day0(t) + int64(i)*types.TicksPerDay), types.NewLong(0)})
	}
	tests := []struct {
		name  string
		table *types.Table
		kinds []string
	}{
		{"single point", single, []string{"timechart", "linechart", "areachart", "scatterchart", "columnchart", "barchart", "piechart", "card", "table"}},
		{"thousands of series", many, []string{"timechart", "columnchart", "areachart", "piechart", "table"}},
		{"nulls and infinities", withNulls, []string{"timechart", "areachart", "columnchart", "scatterchart"}},
		{"control characters and markup", weird, []string{"columnchart", "barchart", "piechart", "table", "card"}},
		{"constant zero", constant, []string{"timechart", "columnchart", "areachart"}},
	}
	for _, tc := range tests {
		for _, kind := range tc.kinds {
			for _, format := range []string{"svg", "png"} {
				t.Run(tc.name+"/"+kind+"/"+format, func(t *testing.T) {
					var b bytes.Buffer
					if err := Chart(&b, tc.table, vis(kind), format, ChartOptions{Width: 500, Height: 300}); err != nil {
						t.Fatal(err)
					}
					if format == "svg" {
						assertWellFormedText(t, b.String())
					}
				})
			}
		}
	}
}

// assertWellFormedText checks that SVG text nodes hold no raw markup or control characters.
func assertWellFormedText(t *testing.T, svg string) {
	t.Helper()
	if strings.Contains(svg, "<b>") {
		t.Errorf("raw markup from the data in the SVG")
	}
	for _, m := range regexp.MustCompile(`(?s)<text[^>]*>(.*?)</text>`).FindAllStringSubmatch(svg, -1) {
		if strings.ContainsAny(m[1], "<\x00\n\u202e") {
			t.Errorf("unescaped text node %q", m[1])
		}
	}
}

func TestMapTableMakeSeries(t *testing.T) {
	props, _ := parseProps(vis("timechart"))
	d, err := mapTable(seedSeriesTable(t), "timechart", props)
	if err != nil {
		t.Fatal(err)
	}
	if d.xKind != xTime || d.xName != "Timestamp" || len(d.series) != 1 || d.series[0].name != "BlockedClicks" {
		t.Fatalf("got x %v %q, series %d", d.xKind, d.xName, len(d.series))
	}
	s := d.series[0]
	if len(s.x) != 30 {
		t.Fatalf("got %d points, want 30", len(s.x))
	}
	if got := secondsToTime(s.x[0]).Format("2006-01-02T15:04:05Z"); got != "2026-11-03T00:00:00Z" {
		t.Errorf("first x = %s", got)
	}
	if got := secondsToTime(s.x[29]).Format("2006-01-02"); got != "2026-12-02" {
		t.Errorf("last x = %s", got)
	}
	if s.y[1] != 7 || s.y[29] != float64((29*7)%11+29/3) {
		t.Errorf("y values %v", s.y)
	}

	d, err = mapTable(seriesByWorkloadTable(t), "timechart", props)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.series) != 2 || d.series[0].name != "Email:Clicks" || d.series[1].name != "Teams:Clicks" {
		t.Fatalf("series %+v", d.series)
	}
	if len(d.series[0].x) != 6 { // the null element is left out
		t.Errorf("Email has %d points, want 6", len(d.series[0].x))
	}
	if d.series[1].y[3] != 2.5 {
		t.Errorf("Teams y = %v", d.series[1].y)
	}
}

func TestMapTableRows(t *testing.T) {
	tests := []struct {
		name      string
		table     func(*testing.T) *types.Table
		vis       *types.Visualization
		wantNames []string
		wantFirst []float64 // y values of the first series
	}{
		{"series from string column", hourlyByActionTable, vis("timechart"), []string{"ClickBlocked", "ClickAllowed", "ClickedThrough"}, []float64{0, 2, 4, 6, 8, 1, 3, 5, 7, 0, 2, 4}},
		{"accumulate", hourlyByActionTable, vis("timechart", "accumulate", "true"), []string{"ClickBlocked", "ClickAllowed", "ClickedThrough"}, []float64{0, 2, 6, 12, 20, 21, 24, 29, 36, 36, 38, 42}},
		{"two measures", byCategoryTable, vis("columnchart"), []string{"Blocked", "Allowed"}, []float64{10, 20, 30, 40}},
		{"ycolumns picks and orders", byCategoryTable, vis("columnchart", "ycolumns", "Allowed"), []string{"Allowed"}, []float64{0.5, 7.5, 14.5, 21.5}},
		{"series property", byCategoryTable, vis("linechart", "xcolumn", "Blocked", "ycolumns", "Allowed", "series", "Workload"),
			[]string{"Email", "Teams", "Office", "SharePoint & <OneDrive>"}, []float64{0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			props, err := parseProps(tc.vis)
			if err != nil {
				t.Fatal(err)
			}
			d, err := mapTable(tc.table(t), strings.ToLower(tc.vis.Kind), props)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range d.series {
				names = append(names, s.name)
			}
			if strings.Join(names, "|") != strings.Join(tc.wantNames, "|") {
				t.Errorf("series %q, want %q", names, tc.wantNames)
			}
			if got := d.series[0].y; !equalFloats(got, tc.wantFirst) {
				t.Errorf("first series y %v, want %v", got, tc.wantFirst)
			}
		})
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTerminal(t *testing.T) {
	tests := []struct {
		name  string
		table func(*testing.T) *types.Table
		vis   *types.Visualization
		want  []string
	}{
		{"seed make-series", seedSeriesTable, vis("timechart"), []string{"BlockedClicks", "Nov 3", "Dec 2", "┤", "╭", "╯", "└", "18"}},
		{"series with legend", seriesByWorkloadTable, vis("timechart"), []string{"Email:Clicks", "Teams:Clicks", "■", "Nov 9"}},
		{"column bars", byCategoryTable, vis("columnchart"), []string{"Email Blocked", "│", "█", " 40\n", "0.5\n"}},
		{"bar chart single measure", byCategoryTable, vis("barchart", "ycolumns", "Blocked", "title", "Blocked by workload"), []string{"Blocked by workload\n", "Teams", "20\n"}},
		{"card", cardTable, vis("card"), []string{"TotalBlocked: 123456\n", "Users: 42\n"}},
		{"numeric x", numericXYTable, vis("linechart"), []string{"9.5", "16"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Terminal(&b, tc.table(t), tc.vis, 80, 10); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestTerminalLayout(t *testing.T) {
	var b bytes.Buffer
	if err := Terminal(&b, seedSeriesTable(t), vis("timechart"), 60, 8); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	// 8 plot rows + the height's extra row, the x axis, its labels and the caption.
	if len(lines) < 10 {
		t.Fatalf("only %d lines:\n%s", len(lines), b.String())
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > 60 {
			t.Errorf("line wider than the terminal (%d): %q", n, l)
		}
	}
}

func TestTerminalErrors(t *testing.T) {
	err := Terminal(&bytes.Buffer{}, ladderTable(t), vis("ladderchart"), 80, 10)
	if !errors.Is(err, ErrNoTerminalChart) {
		t.Errorf("ladderchart: got %v, want ErrNoTerminalChart", err)
	}
	var b bytes.Buffer
	if err := Terminal(&b, hourlyByActionTable(t), vis("table"), 80, 10); err != nil || b.Len() != 0 {
		t.Errorf("table kind: got %v and %q, want nothing drawn (the table is printed by the caller)", err, b.String())
	}
	err = Terminal(&bytes.Buffer{}, types.NewTable([]types.Field{{Name: "T", Type: types.DateTime}, {Name: "n", Type: types.Long}}), vis("timechart"), 80, 10)
	if err == nil || !strings.Contains(err.Error(), "no non-null values") {
		t.Errorf("empty table: got %v", err)
	}
	if err := Terminal(&bytes.Buffer{}, seedSeriesTable(t), vis("sankey"), 80, 10); err == nil {
		t.Error("unknown kind: no error")
	}
}

func TestMapTableMakeSeriesByNumber(t *testing.T) {
	// make-series ... by Port:long, followed by an extend that adds a scalar datetime: still one line per row.
	tb := types.NewTable([]types.Field{{Name: "Port", Type: types.Long}, {Name: "Hits", Type: types.Dynamic},
		{Name: "T", Type: types.Dynamic}, {Name: "Generated", Type: types.DateTime}})
	axis := []any{types.DynDateTime(day0(t)), types.DynDateTime(day0(t) + types.TicksPerDay)}
	tb.AppendRow([]types.Value{types.NewLong(443), types.NewDynamic([]any{int64(1), int64(2)}), types.NewDynamic(axis), types.NewDateTime(day0(t))})
	tb.AppendRow([]types.Value{types.NewLong(80), types.NewDynamic([]any{int64(3), int64(4)}), types.NewDynamic(axis), types.NewDateTime(day0(t))})
	props, _ := parseProps(vis("timechart"))
	d, err := mapTable(tb, "timechart", props)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.series) != 2 || d.series[0].name != "443, 2026-11-03T00:00:00.0000000Z:Hits" {
		var names []string
		for _, s := range d.series {
			names = append(names, s.name)
		}
		t.Fatalf("series %q", names)
	}
	props, _ = parseProps(vis("timechart", "series", "Port"))
	d, err = mapTable(tb, "timechart", props)
	if err != nil {
		t.Fatal(err)
	}
	if d.series[1].name != "80:Hits" || !equalFloats(d.series[1].y, []float64{3, 4}) {
		t.Errorf("series %+v", d.series[1])
	}
}

func TestParsePropsQuoting(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"double quoted", `"Blocked \"clicks\""`, `Blocked "clicks"`},
		{"single quoted", `'Blocked clicks'`, "Blocked clicks"},
		{"verbatim", `@"C:\temp"`, `C:\temp`},
		{"bare", "Blocked", "Blocked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parseProps(vis("timechart", "title", tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if p.title != tc.want {
				t.Errorf("title %q, want %q", p.title, tc.want)
			}
		})
	}
}

func TestChartFormatFromPath(t *testing.T) {
	tests := []struct{ name, path, want string }{
		{"svg", "out/trend.svg", "svg"}, {"png upper case", "TREND.PNG", "png"}, {"html", "r.html", "html"}, {"htm", "r.htm", "html"}, {"unknown", "r.gif", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ChartFormatFromPath(tc.path)
			if got != tc.want || (tc.want == "") != (err != nil) {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestChartRandomTables draws tables of random shapes and values with every kind and every property that
// changes the mapping; any panic fails the test, and errors must say what is wrong (non-empty).
func TestChartRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	allTypes := []types.Type{types.Bool, types.Int, types.Long, types.Real, types.Decimal, types.String, types.DateTime, types.TimeSpan, types.GUID, types.Dynamic}
	kinds := []string{"timechart", "linechart", "areachart", "stackedareachart", "columnchart", "barchart", "piechart", "scatterchart", "anomalychart", "ladderchart", "pivotchart", "card", "table"}
	randomValue := func(ty types.Type) types.Value {
		if rng.IntN(6) == 0 {
			return types.NullOf(ty)
		}
		switch ty {
		case types.Bool:
			return types.NewBool(rng.IntN(2) == 0)
		case types.Int, types.Long:
			return types.Value{Type: ty, I: rng.Int64N(2000) - 1000}
		case types.Real, types.Decimal:
			f := []float64{math.NaN(), math.Inf(1), -0.0, 1e300, rng.Float64() * 100}[rng.IntN(5)]
			return types.Value{Type: ty, F: f}
		case types.String, types.GUID:
			return types.Value{Type: ty, S: []string{"", "a", "b\x00<", "日本"}[rng.IntN(4)]}
		case types.DateTime:
			return types.NewDateTime(day0(t) + rng.Int64N(10)*types.TicksPerHour)
		case types.TimeSpan:
			return types.NewTimeSpan(rng.Int64N(1000))
		}
		switch rng.IntN(4) {
		case 0:
			return types.NewDynamic([]any{int64(1), nil, 2.5, "x"})
		case 1:
			return types.NewDynamic([]any{types.DynDateTime(day0(t)), "2026-11-04T00:00:00Z", nil})
		case 2:
			return types.NewDynamic([]any{})
		}
		return types.NewDynamic("scalar")
	}
	for iter := 0; iter < 100; iter++ {
		ncol := rng.IntN(4) + 1
		fields := make([]types.Field, ncol)
		for i := range fields {
			fields[i] = types.Field{Name: fmt.Sprintf("c%d", i), Type: allTypes[rng.IntN(len(allTypes))]}
		}
		tb := types.NewTable(fields)
		for r, n := 0, rng.IntN(6); r < n; r++ {
			row := make([]types.Value, ncol)
			for i, f := range fields {
				row[i] = randomValue(f.Type)
			}
			tb.AppendRow(row)
		}
		kind := kinds[rng.IntN(len(kinds))]
		props := []string{}
		switch rng.IntN(5) {
		case 0:
			props = append(props, "kind", "stacked100")
		case 1:
			props = append(props, "anomalycolumns", fields[rng.IntN(ncol)].Name, "accumulate", "true")
		case 2:
			props = append(props, "xcolumn", fields[rng.IntN(ncol)].Name, "yaxis", "log")
		case 3:
			props = append(props, "ycolumns", fields[rng.IntN(ncol)].Name, "series", fields[rng.IntN(ncol)].Name)
		}
		v := vis(kind, props...)
		name := fmt.Sprintf("%d/%s/%v/%v", iter, kind, props, fields)
		for _, format := range []string{"svg", "png", "html"} {
			if err := Chart(io.Discard, tb, v, format, ChartOptions{Width: 300, Height: 200}); err != nil && err.Error() == "" {
				t.Errorf("%s: empty error", name)
			}
		}
		if err := Terminal(io.Discard, tb, v, 60, 8); err != nil && err.Error() == "" {
			t.Errorf("%s: empty error", name)
		}
	}
}

func TestDecimateKeepsShape(t *testing.T) {
	s := chartSeries{name: "n"}
	for i := 0; i < 100000; i++ {
		y := float64(i % 7)
		if i == 54321 {
			y = 1000 // a single spike must survive
		}
		s.x = append(s.x, float64(i))
		s.y = append(s.y, y)
	}
	d := decimate(s, 0, 99999, 500)
	if len(d.x) > 4*500+4 || len(d.x) < 500 {
		t.Fatalf("%d points after decimation", len(d.x))
	}
	peak := 0.0
	for k := range d.x {
		peak = math.Max(peak, d.y[k])
		if k > 0 && d.x[k] <= d.x[k-1] {
			t.Fatalf("x not increasing at %d", k)
		}
	}
	if peak != 1000 || d.x[0] != 0 || d.x[len(d.x)-1] != 99999 {
		t.Errorf("peak %g, ends %g..%g", peak, d.x[0], d.x[len(d.x)-1])
	}
	small := chartSeries{x: []float64{1, 2}, y: []float64{3, 4}}
	if got := decimate(small, 1, 2, 500); len(got.x) != 2 {
		t.Errorf("small series changed: %v", got)
	}
}

func TestChartPanelsPNG(t *testing.T) {
	var b bytes.Buffer
	if err := Chart(&b, twoMeasuresTable(t), vis("timechart", "ysplit", "panels"), "png", ChartOptions{Width: 600, Height: 500}); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&b)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 600 || cfg.Height != 500 {
		t.Errorf("panels image is %dx%d, want 600x500", cfg.Width, cfg.Height)
	}
}

// TestTerminalPeaksReachTheirRow checks that a one-day spike is drawn on the row of its value, whatever the
// terminal width: the plot is stretched to the width, and a point falling between columns lost its height.
func TestTerminalPeaksReachTheirRow(t *testing.T) {
	for _, width := range []int{60, 80, 97, 120} {
		tb := types.NewTable([]types.Field{{Name: "BlockedClicks", Type: types.Dynamic}, {Name: "Timestamp", Type: types.Dynamic}})
		counts := make([]any, 30)
		stamps := make([]any, 30)
		for i := range counts {
			counts[i] = int64(2)
			stamps[i] = types.DynDateTime(day0(t) + int64(i)*types.TicksPerDay)
		}
		counts[21] = int64(42)
		tb.AppendRow([]types.Value{types.NewDynamic(counts), types.NewDynamic(stamps)})
		var b bytes.Buffer
		if err := Terminal(&b, tb, vis("timechart"), width, 16); err != nil {
			t.Fatal(err)
		}
		var top string
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "42┤") {
				top = l
			}
		}
		if !strings.ContainsAny(top, "╭╮│") {
			t.Errorf("width %d: the row of 42 does not reach the spike: %q\n%s", width, top, b.String())
		}
	}
}
