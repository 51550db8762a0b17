package kernel

import (
	"context"
	"math"
	"sort"
)

// Boolean operations on spherical polygons (union, intersection), the way S2's S2BooleanOperation and
// S2Builder produce them, since Kusto's geo functions are built on S2:
//
//   - Edges are great-circle arcs. Each input edge has an id: the first operand's edges first, loop by loop,
//     then the second's. Edges are cut where they cross or touch the other operand's boundary; a piece is
//     kept when its middle lies outside (union) or inside (intersection) the other operand. A piece shared
//     by both operands in the same direction is kept once; pieces shared in opposite directions cancel.
//   - Output loops are found by turning left at each vertex and split at repeated vertices. Each loop is
//     rotated so that its piece of the highest input edge comes last, and loops are sorted by the input edge
//     of their first piece (S2Builder's canonical order, which preserves the input's order).
//   - Loops nest into shells and holes as S2Polygon does (shells in order, each followed by its holes).
//
// Unions of many polygons go pairwise, smallest first by vertex count (S2Polygon::DestructiveUnion), which
// decides the operand order and so where each output ring starts.

// ovMergeEps is the angle (radians, about 0.06 mm on Earth) under which two vertices are the same point,
// so that vertices computed twice (shared corners of adjacent cells) meet.
const ovMergeEps = 1e-11

// ovMaxVertices bounds the input vertices of one overlay call (all operands of a union together): an
// overlay takes some microseconds per vertex, so a row over this budget (a buffer of a long line at a fine
// tolerance, a union of a huge array) is null rather than seconds of work (which the query's context can
// interrupt: ovOverlay looks at it as it goes).
const ovMaxVertices = 1 << 18

// ovVertex is a point as a unit vector with its degrees (exact for input vertices).
type ovVertex struct {
	v vec3
	p geoPoint
}

func newOvVertex(p geoPoint) ovVertex { return ovVertex{toVec(p), p} }

func ovFromVec(v vec3) ovVertex {
	v = unit(v)
	p := fromVec(v)
	return ovVertex{v, geoPoint{p.lng + 0, p.lat + 0}}
}

// ovLoop is a loop without its closing vertex, its interior on the left (shells counterclockwise, holes
// clockwise).
type ovLoop []ovVertex

// ovPolygon is a polygon's loops in S2Polygon order: each shell followed by the loops nested in it.
type ovPolygon struct {
	loops []ovLoop
	depth []int // nesting depth of each loop: even for shells, odd for holes
}

func (p ovPolygon) numVertices() int {
	n := 0
	for _, l := range p.loops {
		n += len(l)
	}
	return n
}

// loopArea is the signed area (steradians) of the loop, from a fan of triangles: positive when the loop
// runs counterclockwise around the smaller region it bounds, negative when clockwise.
func loopArea(l ovLoop) float64 {
	if len(l) < 3 {
		return 0
	}
	o := l[0].v
	sum := 0.0
	for i := 1; i+1 < len(l); i++ {
		sum += triangleArea(o, l[i].v, l[i+1].v)
	}
	return sum
}

// winding is the number of times loop l winds counterclockwise around p (1 inside a shell, -1 inside a
// hole, 0 outside). The directions from p to the vertices are taken in the plane tangent at p, and the
// winding counts how often they turn through one fixed direction, as the planar winding-number test does.
func winding(l ovLoop, p vec3) int {
	e1 := p.cross(vec3{0, 0, 1})
	if e1.norm() < 1e-6 {
		e1 = p.cross(vec3{1, 0, 0})
	}
	e1 = unit(e1)
	e2 := p.cross(e1)
	w := 0
	n := len(l)
	if n == 0 {
		return 0
	}
	ax, ay := l[n-1].v.dot(e1), l[n-1].v.dot(e2)
	for i := 0; i < n; i++ {
		bx, by := l[i].v.dot(e1), l[i].v.dot(e2)
		turn := ax*by - ay*bx
		if ay < 0 && by >= 0 && turn > 0 {
			w++
		} else if by < 0 && ay >= 0 && turn < 0 {
			w--
		}
		ax, ay = bx, by
	}
	return w
}

// contains reports whether p is in the polygon's interior (the loops' windings add up to at least one).
func (p ovPolygon) contains(v vec3) bool {
	w := 0
	for _, l := range p.loops {
		w += winding(l, v)
	}
	return w > 0
}

// ovPolygonFromRings builds a polygon from GeoJSON rings (shell first, closing vertex included). A ring is
// taken as the smaller region it bounds: a shell given clockwise, or a hole given counterclockwise, is
// reversed, as S2Loop::Normalize does.
func ovPolygonFromRings(rings [][]geoPoint) ovPolygon {
	var out ovPolygon
	for i, r := range rings {
		l := make(ovLoop, 0, len(r)-1)
		for _, p := range r[:len(r)-1] {
			if len(l) > 0 && l[len(l)-1].p == p {
				continue
			}
			l = append(l, newOvVertex(p))
		}
		ccw := loopArea(l) > 0
		if ccw != (i == 0) {
			for a, b := 0, len(l)-1; a < b; a, b = a+1, b-1 {
				l[a], l[b] = l[b], l[a]
			}
		}
		out.loops = append(out.loops, l)
		out.depth = append(out.depth, min(i, 1))
	}
	return out
}

// ovPolygonFromGeo builds one polygon from parsed GeoJSON polygons: a MultiPolygon's members are united.
// ok is false as for ovUnionAll.
func ovPolygonFromGeo(ctx context.Context, polys [][][]geoPoint) (p ovPolygon, ok bool) {
	parts := make([]ovPolygon, len(polys))
	for i, rings := range polys {
		parts[i] = ovPolygonFromRings(rings)
	}
	return ovUnionAll(ctx, parts)
}

// ovUnionAll unites polygons pairwise, always the two with the fewest vertices first (a polygon made by a
// union counts the sum of its operands' vertices and queues after polygons of the same count). ok is false
// when the polygons hold more than ovMaxVertices vertices or ctx is done (checked between unions).
func ovUnionAll(ctx context.Context, polys []ovPolygon) (p ovPolygon, ok bool) {
	if len(polys) == 0 {
		return ovPolygon{}, true
	}
	type queued struct {
		size int
		p    ovPolygon
	}
	q := make([]queued, len(polys))
	total := 0
	for i, p := range polys {
		q[i] = queued{p.numVertices(), p}
		if total += q[i].size; total > ovMaxVertices {
			return ovPolygon{}, false
		}
	}
	sort.SliceStable(q, func(i, j int) bool { return q[i].size < q[j].size })
	for len(q) > 1 {
		if ctx.Err() != nil {
			return ovPolygon{}, false
		}
		a, b := q[0], q[1]
		q = q[2:]
		r, ok := ovOverlay(ctx, a.p, b.p, false)
		if !ok {
			return ovPolygon{}, false
		}
		u := queued{a.size + b.size, r.poly}
		at := sort.Search(len(q), func(i int) bool { return q[i].size > u.size })
		q = append(q, queued{})
		copy(q[at+1:], q[at:])
		q[at] = u
	}
	return q[0].p, true
}

// ovResult is the output of an overlay: the polygon, and for an intersection the points and lines where
// the operands only touch.
type ovResult struct {
	poly   ovPolygon
	points []ovVertex
	lines  [][]ovVertex
}

// ovGraph holds the overlay's vertices (merged when they coincide) and the pieces of the input edges.
type ovGraph struct {
	nodes []ovVertex
	grid  map[[3]int64][]int // nodes by cell of a grid much coarser than ovMergeEps, to find near nodes
}

// ovGridCell is the side of the grid cells that index nodes (in unit-vector coordinates).
const ovGridCell = 1e-9

func ovCell(v vec3) [3]int64 {
	return [3]int64{int64(math.Floor(v.x / ovGridCell)), int64(math.Floor(v.y / ovGridCell)), int64(math.Floor(v.z / ovGridCell))}
}

// node returns the node at v, adding it unless a node lies within ovMergeEps.
func (g *ovGraph) node(v ovVertex) int {
	if g.grid == nil {
		g.grid = map[[3]int64][]int{}
	}
	c := ovCell(v.v)
	// Only the neighbour cells within 2·ovMergeEps of v can hold a node that close (a coordinate differs by at
	// most the chord, which is shorter than the angle): almost always v's own cell alone, not 27 lookups.
	lo, hi := ovCell(v.v.add(vec3{-2 * ovMergeEps, -2 * ovMergeEps, -2 * ovMergeEps})), ovCell(v.v.add(vec3{2 * ovMergeEps, 2 * ovMergeEps, 2 * ovMergeEps}))
	for dx := lo[0] - c[0]; dx <= hi[0]-c[0]; dx++ {
		for dy := lo[1] - c[1]; dy <= hi[1]-c[1]; dy++ {
			for dz := lo[2] - c[2]; dz <= hi[2]-c[2]; dz++ {
				for _, i := range g.grid[[3]int64{c[0] + dx, c[1] + dy, c[2] + dz}] {
					if g.nodes[i].v.angleTo(v.v) < ovMergeEps {
						return i
					}
				}
			}
		}
	}
	g.nodes = append(g.nodes, v)
	g.grid[c] = append(g.grid[c], len(g.nodes)-1)
	return len(g.nodes) - 1
}

// ovEdge is an input edge between two nodes, the nodes where it is cut, and its id.
type ovEdge struct {
	from, to int
	id       int
	operand  int
	first    bool // the first edge of its loop
	cuts     []int
}

// ovPiece is a directed piece of an input edge.
type ovPiece struct {
	from, to int
	id       int  // the smallest input edge id it comes from
	first    bool // the first piece of its input loop
}

// onArcInterior reports whether node vector p lies on arc ab, strictly between its ends.
func onArcInterior(p, a, b vec3) bool {
	n := a.cross(b)
	nn := n.norm()
	if nn < ovMergeEps {
		return false
	}
	n = n.scale(1 / nn)
	if math.Abs(p.dot(n)) > ovMergeEps {
		return false
	}
	return a.cross(p).dot(n) > 0 && p.cross(b).dot(n) > 0 && p.angleTo(a) > ovMergeEps && p.angleTo(b) > ovMergeEps
}

// ovCheckEvery is how many steps of an overlay's loops go between two looks at the query's context.
const ovCheckEvery = 1024

// ovStopped reports whether step i of a loop is one that looks at ctx and ctx is done.
func ovStopped(ctx context.Context, i int) bool { return i%ovCheckEvery == 0 && ctx.Err() != nil }

// ovOverlay computes a∪b (intersection false) or a∩b (intersection true). ok is false when ctx is done before
// the overlay is (it is looked at in the edge sweep and the loops over edges and pieces).
func ovOverlay(ctx context.Context, a, b ovPolygon, intersection bool) (ovResult, bool) {
	g := &ovGraph{}
	var es []ovEdge
	id := 0
	for op, poly := range []ovPolygon{a, b} {
		for _, l := range poly.loops {
			first := true
			for i := range l {
				if ovStopped(ctx, id) {
					return ovResult{}, false
				}
				from, to := g.node(l[i]), g.node(l[(i+1)%len(l)])
				if from != to {
					es = append(es, ovEdge{from: from, to: to, id: id, operand: op, first: first})
					first = false
				}
				id++
			}
		}
	}
	nA := 0
	for nA < len(es) && es[nA].operand == 0 {
		nA++
	}
	// Cut the edges where they meet edges of the other operand.
	pairs, ok := ovCandidatePairs(ctx, g, es, nA)
	if !ok {
		return ovResult{}, false
	}
	for i, pair := range pairs {
		if ovStopped(ctx, i) {
			return ovResult{}, false
		}
		e, f := &es[pair[0]], &es[pair[1]]
		va, vb := g.nodes[e.from].v, g.nodes[e.to].v
		vc, vd := g.nodes[f.from].v, g.nodes[f.to].v
		for _, k := range []int{f.from, f.to} {
			if k != e.from && k != e.to && onArcInterior(g.nodes[k].v, va, vb) {
				e.cuts = append(e.cuts, k)
			}
		}
		for _, k := range []int{e.from, e.to} {
			if k != f.from && k != f.to && onArcInterior(g.nodes[k].v, vc, vd) {
				f.cuts = append(f.cuts, k)
			}
		}
		if x, ok := properCrossing(va, vb, vc, vd); ok {
			k := g.node(ovFromVec(x))
			if k != e.from && k != e.to {
				e.cuts = append(e.cuts, k)
			}
			if k != f.from && k != f.to {
				f.cuts = append(f.cuts, k)
			}
		}
	}
	// Split the edges into pieces, in order along each edge.
	var pieces [2][]ovPiece
	touched := map[int]bool{} // nodes where the operands' boundaries meet
	for i, e := range es {
		if ovStopped(ctx, i) {
			return ovResult{}, false
		}
		start := g.nodes[e.from].v
		cuts := append([]int(nil), e.cuts...)
		sort.Slice(cuts, func(x, y int) bool {
			return start.angleTo(g.nodes[cuts[x]].v) < start.angleTo(g.nodes[cuts[y]].v)
		})
		prev := e.from
		for _, k := range cuts {
			touched[k] = true
		}
		first := e.first
		for _, k := range append(cuts, e.to) {
			if k == prev {
				continue
			}
			pieces[e.operand] = append(pieces[e.operand], ovPiece{prev, k, e.id, first})
			prev, first = k, false
		}
	}
	// Vertices shared by both operands are touch points too.
	seen := [2]map[int]bool{{}, {}}
	for op := range pieces {
		for _, p := range pieces[op] {
			seen[op][p.from] = true
		}
	}
	for k := range seen[0] {
		if seen[1][k] {
			touched[k] = true
		}
	}
	// Classify the pieces.
	type key struct{ from, to int }
	byKey := [2]map[key]int{{}, {}}
	for op := range pieces {
		for i, p := range pieces[op] {
			byKey[op][key{p.from, p.to}] = i
		}
	}
	others := [2]ovPolygon{b, a}
	var kept []ovPiece
	var shared [][2]int // pieces shared in opposite directions: the intersection's lines
	for op := range pieces {
		// Whether a piece is inside the other operand only changes where the other's boundary meets this
		// loop, so it is computed again only at such points.
		inside, known := false, false
		for i, p := range pieces[op] {
			if ovStopped(ctx, i) {
				return ovResult{}, false
			}
			if p.first || touched[p.from] {
				known = false
			}
			other := 1 - op
			if j, ok := byKey[other][key{p.from, p.to}]; ok {
				if op == 0 {
					kept = append(kept, ovPiece{from: p.from, to: p.to, id: min(p.id, pieces[other][j].id)})
				}
				continue
			}
			if _, ok := byKey[other][key{p.to, p.from}]; ok {
				if op == 0 {
					shared = append(shared, [2]int{p.from, p.to})
				}
				continue
			}
			if !known {
				mid := g.nodes[p.from].v.add(g.nodes[p.to].v)
				if mid.norm() < ovMergeEps {
					continue
				}
				inside, known = others[op].contains(unit(mid)), true
			}
			if inside == intersection {
				kept = append(kept, p)
			}
		}
	}
	kept = joinSplitPieces(kept, len(g.nodes))
	res := ovResult{poly: buildPolygon(g, kept)}
	if intersection {
		onPoly := map[int]bool{}
		for _, p := range kept {
			onPoly[p.from], onPoly[p.to] = true, true
		}
		for _, s := range shared {
			onPoly[s[0]], onPoly[s[1]] = true, true
		}
		res.lines = chainShared(g, shared)
		var pts []int
		for k := range touched {
			if !onPoly[k] {
				pts = append(pts, k)
			}
		}
		sort.Ints(pts)
		for _, k := range pts {
			res.points = append(res.points, g.nodes[k])
		}
	}
	return res, true
}

// properCrossing returns the point where arcs ab and cd cross in their interiors.
func properCrossing(a, b, c, d vec3) (vec3, bool) {
	n1, n2 := a.cross(b), c.cross(d)
	if n1.norm() < ovMergeEps || n2.norm() < ovMergeEps {
		return vec3{}, false
	}
	n1, n2 = unit(n1), unit(n2)
	sc, sd := n1.dot(c), n1.dot(d)
	sa, sb := n2.dot(a), n2.dot(b)
	const eps = ovMergeEps
	if !(sc > eps && sd < -eps || sc < -eps && sd > eps) || !(sa > eps && sb < -eps || sa < -eps && sb > eps) {
		return vec3{}, false
	}
	x := n1.cross(n2)
	if x.norm() < ovMergeEps {
		return vec3{}, false
	}
	x = unit(x)
	if x.dot(a.add(b)) < 0 {
		x = x.scale(-1)
	}
	return x, true
}

// joinSplitPieces joins consecutive pieces of one input edge where nothing else meets them: S2 only keeps
// the vertices of output edges, so a point where the other operand merely touched the edge goes away.
func joinSplitPieces(kept []ovPiece, nodes int) []ovPiece {
	in, out := make([][]int, nodes), make([][]int, nodes)
	for i, p := range kept {
		out[p.from] = append(out[p.from], i)
		in[p.to] = append(in[p.to], i)
	}
	next := make([]int, len(kept))
	joined := make([]bool, len(kept))
	for i := range next {
		next[i] = -1
	}
	for k := 0; k < nodes; k++ {
		if len(in[k]) == 1 && len(out[k]) == 1 && in[k][0] != out[k][0] && kept[in[k][0]].id == kept[out[k][0]].id {
			next[in[k][0]] = out[k][0]
			joined[out[k][0]] = true
		}
	}
	var res []ovPiece
	for i, p := range kept {
		if joined[i] {
			continue
		}
		for j := next[i]; j >= 0 && j != i; j = next[j] {
			p.to = kept[j].to
		}
		res = append(res, p)
	}
	return res
}

// buildPolygon turns the kept directed pieces into loops and nests them.
func buildPolygon(g *ovGraph, kept []ovPiece) ovPolygon {
	if len(kept) == 0 {
		return ovPolygon{}
	}
	outs := map[int][]int{}
	for i, p := range kept {
		outs[p.from] = append(outs[p.from], i)
	}
	// leftTurn[i] is the piece to follow after piece i: the first outgoing piece clockwise from the way back.
	leftTurn := make([]int, len(kept))
	for i, p := range kept {
		cands := outs[p.to]
		switch len(cands) {
		case 0:
			leftTurn[i] = -1
		case 1:
			leftTurn[i] = cands[0]
		default:
			v := g.nodes[p.to].v
			back := tangent(v, g.nodes[p.from].v)
			best, bestAngle := -1, math.Inf(1)
			for _, c := range cands {
				dir := tangent(v, g.nodes[kept[c].to].v)
				// clockwise angle from back to dir, in (0, 2π]
				ang := -math.Atan2(v.dot(back.cross(dir)), back.dot(dir))
				if ang <= 1e-15 {
					ang += 2 * math.Pi
				}
				if ang < bestAngle {
					best, bestAngle = c, ang
				}
			}
			leftTurn[i] = best
		}
	}
	var loops [][]int
	pathIndex := map[int]int{}
	used := make([]bool, len(kept))
	for start := range kept {
		if used[start] {
			continue
		}
		var path []int
		for e := start; e >= 0 && !used[e]; e = leftTurn[e] {
			used[e] = true
			path = append(path, e)
			pathIndex[kept[e].from] = len(path) - 1
			at, ok := pathIndex[kept[e].to]
			if !ok {
				continue
			}
			loop := append([]int(nil), path[at:]...)
			path = path[:at]
			for _, e2 := range loop {
				delete(pathIndex, kept[e2].from)
			}
			loops = append(loops, canonicalLoop(loop, kept))
		}
		for _, e := range path {
			delete(pathIndex, kept[e].from) // an open path (broken input) is dropped
		}
	}
	sort.SliceStable(loops, func(i, j int) bool { return kept[loops[i][0]].id < kept[loops[j][0]].id })
	var ls []ovLoop
	for _, loop := range loops {
		l := make(ovLoop, len(loop))
		for i, e := range loop {
			l[i] = g.nodes[kept[e].from]
		}
		ls = append(ls, l)
	}
	return nestLoops(ls)
}

// tangent is the direction from v towards w in the plane tangent at v.
func tangent(v, w vec3) vec3 { return w.add(v.scale(-v.dot(w))) }

// canonicalLoop rotates a loop so that its pieces of the highest input edge come last (the last such run
// in cyclic order), as S2Builder does to keep an input loop's starting vertex.
func canonicalLoop(loop []int, kept []ovPiece) []int {
	pos, sawGap := 0, false
	for i := 1; i < len(loop); i++ {
		cmp := kept[loop[i]].id - kept[loop[pos]].id
		if cmp < 0 {
			sawGap = true
		} else if cmp > 0 || !sawGap {
			pos, sawGap = i, false
		}
	}
	pos = (pos + 1) % len(loop)
	return append(append([]int(nil), loop[pos:]...), loop[:pos]...)
}

// nestLoops orders loops as S2Polygon::InitNested does: each loop goes under the smallest loop holding it,
// in the given order, and the polygon lists them depth first.
func nestLoops(ls []ovLoop) ovPolygon {
	type node struct {
		loop     int
		children []*node
	}
	if len(ls) == 1 {
		return ovPolygon{loops: ls, depth: []int{0}}
	}
	root := &node{loop: -1}
	// holds reports whether loop i's region holds loop j (j's first vertex not on i is inside i's region,
	// taking each loop's region as the smaller side it bounds).
	// sign[i] is 1 for a counterclockwise loop and -1 for a clockwise one, whose region is the other side.
	sign := make([]int, len(ls))
	verts := make([]map[[3]int64]bool, len(ls))
	for i, l := range ls {
		sign[i] = 1
		if loopArea(l) < 0 {
			sign[i] = -1
		}
		verts[i] = map[[3]int64]bool{}
		for _, v := range l {
			verts[i][ovCell(v.v)] = true
		}
	}
	holds := func(i, j int) bool {
		for _, v := range ls[j] {
			if !verts[i][ovCell(v.v)] {
				return sign[i]*winding(ls[i], v.v) > 0
			}
		}
		return false
	}
	for j := range ls {
		parent := root
		for descended := true; descended; {
			descended = false
			for _, c := range parent.children {
				if holds(c.loop, j) {
					parent, descended = c, true
					break
				}
			}
		}
		n := &node{loop: j}
		var keep []*node
		for _, c := range parent.children {
			if holds(j, c.loop) {
				n.children = append(n.children, c)
			} else {
				keep = append(keep, c)
			}
		}
		parent.children = append(keep, n)
	}
	var out ovPolygon
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if n.loop >= 0 {
			out.loops = append(out.loops, ls[n.loop])
			out.depth = append(out.depth, depth)
		}
		for _, c := range n.children {
			walk(c, depth+1)
		}
	}
	walk(root, -1)
	return out
}

// chainShared joins the pieces where the operands' boundaries run together into lines.
func chainShared(g *ovGraph, shared [][2]int) [][]ovVertex {
	var chains [][]int
	for _, s := range shared {
		if n := len(chains); n > 0 && chains[n-1][len(chains[n-1])-1] == s[0] {
			chains[n-1] = append(chains[n-1], s[1])
			continue
		}
		chains = append(chains, []int{s[0], s[1]})
	}
	out := make([][]ovVertex, len(chains))
	for i, c := range chains {
		for _, k := range c {
			out[i] = append(out[i], g.nodes[k])
		}
	}
	return out
}

// ovBox is the box (in unit-vector coordinates) holding an edge's arc.
type ovBox struct{ lo, hi vec3 }

func arcBox(a, b vec3) ovBox {
	// The arc bulges beyond its chord by at most 1/cos(θ/2) - 1.
	theta := a.angleTo(b)
	pad := 2.0
	if c := math.Cos(theta / 2); c > 0.5 {
		pad = 1/c - 1
	}
	pad += 1e-9
	return ovBox{
		vec3{math.Min(a.x, b.x) - pad, math.Min(a.y, b.y) - pad, math.Min(a.z, b.z) - pad},
		vec3{math.Max(a.x, b.x) + pad, math.Max(a.y, b.y) + pad, math.Max(a.z, b.z) + pad},
	}
}

// ovCandidatePairs lists the pairs (edge of the first operand, edge of the second) whose boxes meet, by a
// sweep along the axis on which the boxes spread widest (a small shape lies in a thin slab across one axis:
// near longitude 0 all its x are about 1, and a sweep along x would compare every edge with every other).
// ok is false when ctx is done during the sweep.
func ovCandidatePairs(ctx context.Context, g *ovGraph, es []ovEdge, nA int) (pairs [][2]int, ok bool) {
	boxes := make([]ovBox, len(es))
	order := make([]int, len(es))
	lo, hi := vec3{math.Inf(1), math.Inf(1), math.Inf(1)}, vec3{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for i, e := range es {
		b := arcBox(g.nodes[e.from].v, g.nodes[e.to].v)
		boxes[i] = b
		order[i] = i
		lo = vec3{math.Min(lo.x, b.lo.x), math.Min(lo.y, b.lo.y), math.Min(lo.z, b.lo.z)}
		hi = vec3{math.Max(hi.x, b.hi.x), math.Max(hi.y, b.hi.y), math.Max(hi.z, b.hi.z)}
	}
	// The overlap test is the same on every axis, so the widest axis is swapped into x.
	if dy, dz := hi.y-lo.y, hi.z-lo.z; dy > hi.x-lo.x || dz > hi.x-lo.x {
		for i := range boxes {
			b := &boxes[i]
			if dy >= dz {
				b.lo.x, b.lo.y, b.hi.x, b.hi.y = b.lo.y, b.lo.x, b.hi.y, b.hi.x
			} else {
				b.lo.x, b.lo.z, b.hi.x, b.hi.z = b.lo.z, b.lo.x, b.hi.z, b.hi.x
			}
		}
	}
	sort.Slice(order, func(x, y int) bool { return boxes[order[x]].lo.x < boxes[order[y]].lo.x })
	var active [2][]int
	for n, i := range order {
		if ovStopped(ctx, n) {
			return nil, false
		}
		op := 0
		if i >= nA {
			op = 1
		}
		bi := boxes[i]
		kept := active[1-op][:0]
		for _, j := range active[1-op] {
			bj := boxes[j]
			if bj.hi.x < bi.lo.x {
				continue // ends before every later edge starts
			}
			kept = append(kept, j)
			if bi.lo.y <= bj.hi.y && bj.lo.y <= bi.hi.y && bi.lo.z <= bj.hi.z && bj.lo.z <= bi.hi.z {
				if op == 0 {
					pairs = append(pairs, [2]int{i, j})
				} else {
					pairs = append(pairs, [2]int{j, i})
				}
			}
		}
		active[1-op] = kept
		active[op] = append(active[op], i)
	}
	// Cuts are added pair by pair; keep the order of the plain double loop for determinism.
	sort.Slice(pairs, func(x, y int) bool {
		if pairs[x][0] != pairs[y][0] {
			return pairs[x][0] < pairs[y][0]
		}
		return pairs[x][1] < pairs[y][1]
	})
	return pairs, true
}
