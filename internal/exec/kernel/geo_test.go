package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestGeoFunctions(t *testing.T) {
	square := J(`{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}`)
	runScalarCases(t, []scalarCase{
		// Examples of the KQL reference pages.
		{"geohash", "geo_point_to_geohash", args(R(-122.303404), R(47.570482)), S("c23n8")},
		{"geohash invalid", "geo_point_to_geohash", args(L(200), L(1), L(8)), S("")},
		{"geohash precision 8", "geo_point_to_geohash", args(R(-80.195829), R(25.802215), L(8)), S("dhwfz15h")},
		{"geohash center", "geo_geohash_to_central_point", args(S("sunny")),
			J(`{"type":"Point","coordinates":[42.47314453125,23.70849609375]}`)},
		{"geohash center invalid", "geo_geohash_to_central_point", args(S("a")), J(`null`)},
		{"geohash polygon", "geo_geohash_to_polygon", args(S("sunny")),
			J(`{"type":"Polygon","coordinates":[[[42.451171875,23.6865234375],[42.4951171875,23.6865234375],[42.4951171875,23.73046875],[42.451171875,23.73046875],[42.451171875,23.6865234375]]]}`)},
		{"geohash neighbors", "geo_geohash_neighbors", args(S("sunny")),
			J(`["sunnt","sunpj","sunnx","sunpn","sunnv","sunpp","sunnz","sunnw"]`)},
		{"azimuth", "geo_azimuth", args(L(5), L(10), L(10), L(-40)), R(3.05459939796449)},
		{"azimuth same point", "geo_azimuth", args(L(5), L(10), L(5), L(10)), N(types.Real)},
		{"angle", "geo_angle", args(L(0), L(10), L(0), L(5), L(3), L(-10)), R(2.94493843406882)},
		{"distance bad longitude", "geo_distance_2points", args(L(300), L(1), L(1), L(1)), N(types.Real)},
		{"distance one degree", "geo_distance_2points", args(L(0), L(0), L(0), L(1)), R(111195.10117748393)},
		{"in circle", "geo_point_in_circle", args(R(-122.143564), R(47.535677), R(-122.100896), R(47.527351), L(3500)), B(true)},
		{"circle negative radius", "geo_point_in_circle", args(L(1), L(1), L(1), L(1), L(-1)), N(types.Bool)},
		{"in polygon", "geo_point_in_polygon", args(L(2), L(2), square), B(true)},
		{"in hole", "geo_point_in_polygon", args(L(5), L(5), square), B(false)},
		{"outside", "geo_point_in_polygon", args(L(11), L(5), square), B(false)},
		{"wrapped multipolygon member", "geo_point_in_polygon", args(L(2), L(2),
			J(`{"type":"MultiPolygon","coordinates":[[[[[0,0],[10,0],[10,10],[0,10],[0,0]]]]]}`)), B(true)},
		{"polygon bad point", "geo_point_in_polygon", args(L(200), L(1), square), N(types.Bool)},
		{"line of one point", "geo_line_length", args(J(`{"type":"LineString","coordinates":[[1,1]]}`)), N(types.Real)},
		{"line length", "geo_line_length", args(J(`{"type":"LineString","coordinates":[[0,0],[0,1],[0,2]]}`)), R(2 * 111195.10117748393)},
		{"degenerate polygon", "geo_polygon_area", args(J(`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`)), N(types.Real)},
	})
}

// TestGeoGeodesicEdges checks that containment and crossing follow great circles: the edge from (60,50) to
// (0,50) bulges north to the latitude atan(tan 50° / cos 30°) = 54.0° at longitude 30.
func TestGeoGeodesicEdges(t *testing.T) {
	poly := J(`{"type":"Polygon","coordinates":[[[0,0],[60,0],[60,50],[0,50],[0,0]]]}`)
	runScalarCases(t, []scalarCase{
		{"under the bulge of the north edge", "geo_point_in_polygon", args(L(30), L(52), poly), B(true)},
		{"above the bulge", "geo_point_in_polygon", args(L(30), L(55), poly), B(false)},
		{"hole holds the point", "geo_point_in_polygon", args(L(30), L(25),
			J(`{"type":"Polygon","coordinates":[[[0,0],[60,0],[60,50],[0,50],[0,0]],[[20,20],[20,30],[40,30],[40,20],[20,20]]]}`)), B(false)},
		{"lines cross at the bulge", "geo_intersects_2lines",
			args(J(`{"type":"LineString","coordinates":[[0,50],[60,50]]}`), J(`{"type":"LineString","coordinates":[[30,53],[30,55]]}`)), B(true)},
		{"lines pass under the bulge", "geo_intersects_2lines",
			args(J(`{"type":"LineString","coordinates":[[0,50],[60,50]]}`), J(`{"type":"LineString","coordinates":[[30,51],[30,53]]}`)), B(false)},
	})
}
