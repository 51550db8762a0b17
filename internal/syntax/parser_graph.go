package syntax

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// parseGraphOperator parses the graph operators; it returns nil for any other name.
func (p *parser) parseGraphOperator(start source.Pos, name string) Operator {
	var op Operator
	switch name {
	case "make-graph":
		op = p.parseMakeGraph()
	case "graph-match":
		op = p.parseGraphMatch(false)
	case "graph-shortest-paths":
		op = p.parseGraphMatch(true)
	case "graph-to-table":
		op = p.parseGraphToTable()
	case "graph-mark-components":
		op = &GraphMarkComponentsOp{Params: p.parseOpParams("kind", "with_component_id")}
	default:
		return nil
	}
	sp := p.spanFrom(start)
	switch o := op.(type) {
	case *MakeGraphOp:
		o.Sp = sp
	case *GraphMatchOp:
		o.Sp = sp
	case *GraphToTableOp:
		o.Sp = sp
	case *GraphMarkComponentsOp:
		o.Sp = sp
	}
	return op
}

func (p *parser) parseMakeGraph() *MakeGraphOp {
	op := &MakeGraphOp{Params: p.parseOpParams("kind")}
	op.Source = p.parseName("the source column of make-graph")
	switch {
	case p.atPunct("-") && p.peek(1).is("-") && p.peek(2).is(">"):
		p.p += 3
		op.Directed = true
	case p.atPunct("-") && p.peek(1).is("-"):
		p.p += 2
	default:
		p.expected("'-->' or '--'")
		return op
	}
	op.Target = p.parseName("the target column of make-graph")
	switch {
	case p.atWord("with"):
		p.advance()
		for {
			start := p.tok().Pos
			src := &GraphNodesSource{Table: p.parsePostfix()}
			p.expectWord("on", "the nodes table")
			src.Key = p.parseName("the node key column")
			src.Sp = p.spanFrom(start)
			op.Nodes = append(op.Nodes, src)
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
	case p.atWord("with_node_id"):
		p.advance()
		if p.expectPunct("=") {
			op.NodeID = p.parseName("the node id column name")
		}
	}
	return op
}

func (p *parser) parseGraphMatch(shortest bool) *GraphMatchOp {
	op := &GraphMatchOp{ShortestPaths: shortest}
	if shortest {
		op.Params = p.parseOpParams("output")
	} else {
		op.Params = p.parseOpParams("cycles")
	}
	for {
		op.Patterns = append(op.Patterns, p.parseGraphPattern())
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	if p.atWord("where") {
		where := p.advance()
		op.Where = p.parseOperand(where, p.parseExpr)
	}
	if p.atWord("project") {
		p.advance()
		op.Project = p.parseNamedList("project")
	}
	return op
}

// parseGraphPattern reads `(a)-[e]->(b)<-[f*1..3]-(c)...`.
func (p *parser) parseGraphPattern() *GraphPattern {
	start := p.tok().Pos
	pat := &GraphPattern{}
	pat.Nodes = append(pat.Nodes, p.parseGraphNode())
	for p.atPunct("-") || p.atPunct("<") {
		pat.Edges = append(pat.Edges, p.parseGraphEdge())
		pat.Nodes = append(pat.Nodes, p.parseGraphNode())
	}
	if len(pat.Edges) == 0 {
		p.errorf(p.spanFrom(start), "a graph pattern needs at least one edge, as in (a)-[e]->(b)")
	}
	pat.Sp = p.spanFrom(start)
	return pat
}

func (p *parser) parseGraphNode() *GraphNodePattern {
	start := p.tok().Pos
	n := &GraphNodePattern{}
	if p.expectPunct("(") {
		if !p.atPunct(")") {
			n.Name = p.parseName("a node variable name")
		}
		p.expectPunct(")")
	}
	n.Sp = p.spanFrom(start)
	return n
}

func (p *parser) parseGraphEdge() *GraphEdgePattern {
	start := p.tok().Pos
	e := &GraphEdgePattern{Dir: EdgeAny, Min: 1, Max: 1}
	left := false
	if p.atPunct("<") {
		p.advance()
		left = true
	}
	p.expectPunct("-")
	if p.atPunct("[") {
		p.advance()
		if p.at(tokIdent) {
			e.Name = p.parseName("an edge variable name")
		}
		if p.atPunct("*") {
			p.advance()
			e.Variable = true
			e.Min = p.parseGraphPathLength()
			e.Max = e.Min
			if p.atPunct("..") {
				p.advance()
				e.Max = p.parseGraphPathLength()
			}
			if e.Max < e.Min {
				p.errorf(p.spanFrom(start), "the path length range %d..%d is empty", e.Min, e.Max)
			}
		}
		p.expectPunct("]")
	}
	p.expectPunct("-")
	switch {
	case left:
		e.Dir = EdgeLeft
	case p.atPunct(">"):
		p.advance()
		e.Dir = EdgeRight
	}
	e.Sp = p.spanFrom(start)
	return e
}

func (p *parser) parseGraphPathLength() int64 {
	t := p.tok()
	if t.Kind != tokLong {
		p.expected("a path length (a whole number)")
		return 1
	}
	p.advance()
	n, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil || n < 0 {
		p.errorf(t.span(), "invalid path length '%s'", t.Text)
		return 1
	}
	return n
}

func (p *parser) parseGraphToTable() *GraphToTableOp {
	op := &GraphToTableOp{}
	switch {
	case p.atWord("nodes"):
		p.advance()
	case p.atWord("edges"):
		p.advance()
		op.Edges = true
	default:
		p.expected("'nodes' or 'edges'")
		return op
	}
	op.Params = p.parseOpParams("with_node_id", "with_source_id", "with_target_id")
	return op
}

// graphOperatorName names the graph operators for messages.
func graphOperatorName(op Operator) string {
	switch o := op.(type) {
	case *MakeGraphOp:
		return "make-graph"
	case *GraphMatchOp:
		if o.ShortestPaths {
			return "graph-shortest-paths"
		}
		return "graph-match"
	case *GraphToTableOp:
		return "graph-to-table"
	case *GraphMarkComponentsOp:
		return "graph-mark-components"
	}
	return ""
}

// graphNode prints the graph operators and pattern parts; it reports whether n was one.
func (pr *printer) graphNode(n Node) bool {
	switch o := n.(type) {
	case *MakeGraphOp:
		pr.s("make-graph")
		pr.params(o.Params)
		if o.Source != nil {
			pr.s(" ")
			pr.node(o.Source)
		}
		if o.Target == nil { // a partial tree: the arrow was missing
			return true
		}
		if o.Directed {
			pr.s(" --> ")
		} else {
			pr.s(" -- ")
		}
		pr.node(o.Target)
		for i, src := range o.Nodes {
			if i == 0 {
				pr.s(" with ")
			} else {
				pr.s(", ")
			}
			pr.node(src)
		}
		if o.NodeID != nil {
			pr.s(" with_node_id=")
			pr.node(o.NodeID)
		}
	case *GraphNodesSource:
		pr.expr(o.Table, precPostfix)
		pr.s(" on ")
		pr.node(o.Key)
	case *GraphMatchOp:
		pr.s(graphOperatorName(o))
		pr.params(o.Params)
		for i, pat := range o.Patterns {
			if i > 0 {
				pr.s(",")
			}
			pr.s(" ")
			pr.node(pat)
		}
		if o.Where != nil {
			pr.s(" where ")
			pr.expr(o.Where, precOr)
		}
		if o.Project != nil {
			pr.s(" project ")
			pr.exprList(o.Project)
		}
	case *GraphPattern:
		for i, nd := range o.Nodes {
			if i > 0 {
				pr.node(o.Edges[i-1])
			}
			pr.node(nd)
		}
	case *GraphNodePattern:
		pr.s("(")
		if o.Name != nil {
			pr.node(o.Name)
		}
		pr.s(")")
	case *GraphEdgePattern:
		if o.Dir == EdgeLeft {
			pr.s("<")
		}
		pr.s("-[")
		if o.Name != nil {
			pr.node(o.Name)
		}
		if o.Variable {
			pr.s("*", strconv.FormatInt(o.Min, 10), "..", strconv.FormatInt(o.Max, 10))
		}
		pr.s("]-")
		if o.Dir == EdgeRight {
			pr.s(">")
		}
	case *GraphToTableOp:
		pr.s("graph-to-table ")
		if o.Edges {
			pr.s("edges")
		} else {
			pr.s("nodes")
		}
		pr.params(o.Params)
	case *GraphMarkComponentsOp:
		pr.s("graph-mark-components")
		pr.params(o.Params)
	case *PatternDef:
		pr.s("= (")
		pr.paramList(o.Params)
		pr.s(")")
		if o.PathParam != nil {
			pr.s("[", quoteName(o.PathParam.Name.Name))
			if o.PathParam.Type != nil {
				pr.s(":")
				pr.typeExpr(o.PathParam.Type)
			}
			pr.s("]")
		}
		pr.s(" {")
		for _, c := range o.Cases {
			pr.s(" ")
			pr.node(c)
			pr.s(";")
		}
		pr.s(" }")
	case *PatternCase:
		pr.s("(")
		pr.exprList(o.Args)
		pr.s(")")
		if o.Path != nil {
			pr.s(".[")
			pr.node(o.Path)
			pr.s("]")
		}
		pr.s(" = { ")
		if o.Body != nil {
			pr.stmts(o.Body.Body)
		}
		pr.s(" }")
	default:
		return false
	}
	return true
}

// parsePatternDef reads the definition of a declared pattern, from its '='.
func (p *parser) parsePatternDef() *PatternDef {
	start := p.tok().Pos
	p.advance() // '='
	d := &PatternDef{Params: p.parseParamList()}
	if p.atPunct("[") {
		pstart := p.tok().Pos
		p.advance()
		pr := &Param{Name: p.parseName("the path parameter name")}
		if p.expectPunct(":") {
			pr.Type = p.parseType()
		}
		pr.Sp = p.spanFrom(pstart)
		d.PathParam = pr
		p.expectPunct("]")
	}
	if !p.expectPunct("{") {
		d.Sp = p.spanFrom(start)
		return d
	}
	for !p.at(tokEOF) && !p.atPunct("}") {
		if p.atPunct(";") {
			p.advance()
			continue
		}
		before := p.p
		if c := p.parsePatternCase(); c != nil {
			d.Cases = append(d.Cases, c)
		}
		if p.p == before {
			p.advance()
		}
	}
	p.expectPunct("}")
	d.Sp = p.spanFrom(start)
	return d
}

// parsePatternCase reads `(args) [.[path]] = { query }`; nil after an error.
func (p *parser) parsePatternCase() *PatternCase {
	start := p.tok().Pos
	c := &PatternCase{}
	if !p.expectPunct("(") {
		p.sync()
		return nil
	}
	if !p.atPunct(")") {
		c.Args = p.parseExprList("a pattern's arguments")
	}
	if !p.expectPunct(")") {
		p.sync()
		return nil
	}
	if p.atPunct(".") && p.peek(1).is("[") {
		p.p += 2
		c.Path = p.parseExpr()
		if !p.expectPunct("]") {
			p.sync()
			return nil
		}
	}
	if !p.expectPunct("=") {
		p.sync()
		return nil
	}
	bstart := p.tok().Pos
	body := &FuncLit{}
	if !p.expectPunct("{") {
		p.sync()
		return nil
	}
	for !p.at(tokEOF) && !p.atPunct("}") {
		if p.atPunct(";") {
			p.advance()
			continue
		}
		before := p.p
		body.Body = append(body.Body, p.parseStmt())
		if !p.atPunct(";") && !p.atPunct("}") {
			p.expected("';' or '}' in the pattern's query")
			p.sync()
		}
		if p.p == before {
			p.advance()
		}
	}
	p.expectPunct("}")
	body.Sp = p.spanFrom(bstart)
	c.Body = body
	c.Sp = p.spanFrom(start)
	return c
}
