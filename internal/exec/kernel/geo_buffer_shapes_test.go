package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestGeoShapeBuffers checks buffers of small shapes near the equator against planar arithmetic: a
// buffer of radius r around a line of length L covers 2rL + πr², around a convex polygon of area A and
// perimeter P it covers A + rP + πr² (to within the tolerance times the perimeter).
func TestGeoShapeBuffers(t *testing.T) {
	line := J(`{"type":"LineString","coordinates":[[0,0],[0,0.01]]}`)
	square := J(`{"type":"Polygon","coordinates":[[[0,0],[0.01,0],[0.01,0.01],[0,0.01],[0,0]]]}`)
	side := earthRadius * rad(0.01)
	const r = 100.0
	tests := []struct {
		name string
		fn   string
		arg  types.Value
		want float64
	}{
		{"line buffer", "geo_line_buffer", line, 2*r*side + math.Pi*r*r},
		{"polygon buffer", "geo_polygon_buffer", square, side*side + 4*side*r + math.Pi*r*r},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf, err := evalScalar(t, tc.fn, tc.arg, R(r), R(0.1))
			if err != nil {
				t.Fatal(err)
			}
			area, err := evalScalar(t, "geo_polygon_area", buf)
			if err != nil {
				t.Fatal(err)
			}
			if area.Null || math.Abs(area.F-tc.want) > 1e-3*tc.want {
				t.Errorf("area of %s = %s, want %g", show(buf), show(area), tc.want)
			}
			// 90 m east of the shape's east side is inside, 110 m is not (0.001° of longitude is 111.2 m).
			east := 0.0
			if tc.fn == "geo_polygon_buffer" {
				east = 0.01
			}
			for _, c := range []struct {
				meters float64
				in     bool
			}{{90, true}, {110, false}} {
				lng := east + c.meters/side*0.01
				got, err := evalScalar(t, "geo_point_in_polygon", R(lng), R(0.005), buf)
				if err != nil {
					t.Fatal(err)
				}
				if got.Null || got.Bool() != c.in {
					t.Errorf("point %g m east: in = %s, want %v", c.meters, show(got), c.in)
				}
			}
		})
	}
	runScalarCases(t, []scalarCase{
		{"invalid polygon", "geo_polygon_buffer", args(J(`{"type":"p"}`), R(1)), N(types.Dynamic)},
		{"invalid line", "geo_line_buffer", args(J(`{"type":"LineString"}`), R(5)), N(types.Dynamic)},
		{"zero radius", "geo_polygon_buffer", args(square, R(0)), N(types.Dynamic)},
		{"negative radius", "geo_line_buffer", args(line, R(-5)), N(types.Dynamic)},
		{"tolerance under 0.0001% of the radius", "geo_line_buffer", args(line, R(1000), R(0.0001)), N(types.Dynamic)},
	})
}

func TestGeoSimplifyPolygonsArray(t *testing.T) {
	a := `{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}`
	b := `{"type":"Polygon","coordinates":[[[1,-1],[3,-1],[3,1],[1,1],[1,-1]]]}`
	union, err := evalScalar(t, "geo_union_polygons_array", J(`[`+a+`,`+b+`]`))
	if err != nil {
		t.Fatal(err)
	}
	runScalarCases(t, []scalarCase{
		{"tolerance 0 keeps the union as it is", "geo_simplify_polygons_array", args(J(`[`+a+`,`+b+`]`), R(0)), union},
		{"a tolerance larger than the polygons makes them vanish", "geo_simplify_polygons_array", args(J(`[`+a+`,`+b+`]`), R(1e6)), N(types.Dynamic)},
		{"a negative tolerance", "geo_simplify_polygons_array", args(J(`[`+a+`]`), R(-1)), N(types.Dynamic)},
		{"a tolerance above 70 degrees", "geo_simplify_polygons_array", args(J(`[`+a+`]`), R(8e6)), N(types.Dynamic)},
		{"an invalid member", "geo_simplify_polygons_array", args(J(`[` + a + `,{"type":"Polygon","coordinates":[[[1,1]]]}]`)), N(types.Dynamic)},
		// The default tolerance of 10 m keeps every vertex of squares of 2 degrees.
		{"default tolerance", "geo_simplify_polygons_array", args(J(`[` + a + `]`)), J(a)},
	})
}
