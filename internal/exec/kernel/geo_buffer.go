package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_point_buffer: a polygon holding every point within a radius of a point on the sphere.

// destinationPoint is the point at distance meters from p along the initial bearing azimuth (radians,
// clockwise from north), on the great circle.
func destinationPoint(p geoPoint, azimuth, meters float64) geoPoint {
	d := meters / earthRadius
	lat1, lng1 := rad(p.lat), rad(p.lng)
	lat := math.Asin(math.Max(-1, math.Min(1, math.Sin(lat1)*math.Cos(d)+math.Cos(lat1)*math.Sin(d)*math.Cos(azimuth))))
	lng := lng1 + math.Atan2(math.Sin(azimuth)*math.Sin(d)*math.Cos(lat1), math.Cos(d)-math.Sin(lat1)*math.Sin(lat))
	lng = math.Mod(lng+3*math.Pi, 2*math.Pi) - math.Pi
	return geoPoint{lng * 180 / math.Pi, lat * 180 / math.Pi}
}

// pointBuffer is a regular polygon around the circle of radius meters about p: its vertices lie at
// radius/cos(pi/n), so its edges stay outside the circle, and n is the fewest sides that keep the vertices
// within tolerance meters of the circle. The ring runs counter-clockwise, as GeoJSON shells do.
func pointBuffer(p geoPoint, radius, tolerance float64) []geoPoint {
	n := int(math.Ceil(math.Pi / math.Acos(radius/(radius+tolerance))))
	n = max(n, 4)
	outer := radius / math.Cos(math.Pi/float64(n))
	ring := make([]geoPoint, 0, n+1)
	for k := range n {
		ring = append(ring, destinationPoint(p, -2*math.Pi*float64(k)/float64(n), outer))
	}
	return append(ring, ring[0])
}

// bufferRadius reads the radius and tolerance arguments at v[i], v[i+1] of the buffer functions: the radius
// must be positive and at most a quarter of the Earth's circumference; the tolerance (default 10 m) at least
// 0.0001% of the radius, and above the radius it drops to just below it.
func bufferRadius(v []types.Value, i int) (radius, tolerance float64, ok bool) {
	radius, rok := toRealValue(v[i])
	if v[i].Null || !rok || !(radius > 0) || math.IsInf(radius, 0) || radius > math.Pi*earthRadius/2 {
		return 0, 0, false
	}
	tolerance = 10.0
	if len(v) > i+1 && !v[i+1].Null {
		t, tok := toRealValue(v[i+1])
		if !tok || math.IsNaN(t) {
			return 0, 0, false
		}
		tolerance = t
	}
	if tolerance < radius*1e-6 {
		return 0, 0, false
	}
	return radius, math.Min(tolerance, radius*(1-1e-9)), true
}

func init() {
	registerGeo("geo_point_buffer", types.Dynamic, 3, 4, paramTypes(tNumber), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 1)
		radius, tolerance, rok := bufferRadius(v, 2)
		if !ok || !rok {
			return types.Value{}, false
		}
		b := types.NewBag()
		b.Set("type", "Polygon")
		b.Set("coordinates", []any{chainToDyn(pointBuffer(pts[0], radius, tolerance))})
		return types.NewDynamic(b), true
	})
}
