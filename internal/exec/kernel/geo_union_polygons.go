package kernel

import (
	"context"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_union_polygons_array: the union of an array of polygons and multipolygons, on the sphere.

// ovLoopToDyn is a loop as a closed GeoJSON ring.
func ovLoopToDyn(l ovLoop) []any {
	out := make([]any, 0, len(l)+1)
	for _, v := range l {
		out = append(out, []any{v.p.lng, v.p.lat})
	}
	return append(out, []any{l[0].p.lng, l[0].p.lat})
}

// ovPolygonGeoJSON is a polygon as GeoJSON: a Polygon for one shell, else a MultiPolygon; nil when empty.
func ovPolygonGeoJSON(p ovPolygon) *types.Bag {
	var polys []any
	for i, l := range p.loops {
		if p.depth[i]%2 == 0 {
			polys = append(polys, []any{ovLoopToDyn(l)})
			continue
		}
		if n := len(polys); n > 0 {
			polys[n-1] = append(polys[n-1].([]any), ovLoopToDyn(l))
		}
	}
	b := types.NewBag()
	switch len(polys) {
	case 0:
		return nil
	case 1:
		b.Set("type", "Polygon")
		b.Set("coordinates", polys[0])
	default:
		b.Set("type", "MultiPolygon")
		b.Set("coordinates", polys)
	}
	return b
}

func init() {
	registerGeoCtx("geo_union_polygons_array", types.Dynamic, 1, 1, paramTypes(tDynamic), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		united, ok := unitePolygonArray(ctx, v[0].D)
		if !ok {
			return types.Value{}, false
		}
		out := ovPolygonGeoJSON(united)
		if out == nil {
			return types.Value{}, false
		}
		return types.NewDynamic(out), true
	})
}

// unitePolygonArray unites a dynamic array of polygons and multipolygons (geo_union_polygons_array,
// geo_simplify_polygons_array). ok is false when d is not a non-empty array of valid polygons, or as for
// ovUnionAll.
func unitePolygonArray(ctx context.Context, d any) (ovPolygon, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) == 0 {
		return ovPolygon{}, false
	}
	parts := make([]ovPolygon, len(arr))
	for i, e := range arr {
		polys, ok := geoPolygons(e)
		if !ok {
			return ovPolygon{}, false
		}
		if parts[i], ok = ovPolygonFromGeo(ctx, polys); !ok {
			return ovPolygon{}, false
		}
	}
	return ovUnionAll(ctx, parts)
}

// ovRings is a polygon as lists of closed rings (each shell followed by its holes), the form the measuring
// functions take.
func ovRings(p ovPolygon) [][][]geoPoint {
	var out [][][]geoPoint
	for i, l := range p.loops {
		ring := make([]geoPoint, 0, len(l)+1)
		for _, v := range l {
			ring = append(ring, v.p)
		}
		ring = append(ring, l[0].p)
		if p.depth[i]%2 == 0 || len(out) == 0 {
			out = append(out, [][]geoPoint{ring})
		} else {
			out[len(out)-1] = append(out[len(out)-1], ring)
		}
	}
	return out
}

// unitedPolygons returns the members of a MultiPolygon united, as Kusto measures the region they cover (the
// area, perimeter and centroid pages: "the result will be the ... of polygons union"); a single polygon is
// returned as it is. Only members whose bounding caps meet are united: the others cannot overlap any member, so
// they are kept as they are and the measure of the whole is the sum of the members' (two separate rings of
// 140,000 vertices each are measured without an overlay). ok is false when a group of meeting members is too
// large to unite (see ovMaxVertices) or ctx is done.
func unitedPolygons(ctx context.Context, polys [][][]geoPoint) (united [][][]geoPoint, ok bool) {
	if len(polys) < 2 {
		return polys, true
	}
	caps := make([]geoCap, len(polys))
	for i, rings := range polys {
		caps[i] = boundingCap(rings[0])
	}
	group := make([]int, len(polys)) // union-find over the members whose caps meet
	for i := range group {
		group[i] = i
	}
	var root func(i int) int
	root = func(i int) int {
		for group[i] != i {
			group[i] = group[group[i]]
			i = group[i]
		}
		return i
	}
	for i := range polys {
		for j := i + 1; j < len(polys); j++ {
			if caps[i].meets(caps[j]) {
				group[root(i)] = root(j)
			}
		}
		if i%64 == 0 && ctx.Err() != nil {
			return nil, false
		}
	}
	members := map[int][][][]geoPoint{}
	var order []int
	for i, rings := range polys {
		r := root(i)
		if _, seen := members[r]; !seen {
			order = append(order, r)
		}
		members[r] = append(members[r], rings)
	}
	for _, r := range order {
		m := members[r]
		if len(m) == 1 {
			united = append(united, m[0])
			continue
		}
		p, ok := ovPolygonFromGeo(ctx, m)
		if !ok {
			return nil, false
		}
		united = append(united, ovRings(p)...)
	}
	return united, true
}

// geoCap is a spherical cap: the points within angle radius of center. An unbounded cap (a ring whose vertices
// do not fit in a cap smaller than a hemisphere) meets every cap.
type geoCap struct {
	center    vec3
	radius    float64
	unbounded bool
}

// boundingCap is a cap holding the region a shell bounds: centred on the mean of its vertices, as wide as the
// farthest vertex. Such a cap is narrower than a hemisphere and holds the ring's edges (it is convex), so the
// region outside it is connected, meets no edge and is larger than a hemisphere; the region a shell bounds is
// the smaller one, so it lies inside the cap.
func boundingCap(shell []geoPoint) geoCap {
	var sum vec3
	vs := make([]vec3, len(shell))
	for i, p := range shell {
		vs[i] = toVec(p)
		sum = sum.add(vs[i])
	}
	if sum.norm() < 1e-9 {
		return geoCap{unbounded: true}
	}
	c := unit(sum)
	r := 0.0
	for _, v := range vs {
		r = math.Max(r, c.angleTo(v))
	}
	if r >= math.Pi/2-1e-6 {
		return geoCap{unbounded: true}
	}
	return geoCap{center: c, radius: r}
}

// meets reports whether two caps may share a point (with a margin far above the overlay's merge distance).
func (a geoCap) meets(b geoCap) bool {
	if a.unbounded || b.unbounded {
		return true
	}
	return a.center.angleTo(b.center) <= a.radius+b.radius+1e-9
}
