package kernel

import (
	"errors"
	"math"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// H3 cells (Uber's hexagonal hierarchical grid): an icosahedron whose 20 faces carry a hexagonal ijk grid, 122
// base cells at resolution 0 and seven children per cell (aperture 7) down to resolution 15. An index packs
// the mode (1 for a cell), resolution, base cell and one 3-bit digit per resolution; its token is the index in
// lowercase hex. Odd resolutions (class III) are rotated against the face axes by asin(sqrt(3/28)).

const (
	h3MaxRes        = 15
	h3Epsilon       = 1e-16
	h3Sqrt7         = 2.6457513110645905905016157536392604257102
	h3Sin60         = 0.8660254037844386467637231707529361834714
	h3ApRotRads     = 0.333473172251832115336090755351601070065900389
	h3Res0UGnomonic = 0.38196601125010500003
	h3NoOverage     = 0
	h3FaceEdge      = 1
	h3NewFace       = 2
	h3KAxesDigit    = 1
	h3IKAxesDigit   = 5
	h3IAxesDigit    = 4
	h3InvalidDigit  = 7
	h3QuadrantIJ    = 1
	h3QuadrantKI    = 2
	h3QuadrantJK    = 3
)

// h3IJK is a position on a face's hexagonal grid in the three 120-degree axes i, j and k.
type h3IJK struct{ i, j, k int }

// h3FaceOrient is one face's view of a neighbouring face.
type h3FaceOrient struct {
	face      int
	translate h3IJK
	ccwRot60  int
}

// h3BaseCell is a resolution-0 cell: its home face and position there.
type h3BaseCell struct {
	face      int
	ijk       h3IJK
	pentagon  bool
	cwOffsets [2]int
}

// h3UnitVecs is the ijk step of each digit (0 centre, 1 k, 2 j, 3 jk, 4 i, 5 ik, 6 ij).
var h3UnitVecs = [7]h3IJK{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0}}

var (
	h3FaceCenterGeo [20]geoRad
	// h3AdjacentFaceDir[f][g] is the quadrant of face f in which face g lies, -1 when they do not touch.
	h3AdjacentFaceDir [20][20]int
)

// geoRad is a point in radians.
type geoRad struct{ lat, lng float64 }

func init() {
	for f, c := range h3FaceCenter {
		h3FaceCenterGeo[f] = geoRad{math.Asin(c[2]), math.Atan2(c[1], c[0])}
		for g := range h3AdjacentFaceDir[f] {
			h3AdjacentFaceDir[f][g] = -1
		}
		for q, n := range h3FaceNeighbors[f] {
			h3AdjacentFaceDir[f][n.face] = q
		}
	}
}

func (a h3IJK) add(b h3IJK) h3IJK { return h3IJK{a.i + b.i, a.j + b.j, a.k + b.k} }
func (a h3IJK) sub(b h3IJK) h3IJK { return h3IJK{a.i - b.i, a.j - b.j, a.k - b.k} }
func (a h3IJK) scale(f int) h3IJK { return h3IJK{a.i * f, a.j * f, a.k * f} }
func (a h3IJK) combine(iv, jv, kv h3IJK) h3IJK {
	return iv.scale(a.i).add(jv.scale(a.j)).add(kv.scale(a.k)).normalize()
}

// normalize makes every coordinate non-negative and at least one zero.
func (a h3IJK) normalize() h3IJK {
	if a.i < 0 {
		a.j -= a.i
		a.k -= a.i
		a.i = 0
	}
	if a.j < 0 {
		a.i -= a.j
		a.k -= a.j
		a.j = 0
	}
	if a.k < 0 {
		a.i -= a.k
		a.j -= a.k
		a.k = 0
	}
	m := min(a.i, a.j, a.k)
	return h3IJK{a.i - m, a.j - m, a.k - m}
}

func (a h3IJK) upAp7() h3IJK {
	i, j := a.i-a.k, a.j-a.k
	return h3IJK{int(math.Round(float64(3*i-j) / 7)), int(math.Round(float64(i+2*j) / 7)), 0}.normalize()
}

func (a h3IJK) upAp7r() h3IJK {
	i, j := a.i-a.k, a.j-a.k
	return h3IJK{int(math.Round(float64(2*i+j) / 7)), int(math.Round(float64(3*j-i) / 7)), 0}.normalize()
}

func (a h3IJK) downAp7() h3IJK  { return a.combine(h3IJK{3, 0, 1}, h3IJK{1, 3, 0}, h3IJK{0, 1, 3}) }
func (a h3IJK) downAp7r() h3IJK { return a.combine(h3IJK{3, 1, 0}, h3IJK{0, 3, 1}, h3IJK{1, 0, 3}) }
func (a h3IJK) downAp3() h3IJK  { return a.combine(h3IJK{2, 0, 1}, h3IJK{1, 2, 0}, h3IJK{0, 1, 2}) }
func (a h3IJK) downAp3r() h3IJK { return a.combine(h3IJK{2, 1, 0}, h3IJK{0, 2, 1}, h3IJK{1, 0, 2}) }
func (a h3IJK) rot60ccw() h3IJK { return a.combine(h3IJK{1, 1, 0}, h3IJK{0, 1, 1}, h3IJK{1, 0, 1}) }
func (a h3IJK) rot60cw() h3IJK  { return a.combine(h3IJK{1, 0, 1}, h3IJK{1, 1, 0}, h3IJK{0, 1, 1}) }

// digit is the direction digit of a unit step, h3InvalidDigit when it is not one.
func (a h3IJK) digit() int {
	n := a.normalize()
	for d, u := range h3UnitVecs {
		if n == u {
			return d
		}
	}
	return h3InvalidDigit
}

func (a h3IJK) hex2d() (x, y float64) {
	i, j := float64(a.i-a.k), float64(a.j-a.k)
	return i - 0.5*j, j * h3Sin60
}

// h3Hex2dToIJK finds the grid cell that holds a point of the face plane.
func h3Hex2dToIJK(x, y float64) h3IJK {
	a1, a2 := math.Abs(x), math.Abs(y)
	x2 := a2 / h3Sin60
	x1 := a1 + x2/2
	m1, m2 := int(x1), int(x2)
	r1, r2 := x1-float64(m1), x2-float64(m2)
	var i, j int
	switch {
	case r1 < 0.5 && r1 < 1.0/3:
		i = m1
		j = m2
		if r2 >= (1+r1)/2 {
			j++
		}
	case r1 < 0.5:
		j = m2
		if r2 >= 1-r1 {
			j++
		}
		i = m1
		if 1-r1 <= r2 && r2 < 2*r1 {
			i++
		}
	case r1 < 2.0/3:
		j = m2
		if r2 >= 1-r1 {
			j++
		}
		i = m1 + 1
		if 2*r1-1 < r2 && r2 < 1-r1 {
			i = m1
		}
	default:
		i = m1 + 1
		j = m2
		if r2 >= r1/2 {
			j++
		}
	}
	if x < 0 {
		if j%2 == 0 {
			i -= 2 * (i - j/2)
		} else {
			i -= 2*(i-(j+1)/2) + 1
		}
	}
	if y < 0 {
		i -= (2*j + 1) / 2
		j = -j
	}
	return h3IJK{i, j, 0}.normalize()
}

func classIII(res int) bool { return res%2 == 1 }

func posAngle(a float64) float64 {
	t := math.Mod(a, 2*math.Pi)
	if t < 0 {
		t += 2 * math.Pi
	}
	return t
}

// h3GeoToFaceIJK projects a point onto the nearest icosahedron face and finds its cell there.
func h3GeoToFaceIJK(p geoRad, res int) (int, h3IJK) {
	v := [3]float64{math.Cos(p.lat) * math.Cos(p.lng), math.Cos(p.lat) * math.Sin(p.lng), math.Sin(p.lat)}
	face, best := 0, 5.0
	for f, c := range h3FaceCenter {
		d := (c[0]-v[0])*(c[0]-v[0]) + (c[1]-v[1])*(c[1]-v[1]) + (c[2]-v[2])*(c[2]-v[2])
		if d < best {
			face, best = f, d
		}
	}
	r := math.Acos(1 - best/2)
	if r < h3Epsilon {
		return face, h3IJK{}
	}
	c := h3FaceCenterGeo[face]
	az := math.Atan2(math.Cos(p.lat)*math.Sin(p.lng-c.lng), math.Cos(c.lat)*math.Sin(p.lat)-math.Sin(c.lat)*math.Cos(p.lat)*math.Cos(p.lng-c.lng))
	theta := posAngle(h3FaceAxesAz[face][0] - posAngle(az))
	if classIII(res) {
		theta = posAngle(theta - h3ApRotRads)
	}
	r = math.Tan(r) / h3Res0UGnomonic
	for range res {
		r *= h3Sqrt7
	}
	return face, h3Hex2dToIJK(r*math.Cos(theta), r*math.Sin(theta))
}

// h3Hex2dToGeo is the inverse gnomonic projection of a face-plane point; substrate points are on the
// aperture-3 vertex grid (a third of a cell, and class III rotated already).
func h3Hex2dToGeo(x, y float64, face, res int, substrate bool) geoRad {
	c := h3FaceCenterGeo[face]
	r := math.Hypot(x, y)
	if r < h3Epsilon {
		return c
	}
	theta := math.Atan2(y, x)
	for range res {
		r /= h3Sqrt7
	}
	if substrate {
		r /= 3
		if classIII(res) {
			r /= h3Sqrt7
		}
	}
	r = math.Atan(r * h3Res0UGnomonic)
	if !substrate && classIII(res) {
		theta = posAngle(theta + h3ApRotRads)
	}
	az := posAngle(h3FaceAxesAz[face][0] - theta)
	lat := math.Asin(math.Max(-1, math.Min(1, math.Sin(c.lat)*math.Cos(r)+math.Cos(c.lat)*math.Sin(r)*math.Cos(az))))
	if math.Abs(lat-math.Pi/2) < h3Epsilon || math.Abs(lat+math.Pi/2) < h3Epsilon {
		return geoRad{lat, 0}
	}
	sinLng := math.Sin(az) * math.Sin(r) / math.Cos(lat)
	cosLng := (math.Cos(r) - math.Sin(c.lat)*math.Sin(lat)) / math.Cos(c.lat) / math.Cos(lat)
	lng := c.lng + math.Atan2(math.Max(-1, math.Min(1, sinLng)), math.Max(-1, math.Min(1, cosLng)))
	for lng > math.Pi {
		lng -= 2 * math.Pi
	}
	for lng < -math.Pi {
		lng += 2 * math.Pi
	}
	return geoRad{lat, lng}
}

// Index bit fields.
func h3Res(h uint64) int          { return int(h >> 52 & 15) }
func h3BaseCellOf(h uint64) int   { return int(h >> 45 & 127) }
func h3Digit(h uint64, r int) int { return int(h >> (uint(h3MaxRes-r) * 3) & 7) }
func h3SetDigit(h uint64, r, d int) uint64 {
	s := uint(h3MaxRes-r) * 3
	return h&^(7<<s) | uint64(d)<<s
}

func h3NewIndex(res, baseCell int) uint64 {
	h := uint64(1)<<59 | uint64(res)<<52 | uint64(baseCell)<<45
	for r := 1; r <= h3MaxRes; r++ {
		h = h3SetDigit(h, r, h3InvalidDigit)
	}
	return h
}

func h3LeadingDigit(h uint64) int {
	for r := 1; r <= h3Res(h); r++ {
		if d := h3Digit(h, r); d != 0 {
			return d
		}
	}
	return 0
}

var (
	h3DigitCCW = [8]int{0, 5, 3, 1, 6, 4, 2, 7}
	h3DigitCW  = [8]int{0, 3, 6, 2, 5, 1, 4, 7}
)

func h3Rotate(h uint64, table *[8]int) uint64 {
	for r := 1; r <= h3Res(h); r++ {
		h = h3SetDigit(h, r, table[h3Digit(h, r)])
	}
	return h
}

// h3RotatePent60ccw rotates a pentagon's descendant, stepping around the deleted k-axis subsequence.
func h3RotatePent60ccw(h uint64) uint64 {
	found := false
	for r := 1; r <= h3Res(h); r++ {
		h = h3SetDigit(h, r, h3DigitCCW[h3Digit(h, r)])
		if !found && h3Digit(h, r) != 0 {
			found = true
			if h3LeadingDigit(h) == h3KAxesDigit {
				h = h3Rotate(h, &h3DigitCCW)
			}
		}
	}
	return h
}

// h3Valid reports whether h is a well-formed cell index.
func h3Valid(h uint64) bool {
	if h>>63 != 0 || h>>59&15 != 1 || h>>56&7 != 0 {
		return false
	}
	bc := h3BaseCellOf(h)
	if bc >= len(h3BaseCells) {
		return false
	}
	res := h3Res(h)
	for r := 1; r <= h3MaxRes; r++ {
		d := h3Digit(h, r)
		if (r <= res) == (d == h3InvalidDigit) {
			return false
		}
	}
	return !h3BaseCells[bc].pentagon || h3LeadingDigit(h) != h3KAxesDigit
}

func h3Parse(tok string) (uint64, bool) {
	if tok == "" || len(tok) > 16 {
		return 0, false
	}
	h, err := strconv.ParseUint(tok, 16, 64)
	if err != nil || !h3Valid(h) {
		return 0, false
	}
	return h, true
}

func h3Token(h uint64) string { return strconv.FormatUint(h, 16) }

// h3FromFaceIJK is the index of the cell at ijk on face at resolution res; 0 when it is off the grid.
func h3FromFaceIJK(face int, ijk h3IJK, res int) uint64 {
	h := h3NewIndex(res, 0)
	for r := res - 1; r >= 0; r-- {
		last := ijk
		var center h3IJK
		if classIII(r + 1) {
			ijk = ijk.upAp7()
			center = ijk.downAp7()
		} else {
			ijk = ijk.upAp7r()
			center = ijk.downAp7r()
		}
		h = h3SetDigit(h, r+1, last.sub(center).digit())
	}
	if ijk.i > 2 || ijk.j > 2 || ijk.k > 2 {
		return 0
	}
	entry := h3FaceIJKBaseCells[face][ijk.i][ijk.j][ijk.k]
	bc, rots := entry[0], entry[1]
	h = h&^(127<<45) | uint64(bc)<<45
	if h3BaseCells[bc].pentagon {
		if h3LeadingDigit(h) == h3KAxesDigit {
			if bc := h3BaseCells[bc]; bc.cwOffsets[0] == face || bc.cwOffsets[1] == face {
				h = h3Rotate(h, &h3DigitCW)
			} else {
				h = h3Rotate(h, &h3DigitCCW)
			}
		}
		for range rots {
			h = h3RotatePent60ccw(h)
		}
	} else {
		for range rots {
			h = h3Rotate(h, &h3DigitCCW)
		}
	}
	return h
}

func h3FromGeo(p geoPoint, res int) uint64 {
	face, ijk := h3GeoToFaceIJK(geoRad{rad(p.lat), rad(p.lng)}, res)
	return h3FromFaceIJK(face, ijk, res)
}

// h3AdjustOverage moves a class II position that lies past its face's edge onto the neighbouring face.
//
// rot, when not nil, gains the 60-degree ccw turns between the old face's axes and the new one's.
func h3AdjustOverage(face *int, ijk *h3IJK, res int, pentLeading4, substrate bool, rot *int) int {
	maxDim := 2
	unit := 1
	for range res / 2 {
		maxDim *= 7
		unit *= 7
	}
	if substrate {
		maxDim *= 3
	}
	sum := ijk.i + ijk.j + ijk.k
	if substrate && sum == maxDim {
		return h3FaceEdge
	}
	if sum <= maxDim {
		return h3NoOverage
	}
	var orient h3FaceOrient
	switch {
	case ijk.k > 0 && ijk.j > 0:
		orient = h3FaceNeighbors[*face][h3QuadrantJK]
	case ijk.k > 0:
		orient = h3FaceNeighbors[*face][h3QuadrantKI]
		if pentLeading4 {
			origin := h3IJK{maxDim, 0, 0}
			*ijk = ijk.sub(origin).rot60cw().add(origin)
			if rot != nil {
				*rot += 5
			}
		}
	default:
		orient = h3FaceNeighbors[*face][h3QuadrantIJ]
	}
	*face = orient.face
	if rot != nil {
		*rot += orient.ccwRot60
	}
	for range orient.ccwRot60 {
		*ijk = ijk.rot60ccw()
	}
	trans := orient.translate.scale(unit)
	if substrate {
		trans = trans.scale(3)
	}
	*ijk = ijk.add(trans).normalize()
	if substrate && ijk.i+ijk.j+ijk.k == maxDim {
		return h3FaceEdge
	}
	return h3NewFace
}

// h3HomeIJK is the cell's position in its base cell's home-face frame (possibly past that face's edge), and
// whether it may lie past the edge.
func h3HomeIJK(h uint64) (int, h3IJK, bool) {
	bc := h3BaseCells[h3BaseCellOf(h)]
	if bc.pentagon && h3LeadingDigit(h) == h3IKAxesDigit {
		h = h3Rotate(h, &h3DigitCW)
	}
	ijk := bc.ijk
	res := h3Res(h)
	overage := bc.pentagon || !(res == 0 || ijk == h3IJK{})
	for r := 1; r <= res; r++ {
		if classIII(r) {
			ijk = ijk.downAp7()
		} else {
			ijk = ijk.downAp7r()
		}
		ijk = ijk.add(h3UnitVecs[h3Digit(h, r)]).normalize()
	}
	return bc.face, ijk, overage
}

// h3ToFaceIJK is the cell's face and position there, carried onto the face that holds its centre.
func h3ToFaceIJK(h uint64) (int, h3IJK) {
	face, ijk, _ := h3ToFaceIJKRot(h)
	return face, ijk
}

// h3ToFaceIJKRot is h3ToFaceIJK that also gives the 60-degree ccw turns (0..5) from the home face's axes
// to those of the face returned.
func h3ToFaceIJKRot(h uint64) (int, h3IJK, int) {
	face, ijk, overage := h3HomeIJK(h)
	rot := 0
	if !overage {
		return face, ijk, rot
	}
	bcNum := h3BaseCellOf(h)
	pent := h3BaseCells[bcNum].pentagon
	lead := h3LeadingDigit(h)
	if pent && lead == h3IKAxesDigit {
		lead = h3DigitCW[lead]
	}
	orig := ijk
	res := h3Res(h)
	if classIII(res) {
		ijk = ijk.downAp7r()
		res++
	}
	if h3AdjustOverage(&face, &ijk, res, pent && lead == h3IAxesDigit, false, &rot) != h3NoOverage {
		if pent {
			for h3AdjustOverage(&face, &ijk, res, false, false, &rot) != h3NoOverage {
			}
		}
		if res != h3Res(h) {
			ijk = ijk.upAp7r()
		}
	} else if res != h3Res(h) {
		ijk = orig
	}
	return face, ijk, rot % 6
}

func (g geoRad) point() geoPoint { return geoPoint{g.lng * 180 / math.Pi, g.lat * 180 / math.Pi} }

func h3Center(h uint64) geoPoint {
	face, ijk := h3ToFaceIJK(h)
	x, y := ijk.hex2d()
	return h3Hex2dToGeo(x, y, face, h3Res(h), false).point()
}

func h3Intersect(p0x, p0y, p1x, p1y, p2x, p2y, p3x, p3y float64) (float64, float64) {
	s1x, s1y := p1x-p0x, p1y-p0y
	s2x, s2y := p3x-p2x, p3y-p2y
	t := (s2x*(p0y-p2y) - s2y*(p0x-p2x)) / (-s2x*s1y + s1x*s2y)
	return p0x + t*s1x, p0y + t*s1y
}

// h3FaceEdge returns the ends, on the aperture-3 substrate, of face's edge in the given quadrant.
func h3FaceEdgeEnds(quadrant, res int) (ax, ay, bx, by float64) {
	maxDim := 2.0
	for range res / 2 {
		maxDim *= 7
	}
	v := [3][2]float64{{3 * maxDim, 0}, {-1.5 * maxDim, 3 * h3Sin60 * maxDim}, {-1.5 * maxDim, -3 * h3Sin60 * maxDim}}
	switch quadrant {
	case h3QuadrantIJ:
		return v[0][0], v[0][1], v[1][0], v[1][1]
	case h3QuadrantJK:
		return v[1][0], v[1][1], v[2][0], v[2][1]
	default:
		return v[2][0], v[2][1], v[0][0], v[0][1]
	}
}

// h3Boundary is the cell's outline, counter-clockwise, with a vertex added where a class III edge crosses an
// icosahedron edge (the cell is drawn on two faces there).
func h3Boundary(h uint64) []geoPoint {
	centerFace, ijk := h3ToFaceIJK(h)
	res := h3Res(h)
	pent := h3BaseCells[h3BaseCellOf(h)].pentagon && h3LeadingDigit(h) == 0
	offsets := []h3IJK{{2, 1, 0}, {1, 2, 0}, {0, 2, 1}, {0, 1, 2}, {1, 0, 2}, {2, 0, 1}}
	if classIII(res) {
		offsets = []h3IJK{{5, 4, 0}, {1, 5, 0}, {0, 5, 4}, {0, 1, 5}, {4, 0, 5}, {5, 0, 1}}
	}
	n := 6
	if pent {
		n = 5
	}
	ijk = ijk.downAp3().downAp3r()
	adjRes := res
	if classIII(res) {
		ijk = ijk.downAp7r()
		adjRes++
	}
	type faceIJK struct {
		face int
		ijk  h3IJK
	}
	verts := make([]faceIJK, n)
	for v := range n {
		verts[v] = faceIJK{centerFace, ijk.add(offsets[v]).normalize()}
	}
	extra := 0
	if classIII(res) {
		extra = 1
	}
	var out []geoPoint
	lastFace, lastOverage := -1, h3NoOverage
	var last faceIJK
	for vert := 0; vert < n+extra; vert++ {
		v := vert % n
		cur := verts[v]
		overage := h3NoOverage
		if pent {
			for h3AdjustOverage(&cur.face, &cur.ijk, adjRes, false, true, nil) == h3NewFace {
			}
		} else {
			overage = h3AdjustOverage(&cur.face, &cur.ijk, adjRes, false, true, nil)
		}
		if classIII(res) && vert > 0 {
			if pent {
				tmp := cur
				x0, y0 := last.ijk.hex2d()
				dir := h3AdjacentFaceDir[tmp.face][last.face]
				if dir >= 0 {
					orient := h3FaceNeighbors[tmp.face][dir]
					tmp.face = orient.face
					t := tmp.ijk
					for range orient.ccwRot60 {
						t = t.rot60ccw()
					}
					unit := 1
					for range adjRes / 2 {
						unit *= 7
					}
					t = t.add(orient.translate.scale(unit * 3)).normalize()
					x1, y1 := t.hex2d()
					if q := h3AdjacentFaceDir[tmp.face][cur.face]; q >= 0 {
						ax, ay, bx, by := h3FaceEdgeEnds(q, adjRes)
						ix, iy := h3Intersect(x0, y0, x1, y1, ax, ay, bx, by)
						out = append(out, h3Hex2dToGeo(ix, iy, tmp.face, adjRes, true).point())
					}
				}
			} else if cur.face != lastFace && lastOverage != h3FaceEdge {
				x0, y0 := verts[(v+n-1)%n].ijk.hex2d()
				x1, y1 := verts[v].ijk.hex2d()
				face2 := lastFace
				if lastFace == centerFace {
					face2 = cur.face
				}
				if q := h3AdjacentFaceDir[centerFace][face2]; q >= 0 {
					ax, ay, bx, by := h3FaceEdgeEnds(q, adjRes)
					ix, iy := h3Intersect(x0, y0, x1, y1, ax, ay, bx, by)
					atVertex := (math.Abs(ix-x0) < 1e-9 && math.Abs(iy-y0) < 1e-9) || (math.Abs(ix-x1) < 1e-9 && math.Abs(iy-y1) < 1e-9)
					if !atVertex {
						out = append(out, h3Hex2dToGeo(ix, iy, centerFace, adjRes, true).point())
					}
				}
			}
		}
		if vert < n {
			x, y := cur.ijk.hex2d()
			out = append(out, h3Hex2dToGeo(x, y, cur.face, adjRes, true).point())
		}
		lastFace, lastOverage, last = cur.face, overage, cur
	}
	return out
}

// h3Parent is the ancestor at resolution res.
func h3Parent(h uint64, res int) uint64 {
	p := h&^(15<<52) | uint64(res)<<52
	for r := res + 1; r <= h3MaxRes; r++ {
		p = h3SetDigit(p, r, h3InvalidDigit)
	}
	return p
}

// h3Children lists the descendants at resolution res in index order; a pentagon's deleted k-axis child
// is skipped.
func h3Children(h uint64, res int) []uint64 {
	cur := []uint64{h}
	for r := h3Res(h) + 1; r <= res; r++ {
		next := make([]uint64, 0, len(cur)*7)
		for _, c := range cur {
			c = c&^(15<<52) | uint64(r)<<52
			centerPent := h3BaseCells[h3BaseCellOf(c)].pentagon && h3LeadingDigit(h3SetDigit(c, r, 0)) == 0
			for d := 0; d < 7; d++ {
				if centerPent && d == h3KAxesDigit {
					continue
				}
				next = append(next, h3SetDigit(c, r, d))
			}
		}
		cur = next
	}
	return cur
}

// h3Offset is the cell whose centre lies at delta from h's centre, delta being in the axes of h's base
// cell's home face. The step is taken on the face that holds h's centre (its axes turned to match), and
// projected from there, so a step past that face's edge lands in the cell across it.
func h3Offset(h uint64, delta h3IJK) uint64 {
	face, ijk, rot := h3ToFaceIJKRot(h)
	for range rot {
		delta = delta.rot60ccw()
	}
	x, y := ijk.add(delta).hex2d()
	res := h3Res(h)
	g := h3Hex2dToGeo(x, y, face, res, false)
	f, cell := h3GeoToFaceIJK(g, res)
	return h3FromFaceIJK(f, cell, res)
}

// h3RingDirections is the walk around a ring, starting from its cell in the i direction (H3's order).
var h3RingDirections = [6]int{2, 3, 1, 5, 4, 6}

// h3Rings lists the cells at each distance 0..k from h, each ring walked counter-clockwise from its cell in
// the i direction, ending with that cell; a cell already listed (a pentagon's distortion) is not repeated.
func h3Rings(h uint64, k int) [][]uint64 {
	seen := map[uint64]bool{h: true}
	rings := [][]uint64{{h}}
	for ring := 1; ring <= k; ring++ {
		pos := h3UnitVecs[h3IAxesDigit].scale(ring)
		var cells []uint64
		for _, d := range h3RingDirections {
			for range ring {
				pos = pos.add(h3UnitVecs[d])
				if c := h3Offset(h, pos); c != 0 && !seen[c] {
					seen[c] = true
					cells = append(cells, c)
				}
			}
		}
		rings = append(rings, cells)
	}
	return rings
}

func h3Tokens(cells []uint64) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = h3Token(c)
	}
	return out
}

func init() {
	registerRowFunc("geo_point_to_h3cell", nil, types.String, 2, 3, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
		pts, ok := pointArgs(v, 1)
		res := 6
		if len(v) > 2 {
			l, lok := toLongValue(v[2])
			if v[2].Null || !lok || l < 0 || l > h3MaxRes {
				return types.NewString("")
			}
			res = int(l)
		}
		if !ok {
			return types.NewString("")
		}
		return types.NewString(h3Token(h3FromGeo(pts[0], res)))
	})
	registerGeo("geo_h3cell_to_central_point", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		h, ok := h3Parse(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		return types.NewDynamic(geoJSONPoint(h3Center(h))), true
	})
	registerGeo("geo_h3cell_to_polygon", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		h, ok := h3Parse(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		ring := h3Boundary(h)
		ring = append(ring, ring[0])
		b := types.NewBag()
		b.Set("type", "Polygon")
		b.Set("coordinates", []any{chainToDyn(ring)})
		return types.NewDynamic(b), true
	})
	registerGeo("geo_h3cell_level", types.Int, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		h, ok := h3Parse(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		return types.NewInt(int64(h3Res(h))), true
	})
	registerRowFunc("geo_h3cell_parent", nil, types.String, 1, 2, paramTypes(tString, tNumber), func(_ *Context, v []types.Value) types.Value {
		h, ok := h3Parse(v[0].S)
		if !ok {
			return types.NewString("")
		}
		res := h3Res(h) - 1
		if len(v) > 1 {
			l, lok := toLongValue(v[1])
			if v[1].Null || !lok || l < 0 || l > int64(h3Res(h)) {
				return types.NewString("")
			}
			res = int(l)
		}
		if res < 0 {
			return types.NewString("")
		}
		return types.NewString(h3Token(h3Parent(h, res)))
	})
	registerGeo("geo_h3cell_children", types.Dynamic, 1, 2, paramTypes(tString, tNumber), func(v []types.Value) (types.Value, bool) {
		h, ok := h3Parse(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		res := h3Res(h) + 1
		if len(v) > 1 {
			l, lok := toLongValue(v[1])
			if v[1].Null || !lok {
				return types.Value{}, false
			}
			res = int(l)
		}
		// The reference allows children at most 5 levels down (16807 cells).
		if res < h3Res(h) || res > h3MaxRes || res-h3Res(h) > 5 {
			return types.Value{}, false
		}
		return types.NewDynamic(h3Tokens(h3Children(h, res))), true
	})
	registerGeo("geo_h3cell_neighbors", types.Dynamic, 1, 1, paramTypes(tString), func(v []types.Value) (types.Value, bool) {
		h, ok := h3Parse(v[0].S)
		if !ok {
			return types.Value{}, false
		}
		return types.NewDynamic(h3Tokens(h3Rings(h, 1)[1])), true
	})
	registerGeo("geo_h3cell_rings", types.Dynamic, 2, 2, paramTypes(tString, tNumber), func(v []types.Value) (types.Value, bool) {
		h, ok := h3Parse(v[0].S)
		k, kok := toLongValue(v[1])
		// The reference's valid distances are 0..142.
		if !ok || v[1].Null || !kok || k < 0 || k > 142 {
			return types.Value{}, false
		}
		rings := h3Rings(h, int(k))
		out := make([]any, len(rings))
		for i, r := range rings {
			out[i] = h3Tokens(r)
		}
		return types.NewDynamic(out), true
	})
}

// h3MaxPolygonCells is the reference's limit on the cells of one geo_polygon_to_h3cells result.
const h3MaxPolygonCells = 61680

// h3PolygonCells lists the cells at res whose centres lie inside the polygons (edges straight in degrees,
// as the reference says), in the order a flood from the polygons' outlines reaches them; false when there
// are more than the reference's limit.
func h3PolygonCells(polys [][][]geoPoint, res int) ([]uint64, bool) {
	// Seed with the cells along every ring, sampled finer than a cell, so that each group of inside
	// centres is next to a seed.
	edgeKm := 1107.71 // res-0 hexagon edge in km, shrinking by sqrt(7) per resolution
	for range res {
		edgeKm /= h3Sqrt7
	}
	seen := map[uint64]bool{}
	var queue []uint64
	visit := func(h uint64) {
		if h != 0 && !seen[h] {
			seen[h] = true
			queue = append(queue, h)
		}
	}
	for _, rings := range polys {
		for _, r := range rings {
			for i := 0; i+1 < len(r); i++ {
				steps := int(sphereDistance(r[i], r[i+1])/1000/(edgeKm/2)) + 1
				if steps > 4*h3MaxPolygonCells {
					return nil, false
				}
				for s := 0; s <= steps; s++ {
					f := float64(s) / float64(steps)
					visit(h3FromGeo(geoPoint{r[i].lng + f*(r[i+1].lng-r[i].lng), r[i].lat + f*(r[i+1].lat-r[i].lat)}, res))
				}
			}
		}
	}
	var out []uint64
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		inside := polygonsContain(polys, h3Center(h))
		if inside {
			out = append(out, h)
			if len(out) > h3MaxPolygonCells {
				return nil, false
			}
		}
		// Seeds (on the outline) and inside cells spread the flood, to inside cells only.
		for _, n := range h3Rings(h, 1)[1] {
			if !seen[n] && polygonsContain(polys, h3Center(n)) {
				visit(n)
			}
		}
	}
	return out, true
}

func init() {
	rows := evalRows(fixedType(types.Dynamic), func(_ *Context, v []types.Value) types.Value {
		polys, ok := geoPolygons(v[0].D)
		res := 6
		if len(v) > 1 {
			l, lok := toLongValue(v[1])
			if v[1].Null || !lok || l < 0 || l > h3MaxRes {
				ok = false
			}
			res = int(l)
		}
		if !ok {
			return nullV(types.Dynamic)
		}
		cells, ok := h3PolygonCells(polys, res)
		if !ok {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(h3Tokens(cells))
	})
	RegisterScalar(&Scalar{
		Name: "geo_polygon_to_h3cells", MinArgs: 1, MaxArgs: 3,
		Result: fixedResult("geo_polygon_to_h3cells", types.Dynamic, 1, 3, tDynamic, tNumber, tNumber),
		Eval: func(ctx *Context, args []Arg, n int) (*types.Column, error) {
			// A buffer radius needs polygon buffering, which kqlhunt does not have: refuse it rather than
			// return cells of the unbuffered polygon.
			if len(args) > 2 {
				for i := range n {
					if r := args[2].Value(i); !r.Null {
						if f, ok := toRealValue(r); !ok || f != 0 {
							return nil, errors.New("geo_polygon_to_h3cells(): a buffer radius is not supported by kqlhunt (polygon buffering is not implemented); omit it or pass 0")
						}
					}
				}
			}
			return rows(ctx, args, n)
		},
	})
}
