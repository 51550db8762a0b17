package exec

import (
	"fmt"
	"slices"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// graphMatchRow is one match: the node of each node variable, and the edges and inner nodes of each edge
// variable (one edge for a plain edge).
type graphMatchRow struct {
	nodes  []int
	edges  [][]int
	inner  [][]int
	length int
}

// matchStep is one step of the search: bind the first node of a chain, or walk one of its edges.
type matchStep struct {
	start       bool
	chain, step int
}

// graphMatcher enumerates the matches of a pattern by depth-first search.
type graphMatcher struct {
	ctx      *Context
	g        *graph
	x        *sema.GraphMatch
	steps    []matchStep
	assign   []int   // per variable: the node bound to a node variable, -1 when unbound
	edges    [][]int // per edge variable: the edges of the path being walked
	path     [][]int // per edge variable: the nodes of the path being walked, from its first node
	edgeUsed []int32
	nodeUsed []int32
	noRepeat bool // cycles=none (or shortest paths): no node twice in a match
	uniqueE  bool // cycles=unique_edges: no edge twice in a match
	matches  []graphMatchRow
	err      error
	visits   int64
	allowed  [][]bool // per variable: the nodes it may bind to (nil: any), from the where clause's node filters
	edgeOK   [][]bool // per edge variable: the edges it may walk (nil: any)
	dist     []int64  // with ShortestOnly: the distance of each node from the walk's start (-1: not reached)
}

func (ctx *Context) buildGraphMatch(x *sema.GraphMatch) (Operator, error) {
	gp, err := ctx.buildGraph(x.In)
	if err != nil {
		return nil, err
	}
	filters := make([]evalFn, len(x.NodeFilters))
	for i, f := range x.NodeFilters {
		if filters[i], err = ctx.compileExpr(f.Pred); err != nil {
			return nil, err
		}
	}
	edgeFilters := make([]evalFn, len(x.EdgeFilters))
	for i, f := range x.EdgeFilters {
		if edgeFilters[i], err = ctx.compileExpr(f.Pred); err != nil {
			return nil, err
		}
	}
	elems := make([]evalFn, len(x.Columns))
	for i, c := range x.Columns {
		if c.Elem != nil {
			if elems[i], err = ctx.compileExpr(c.Elem); err != nil {
				return nil, err
			}
		}
	}
	return &lazyOp{inputs: gp.inputs, compute: func(ctx *Context) (*types.Table, error) {
		g, err := gp.compute(ctx)
		if err != nil {
			return nil, err
		}
		m := newGraphMatcher(ctx, g, x)
		if err := m.filterNodes(filters); err != nil {
			return nil, err
		}
		if err := m.filterEdges(edgeFilters); err != nil {
			return nil, err
		}
		m.run(0, -1)
		if m.err != nil {
			return nil, m.err
		}
		return m.table(elems)
	}}, nil
}

func newGraphMatcher(ctx *Context, g *graph, x *sema.GraphMatch) *graphMatcher {
	m := &graphMatcher{ctx: ctx, g: g, x: x,
		assign: make([]int, len(x.Vars)), edges: make([][]int, len(x.Vars)), path: make([][]int, len(x.Vars)),
		edgeUsed: make([]int32, len(g.src)), nodeUsed: make([]int32, len(g.keys)),
		noRepeat: x.Simple || x.Cycles == "none", uniqueE: !x.Simple && x.Cycles == "unique_edges"}
	for i := range m.assign {
		m.assign[i] = -1
	}
	for c, ch := range x.Chains {
		m.steps = append(m.steps, matchStep{start: true, chain: c})
		for s := range ch.Steps {
			m.steps = append(m.steps, matchStep{chain: c, step: s})
		}
	}
	return m
}

// filterNodes evaluates the where clause's node filters over all nodes at once.
func (m *graphMatcher) filterNodes(filters []evalFn) error {
	m.allowed = make([][]bool, len(m.x.Vars))
	if len(filters) == 0 || len(m.g.keys) == 0 {
		return nil
	}
	all := make([]int, len(m.g.keys))
	for i := range all {
		all[i] = i
	}
	nodes := m.nodeElements(all)
	cols, err := evalColumns(m.ctx, filters, nodes)
	if err != nil {
		return err
	}
	for i, f := range m.x.NodeFilters {
		ok := m.allowed[f.Var]
		if ok == nil {
			ok = make([]bool, len(all))
			for n := range ok {
				ok[n] = true
			}
			m.allowed[f.Var] = ok
		}
		for n := range ok {
			ok[n] = ok[n] && truthy(cols[i].Value(n))
		}
	}
	return nil
}

// filterEdges evaluates the where clause's edge filters over all edges at once.
func (m *graphMatcher) filterEdges(filters []evalFn) error {
	m.edgeOK = make([][]bool, len(m.x.Vars))
	if len(filters) == 0 || len(m.g.src) == 0 {
		return nil
	}
	cols, err := evalColumns(m.ctx, filters, m.g.edges)
	if err != nil {
		return err
	}
	for i, f := range m.x.EdgeFilters {
		ok := m.edgeOK[f.Var]
		if ok == nil {
			ok = make([]bool, len(m.g.src))
			for e := range ok {
				ok[e] = true
			}
			m.edgeOK[f.Var] = ok
		}
		for e := range ok {
			ok[e] = ok[e] && truthy(cols[i].Value(e))
		}
	}
	return nil
}

// nodeElements returns the nodes idx as rows of the node element fields (properties, degrees, key).
func (m *graphMatcher) nodeElements(idx []int) *types.Table {
	g := m.g
	et := gatherTable(g.nodes, idx)
	din, dout := types.NewColumn(types.Long, len(idx)), types.NewColumn(types.Long, len(idx))
	keys := types.NewColumn(m.x.In.GraphKeyType(), len(idx))
	for _, nd := range idx {
		din.Append(types.NewLong(int64(len(g.in[nd]))))
		dout.Append(types.NewLong(int64(len(g.out[nd]))))
		keys.Append(g.keys[nd])
	}
	return &types.Table{Fields: sema.GraphElementFields(m.x.In, true), Cols: append(append([]*types.Column(nil), et.Cols...), din, dout, keys)}
}

// tick counts one search step; it reports false once the search must stop (an error, cancellation, or
// too many steps).
func (m *graphMatcher) tick() bool {
	if m.err != nil {
		return false
	}
	m.visits++
	if m.visits&0xffff == 0 {
		if err := m.ctx.Ctx.Err(); err != nil {
			m.err = err
			return false
		}
	}
	if m.visits > maxGraphSearchSteps {
		m.err = &RuntimeError{Span: m.x.Span(), Msg: fmt.Sprintf("graph-match: the search for the pattern took more than %d steps; constrain the pattern or shorten its variable-length edges", maxGraphSearchSteps)}
		return false
	}
	return true
}

// run performs search step i from node cur (the node reached by the previous step).
func (m *graphMatcher) run(i, cur int) {
	if m.err != nil {
		return
	}
	if !m.tick() {
		return
	}
	if i == len(m.steps) {
		m.emit()
		return
	}
	st := m.steps[i]
	ch := m.x.Chains[st.chain]
	if st.start {
		v := ch.Nodes[0]
		if a := m.assign[v]; a >= 0 {
			m.run(i+1, a)
			return
		}
		for n := range m.g.keys {
			if m.noRepeat && m.nodeUsed[n] > 0 || m.allowed[v] != nil && !m.allowed[v][n] {
				continue
			}
			m.assign[v] = n
			m.nodeUsed[n]++
			m.run(i+1, n)
			m.nodeUsed[n]--
			m.assign[v] = -1
		}
		return
	}
	step := ch.Steps[st.step]
	target := ch.Nodes[st.step+1]
	m.edges[step.Var] = m.edges[step.Var][:0]
	m.path[step.Var] = append(m.path[step.Var][:0], cur)
	if m.x.ShortestOnly {
		m.distances(step, cur)
	}
	m.walk(step, target, cur, 0, func(end int) {
		if a := m.assign[target]; a >= 0 {
			if a == end {
				m.run(i+1, end)
			}
			return
		}
		if m.allowed[target] != nil && !m.allowed[target][end] {
			return
		}
		// the walk already counted end as used when noRepeat is set
		m.assign[target] = end
		if !m.noRepeat {
			m.nodeUsed[end]++
		}
		m.run(i+1, end)
		if !m.noRepeat {
			m.nodeUsed[end]--
		}
		m.assign[target] = -1
	})
}

// distances computes, breadth first, how many edges of step the shortest walk from start to each node has
// (up to the step's maximum length).
func (m *graphMatcher) distances(step sema.GraphStep, start int) {
	if m.dist == nil {
		m.dist = make([]int64, len(m.g.keys))
	}
	for i := range m.dist {
		m.dist[i] = -1
	}
	m.dist[start] = 0
	frontier := []int{start}
	forward := step.Dir == syntax.EdgeRight || step.Dir == syntax.EdgeAny || !m.g.directed
	backward := step.Dir == syntax.EdgeLeft || step.Dir == syntax.EdgeAny || !m.g.directed
	ok := m.edgeOK[step.Var]
	for d := int64(1); d <= step.Max && len(frontier) > 0; d++ {
		var next []int
		reach := func(e, n int) {
			if (ok == nil || ok[e]) && m.dist[n] < 0 {
				m.dist[n] = d
				next = append(next, n)
			}
		}
		for _, cur := range frontier {
			if forward {
				for _, e := range m.g.out[cur] {
					reach(e, m.g.dst[e])
				}
			}
			if backward {
				for _, e := range m.g.in[cur] {
					reach(e, m.g.src[e])
				}
			}
		}
		frontier = next
	}
}

// walk extends the path of step's variable from cur (depth edges walked so far) and calls yield for every
// end node reached at a length within the step's range.
func (m *graphMatcher) walk(step sema.GraphStep, target, cur int, depth int64, yield func(end int)) {
	if !m.tick() {
		return
	}
	if depth >= step.Min {
		yield(cur)
	}
	if depth >= step.Max {
		return
	}
	forward := step.Dir == syntax.EdgeRight || step.Dir == syntax.EdgeAny || !m.g.directed
	backward := step.Dir == syntax.EdgeLeft || step.Dir == syntax.EdgeAny || !m.g.directed
	try := func(e, next int) {
		if m.uniqueE && m.edgeUsed[e] > 0 || m.edgeOK[step.Var] != nil && !m.edgeOK[step.Var][e] {
			return
		}
		if m.dist != nil && m.dist[next] != depth+1 {
			return // not a shortest walk to next, so not part of any shortest path
		}
		deeper := true
		if m.noRepeat && m.nodeUsed[next] > 0 {
			// only the node already bound to the target variable may be reached again, as the end
			if next != m.assign[target] {
				return
			}
			deeper = false
		}
		v := step.Var
		m.edges[v] = append(m.edges[v], e)
		m.path[v] = append(m.path[v], next)
		m.edgeUsed[e]++
		if m.noRepeat && deeper {
			m.nodeUsed[next]++
		}
		if deeper {
			m.walk(step, target, next, depth+1, yield)
		} else if depth+1 >= step.Min {
			yield(next)
		}
		if m.noRepeat && deeper {
			m.nodeUsed[next]--
		}
		m.edgeUsed[e]--
		m.edges[v] = m.edges[v][:len(m.edges[v])-1]
		m.path[v] = m.path[v][:len(m.path[v])-1]
	}
	if forward {
		for _, e := range m.g.out[cur] {
			try(e, m.g.dst[e])
		}
	}
	if backward {
		for _, e := range m.g.in[cur] {
			if forward && m.g.src[e] == m.g.dst[e] {
				continue // a self-loop was already walked forward
			}
			try(e, m.g.src[e])
		}
	}
}

// emit records the current bindings as a match.
func (m *graphMatcher) emit() {
	if len(m.matches) >= maxGraphMatches {
		m.err = &RuntimeError{Span: m.x.Span(), Msg: fmt.Sprintf("graph-match: the pattern has more than %d matches before the where clause; constrain the pattern or shorten its variable-length edges", maxGraphMatches)}
		return
	}
	r := graphMatchRow{nodes: append([]int(nil), m.assign...), edges: make([][]int, len(m.x.Vars)), inner: make([][]int, len(m.x.Vars))}
	for v, gv := range m.x.Vars {
		if !gv.Edge {
			continue
		}
		r.edges[v] = append([]int(nil), m.edges[v]...)
		r.length += len(r.edges[v])
		if p := m.path[v]; len(p) > 2 {
			r.inner[v] = append([]int(nil), p[1:len(p)-1]...)
		}
	}
	size := int64(8*len(r.nodes)) + 64
	for v := range r.edges {
		size += int64(8 * (len(r.edges[v]) + len(r.inner[v])))
	}
	if err := m.ctx.charge(size, "collecting graph matches", m.x.Span()); err != nil {
		m.err = err
		return
	}
	m.matches = append(m.matches, r)
}

// table computes the match columns; elems are the compiled element expressions of path columns.
func (m *graphMatcher) table(elems []evalFn) (*types.Table, error) {
	g, x := m.g, m.x
	cols := make([]*types.Column, len(x.Columns))
	n := len(m.matches)
	for i, c := range x.Columns {
		t := x.Fields[i].Type
		switch c.Kind {
		case sema.GraphProperty:
			idx := make([]int, n)
			src := g.nodes
			for r, mt := range m.matches {
				if x.Vars[c.Var].Edge {
					idx[r] = mt.edges[c.Var][0]
				} else {
					idx[r] = mt.nodes[c.Var]
				}
			}
			if x.Vars[c.Var].Edge {
				src = g.edges
			}
			cols[i] = src.Cols[c.Prop].Gather(idx)
		case sema.GraphDegreeIn, sema.GraphDegreeOut, sema.GraphNodeKey, sema.GraphNodeIndex, sema.GraphPathLength:
			col := types.NewColumn(t, n)
			for _, mt := range m.matches {
				switch c.Kind {
				case sema.GraphDegreeIn:
					col.Append(types.NewLong(int64(len(g.in[mt.nodes[c.Var]]))))
				case sema.GraphDegreeOut:
					col.Append(types.NewLong(int64(len(g.out[mt.nodes[c.Var]]))))
				case sema.GraphNodeKey:
					col.Append(g.keys[mt.nodes[c.Var]])
				case sema.GraphNodeIndex:
					col.Append(types.NewLong(int64(mt.nodes[c.Var])))
				default:
					col.Append(types.NewLong(int64(mt.length)))
				}
			}
			cols[i] = col
		default:
			col, err := m.pathColumn(c, elems[i], t)
			if err != nil {
				return nil, err
			}
			cols[i] = col
		}
	}
	return &types.Table{Fields: x.Fields, Cols: cols}, nil
}

// pathColumn evaluates a map/all/any column: the element expression over every element of every match's
// path at once, then folded per match.
func (m *graphMatcher) pathColumn(c sema.GraphColumn, elem evalFn, t types.Type) (*types.Column, error) {
	g := m.g
	var idx []int
	offsets := make([]int, len(m.matches)+1)
	for r, mt := range m.matches {
		if c.Inner {
			idx = append(idx, mt.inner[c.Var]...)
		} else {
			idx = append(idx, mt.edges[c.Var]...)
		}
		offsets[r+1] = len(idx)
	}
	var vals *types.Column
	if len(idx) > 0 {
		var et *types.Table
		if c.Inner {
			et = m.nodeElements(idx)
		} else {
			et = gatherTable(g.edges, idx)
		}
		out, err := evalColumns(m.ctx, []evalFn{elem}, et)
		if err != nil {
			return nil, err
		}
		vals = out[0]
	}
	col := types.NewColumn(t, len(m.matches))
	for r := range m.matches {
		from, to := offsets[r], offsets[r+1]
		switch c.Kind {
		case sema.GraphPathMap:
			arr := make([]any, 0, to-from)
			for k := from; k < to; k++ {
				arr = append(arr, vals.Value(k).Dynamic())
			}
			col.Append(types.NewDynamic(arr))
		default:
			all := c.Kind == sema.GraphPathAll
			res := all
			for k := from; k < to; k++ {
				if truthy(vals.Value(k)) != all {
					res = !all
					break
				}
			}
			col.Append(types.NewBool(res))
		}
	}
	return col, nil
}

// truthy reads a predicate value: true only for a non-null true (bool, or a dynamic holding true).
func truthy(v types.Value) bool {
	if v.Type == types.Dynamic {
		b, ok := v.D.(bool)
		return ok && b
	}
	return v.Bool()
}

func (ctx *Context) buildGraphShortest(x *sema.GraphShortest) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		type best struct {
			length int64
			rows   []int
		}
		groups := map[string]*best{}
		var order []string
		key := make([]byte, 0, 16*len(x.Ends))
		for r := 0; r < numRows(t); r++ {
			key = key[:0]
			for _, c := range x.Ends {
				key = fmt.Appendf(key, "%d,", t.Cols[c].Value(r).I)
			}
			l := t.Cols[x.Length].Value(r).I
			b, ok := groups[string(key)]
			switch {
			case !ok:
				groups[string(key)] = &best{l, []int{r}}
				order = append(order, string(key))
			case l < b.length:
				b.length, b.rows = l, []int{r}
			case l == b.length && x.All:
				b.rows = append(b.rows, r)
			}
		}
		var keep []int
		for _, k := range order {
			keep = append(keep, groups[k].rows...)
		}
		slices.Sort(keep) // matches keep their order
		return gatherTable(t, keep), nil
	}}, nil
}
