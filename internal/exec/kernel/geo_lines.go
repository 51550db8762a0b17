package kernel

import (
	"math"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// WKT input, point-to-shape distances, line centroid/interpolation/location and intersection tests. Points
// are handled as unit vectors on the sphere (edges are great-circle arcs); intersection tests treat edges
// as great-circle arcs too.

type vec3 struct{ x, y, z float64 }

func toVec(p geoPoint) vec3 {
	lat, lng := rad(p.lat), rad(p.lng)
	return vec3{math.Cos(lat) * math.Cos(lng), math.Cos(lat) * math.Sin(lng), math.Sin(lat)}
}

func fromVec(v vec3) geoPoint {
	return geoPoint{math.Atan2(v.y, v.x) * 180 / math.Pi, math.Atan2(v.z, math.Hypot(v.x, v.y)) * 180 / math.Pi}
}

func (a vec3) dot(b vec3) float64   { return a.x*b.x + a.y*b.y + a.z*b.z }
func (a vec3) add(b vec3) vec3      { return vec3{a.x + b.x, a.y + b.y, a.z + b.z} }
func (a vec3) scale(k float64) vec3 { return vec3{a.x * k, a.y * k, a.z * k} }
func (a vec3) norm() float64        { return math.Sqrt(a.dot(a)) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x}
}
func (a vec3) angleTo(b vec3) float64 { return math.Atan2(a.cross(b).norm(), a.dot(b)) }

// closestOnEdge returns the point of the arc ab closest to p.
func closestOnEdge(p, a, b vec3) vec3 {
	n := a.cross(b)
	if n.norm() == 0 {
		return a
	}
	n = n.scale(1 / n.norm())
	proj := p.add(n.scale(-p.dot(n)))
	if proj.norm() > 0 {
		proj = proj.scale(1 / proj.norm())
		if a.cross(proj).dot(n) >= 0 && proj.cross(b).dot(n) >= 0 {
			return proj
		}
	}
	if p.angleTo(a) <= p.angleTo(b) {
		return a
	}
	return b
}

// closestOnLine returns the closest point of line to p, its distance in meters and its distance along the line.
func closestOnLine(line []geoPoint, p geoPoint) (geoPoint, float64, float64) {
	pv := toVec(p)
	best, bestD, bestAlong, along := line[0], math.Inf(1), 0.0, 0.0
	for i := 0; i+1 < len(line); i++ {
		a, b := toVec(line[i]), toVec(line[i+1])
		c := closestOnEdge(pv, a, b)
		if d := pv.angleTo(c) * earthRadius; d < bestD {
			best, bestD, bestAlong = fromVec(c), d, along+a.angleTo(c)*earthRadius
		}
		along += a.angleTo(b) * earthRadius
	}
	return best, bestD, bestAlong
}

// interpolate returns the point at distance d (meters) along the line.
func interpolate(line []geoPoint, d float64) geoPoint {
	for i := 0; i+1 < len(line); i++ {
		a, b := toVec(line[i]), toVec(line[i+1])
		seg := a.angleTo(b) * earthRadius
		if d <= seg || i+2 == len(line) {
			if seg == 0 {
				return line[i]
			}
			t := math.Min(1, d/seg)
			theta := a.angleTo(b)
			// Spherical linear interpolation between the edge's ends.
			wa, wb := math.Sin((1-t)*theta)/math.Sin(theta), math.Sin(t*theta)/math.Sin(theta)
			return fromVec(a.scale(wa).add(b.scale(wb)))
		}
		d -= seg
	}
	return line[len(line)-1]
}

// wktParser reads Well-Known Text into GeoJSON values.
type wktParser struct {
	s   string
	pos int
}

func (p *wktParser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

func (p *wktParser) word() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && (p.s[p.pos] >= 'A' && p.s[p.pos] <= 'Z' || p.s[p.pos] >= 'a' && p.s[p.pos] <= 'z') {
		p.pos++
	}
	return strings.ToUpper(p.s[start:p.pos])
}

func (p *wktParser) eat(c byte) bool {
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *wktParser) number() (float64, bool) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[p.pos]) >= 0 {
		p.pos++
	}
	f, err := strconv.ParseFloat(p.s[start:p.pos], 64)
	return f, err == nil && !math.IsInf(f, 0)
}

func (p *wktParser) point() ([]any, bool) {
	x, ok1 := p.number()
	y, ok2 := p.number()
	if !ok1 || !ok2 || !validLng(x) || !validLat(y) {
		return nil, false
	}
	return []any{x, y}, true
}

// list reads "(item, item, ...)".
func (p *wktParser) list(item func() (any, bool)) ([]any, bool) {
	if !p.eat('(') {
		return nil, false
	}
	var out []any
	for {
		v, ok := item()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if p.eat(')') {
			return out, true
		}
		if !p.eat(',') {
			return nil, false
		}
	}
}

func (p *wktParser) pointItem() (any, bool) {
	// MULTIPOINT accepts both "(1 2, 3 4)" and "((1 2), (3 4))".
	if p.eat('(') {
		pt, ok := p.point()
		return pt, ok && p.eat(')')
	}
	return p.point()
}

func (p *wktParser) lineItem() (any, bool) {
	return p.list(func() (any, bool) { return p.point() })
}

func (p *wktParser) polygonItem() (any, bool) { return p.list(p.lineItem) }

func (p *wktParser) geometry() (*types.Bag, bool) {
	kind := p.word()
	b := types.NewBag()
	var coords any
	var ok bool
	switch kind {
	case "POINT":
		if !p.eat('(') {
			return nil, false
		}
		coords, ok = p.point()
		ok = ok && p.eat(')')
		b.Set("type", "Point")
	case "LINESTRING":
		coords, ok = p.lineItem()
		b.Set("type", "LineString")
	case "POLYGON":
		coords, ok = p.polygonItem()
		b.Set("type", "Polygon")
	case "MULTIPOINT":
		coords, ok = p.list(p.pointItem)
		b.Set("type", "MultiPoint")
	case "MULTILINESTRING":
		coords, ok = p.list(p.lineItem)
		b.Set("type", "MultiLineString")
	case "MULTIPOLYGON":
		coords, ok = p.list(p.polygonItem)
		b.Set("type", "MultiPolygon")
	case "GEOMETRYCOLLECTION":
		geoms, ok := p.list(func() (any, bool) { return p.geometry() })
		if !ok {
			return nil, false
		}
		b.Set("type", "GeometryCollection")
		b.Set("geometries", geoms)
		return b, true
	default:
		return nil, false
	}
	if !ok {
		return nil, false
	}
	b.Set("coordinates", coords)
	return b, true
}

// edges lists the segments of point chains.
func edges(chains [][]geoPoint) [][2]geoPoint {
	var out [][2]geoPoint
	for _, c := range chains {
		for i := 0; i+1 < len(c); i++ {
			out = append(out, [2]geoPoint{c[i], c[i+1]})
		}
	}
	return out
}

func anyEdgesCross(a, b [][2]geoPoint) bool {
	for _, e := range a {
		for _, f := range b {
			if _, ok := arcIntersection(e[0], e[1], f[0], f[1]); ok {
				return true
			}
		}
	}
	return false
}

// polygonsContain reports whether p is inside one of the polygons (outside their holes), with edges as
// straight lines in longitude/latitude, as H3 tests containment; the geo_* functions use
// geodesicPolygonsContain.
func polygonsContain(polys [][][]geoPoint, p geoPoint) bool {
	for _, rings := range polys {
		if !ringContains(rings[0], p) {
			continue
		}
		inHole := false
		for _, hole := range rings[1:] {
			if ringContains(hole, p) {
				inHole = true
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

func polygonEdges(polys [][][]geoPoint) [][2]geoPoint {
	var out [][2]geoPoint
	for _, rings := range polys {
		out = append(out, edges(rings)...)
	}
	return out
}

func init() {
	registerGeo("geo_from_wkt", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		p := &wktParser{s: v[0].S}
		g, ok := p.geometry()
		p.skipSpace()
		if !ok || p.pos != len(p.s) {
			return types.Value{}, false
		}
		return types.NewDynamic(g), true
	})
	registerGeo("geo_distance_point_to_line", types.Real, 3, 3, paramTypes(tNumber, tNumber, tDynamic), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 1)
		lines, ok2 := geoLines(v[2].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		best := math.Inf(1)
		for _, l := range lines {
			_, d, _ := closestOnLine(l, pts[0])
			best = math.Min(best, d)
		}
		return types.NewReal(best), true
	})
	registerGeo("geo_distance_point_to_polygon", types.Real, 3, 3, paramTypes(tNumber, tNumber, tDynamic), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 1)
		polys, ok2 := geoPolygons(v[2].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		if geodesicPolygonsContain(polys, pts[0]) {
			return types.NewReal(0), true
		}
		best := math.Inf(1)
		for _, rings := range polys {
			for _, r := range rings {
				_, d, _ := closestOnLine(r, pts[0])
				best = math.Min(best, d)
			}
		}
		return types.NewReal(best), true
	})
	registerGeo("geo_closest_point_on_line", types.Dynamic, 3, 3, paramTypes(tNumber, tNumber, tDynamic), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 1)
		lines, ok2 := geoLines(v[2].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		best, bestD := geoPoint{}, math.Inf(1)
		for _, l := range lines {
			if c, d, _ := closestOnLine(l, pts[0]); d < bestD {
				best, bestD = c, d
			}
		}
		return types.NewDynamic(geoJSONPoint(best)), true
	})
	registerGeo("geo_line_centroid", types.Dynamic, 1, 1, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		if !ok {
			return types.Value{}, false
		}
		// Edge midpoints weighted by edge length.
		var sum vec3
		for _, l := range lines {
			for i := 0; i+1 < len(l); i++ {
				a, b := toVec(l[i]), toVec(l[i+1])
				mid := a.add(b)
				if n := mid.norm(); n > 0 {
					sum = sum.add(mid.scale(a.angleTo(b) / n))
				}
			}
		}
		if sum.norm() == 0 {
			return types.Value{}, false
		}
		return types.NewDynamic(geoJSONPoint(fromVec(sum))), true
	})
	registerGeo("geo_line_interpolate_point", types.Dynamic, 2, 2, paramTypes(tDynamic, tNumber), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		f, ok2 := realArgs(v[1:], 1)
		if !ok || !ok2 || len(lines) != 1 || f[0] < 0 || f[0] > 1 {
			return types.Value{}, false
		}
		return types.NewDynamic(geoJSONPoint(interpolate(lines[0], f[0]*lineLength(lines[0])))), true
	})
	registerGeo("geo_line_locate_point", types.Real, 3, 3, paramTypes(tDynamic, tNumber, tNumber), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		pts, ok2 := pointArgs(v[1:], 1)
		if !ok || !ok2 || len(lines) != 1 {
			return types.Value{}, false
		}
		total := lineLength(lines[0])
		if total == 0 {
			return types.NewReal(0), true
		}
		_, _, along := closestOnLine(lines[0], pts[0])
		return types.NewReal(along / total), true
	})
	registerGeo("geo_intersects_2lines", types.Bool, 2, 2, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		a, ok := geoLines(v[0].D)
		b, ok2 := geoLines(v[1].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		return types.NewBool(anyEdgesCross(edges(a), edges(b))), true
	})
	registerGeo("geo_intersects_line_with_polygon", types.Bool, 2, 2, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		polys, ok2 := geoPolygons(v[1].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		for _, l := range lines {
			for _, p := range l {
				if geodesicPolygonsContain(polys, p) {
					return types.NewBool(true), true
				}
			}
		}
		return types.NewBool(anyEdgesCross(edges(lines), polygonEdges(polys))), true
	})
	registerGeo("geo_intersects_2polygons", types.Bool, 2, 2, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		a, ok := geoPolygons(v[0].D)
		b, ok2 := geoPolygons(v[1].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		for _, pa := range a {
			if geodesicPolygonsContain(b, pa[0][0]) {
				return types.NewBool(true), true
			}
		}
		for _, pb := range b {
			if geodesicPolygonsContain(a, pb[0][0]) {
				return types.NewBool(true), true
			}
		}
		return types.NewBool(anyEdgesCross(polygonEdges(a), polygonEdges(b))), true
	})
}
