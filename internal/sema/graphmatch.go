package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// graphBinder turns the where and project clauses of graph-match into expressions over the match rows:
// each reference to a pattern variable (a.prop, node_degree_in(a), map(e, ...)) becomes a column of the
// GraphMatch node, named so that no query can name it.
type graphBinder struct {
	c    *checker
	e    env
	m    *GraphMatch
	vars map[string]int
	cols map[string]int
}

func (c *checker) graphMatch(e env, g GraphSource, o *syntax.GraphMatchOp) Node {
	m := &GraphMatch{In: g, Cycles: "unique_edges", Simple: o.ShortestPaths}
	m.Sp = o.Span()
	b := &graphBinder{c: c, e: env{sc: e.sc}, m: m, vars: map[string]int{}, cols: map[string]int{}}
	all := false
	if o.ShortestPaths {
		out, sp := paramWord(o.Params, "output")
		switch out {
		case "", "any":
		case "all":
			all = true
		default:
			c.errorf(sp, "graph-shortest-paths: output must be any or all")
			return nil
		}
	} else if cyc, sp := paramWord(o.Params, "cycles"); cyc != "" {
		if cyc != "all" && cyc != "none" && cyc != "unique_edges" {
			c.errorf(sp, "graph-match: cycles must be all, none or unique_edges")
			return nil
		}
		m.Cycles = cyc
	}
	if !b.patterns(o.Patterns) {
		return nil
	}
	if o.Project == nil {
		c.errorf(o.Span(), "%s needs a project clause that says which columns to return", graphOpName(o))
		return nil
	}
	var where syntax.Expr
	if o.Where != nil {
		where = b.rewrite(o.Where, false)
		if where == nil {
			return nil
		}
	}
	items := make([]syntax.Expr, len(o.Project))
	for i, x := range o.Project {
		names, vx := splitNamed(x)
		rx := b.rewrite(vx, false)
		if rx == nil {
			return nil
		}
		if len(names) == 0 {
			if n := graphColumnName(vx); n != "" {
				names = []*syntax.Ident{{Base: syntax.Base{Sp: vx.Span()}, Name: n}}
			}
		}
		if len(names) > 0 {
			items[i] = &syntax.NamedExpr{Base: syntax.Base{Sp: x.Span()}, Names: names, X: rx}
		} else {
			items[i] = rx
		}
	}
	var ends []int
	length := -1
	if o.ShortestPaths {
		for _, ch := range m.Chains {
			ends = append(ends, b.column(GraphColumn{Kind: GraphNodeIndex, Var: ch.Nodes[0]}, types.Long),
				b.column(GraphColumn{Kind: GraphNodeIndex, Var: ch.Nodes[len(ch.Nodes)-1]}, types.Long))
		}
		length = b.column(GraphColumn{Kind: GraphPathLength}, types.Long)
	}
	var in Node = m
	row := env{sc: e.sc, row: m.Fields}
	if where != nil {
		pred := c.scalar(row, where)
		if pred == nil {
			return nil
		}
		if t := pred.Type(); t != types.Bool && t != types.Dynamic {
			c.errorf(o.Where.Span(), "The where clause of %s must be a bool, but it is of type %s", graphOpName(o), t)
			return nil
		}
		in = &Filter{schema: schema{m.Fields, o.Where.Span()}, In: in, Pred: pred}
		m.NodeFilters, m.EdgeFilters = b.nodeFilters(o.Where)
	}
	// a shortest path with every condition on its ends or edges needs only the shortest walks: the search
	// may skip a node reached by a longer walk than its distance
	// (only from a path of at most one edge up, between two different variables: longer minimums and
	// cycles need walks longer than the distance)
	if o.ShortestPaths && len(m.Chains) == 1 && len(m.Chains[0].Steps) == 1 && m.Chains[0].Steps[0].Min <= 1 &&
		m.Chains[0].Nodes[0] != m.Chains[0].Nodes[1] &&
		(o.Where == nil || len(conjuncts(o.Where)) == len(m.NodeFilters)+len(m.EdgeFilters)) {
		m.ShortestOnly = true
	}
	if o.ShortestPaths {
		in = &GraphShortest{schema: schema{m.Fields, o.Span()}, In: in, Ends: ends, Length: length, All: all}
	}
	return c.project(row, in, items, false, o.Span())
}

// graphColumnName is the column name of an unnamed project item: a.b → a_b, node_degree_in(a) →
// node_degree_in; "" for others (project names them).
func graphColumnName(x syntax.Expr) string {
	if n := derivedName(x); n != "" {
		return n
	}
	if call, ok := x.(*syntax.CallExpr); ok {
		if id, ok := call.Fn.(*syntax.Ident); ok {
			switch id.Name {
			case "node_degree_in", "node_degree_out", "node_id":
				return id.Name
			}
		}
	}
	return ""
}

// patterns records the variables and chains of the pattern.
func (b *graphBinder) patterns(pats []*syntax.GraphPattern) bool {
	variable := func(id *syntax.Ident, edge, varLen bool, sp source.Span) int {
		if id == nil {
			b.m.Vars = append(b.m.Vars, GraphVar{Edge: edge, Variable: varLen})
			return len(b.m.Vars) - 1
		}
		if i, ok := b.vars[id.Name]; ok {
			v := b.m.Vars[i]
			if v.Edge || edge {
				b.c.errorf(id.Span(), "the graph variable '%s' is used twice; only node variables may repeat", id.Name)
				return -1
			}
			return i
		}
		b.m.Vars = append(b.m.Vars, GraphVar{Name: id.Name, Edge: edge, Variable: varLen})
		b.vars[id.Name] = len(b.m.Vars) - 1
		return len(b.m.Vars) - 1
	}
	for _, p := range pats {
		if len(p.Edges) == 0 || len(p.Nodes) != len(p.Edges)+1 {
			b.c.errorf(p.Span(), "a graph pattern needs at least one edge, as in (a)-[e]->(b)")
			return false
		}
		var ch GraphChain
		for i, n := range p.Nodes {
			v := variable(n.Name, false, false, n.Span())
			if v < 0 {
				return false
			}
			ch.Nodes = append(ch.Nodes, v)
			if i == len(p.Edges) {
				break
			}
			ed := p.Edges[i]
			if ed.Max > 100 {
				b.c.errorf(ed.Span(), "the path length of a variable-length edge is limited to 100")
				return false
			}
			ev := variable(ed.Name, true, ed.Variable, ed.Span())
			if ev < 0 {
				return false
			}
			ch.Steps = append(ch.Steps, GraphStep{Var: ev, Dir: ed.Dir, Min: ed.Min, Max: ed.Max})
		}
		b.m.Chains = append(b.m.Chains, ch)
	}
	// every chain after the first must share a node variable with an earlier one (one connected pattern)
	seen := map[int]bool{}
	for i, ch := range b.m.Chains {
		shared := i == 0
		for _, v := range ch.Nodes {
			if seen[v] && b.m.Vars[v].Name != "" {
				shared = true
			}
		}
		if !shared {
			b.c.errorf(pats[i].Span(), "each pattern after the first must share a node variable with an earlier one")
			return false
		}
		for _, v := range ch.Nodes {
			seen[v] = true
		}
	}
	return true
}

// column registers a match column (once per distinct definition of a non-path column) and returns its index.
func (b *graphBinder) column(col GraphColumn, t types.Type) int {
	key := ""
	if col.Elem == nil {
		key = itoa(int(col.Kind)) + "/" + itoa(col.Var) + "/" + itoa(col.Prop)
		if i, ok := b.cols[key]; ok {
			return i
		}
	}
	b.m.Columns = append(b.m.Columns, col)
	i := len(b.m.Fields)
	b.m.Fields = append(b.m.Fields, types.Field{Name: graphHidden + itoa(i), Type: t})
	if key != "" {
		b.cols[key] = i
	}
	return i
}

func (b *graphBinder) ref(i int, sp source.Span) *syntax.Ident {
	return &syntax.Ident{Base: syntax.Base{Sp: sp}, Name: b.m.Fields[i].Name}
}

// graphVarRef returns the pattern variable x names, or -1.
func (b *graphBinder) graphVarRef(x syntax.Expr) int {
	if id, ok := x.(*syntax.Ident); ok {
		if i, ok := b.vars[id.Name]; ok {
			return i
		}
	}
	return -1
}

// rewrite returns x with the pattern variable references replaced by match columns; inElem is set inside
// the element expression of map/all/any, where node_degree_in() and the like have no argument. It returns
// nil after reporting an error.
func (b *graphBinder) rewrite(x syntax.Expr, inElem bool) syntax.Expr {
	switch t := x.(type) {
	case *syntax.Ident:
		if v := b.graphVarRef(t); v >= 0 && !inElem {
			b.c.errorf(t.Span(), "the graph variable '%s' must be used with a property, as in %s.name", t.Name, t.Name)
			return nil
		}
		return t
	case *syntax.MemberExpr:
		if v := b.graphVarRef(t.X); v >= 0 && !inElem {
			return b.property(v, t)
		}
		nx := b.rewrite(t.X, inElem)
		if nx == nil {
			return nil
		}
		return &syntax.MemberExpr{Base: t.Base, X: nx, Name: t.Name}
	case *syntax.CallExpr:
		return b.call(t, inElem)
	case *syntax.ParenExpr:
		nx := b.rewrite(t.X, inElem)
		if nx == nil {
			return nil
		}
		return &syntax.ParenExpr{Base: t.Base, X: nx}
	case *syntax.UnaryExpr:
		nx := b.rewrite(t.X, inElem)
		if nx == nil {
			return nil
		}
		return &syntax.UnaryExpr{Base: t.Base, Op: t.Op, X: nx}
	case *syntax.BinaryExpr:
		nx, ny := b.rewrite(t.X, inElem), b.rewrite(t.Y, inElem)
		if nx == nil || ny == nil {
			return nil
		}
		return &syntax.BinaryExpr{Base: t.Base, Op: t.Op, OpPos: t.OpPos, X: nx, Y: ny}
	case *syntax.BetweenExpr:
		nx, lo, hi := b.rewrite(t.X, inElem), b.rewrite(t.Lo, inElem), b.rewrite(t.Hi, inElem)
		if nx == nil || lo == nil || hi == nil {
			return nil
		}
		return &syntax.BetweenExpr{Base: t.Base, X: nx, Lo: lo, Hi: hi, Not: t.Not}
	case *syntax.InExpr:
		nx := b.rewrite(t.X, inElem)
		list, ok := b.rewriteList(t.List, inElem)
		if nx == nil || !ok {
			return nil
		}
		return &syntax.InExpr{Base: t.Base, Op: t.Op, X: nx, List: list}
	case *syntax.IndexExpr:
		nx, ni := b.rewrite(t.X, inElem), b.rewrite(t.Index, inElem)
		if nx == nil || ni == nil {
			return nil
		}
		return &syntax.IndexExpr{Base: t.Base, X: nx, Index: ni}
	}
	return x
}

func (b *graphBinder) rewriteList(xs []syntax.Expr, inElem bool) ([]syntax.Expr, bool) {
	out := make([]syntax.Expr, len(xs))
	for i, a := range xs {
		if out[i] = b.rewrite(a, inElem); out[i] == nil {
			return nil, false
		}
	}
	return out, true
}

// property binds v.prop: a column for a node or single edge, the array of the property along a path for a
// variable-length edge.
func (b *graphBinder) property(v int, m *syntax.MemberExpr) syntax.Expr {
	gv := b.m.Vars[v]
	fields := b.m.In.GraphNodeFields()
	if gv.Edge {
		fields = b.m.In.GraphEdgeFields()
	}
	p := fieldIndex(fields, m.Name.Name)
	if p < 0 {
		kind := "node"
		if gv.Edge {
			kind = "edge"
		}
		b.c.errorf(m.Name.Span(), "'%s' is not a property of the %s variable '%s'", m.Name.Name, kind, gv.Name)
		return nil
	}
	if gv.Variable {
		elem := &ColRef{spanned{m.Span()}, p, fields[p].Name, fields[p].Type}
		return b.ref(b.column(GraphColumn{Kind: GraphPathMap, Var: v, Elem: elem}, types.Dynamic), m.Span())
	}
	return b.ref(b.column(GraphColumn{Kind: GraphProperty, Var: v, Prop: p}, fields[p].Type), m.Span())
}

func (b *graphBinder) call(call *syntax.CallExpr, inElem bool) syntax.Expr {
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		return call
	}
	sp := callSpan(call)
	switch id.Name {
	case "node_degree_in", "node_degree_out", "node_id":
		kind := map[string]GraphColumnKind{"node_degree_in": GraphDegreeIn, "node_degree_out": GraphDegreeOut, "node_id": GraphNodeKey}[id.Name]
		if len(call.Args) == 0 {
			if !inElem {
				b.c.errorf(sp, "%s() without an argument is only allowed inside map(), all() or any() over inner_nodes()", id.Name)
				return nil
			}
			return &syntax.Ident{Base: syntax.Base{Sp: sp}, Name: graphHidden + id.Name}
		}
		v := -1
		if len(call.Args) == 1 {
			v = b.graphVarRef(call.Args[0])
		}
		if v < 0 || b.m.Vars[v].Edge || inElem {
			b.c.errorf(sp, "%s() takes one node variable of the pattern", id.Name)
			return nil
		}
		t := types.Long
		if kind == GraphNodeKey {
			t = b.m.In.GraphKeyType()
		}
		return b.ref(b.column(GraphColumn{Kind: kind, Var: v}, t), sp)
	case "inner_nodes":
		b.c.errorf(sp, "inner_nodes() is only allowed as the first argument of map(), all() or any()")
		return nil
	case "map", "all", "any":
		if len(call.Args) != 2 {
			break
		}
		v, inner := b.graphVarRef(call.Args[0]), false
		if in, ok := call.Args[0].(*syntax.CallExpr); ok {
			if fn, ok := in.Fn.(*syntax.Ident); ok && fn.Name == "inner_nodes" && len(in.Args) == 1 {
				v, inner = b.graphVarRef(in.Args[0]), true
			}
		}
		if v < 0 {
			break
		}
		if inElem {
			b.c.errorf(sp, "%s() over a path cannot be nested in another one", id.Name)
			return nil
		}
		if !b.m.Vars[v].Edge {
			b.c.errorf(call.Args[0].Span(), "%s() needs an edge variable of the pattern (or inner_nodes() of one)", id.Name)
			return nil
		}
		ex := b.rewrite(call.Args[1], true)
		if ex == nil {
			return nil
		}
		elem := b.c.scalar(env{sc: b.e.sc, row: GraphElementFields(b.m.In, inner)}, ex)
		if elem == nil {
			return nil
		}
		kind, t := GraphPathMap, types.Dynamic
		if id.Name != "map" {
			kind, t = GraphPathAll, types.Bool
			if id.Name == "any" {
				kind = GraphPathAny
			}
			if et := elem.Type(); et != types.Bool && et != types.Dynamic {
				b.c.errorf(call.Args[1].Span(), "%s(): the predicate must be a bool, but it is of type %s", id.Name, et)
				return nil
			}
		}
		return b.ref(b.column(GraphColumn{Kind: kind, Var: v, Inner: inner, Elem: elem}, t), sp)
	}
	args, ok := b.rewriteList(call.Args, inElem)
	if !ok {
		return nil
	}
	return &syntax.CallExpr{Base: call.Base, Fn: call.Fn, Args: args}
}

// GraphNodeFilter is a conjunct of the where clause that reads only one node variable, bound over the node
// element fields (GraphElementFields with inner set): the matcher binds Var only to nodes where it holds,
// instead of finding every match first. The whole where clause still runs over the matches.
type GraphNodeFilter struct {
	Var  int
	Pred Expr
}

// nodeFilters finds the conjuncts of where that read one node variable only, or one edge variable only
// (a property of a single edge, or all(e, predicate) over a path), and binds them per node or per edge.
func (b *graphBinder) nodeFilters(where syntax.Expr) (nodes, edges []GraphNodeFilter) {
	for _, conj := range conjuncts(where) {
		if v, pred, ok := b.edgeFilter(conj); ok {
			edges = append(edges, GraphNodeFilter{Var: v, Pred: pred})
			continue
		}
		v, ok := b.singleNodeVar(conj)
		if !ok {
			continue
		}
		rx := b.nodeRewrite(conj, v)
		if rx == nil {
			continue
		}
		if pred := b.quietBool(rx, GraphElementFields(b.m.In, true)); pred != nil {
			nodes = append(nodes, GraphNodeFilter{Var: v, Pred: pred})
		}
	}
	return nodes, edges
}

// quietBool binds x over row as a bool predicate, or returns nil without reporting anything: a conjunct
// that does not bind here is reported by the where clause itself.
func (b *graphBinder) quietBool(x syntax.Expr, row []types.Field) Expr {
	items, dropped := len(b.c.diags.Items), b.c.diags.Dropped
	pred := b.c.scalar(env{sc: b.e.sc, row: row}, x)
	if len(b.c.diags.Items) != items || b.c.diags.Dropped != dropped {
		b.c.diags.Items, b.c.diags.Dropped = b.c.diags.Items[:items], dropped
		return nil
	}
	if pred == nil || pred.Type() != types.Bool {
		return nil
	}
	return pred
}

// edgeFilter recognises `all(e, pred)` over a path and a conjunct reading the properties of one single edge
// variable only; the predicate is bound over the edge fields.
func (b *graphBinder) edgeFilter(conj syntax.Expr) (int, Expr, bool) {
	for {
		p, ok := conj.(*syntax.ParenExpr)
		if !ok {
			break
		}
		conj = p.X
	}
	edgeFields := b.m.In.GraphEdgeFields()
	if call, ok := conj.(*syntax.CallExpr); ok && len(call.Args) == 2 {
		if id, ok := call.Fn.(*syntax.Ident); ok && id.Name == "all" {
			v := b.graphVarRef(call.Args[0])
			if v < 0 || !b.m.Vars[v].Edge {
				return 0, nil, false
			}
			if !b.plainElementExpr(call.Args[1]) {
				return 0, nil, false
			}
			pred := b.quietBool(call.Args[1], edgeFields)
			return v, pred, pred != nil
		}
	}
	// e.p comparisons: treat the single edge variable like a node variable over the edge fields
	v := -1
	ok := true
	syntax.Inspect(conj, func(n syntax.Node) bool {
		switch t := n.(type) {
		case *syntax.MemberExpr:
			if w := b.graphVarRef(t.X); w >= 0 {
				if !b.m.Vars[w].Edge || b.m.Vars[w].Variable || (v >= 0 && v != w) {
					ok = false
				}
				v = w
				return false
			}
		case *syntax.CallExpr:
			if id, isID := t.Fn.(*syntax.Ident); isID {
				switch id.Name {
				case "map", "all", "any", "inner_nodes", "node_degree_in", "node_degree_out", "node_id":
					ok = false
				}
				for _, a := range t.Args {
					syntax.Inspect(a, func(n syntax.Node) bool { return b.inspectIdent(n, edgeFields, &ok) })
				}
				return false
			}
		case *syntax.Ident:
			return b.inspectIdent(t, edgeFields, &ok)
		case *syntax.PipeExpr, *syntax.FuncLit:
			ok = false
		}
		return ok
	})
	if !ok || v < 0 {
		return 0, nil, false
	}
	rx := b.nodeRewrite(conj, v)
	if rx == nil {
		return 0, nil, false
	}
	pred := b.quietBool(rx, edgeFields)
	return v, pred, pred != nil
}

// plainElementExpr tells whether an element expression reads no pattern variable and no graph function (so
// it binds over the edge fields alone).
func (b *graphBinder) plainElementExpr(x syntax.Expr) bool {
	ok := true
	syntax.Inspect(x, func(n syntax.Node) bool {
		switch t := n.(type) {
		case *syntax.CallExpr:
			if id, isID := t.Fn.(*syntax.Ident); isID {
				switch id.Name {
				case "map", "all", "any", "inner_nodes", "node_degree_in", "node_degree_out", "node_id":
					ok = false
				}
			}
		case *syntax.MemberExpr:
			if b.graphVarRef(t.X) >= 0 {
				ok = false
			}
		case *syntax.PipeExpr, *syntax.FuncLit:
			ok = false
		}
		return ok
	})
	return ok
}

// conjuncts splits x on top-level `and`.
func conjuncts(x syntax.Expr) []syntax.Expr {
	switch t := x.(type) {
	case *syntax.ParenExpr:
		return conjuncts(t.X)
	case *syntax.BinaryExpr:
		if t.Op == "and" {
			return append(conjuncts(t.X), conjuncts(t.Y)...)
		}
	}
	return []syntax.Expr{x}
}

// singleNodeVar reports the one node variable x reads, when it reads no other pattern variable, no path
// function, and no bare name that a node property could shadow.
func (b *graphBinder) singleNodeVar(x syntax.Expr) (int, bool) {
	v, ok := -1, true
	nodeFields := b.m.In.GraphNodeFields()
	syntax.Inspect(x, func(n syntax.Node) bool {
		switch t := n.(type) {
		case *syntax.MemberExpr:
			if w := b.graphVarRef(t.X); w >= 0 {
				if b.m.Vars[w].Edge || (v >= 0 && v != w) {
					ok = false
				}
				v = w
				return false
			}
		case *syntax.CallExpr:
			if id, isID := t.Fn.(*syntax.Ident); isID {
				switch id.Name {
				case "map", "all", "any", "inner_nodes":
					ok = false
				case "node_degree_in", "node_degree_out", "node_id":
					if len(t.Args) != 1 {
						ok = false
						return false
					}
					w := b.graphVarRef(t.Args[0])
					if w < 0 || b.m.Vars[w].Edge || (v >= 0 && v != w) {
						ok = false
					}
					v = w
					return false
				}
				for _, a := range t.Args {
					syntax.Inspect(a, func(n syntax.Node) bool { return b.inspectIdent(n, nodeFields, &ok) })
				}
				return false
			}
		case *syntax.Ident:
			return b.inspectIdent(t, nodeFields, &ok)
		case *syntax.PipeExpr, *syntax.FuncLit:
			ok = false
		}
		return ok
	})
	return v, ok && v >= 0
}

// inspectIdent clears ok for a bare name that a node property or a pattern variable would capture.
func (b *graphBinder) inspectIdent(n syntax.Node, nodeFields []types.Field, ok *bool) bool {
	if id, isID := n.(*syntax.Ident); isID {
		if fieldIndex(nodeFields, id.Name) >= 0 || b.graphVarRef(id) >= 0 {
			*ok = false
		}
	}
	return *ok
}

// nodeRewrite rewrites x (reading only node variable v) to read the node's own fields.
func (b *graphBinder) nodeRewrite(x syntax.Expr, v int) syntax.Expr {
	switch t := x.(type) {
	case *syntax.MemberExpr:
		if b.graphVarRef(t.X) == v {
			return &syntax.Ident{Base: syntax.Base{Sp: t.Span()}, Name: t.Name.Name}
		}
		nx := b.nodeRewrite(t.X, v)
		if nx == nil {
			return nil
		}
		return &syntax.MemberExpr{Base: t.Base, X: nx, Name: t.Name}
	case *syntax.CallExpr:
		if id, isID := t.Fn.(*syntax.Ident); isID && len(t.Args) == 1 && b.graphVarRef(t.Args[0]) == v {
			switch id.Name {
			case "node_degree_in", "node_degree_out", "node_id":
				return &syntax.Ident{Base: syntax.Base{Sp: callSpan(t)}, Name: graphHidden + id.Name}
			}
		}
		args := make([]syntax.Expr, len(t.Args))
		for i, a := range t.Args {
			if args[i] = b.nodeRewrite(a, v); args[i] == nil {
				return nil
			}
		}
		return &syntax.CallExpr{Base: t.Base, Fn: t.Fn, Args: args}
	case *syntax.ParenExpr:
		nx := b.nodeRewrite(t.X, v)
		if nx == nil {
			return nil
		}
		return &syntax.ParenExpr{Base: t.Base, X: nx}
	case *syntax.UnaryExpr:
		nx := b.nodeRewrite(t.X, v)
		if nx == nil {
			return nil
		}
		return &syntax.UnaryExpr{Base: t.Base, Op: t.Op, X: nx}
	case *syntax.BinaryExpr:
		nx, ny := b.nodeRewrite(t.X, v), b.nodeRewrite(t.Y, v)
		if nx == nil || ny == nil {
			return nil
		}
		return &syntax.BinaryExpr{Base: t.Base, Op: t.Op, OpPos: t.OpPos, X: nx, Y: ny}
	case *syntax.BetweenExpr:
		nx, lo, hi := b.nodeRewrite(t.X, v), b.nodeRewrite(t.Lo, v), b.nodeRewrite(t.Hi, v)
		if nx == nil || lo == nil || hi == nil {
			return nil
		}
		return &syntax.BetweenExpr{Base: t.Base, X: nx, Lo: lo, Hi: hi, Not: t.Not}
	case *syntax.InExpr:
		nx := b.nodeRewrite(t.X, v)
		if nx == nil {
			return nil
		}
		list := make([]syntax.Expr, len(t.List))
		for i, a := range t.List {
			if list[i] = b.nodeRewrite(a, v); list[i] == nil {
				return nil
			}
		}
		return &syntax.InExpr{Base: t.Base, Op: t.Op, X: nx, List: list}
	case *syntax.Literal:
		return t
	}
	return nil // anything else (index expressions, names) is left to the where clause
}
