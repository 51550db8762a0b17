package kernel

import "testing"

func TestGeoIntersection2Lines(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// Examples of the reference page (the crossing point agrees with the page's to 1e-11 degrees).
		{"crossing", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}`),
				J(`{"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}`)),
			J(`{"type":"Point","coordinates":[-73.97983711666797,40.78398928977383]}`)},
		{"same line", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}`),
				J(`{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}`)),
			J(`{"type":"LineString","coordinates":[[-73.978929,40.785155],[-73.980903,40.782621]]}`)},
		{"apart", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), J(`{"type":"LineString","coordinates":[[3,3],[4,4]]}`)),
			J(`{"type":"GeometryCollection","geometries":[]}`)},
		{"one point line is invalid", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), J(`{"type":"LineString","coordinates":[[3,3]]}`)), J(`null`)},
		{"polygon is not a line", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), J(`{"type":"Polygon","coordinates":[]}`)), J(`null`)},
		{"overlap along the equator, reversed", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[0,0],[10,0]]}`), J(`{"type":"LineString","coordinates":[[20,0],[5,0]]}`)),
			J(`{"type":"LineString","coordinates":[[5,0],[10,0]]}`)},
		{"stretch and a separate crossing", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[0,0],[10,0]]}`), J(`{"type":"LineString","coordinates":[[2,0],[4,0],[4,5],[8,-5]]}`)),
			J(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[6,0]},{"type":"LineString","coordinates":[[2,0],[4,0]]}]}`)},
		{"two crossings", "geo_intersection_2lines",
			args(J(`{"type":"LineString","coordinates":[[0,0],[10,0]]}`), J(`{"type":"LineString","coordinates":[[2,-1],[2,1],[6,1],[6,-1]]}`)),
			J(`{"type":"MultiPoint","coordinates":[[1.9999999999999998,0],[5.999999999999999,0]]}`)}, // the arc crossing, in floating point
	})
}
