package kernel

import (
	"context"
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Geospatial functions that are pure computation: geohash cells, distances, azimuths and angles, point in
// circle/polygon, line length, polygon area and perimeter. Coordinates are longitude, latitude in degrees
// (WGS-84); distances are on a sphere of radius 6371010 m (the S2 library's Earth, which Kusto's geo
// functions use). An invalid coordinate gives null.

const earthRadius = 6371010.0 // meters

func validLng(x float64) bool { return x >= -180 && x <= 180 }
func validLat(y float64) bool { return y >= -90 && y <= 90 }

// geoPoint is a point in degrees.
type geoPoint struct{ lng, lat float64 }

func rad(d float64) float64 { return d * math.Pi / 180 }

// sphereDistance is the great-circle distance in meters (haversine).
func sphereDistance(a, b geoPoint) float64 {
	dLat := rad(b.lat - a.lat)
	dLng := rad(b.lng - a.lng)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.lat))*math.Cos(rad(b.lat))*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// azimuth is the initial bearing from a to b in radians, clockwise from north, in [0, 2π).
func azimuth(a, b geoPoint) float64 {
	lat1, lat2 := rad(a.lat), rad(b.lat)
	dLng := rad(b.lng - a.lng)
	y := math.Sin(dLng) * math.Cos(lat2)
	x := math.Cos(lat1)*math.Sin(lat2) - math.Sin(lat1)*math.Cos(lat2)*math.Cos(dLng)
	az := math.Atan2(y, x)
	if az < 0 {
		az += 2 * math.Pi
	}
	return az
}

// realArgs reads n real arguments; false when one is null or not a number.
func realArgs(v []types.Value, n int) ([]float64, bool) {
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		if i >= len(v) || v[i].Null {
			return nil, false
		}
		x, ok := toRealValue(v[i])
		if !ok || math.IsNaN(x) {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// pointArgs reads count points as lng, lat pairs; false when one is null or out of range.
func pointArgs(v []types.Value, count int) ([]geoPoint, bool) {
	xs, ok := realArgs(v, 2*count)
	if !ok {
		return nil, false
	}
	pts := make([]geoPoint, count)
	for i := range pts {
		pts[i] = geoPoint{xs[2*i], xs[2*i+1]}
		if !validLng(pts[i].lng) || !validLat(pts[i].lat) {
			return nil, false
		}
	}
	return pts, true
}

const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// geohashEncode encodes a point with precision characters (longitude bits first, as the geohash scheme does).
func geohashEncode(p geoPoint, precision int) string {
	lngLo, lngHi, latLo, latHi := -180.0, 180.0, -90.0, 90.0
	var sb strings.Builder
	even := true
	bit, ch := 0, 0
	for sb.Len() < precision {
		if even {
			mid := (lngLo + lngHi) / 2
			if p.lng >= mid {
				ch = ch<<1 | 1
				lngLo = mid
			} else {
				ch <<= 1
				lngHi = mid
			}
		} else {
			mid := (latLo + latHi) / 2
			if p.lat >= mid {
				ch = ch<<1 | 1
				latLo = mid
			} else {
				ch <<= 1
				latHi = mid
			}
		}
		even = !even
		if bit++; bit == 5 {
			sb.WriteByte(geohashAlphabet[ch])
			bit, ch = 0, 0
		}
	}
	return sb.String()
}

// geohashBounds decodes a geohash to its cell; false when it is empty, too long or has a foreign character.
func geohashBounds(h string) (lngLo, lngHi, latLo, latHi float64, ok bool) {
	if h == "" || len(h) > 18 {
		return 0, 0, 0, 0, false
	}
	lngLo, lngHi, latLo, latHi = -180, 180, -90, 90
	even := true
	for i := 0; i < len(h); i++ {
		c := strings.IndexByte(geohashAlphabet, lowerASCII(h[i : i+1])[0])
		if c < 0 {
			return 0, 0, 0, 0, false
		}
		for b := 4; b >= 0; b-- {
			on := c>>b&1 == 1
			if even {
				mid := (lngLo + lngHi) / 2
				if on {
					lngLo = mid
				} else {
					lngHi = mid
				}
			} else {
				mid := (latLo + latHi) / 2
				if on {
					latLo = mid
				} else {
					latHi = mid
				}
			}
			even = !even
		}
	}
	return lngLo, lngHi, latLo, latHi, true
}

func geoJSONPoint(p geoPoint) *types.Bag {
	b := types.NewBag()
	b.Set("type", "Point")
	b.Set("coordinates", []any{p.lng, p.lat})
	return b
}

// geohashNeighbors lists the eight cells around h in the order the reference's example shows:
// SW, NW, SE, N, W, NE, E, S.
func geohashNeighbors(h string) ([]any, bool) {
	lngLo, lngHi, latLo, latHi, ok := geohashBounds(h)
	if !ok {
		return nil, false
	}
	w, hgt := lngHi-lngLo, latHi-latLo
	c := geoPoint{(lngLo + lngHi) / 2, (latLo + latHi) / 2}
	var out []any
	for _, d := range [][2]float64{{-1, -1}, {-1, 1}, {1, -1}, {0, 1}, {-1, 0}, {1, 1}, {1, 0}, {0, -1}} {
		lat := c.lat + d[1]*hgt
		if lat > 90 || lat < -90 {
			continue // no cell beyond a pole
		}
		lng := c.lng + d[0]*w
		if lng > 180 {
			lng -= 360
		} else if lng < -180 {
			lng += 360
		}
		out = append(out, geohashEncode(geoPoint{lng, lat}, len(h)))
	}
	return out, true
}

// geoLines reads a GeoJSON LineString or MultiLineString as lists of points; false when it is not valid.
func geoLines(d any) ([][]geoPoint, bool) {
	bag, ok := d.(*types.Bag)
	if !ok {
		return nil, false
	}
	typ, _ := bag.Vals["type"].(string)
	coords := bag.Vals["coordinates"]
	switch typ {
	case "LineString":
		line, ok := geoPointList(coords, 2)
		return [][]geoPoint{line}, ok
	case "MultiLineString":
		return geoPointLists(coords, 2)
	}
	return nil, false
}

// geoPolygons reads a GeoJSON Polygon or MultiPolygon as polygons of rings (the first ring is the shell).
func geoPolygons(d any) ([][][]geoPoint, bool) {
	bag, ok := d.(*types.Bag)
	if !ok {
		return nil, false
	}
	typ, _ := bag.Vals["type"].(string)
	coords := bag.Vals["coordinates"]
	switch typ {
	case "Polygon":
		rings, ok := geoRings(coords)
		return [][][]geoPoint{rings}, ok
	case "MultiPolygon":
		arr, ok := coords.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		var out [][][]geoPoint
		for _, p := range arr {
			rings, ok := geoRings(p)
			if !ok {
				// Kusto also accepts a member wrapped in one more array, as make_list(pack_array(
				// polygon.coordinates)) builds it.
				if wrapped, isArr := p.([]any); isArr && len(wrapped) == 1 {
					rings, ok = geoRings(wrapped[0])
				}
			}
			if !ok {
				return nil, false
			}
			out = append(out, rings)
		}
		return out, true
	}
	return nil, false
}

// geoRings reads the rings of one polygon: closed, with at least three distinct vertices each.
func geoRings(d any) ([][]geoPoint, bool) {
	rings, ok := geoPointLists(d, 4)
	if !ok {
		return nil, false
	}
	for _, r := range rings {
		if r[0] != r[len(r)-1] {
			return nil, false
		}
		distinct := map[geoPoint]bool{}
		for _, p := range r {
			distinct[p] = true
		}
		if len(distinct) < 3 {
			return nil, false
		}
	}
	return rings, true
}

func geoPointLists(d any, minPoints int) ([][]geoPoint, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) == 0 {
		return nil, false
	}
	out := make([][]geoPoint, len(arr))
	for i, e := range arr {
		if out[i], ok = geoPointList(e, minPoints); !ok {
			return nil, false
		}
	}
	return out, true
}

func geoPointList(d any, minPoints int) ([]geoPoint, bool) {
	arr, ok := d.([]any)
	if !ok || len(arr) < minPoints {
		return nil, false
	}
	out := make([]geoPoint, len(arr))
	for i, e := range arr {
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return nil, false
		}
		lng, ok1 := dynNumber(pair[0])
		lat, ok2 := dynNumber(pair[1])
		if !ok1 || !ok2 || !validLng(lng) || !validLat(lat) {
			return nil, false
		}
		out[i] = geoPoint{lng, lat}
	}
	return out, true
}

// ringContains tests a point against a ring by ray casting in longitude/latitude (edges as straight lines
// in degrees, which is close to the geodesic edges for the small polygons hunting queries use).
func ringContains(r []geoPoint, p geoPoint) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a.lat > p.lat) != (b.lat > p.lat) && p.lng < (b.lng-a.lng)*(p.lat-a.lat)/(b.lat-a.lat)+a.lng {
			in = !in
		}
	}
	return in
}

// ringArea is the area of a ring with geodesic edges, in square meters: the spherical excess of the
// triangles fanned from its first vertex. A ring is the smaller region it bounds.
func ringArea(r []geoPoint) float64 {
	sum := 0.0
	o := toVec(r[0])
	for i := 1; i+1 < len(r); i++ {
		sum += triangleArea(o, toVec(r[i]), toVec(r[i+1]))
	}
	sum = math.Abs(sum)
	return math.Min(sum, 4*math.Pi-sum) * earthRadius * earthRadius
}

func lineLength(line []geoPoint) float64 {
	total := 0.0
	for i := 0; i+1 < len(line); i++ {
		total += sphereDistance(line[i], line[i+1])
	}
	return total
}

func registerGeo(name string, t types.Type, min, max int, sets []typeSet, fn func(v []types.Value) (types.Value, bool)) {
	registerRowFunc(name, nil, t, min, max, sets, func(_ *Context, v []types.Value) types.Value {
		out, ok := fn(v)
		if !ok {
			return nullV(t)
		}
		return out
	})
}

// registerGeoCtx is registerGeo for the functions whose work on one row can be long (polygon overlays): fn
// gets the query's context to stop early when it is done.
func registerGeoCtx(name string, t types.Type, min, max int, sets []typeSet, fn func(ctx context.Context, v []types.Value) (types.Value, bool)) {
	registerRowFunc(name, nil, t, min, max, sets, func(kc *Context, v []types.Value) types.Value {
		ctx := kc.Ctx
		if ctx == nil {
			ctx = context.Background()
		}
		out, ok := fn(ctx, v)
		if !ok {
			return nullV(t)
		}
		return out
	})
}

func init() {
	registerRowFunc("geo_point_to_geohash", nil, types.String, 2, 3, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
		pts, ok := pointArgs(v, 1)
		precision := optInt(v, 2, 5)
		if !ok || precision < 1 || precision > 18 {
			return types.NewString("")
		}
		return types.NewString(geohashEncode(pts[0], precision))
	})
	registerGeo("geo_geohash_to_central_point", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		lngLo, lngHi, latLo, latHi, ok := geohashBounds(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		return types.NewDynamic(geoJSONPoint(geoPoint{(lngLo + lngHi) / 2, (latLo + latHi) / 2})), true
	})
	registerGeo("geo_geohash_to_polygon", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		lngLo, lngHi, latLo, latHi, ok := geohashBounds(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		b := types.NewBag()
		b.Set("type", "Polygon")
		b.Set("coordinates", []any{[]any{[]any{lngLo, latLo}, []any{lngHi, latLo}, []any{lngHi, latHi},
			[]any{lngLo, latHi}, []any{lngLo, latLo}}})
		return types.NewDynamic(b), true
	})
	registerGeo("geo_geohash_neighbors", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		out, ok := geohashNeighbors(v[0].S)
		return types.NewDynamic(out), ok
	})
	registerGeo("geo_distance_2points", types.Real, 4, 4, paramTypes(tNumber), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 2)
		if !ok {
			return types.Value{}, false
		}
		return types.NewReal(sphereDistance(pts[0], pts[1])), true
	})
	registerGeo("geo_point_in_circle", types.Bool, 5, 5, paramTypes(tNumber), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 2)
		radius, ok2 := realArgs(v[4:], 1)
		if !ok || !ok2 || radius[0] < 0 {
			return types.Value{}, false
		}
		return types.NewBool(sphereDistance(pts[0], pts[1]) <= radius[0]), true
	})
	registerGeo("geo_azimuth", types.Real, 4, 4, paramTypes(tNumber), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 2)
		if !ok || pts[0] == pts[1] {
			return types.Value{}, false
		}
		return types.NewReal(azimuth(pts[0], pts[1])), true
	})
	registerGeo("geo_angle", types.Real, 6, 6, paramTypes(tNumber), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 3)
		if !ok || pts[0] == pts[1] || pts[2] == pts[1] {
			return types.Value{}, false
		}
		// The angle at the second point, measured clockwise from the first edge to the second.
		a := azimuth(pts[1], pts[2]) - azimuth(pts[1], pts[0])
		if a < 0 {
			a += 2 * math.Pi
		}
		return types.NewReal(a), true
	})
	registerGeo("geo_point_in_polygon", types.Bool, 3, 3, paramTypes(tNumber, tNumber, tDynamic), func(v []types.Value) (types.Value, bool) {
		pts, ok := pointArgs(v, 1)
		polys, ok2 := geoPolygons(v[2].D)
		if !ok || !ok2 {
			return types.Value{}, false
		}
		return types.NewBool(geodesicPolygonsContain(polys, pts[0])), true
	})
	registerGeo("geo_line_length", types.Real, 1, 1, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		lines, ok := geoLines(v[0].D)
		if !ok {
			return types.Value{}, false
		}
		total := 0.0
		for _, l := range lines {
			total += lineLength(l)
		}
		return types.NewReal(total), true
	})
	registerGeoCtx("geo_polygon_area", types.Real, 1, 1, paramTypes(tDynamic), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		if !ok {
			return types.Value{}, false
		}
		if polys, ok = unitedPolygons(ctx, polys); !ok {
			return types.Value{}, false
		}
		total := 0.0
		for _, rings := range polys {
			total += ringArea(rings[0])
			for _, hole := range rings[1:] {
				total -= ringArea(hole)
			}
		}
		return types.NewReal(total), true
	})
	registerGeoCtx("geo_polygon_perimeter", types.Real, 1, 1, paramTypes(tDynamic), func(ctx context.Context, v []types.Value) (types.Value, bool) {
		polys, ok := geoPolygons(v[0].D)
		if !ok {
			return types.Value{}, false
		}
		if polys, ok = unitedPolygons(ctx, polys); !ok {
			return types.Value{}, false
		}
		total := 0.0
		for _, rings := range polys {
			for _, r := range rings {
				total += lineLength(r)
			}
		}
		return types.NewReal(total), true
	})
}
