package kernel

import (
	"context"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_line_simplify and geo_polygon_simplify: Douglas-Peucker over great-circle edges, keeping the vertices
// farther than tolerance meters (default 10) from the simplified chain. A negative tolerance is null.

// simplifyChain returns the vertices of chain that Douglas-Peucker keeps.
func simplifyChain(chain []geoPoint, tolerance float64) []geoPoint {
	if len(chain) < 3 {
		return chain
	}
	keep := make([]bool, len(chain))
	keep[0], keep[len(chain)-1] = true, true
	var walk func(lo, hi int)
	walk = func(lo, hi int) {
		if hi-lo < 2 {
			return
		}
		a, b := toVec(chain[lo]), toVec(chain[hi])
		far, farD := -1, tolerance
		for i := lo + 1; i < hi; i++ {
			p := toVec(chain[i])
			if d := p.angleTo(closestOnEdge(p, a, b)) * earthRadius; d > farD {
				far, farD = i, d
			}
		}
		if far < 0 {
			return
		}
		keep[far] = true
		walk(lo, far)
		walk(far, hi)
	}
	walk(0, len(chain)-1)
	out := make([]geoPoint, 0, len(chain))
	for i, p := range chain {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

func chainToDyn(chain []geoPoint) []any {
	out := make([]any, len(chain))
	for i, p := range chain {
		out[i] = []any{p.lng, p.lat}
	}
	return out
}

func simplifyTolerance(v []types.Value, i int) (float64, bool) {
	if i >= len(v) {
		return 10, true
	}
	t, ok := realArgs(v[i:], 1)
	if !ok || t[0] < 0 || math.IsInf(t[0], 0) {
		return 0, false
	}
	return t[0], true
}

func init() {
	registerGeo("geo_line_simplify", types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		tol, ok2 := simplifyTolerance(v, 1)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		b := types.NewBag()
		if len(lines) == 1 {
			b.Set("type", "LineString")
			b.Set("coordinates", chainToDyn(simplifyChain(lines[0], tol)))
		} else {
			coords := make([]any, len(lines))
			for i, l := range lines {
				coords[i] = chainToDyn(simplifyChain(l, tol))
			}
			b.Set("type", "MultiLineString")
			b.Set("coordinates", coords)
		}
		return types.NewDynamic(b), true
	})
	registerGeo("geo_polygon_simplify", types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		tol, ok2 := simplifyTolerance(v, 1)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		out := simplifyPolygons(polys, tol)
		if len(out) == 0 {
			return types.Value{}, false
		}
		return types.NewDynamic(polygonsGeoJSON(out)), true
	})
	// geo_simplify_polygons_array: the union of the polygons, simplified. A tolerance so large that every
	// ring collapses leaves nothing, which is null.
	registerGeoCtx("geo_simplify_polygons_array", types.Dynamic, 1, 2, paramTypes(tDynamic, tNumber), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		tol, ok := simplifyTolerance(v, 1)
		if !ok || tol > maxSnapRadius {
			return types.Value{}, false
		}
		united, ok := unitePolygonArray(ctx, v[0].D)
		if !ok {
			return types.Value{}, false
		}
		out := simplifyPolygons(ovRings(united), tol)
		if len(out) == 0 {
			return types.Value{}, false
		}
		return types.NewDynamic(polygonsGeoJSON(out)), true
	})
}

// maxSnapRadius is the largest tolerance geo_simplify_polygons_array takes: S2's largest snap radius, 70°.
const maxSnapRadius = 70 * math.Pi / 180 * earthRadius

// simplifyPolygons simplifies each ring of the polygons as geo_polygon_simplify does; rings that collapse
// vanish (a shell with its holes). It returns nil when nothing is left.
func simplifyPolygons(polys [][][]geoPoint, tol float64) []any {
	var out []any
	for _, rings := range polys {
		var rs []any
		for ri, r := range rings {
			s := simplifyChain(r, tol)
			if len(s) < 4 {
				if ri == 0 {
					break // the shell collapsed: the polygon vanishes
				}
				continue // a collapsed hole vanishes
			}
			rs = append(rs, chainToDyn(s))
		}
		if len(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

func polygonsGeoJSON(out []any) *types.Bag {
	b := types.NewBag()
	if len(out) == 1 {
		b.Set("type", "Polygon")
		b.Set("coordinates", out[0])
	} else {
		b.Set("type", "MultiPolygon")
		b.Set("coordinates", out)
	}
	return b
}
