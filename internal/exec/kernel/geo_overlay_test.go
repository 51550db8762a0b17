package kernel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
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

// TestOvCandidatePairsSweepAxis checks that the box sweep finds exactly the pairs of overlapping boxes a plain
// double loop finds, for shapes lying in a thin slab across each axis (near longitude 0 all x are about 1,
// near longitude 90 all y, near a pole all z): the sweep runs along the widest axis, which must not lose a pair.
func TestOvCandidatePairsSweepAxis(t *testing.T) {
	tests := []struct {
		name     string
		lng, lat float64
		size     float64 // degrees
	}{
		{"thin in x at longitude 0", 0, 0, 0.01},
		{"thin in y at longitude 90", 90, 0, 0.01},
		{"thin in z at the north pole", 0, 89.99, 0.005},
		{"oblique", 45, 45, 0.01},
		{"large across the antimeridian", 175, -10, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ovPolygonFromRings([][]geoPoint{pointBuffer(geoPoint{tc.lng, tc.lat}, tc.size*111000, tc.size*50)})
			b := ovPolygonFromRings([][]geoPoint{pointBuffer(geoPoint{tc.lng + tc.size/2, tc.lat}, tc.size*111000, tc.size*50)})
			g := &ovGraph{}
			var es []ovEdge
			for op, poly := range []ovPolygon{a, b} {
				for _, l := range poly.loops {
					for i := range l {
						es = append(es, ovEdge{from: g.node(l[i]), to: g.node(l[(i+1)%len(l)]), operand: op})
					}
				}
			}
			nA := len(a.loops[0])
			var want [][2]int
			for i := 0; i < nA; i++ {
				bi := arcBox(g.nodes[es[i].from].v, g.nodes[es[i].to].v)
				for j := nA; j < len(es); j++ {
					bj := arcBox(g.nodes[es[j].from].v, g.nodes[es[j].to].v)
					if bi.lo.x <= bj.hi.x && bj.lo.x <= bi.hi.x && bi.lo.y <= bj.hi.y && bj.lo.y <= bi.hi.y && bi.lo.z <= bj.hi.z && bj.lo.z <= bi.hi.z {
						want = append(want, [2]int{i, j})
					}
				}
			}
			got, ok := ovCandidatePairs(context.Background(), g, es, nA)
			if !ok {
				t.Fatal("the sweep stopped without a done context")
			}
			if len(want) == 0 || len(want) == nA*(len(es)-nA) {
				t.Fatalf("%d of %d pairs overlap: the shapes do not test the sweep", len(want), nA*(len(es)-nA))
			}
			if len(got) != len(want) {
				t.Fatalf("sweep found %d pairs, double loop %d", len(got), len(want))
			}
			for k := range want {
				if got[k] != want[k] {
					t.Fatalf("pair %d: sweep %v, double loop %v", k, got[k], want[k])
				}
			}
		})
	}
}

// circleRing is the GeoJSON ring (closed) of n vertices around (lng, lat) of the given radius in degrees.
func circleRing(lng, lat, radius float64, n int) string {
	var b strings.Builder
	b.WriteString("[")
	for k := range n + 1 {
		a := 2 * math.Pi * float64(k%n) / float64(n)
		fmt.Fprintf(&b, "[%g,%g],", lng+radius*math.Cos(a), lat+radius*math.Sin(a))
	}
	return strings.TrimSuffix(b.String(), ",") + "]"
}

// circles is the GeoJSON text of count polygons (an array of Polygons, or the coordinates of a MultiPolygon)
// of n vertices along the equator, overlapping their neighbours.
func circles(count, n int, multi bool) string {
	parts := make([]string, count)
	for i := range parts {
		ring := circleRing(float64(i)*0.01, 0, 0.02, n)
		if multi {
			parts[i] = "[" + ring + "]"
		} else {
			parts[i] = `{"type":"Polygon","coordinates":[` + ring + `]}`
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// TestGeoOverlayBudget checks that overlay functions whose one row would hold more than ovMaxVertices
// vertices give null without doing the work (a line buffer at the finest tolerance makes 2223 vertices
// per line vertex; it took minutes), and that inputs under the budget still give a shape.
func TestGeoOverlayBudget(t *testing.T) {
	line := make([]string, 400)
	for i := range line {
		line[i] = fmt.Sprintf("[%g,%g]", float64(i)*0.1, float64(i%2)*0.1)
	}
	longLine := J(`{"type":"LineString","coordinates":[` + strings.Join(line, ",") + `]}`)
	many := J(circles(150, 2000, false))
	hugeMulti := J(`{"type":"MultiPolygon","coordinates":` + circles(150, 2000, true) + `}`)
	tests := []struct {
		name     string
		fn       string
		args     []types.Value
		wantNull bool
	}{
		{"line buffer over budget", "geo_line_buffer", args(longLine, R(1000), R(0.001)), true},
		{"polygon buffer over budget", "geo_polygon_buffer", args(J(`{"type":"Polygon","coordinates":[`+circleRing(0, 0, 1, 400)+`]}`), R(1000), R(0.001)), true},
		{"union of a huge array", "geo_union_polygons_array", args(many), true},
		{"simplified union of a huge array", "geo_simplify_polygons_array", args(many, R(10)), true},
		{"area of a huge multipolygon", "geo_polygon_area", args(hugeMulti), true},
		{"intersection of huge multipolygons", "geo_intersection_2polygons", args(hugeMulti, J(`{"type":"Polygon","coordinates":[`+circleRing(0, 0, 1, 4)+`]}`)), true},
		// 2.6 million strip vertices along a 170° edge at 1 µm: refused before they are made.
		{"line buffer of a long edge at a fine tolerance", "geo_line_buffer", args(J(`{"type":"LineString","coordinates":[[0,0],[170,0]]}`), R(1), R(1e-6)), true},
		{"line buffer under budget", "geo_line_buffer", args(longLine, R(1000), R(10)), false},
		{"line buffer of a short edge at a fine tolerance", "geo_line_buffer", args(J(`{"type":"LineString","coordinates":[[0,0],[1,0]]}`), R(1), R(1e-6)), false},
		{"polygon buffer under budget", "geo_polygon_buffer", args(J(`{"type":"Polygon","coordinates":[`+circleRing(0, 0, 1, 400)+`]}`), R(1000), R(10)), false},
		{"union under budget", "geo_union_polygons_array", args(J(circles(3, 100, false))), false},
		{"area of a multipolygon under budget", "geo_polygon_area", args(J(`{"type":"MultiPolygon","coordinates":` + circles(3, 100, true) + `}`)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := evalScalar(t, tc.fn, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got.Null != tc.wantNull {
				t.Errorf("%s: null = %v, want %v", tc.fn, got.Null, tc.wantNull)
			}
		})
	}
}

// TestGeoOverlayCancelled checks that a union in a cancelled query stops with the context's error instead
// of passing its unfinished (null) row for a result.
func TestGeoOverlayCancelled(t *testing.T) {
	tests := []struct {
		name string
		fn   string
		args []types.Value
	}{
		{"union", "geo_union_polygons_array", args(J(circles(50, 100, false)))},
		{"line buffer", "geo_line_buffer", args(J(`{"type":"LineString","coordinates":[[0,0],[1,1],[2,0]]}`), R(1000))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := evalScalar(t, tc.fn, tc.args...); err != nil || got.Null {
				t.Fatalf("%s: %s, %v; want a shape", tc.fn, show(got), err)
			}
			s, _ := LookupScalar(tc.fn)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			as := make([]Arg, len(tc.args))
			for i, v := range tc.args {
				as[i] = constArg(v)
			}
			if _, err := s.Eval(&Context{Ctx: ctx}, as, 1); !errors.Is(err, context.Canceled) {
				t.Errorf("%s in a cancelled query: error %v, want %v", tc.fn, err, context.Canceled)
			}
		})
	}
}
