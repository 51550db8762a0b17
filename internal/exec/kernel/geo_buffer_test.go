package kernel

import (
	"math"
	"testing"
)

func TestGeoPointBuffer(t *testing.T) {
	runScalarCases(t, []scalarCase{
		// The reference page's invalid inputs.
		{"invalid longitude", "geo_point_buffer", args(L(200), L(1), R(0.1)), J(`null`)},
		{"negative radius", "geo_point_buffer", args(L(10), L(10), L(-1)), J(`null`)},
		{"tolerance below 0.0001% of the radius", "geo_point_buffer", args(L(10), L(10), L(1000000), R(0.5)), J(`null`)},
	})
	tests := []struct {
		name              string
		center            geoPoint
		radius, tolerance float64
	}{
		{"Las Vegas 20 km", geoPoint{-115.1745008278, 36.1497251277}, 20000, 10},
		{"near the pole", geoPoint{10, 89.99}, 5000, 1},
		{"across the antimeridian", geoPoint{179.999, 0}, 3000, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ring := pointBuffer(tc.center, tc.radius, tc.tolerance)
			if ring[0] != ring[len(ring)-1] {
				t.Fatal("ring is not closed")
			}
			// Every vertex is outside the circle by at most the tolerance, and every edge stays outside it.
			for i := 0; i+1 < len(ring); i++ {
				d := sphereDistance(tc.center, ring[i])
				if d < tc.radius || d > tc.radius+tc.tolerance+1e-6 {
					t.Fatalf("vertex %d at %.6f m from the centre, want [%v, %v]", i, d, tc.radius, tc.radius+tc.tolerance)
				}
				mid := fromVec(toVec(ring[i]).add(toVec(ring[i+1])))
				if m := sphereDistance(tc.center, mid); m < tc.radius*(1-1e-9) {
					t.Fatalf("edge %d passes %.6f m from the centre, inside the radius %v", i, m, tc.radius)
				}
			}
			// Counter-clockwise: the signed area in a local east/north frame is positive.
			area := 0.0
			for i := 0; i+1 < len(ring); i++ {
				x1 := math.Remainder(ring[i].lng-tc.center.lng, 360) * math.Cos(rad(ring[i].lat))
				x2 := math.Remainder(ring[i+1].lng-tc.center.lng, 360) * math.Cos(rad(ring[i+1].lat))
				area += x1*(ring[i+1].lat-tc.center.lat) - x2*(ring[i].lat-tc.center.lat)
			}
			if area <= 0 && tc.center.lat < 89 {
				t.Errorf("ring runs clockwise (signed area %v)", area)
			}
		})
	}
}
