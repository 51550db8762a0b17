package render

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"strings"
)

// maxPanels is the most panels ysplit=panels draws, as in Kusto.
const maxPanels = 5

// drawPanels draws ysplit=panels: one chart per measure column, stacked top to bottom, sharing the x axis range.
func drawPanels(w io.Writer, d *chartData, format string, opts ChartOptions) error {
	names := d.yNames
	if len(names) > maxPanels {
		names = names[:maxPanels]
	}
	panelH := opts.Height / len(names)
	if panelH < 120 {
		panelH = 120
	}
	// Two passes: the first measures every panel's y labels and legend, the second draws them aligned.
	layout := &panelLayout{}
	var panels [][]byte
	for pass := 0; pass < 2; pass++ {
		panels = panels[:0]
		for i, y := range names {
			sub := *d
			sub.series, sub.anomalies = nil, nil
			for k, s := range d.series {
				if s.ycol == y {
					sub.series = append(sub.series, s)
					if k < len(d.anomalies) {
						sub.anomalies = append(sub.anomalies, d.anomalies[k])
					}
				}
			}
			sub.yNames = []string{y}
			sub.layout = layout
			sub.props.ysplit = ""
			if i > 0 {
				sub.props.title = ""
			}
			if sub.props.ytitle == "" {
				sub.props.ytitle = y
			}
			var b bytes.Buffer
			popts := ChartOptions{Width: opts.Width, Height: panelH}
			var err error
			if len(sub.series) == 0 {
				return fmt.Errorf("render %s: ysplit=panels: column %s has no values to draw", d.kind, y)
			}
			switch d.kind {
			case "columnchart", "barchart", "pivotchart":
				err = drawBars(&b, &sub, providerFor(format), popts)
			default:
				err = drawXY(&b, &sub, providerFor(format), popts)
			}
			if err != nil {
				return err
			}
			panels = append(panels, b.Bytes())
		}
	}
	total := panelH * len(panels)
	if format == FormatPNG {
		canvas := image.NewRGBA(image.Rect(0, 0, opts.Width, total))
		for i, p := range panels {
			img, err := png.Decode(bytes.NewReader(p))
			if err != nil {
				return err
			}
			draw.Draw(canvas, image.Rect(0, i*panelH, opts.Width, (i+1)*panelH), img, image.Point{}, draw.Src)
		}
		return png.Encode(w, canvas)
	}
	// SVG: each panel is a nested <svg> placed at its offset.
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 %d %d">`, opts.Width, total)
	for i, p := range panels {
		inner := strings.Replace(string(p), "<svg ", fmt.Sprintf(`<svg x="0" y="%d" width="%d" height="%d" `, i*panelH, opts.Width, panelH), 1)
		b.WriteString(inner)
	}
	b.WriteString("</svg>")
	_, err := io.WriteString(w, b.String())
	return err
}
