package kernel

import "math"

// Shapes for the geo_polygon_lookup and geo_line_lookup plugins: a lookup table's GeoJSON column is parsed
// once per row, then tested against every input point.

// GeoShape is a parsed GeoJSON Polygon/MultiPolygon or LineString/MultiLineString.
type GeoShape struct {
	polys [][][]geoPoint
	lines [][]geoPoint
	// A cap (center, angular radius) holding the shape, so that far points are rejected at once; capAngle
	// is +Inf when the shape is too large for a cap under a hemisphere.
	center   vec3
	capAngle float64
}

// ParseGeoPolygon reads a GeoJSON Polygon or MultiPolygon; false when it is not a valid one.
func ParseGeoPolygon(d any) (GeoShape, bool) {
	polys, ok := geoPolygons(d)
	if !ok {
		return GeoShape{}, false
	}
	s := GeoShape{polys: polys}
	for _, rings := range polys {
		s.lines = append(s.lines, rings[0])
	}
	s.boundingCap()
	s.lines = nil
	return s, true
}

// ParseGeoLine reads a GeoJSON LineString or MultiLineString; false when it is not a valid one.
func ParseGeoLine(d any) (GeoShape, bool) {
	lines, ok := geoLines(d)
	if !ok {
		return GeoShape{}, false
	}
	s := GeoShape{lines: lines}
	s.boundingCap()
	return s, true
}

// boundingCap sets a cap around the vertices of s.lines. A cap of at most a quarter sphere holds the
// geodesic edges between its points too.
func (s *GeoShape) boundingCap() {
	s.capAngle = math.Inf(1)
	var sum vec3
	for _, l := range s.lines {
		for _, p := range l {
			sum = sum.add(toVec(p))
		}
	}
	if sum.norm() < 1e-9 {
		return
	}
	c := unit(sum)
	widest := 0.0
	for _, l := range s.lines {
		for _, p := range l {
			widest = math.Max(widest, c.angleTo(toVec(p)))
		}
	}
	if widest < math.Pi/2 {
		s.center, s.capAngle = c, widest+1e-9
	}
}

// Near reports whether the point may lie within meters of the shape (false only when it surely does not).
func (s GeoShape) Near(lng, lat, meters float64) bool {
	if math.IsInf(s.capAngle, 1) {
		return true
	}
	return s.center.angleTo(toVec(geoPoint{lng, lat})) <= s.capAngle+meters/earthRadius
}

// GeoPointValid reports whether lng, lat is a valid point in degrees.
func GeoPointValid(lng, lat float64) bool { return validLng(lng) && validLat(lat) }

// Contains reports whether a polygon shape holds the point (edges are geodesics).
func (s GeoShape) Contains(lng, lat float64) bool {
	return geodesicPolygonsContain(s.polys, geoPoint{lng, lat})
}

// Distance is the distance in meters from the point to the shape: 0 inside a polygon, else to the
// nearest edge.
func (s GeoShape) Distance(lng, lat float64) float64 {
	p := geoPoint{lng, lat}
	if s.polys != nil && geodesicPolygonsContain(s.polys, p) {
		return 0
	}
	best := math.Inf(1)
	for _, rings := range s.polys {
		for _, r := range rings {
			_, d, _ := closestOnLine(r, p)
			best = math.Min(best, d)
		}
	}
	for _, l := range s.lines {
		_, d, _ := closestOnLine(l, p)
		best = math.Min(best, d)
	}
	return best
}
