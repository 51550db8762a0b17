package kernel

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_intersection_2polygons: the intersection of two polygons or multipolygons on the sphere. Polygons
// contain their boundary, so where they only touch the result holds points or lines: one kind of geometry
// is returned as it is, several as a GeometryCollection (points, then lines, then polygons), none as an
// empty GeometryCollection.

func ovVerticesToDyn(vs []ovVertex) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = []any{v.p.lng, v.p.lat}
	}
	return out
}

// ovResultGeoJSON is an overlay's result as GeoJSON.
func ovResultGeoJSON(r ovResult) *types.Bag {
	var geoms []*types.Bag
	switch len(r.points) {
	case 0:
	case 1:
		geoms = append(geoms, geoJSONPoint(r.points[0].p))
	default:
		b := types.NewBag()
		b.Set("type", "MultiPoint")
		b.Set("coordinates", ovVerticesToDyn(r.points))
		geoms = append(geoms, b)
	}
	switch len(r.lines) {
	case 0:
	case 1:
		b := types.NewBag()
		b.Set("type", "LineString")
		b.Set("coordinates", ovVerticesToDyn(r.lines[0]))
		geoms = append(geoms, b)
	default:
		coords := make([]any, len(r.lines))
		for i, l := range r.lines {
			coords[i] = ovVerticesToDyn(l)
		}
		b := types.NewBag()
		b.Set("type", "MultiLineString")
		b.Set("coordinates", coords)
		geoms = append(geoms, b)
	}
	if p := ovPolygonGeoJSON(r.poly); p != nil {
		geoms = append(geoms, p)
	}
	if len(geoms) == 1 {
		return geoms[0]
	}
	gc := types.NewBag()
	gc.Set("type", "GeometryCollection")
	list := make([]any, len(geoms))
	for i, g := range geoms {
		list[i] = g
	}
	gc.Set("geometries", list)
	return gc
}

func init() {
	registerGeoCtx("geo_intersection_2polygons", types.Dynamic, 2, 2, paramTypes(tDynamic), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		a, ok := geoPolygons(v[0].D)
		b, ok2 := geoPolygons(v[1].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		pa, ok := ovPolygonFromGeo(ctx, a)
		pb, ok2 := ovPolygonFromGeo(ctx, b)
		if !ok || !ok2 || pa.numVertices()+pb.numVertices() > ovMaxVertices {
			return types.Value{}, false
		}
		r, ok := ovOverlay(ctx, pa, pb, true)
		if !ok {
			return types.Value{}, false
		}
		return types.NewDynamic(ovResultGeoJSON(r)), true
	})
}
