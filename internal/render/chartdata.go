package render

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// xKind says how a chart's x values are read.
type xKind int

const (
	xTime     xKind = iota // seconds since the Unix epoch, drawn as UTC dates
	xNumber                // plain numbers
	xCategory              // index into chartData.categories
)

// chartSeries is one line (or one set of bars) of a chart. Points whose y is null are left out.
type chartSeries struct {
	name string
	ycol string // the measure column the points come from
	x    []float64
	y    []float64
}

// chartData is a table mapped onto the render operator's data model: one x axis and named series of points.
type chartData struct {
	kind       string
	props      chartProps
	xKind      xKind
	xName      string
	yNames     []string
	categories []string
	series     []chartSeries
	// anomalies are the points an anomalychart marks, one list per series, aligned with series.
	anomalies []chartSeries
	// layout, when set, aligns the plot areas of stacked panels (ysplit=panels).
	layout *panelLayout
}

// panelLayout collects the widest y labels and legend over a set of panels, so that every panel can reserve
// the same room and their plots line up.
type panelLayout struct {
	labelWidth, legendWidth int
}

// chartProps are the render operator's `with (...)` properties that shape the drawing.
type chartProps struct {
	title, xtitle, ytitle string
	xcolumn               string
	ycolumns, series      []string
	anomalyColumns        []string
	legendHidden          bool
	kind                  string // default, unstacked, stacked, stacked100
	accumulate            bool
	ymin, ymax            float64 // NaN when not given
	xlog, ylog            bool
	ysplit                string // none, axes or panels
}

// supportedKinds are the visualizations Chart draws.
var supportedKinds = map[string]bool{
	"timechart": true, "linechart": true, "areachart": true, "stackedareachart": true, "columnchart": true,
	"barchart": true, "piechart": true, "scatterchart": true, "anomalychart": true, "ladderchart": true,
	"pivotchart": true, "card": true, "table": true,
}

// chartKind validates a visualization's kind and returns it lower-cased.
func chartKind(vis *types.Visualization) (string, error) {
	if vis == nil || vis.Kind == "" {
		return "", fmt.Errorf("the query has no render operator, so there is no chart to draw")
	}
	kind := strings.ToLower(vis.Kind)
	if !supportedKinds[kind] {
		known := make([]string, 0, len(supportedKinds))
		for k := range supportedKinds {
			known = append(known, k)
		}
		sort.Strings(known)
		return "", fmt.Errorf("cannot draw render kind %q (supported: %s)", vis.Kind, strings.Join(known, ", "))
	}
	return kind, nil
}

// unquoteProp removes the quotes of a string literal written as a property value ("x", 'x', @"x").
func unquoteProp(v string) string {
	v = strings.TrimSpace(v)
	verbatim := strings.HasPrefix(v, "@")
	if verbatim {
		v = v[1:]
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		if verbatim {
			q := string(v[0])
			return strings.ReplaceAll(v[1:len(v)-1], q+q, q)
		}
		if v[0] == '"' {
			if s, err := strconv.Unquote(v); err == nil {
				return s
			}
		}
		return v[1 : len(v)-1]
	}
	return v
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = unquoteProp(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseProps(vis *types.Visualization) (chartProps, error) {
	p := chartProps{ymin: math.NaN(), ymax: math.NaN()}
	if vis == nil {
		return p, nil
	}
	for name, raw := range vis.Properties {
		val := unquoteProp(raw)
		switch strings.ToLower(name) {
		case "title":
			p.title = val
		case "xtitle":
			p.xtitle = val
		case "ytitle":
			p.ytitle = val
		case "xcolumn":
			p.xcolumn = val
		case "ycolumns":
			p.ycolumns = splitList(raw)
		case "series":
			p.series = splitList(raw)
		case "anomalycolumns":
			p.anomalyColumns = splitList(raw)
		case "legend":
			switch strings.ToLower(val) {
			case "hidden":
				p.legendHidden = true
			case "visible", "":
			default:
				return p, fmt.Errorf("render property legend=%s: want visible or hidden", val)
			}
		case "kind":
			switch k := strings.ToLower(val); k {
			case "default", "unstacked", "stacked", "stacked100", "map":
				p.kind = k
			default:
				return p, fmt.Errorf("render property kind=%s: want default, unstacked, stacked or stacked100", val)
			}
		case "accumulate":
			b, err := strconv.ParseBool(strings.ToLower(val))
			if err != nil {
				return p, fmt.Errorf("render property accumulate=%s: want true or false", val)
			}
			p.accumulate = b
		case "ymin", "ymax":
			f, err := strconv.ParseFloat(val, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return p, fmt.Errorf("render property %s=%s: want a number", name, val)
			}
			if strings.EqualFold(name, "ymin") {
				p.ymin = f
			} else {
				p.ymax = f
			}
		case "xaxis", "yaxis":
			var isLog bool
			switch strings.ToLower(val) {
			case "log":
				isLog = true
			case "linear", "":
			default:
				return p, fmt.Errorf("render property %s=%s: want linear or log", name, val)
			}
			if strings.EqualFold(name, "xaxis") {
				p.xlog = isLog
			} else {
				p.ylog = isLog
			}
		case "ysplit":
			switch v := strings.ToLower(val); v {
			case "none", "axes", "panels", "":
				p.ysplit = v
			default:
				return p, fmt.Errorf("render property ysplit=%s: want none, axes or panels", val)
			}
		}
		// Other documented properties do not change what this renderer draws.
	}
	return p, nil
}

func isNumericType(t types.Type) bool { return t.IsNumeric() }

// numberAt returns row i of a numeric column as a float; ok is false for null.
func numberAt(c *types.Column, i int) (float64, bool) {
	if c.IsNull(i) {
		return 0, false
	}
	if c.Type.Physical() == types.PhysReal {
		return c.Reals[i], true
	}
	return float64(c.Ints[i]), true
}

// ticksToSeconds converts datetime ticks to seconds since the Unix epoch, the x unit of time axes.
func ticksToSeconds(ticks int64) float64 {
	return float64(ticks-types.UnixEpochTicks) / float64(types.TicksPerSecond)
}

// secondsToTime is the inverse of ticksToSeconds, rounded to the millisecond.
func secondsToTime(s float64) time.Time {
	return time.UnixMilli(int64(math.Round(s * 1000))).UTC()
}

// dynTime reads a datetime held in a dynamic array: a typed datetime or an ISO 8601 string.
func dynTime(v any) (float64, bool) {
	switch t := v.(type) {
	case types.DynDateTime:
		return ticksToSeconds(int64(t)), true
	case string:
		if ticks, ok := types.ParseDateTime(t); ok && strings.ContainsAny(t, "-") {
			return ticksToSeconds(ticks), true
		}
	}
	return 0, false
}

// dynNumber reads a number held in a dynamic array.
func dynNumber(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case int:
		return float64(t), true
	case float64:
		return t, true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// arrayColumnKind classifies a dynamic column by the elements of its first non-empty array:
// "time" for datetimes, "number" for numbers, "" when it holds no arrays of either.
func arrayColumnKind(c *types.Column) string {
	for i := 0; i < len(c.Dyns); i++ {
		arr, ok := c.Dyns[i].([]any)
		if !ok {
			if c.Dyns[i] != nil {
				return ""
			}
			continue
		}
		for _, e := range arr {
			if e == nil {
				continue
			}
			if _, ok := dynTime(e); ok {
				return "time"
			}
			if _, ok := dynNumber(e); ok {
				return "number"
			}
			return ""
		}
	}
	return ""
}

// maxSeries bounds how many series a chart draws; past it the rest are dropped with the legend saying so.
const maxSeries = 400

// mapTable maps t onto the chart data model for the given kind.
func mapTable(t *types.Table, kind string, props chartProps) (*chartData, error) {
	d := &chartData{kind: kind, props: props}
	for _, name := range append(append(append([]string{props.xcolumn}, props.ycolumns...), props.series...), props.anomalyColumns...) {
		if name != "" && t.ColumnIndex(name) < 0 {
			return nil, fmt.Errorf("render %s: the result has no column %q (columns: %s)", kind, name, columnList(t))
		}
	}
	if len(t.Fields) == 0 {
		return nil, fmt.Errorf("render %s: the result has no columns", kind)
	}
	if seriesShaped(t, props) {
		return d, d.mapArrays(t)
	}
	return d, d.mapRows(t)
}

func columnList(t *types.Table) string {
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// seriesShaped reports whether t looks like make-series output: the x column (given or found) holds arrays.
// A column of datetime arrays makes it so; otherwise numeric arrays do when no scalar datetime or measure
// column is there to be the axis.
func seriesShaped(t *types.Table, props chartProps) bool {
	if props.xcolumn != "" {
		c := t.Cols[t.ColumnIndex(props.xcolumn)]
		return c.Type == types.Dynamic && arrayColumnKind(c) != ""
	}
	hasArrays, hasScalar := false, false
	for i, f := range t.Fields {
		switch {
		case f.Type == types.Dynamic:
			switch arrayColumnKind(t.Cols[i]) {
			case "time":
				return true
			case "number":
				hasArrays = true
			}
		case f.Type == types.DateTime, isNumericType(f.Type):
			if len(props.ycolumns) == 0 || contains(props.ycolumns, f.Name) {
				hasScalar = true
			}
		}
	}
	return hasArrays && !hasScalar
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// mapArrays reads make-series output: the x column holds an array of x values per row, and each numeric-array
// column holds the y values of one series per row.
func (d *chartData) mapArrays(t *types.Table) error {
	xi := -1
	if d.props.xcolumn != "" {
		xi = t.ColumnIndex(d.props.xcolumn)
	} else {
		// The axis of make-series holds datetimes; without one, the last array column is the axis
		// (make-series puts its axis column last).
		for i, f := range t.Fields {
			if f.Type == types.Dynamic && arrayColumnKind(t.Cols[i]) == "time" {
				xi = i
				break
			}
		}
		if xi < 0 {
			for i := len(t.Fields) - 1; i >= 0; i-- {
				if t.Fields[i].Type == types.Dynamic && arrayColumnKind(t.Cols[i]) == "number" {
					xi = i
					break
				}
			}
		}
	}
	xc := t.Cols[xi]
	d.xName = t.Fields[xi].Name
	d.xKind = xNumber
	if arrayColumnKind(xc) == "time" {
		d.xKind = xTime
	}
	if d.kind == "timechart" || d.kind == "anomalychart" {
		if d.xKind != xTime {
			return fmt.Errorf("render %s: the x column %s holds numbers, not datetimes", d.kind, d.xName)
		}
	}
	var ycols, scols []int
	for i, f := range t.Fields {
		if i == xi {
			continue
		}
		isY := f.Type == types.Dynamic && arrayColumnKind(t.Cols[i]) == "number"
		switch {
		case contains(d.props.anomalyColumns, f.Name):
		case len(d.props.ycolumns) > 0:
			if contains(d.props.ycolumns, f.Name) {
				if !isY {
					return fmt.Errorf("render %s: ycolumn %s does not hold numeric arrays like the x column %s", d.kind, f.Name, d.xName)
				}
				ycols = append(ycols, i)
			}
		case isY:
			if d.kind == "anomalychart" && len(d.props.anomalyColumns) == 0 && strings.Contains(strings.ToLower(f.Name), "anomal") {
				d.props.anomalyColumns = append(d.props.anomalyColumns, f.Name)
				continue
			}
			ycols = append(ycols, i)
		}
		if len(d.props.series) > 0 {
			if contains(d.props.series, f.Name) {
				scols = append(scols, i)
			}
		} else if f.Type != types.Dynamic {
			// make-series' by columns (of any type) name each row's series.
			scols = append(scols, i)
		}
	}
	ycols = orderLike(t, ycols, d.props.ycolumns)
	if len(ycols) == 0 {
		return fmt.Errorf("render %s: no column holds numeric arrays to draw against %s", d.kind, d.xName)
	}
	for _, yi := range ycols {
		d.yNames = append(d.yNames, t.Fields[yi].Name)
	}
	var acols []int
	for _, name := range d.props.anomalyColumns {
		if i := t.ColumnIndex(name); t.Fields[i].Type == types.Dynamic {
			acols = append(acols, i)
		}
	}
	n := t.NumRows()
	for r := 0; r < n; r++ {
		xs, _ := xc.Dyns[r].([]any)
		key := seriesKey(t, scols, r)
		for yk, yi := range ycols {
			name := t.Fields[yi].Name
			if key != "" {
				name = key + ":" + name
			}
			s := chartSeries{name: name, ycol: t.Fields[yi].Name}
			ys, _ := t.Cols[yi].Dyns[r].([]any)
			var marks chartSeries
			for k := 0; k < len(xs) && k < len(ys); k++ {
				x, okx := d.arrayX(xs[k])
				y, oky := dynNumber(ys[k])
				if !okx || !oky || math.IsNaN(y) || math.IsInf(y, 0) {
					continue
				}
				s.x = append(s.x, x)
				s.y = append(s.y, y)
				// Anomalies mark the first measure (the observed values), not baselines drawn beside it.
				for _, ai := range acols[:len(acols)*boolInt(yk == 0)] {
					as, _ := t.Cols[ai].Dyns[r].([]any)
					if k < len(as) {
						if a, ok := dynNumber(as[k]); ok && a != 0 {
							marks.x = append(marks.x, x)
							marks.y = append(marks.y, y)
							break
						}
					}
				}
			}
			d.addSeries(s, marks)
		}
	}
	switch d.kind {
	case "columnchart", "barchart", "piechart", "pivotchart":
		// These kinds draw one bar or slice per x value, so the bins become categories, as mapRows makes them.
		d.toCategories()
	}
	d.finish()
	return nil
}

// toCategories turns the continuous x values of every series into categories, one per distinct value in
// ascending order, labelled as the axis would label them.
func (d *chartData) toCategories() {
	if d.xKind == xCategory {
		return
	}
	seen := map[float64]bool{}
	var xs []float64
	for _, s := range d.series {
		for _, x := range s.x {
			if !seen[x] {
				seen[x] = true
				xs = append(xs, x)
			}
		}
	}
	sort.Float64s(xs)
	index := make(map[float64]int, len(xs))
	d.categories = make([]string, len(xs))
	for i, x := range xs {
		index[x] = i
		if d.xKind == xTime {
			d.categories[i] = formatTimeLabel(secondsToTime(x), 0)
		} else {
			d.categories[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	remap := func(s *chartSeries) {
		for k, x := range s.x {
			s.x[k] = float64(index[x])
		}
	}
	for i := range d.series {
		sortPoints(&d.series[i])
		remap(&d.series[i])
	}
	for i := range d.anomalies {
		sortPoints(&d.anomalies[i])
		remap(&d.anomalies[i]) // anomalies mark points of the series, so their x values are categories too
	}
	d.xKind = xCategory
}

func (d *chartData) arrayX(v any) (float64, bool) {
	if d.xKind == xTime {
		return dynTime(v)
	}
	return dynNumber(v)
}

func (d *chartData) addSeries(s, marks chartSeries) {
	if len(d.series) >= maxSeries {
		return
	}
	marks.name = s.name + " anomalies"
	d.series = append(d.series, s)
	d.anomalies = append(d.anomalies, marks)
}

// orderLike puts column indexes in the order the property listed them (the table's order otherwise).
func orderLike(t *types.Table, idx []int, names []string) []int {
	if len(names) == 0 {
		return idx
	}
	out := make([]int, 0, len(idx))
	for _, n := range names {
		if i := t.ColumnIndex(n); i >= 0 && containsInt(idx, i) {
			out = append(out, i)
		}
	}
	return out
}

func containsInt(list []int, v int) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

func seriesKey(t *types.Table, scols []int, r int) string {
	if len(scols) == 0 {
		return ""
	}
	parts := make([]string, len(scols))
	for k, ci := range scols {
		parts[k] = CellText(t.Cols[ci], r)
	}
	return strings.Join(parts, ", ")
}

// xColumn picks the x column of a row-per-point table.
func (d *chartData) xColumn(t *types.Table) (int, error) {
	if d.props.xcolumn != "" {
		return t.ColumnIndex(d.props.xcolumn), nil
	}
	switch d.kind {
	case "timechart", "anomalychart":
		for i, f := range t.Fields {
			if f.Type == types.DateTime {
				return i, nil
			}
		}
		return -1, fmt.Errorf("render %s: the result has no datetime column for the x axis (columns: %s)", d.kind, columnList(t))
	case "piechart", "columnchart", "barchart", "pivotchart":
		// The first column that is not a measure names the slices or bars.
		for i, f := range t.Fields {
			if !isNumericType(f.Type) && !contains(d.props.ycolumns, f.Name) {
				return i, nil
			}
		}
	}
	return 0, nil
}

// mapRows reads a table with one point per row: the x column, numeric y columns, and series columns whose
// combined values split rows into series.
func (d *chartData) mapRows(t *types.Table) error {
	for _, name := range d.props.ycolumns {
		if f := t.Fields[t.ColumnIndex(name)]; !isNumericType(f.Type) {
			return fmt.Errorf("render %s: ycolumn %s is %s, not numeric", d.kind, f.Name, f.Type)
		}
	}
	xi, err := d.xColumn(t)
	if err != nil {
		return err
	}
	xf := t.Fields[xi]
	d.xName = xf.Name
	switch {
	case d.kind == "columnchart" || d.kind == "barchart" || d.kind == "piechart" || d.kind == "pivotchart":
		d.xKind = xCategory
	case xf.Type == types.DateTime:
		d.xKind = xTime
	case isNumericType(xf.Type):
		d.xKind = xNumber
	case d.kind == "scatterchart":
		return fmt.Errorf("render scatterchart: the x column %s is %s, not a number or datetime", xf.Name, xf.Type)
	default:
		d.xKind = xCategory
	}
	if d.kind == "piechart" && xi == 0 && isNumericType(xf.Type) && len(t.Fields) == 1 {
		return fmt.Errorf("render piechart: needs a column that names the slices besides the numbers")
	}
	var ycols, scols []int
	for i, f := range t.Fields {
		if i == xi || contains(d.props.anomalyColumns, f.Name) {
			continue
		}
		switch {
		case len(d.props.ycolumns) > 0:
			if contains(d.props.ycolumns, f.Name) {
				if !isNumericType(f.Type) {
					return fmt.Errorf("render %s: ycolumn %s is %s, not numeric", d.kind, f.Name, f.Type)
				}
				ycols = append(ycols, i)
			}
		case isNumericType(f.Type):
			if d.kind == "anomalychart" && len(d.props.anomalyColumns) == 0 && strings.Contains(strings.ToLower(f.Name), "anomal") {
				d.props.anomalyColumns = append(d.props.anomalyColumns, f.Name)
				continue
			}
			ycols = append(ycols, i)
		}
		if len(d.props.series) > 0 {
			if contains(d.props.series, f.Name) {
				scols = append(scols, i)
			}
		} else if !isNumericType(f.Type) && f.Type != types.DateTime && f.Type != types.Dynamic && f.Type != types.TimeSpan {
			scols = append(scols, i)
		}
	}
	ycols = orderLike(t, ycols, d.props.ycolumns)
	if d.kind == "piechart" && len(ycols) > 1 {
		ycols = ycols[:1] // a pie has one measure: the first numeric column
	}
	if len(ycols) == 0 {
		return fmt.Errorf("render %s: the result has no numeric column to draw (columns: %s)", d.kind, describeColumns(t))
	}
	for _, yi := range ycols {
		d.yNames = append(d.yNames, t.Fields[yi].Name)
	}
	var acols []int
	for _, name := range d.props.anomalyColumns {
		if i := t.ColumnIndex(name); isNumericType(t.Fields[i].Type) || t.Fields[i].Type == types.Bool {
			acols = append(acols, i)
		}
	}
	catIndex := map[string]int{}
	type groupKey struct {
		key string
		y   int
	}
	groups := map[groupKey]int{}
	var marks []chartSeries
	n := t.NumRows()
	for r := 0; r < n; r++ {
		var x float64
		xc := t.Cols[xi]
		switch d.xKind {
		case xCategory:
			label := categoryLabel(xc, r)
			idx, ok := catIndex[label]
			if !ok {
				idx = len(d.categories)
				catIndex[label] = idx
				d.categories = append(d.categories, label)
			}
			x = float64(idx)
		case xTime:
			if xc.IsNull(r) {
				continue
			}
			x = ticksToSeconds(xc.Ints[r])
		case xNumber:
			v, ok := numberAt(xc, r)
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			x = v
		}
		key := seriesKey(t, scols, r)
		for yk, yi := range ycols {
			y, ok := numberAt(t.Cols[yi], r)
			if !ok || math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			gk := groupKey{key, yi}
			si, seen := groups[gk]
			if !seen {
				if len(d.series) >= maxSeries {
					continue
				}
				name := t.Fields[yi].Name
				switch {
				case key != "" && len(ycols) > 1:
					name = key + ":" + name
				case key != "":
					name = key
				}
				si = len(d.series)
				groups[gk] = si
				d.series = append(d.series, chartSeries{name: name, ycol: t.Fields[yi].Name})
				marks = append(marks, chartSeries{name: name + " anomalies"})
			}
			s := &d.series[si]
			s.x = append(s.x, x)
			s.y = append(s.y, y)
			for _, ai := range acols[:len(acols)*boolInt(yk == 0)] {
				if a, ok := numberAt(t.Cols[ai], r); ok && a != 0 {
					marks[si].x = append(marks[si].x, x)
					marks[si].y = append(marks[si].y, y)
					break
				}
			}
		}
	}
	d.anomalies = marks
	d.finish()
	return nil
}

func describeColumns(t *types.Table) string {
	parts := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		parts[i] = f.Name + ":" + f.Type.String()
	}
	return strings.Join(parts, ", ")
}

// categoryLabel is the text a category axis shows for row r of c.
func categoryLabel(c *types.Column, r int) string {
	if c.Type == types.DateTime && !c.IsNull(r) {
		return formatTimeLabel(secondsToTime(ticksToSeconds(c.Ints[r])), 0)
	}
	s := CellText(c, r)
	if s == "" {
		return "(empty)"
	}
	return s
}

// finish sorts points along continuous x axes and applies accumulate.
func (d *chartData) finish() {
	for i := range d.series {
		s := &d.series[i]
		if d.xKind != xCategory {
			sortPoints(s)
			if i < len(d.anomalies) {
				sortPoints(&d.anomalies[i])
			}
		}
		if d.props.accumulate {
			sum := 0.0
			for k := range s.y {
				sum += s.y[k]
				s.y[k] = sum
			}
		}
	}
}

func sortPoints(s *chartSeries) {
	idx := make([]int, len(s.x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.x[idx[a]] < s.x[idx[b]] })
	xs := make([]float64, len(idx))
	ys := make([]float64, len(idx))
	for k, i := range idx {
		xs[k], ys[k] = s.x[i], s.y[i]
	}
	s.x, s.y = xs, ys
}

// pointCount returns the number of points over all series.
func (d *chartData) pointCount() int {
	n := 0
	for _, s := range d.series {
		n += len(s.x)
	}
	return n
}
