package kernel

import (
	"context"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_line_buffer and geo_polygon_buffer: the region within a radius of lines or polygons on the sphere,
// built as the union of a disk around every vertex (geo_point_buffer's polygon), a strip along every
// edge, and for polygons the polygon itself. Line ends are round; both sides of a line are buffered.

// edgeStrip is the quadrilateral (or, for long edges, the band) holding the points within radius of
// arc ab on either side, counterclockwise: the right side from a to b, the left side back. Each side is
// a small circle at the radius from the edge's great circle, followed in steps short enough that the
// chords between them stay within tolerance of it. ok is false when the strip would need more than
// ovMaxVertices vertices (a long edge at a fine tolerance); a degenerate edge has no strip (nil, ok).
func edgeStrip(a, b geoPoint, radius, tolerance float64) (strip []geoPoint, ok bool) {
	va, vb := toVec(a), toVec(b)
	n := va.cross(vb)
	if n.norm() < ovMergeEps {
		return nil, true
	}
	n = unit(n)
	theta := va.angleTo(vb)
	rho := radius / earthRadius
	// A chord of the side circle over an angle step s sags by about radius·s²/8 below it.
	steps := 1
	if sag := earthRadius * math.Cos(rho) * theta * theta / 8; sag > tolerance {
		s := math.Ceil(math.Sqrt(sag / tolerance))
		if !(2*s < ovMaxVertices) {
			return nil, false
		}
		steps = int(s)
	}
	along := func(t float64) vec3 {
		// the point at fraction t of the arc (spherical linear interpolation)
		wa, wb := math.Sin((1-t)*theta)/math.Sin(theta), math.Sin(t*theta)/math.Sin(theta)
		return va.scale(wa).add(vb.scale(wb))
	}
	var right, left []geoPoint
	for k := 0; k <= steps; k++ {
		x := along(float64(k) / float64(steps))
		right = append(right, fromVec(x.scale(math.Cos(rho)).add(n.scale(-math.Sin(rho)))))
		left = append(left, fromVec(x.scale(math.Cos(rho)).add(n.scale(math.Sin(rho)))))
	}
	ring := right
	for k := len(left) - 1; k >= 0; k-- {
		ring = append(ring, left[k])
	}
	return append(ring, ring[0]), true
}

// bufferParts lists the polygons whose union is the buffer of the given chains (lines or rings); ok is false
// when they would hold more than ovMaxVertices vertices (the union is not attempted then).
func bufferParts(chains [][]geoPoint, radius, tolerance float64) (parts []ovPolygon, ok bool) {
	seen := map[geoPoint]bool{}
	total := 0
	add := func(ring []geoPoint) bool {
		total += len(ring)
		parts = append(parts, ovPolygonFromRings([][]geoPoint{ring}))
		return total <= ovMaxVertices
	}
	for _, c := range chains {
		for i, p := range c {
			if !seen[p] {
				seen[p] = true
				if !add(pointBuffer(p, radius, tolerance)) {
					return nil, false
				}
			}
			if i+1 < len(c) {
				strip, ok := edgeStrip(p, c[i+1], radius, tolerance)
				if !ok || strip != nil && !add(strip) {
					return nil, false
				}
			}
		}
	}
	return parts, true
}

// unitedBuffer is the GeoJSON of the union of parts (with the buffer parts of chains); ok is false when there
// is nothing left or the work is over budget or cancelled.
func unitedBuffer(ctx context.Context, parts []ovPolygon, chains [][]geoPoint, radius, tolerance float64) (*types.Bag, bool) {
	buffers, ok := bufferParts(chains, radius, tolerance)
	if !ok {
		return nil, false
	}
	united, ok := ovUnionAll(ctx, append(parts, buffers...))
	if !ok {
		return nil, false
	}
	out := ovPolygonGeoJSON(united)
	return out, out != nil
}

func init() {
	registerGeoCtx("geo_line_buffer", types.Dynamic, 2, 3, paramTypes(tDynamic, tNumber), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		radius, tolerance, rok := bufferRadius(v, 1)
		if !ok || !rok {
			return types.Value{}, false
		}
		out, ok := unitedBuffer(ctx, nil, lines, radius, tolerance)
		return types.NewDynamic(out), ok
	})
	registerGeoCtx("geo_polygon_buffer", types.Dynamic, 2, 3, paramTypes(tDynamic, tNumber), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		radius, tolerance, rok := bufferRadius(v, 1)
		if !ok || !rok {
			return types.Value{}, false
		}
		var rings [][]geoPoint
		parts := make([]ovPolygon, 0, len(polys))
		for _, p := range polys {
			parts = append(parts, ovPolygonFromRings(p))
			rings = append(rings, p...)
		}
		out, ok := unitedBuffer(ctx, parts, rings, radius, tolerance)
		return types.NewDynamic(out), ok
	})
}
