package kernel

import "math"

// Shapes for the geo_polygon_lookup and geo_line_lookup plugins: a lookup table's GeoJSON column is parsed
// once per row, then tested against every input point.

// GeoShape is a parsed GeoJSON Polygon/MultiPolygon or LineString/MultiLineString.
type GeoShape struct {
	polys [][][]geoPoint
	lines [][]geoPoint
}

// ParseGeoPolygon reads a GeoJSON Polygon or MultiPolygon; false when it is not a valid one.
func ParseGeoPolygon(d any) (GeoShape, bool) {
	polys, ok := geoPolygons(d)
	return GeoShape{polys: polys}, ok
}

// ParseGeoLine reads a GeoJSON LineString or MultiLineString; false when it is not a valid one.
func ParseGeoLine(d any) (GeoShape, bool) {
	lines, ok := geoLines(d)
	return GeoShape{lines: lines}, ok
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
