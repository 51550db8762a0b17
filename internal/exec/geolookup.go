package exec

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildGeoLookup runs evaluate geo_polygon_lookup/geo_line_lookup: the lookup table's shapes are parsed
// once (rows with an invalid shape never match), then each input point is joined with every shape that
// holds it, or lies within the radius of it.
func (ctx *Context) buildGeoLookup(x *sema.GeoLookup) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		lookup, err := ctx.runToTable(x.Lookup)
		if err != nil {
			return nil, err
		}
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		type entry struct {
			row    int
			shape  kernel.GeoShape
			radius float64
		}
		var shapes []entry
		for r := 0; r < numRows(lookup); r++ {
			key := lookup.Cols[x.Key].Value(r)
			if key.Null {
				continue
			}
			parse := kernel.ParseGeoPolygon
			if x.Lines {
				parse = kernel.ParseGeoLine
			}
			s, ok := parse(key.D)
			if !ok {
				continue
			}
			radius := x.Radius
			if x.RadiusColumn >= 0 {
				v := lookup.Cols[x.RadiusColumn].Value(r)
				if radius, ok = realOf(v); !ok {
					continue
				}
			}
			if x.HasRadius && !(radius >= 0) {
				continue
			}
			shapes = append(shapes, entry{r, s, radius})
		}
		inW := len(x.In.Schema())
		out := types.NewTable(x.Fields)
		row := make([]types.Value, inW+len(x.LookupColumns))
		meter := newWorkMeter(ctx)
		for r := 0; r < numRows(t); r++ {
			if err := meter.add(1 + len(shapes)); err != nil {
				return nil, err
			}
			for c := 0; c < inW; c++ {
				row[c] = t.Cols[c].Value(r)
			}
			lng, okLng := realOf(row[x.Lng])
			lat, okLat := realOf(row[x.Lat])
			valid := okLng && okLat && kernel.GeoPointValid(lng, lat)
			matched := false
			for _, s := range shapes {
				if !valid {
					break
				}
				if !s.shape.Near(lng, lat, s.radius) ||
					x.HasRadius && s.shape.Distance(lng, lat) > s.radius || !x.HasRadius && !s.shape.Contains(lng, lat) {
					continue
				}
				matched = true
				for k, c := range x.LookupColumns {
					row[inW+k] = lookup.Cols[c].Value(s.row)
				}
				out.AppendRow(row)
			}
			if !matched && x.ReturnUnmatched {
				for k, c := range x.LookupColumns {
					row[inW+k] = types.NullOf(x.Lookup.Schema()[c].Type)
				}
				out.AppendRow(row)
			}
		}
		return out, nil
	}}, nil
}

// realOf reads a numeric value as a real; false when it is null, not a number or NaN.
func realOf(v types.Value) (float64, bool) {
	if v.Null {
		return 0, false
	}
	var f float64
	switch v.Type {
	case types.Int, types.Long:
		f = float64(v.I)
	case types.Real, types.Decimal:
		f = v.F
	default:
		return 0, false
	}
	return f, !math.IsNaN(f)
}
