package render

import (
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// safeText wraps a go-chart renderer so that every text it draws is safe: control characters and invalid UTF-8
// escaped, and, for SVG, XML special characters escaped too (go-chart writes SVG text as given).
type safeText struct {
	chart.Renderer
	xml bool
}

func (s safeText) Text(body string, x, y int) {
	body = escapeControls(body)
	if s.xml {
		body = html.EscapeString(body)
	}
	s.Renderer.Text(body, x, y)
}

// MeasureText measures body; text without glyph outlines (blank) measures as empty instead of the
// overflowing box go-chart's PNG renderer returns for it.
func (s safeText) MeasureText(body string) chart.Box {
	if strings.TrimSpace(body) == "" {
		return chart.Box{}
	}
	b := s.Renderer.MeasureText(escapeControls(body))
	if b.Right < b.Left || b.Bottom < b.Top {
		return chart.Box{}
	}
	return b
}

// safeProvider returns rp wrapped so that its renderers draw text safely.
func safeProvider(rp chart.RendererProvider, xml bool) chart.RendererProvider {
	return func(w, h int) (chart.Renderer, error) {
		r, err := rp(w, h)
		if err != nil {
			return nil, err
		}
		return safeText{Renderer: r, xml: xml}, nil
	}
}

// drawPie draws a pie chart: one slice per category of the first measure, largest first, small slices merged
// into "Other" past 12, with a legend of names and percentages.
func drawPie(w io.Writer, d *chartData, rp chart.RendererProvider, opts ChartOptions) error {
	font, err := loadFont()
	if err != nil {
		return err
	}
	if d.xKind != xCategory {
		return fmt.Errorf("render piechart: the x values of %s are not categories", d.xName)
	}
	sums := make([]float64, len(d.categories))
	for _, s := range d.series {
		for k, x := range s.x {
			sums[int(x)] += s.y[k]
		}
	}
	type slice struct {
		label string
		value float64
	}
	var slices []slice
	total := 0.0
	for i, v := range sums {
		if v > 0 {
			slices = append(slices, slice{d.categories[i], v})
			total += v
		}
	}
	if total == 0 {
		return fmt.Errorf("render piechart: every value of %s is zero, negative or null", strings.Join(d.yNames, ", "))
	}
	sort.SliceStable(slices, func(a, b int) bool { return slices[a].value > slices[b].value })
	const maxSlices = 12
	if len(slices) > maxSlices {
		other := 0.0
		for _, s := range slices[maxSlices-1:] {
			other += s.value
		}
		slices = append(slices[:maxSlices-1], slice{"Other", other})
	}
	legend := make([]legendEntry, len(slices))
	values := make([]chart.Value, len(slices))
	for i, s := range slices {
		pct := s.value / total * 100
		legend[i] = legendEntry{fmt.Sprintf("%s (%.1f%%)", clip(s.label, legendMaxChars-9), pct), seriesColor(i)}
		label := ""
		if pct >= 5 {
			label = clip(s.label, 16)
		}
		values[i] = chart.Value{Label: label, Value: s.value, Style: chart.Style{FillColor: seriesColor(i), StrokeColor: chart.ColorWhite, StrokeWidth: 1, FontColor: chart.ColorWhite, FontSize: 9}}
	}
	lw := legendWidth(legend, d.props.legendHidden, opts.Width)
	pc := chart.PieChart{
		Title: d.props.title, Width: opts.Width, Height: opts.Height, Font: font, Values: values,
		TitleStyle: chart.Style{FontSize: 13, FontColor: textColor, Hidden: d.props.title == ""},
		Background: chart.Style{Padding: chart.Box{Top: 20 + boolInt(d.props.title != "")*24, Left: 20, Right: 20 + lw, Bottom: 20}},
	}
	if lw > 0 {
		pc.Elements = []chart.Renderable{drawLegend(legend, font, opts.Width-lw+4)}
	}
	return pc.Render(rp, w)
}

// canvasFor starts a blank drawing with a title, for the kinds go-chart has no chart type for.
func canvasFor(rp chart.RendererProvider, opts ChartOptions, title string) (chart.Renderer, *truetype.Font, int, error) {
	font, err := loadFont()
	if err != nil {
		return nil, nil, 0, err
	}
	r, err := rp(opts.Width, opts.Height)
	if err != nil {
		return nil, nil, 0, err
	}
	r.SetDPI(chart.DefaultDPI)
	chart.Draw.Box(r, chart.NewBox(0, 0, opts.Width, opts.Height), chart.Style{FillColor: chart.ColorWhite, StrokeColor: chart.ColorWhite, StrokeWidth: 0})
	top := 16
	if title != "" {
		r.SetFont(font)
		r.SetFontSize(13)
		r.SetFontColor(textColor)
		tb := r.MeasureText(title)
		r.Text(title, (opts.Width-tb.Width())/2, 28)
		top = 48
	}
	return r, font, top, nil
}

// drawCard draws the first record as a card: the first value large, the other columns as name: value lines.
func drawCard(w io.Writer, t *types.Table, props chartProps, rp chart.RendererProvider, opts ChartOptions) error {
	if len(t.Fields) == 0 {
		return fmt.Errorf("render card: the result has no columns")
	}
	if t.NumRows() == 0 {
		return fmt.Errorf("render card: the result has no rows; a card shows the first record")
	}
	r, font, top, err := canvasFor(rp, opts, props.title)
	if err != nil {
		return err
	}
	main := clip(cardValue(t.Cols[0], 0), 40)
	r.SetFont(font)
	size := math.Min(float64(opts.Height)/5, 64)
	r.SetFontSize(size)
	r.SetFontColor(seriesColor(0))
	mb := r.MeasureText(main)
	y := top + (opts.Height-top)/2
	r.Text(main, max(10, (opts.Width-mb.Width())/2), y)
	r.SetFontSize(12)
	r.SetFontColor(axisColor)
	nb := r.MeasureText(clip(t.Fields[0].Name, 60))
	r.Text(clip(t.Fields[0].Name, 60), max(10, (opts.Width-nb.Width())/2), y+24)
	y += 54
	for i := 1; i < len(t.Fields) && y < opts.Height-10; i++ {
		line := clip(t.Fields[i].Name+": "+cardValue(t.Cols[i], 0), 80)
		lb := r.MeasureText(line)
		r.Text(line, max(10, (opts.Width-lb.Width())/2), y)
		y += 18
	}
	return r.Save(w)
}

// cardValue prints a card's value; large numbers are shortened as Kusto's cards do (12.3K).
func cardValue(c *types.Column, i int) string {
	if c.Type.IsNumeric() && !c.IsNull(i) {
		v, _ := numberAt(c, i)
		if math.Abs(v) >= 1e4 && !math.IsInf(v, 0) {
			return formatNumber(v, math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-3))
		}
	}
	return CellText(c, i)
}

// tableImageRows is how many rows the table visualization draws.
const tableImageRows = 30

// drawTableImage draws the table visualization: the first rows of the result as a grid of text.
func drawTableImage(w io.Writer, t *types.Table, props chartProps, rp chart.RendererProvider, opts ChartOptions) error {
	if len(t.Fields) == 0 {
		return fmt.Errorf("render table: the result has no columns")
	}
	r, font, top, err := canvasFor(rp, opts, props.title)
	if err != nil {
		return err
	}
	r.SetFont(font)
	r.SetFontSize(9)
	const rowH = 16
	rows := min(t.NumRows(), tableImageRows, max(0, (opts.Height-top-3*rowH)/rowH))
	maxChars := max(4, (opts.Width-20)/len(t.Fields)/6)
	cells := make([][]string, rows+1)
	cells[0] = make([]string, len(t.Fields))
	for ci, f := range t.Fields {
		cells[0][ci] = clip(f.Name, maxChars)
	}
	for ri := 0; ri < rows; ri++ {
		cells[ri+1] = make([]string, len(t.Fields))
		for ci, c := range t.Cols {
			cells[ri+1][ci] = clip(CellText(c, ri), maxChars)
		}
	}
	widths := make([]int, len(t.Fields))
	for _, row := range cells {
		for ci, s := range row {
			widths[ci] = max(widths[ci], r.MeasureText(s).Width()+12)
		}
	}
	y := top + rowH
	for ri, row := range cells {
		x := 10
		// Drawing a box resets the renderer's text style, so set it for every row.
		r.SetFont(font)
		r.SetFontSize(9)
		if ri == 0 {
			r.SetFontColor(textColor)
		} else {
			r.SetFontColor(axisColor)
		}
		for ci, s := range row {
			if x >= opts.Width {
				break
			}
			r.Text(s, x, y)
			x += widths[ci]
		}
		if ri == 0 {
			chart.Draw.Box(r, chart.NewBox(y+4, 10, min(x, opts.Width-10), y+5), chart.Style{FillColor: gridColor, StrokeColor: gridColor, StrokeWidth: 0})
		}
		y += rowH
	}
	r.SetFont(font)
	r.SetFontSize(9)
	r.SetFontColor(axisColor)
	r.Text(fmt.Sprintf("%d of %d rows", rows, t.NumRows()), 10, y+4)
	return r.Save(w)
}

// drawLadder draws a ladder chart: the last two columns are each row's start and end on the time axis, and the
// other columns name the row; each row is a horizontal bar from start to end.
func drawLadder(w io.Writer, t *types.Table, props chartProps, rp chart.RendererProvider, opts ChartOptions) error {
	nf := len(t.Fields)
	if nf < 2 {
		return fmt.Errorf("render ladderchart: needs at least two columns (start and end), got %d", nf)
	}
	sf, ef := t.Fields[nf-2], t.Fields[nf-1]
	if (sf.Type != types.DateTime && !sf.Type.IsNumeric()) || sf.Type != ef.Type {
		return fmt.Errorf("render ladderchart: the last two columns must both be datetime or numeric (start, end); got %s:%s, %s:%s",
			sf.Name, sf.Type, ef.Name, ef.Type)
	}
	d := &chartData{kind: "ladderchart", props: props, xKind: xNumber}
	if sf.Type == types.DateTime {
		d.xKind = xTime
	}
	read := func(c *types.Column, i int) (float64, bool) {
		if c.IsNull(i) {
			return 0, false
		}
		if c.Type == types.DateTime {
			return ticksToSeconds(c.Ints[i]), true
		}
		return numberAt(c, i)
	}
	bs := barSeries{name: sf.Name + " – " + ef.Name, color: seriesColor(0), horizontal: true, n: 1}
	var labels []string
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < t.NumRows() && len(labels) < 200; i++ {
		a, oka := read(t.Cols[nf-2], i)
		b, okb := read(t.Cols[nf-1], i)
		if !oka || !okb {
			continue
		}
		parts := make([]string, 0, nf-2)
		for ci := 0; ci < nf-2; ci++ {
			parts = append(parts, CellText(t.Cols[ci], i))
		}
		labels = append(labels, strings.Join(parts, ", "))
		bs.cats = append(bs.cats, float64(len(labels)-1))
		bs.base = append(bs.base, math.Min(a, b))
		bs.top = append(bs.top, math.Max(a, b))
		lo, hi = math.Min(lo, math.Min(a, b)), math.Max(hi, math.Max(a, b))
	}
	if len(labels) == 0 {
		return fmt.Errorf("render ladderchart: no row has both a start and an end")
	}
	for j := range bs.cats {
		bs.cats[j] = float64(len(labels)-1) - bs.cats[j]
	}
	font, err := loadFont()
	if err != nil {
		return err
	}
	c := baseChart(d, opts, font, nil)
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	plotW := opts.Width - c.Background.Padding.Right - 80
	if d.xKind == xTime {
		c.XAxis.Ticks = timeTicks(lo, hi, max(2, plotW/90))
	} else {
		c.XAxis.Ticks = valueTicks(lo, hi, max(2, plotW/80), false, false)
	}
	c.XAxis.GridLines = gridFor(c.XAxis.Ticks)
	c.XAxis.GridMajorStyle = chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
	c.XAxis.GridMinorStyle = c.XAxis.GridMajorStyle
	yt := []chart.Tick{{Value: -0.5, Label: noLabel}}
	for i := len(labels) - 1; i >= 0; i-- {
		yt = append(yt, chart.Tick{Value: float64(len(labels) - 1 - i), Label: clip(labels[i], 24)})
	}
	yt = append(yt, chart.Tick{Value: float64(len(labels)) - 0.5, Label: noLabel})
	setYTicks(&c, yt, false)
	c.YAxisSecondary.GridLines = nil
	c.Series = []chart.Series{bs}
	return c.Render(rp, w)
}
