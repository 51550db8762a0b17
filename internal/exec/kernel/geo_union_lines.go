package kernel

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// geo_union_lines_array: the union of lines as one line or multiline. Shared stretches appear once: every
// edge is split where another line's vertex lies on it, repeated pieces are dropped, and the pieces are
// chained again where they meet (at points where exactly two pieces meet).

// splitEdge cuts edge ab at the given points that lie on it (strictly between its ends), in order from a.
func splitEdge(a, b geoPoint, points []geoPoint) []geoPoint {
	va, vb := toVec(a), toVec(b)
	n := va.cross(vb)
	if n.norm() < arcEps {
		return []geoPoint{a, b}
	}
	n = unit(n)
	length := va.angleTo(vb)
	type cut struct {
		at float64
		p  geoPoint
	}
	var cuts []cut
	for _, p := range points {
		vp := toVec(p)
		at := va.angleTo(vp)
		if abs := vp.dot(n); abs > arcEps || abs < -arcEps || !onArc(vp, va, vb, n) || at < arcEps || length-at < arcEps {
			continue
		}
		cuts = append(cuts, cut{at, p})
	}
	for i := 1; i < len(cuts); i++ {
		for j := i; j > 0 && cuts[j].at < cuts[j-1].at; j-- {
			cuts[j], cuts[j-1] = cuts[j-1], cuts[j]
		}
	}
	out := []geoPoint{a}
	for _, c := range cuts {
		if !samePoint(out[len(out)-1], c.p) {
			out = append(out, c.p)
		}
	}
	return append(out, b)
}

func unionLines(lines [][]geoPoint) [][]geoPoint {
	var vertices []geoPoint
	for _, l := range lines {
		vertices = append(vertices, l...)
	}
	// Node ids: points that coincide share one id.
	var nodes []geoPoint
	nodeOf := func(p geoPoint) int {
		for i, q := range nodes {
			if samePoint(p, q) {
				return i
			}
		}
		nodes = append(nodes, p)
		return len(nodes) - 1
	}
	type edge struct{ from, to int }
	var pieces []edge
	have := map[[2]int]bool{}
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			pts := splitEdge(l[i], l[i+1], vertices)
			for k := 0; k+1 < len(pts); k++ {
				e := edge{nodeOf(pts[k]), nodeOf(pts[k+1])}
				if e.from == e.to || have[[2]int{e.from, e.to}] || have[[2]int{e.to, e.from}] {
					continue
				}
				have[[2]int{e.from, e.to}] = true
				pieces = append(pieces, e)
			}
		}
	}
	degree := make([]int, len(nodes))
	for _, e := range pieces {
		degree[e.from]++
		degree[e.to]++
	}
	used := make([]bool, len(pieces))
	// walk follows unused pieces from node n, through nodes where exactly two pieces meet.
	walk := func(start int) []geoPoint {
		chain := []geoPoint{nodes[start]}
		n := start
		for {
			next := -1
			for i, e := range pieces {
				if !used[i] && (e.from == n || e.to == n) {
					next = i
					break
				}
			}
			if next < 0 {
				return chain
			}
			used[next] = true
			e := pieces[next]
			if e.from == n {
				n = e.to
			} else {
				n = e.from
			}
			chain = append(chain, nodes[n])
			if degree[n] != 2 || n == start {
				return chain
			}
		}
	}
	var chains [][]geoPoint
	// Chains start where pieces begin (in input order) at an end or branch point, then any loops remain.
	for pass := 0; pass < 2; pass++ {
		for i, e := range pieces {
			if used[i] || (pass == 0 && degree[e.from] == 2) {
				continue
			}
			if c := walk(e.from); len(c) > 1 {
				chains = append(chains, c)
			}
		}
	}
	return chains
}

func init() {
	registerGeo("geo_union_lines_array", types.Dynamic, 1, 1, paramTypes(tDynamic), func(v []types.Value) (types.Value, bool) {
		arr, ok := v[0].D.([]any)
		if !ok {
			return types.Value{}, false
		}
		var lines [][]geoPoint
		for _, d := range arr {
			ls, ok := geoLines(d)
			if !ok {
				return types.Value{}, false
			}
			lines = append(lines, ls...)
		}
		return types.NewDynamic(linesGeoJSON(unionLines(lines))), true
	})
}
