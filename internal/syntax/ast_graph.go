package syntax

// ---- graph operators (make-graph, graph-match, graph-shortest-paths, graph-to-table, graph-mark-components) ----

// MakeGraphOp is `make-graph [kind=...] Source --> Target [with Nodes on Key, ...] [with_node_id=Name]`.
// Directed is false for `--` (an undirected graph).
type MakeGraphOp struct {
	Base
	Params   []*OpParam
	Source   *Ident
	Directed bool
	Target   *Ident
	Nodes    []*GraphNodesSource // the `with T on Key` tables, in order
	NodeID   *Ident              // with_node_id=Name: the node table is made from the edges, one column Name
}

// GraphNodesSource is one `T on Key` of make-graph's with-clause.
type GraphNodesSource struct {
	Base
	Table Expr
	Key   *Ident
}

// GraphNodePattern is `(name)` in a graph pattern; Name is nil for an anonymous node.
type GraphNodePattern struct {
	Base
	Name *Ident
}

// GraphEdgeDirection says which way an edge pattern points.
type GraphEdgeDirection int

const (
	// EdgeRight is `-[e]->`: from the node before it to the node after it.
	EdgeRight GraphEdgeDirection = iota
	// EdgeLeft is `<-[e]-`: from the node after it to the node before it.
	EdgeLeft
	// EdgeAny is `-[e]-`: either way.
	EdgeAny
)

// GraphEdgePattern is `-[name*Min..Max]->` (or `<-[...]-`, `-[...]-`, `-->`, `<--`, `--`). Variable is set
// when a `*` range is written; Min and Max are the path lengths (Min == Max for `*n`).
type GraphEdgePattern struct {
	Base
	Name     *Ident
	Dir      GraphEdgeDirection
	Variable bool
	Min, Max int64
}

// GraphPattern is a chain node, edge, node, ... of a graph-match pattern.
type GraphPattern struct {
	Base
	Nodes []*GraphNodePattern
	Edges []*GraphEdgePattern // len(Edges) == len(Nodes)-1
}

// GraphMatchOp is `graph-match [cycles=...] Pattern, ... [where Pred] [project Columns]`; ShortestPaths marks
// `graph-shortest-paths [output=any|all]`, which has the same shape.
type GraphMatchOp struct {
	Base
	ShortestPaths bool
	Params        []*OpParam
	Patterns      []*GraphPattern
	Where         Expr   // nil when absent
	Project       []Expr // nil when absent
}

// GraphToTableOp is `graph-to-table nodes|edges [with_node_id=C] [with_source_id=C] [with_target_id=C]`.
type GraphToTableOp struct {
	Base
	Edges  bool // edges rather than nodes
	Params []*OpParam
}

// GraphMarkComponentsOp is `graph-mark-components [kind=weak|strong] [with_component_id=Name]`.
type GraphMarkComponentsOp struct {
	Base
	Params []*OpParam
}

func (*MakeGraphOp) operatorNode()           {}
func (*GraphMatchOp) operatorNode()          {}
func (*GraphToTableOp) operatorNode()        {}
func (*GraphMarkComponentsOp) operatorNode() {}

// String prints the operator as KQL.
func (n *MakeGraphOp) String() string { return Format(n) }

// String prints the operator as KQL.
func (n *GraphMatchOp) String() string { return Format(n) }

// String prints the operator as KQL.
func (n *GraphToTableOp) String() string { return Format(n) }

// String prints the operator as KQL.
func (n *GraphMarkComponentsOp) String() string { return Format(n) }

// String prints the pattern as KQL.
func (n *GraphPattern) String() string { return Format(n) }

// String prints the node pattern as KQL.
func (n *GraphNodePattern) String() string { return Format(n) }

// String prints the edge pattern as KQL.
func (n *GraphEdgePattern) String() string { return Format(n) }

// String prints the nodes source as KQL.
func (n *GraphNodesSource) String() string { return Format(n) }

// PatternDef is the definition of a declared pattern: `= (params) [[path:type]] { case; ... }`.
type PatternDef struct {
	Base
	Params    []*Param
	PathParam *Param // the `[name:type]` path parameter; nil when absent
	Cases     []*PatternCase
}

// PatternCase is one `(args) [.[path]] = { query }` of a pattern; Body is the query as a function without
// parameters.
type PatternCase struct {
	Base
	Args []Expr
	Path Expr // nil when absent
	Body *FuncLit
}

// String prints the definition as KQL.
func (n *PatternDef) String() string { return Format(n) }

// String prints the case as KQL.
func (n *PatternCase) String() string { return Format(n) }
