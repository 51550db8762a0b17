package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// nearGeoJSON compares two GeoJSON values, numbers within tol (degrees).
func nearGeoJSON(t *testing.T, got, want any, tol float64) bool {
	t.Helper()
	switch w := want.(type) {
	case float64:
		g, ok := dynNumber(got)
		return ok && math.Abs(g-w) <= tol
	case int64:
		g, ok := dynNumber(got)
		return ok && math.Abs(g-float64(w)) <= tol
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !nearGeoJSON(t, g[i], w[i], tol) {
				return false
			}
		}
		return true
	case *types.Bag:
		g, ok := got.(*types.Bag)
		if !ok || len(g.Vals) != len(w.Vals) {
			return false
		}
		for k, wv := range w.Vals {
			if !nearGeoJSON(t, g.Vals[k], wv, tol) {
				return false
			}
		}
		return true
	}
	return types.FormatJSON(got) == types.FormatJSON(want)
}

func TestGeoPolygonOverlay(t *testing.T) {
	a := `{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}`
	b := `{"type":"Polygon","coordinates":[[[1,-1],[3,-1],[3,1],[1,1],[1,-1]]]}`
	// B's top edge is the great circle through (1,1) and (3,1): it crosses A's east side (the meridian 2,
	// its midpoint) at the latitude whose tangent is tan(1°)/cos(1°).
	x := math.Atan(math.Tan(rad(1))/math.Cos(rad(1))) * 180 / math.Pi
	j := func(s string) any { return J(s).D }
	xs := func(s string) any { return j(s) }
	tests := []struct {
		name string
		fn   string
		args []types.Value
		want any // nil: null
	}{
		{"union of crossing squares: the ring ends with the piece of the last input edge", "geo_union_polygons_array", args(J(`[` + a + `,` + b + `]`)),
			xs(`{"type":"Polygon","coordinates":[[[1,-1],[3,-1],[3,1],[2,` + ftoa(x) + `],[2,2],[0,2],[0,0],[1,0],[1,-1]]]}`)},
		{"intersection of crossing squares", "geo_intersection_2polygons", args(J(a), J(b)),
			xs(`{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,` + ftoa(x) + `],[1,1],[1,0]]]}`)},
		{"squares sharing an edge unite into one ring", "geo_union_polygons_array",
			args(J(`[{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]},{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}]`)),
			j(`{"type":"Polygon","coordinates":[[[1,1],[0,1],[0,0],[1,0],[2,0],[2,1],[1,1]]]}`)},
		{"squares sharing an edge intersect in that edge", "geo_intersection_2polygons",
			args(J(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`), J(`{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}`)),
			j(`{"type":"LineString","coordinates":[[1,0],[1,1]]}`)},
		{"squares touching at a corner intersect in a point", "geo_intersection_2polygons",
			args(J(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`), J(`{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,2],[1,1]]]}`)),
			j(`{"type":"Point","coordinates":[1,1]}`)},
		{"disjoint polygons intersect in nothing", "geo_intersection_2polygons",
			args(J(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`), J(`{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,5]]]}`)),
			j(`{"type":"GeometryCollection","geometries":[]}`)},
		{"disjoint polygons unite into a multipolygon, in input order", "geo_union_polygons_array",
			args(J(`[{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,5]]]},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]`)),
			j(`{"type":"MultiPolygon","coordinates":[[[[5,5],[6,5],[6,6],[5,5]]],[[[0,0],[1,0],[1,1],[0,0]]]]}`)},
		{"a polygon inside another: the union is the outer one", "geo_union_polygons_array",
			args(J(`[` + a + `,{"type":"Polygon","coordinates":[[[0.5,0.5],[1.5,0.5],[1.5,1.5],[0.5,1.5],[0.5,0.5]]]}]`)),
			j(a)},
		{"a polygon inside another: the intersection is the inner one", "geo_intersection_2polygons",
			args(J(a), J(`{"type":"Polygon","coordinates":[[[0.5,0.5],[1.5,0.5],[1.5,1.5],[0.5,1.5],[0.5,0.5]]]}`)),
			j(`{"type":"Polygon","coordinates":[[[0.5,0.5],[1.5,0.5],[1.5,1.5],[0.5,1.5],[0.5,0.5]]]}`)},
		{"a hole survives a union that does not reach it", "geo_union_polygons_array",
			args(J(`[{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]},{"type":"Polygon","coordinates":[[[3,-1],[5,-1],[5,1],[3,1],[3,-1]]]}]`)),
			xs(`{"type":"Polygon","coordinates":[[[0,0],[3,0],[3,-1],[5,-1],[5,1],[4,` + ftoa(x) + `],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]}`)},
		{"a clockwise shell is taken counterclockwise (its vertices reversed)", "geo_intersection_2polygons",
			args(J(`{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`), J(`{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`)),
			j(`{"type":"Polygon","coordinates":[[[1,0],[1,1],[0,1],[0,0],[1,0]]]}`)},
		{"invalid polygon gives null", "geo_intersection_2polygons", args(J(`{"type":"Polygon"}`), J(a)), nil},
		{"invalid member gives null", "geo_union_polygons_array", args(J(`[` + a + `,{"type":"Polygon","coordinates":[[[1,1]]]}]`)), nil},
		{"empty array gives null", "geo_union_polygons_array", args(J(`[]`)), nil},
		{"not an array gives null", "geo_union_polygons_array", args(J(a)), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := evalScalar(t, tc.fn, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if !got.Null {
					t.Errorf("got %s, want null", show(got))
				}
				return
			}
			if got.Null || !nearGeoJSON(t, got.D, tc.want, 1e-9) {
				t.Errorf("got %s, want %s", show(got), types.FormatJSON(tc.want))
			}
		})
	}
}

func ftoa(f float64) string { return types.FormatJSON(f) }

// TestGeoMultiPolygonMeasuresUnion checks area and perimeter of overlapping members against planar
// arithmetic on tiny squares at the equator, where the sphere is flat to about 1e-7.
func TestGeoMultiPolygonMeasuresUnion(t *testing.T) {
	const d = 0.001 // degrees
	m := earthRadius * rad(d)
	sq := func(x, y float64) string {
		p := func(a, b float64) string { return "[" + ftoa(a*d) + "," + ftoa(b*d) + "]" }
		return "[[" + p(x, y) + "," + p(x+2, y) + "," + p(x+2, y+2) + "," + p(x, y+2) + "," + p(x, y) + "]]"
	}
	multi := J(`{"type":"MultiPolygon","coordinates":[` + sq(0, 0) + `,` + sq(1, 1) + `]}`)
	tests := []struct {
		name string
		fn   string
		want float64
	}{
		{"area of the union: 4 + 4 - 1 squares", "geo_polygon_area", 7 * m * m},
		{"perimeter of the union: 12 sides of one unit", "geo_polygon_perimeter", 12 * m},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := evalScalar(t, tc.fn, multi)
			if err != nil {
				t.Fatal(err)
			}
			if got.Null || math.Abs(got.F-tc.want) > 1e-5*tc.want {
				t.Errorf("%s = %s, want %g", tc.fn, show(got), tc.want)
			}
		})
	}
	c, err := evalScalar(t, "geo_polygon_centroid", multi)
	if err != nil {
		t.Fatal(err)
	}
	// The union is symmetric about the line x = y through (1.5, 1.5).
	pt := c.D.(*types.Bag).Vals["coordinates"].([]any)
	if lng, lat := pt[0].(float64), pt[1].(float64); math.Abs(lng-1.5*d) > 1e-9 || math.Abs(lat-1.5*d) > 1e-9 {
		t.Errorf("centroid = %v, want (%g, %g)", pt, 1.5*d, 1.5*d)
	}
}
