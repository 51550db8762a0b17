package render

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ChartOptions sets the size of a drawn chart and overrides its title.
type ChartOptions struct {
	Width, Height int    // pixels; 0 means 1024 by 480
	Title         string // replaces the render operator's title property when set
}

// Chart formats.
const (
	FormatSVG  = "svg"
	FormatPNG  = "png"
	FormatHTML = "html"
)

// Chart draws the chart the query's render operator asked for (vis, usually t.Visualization) in format
// "svg", "png" or "html".
func Chart(w io.Writer, t *types.Table, vis *types.Visualization, format string, opts ChartOptions) error {
	format = strings.ToLower(format)
	if format != FormatSVG && format != FormatPNG && format != FormatHTML {
		return fmt.Errorf("unknown chart format %q (want svg, png or html)", format)
	}
	if vis == nil {
		vis = t.Visualization
	}
	if opts.Width <= 0 {
		opts.Width = 1024
	}
	if opts.Height <= 0 {
		opts.Height = 480
	}
	// Bounded so that a PNG stays within tens of megabytes of memory.
	opts.Width = min(max(opts.Width, 200), 4096)
	opts.Height = min(max(opts.Height, 150), 4096)
	kind, err := chartKind(vis)
	if err != nil {
		return err
	}
	props, err := parseProps(vis)
	if err != nil {
		return err
	}
	if opts.Title != "" {
		props.title = opts.Title
	}
	if format == FormatHTML {
		var svg bytes.Buffer
		if err := drawChart(&svg, t, kind, props, FormatSVG, opts); err != nil {
			return err
		}
		return writeHTML(w, t, kind, props, svg.Bytes())
	}
	return drawChart(w, t, kind, props, format, opts)
}

// providerFor returns the go-chart renderer for format "svg" or "png", wrapped to draw text safely.
func providerFor(format string) chart.RendererProvider {
	if format == FormatPNG {
		return safeProvider(chart.PNG, false)
	}
	return safeProvider(chart.SVG, true)
}

func drawChart(w io.Writer, t *types.Table, kind string, props chartProps, format string, opts ChartOptions) error {
	rp := providerFor(format)
	switch kind {
	case "card":
		return drawCard(w, t, props, rp, opts)
	case "table":
		return drawTableImage(w, t, props, rp, opts)
	case "ladderchart":
		return drawLadder(w, t, props, rp, opts)
	}
	d, err := mapTable(t, kind, props)
	if err != nil {
		return err
	}
	if d.pointCount() == 0 {
		return fmt.Errorf("render %s: there are no non-null values to draw (%d rows)", kind, t.NumRows())
	}
	if props.ysplit == "panels" && len(d.yNames) > 1 && kind != "piechart" {
		return drawPanels(w, d, format, opts)
	}
	switch kind {
	case "piechart":
		return drawPie(w, d, rp, opts)
	case "columnchart", "barchart", "pivotchart":
		return drawBars(w, d, rp, opts)
	}
	return drawXY(w, d, rp, opts)
}

// palette is the series colors, in the order Kusto's charts use similar hues.
var palette = []drawing.Color{
	drawing.ColorFromHex("0078d4"), drawing.ColorFromHex("e3008c"), drawing.ColorFromHex("00a2ad"),
	drawing.ColorFromHex("ff8c00"), drawing.ColorFromHex("8764b8"), drawing.ColorFromHex("107c10"),
	drawing.ColorFromHex("d13438"), drawing.ColorFromHex("4f6bed"), drawing.ColorFromHex("ca5010"),
	drawing.ColorFromHex("498205"), drawing.ColorFromHex("986f0b"), drawing.ColorFromHex("5c2e91"),
}

func seriesColor(i int) drawing.Color { return palette[i%len(palette)] }

var (
	gridColor  = drawing.ColorFromHex("e1e1e1")
	axisColor  = drawing.ColorFromHex("605e5c")
	textColor  = drawing.ColorFromHex("323130")
	anomalyRed = drawing.ColorFromHex("d13438")
)

// legendEntry is one line of the legend drawn right of the plot.
type legendEntry struct {
	name  string
	color drawing.Color
}

const (
	legendMaxEntries = 25
	legendMaxChars   = 28
)

// legendWidth is the room the legend needs right of the plot, in pixels.
func legendWidth(entries []legendEntry, hidden bool, chartWidth int) int {
	if hidden || len(entries) == 0 || (len(entries) == 1 && chartWidth < 400) {
		return 0
	}
	longest := 0
	for i, e := range entries {
		if i >= legendMaxEntries {
			break
		}
		longest = max(longest, len([]rune(clip(e.name, legendMaxChars))))
	}
	return min(30+longest*7, chartWidth/3)
}

func clip(s string, n int) string {
	s = escapeControls(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// drawLegend returns a renderable that lists entries from x rightwards, one colored swatch and name per line.
func drawLegend(entries []legendEntry, font *truetype.Font, x int) chart.Renderable {
	return func(r chart.Renderer, cb chart.Box, _ chart.Style) {
		y := cb.Top + 4
		r.SetFont(font)
		r.SetFontSize(9)
		r.SetFontColor(textColor)
		// Leave the last line for the "more series" note when the entries do not all fit beside the plot.
		fit := max(1, min(legendMaxEntries, (cb.Bottom-cb.Top)/16-1))
		shown := entries
		if len(shown) > fit {
			shown = shown[:fit]
		}
		for _, e := range shown {
			r.SetFillColor(e.color)
			r.SetStrokeColor(e.color)
			r.SetStrokeWidth(0)
			chart.Draw.Box(r, chart.NewBox(y, x, x+10, y+10), chart.Style{FillColor: e.color, StrokeColor: e.color, StrokeWidth: 1})
			r.SetFont(font)
			r.SetFontSize(9)
			r.SetFontColor(textColor)
			r.Text(clip(e.name, legendMaxChars), x+14, y+9)
			y += 16
		}
		if more := len(entries) - len(shown); more > 0 {
			r.Text(fmt.Sprintf("… %d more series", more), x, y+9)
		}
	}
}

// baseChart sets up the parts every x/y chart shares: size, title, axis styles and titles.
func baseChart(d *chartData, opts ChartOptions, font *truetype.Font, legend []legendEntry) chart.Chart {
	lw := legendWidth(legend, d.props.legendHidden, opts.Width)
	if d.layout != nil {
		lw = max(lw, d.layout.legendWidth)
		d.layout.legendWidth = lw
	}
	c := chart.Chart{
		Title:  d.props.title,
		Width:  opts.Width,
		Height: opts.Height,
		Font:   font,
		TitleStyle: chart.Style{
			FontSize: 13, FontColor: textColor, Hidden: d.props.title == "",
		},
		Background: chart.Style{Padding: chart.Box{Top: 20 + boolInt(d.props.title != "")*24, Left: 10, Right: 20 + lw, Bottom: 10}},
	}
	axisStyle := chart.Style{StrokeColor: axisColor, StrokeWidth: 1, FontColor: textColor, FontSize: 9}
	c.XAxis = chart.XAxis{Style: axisStyle, NameStyle: chart.Style{FontColor: textColor, FontSize: 10}}
	c.XAxis.Name = d.props.xtitle
	yName := d.props.ytitle
	// go-chart draws its primary y axis on the right; Kusto's is on the left, which is go-chart's secondary axis.
	c.YAxisSecondary = chart.YAxis{Style: axisStyle, NameStyle: chart.Style{FontColor: textColor, FontSize: 10}, Name: yName}
	c.YAxis = chart.YAxis{Style: chart.Style{Hidden: true}}
	if lw > 0 {
		c.Elements = append(c.Elements, drawLegend(legend, font, opts.Width-lw+4))
	}
	reserveYName(&c)
	return c
}

// alignYLabels widens the left padding so that this chart's y labels take as much room as the widest panel's.
func alignYLabels(c *chart.Chart, d *chartData, rp chart.RendererProvider, font *truetype.Font) {
	if d.layout == nil {
		return
	}
	r, err := rp(1, 1)
	if err != nil {
		return
	}
	r.SetFont(font)
	r.SetFontSize(9)
	widest := 0
	for _, t := range c.YAxisSecondary.Ticks {
		widest = max(widest, r.MeasureText(t.Label).Width())
	}
	if widest < d.layout.labelWidth {
		c.Background.Padding.Left += d.layout.labelWidth - widest
	}
	d.layout.labelWidth = max(d.layout.labelWidth, widest)
}

// reserveYName makes room for the left y axis title, which go-chart does not measure on the secondary axis.
func reserveYName(c *chart.Chart) {
	c.Background.Padding.Left = 10
	if c.YAxisSecondary.Name != "" {
		c.Background.Padding.Left = 30
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setYTicks gives both y axes the same ticks (go-chart reads the primary ticks for the secondary range).
func setYTicks(c *chart.Chart, ticks []chart.Tick, log bool) {
	c.YAxisSecondary.Ticks = ticks
	c.YAxis.Ticks = ticks
	if log {
		c.YAxisSecondary.Range = &chart.LogarithmicRange{}
		c.YAxis.Range = &chart.LogarithmicRange{}
	}
	var grid []chart.GridLine
	for _, t := range ticks {
		grid = append(grid, chart.GridLine{Value: t.Value})
	}
	c.YAxisSecondary.GridLines = grid
	c.YAxisSecondary.GridMajorStyle = chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
	c.YAxisSecondary.GridMinorStyle = chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
}

// yTicksFor computes the y ticks for values lo..hi honouring ymin/ymax and a log axis.
func yTicksFor(d *chartData, lo, hi float64, plotHeight int) ([]chart.Tick, error) {
	fixedLo, fixedHi := !math.IsNaN(d.props.ymin), !math.IsNaN(d.props.ymax)
	if fixedLo {
		lo = d.props.ymin
	}
	if fixedHi {
		hi = d.props.ymax
	}
	if lo > hi {
		return nil, fmt.Errorf("render %s: ymin %g is above ymax %g", d.kind, lo, hi)
	}
	if d.props.ylog {
		if hi <= 0 {
			return nil, fmt.Errorf("render %s: yaxis=log needs positive values", d.kind)
		}
		if lo <= 0 {
			lo = hi / 1000
			for _, s := range d.series {
				for _, y := range s.y {
					if y > 0 && y < lo {
						lo = y
					}
				}
			}
		}
		return logTicks(lo, hi), nil
	}
	n := max(2, plotHeight/60)
	if allIntegral(d.series) && hi-lo < float64(n) && !fixedLo && !fixedHi {
		// Counts: ticks at whole numbers only (no "0.5 clicks").
		n = max(1, int(math.Ceil(hi-lo)))
	}
	return valueTicks(lo, hi, n, fixedLo, fixedHi), nil
}

// allIntegral reports whether every y value is a whole number.
func allIntegral(series []chartSeries) bool {
	for _, s := range series {
		for _, y := range s.y {
			if y != math.Trunc(y) {
				return false
			}
		}
	}
	return true
}

func loadFont() (*truetype.Font, error) { return chart.GetDefaultFont() }

// clampedSeries is a go-chart line series whose points outside the y range are clamped to its edges, so that
// ymin/ymax crop the drawing instead of letting lines leave the plot.
type clampedSeries struct {
	chart.ContinuousSeries
	lo, hi float64
}

func (s clampedSeries) GetValues(i int) (float64, float64) {
	x, y := s.ContinuousSeries.GetValues(i)
	return x, math.Min(math.Max(y, s.lo), s.hi)
}

func (s clampedSeries) Render(r chart.Renderer, cb chart.Box, xr, yr chart.Range, defaults chart.Style) {
	chart.Draw.LineSeries(r, cb, xr, yr, s.Style.InheritFrom(defaults), s)
}

// drawXY draws time, line, area, stacked area, scatter and anomaly charts.
func drawXY(w io.Writer, d *chartData, rp chart.RendererProvider, opts ChartOptions) error {
	font, err := loadFont()
	if err != nil {
		return err
	}
	stacked := d.kind == "stackedareachart" || (d.kind == "areachart" && (d.props.kind == "stacked" || d.props.kind == "stacked100"))
	percent := d.kind == "areachart" && d.props.kind == "stacked100"
	series := d.series
	if stacked {
		series = stackSeries(series, percent)
	}
	if d.props.ylog {
		series = positiveOnly(series)
	}
	if d.props.xlog && d.xKind == xNumber {
		series = positiveX(series)
	}
	minX, maxX, minY, maxY := bounds(series)
	if math.IsInf(minX, 0) {
		return fmt.Errorf("render %s: no point can be drawn on a log axis", d.kind)
	}
	if d.kind == "areachart" || stacked || d.kind == "columnchart" {
		minY = math.Min(minY, 0)
		maxY = math.Max(maxY, 0)
	}
	legend := make([]legendEntry, len(series))
	for i, s := range series {
		legend[i] = legendEntry{s.name, seriesColor(i)}
	}
	c := baseChart(d, opts, font, legend)
	plotW := opts.Width - c.Background.Padding.Right - 80
	plotH := opts.Height - c.Background.Padding.Top - 60
	axes := d.props.ysplit == "axes" && len(d.yNames) > 1 && !stacked && !d.props.ylog
	if axes {
		// The left axis fits the measures other than the second, which gets the right axis.
		var rest []chartSeries
		for _, s := range series {
			if s.ycol != d.yNames[1] {
				rest = append(rest, s)
			}
		}
		if len(rest) > 0 {
			_, _, minY, maxY = bounds(rest)
			if d.kind == "areachart" {
				minY, maxY = math.Min(minY, 0), math.Max(maxY, 0)
			}
		}
	}
	yt, err := yTicksFor(d, minY, maxY, plotH)
	if err != nil {
		return err
	}
	setYTicks(&c, yt, d.props.ylog)
	alignYLabels(&c, d, rp, font)
	ylo, yhi := yt[0].Value, yt[len(yt)-1].Value
	if axes {
		series, err = splitAxes(&c, d, series, plotH)
		if err != nil {
			return err
		}
	}
	if minX == maxX {
		pad := 1.0
		if d.xKind == xTime {
			pad = 3600
		}
		minX, maxX = minX-pad, maxX+pad
	}
	switch {
	case d.xKind == xTime:
		c.XAxis.Ticks = timeTicks(minX, maxX, max(2, plotW/70))
	case d.xKind == xCategory:
		c.XAxis.Ticks = categoryTicks(d.categories, minX, maxX, plotW)
	case d.props.xlog:
		c.XAxis.Ticks = logTicks(minX, maxX)
		c.XAxis.Range = &chart.LogarithmicRange{}
	default:
		c.XAxis.Ticks = valueTicks(minX, maxX, max(2, plotW/80), false, false)
	}
	if d.xKind == xTime && c.XAxis.Name == "" && d.props.xtitle == "" {
		c.XAxis.Name = d.xName + " (UTC)"
	}
	// Draw stacked areas from the top layer down so that each lower layer paints over the one above.
	order := make([]int, len(series))
	for i := range order {
		order[i] = i
	}
	if stacked {
		for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
			order[i], order[j] = order[j], order[i]
		}
	}
	for _, i := range order {
		s := decimate(series[i], minX, maxX, max(plotW, 50))
		color := seriesColor(i)
		style := chart.Style{StrokeColor: color, StrokeWidth: 2}
		switch {
		case d.kind == "scatterchart":
			style = chart.Style{StrokeWidth: chart.Disabled, DotWidth: 3, DotColor: color}
		case d.kind == "areachart" || stacked:
			style.FillColor = color.WithAlpha(110)
			if stacked {
				style.FillColor = blendWhite(color, 0.45)
			}
		}
		if len(s.x) < 2 && d.kind != "scatterchart" {
			style.DotWidth, style.DotColor = 3, color
		}
		c.Series = append(c.Series, clampedSeries{
			ContinuousSeries: chart.ContinuousSeries{Name: s.name, Style: style, YAxis: chart.YAxisSecondary, XValues: s.x, YValues: s.y},
			lo:               ylo, hi: yhi,
		})
	}
	if d.kind == "anomalychart" {
		for i, m := range d.anomalies {
			if len(m.x) == 0 || i >= len(series) {
				continue
			}
			c.Series = append(c.Series, clampedSeries{
				ContinuousSeries: chart.ContinuousSeries{Name: m.name, YAxis: chart.YAxisSecondary, XValues: m.x, YValues: m.y,
					Style: chart.Style{StrokeWidth: chart.Disabled, DotWidth: 5, DotColor: anomalyRed}},
				lo: ylo, hi: yhi,
			})
		}
	}
	return c.Render(rp, w)
}

// blendWhite mixes c with white, keeping it opaque (stacked layers must hide the layer drawn before).
func blendWhite(c drawing.Color, f float64) drawing.Color {
	mix := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f) }
	return drawing.Color{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 255}
}

func bounds(series []chartSeries) (minX, maxX, minY, maxY float64) {
	minX, minY = math.Inf(1), math.Inf(1)
	maxX, maxY = math.Inf(-1), math.Inf(-1)
	for _, s := range series {
		for k := range s.x {
			minX, maxX = math.Min(minX, s.x[k]), math.Max(maxX, s.x[k])
			minY, maxY = math.Min(minY, s.y[k]), math.Max(maxY, s.y[k])
		}
	}
	return
}

func positiveOnly(series []chartSeries) []chartSeries {
	return filterPoints(series, func(_, y float64) bool { return y > 0 })
}
func positiveX(series []chartSeries) []chartSeries {
	return filterPoints(series, func(x, _ float64) bool { return x > 0 })
}

func filterPoints(series []chartSeries, keep func(x, y float64) bool) []chartSeries {
	out := make([]chartSeries, 0, len(series))
	for _, s := range series {
		f := chartSeries{name: s.name, ycol: s.ycol}
		for k := range s.x {
			if keep(s.x[k], s.y[k]) {
				f.x = append(f.x, s.x[k])
				f.y = append(f.y, s.y[k])
			}
		}
		if len(f.x) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// stackSeries turns series into cumulative layers over the union of their x values (a missing point counts as 0);
// percent scales every x to 100.
func stackSeries(series []chartSeries, percent bool) []chartSeries {
	xsSet := map[float64]bool{}
	for _, s := range series {
		for _, x := range s.x {
			xsSet[x] = true
		}
	}
	xs := make([]float64, 0, len(xsSet))
	for x := range xsSet {
		xs = append(xs, x)
	}
	sort.Float64s(xs)
	pos := make(map[float64]int, len(xs))
	for i, x := range xs {
		pos[x] = i
	}
	total := make([]float64, len(xs))
	vals := make([][]float64, len(series))
	for i, s := range series {
		vals[i] = make([]float64, len(xs))
		for k, x := range s.x {
			vals[i][pos[x]] += s.y[k]
			total[pos[x]] += s.y[k]
		}
	}
	out := make([]chartSeries, len(series))
	cum := make([]float64, len(xs))
	for i, s := range series {
		layer := chartSeries{name: s.name, ycol: s.ycol, x: xs, y: make([]float64, len(xs))}
		for k := range xs {
			v := vals[i][k]
			if percent {
				if total[k] != 0 {
					v = v / total[k] * 100
				} else {
					v = 0
				}
			}
			cum[k] += v
			layer.y[k] = cum[k]
		}
		out[i] = layer
	}
	return out
}

// categoryTicks labels category positions, skipping labels when there are more than fit.
func categoryTicks(cats []string, lo, hi float64, plotW int) []chart.Tick {
	ticks := []chart.Tick{{Value: lo, Label: noLabel}}
	if len(cats) == 0 {
		return append(ticks, chart.Tick{Value: hi, Label: noLabel})
	}
	longest := 1
	for _, c := range cats {
		longest = max(longest, len([]rune(clip(c, 20))))
	}
	fit := max(1, plotW/(longest*6+8))
	every := (len(cats) + fit - 1) / fit
	for i, c := range cats {
		if i%every == 0 {
			ticks = append(ticks, chart.Tick{Value: float64(i), Label: clip(c, 20)})
		}
	}
	return dedupeTicks(append(ticks, chart.Tick{Value: hi, Label: noLabel}))
}

// ChartFormatFromPath returns the chart format a file name asks for by its extension (.svg, .png, .html/.htm).
func ChartFormatFromPath(path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".svg":
		return FormatSVG, nil
	case ".png":
		return FormatPNG, nil
	case ".html", ".htm":
		return FormatHTML, nil
	}
	return "", fmt.Errorf("cannot tell the chart format of %q: use a .svg, .png or .html file name", path)
}

// decimate thins a series with far more points than the plot has pixels: per pixel-wide bucket of x it keeps the
// first, lowest, highest and last point, in x order, so spikes survive and the drawing looks the same.
func decimate(s chartSeries, minX, maxX float64, buckets int) chartSeries {
	if len(s.x) <= 4*buckets || maxX <= minX {
		return s
	}
	out := chartSeries{name: s.name, ycol: s.ycol}
	width := (maxX - minX) / float64(buckets)
	start := 0
	for start < len(s.x) {
		b := int((s.x[start] - minX) / width)
		end := start
		lo, hi := start, start
		for end < len(s.x) && int((s.x[end]-minX)/width) == b {
			if s.y[end] < s.y[lo] {
				lo = end
			}
			if s.y[end] > s.y[hi] {
				hi = end
			}
			end++
		}
		keep := []int{start, lo, hi, end - 1}
		sort.Ints(keep)
		for k, i := range keep {
			if k > 0 && keep[k-1] == i {
				continue
			}
			out.x = append(out.x, s.x[i])
			out.y = append(out.y, s.y[i])
		}
		start = end
	}
	return out
}

// splitAxes draws the second measure against its own y axis on the right (ysplit=axes). go-chart sizes the left
// axis from the right axis' ticks, so the second measure's values are mapped into the left axis' range and the
// right axis is labelled with its own values at the mapped positions.
func splitAxes(c *chart.Chart, d *chartData, series []chartSeries, plotH int) ([]chartSeries, error) {
	second := d.yNames[1]
	var mine []chartSeries
	for _, s := range series {
		if s.ycol == second {
			mine = append(mine, s)
		}
	}
	if len(mine) == 0 {
		return series, nil
	}
	_, _, lo2, hi2 := bounds(mine)
	sub := *d
	sub.series = mine
	sub.props.ymin, sub.props.ymax = math.NaN(), math.NaN()
	t2, err := yTicksFor(&sub, lo2, hi2, plotH)
	if err != nil {
		return nil, err
	}
	left := c.YAxisSecondary.Ticks
	lo1, hi1 := left[0].Value, left[len(left)-1].Value
	a, b := t2[0].Value, t2[len(t2)-1].Value
	if b == a {
		return series, nil
	}
	toLeft := func(v float64) float64 { return lo1 + (v-a)*(hi1-lo1)/(b-a) }
	right := make([]chart.Tick, len(t2))
	for i, t := range t2 {
		right[i] = chart.Tick{Value: toLeft(t.Value), Label: t.Label}
	}
	c.YAxis = chart.YAxis{
		Style:     chart.Style{StrokeColor: axisColor, StrokeWidth: 1, FontColor: textColor, FontSize: 9},
		NameStyle: chart.Style{FontColor: textColor, FontSize: 10},
		Name:      second,
		Ticks:     right,
	}
	out := make([]chartSeries, len(series))
	for i, s := range series {
		out[i] = s
		if s.ycol == second {
			m := chartSeries{name: s.name, ycol: s.ycol, x: s.x, y: make([]float64, len(s.y))}
			for k, v := range s.y {
				m.y[k] = toLeft(v)
			}
			out[i] = m
		}
	}
	if c.YAxisSecondary.Name == "" {
		c.YAxisSecondary.Name = d.yNames[0]
		reserveYName(c)
	}
	return out, nil
}
