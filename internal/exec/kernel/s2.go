package kernel

import (
	"math"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// S2 cells (the S2 geometry library's scheme): geo_point_to_s2cell, geo_s2cell_to_central_point and
// geo_s2cell_to_polygon. A cell id holds a cube face and the Hilbert-curve position of the cell on it; its
// token is the id in hex without trailing zeros. Points go to the cube through the quadratic projection.

const (
	s2MaxLevel   = 30
	s2MaxSize    = 1 << s2MaxLevel
	s2LookupBits = 4
	s2SwapMask   = 1
	s2InvertMask = 2
)

var (
	s2PosToIJ          = [4][4]int{{0, 1, 3, 2}, {0, 2, 3, 1}, {3, 2, 0, 1}, {3, 1, 0, 2}}
	s2PosToOrientation = [4]int{s2SwapMask, 0, 0, s2InvertMask | s2SwapMask}
	s2LookupPos        [1 << (2*s2LookupBits + 2)]int
	s2LookupIJ         [1 << (2*s2LookupBits + 2)]int
)

func init() {
	for _, o := range []int{0, s2SwapMask, s2InvertMask, s2SwapMask | s2InvertMask} {
		s2InitLookup(0, 0, 0, o, 0, o)
	}
}

// s2InitLookup fills the tables that map 4 bits of i and j to 8 bits of Hilbert position and back.
func s2InitLookup(level, i, j, origOrientation, pos, orientation int) {
	if level == s2LookupBits {
		ij := i<<s2LookupBits + j
		s2LookupPos[ij<<2+origOrientation] = pos<<2 + orientation
		s2LookupIJ[pos<<2+origOrientation] = ij<<2 + orientation
		return
	}
	level++
	i, j, pos = i<<1, j<<1, pos<<2
	r := s2PosToIJ[orientation]
	for idx := 0; idx < 4; idx++ {
		s2InitLookup(level, i+r[idx]>>1, j+r[idx]&1, origOrientation, pos+idx, orientation^s2PosToOrientation[idx])
	}
}

func s2FromFaceIJ(face, i, j int) uint64 {
	n := uint64(face) << 60
	bits := face & s2SwapMask
	for k := 7; k >= 0; k-- {
		mask := 1<<s2LookupBits - 1
		bits += (i >> (k * s2LookupBits) & mask) << (s2LookupBits + 2)
		bits += (j >> (k * s2LookupBits) & mask) << 2
		bits = s2LookupPos[bits]
		n |= uint64(bits>>2) << (uint(k) * 2 * s2LookupBits)
		bits &= s2SwapMask | s2InvertMask
	}
	return n*2 + 1
}

// s2FaceIJ decodes the face and leaf coordinates of an id.
func s2FaceIJ(id uint64) (face, i, j int) {
	face = int(id >> 61)
	orientation := face & s2SwapMask
	nbits := s2MaxLevel - 7*s2LookupBits
	for k := 7; k >= 0; k-- {
		orientation += int(id>>(uint(k)*2*s2LookupBits+1)&(1<<(2*uint(nbits))-1)) << 2
		orientation = s2LookupIJ[orientation]
		i += (orientation >> (s2LookupBits + 2)) << (uint(k) * s2LookupBits)
		j += (orientation >> 2 & (1<<s2LookupBits - 1)) << (uint(k) * s2LookupBits)
		orientation &= s2SwapMask | s2InvertMask
		nbits = s2LookupBits
	}
	return face, i, j
}

func s2Level(id uint64) int {
	tz := 0
	for id&1 == 0 && tz < 64 {
		id >>= 1
		tz++
	}
	return s2MaxLevel - tz/2
}

func s2UVToST(u float64) float64 {
	if u >= 0 {
		return 0.5 * math.Sqrt(1+3*u)
	}
	return 1 - 0.5*math.Sqrt(1-3*u)
}

func s2STToUV(s float64) float64 {
	if s >= 0.5 {
		return (4*s*s - 1) / 3
	}
	return (1 - 4*(1-s)*(1-s)) / 3
}

func s2FaceUVToXYZ(face int, u, v float64) vec3 {
	switch face {
	case 0:
		return vec3{1, u, v}
	case 1:
		return vec3{-u, 1, v}
	case 2:
		return vec3{-u, -v, 1}
	case 3:
		return vec3{-1, -v, -u}
	case 4:
		return vec3{v, -1, -u}
	}
	return vec3{v, u, -1}
}

func s2XYZToFaceUV(p vec3) (int, float64, float64) {
	ax, ay, az := math.Abs(p.x), math.Abs(p.y), math.Abs(p.z)
	face, c := 0, p.x
	if ay > ax {
		face, c = 1, p.y
		if az > ay {
			face, c = 2, p.z
		}
	} else if az > ax {
		face, c = 2, p.z
	}
	if c < 0 {
		face += 3
	}
	switch face {
	case 0:
		return face, p.y / p.x, p.z / p.x
	case 1:
		return face, -p.x / p.y, p.z / p.y
	case 2:
		return face, -p.x / p.z, -p.y / p.z
	case 3:
		return face, p.z / p.x, p.y / p.x
	case 4:
		return face, p.z / p.y, -p.x / p.y
	}
	return face, -p.y / p.z, -p.x / p.z
}

func s2STToIJ(s float64) int {
	return max(0, min(s2MaxSize-1, int(math.Floor(s2MaxSize*s))))
}

// s2CellID is the id of the level-level cell holding p.
func s2CellID(p geoPoint, level int) uint64 {
	face, u, v := s2XYZToFaceUV(toVec(p))
	leaf := s2FromFaceIJ(face, s2STToIJ(s2UVToST(u)), s2STToIJ(s2UVToST(v)))
	lsb := uint64(1) << (2 * uint(s2MaxLevel-level))
	return leaf&-lsb | lsb
}

func s2Token(id uint64) string {
	if id == 0 {
		return "X"
	}
	return strings.TrimRight(strconv.FormatUint(id, 16), "0")
}

// s2ParseToken pads a token to 16 hex digits and reads the id; false when it is not a valid cell id.
func s2ParseToken(tok string) (uint64, bool) {
	if tok == "" || len(tok) > 16 {
		return 0, false
	}
	id, err := strconv.ParseUint(tok+strings.Repeat("0", 16-len(tok)), 16, 64)
	if err != nil || id>>61 > 5 || id&(-id)&0x5555555555555555 == 0 {
		return 0, false // a face above 5, or a lowest set bit at an odd position, is not a cell
	}
	return id, true
}

// s2CellBounds returns the face and the cell's s and t ranges.
func s2CellBounds(id uint64) (face int, s0, s1, t0, t1 float64) {
	face, i, j := s2FaceIJ(id)
	size := 1 << uint(s2MaxLevel-s2Level(id))
	i0, j0 := i&^(size-1), j&^(size-1)
	return face, float64(i0) / s2MaxSize, float64(i0+size) / s2MaxSize, float64(j0) / s2MaxSize, float64(j0+size) / s2MaxSize
}

func s2Point(face int, s, t float64) geoPoint {
	return fromVec(s2FaceUVToXYZ(face, s2STToUV(s), s2STToUV(t)))
}

func init() {
	registerRowFunc("geo_point_to_s2cell", nil, types.String, 2, 3, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
		pts, ok := pointArgs(v, 1)
		level := 11
		if len(v) > 2 {
			l, ok := toLongValue(v[2])
			if v[2].Null || !ok || l < 0 || l > s2MaxLevel {
				return types.NewString("")
			}
			level = int(l)
		}
		if !ok {
			return types.NewString("")
		}
		return types.NewString(s2Token(s2CellID(pts[0], level)))
	})
	registerGeo("geo_s2cell_to_central_point", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		id, ok := s2ParseToken(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		face, s0, s1, t0, t1 := s2CellBounds(id)
		return types.NewDynamic(geoJSONPoint(s2Point(face, (s0+s1)/2, (t0+t1)/2))), true
	})
	registerGeo("geo_s2cell_to_polygon", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		id, ok := s2ParseToken(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		face, s0, s1, t0, t1 := s2CellBounds(id)
		ring := []geoPoint{s2Point(face, s0, t0), s2Point(face, s1, t0), s2Point(face, s1, t1), s2Point(face, s0, t1)}
		ring = append(ring, ring[0])
		b := types.NewBag()
		b.Set("type", "Polygon")
		b.Set("coordinates", []any{chainToDyn(ring)})
		return types.NewDynamic(b), true
	})
}

// s2FromFaceIJWrap is the cell id of leaf (i, j) of face, where i or j may step one cell off the face: the
// point is then carried onto the adjacent face (as the S2 library does, through a linear projection that is
// exact on the shared edge).
func s2FromFaceIJWrap(face, i, j int) uint64 {
	if i >= 0 && i < s2MaxSize && j >= 0 && j < s2MaxSize {
		return s2FromFaceIJ(face, i, j)
	}
	i, j = max(-1, min(s2MaxSize, i)), max(-1, min(s2MaxSize, j))
	const limit = 1 + 2.220446049250313e-16
	u := math.Max(-limit, math.Min(limit, (2*float64(i-s2MaxSize/2)+1)/s2MaxSize))
	v := math.Max(-limit, math.Min(limit, (2*float64(j-s2MaxSize/2)+1)/s2MaxSize))
	f, u2, v2 := s2XYZToFaceUV(s2FaceUVToXYZ(face, u, v))
	return s2FromFaceIJ(f, s2STToIJ(0.5*(u2+1)), s2STToIJ(0.5*(v2+1)))
}

// s2Neighbors lists the cells around id at its level, in the S2 library's order (below-left, below-right,
// below, above, left, right, above-left, above-right); a cube corner has one fewer, and repeats are dropped.
func s2Neighbors(id uint64) []any {
	level := s2Level(id)
	face, i, j := s2FaceIJ(id)
	size := 1 << uint(s2MaxLevel-level)
	i, j = i&^(size-1), j&^(size-1)
	lsb := uint64(1) << (2 * uint(s2MaxLevel-level))
	parent := func(leaf uint64) uint64 { return leaf&-lsb | lsb }
	var ids []uint64
	for _, k := range []int{-size, 0, size} {
		if k == 0 {
			ids = append(ids, parent(s2FromFaceIJWrap(face, i, j-size)), parent(s2FromFaceIJWrap(face, i, j+size)))
		}
		// A diagonal step off two edges at once lands on a cube corner, which has no such neighbour.
		cornerBelow := k < 0 && j+k < 0
		cornerAbove := k > 0 && j+k >= s2MaxSize
		if !(cornerBelow || cornerAbove) || i-size >= 0 {
			ids = append(ids, parent(s2FromFaceIJWrap(face, i-size, j+k)))
		}
		if !(cornerBelow || cornerAbove) || i+size < s2MaxSize {
			ids = append(ids, parent(s2FromFaceIJWrap(face, i+size, j+k)))
		}
	}
	seen := map[uint64]bool{id: true}
	var out []any
	for _, n := range ids {
		if !seen[n] {
			seen[n] = true
			out = append(out, s2Token(n))
		}
	}
	return out
}

func init() {
	registerGeo("geo_s2cell_neighbors", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		id, ok := s2ParseToken(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		return types.NewDynamic(s2Neighbors(id)), true
	})
}
