package kernel

import (
	"math"
	"testing"
)

func TestGeoShape(t *testing.T) {
	deg := earthRadius * math.Pi / 180 // meters in one degree of a great circle
	square, ok := ParseGeoPolygon(J(`{"type":"Polygon","coordinates":[[[-1,-1],[1,-1],[1,1],[-1,1],[-1,-1]]]}`).D)
	if !ok {
		t.Fatal("square did not parse")
	}
	meridian, ok := ParseGeoLine(J(`{"type":"LineString","coordinates":[[0,0],[0,1]]}`).D)
	if !ok {
		t.Fatal("line did not parse")
	}
	tests := []struct {
		name     string
		shape    GeoShape
		lng, lat float64
		contains bool
		distance float64
		near     float64 // a radius for Near
		isNear   bool
	}{
		{"inside the square", square, 0.5, 0.5, true, 0, 0, true},
		{"two degrees east of the square, on the equator", square, 3, 0, false, 2 * deg, 2.01 * deg, true},
		{"far from the square", square, 100, 40, false, math.NaN(), 1000, false},
		{"beside the meridian line", meridian, 0.5, 0.5, false, math.NaN(), 0.6 * deg, true},
		{"beyond the end of the line", meridian, 0, 3, false, 2 * deg, 1.5 * deg, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.shape.polys != nil {
				if got := tc.shape.Contains(tc.lng, tc.lat); got != tc.contains {
					t.Errorf("Contains = %v, want %v", got, tc.contains)
				}
			}
			if !math.IsNaN(tc.distance) {
				if got := tc.shape.Distance(tc.lng, tc.lat); math.Abs(got-tc.distance) > 1e-6 {
					t.Errorf("Distance = %.9g, want %.9g", got, tc.distance)
				}
			}
			if got := tc.shape.Near(tc.lng, tc.lat, tc.near); got != tc.isNear {
				t.Errorf("Near(%g m) = %v, want %v", tc.near, got, tc.isNear)
			}
		})
	}
	for _, bad := range []string{`{"type":"Polygon"}`, `{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`, `[1,2]`} {
		if _, ok := ParseGeoPolygon(J(bad).D); ok {
			t.Errorf("ParseGeoPolygon(%s) = ok, want invalid", bad)
		}
		if _, ok := ParseGeoLine(J(bad).D); ok {
			t.Errorf("ParseGeoLine(%s) = ok, want invalid", bad)
		}
	}
}
