package kernel

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_line_densify and geo_polygon_densify turn planar edges (straight in longitude/latitude) into chains
// that follow them within tolerance meters (default 10, allowed 0.1 to 10,000) when read as great-circle
// arcs: an edge is halved at its planar midpoint until the arc and the planar edge are that close.

const maxDensifyPoints = 1 << 16 // bounds the output of a tiny tolerance over a long edge

// planarArcGap estimates how far the great-circle arc ab strays from the planar edge ab: the distance between
// their midpoints.
func planarArcGap(a, b geoPoint) float64 {
	planarMid := geoPoint{(a.lng + b.lng) / 2, (a.lat + b.lat) / 2}
	arcMid := fromVec(toVec(a).add(toVec(b)))
	return sphereDistance(planarMid, arcMid)
}

func densifyEdge(a, b geoPoint, tol float64, out []geoPoint, depth int) []geoPoint {
	if depth > 20 || len(out) >= maxDensifyPoints || planarArcGap(a, b) <= tol {
		return append(out, b)
	}
	mid := geoPoint{(a.lng + b.lng) / 2, (a.lat + b.lat) / 2}
	out = densifyEdge(a, mid, tol, out, depth+1)
	return densifyEdge(mid, b, tol, out, depth+1)
}

func densifyChain(chain []geoPoint, tol float64) []geoPoint {
	out := []geoPoint{chain[0]}
	for i := 0; i+1 < len(chain); i++ {
		out = densifyEdge(chain[i], chain[i+1], tol, out, 0)
	}
	return out
}

func densifyTolerance(v []types.Value) (float64, bool) {
	if len(v) < 2 {
		return 10, true
	}
	t, ok := realArgs(v[1:], 1)
	if !ok || t[0] < 0.1 || t[0] > 10000 || math.IsNaN(t[0]) {
		return 0, false
	}
	return t[0], true
}

func init() {
	registerGeo("geo_line_densify", types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		tol, ok2 := densifyTolerance(v)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		b := types.NewBag()
		if len(lines) == 1 {
			b.Set("type", "LineString")
			b.Set("coordinates", chainToDyn(densifyChain(lines[0], tol)))
		} else {
			coords := make([]any, len(lines))
			for i, l := range lines {
				coords[i] = chainToDyn(densifyChain(l, tol))
			}
			b.Set("type", "MultiLineString")
			b.Set("coordinates", coords)
		}
		return types.NewDynamic(b), true
	})
	registerGeo("geo_polygon_densify", types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		tol, ok2 := densifyTolerance(v)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		out := make([]any, len(polys))
		for i, rings := range polys {
			rs := make([]any, len(rings))
			for j, r := range rings {
				rs[j] = chainToDyn(densifyChain(r, tol))
			}
			out[i] = rs
		}
		b := types.NewBag()
		if len(out) == 1 {
			b.Set("type", "Polygon")
			b.Set("coordinates", out[0])
		} else {
			b.Set("type", "MultiPolygon")
			b.Set("coordinates", out)
		}
		return types.NewDynamic(b), true
	})
}
