package kernel

import (
	"math"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_intersection_2lines: the points and stretches that two lines share, with edges as great-circle arcs;
// geo_intersection_line_with_polygon: the parts of a line inside a polygon; geo_closest_point_on_polygon:
// the point of a polygon nearest a given point.

// arcEps is the angular tolerance (radians, about 0.6 mm on Earth) under which points coincide.
const arcEps = 1e-10

// onArc reports whether x (a unit vector on the great circle of a and b, whose normal is n) lies on arc ab.
func onArc(x, a, b, n vec3) bool {
	return a.cross(x).dot(n) >= -arcEps && x.cross(b).dot(n) >= -arcEps
}

func unit(v vec3) vec3 { return v.scale(1 / v.norm()) }

// sharedPart is the intersection of arc ab with arc cd: a point, a stretch (from, to), or nothing.
type sharedPart struct {
	point    bool
	from, to geoPoint
}

func arcIntersection(a, b, c, d geoPoint) (sharedPart, bool) {
	va, vb, vc, vd := toVec(a), toVec(b), toVec(c), toVec(d)
	n1, n2 := va.cross(vb), vc.cross(vd)
	if n1.norm() < arcEps || n2.norm() < arcEps {
		return sharedPart{}, false
	}
	n1, n2 = unit(n1), unit(n2)
	dir := n1.cross(n2)
	if dir.norm() < arcEps {
		// The same great circle: the arcs share the stretch between the inner ends, if any.
		pos := func(x vec3) float64 { return math.Atan2(va.cross(x).dot(n1), va.dot(x)) }
		lo, hi := 0.0, pos(vb)
		type end struct {
			at float64
			p  geoPoint
		}
		from, to := end{lo, a}, end{hi, b}
		pc, pd := pos(vc), pos(vd)
		if n1.dot(n2) < 0 {
			pc, pd = pd, pc
			c, d = d, c
		}
		if pc > from.at {
			from = end{pc, c}
		}
		if pd < to.at {
			to = end{pd, d}
		}
		switch {
		case from.at > to.at+arcEps:
			return sharedPart{}, false
		case to.at-from.at <= arcEps:
			return sharedPart{point: true, from: from.p}, true
		}
		return sharedPart{from: from.p, to: to.p}, true
	}
	x := unit(dir)
	for _, cand := range []vec3{x, x.scale(-1)} {
		if onArc(cand, va, vb, n1) && onArc(cand, vc, vd, n2) {
			// An end point that lies on the other arc is reported as given, not as recomputed.
			for _, p := range []geoPoint{a, b, c, d} {
				if toVec(p).angleTo(cand) < arcEps {
					return sharedPart{point: true, from: p}, true
				}
			}
			p := fromVec(cand)
			return sharedPart{point: true, from: geoPoint{p.lng + 0, p.lat + 0}}, true // + 0 turns -0 into 0
		}
	}
	return sharedPart{}, false
}

func samePoint(p, q geoPoint) bool { return toVec(p).angleTo(toVec(q)) < arcEps }

// linesIntersection collects the shared points and stretches of two sets of lines as GeoJSON: an empty
// GeometryCollection, a Point or MultiPoint, a LineString or MultiLineString, or a GeometryCollection of both.
func linesIntersection(a, b [][]geoPoint) *types.Bag {
	var points []geoPoint
	var chains [][]geoPoint
	for _, e := range edges(a) {
		for _, f := range edges(b) {
			part, ok := arcIntersection(e[0], e[1], f[0], f[1])
			switch {
			case !ok:
			case part.point:
				points = append(points, part.from)
			default:
				if n := len(chains); n > 0 && samePoint(chains[n-1][len(chains[n-1])-1], part.from) {
					chains[n-1] = append(chains[n-1], part.to)
				} else {
					chains = append(chains, []geoPoint{part.from, part.to})
				}
			}
		}
	}
	// A point already on a shared stretch, or listed before, is not repeated.
	var lone []geoPoint
	for _, p := range points {
		covered := false
		for _, q := range lone {
			covered = covered || samePoint(p, q)
		}
		for _, c := range chains {
			for i := 0; i+1 < len(c) && !covered; i++ {
				va, vb := toVec(c[i]), toVec(c[i+1])
				covered = samePoint(p, c[i]) || samePoint(p, c[i+1]) || onArc(toVec(p), va, vb, unit(va.cross(vb))) &&
					math.Abs(toVec(p).dot(unit(va.cross(vb)))) < arcEps
			}
		}
		if !covered {
			lone = append(lone, p)
		}
	}
	var geoms []any
	switch len(lone) {
	case 0:
	case 1:
		geoms = append(geoms, geoJSONPoint(lone[0]))
	default:
		mp := types.NewBag()
		mp.Set("type", "MultiPoint")
		mp.Set("coordinates", chainToDyn(lone))
		geoms = append(geoms, mp)
	}
	switch len(chains) {
	case 0:
	case 1:
		ls := types.NewBag()
		ls.Set("type", "LineString")
		ls.Set("coordinates", chainToDyn(chains[0]))
		geoms = append(geoms, ls)
	default:
		coords := make([]any, len(chains))
		for i, c := range chains {
			coords[i] = chainToDyn(c)
		}
		ml := types.NewBag()
		ml.Set("type", "MultiLineString")
		ml.Set("coordinates", coords)
		geoms = append(geoms, ml)
	}
	if len(geoms) == 1 {
		return geoms[0].(*types.Bag)
	}
	gc := types.NewBag()
	gc.Set("type", "GeometryCollection")
	if geoms == nil {
		geoms = []any{}
	}
	gc.Set("geometries", geoms)
	return gc
}

// clipLines cuts the lines where they cross the polygons' edges and keeps the pieces inside (the polygon
// includes its boundary), joined into chains where they meet.
func clipLines(lines [][]geoPoint, polys [][][]geoPoint) [][]geoPoint {
	polyEdges := polygonEdges(polys)
	var chains [][]geoPoint
	for _, line := range lines {
		var cur []geoPoint
		flush := func() {
			if len(cur) > 1 {
				chains = append(chains, cur)
			}
			cur = nil
		}
		for i := 0; i+1 < len(line); i++ {
			a, b := line[i], line[i+1]
			va := toVec(a)
			// Cut points along the edge, ordered by their distance from a.
			type cut struct {
				at float64
				p  geoPoint
			}
			cuts := []cut{{0, a}, {va.angleTo(toVec(b)), b}}
			for _, e := range polyEdges {
				part, ok := arcIntersection(a, b, e[0], e[1])
				if !ok {
					continue
				}
				cuts = append(cuts, cut{va.angleTo(toVec(part.from)), part.from})
				if !part.point {
					cuts = append(cuts, cut{va.angleTo(toVec(part.to)), part.to})
				}
			}
			sort.Slice(cuts, func(x, y int) bool { return cuts[x].at < cuts[y].at })
			for k := 0; k+1 < len(cuts); k++ {
				p, q := cuts[k], cuts[k+1]
				if q.at-p.at < arcEps {
					continue
				}
				mid := fromVec(toVec(p.p).add(toVec(q.p)))
				if !geodesicPolygonsContain(polys, mid) {
					flush()
					continue
				}
				if len(cur) == 0 {
					cur = append(cur, p.p)
				}
				cur = append(cur, q.p)
			}
		}
		flush()
	}
	return chains
}

func linesGeoJSON(chains [][]geoPoint) *types.Bag {
	b := types.NewBag()
	switch len(chains) {
	case 0:
		b.Set("type", "GeometryCollection")
		b.Set("geometries", []any{})
	case 1:
		b.Set("type", "LineString")
		b.Set("coordinates", chainToDyn(chains[0]))
	default:
		coords := make([]any, len(chains))
		for i, c := range chains {
			coords[i] = chainToDyn(c)
		}
		b.Set("type", "MultiLineString")
		b.Set("coordinates", coords)
	}
	return b
}

func init() {
	registerGeo("geo_intersection_line_with_polygon", types.Dynamic, 2, 2, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		polys, ok2 := geoPolygons(v[1].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		return types.NewDynamic(linesGeoJSON(clipLines(lines, polys))), true
	})
	registerGeo("geo_intersection_2lines", types.Dynamic, 2, 2, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		a, ok := geoLines(v[0].D)
		b, ok2 := geoLines(v[1].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		return types.NewDynamic(linesIntersection(a, b)), true
	})
	registerGeo("geo_closest_point_on_polygon", types.Dynamic, 3, 3, paramTypes(tNumber, tNumber, tDynamic), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 1)
		polys, ok2 := geoPolygons(v[2].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		// A point inside the polygon is its own closest point; otherwise the nearest is on a ring.
		if geodesicPolygonsContain(polys, pts[0]) {
			return types.NewDynamic(geoJSONPoint(pts[0])), true
		}
		best, bestD := geoPoint{}, math.Inf(1)
		for _, rings := range polys {
			for _, r := range rings {
				if c, d, _ := closestOnLine(r, pts[0]); d < bestD {
					best, bestD = c, d
				}
			}
		}
		return types.NewDynamic(geoJSONPoint(best)), true
	})
}
