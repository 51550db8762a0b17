package render

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/guptarohit/asciigraph"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ErrNoTerminalChart reports a render kind that has no text drawing (ladderchart); callers that print the table
// anyway can ignore it.
var ErrNoTerminalChart = errors.New("this render kind has no terminal drawing")

// terminalSeriesLimit bounds the lines drawn in a terminal, where more than a few cannot be told apart.
const terminalSeriesLimit = 8

// Terminal draws line/time/area/scatter/anomaly charts as text lines, and column/bar/pie charts as horizontal
// bars, for a terminal width columns wide and about height rows high.
func Terminal(w io.Writer, t *types.Table, vis *types.Visualization, width, height int) error {
	if vis == nil {
		vis = t.Visualization
	}
	kind, err := chartKind(vis)
	if err != nil {
		return err
	}
	props, err := parseProps(vis)
	if err != nil {
		return err
	}
	width = min(max(width, 30), 1000)
	height = min(max(height, 5), 200)
	switch kind {
	case "table":
		return nil // the table visualization is the table itself, which the caller prints
	case "ladderchart":
		return fmt.Errorf("render %s: %w", kind, ErrNoTerminalChart)
	case "card":
		return terminalCard(w, t, props)
	}
	d, err := mapTable(t, kind, props)
	if err != nil {
		return err
	}
	if d.pointCount() == 0 {
		return fmt.Errorf("render %s: there are no non-null values to draw (%d rows)", kind, t.NumRows())
	}
	switch kind {
	case "columnchart", "barchart", "piechart", "pivotchart":
		return terminalBars(w, d, width)
	}
	return terminalLines(w, d, width, height)
}

func terminalCard(w io.Writer, t *types.Table, props chartProps) error {
	if len(t.Fields) == 0 || t.NumRows() == 0 {
		return fmt.Errorf("render card: the result has no rows; a card shows the first record")
	}
	bw := bufio.NewWriter(w)
	if props.title != "" {
		fmt.Fprintln(bw, escapeControls(props.title))
	}
	for i, f := range t.Fields {
		fmt.Fprintf(bw, "%s: %s\n", escapeControls(f.Name), fitCell(CellText(t.Cols[i], 0), 60))
	}
	return bw.Flush()
}

// terminalLines plots the series over a shared x grid with asciigraph.
func terminalLines(w io.Writer, d *chartData, width, height int) error {
	series := d.series
	if d.kind == "stackedareachart" || (d.kind == "areachart" && (d.props.kind == "stacked" || d.props.kind == "stacked100")) {
		series = stackSeries(series, d.props.kind == "stacked100")
	}
	dropped := 0
	if len(series) > terminalSeriesLimit {
		dropped = len(series) - terminalSeriesLimit
		series = series[:terminalSeriesLimit]
	}
	// One column per distinct x; each series has NaN where it has no point (asciigraph leaves a gap).
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
	data := make([][]float64, len(series))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range series {
		row := make([]float64, len(xs))
		for k := range row {
			row[k] = math.NaN()
		}
		for k, x := range s.x {
			row[pos[x]] = s.y[k]
			lo, hi = math.Min(lo, s.y[k]), math.Max(hi, s.y[k])
		}
		data[i] = row
	}
	if !math.IsNaN(d.props.ymin) {
		lo = math.Min(lo, d.props.ymin)
	}
	if !math.IsNaN(d.props.ymax) {
		hi = math.Max(hi, d.props.ymax)
	}
	if math.IsInf(hi-lo, 0) {
		return fmt.Errorf("render %s: the values span too wide a range (%g to %g) to draw", d.kind, lo, hi)
	}
	// asciigraph converts scaled values to int, so plot v-base (0 .. hi-lo) and add base back in the labels;
	// a flat series gets a range around its value.
	base := lo
	span := hi - lo
	if span == 0 {
		span = math.Max(1, math.Abs(lo)*0.1)
		base = lo - span/2
		height -= height % 2 // an even height puts the flat line exactly on a labelled row
	}
	for _, row := range data {
		for k := range row {
			row[k] -= base
		}
	}
	// Each text row spans span/height; labels carry enough decimals to tell neighbouring rows apart.
	rowSpan := span / float64(height)
	yLabel := func(v float64) string { return formatPlain(v+base, rowSpan) }
	labelWidth := max(len(yLabel(0)), len(yLabel(span))) + 1
	plotWidth := max(len(xs), 10)
	plotWidth = min(max(width-labelWidth-4, 10), max(plotWidth, width-labelWidth-4))
	if n := len(xs); n > 1 && plotWidth > n {
		// asciigraph stretches a series to the width by linear interpolation: with a width of (n-1)k+1 every
		// point lands on a column of its own, so peaks keep their height instead of falling between columns.
		plotWidth = (n-1)*((plotWidth-1)/(n-1)) + 1
	}
	opts := []asciigraph.Option{
		asciigraph.Height(height), asciigraph.Width(plotWidth), asciigraph.Offset(2),
		asciigraph.YAxisValueFormatter(yLabel), asciigraph.LowerBound(0), asciigraph.UpperBound(span),
	}
	if len(xs) > 0 {
		xlo, xhi := xs[0], xs[len(xs)-1]
		opts = append(opts, asciigraph.XAxisRange(xlo, xhi), asciigraph.XAxisTickCount(max(2, min(len(xs), plotWidth/14))))
		switch d.xKind {
		case xTime:
			tickStep := (xhi - xlo) / float64(max(1, min(len(xs), plotWidth/14)-1))
			opts = append(opts, asciigraph.XAxisValueFormatter(func(v float64) string { return formatTimeLabel(secondsToTime(v), tickStep) }))
		case xCategory:
			opts = append(opts, asciigraph.XAxisValueFormatter(func(v float64) string {
				i := int(math.Round(v))
				if i >= 0 && i < len(d.categories) {
					return clip(d.categories[i], 12)
				}
				return ""
			}))
		default:
			xstep := niceStep(xhi-xlo, 5)
			opts = append(opts, asciigraph.XAxisValueFormatter(func(v float64) string { return formatNumber(v, xstep/10) }))
		}
	}
	if len(series) > 1 {
		names := make([]string, len(series))
		colors := make([]asciigraph.AnsiColor, len(series))
		for i, s := range series {
			names[i] = clip(s.name, 30)
			colors[i] = terminalColors[i%len(terminalColors)]
		}
		opts = append(opts, asciigraph.SeriesColors(colors...), asciigraph.SeriesLegends(names...))
	}
	caption := d.props.title
	if caption == "" && len(series) == 1 {
		caption = series[0].name
	}
	if caption != "" {
		opts = append(opts, asciigraph.Caption(clip(caption, width-4)))
	}
	plot, err := plotSafely(data, opts)
	if err != nil {
		return fmt.Errorf("render %s: %w", d.kind, err)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(plot)
	bw.WriteByte('\n')
	if dropped > 0 {
		fmt.Fprintf(bw, "(%d more series not drawn)\n", dropped)
	}
	return bw.Flush()
}

// plotSafely runs asciigraph, turning a panic inside it into an error: a terminal chart must never crash the
// command that prints it.
func plotSafely(data [][]float64, opts []asciigraph.Option) (plot string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot draw these values as text: %v", r)
		}
	}()
	return asciigraph.PlotMany(data, opts...), nil
}

var terminalColors = []asciigraph.AnsiColor{asciigraph.Blue, asciigraph.Magenta, asciigraph.Cyan, asciigraph.Yellow,
	asciigraph.Green, asciigraph.Red, asciigraph.White, asciigraph.Orange}

// terminalBars draws one horizontal bar per category and series, scaled to the largest absolute value.
func terminalBars(w io.Writer, d *chartData, width int) error {
	type bar struct {
		label string
		value float64
	}
	var bars []bar
	sums := make(map[[2]int]float64)
	present := make(map[[2]int]bool)
	for si, s := range d.series {
		for k, x := range s.x {
			key := [2]int{int(x), si}
			sums[key] += s.y[k]
			present[key] = true
		}
	}
	const maxBars = 60
	multi := len(d.series) > 1
	for ci, cat := range d.categories {
		for si, s := range d.series {
			if !present[[2]int{ci, si}] || len(bars) >= maxBars {
				continue
			}
			label := cat
			if multi {
				label = cat + " " + s.name
			}
			bars = append(bars, bar{label, sums[[2]int{ci, si}]})
		}
	}
	total := len(present)
	labelWidth := 0
	for i := range bars {
		bars[i].label = fitCell(bars[i].label, 24)
		labelWidth = max(labelWidth, displayWidth(bars[i].label))
	}
	maxAbs := 0.0
	valueWidth := 0
	for _, b := range bars {
		maxAbs = math.Max(maxAbs, math.Abs(b.value))
		valueWidth = max(valueWidth, len(formatReal(b.value)))
	}
	barWidth := max(width-labelWidth-valueWidth-4, 5)
	bw := bufio.NewWriter(w)
	if d.props.title != "" {
		fmt.Fprintln(bw, escapeControls(d.props.title))
	}
	for _, b := range bars {
		cells := 0.0
		if maxAbs > 0 {
			cells = math.Abs(b.value) / maxAbs * float64(barWidth)
		}
		pad := strings.Repeat(" ", labelWidth-displayWidth(b.label))
		drawn := barCells(cells)
		fmt.Fprintf(bw, "%s%s │%s%s %s\n", b.label, pad, drawn, strings.Repeat(" ", barWidth-displayWidth(drawn)), formatReal(b.value))
	}
	if total > len(bars) {
		fmt.Fprintf(bw, "(%d more bars not drawn)\n", total-len(bars))
	}
	return bw.Flush()
}

// barCells draws n cells of bar with eighth-block precision.
func barCells(n float64) string {
	full := int(n)
	rest := int((n - float64(full)) * 8)
	s := strings.Repeat("█", full)
	if rest > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[rest-1])
	}
	return s
}
