package kernel

import (
	"context"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_polygon_centroid: the area-weighted centroid of a polygon or multipolygon on the sphere. Each ring is cut
// into triangles fanned from its first vertex; a triangle adds its vertex sum weighted by its signed spherical
// area, and holes count negatively.

// triangleArea is the signed spherical area (steradians) of triangle abc: positive when counterclockwise.
func triangleArea(a, b, c vec3) float64 {
	det := a.dot(b.cross(c))
	return 2 * math.Atan2(det, 1+a.dot(b)+b.dot(c)+c.dot(a))
}

// ringCentroidSum returns the area-weighted vertex sum of a ring and its absolute area.
func ringCentroidSum(r []geoPoint) (vec3, float64) {
	var sum vec3
	area := 0.0
	o := toVec(r[0])
	for i := 1; i+1 < len(r); i++ {
		b, c := toVec(r[i]), toVec(r[i+1])
		w := triangleArea(o, b, c)
		sum = sum.add(o.add(b).add(c).scale(w / 3))
		area += w
	}
	if area < 0 {
		return sum.scale(-1), -area
	}
	return sum, area
}

func init() {
	registerGeoCtx("geo_polygon_centroid", types.Dynamic, 1, 1, paramTypes(tDynamic), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		if !ok {
			return types.Value{}, false
		}
		if polys, ok = unitedPolygons(ctx, polys); !ok {
			return types.Value{}, false
		}
		var sum vec3
		for _, rings := range polys {
			for i, r := range rings {
				s, _ := ringCentroidSum(r)
				if i > 0 {
					s = s.scale(-1) // a hole takes its area away
				}
				sum = sum.add(s)
			}
		}
		if sum.norm() == 0 {
			return types.Value{}, false
		}
		return types.NewDynamic(geoJSONPoint(fromVec(sum))), true
	})
}
