package kernel

import "testing"

func TestGeoSimplify(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// The middle vertex is about 1.1 m off the straight edge: dropped at 10 m, kept at 0.5 m.
		{"drop near vertex", "geo_line_simplify", args(J(`{"type":"LineString","coordinates":[[0,0],[0.5,0.00001],[1,0]]}`)),
			J(`{"type":"LineString","coordinates":[[0,0],[1,0]]}`)},
		{"keep far vertex", "geo_line_simplify", args(J(`{"type":"LineString","coordinates":[[0,0],[0.5,0.00001],[1,0]]}`), R(0.5)),
			J(`{"type":"LineString","coordinates":[[0,0],[0.5,0.00001],[1,0]]}`)},
		{"negative tolerance", "geo_line_simplify", args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), L(-1)), J(`null`)},
		{"polygon", "geo_polygon_simplify", args(J(`{"type":"Polygon","coordinates":[[[0,0],[0.5,0.00001],[1,0],[1,1],[0,1],[0,0]]]}`)),
			J(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`)},
		{"invalid polygon", "geo_polygon_simplify", args(J(`{"type":"Polygon","coordinates":[[[5,48],[5,48]]]}`)), J(`null`)},
		{"polygon negative tolerance", "geo_polygon_simplify",
			args(J(`{"type":"Polygon","coordinates":[[[5,48],[0,50],[0,47],[4,47],[5,48]]]}`), R(-0.1)), J(`null`)},
	})
}
