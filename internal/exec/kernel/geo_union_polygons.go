package kernel

import (
	"context"

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
		arr, ok := v[0].D.([]any)
		if !ok || len(arr) == 0 {
			return types.Value{}, false
		}
		parts := make([]ovPolygon, len(arr))
		for i, d := range arr {
			polys, ok := geoPolygons(d)
			if !ok {
				return types.Value{}, false
			}
			if parts[i], ok = ovPolygonFromGeo(ctx, polys); !ok {
				return types.Value{}, false
			}
		}
		united, ok := ovUnionAll(ctx, parts)
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

// unitedPolygons returns the members of a MultiPolygon united (members may overlap, and Kusto measures
// the region they cover); a single polygon is returned as it is. ok is false when the members are too
// large to unite (see ovMaxVertices).
func unitedPolygons(polys [][][]geoPoint) (united [][][]geoPoint, ok bool) {
	if len(polys) < 2 {
		return polys, true
	}
	p, ok := ovPolygonFromGeo(context.Background(), polys)
	return ovRings(p), ok
}
