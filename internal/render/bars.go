package render

import (
	"fmt"
	"io"
	"math"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// barSeries draws one series of a column chart (vertical) or bar chart (horizontal) as rectangles, side by side
// with the other series or stacked on them. For a horizontal chart go-chart's x axis carries the values and its
// y axis the categories.
type barSeries struct {
	name       string
	color      drawing.Color
	horizontal bool
	index, n   int       // this series' place among n side-by-side series (n is 1 when stacked)
	cats       []float64 // category positions
	base, top  []float64 // value range of each bar
}

func (b barSeries) GetName() string           { return b.name }
func (b barSeries) GetYAxis() chart.YAxisType { return chart.YAxisSecondary }
func (b barSeries) GetStyle() chart.Style {
	return chart.Style{StrokeColor: b.color, FillColor: b.color}
}
func (b barSeries) Validate() error                { return nil }
func (b barSeries) Len() int                       { return len(b.cats) }
func (b barSeries) GetValues(i int) (x, y float64) { return b.cats[i], b.top[i] }

// Render draws the bars; categories sit at whole numbers and each group fills 80% of a category's room.
func (b barSeries) Render(r chart.Renderer, cb chart.Box, xr, yr chart.Range, _ chart.Style) {
	style := chart.Style{FillColor: b.color, StrokeColor: b.color, StrokeWidth: 0.5}
	catRange, valRange := xr, yr
	if b.horizontal {
		catRange, valRange = yr, xr
	}
	slot := math.Abs(float64(catRange.Translate(1) - catRange.Translate(0)))
	group := slot * 0.8
	width := group / float64(b.n)
	for i, c := range b.cats {
		center := float64(catRange.Translate(c))
		from := center - group/2 + float64(b.index)*width
		to := from + math.Max(width-1, 1)
		v0 := float64(valRange.Translate(b.base[i]))
		v1 := float64(valRange.Translate(b.top[i]))
		var box chart.Box
		if b.horizontal {
			box = chart.NewBox(cb.Bottom-int(to), cb.Left+int(math.Min(v0, v1)), cb.Left+int(math.Max(v0, v1)), cb.Bottom-int(from))
		} else {
			box = chart.NewBox(cb.Bottom-int(math.Max(v0, v1)), cb.Left+int(from), cb.Left+int(to), cb.Bottom-int(math.Min(v0, v1)))
		}
		if box.Top == box.Bottom {
			box.Top-- // a zero-height bar still shows as a hairline
		}
		chart.Draw.Box(r, box, style)
	}
}

// drawBars draws column charts, bar charts and pivot charts (as column charts), unstacked, stacked or stacked100.
func drawBars(w io.Writer, d *chartData, rp chart.RendererProvider, opts ChartOptions) error {
	font, err := loadFont()
	if err != nil {
		return err
	}
	horizontal := d.kind == "barchart"
	stacked := d.props.kind == "stacked" || d.props.kind == "stacked100"
	percent := d.props.kind == "stacked100"
	ncat := len(d.categories)
	if d.xKind != xCategory {
		return fmt.Errorf("render %s: the x values of %s are not categories", d.kind, d.xName)
	}
	// Sum each series per category (a category may repeat in the table).
	vals := make([][]float64, len(d.series))
	has := make([][]bool, len(d.series))
	for i, s := range d.series {
		vals[i] = make([]float64, ncat)
		has[i] = make([]bool, ncat)
		for k, x := range s.x {
			vals[i][int(x)] += s.y[k]
			has[i][int(x)] = true
		}
	}
	if percent {
		for c := 0; c < ncat; c++ {
			total := 0.0
			for i := range vals {
				total += math.Abs(vals[i][c])
			}
			for i := range vals {
				if total != 0 {
					vals[i][c] = vals[i][c] / total * 100
				}
			}
		}
	}
	legend := make([]legendEntry, len(d.series))
	for i, s := range d.series {
		legend[i] = legendEntry{s.name, seriesColor(i)}
	}
	c := baseChart(d, opts, font, legend)
	posBase := make([]float64, ncat)
	negBase := make([]float64, ncat)
	minV, maxV := 0.0, 0.0
	for i, s := range d.series {
		bs := barSeries{name: s.name, color: seriesColor(i), horizontal: horizontal, index: i, n: len(d.series)}
		if stacked {
			bs.index, bs.n = 0, 1
		}
		for cat := 0; cat < ncat; cat++ {
			if !has[i][cat] {
				continue
			}
			v := vals[i][cat]
			base := 0.0
			if stacked {
				if v >= 0 {
					base = posBase[cat]
					posBase[cat] += v
				} else {
					base = negBase[cat]
					negBase[cat] += v
				}
			}
			bs.cats = append(bs.cats, float64(cat))
			bs.base = append(bs.base, base)
			bs.top = append(bs.top, base+v)
			minV, maxV = math.Min(minV, base+v), math.Max(maxV, base+v)
		}
		c.Series = append(c.Series, bs)
	}
	plotW := opts.Width - c.Background.Padding.Right - 80
	plotH := opts.Height - c.Background.Padding.Top - 60
	valueAxisLen := plotH
	if horizontal {
		valueAxisLen = plotW
	}
	if d.props.ylog {
		return fmt.Errorf("render %s: yaxis=log is not supported for bars", d.kind)
	}
	vt, err := yTicksFor(d, minV, maxV, valueAxisLen*60/80)
	if err != nil {
		return err
	}
	catTicks := []chart.Tick{{Value: -0.5, Label: noLabel}}
	if horizontal {
		// Categories read top to bottom, so the first category sits at the top of the y axis.
		every := max(1, (ncat*14+plotH-1)/max(plotH, 1))
		for i := ncat - 1; i >= 0; i-- {
			if i%every == 0 {
				catTicks = append(catTicks, chart.Tick{Value: float64(ncat - 1 - i), Label: clip(d.categories[i], 24)})
			}
		}
		catTicks = append(catTicks, chart.Tick{Value: float64(ncat) - 0.5, Label: noLabel})
		for k := range c.Series {
			bs := c.Series[k].(barSeries)
			for j := range bs.cats {
				bs.cats[j] = float64(ncat-1) - bs.cats[j]
			}
		}
		c.XAxis.Ticks = vt
		c.XAxis.GridLines = gridFor(vt)
		c.XAxis.GridMajorStyle = chart.Style{StrokeColor: gridColor, StrokeWidth: 1}
		c.XAxis.GridMinorStyle = c.XAxis.GridMajorStyle
		setYTicks(&c, catTicks, false)
		c.YAxisSecondary.GridLines = nil
		c.XAxis.Name, c.YAxisSecondary.Name = d.props.ytitle, d.props.xtitle
		reserveYName(&c)
	} else {
		c.XAxis.Ticks = categoryTicks(d.categories, -0.5, float64(ncat)-0.5, plotW)
		setYTicks(&c, vt, false)
		alignYLabels(&c, d, rp, font)
	}
	if c.XAxis.Name == "" && !horizontal {
		c.XAxis.Name = d.props.xtitle
	}
	return c.Render(rp, w)
}

func gridFor(ticks []chart.Tick) []chart.GridLine {
	out := make([]chart.GridLine, len(ticks))
	for i, t := range ticks {
		out[i] = chart.GridLine{Value: t.Value}
	}
	return out
}
