package kernel

import (
	"math"
	"testing"
)

func TestGeoPolygonCentroid(t *testing.T) {
	cases := []struct {
		name     string
		polygon  string
		lng, lat float64
	}{
		{"square at the equator", `{"type":"Polygon","coordinates":[[[-1,-1],[1,-1],[1,1],[-1,1],[-1,-1]]]}`, 0, 0},
		{"clockwise ring", `{"type":"Polygon","coordinates":[[[-1,-1],[-1,1],[1,1],[1,-1],[-1,-1]]]}`, 0, 0},
		{"hole on the east side moves it west", `{"type":"Polygon","coordinates":[[[-2,-1],[2,-1],[2,1],[-2,1],[-2,-1]],[[0.5,-0.5],[1.5,-0.5],[1.5,0.5],[0.5,0.5],[0.5,-0.5]]]}`, -0.1428, 0},
		// The reference's example (Central Park), to a metre: Kusto computes the exact centroid on its own model.
		{"central park", `{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`, -73.965735689907618, 40.782550538057812},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evalScalar(t, "geo_polygon_centroid", J(c.polygon))
			if err != nil {
				t.Fatal(err)
			}
			m, _ := got.D.(interface{ Get(string) (any, bool) })
			if m == nil {
				t.Fatalf("centroid = %v", got)
			}
			coords, _ := m.Get("coordinates")
			xy, _ := coords.([]any)
			lng, _ := xy[0].(float64)
			lat, _ := xy[1].(float64)
			if math.Abs(lng-c.lng) > 1e-3 || math.Abs(lat-c.lat) > 1e-3 {
				t.Errorf("centroid = (%v, %v), want about (%v, %v)", lng, lat, c.lng, c.lat)
			}
		})
	}
}
