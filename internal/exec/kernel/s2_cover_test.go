package kernel

import "testing"

func TestGeoPolygonToS2Cells(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// The reference page: level 30 over a large triangle exceeds the 65536-cell limit.
		{"too many cells", "geo_polygon_to_s2cells", args(J(`{"type":"Polygon","coordinates":[[[0,0],[0,50],[100,50],[0,0]]]}`), L(30)), J(`null`)},
		{"level out of range", "geo_polygon_to_s2cells", args(J(`{"type":"Polygon","coordinates":[[[0,0],[0,5],[5,5],[0,0]]]}`), L(31)), J(`null`)},
		{"invalid polygon", "geo_polygon_to_s2cells", args(J(`{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`)), J(`null`)},
	})
	tests := []struct {
		name   string
		polys  [][][]geoPoint
		level  int
		inside []geoPoint
		// outside are points whose cells must not be in the covering (far from the polygon).
		outside []geoPoint
	}{
		{"Manhattan block at level 16", [][][]geoPoint{{{{-73.9585, 40.7682}, {-73.9583, 40.7700}, {-73.9560, 40.7700}, {-73.9585, 40.7682}}}}, 16,
			[]geoPoint{{-73.9580, 40.7695}, {-73.9575, 40.7699}}, []geoPoint{{-73.99, 40.73}}},
		{"large triangle at level 5 (geodesic edges)", [][][]geoPoint{{{{0, 0}, {0, 50}, {100, 50}, {0, 0}}}}, 5,
			// (50, 54) is north of the straight line at latitude 50 but inside the geodesic edge, which bulges north.
			[]geoPoint{{10, 30}, {50, 54}, {1, 1}}, []geoPoint{{50, 10}, {-20, 20}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells, ok := s2PolygonCover(tc.polys, tc.level)
			if !ok {
				t.Fatal("covering exceeded the limit")
			}
			in := map[uint64]bool{}
			for _, c := range cells {
				if in[c] {
					t.Fatalf("cell %s listed twice", s2Token(c))
				}
				in[c] = true
				if s2Level(c) != tc.level {
					t.Fatalf("cell %s is at level %d", s2Token(c), s2Level(c))
				}
			}
			for _, p := range tc.inside {
				if !in[s2CellID(p, tc.level)] {
					t.Errorf("cell of inside point %v is not in the covering", p)
				}
			}
			for _, p := range tc.outside {
				if in[s2CellID(p, tc.level)] {
					t.Errorf("cell of outside point %v is in the covering", p)
				}
			}
		})
	}
}
