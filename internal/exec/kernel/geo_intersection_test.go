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

func TestGeoClosestPointOnPolygon(t *testing.T) {
	park := J(`{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`)
	runScalarCases(t, []scalarCase{
		// The reference page's example (its point agrees to 1e-12 degrees) and its two invalid inputs.
		{"outside", "geo_closest_point_on_polygon", args(R(-73.9839), R(40.7705), park),
			J(`{"type":"Point","coordinates":[-73.98120558015353,40.76935945284304]}`)},
		{"inside is the point itself", "geo_closest_point_on_polygon", args(R(-73.97), R(40.78), park),
			J(`{"type":"Point","coordinates":[-73.97,40.78]}`)},
		{"invalid longitude", "geo_closest_point_on_polygon",
			args(L(500), L(1), J(`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,1],[0,0]]]}`)), J(`null`)},
		{"degenerate ring", "geo_closest_point_on_polygon",
			args(L(1), L(1), J(`{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,10],[0,0]]]}`)), J(`null`)},
	})
}

func TestGeoIntersectionLineWithPolygon(t *testing.T) {
	triangle := J(`{"type":"Polygon","coordinates":[[[-73.9712905883789,40.78580561168767],[-73.98004531860352,40.775276834803655],[-73.97000312805176,40.77852663535664],[-73.9712905883789,40.78580561168767]]]}`)
	square := J(`{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]]]}`)
	runScalarCases(t, []scalarCase{
		// Examples of the reference page (the cut point agrees with the page's to 1e-11 degrees).
		{"line leaving the polygon", "geo_intersection_line_with_polygon",
			args(J(`{"type":"LineString","coordinates":[[-73.985195,40.788275],[-73.974552,40.779761]]}`), triangle),
			J(`{"type":"LineString","coordinates":[[-73.97561195657804,40.78060906715011],[-73.974552,40.779761]]}`)},
		{"line far away", "geo_intersection_line_with_polygon",
			args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), triangle), J(`{"type":"GeometryCollection","geometries":[]}`)},
		{"invalid polygon", "geo_intersection_line_with_polygon",
			args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), J(`{"type":"Polygon","coordinates":[]}`)), J(`null`)},
		{"line inside", "geo_intersection_line_with_polygon",
			args(J(`{"type":"LineString","coordinates":[[1,1],[2,2],[3,1]]}`), square), J(`{"type":"LineString","coordinates":[[1,1],[2,2],[3,1]]}`)},
		// The edges are geodesics: the square's top edge bulges north of latitude 4 between its corners, and
		// so does the line's first edge above latitude 2 (it meets the west side at 2.0006).
		{"line in and out twice", "geo_intersection_line_with_polygon",
			args(J(`{"type":"LineString","coordinates":[[-1,2],[2,2],[2,6],[3,6],[3,2]]}`), square),
			J(`{"type":"MultiLineString","coordinates":[[[0,2.000608909872042],[2,2],[2,4.002430255451183]],[[3.0000000000000013,4.001822646669484],[3,2]]]}`)},
	})
}
