package kernel

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// fuzzShapes decodes bytes into two GeoJSON polygons (rings of up to 12 vertices, three bytes a vertex) and a
// line. Coordinates come from a few bytes so that vertices coincide, edges overlap, rings cross themselves and
// reach the poles and the antimeridian; a zoom byte picks a scale from whole-globe to sub-millimetre.
func fuzzShapes(data []byte) (a, b, line string) {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		c := data[0]
		data = data[1:]
		return c
	}
	scales := []float64{90, 10, 1, 1e-3, 1e-6, 1e-9}
	ring := func() string {
		n := int(next()%12) + 1
		scale := scales[int(next())%len(scales)]
		lng0, lat0 := float64(int8(next()))*180/128, float64(int8(next()))*90/128
		pts := make([]string, 0, n+1)
		for range n {
			lng := lng0 + float64(int8(next())%16)*scale
			lat := lat0 + float64(int8(next())%16)*scale/2
			if c := next(); c%7 == 0 {
				lng = 180
			} else if c%11 == 0 {
				lat = 90
			}
			pts = append(pts, fmt.Sprintf("[%g,%g]", lng, lat))
		}
		closed := append(pts, pts[0])
		return "[" + strings.Join(closed, ",") + "]"
	}
	a = `{"type":"Polygon","coordinates":[` + ring() + `]}`
	b = `{"type":"MultiPolygon","coordinates":[[` + ring() + `],[` + ring() + `]]}`
	line = `{"type":"LineString","coordinates":` + ring() + `}`
	return a, b, line
}

// FuzzGeoOverlay runs the polygon overlay, buffer, simplify and measure functions over fuzzed shapes: they may
// give null, but must not panic and must finish each call quickly (the inputs are small).
func FuzzGeoOverlay(f *testing.F) {
	for _, s := range []string{
		"",
		"\x04\x02\x00\x00\x00\x00\x01\x10\x00\x02\x10\x10\x03\x00\x10\x04",
		"\x05\x00\x7f\x7f\x01\x01\x07\xff\xff\x07\x00\x00\x0b\x01\xff\x0b\x05\x05\x01",
		"\x0b\x05\x00\x00\x00\x00\x01\x00\x00\x01\x00\x00\x01\x00\x00\x01\x00\x00\x01",
		"\x03\x03\xc0\x40\x0f\x0f\x01\xf1\xf1\x02\x0f\xf1\x03\x02\x02\x80\x80\x01\x02\x03\x04\x05\x06",
		"\x08\x01\x01\x01\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18",
	} {
		f.Add([]byte(s), 100.0)
	}
	f.Fuzz(func(t *testing.T, data []byte, radius float64) {
		ja, jb, jl := fuzzShapes(data)
		a, b, line := J(ja), J(jb), J(jl)
		calls := []struct {
			fn   string
			args []types.Value
		}{
			{"geo_union_polygons_array", args(types.NewDynamic([]any{a.D, b.D}))},
			{"geo_intersection_2polygons", args(a, b)},
			{"geo_intersection_2polygons", args(b, a)},
			{"geo_simplify_polygons_array", args(types.NewDynamic([]any{a.D, b.D}), R(radius))},
			{"geo_polygon_simplify", args(b, R(radius))},
			{"geo_line_simplify", args(line, R(radius))},
			{"geo_polygon_area", args(b)},
			{"geo_polygon_perimeter", args(b)},
			{"geo_polygon_centroid", args(b)},
			{"geo_point_buffer", args(R(float64(len(data))), R(radius), R(radius))},
			{"geo_line_buffer", args(line, R(radius), R(radius/4))},
			{"geo_polygon_buffer", args(a, R(radius), R(radius/4))},
		}
		// The lookup plugins' shapes: the bounding cap may only reject points that are surely far.
		lng, lat := radius, float64(len(data))-90
		if GeoPointValid(lng, lat) {
			if poly, ok := ParseGeoPolygon(b.D); ok && poly.Contains(lng, lat) {
				if !poly.Near(lng, lat, 0) || poly.Distance(lng, lat) != 0 {
					t.Fatalf("%s holds (%g, %g) but Near is false or Distance is %g", jb, lng, lat, poly.Distance(lng, lat))
				}
			}
			if l, ok := ParseGeoLine(line.D); ok {
				if d := l.Distance(lng, lat); d < 1e7 && !l.Near(lng, lat, d+1) {
					t.Fatalf("%s is %g m from (%g, %g) but Near rejects it", jl, d, lng, lat)
				}
			}
		}
		for _, c := range calls {
			s, ok := LookupScalar(c.fn)
			if !ok {
				t.Fatalf("%s not registered", c.fn)
			}
			as := make([]Arg, len(c.args))
			for i, v := range c.args {
				as[i] = constArg(v)
			}
			start := time.Now()
			out, err := s.Eval(testCtx(), as, 1)
			if err != nil {
				t.Fatalf("%s(%s, %s): %v", c.fn, ja, jb, err)
			}
			if out.Len() != 1 {
				t.Fatalf("%s returned %d rows", c.fn, out.Len())
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("%s(%s, %s, %s, radius %g) took %v", c.fn, ja, jb, jl, radius, d)
			}
		}
	})
}
