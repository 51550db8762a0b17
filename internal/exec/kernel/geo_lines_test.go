package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestGeoLinesAndWKT(t *testing.T) {
	line := J(`{"type":"LineString","coordinates":[[0,0],[0,2]]}`)
	meridian := J(`{"type":"LineString","coordinates":[[0,-1],[0,1]]}`)
	square := J(`{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}`)
	runScalarCases(t, []scalarCase{
		// WKT examples of the KQL reference.
		{"wkt point", "geo_from_wkt", args(S("POINT (1 2)")), J(`{"type":"Point","coordinates":[1,2]}`)},
		{"wkt line", "geo_from_wkt", args(S("LINESTRING (1 2, 3 4)")), J(`{"type":"LineString","coordinates":[[1,2],[3,4]]}`)},
		{"wkt multiline", "geo_from_wkt", args(S("MULTILINESTRING ((1 1, 2 2, 3 3), (4 4, 5 5))")),
			J(`{"type":"MultiLineString","coordinates":[[[1,1],[2,2],[3,3]],[[4,4],[5,5]]]}`)},
		{"wkt collection", "geo_from_wkt",
			args(S("GEOMETRYCOLLECTION (POINT (1 1),LINESTRING (2 2, 3 3, 4 4),POLYGON ((10 10, 12 10, 12 12, 10 10)))")),
			J(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]},{"type":"LineString","coordinates":[[2,2],[3,3],[4,4]]},{"type":"Polygon","coordinates":[[[10,10],[12,10],[12,12],[10,10]]]}]}`)},
		{"wkt garbage", "geo_from_wkt", args(S("POINT (1 2")), J(`null`)},
		{"wkt bad latitude", "geo_from_wkt", args(S("POINT (1 95)")), J(`null`)},
		// One degree of longitude at the equator away from a meridian segment.
		{"point to line", "geo_distance_point_to_line", args(L(1), L(0), meridian), R(111195.10117748393)},
		{"point to line bad point", "geo_distance_point_to_line", args(L(300), L(3), line), N(types.Real)},
		{"point in polygon is 0 away", "geo_distance_point_to_polygon", args(L(5), L(5), square), R(0)},
		{"degenerate polygon", "geo_distance_point_to_polygon", args(L(1), L(1),
			J(`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`)), N(types.Real)},
		{"closest on line", "geo_closest_point_on_line", args(L(1), L(0), meridian), J(`{"type":"Point","coordinates":[0,0]}`)},
		{"locate", "geo_line_locate_point", args(meridian, L(1), L(0)), R(0.5)},
		{"interpolate end", "geo_line_interpolate_point", args(line, R(1)), J(`{"type":"Point","coordinates":[0,2]}`)},
		{"interpolate bad fraction", "geo_line_interpolate_point", args(line, R(1.5)), J(`null`)},
		{"centroid", "geo_line_centroid", args(line), J(`{"type":"Point","coordinates":[0,1]}`)},
		{"centroid one point", "geo_line_centroid", args(J(`{"type":"LineString","coordinates":[[1,1]]}`)), J(`null`)},
		{"lines cross", "geo_intersects_2lines", args(line, J(`{"type":"LineString","coordinates":[[-1,1],[1,1]]}`)), B(true)},
		{"lines apart", "geo_intersects_2lines", args(line, J(`{"type":"LineString","coordinates":[[1,1],[2,1]]}`)), B(false)},
		{"one-point line", "geo_intersects_2lines", args(line, J(`{"type":"LineString","coordinates":[[1,1]]}`)), N(types.Bool)},
		{"line inside polygon", "geo_intersects_line_with_polygon", args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), square), B(true)},
		{"polygons overlap", "geo_intersects_2polygons", args(square,
			J(`{"type":"Polygon","coordinates":[[[5,5],[15,5],[15,15],[5,5]]]}`)), B(true)},
		{"polygons apart", "geo_intersects_2polygons", args(square,
			J(`{"type":"Polygon","coordinates":[[[20,20],[30,20],[30,30],[20,20]]]}`)), B(false)},
	})
}

func TestGeoInterpolateMidpoint(t *testing.T) {
	p := interpolate([]geoPoint{{0, 0}, {0, 2}}, 0.25*2*111195.10117748393)
	if math.Abs(p.lng) > 1e-12 || math.Abs(p.lat-0.5) > 1e-12 {
		t.Errorf("interpolate = %+v, want (0, 0.5)", p)
	}
}
