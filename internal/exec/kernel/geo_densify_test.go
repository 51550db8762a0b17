package kernel

import "testing"

func TestGeoDensify(t *testing.T) {
	short := J(`{"type":"LineString","coordinates":[[-73.949247,40.796860],[-73.973017,40.764323]]}`)
	runScalarCases(t, []scalarCase{
		// The reference's example: a short edge already follows its arc within 10 m.
		{"short edge kept", "geo_line_densify", args(short), short},
		{"zero tolerance", "geo_line_densify", args(J(`{"type":"LineString","coordinates":[[1,1],[2,2]]}`), L(0)), J(`null`)},
		{"bad polygon", "geo_polygon_densify", args(J(`{"type":"Polygon","coordinates":[[[10,900],[11,10],[11,11],[10,11],[10,10]]]}`)), J(`null`)},
		{"polygon zero tolerance", "geo_polygon_densify",
			args(J(`{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}`), L(0)), J(`null`)},
	})
	// A long east-west edge at 60° north bows far from its planar line: it gains points.
	long := densifyChain([]geoPoint{{0, 60}, {40, 60}}, 1000)
	if len(long) < 5 {
		t.Errorf("densified long edge has %d points, want several", len(long))
	}
	for i := 1; i < len(long); i++ {
		if long[i].lng <= long[i-1].lng || long[i].lat != 60 {
			t.Fatalf("densified points leave the planar edge: %v", long)
		}
	}
}
