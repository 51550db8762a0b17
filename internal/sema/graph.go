package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// GraphSource is a plan node whose value is a graph (nodes and edges with properties), not a table: only the
// graph operators read it.
type GraphSource interface {
	Node
	// GraphNodeFields returns the node properties.
	GraphNodeFields() []types.Field
	// GraphEdgeFields returns the edge properties.
	GraphEdgeFields() []types.Field
	// GraphKeyType returns the type of the node keys (the edges' source and target columns).
	GraphKeyType() types.Type
}

// GraphNodeTable is one `T on Key` table of make-graph: Map gives, for each node field of the graph, the
// column of In that fills it (-1 when In has no such column).
type GraphNodeTable struct {
	In  Node
	Key int
	Map []int
}

// MakeGraph builds a graph from the edge rows of In (Source and Target are the key columns) and the node
// tables. Its Schema is the edge schema; it is not a table.
type MakeGraph struct {
	schema
	In             Node
	Source, Target int
	Directed       bool
	Nodes          []GraphNodeTable
	NodeFields     []types.Field
	// KeyField is the node field that holds the key for nodes only named by edges (-1: none)
	KeyField int
}

// GraphNodeFields returns the node properties.
func (g *MakeGraph) GraphNodeFields() []types.Field { return g.NodeFields }

// GraphEdgeFields returns the edge properties.
func (g *MakeGraph) GraphEdgeFields() []types.Field { return g.Fields }

// GraphKeyType returns the type of the node keys.
func (g *MakeGraph) GraphKeyType() types.Type { return g.Fields[g.Source].Type }

// GraphMarkComponents adds to every node of In the number of its connected component (weakly connected, or
// strongly connected when Strong), as the last node field.
type GraphMarkComponents struct {
	schema
	In         GraphSource
	Strong     bool
	NodeFields []types.Field
}

// GraphNodeFields returns the node properties.
func (g *GraphMarkComponents) GraphNodeFields() []types.Field { return g.NodeFields }

// GraphEdgeFields returns the edge properties.
func (g *GraphMarkComponents) GraphEdgeFields() []types.Field { return g.In.GraphEdgeFields() }

// GraphKeyType returns the type of the node keys.
func (g *GraphMarkComponents) GraphKeyType() types.Type { return g.In.GraphKeyType() }

// GraphToTable returns the nodes (or the edges) of a graph as a table; with IDs set, the first column(s) are
// the node ids (source and target ids for edges).
type GraphToTable struct {
	schema
	In    GraphSource
	Edges bool
	IDs   bool
}

// GraphVar is a variable of a graph pattern; anonymous elements get a variable with an empty Name.
type GraphVar struct {
	Name     string
	Edge     bool
	Variable bool // a variable-length edge: its value is a path of edges
}

// GraphStep is one edge of a pattern chain: the edge variable, its direction and path length range.
type GraphStep struct {
	Var      int
	Dir      syntax.GraphEdgeDirection
	Min, Max int64
}

// GraphChain is one comma-separated sequence of a pattern: len(Nodes) == len(Steps)+1.
type GraphChain struct {
	Nodes []int
	Steps []GraphStep
}

// GraphColumnKind says what a GraphMatch column holds.
type GraphColumnKind int

const (
	// GraphProperty is property Prop of a node or single-edge variable.
	GraphProperty GraphColumnKind = iota
	// GraphDegreeIn is the number of edges into a node variable.
	GraphDegreeIn
	// GraphDegreeOut is the number of edges out of a node variable.
	GraphDegreeOut
	// GraphNodeKey is the key of a node variable (node_id()).
	GraphNodeKey
	// GraphPathMap is Elem evaluated for each element of a path, as a dynamic array.
	GraphPathMap
	// GraphPathAll tells whether Elem holds for every element of a path.
	GraphPathAll
	// GraphPathAny tells whether Elem holds for some element of a path.
	GraphPathAny
	// GraphNodeIndex is the internal index of a node variable's node (graph-shortest-paths groups by it).
	GraphNodeIndex
	// GraphPathLength is the number of edges the match walks (graph-shortest-paths keeps the shortest).
	GraphPathLength
)

// GraphColumn is how one column of a GraphMatch row is computed. Path columns walk the edges of Var, or its
// inner nodes when Inner; Elem is bound over the element's fields (GraphElementFields).
type GraphColumn struct {
	Kind  GraphColumnKind
	Var   int
	Prop  int
	Inner bool
	Elem  Expr
}

// GraphMatch finds every match of the pattern chains in the graph In and returns one row per match with the
// columns that the where and project clauses read (bound above it as Filter and Project). Cycles is
// "unique_edges" (an edge at most once per match), "none" (no node twice, except where one variable
// repeats) or "all".
type GraphMatch struct {
	schema
	In      GraphSource
	Vars    []GraphVar
	Chains  []GraphChain
	Cycles  string
	Columns []GraphColumn
	// Simple keeps only paths that visit no node twice (graph-shortest-paths)
	Simple bool
	// NodeFilters restrict the nodes some variables may bind to (conjuncts of the where clause)
	NodeFilters []GraphNodeFilter
	// EdgeFilters restrict the edges an edge variable may walk (bound over the edge fields)
	EdgeFilters []GraphNodeFilter
	// ShortestOnly lets the search walk only shortest paths (graph-shortest-paths whose where clause is all
	// node and edge filters)
	ShortestOnly bool
}

// GraphShortest keeps, of the rows of In (matches already filtered by where), those with the smallest
// Length for each combination of the Ends columns: all of them with All, else the first.
type GraphShortest struct {
	schema
	In     Node
	Ends   []int
	Length int
	All    bool
}

// graphHidden prefixes the names of columns made for graph variables; no KQL name can contain it.
const graphHidden = "\x00"

// GraphElementFields returns the fields a path element expression is bound over: the edge properties, or
// the node properties followed by the node's in-degree, out-degree and key.
func GraphElementFields(g GraphSource, inner bool) []types.Field {
	if !inner {
		return g.GraphEdgeFields()
	}
	f := append([]types.Field(nil), g.GraphNodeFields()...)
	return append(f,
		types.Field{Name: graphHidden + "node_degree_in", Type: types.Long},
		types.Field{Name: graphHidden + "node_degree_out", Type: types.Long},
		types.Field{Name: graphHidden + "node_id", Type: g.GraphKeyType()})
}

// graphChildren returns the inputs of the graph plan nodes (nil for other nodes).
func graphChildren(n Node) []Node {
	switch x := n.(type) {
	case *MakeGraph:
		out := []Node{x.In}
		for _, t := range x.Nodes {
			out = append(out, t.In)
		}
		return out
	case *GraphMarkComponents:
		return []Node{x.In}
	case *GraphToTable:
		return []Node{x.In}
	case *GraphMatch:
		return []Node{x.In}
	case *GraphShortest:
		return []Node{x.In}
	}
	return nil
}

// graphOperator binds the graph operators; handled is false for other operators over a table.
func (c *checker) graphOperator(e env, in Node, op syntax.Operator) (n Node, handled bool) {
	g, inIsGraph := in.(GraphSource)
	switch o := op.(type) {
	case *syntax.MakeGraphOp:
		if in == nil {
			return nil, false
		}
		if inIsGraph {
			c.errorf(o.Span(), "make-graph needs a table of edges, but its input is a graph")
			return nil, true
		}
		return c.makeGraph(e, in, o), true
	case *syntax.GraphMatchOp:
		if !inIsGraph {
			c.errorf(o.Span(), "%s needs a graph as its input (made by make-graph)", graphOpName(o))
			return nil, true
		}
		return c.graphMatch(e, g, o), true
	case *syntax.GraphToTableOp:
		if !inIsGraph {
			c.errorf(o.Span(), "graph-to-table needs a graph as its input (made by make-graph)")
			return nil, true
		}
		return c.graphToTable(g, o), true
	case *syntax.GraphMarkComponentsOp:
		if !inIsGraph {
			c.errorf(o.Span(), "graph-mark-components needs a graph as its input (made by make-graph)")
			return nil, true
		}
		return c.graphMarkComponents(g, o), true
	}
	if inIsGraph {
		c.errorf(op.Span(), "The input of this operator is a graph; use graph-match, graph-shortest-paths or graph-to-table to make a table of it")
		return nil, true
	}
	return nil, false
}

func graphOpName(o *syntax.GraphMatchOp) string {
	if o.ShortestPaths {
		return "graph-shortest-paths"
	}
	return "graph-match"
}

// paramWord returns the value of option name written as a word or string, "" when absent.
func paramWord(params []*syntax.OpParam, name string) (string, source.Span) {
	for _, p := range params {
		if !strings.EqualFold(p.Name, name) {
			continue
		}
		switch v := p.Value.(type) {
		case *syntax.Ident:
			return v.Name, p.Span()
		case *syntax.Literal:
			if v.Value.Type == types.String {
				return v.Value.S, p.Span()
			}
		}
		return "\x00", p.Span() // a value of another form: reported as invalid by the caller
	}
	return "", source.Span{}
}

func (c *checker) makeGraph(e env, in Node, o *syntax.MakeGraphOp) Node {
	if o.Source == nil || o.Target == nil {
		return nil // a parse error was reported
	}
	fields := in.Schema()
	src, dst := fieldIndex(fields, o.Source.Name), fieldIndex(fields, o.Target.Name)
	if src < 0 {
		c.errorf(o.Source.Span(), "make-graph: the edges have no column '%s'", o.Source.Name)
		return nil
	}
	if dst < 0 {
		c.errorf(o.Target.Span(), "make-graph: the edges have no column '%s'", o.Target.Name)
		return nil
	}
	key := fields[src].Type
	if fields[dst].Type != key {
		c.errorf(o.Target.Span(), "make-graph: the source column is of type %s but the target column is of type %s", key, fields[dst].Type)
		return nil
	}
	if kind, sp := paramWord(o.Params, "kind"); kind != "" && kind != "simple" && kind != "unique" {
		c.errorf(sp, "make-graph: kind must be simple or unique")
		return nil
	}
	g := &MakeGraph{schema: schema{fields, o.Span()}, In: in, Source: src, Target: dst, Directed: o.Directed, KeyField: -1}
	if o.NodeID != nil {
		g.NodeFields = []types.Field{{Name: o.NodeID.Name, Type: key}}
		g.KeyField = 0
		return g
	}
	for _, ns := range o.Nodes {
		t := c.tabular(env{sc: e.sc}, ns.Table)
		if t == nil {
			return nil
		}
		if _, isGraph := t.(GraphSource); isGraph {
			c.errorf(ns.Table.Span(), "make-graph: the nodes must be a table, not a graph")
			return nil
		}
		k := fieldIndex(t.Schema(), ns.Key.Name)
		if k < 0 {
			c.errorf(ns.Key.Span(), "make-graph: the nodes have no column '%s'", ns.Key.Name)
			return nil
		}
		if kt := t.Schema()[k].Type; kt != key {
			c.errorf(ns.Key.Span(), "make-graph: the node key '%s' is of type %s but the edges' keys are of type %s", ns.Key.Name, kt, key)
			return nil
		}
		for _, f := range t.Schema() {
			if i := fieldIndex(g.NodeFields, f.Name); i < 0 {
				g.NodeFields = append(g.NodeFields, f)
			} else if g.NodeFields[i].Type != f.Type {
				c.errorf(ns.Table.Span(), "make-graph: the node property '%s' is of type %s in one nodes table and %s in another", f.Name, g.NodeFields[i].Type, f.Type)
				return nil
			}
		}
		if g.KeyField < 0 {
			g.KeyField = fieldIndex(g.NodeFields, ns.Key.Name)
		}
		g.Nodes = append(g.Nodes, GraphNodeTable{In: t, Key: k})
	}
	for i := range g.Nodes {
		t := g.Nodes[i].In.Schema()
		m := make([]int, len(g.NodeFields))
		for j, f := range g.NodeFields {
			m[j] = fieldIndex(t, f.Name)
		}
		g.Nodes[i].Map = m
	}
	return g
}

func (c *checker) graphMarkComponents(g GraphSource, o *syntax.GraphMarkComponentsOp) Node {
	kind, sp := paramWord(o.Params, "kind")
	if kind != "" && kind != "weak" && kind != "strong" {
		c.errorf(sp, "graph-mark-components: kind must be weak or strong")
		return nil
	}
	name, sp := paramWord(o.Params, "with_component_id")
	if name == "" {
		name = "ComponentId"
	} else if name == "\x00" {
		c.errorf(sp, "graph-mark-components: with_component_id must be a column name")
		return nil
	}
	nf := append([]types.Field(nil), g.GraphNodeFields()...)
	if fieldIndex(nf, name) >= 0 {
		c.errorf(o.Span(), "graph-mark-components: the nodes already have a property '%s'", name)
		return nil
	}
	nf = append(nf, types.Field{Name: name, Type: types.Long})
	return &GraphMarkComponents{schema: schema{g.GraphEdgeFields(), o.Span()}, In: g, Strong: kind == "strong", NodeFields: nf}
}

func (c *checker) graphToTable(g GraphSource, o *syntax.GraphToTableOp) Node {
	var ids []string
	for _, p := range o.Params {
		name, sp := paramWord([]*syntax.OpParam{p}, p.Name)
		allowed := (!o.Edges && strings.EqualFold(p.Name, "with_node_id")) ||
			(o.Edges && (strings.EqualFold(p.Name, "with_source_id") || strings.EqualFold(p.Name, "with_target_id")))
		if !allowed {
			c.errorf(sp, "graph-to-table: '%s' does not apply to %s", p.Name, map[bool]string{true: "edges", false: "nodes"}[o.Edges])
			return nil
		}
		if name == "\x00" || name == "" {
			c.errorf(sp, "graph-to-table: %s must be a column name", p.Name)
			return nil
		}
		ids = append(ids, name)
	}
	base := g.GraphNodeFields()
	if o.Edges {
		base = g.GraphEdgeFields()
	}
	if o.Edges && len(ids) == 1 {
		c.errorf(o.Span(), "graph-to-table edges: give both with_source_id and with_target_id")
		return nil
	}
	var fields []types.Field
	for _, id := range ids {
		fields = append(fields, types.Field{Name: id, Type: types.Long})
	}
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	for _, f := range base {
		fields = append(fields, types.Field{Name: uniqueName(taken, f.Name), Type: f.Type})
		taken[fields[len(fields)-1].Name] = true
	}
	return &GraphToTable{schema: schema{fields, o.Span()}, In: g, Edges: o.Edges, IDs: len(ids) > 0}
}
