package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_polygon_to_s2cells: every cell of one level that meets a polygon (edges are geodesics).

// s2MaxCoverCells is the reference's limit on the cells of one covering.
const s2MaxCoverCells = 65536

// geodesicRingContains reports whether p is inside a ring whose edges are geodesics: the edges' signed
// angles seen from p add up to a full turn around an inside point and to about zero otherwise.
func geodesicRingContains(ring []geoPoint, p geoPoint) bool {
	pv := toVec(p)
	total := 0.0
	for i := 0; i+1 < len(ring); i++ {
		a, b := toVec(ring[i]), toVec(ring[i+1])
		ta, tb := a.add(pv.scale(-pv.dot(a))), b.add(pv.scale(-pv.dot(b)))
		total += math.Atan2(pv.dot(ta.cross(tb)), ta.dot(tb))
	}
	return math.Abs(total) > math.Pi
}

// geodesicPolygonsContain is polygonsContain with geodesic edges.
func geodesicPolygonsContain(polys [][][]geoPoint, p geoPoint) bool {
	for _, rings := range polys {
		if !geodesicRingContains(rings[0], p) {
			continue
		}
		inHole := false
		for _, h := range rings[1:] {
			inHole = inHole || geodesicRingContains(h, p)
		}
		if !inHole {
			return true
		}
	}
	return false
}

// s2CellMeetsPolygons reports whether cell id meets the polygons: its centre is inside them, or one of its
// edges crosses one of theirs (a polygon vertex inside the cell is found by the seeding).
func s2CellMeetsPolygons(id uint64, polys [][][]geoPoint, polyEdges [][2]geoPoint) bool {
	face, s0, s1, t0, t1 := s2CellBounds(id)
	if geodesicPolygonsContain(polys, s2Point(face, (s0+s1)/2, (t0+t1)/2)) {
		return true
	}
	corners := [5]geoPoint{s2Point(face, s0, t0), s2Point(face, s1, t0), s2Point(face, s1, t1), s2Point(face, s0, t1)}
	corners[4] = corners[0]
	for i := range 4 {
		for _, e := range polyEdges {
			if _, ok := arcIntersection(corners[i], corners[i+1], e[0], e[1]); ok {
				return true
			}
		}
	}
	return false
}

// s2PolygonCover lists the level cells meeting the polygons, flooding from the cells of their vertices;
// false when there are more than the reference's limit.
func s2PolygonCover(polys [][][]geoPoint, level int) ([]uint64, bool) {
	polyEdges := polygonEdges(polys)
	seen := map[uint64]bool{}
	var queue, out []uint64
	for _, rings := range polys {
		for _, r := range rings {
			for _, p := range r {
				if id := s2CellID(p, level); !seen[id] {
					seen[id] = true
					queue = append(queue, id)
					out = append(out, id)
				}
			}
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, tok := range s2Neighbors(id) {
			n, ok := s2ParseToken(tok.(string))
			if !ok || seen[n] {
				continue
			}
			seen[n] = true
			if s2CellMeetsPolygons(n, polys, polyEdges) {
				if len(out) >= s2MaxCoverCells {
					return nil, false
				}
				queue = append(queue, n)
				out = append(out, n)
			}
		}
	}
	return out, true
}

func init() {
	registerGeo("geo_polygon_to_s2cells", types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		level := 11
		if len(v) > 1 {
			l, lok := toLongValue(v[1])
			if v[1].Null || !lok || l < 0 || l > s2MaxLevel {
				return types.Value{}, false
			}
			level = int(l)
		}
		if !ok {
			return types.Value{}, false
		}
		cells, ok := s2PolygonCover(polys, level)
		if !ok {
			return types.Value{}, false
		}
		out := make([]any, len(cells))
		for i, c := range cells {
			out[i] = s2Token(c)
		}
		return types.NewDynamic(out), true
	})
}
