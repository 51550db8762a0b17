package syntax

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// parseMoreOperators parses operators beyond the first slice; unknown names are reported.
func (p *parser) parseMoreOperators(first token, name string) Operator {
	start := first.Pos
	switch name {
	case "serialize":
		op := &SerializeOp{Params: p.parseOpParams()}
		if p.startsExpr() {
			op.Columns = p.parseNamedList(name)
		}
		op.Sp = p.spanFrom(start)
		return op
	case "getschema":
		op := &GetSchemaOp{Params: p.parseOpParams("kind")}
		op.Sp = p.spanFrom(start)
		return op
	case "sample":
		op := &SampleOp{Params: p.parseOpParams()}
		op.Count = p.parseOperand(p.prev(), p.parseExpr)
		op.Sp = p.spanFrom(start)
		return op
	case "sample-distinct":
		op := &SampleDistinctOp{Params: p.parseOpParams()}
		op.Count = p.parseOperand(p.prev(), p.parseExpr)
		if p.expectWord("of", "the count of 'sample-distinct'") {
			op.Of = p.parseOperand(p.prev(), p.parseNamedItem)
		}
		op.Sp = p.spanFrom(start)
		return op
	case "top-nested":
		return p.parseTopNested(first)
	case "top-hitters":
		op := &TopHittersOp{Count: p.parseOperand(p.prev(), p.parseNamedItem)}
		if p.expectWord("of", "the count of 'top-hitters'") {
			op.Of = p.parseOperand(p.prev(), p.parseNamedItem)
		}
		if p.atWord("by") {
			op.By = p.parseOperand(p.advance(), p.parseNamedItem)
		}
		op.Sp = p.spanFrom(start)
		return op
	case "mv-apply", "mvapply":
		return p.parseMvApply(start)
	case "parse-kv":
		op := &ParseKvOp{Source: p.parseOperand(p.prev(), p.parseExpr)}
		if p.expectWord("as", "the source of 'parse-kv'") && p.expectPunct("(") {
			op.Keys = p.parseColumnDecls(")")
			if !p.expectPunct(")") {
				p.sync()
			}
		}
		op.Props = p.parseWithProps()
		op.Sp = p.spanFrom(start)
		return op
	case "fork":
		return p.parseFork(start)
	case "facet":
		op := &FacetOp{}
		if p.expectWord("by", "'facet'") {
			op.Columns = p.parseExprList("by")
		}
		if p.atWord("with") {
			p.advance()
			if p.atPunct("(") {
				p.advance()
				op.With = p.parseSubPipe()
				if !p.expectPunct(")") {
					p.sync()
				}
			} else {
				op.With = p.parseSubPipe()
			}
		}
		op.Sp = p.spanFrom(start)
		return op
	case "reduce":
		op := &ReduceOp{Params: p.parseOpParams("kind")}
		if p.expectWord("by", "'reduce'") {
			op.By = p.parseOperand(p.prev(), p.parseNamedItem)
		}
		if p.atWord("with") {
			p.advance()
			for p.at(tokIdent) && p.peek(1).is("=") {
				op.With = append(op.With, p.parseRenderProp())
				if !p.atPunct(",") {
					break
				}
				p.advance()
			}
		}
		op.Sp = p.spanFrom(start)
		return op
	case "scan":
		return p.parseScan(start)
	case "search":
		op := &SearchOp{Params: p.parseOpParams("kind")}
		op.Tables = p.parseInTables()
		op.Pred = p.parseOperand(p.prev(), p.parseExpr)
		op.Sp = p.spanFrom(start)
		return op
	case "find":
		return p.parseFind(start)
	case "partition":
		return p.parsePartition(start)
	case "consume":
		op := &ConsumeOp{Params: p.parseOpParams("decodeblocks")}
		op.Sp = p.spanFrom(start)
		return op
	case "assert-schema":
		op := &AssertSchemaOp{}
		if p.expectPunct("(") {
			op.Columns = p.parseColumnDecls(")")
			p.expectPunct(")")
		}
		op.Sp = p.spanFrom(start)
		return op
	}
	if op := p.parseGraphOperator(start, name); op != nil {
		return op
	}
	if !genericOperators[name] {
		if s := suggestOperator(name); s != "" {
			p.errorf(p.spanFrom(start), "unknown operator '%s' (did you mean '%s'?)", name, s)
		} else {
			p.errorf(p.spanFrom(start), "unknown operator '%s'", name)
		}
		p.sync()
		return &GenericOp{Base: Base{p.spanFrom(start)}, Name: name}
	}
	// graph operators and other rarities: keep the text up to the next '|' or ';' (or enclosing bracket)
	op := &GenericOp{Name: name}
	from := p.p
	p.skipBalanced()
	op.Text = p.rawTokens(from, p.p)
	op.Sp = p.spanFrom(start)
	return op
}

// skipBalanced moves to the next '|' or ';' outside brackets, or to a closing bracket of an enclosing level,
// reporting an unclosed bracket.
func (p *parser) skipBalanced() {
	var stack []string
	for !p.at(tokEOF) {
		t := p.tok()
		if t.Kind == tokPunct {
			switch t.Text {
			case "(":
				stack = append(stack, ")")
			case "[":
				stack = append(stack, "]")
			case "{":
				stack = append(stack, "}")
			case ")", "]", "}":
				if len(stack) == 0 {
					return
				}
				if stack[len(stack)-1] != t.Text {
					p.errorf(t.span(), "expected '%s' but found '%s'", stack[len(stack)-1], t.Text)
				}
				stack = stack[:len(stack)-1]
			case "|", ";":
				if len(stack) == 0 {
					return
				}
			}
		}
		p.advance()
	}
	if len(stack) > 0 {
		p.errorf(p.foundSpan(), "expected '%s' but found end of query", stack[len(stack)-1])
	}
}

// postPipeOperators are the operator names that may start a sub-pipeline without an input.
var postPipeOperators = map[string]bool{
	"as": true, "assert-schema": true, "consume": true, "count": true, "distinct": true, "evaluate": true,
	"extend": true, "facet": true, "where": true, "filter": true, "fork": true, "getschema": true, "invoke": true,
	"join": true, "lookup": true, "make-series": true, "mv-apply": true, "mv-expand": true, "mvapply": true,
	"mvexpand": true, "parse": true, "parse-where": true, "parse-kv": true, "partition": true, "project": true,
	"project-away": true, "project-keep": true, "project-rename": true, "project-reorder": true, "reduce": true,
	"render": true, "sample": true, "sample-distinct": true, "scan": true, "search": true, "serialize": true,
	"sort": true, "order": true, "summarize": true, "take": true, "limit": true, "top": true, "top-hitters": true,
	"top-nested": true, "union": true, "execute-and-cache": true,
}

// parseSubPipe reads a sub-pipeline: an operator with implicit input (`where x > 1 | take 3`), or an ordinary
// pipe expression.
func (p *parser) parseSubPipe() Expr {
	start := p.tok().Pos
	defer p.leave()
	if !p.enter() {
		return p.bad(start)
	}
	if name, n := p.peekGluedWord(); postPipeOperators[name] {
		first := p.tok()
		p.p += n
		op := p.parseOperatorNamed(first, name)
		var x Expr = &PipeExpr{Base: Base{op.Span()}, Op: op}
		p.checkOperatorEnd(op)
		for p.atPunct("|") {
			bar := p.advance()
			op := p.parseOperator(bar)
			x = &PipeExpr{Base: Base{spanOf(x, op)}, Input: x, Op: op}
			p.checkOperatorEnd(op)
		}
		return x
	}
	return p.parsePipeExpr()
}

func (p *parser) parseTopNested(first token) Operator {
	op := &TopNestedOp{}
	for {
		lStart := p.prev().Pos
		lvl := &TopNestedLevel{}
		if !p.atWord("of") {
			lvl.Count = p.parseOperand(p.prev(), p.parseNamedItem)
		}
		if p.expectWord("of", "'top-nested'") {
			lvl.Of = p.parseOperand(p.prev(), p.parseNamedItem)
		}
		if p.atWord("with") && p.peek(1).isWord("others") && p.peek(2).is("=") {
			p.p += 3
			lvl.Others = p.parseOperand(p.prev(), p.parseUnary)
		}
		if p.expectWord("by", "the 'of' expression of 'top-nested'") {
			keys := p.parseSortKeysNamed(true)
			if len(keys) > 0 {
				lvl.By = keys[0]
			}
		}
		lvl.Sp = p.spanFrom(lStart)
		op.Levels = append(op.Levels, lvl)
		if !(p.atPunct(",") && p.peek(1).isWord("top") && p.peek(2).is("-")) {
			break
		}
		p.advance()
		if name, n := p.peekGluedWord(); name == "top-nested" {
			p.p += n
		}
	}
	op.Sp = p.spanFrom(first.Pos)
	return op
}

func (p *parser) parseMvApply(start source.Pos) Operator {
	op := &MvApplyOp{Params: p.parseOpParams("with_itemindex")}
	op.Items = p.parseMvExpandColumns("mv-apply")
	if p.atWord("limit") {
		op.Limit = p.parseOperand(p.advance(), p.parseExpr)
	}
	if !p.expectWord("on", "the expressions of 'mv-apply'") {
		p.sync()
		op.Sp = p.spanFrom(start)
		return op
	}
	if p.expectPunct("(") {
		op.Body = p.parseSubPipe()
		if !p.expectPunct(")") {
			p.sync()
			if p.atPunct(")") {
				p.advance()
			}
		}
	}
	op.Sp = p.spanFrom(start)
	return op
}

func (p *parser) parseFork(start source.Pos) Operator {
	op := &ForkOp{}
	for p.atPunct("(") || (p.at(tokIdent) && p.peek(1).is("=")) || (p.atPunct("[") && p.peek(3).is("=")) {
		bStart := p.tok().Pos
		br := &ForkBranch{}
		if !p.atPunct("(") {
			br.Name = p.parseName("a branch name")
			p.expectPunct("=")
		}
		if !p.expectPunct("(") {
			p.sync()
			break
		}
		br.Body = p.parseSubPipe()
		if !p.expectPunct(")") {
			p.sync()
			if p.atPunct(")") {
				p.advance()
			}
		}
		br.Sp = p.spanFrom(bStart)
		op.Branches = append(op.Branches, br)
	}
	if len(op.Branches) == 0 {
		p.errorf(p.foundSpan(), "expected '(' after 'fork' but found %s", p.tok().describe())
	}
	op.Sp = p.spanFrom(start)
	return op
}

func (p *parser) parseScan(start source.Pos) Operator {
	op := &ScanOp{Params: p.parseOpParams("kind", "with_match_id")}
	if p.atWord("order") && p.peek(1).isWord("by") {
		p.p += 2
		op.OrderBy = p.parseSortKeys()
	}
	if p.atWord("partition") && p.peek(1).isWord("by") {
		p.p += 2
		op.PartitionBy = p.parseExprList("by")
	}
	if p.atWord("declare") {
		p.advance()
		op.Declare = p.parseParamList()
	}
	if !p.expectWord("with", "'scan'") || !p.expectPunct("(") {
		p.sync()
		op.Sp = p.spanFrom(start)
		return op
	}
	for p.atWord("step") {
		sStart := p.advance().Pos
		st := &ScanStep{Name: p.parseName("a step name")}
		if p.atWord("output") && p.peek(1).is("=") {
			p.p += 2
			st.Output = p.parseName("all, last or none").Name
		}
		if p.expectPunct(":") {
			st.Cond = p.parseOperand(p.prev(), p.parseExpr)
		}
		if p.atPunct("=>") {
			p.advance()
			for {
				aStart := p.tok().Pos
				name := p.parseScanTarget()
				var x Expr
				if p.expectPunct("=") {
					x = p.parseOperand(p.prev(), p.parseExpr)
				} else {
					x = p.bad(p.tok().Pos)
				}
				st.Assigns = append(st.Assigns, &NamedExpr{Base: Base{p.spanFrom(aStart)}, Names: []*Ident{name}, X: x})
				if !p.atPunct(",") {
					break
				}
				p.advance()
			}
		}
		p.expectPunct(";")
		st.Sp = p.spanFrom(sStart)
		op.Steps = append(op.Steps, st)
	}
	if !p.expectPunct(")") {
		p.sync()
		if p.atPunct(")") {
			p.advance()
		}
	}
	op.Sp = p.spanFrom(start)
	return op
}

// parseScanTarget reads the column assigned in a scan step: a name or `Step.Name`.
func (p *parser) parseScanTarget() *Ident {
	id := p.parseName("a column name")
	for p.atPunct(".") && p.peek(1).Kind == tokIdent {
		p.advance()
		n := p.advance()
		id = &Ident{Base{id.Sp.Join(n.span())}, id.Name + "." + n.Text}
	}
	return id
}

// parseInTables reads an optional `in (T1, T2*, ...)` clause of search and find.
func (p *parser) parseInTables() []Expr {
	if !(p.atWord("in") && p.peek(1).is("(")) {
		return nil
	}
	p.p += 2
	tables := []Expr{}
	for !p.atPunct(")") && !p.at(tokEOF) {
		tables = append(tables, p.parseUnionItem())
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	if !p.expectPunct(")") {
		p.sync()
	}
	return tables
}

func (p *parser) parseFind(start source.Pos) Operator {
	op := &FindOp{Params: p.parseOpParams("withsource", "datascope")}
	op.Tables = p.parseInTables()
	if p.atWord("where") {
		p.advance()
	}
	op.Pred = p.parseOperand(p.prev(), p.parseExpr)
	if name, n := p.peekGluedWord(); name == "project-smart" {
		p.p += n
		op.ProjectSmart = true
	} else if name == "project" {
		p.advance()
		for {
			if p.atPunct("*") {
				t := p.advance()
				op.Project = append(op.Project, &StarExpr{Base{t.span()}})
			} else if p.atWord("pack") && p.peek(1).is("(") {
				op.Project = append(op.Project, p.parsePostfix())
			} else {
				cStart := p.tok().Pos
				name := p.parseName("a column name")
				if p.atPunct(":") {
					p.advance()
					cd := &ColumnDecl{Name: name, Type: p.parseType()}
					cd.Sp = p.spanFrom(cStart)
					op.Project = append(op.Project, cd)
				} else {
					op.Project = append(op.Project, name)
				}
			}
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
	}
	op.Sp = p.spanFrom(start)
	return op
}

func (p *parser) parsePartition(start source.Pos) Operator {
	op := &PartitionOp{Params: p.parseOpParams()}
	if p.expectWord("by", "'partition'") {
		op.By = p.parseSimplePath()
	}
	switch {
	case p.atPunct("("):
		p.advance()
		op.Body = p.parseSubPipe()
		if !p.expectPunct(")") {
			p.sync()
		}
	case p.atPunct("{"):
		p.advance()
		op.Braces = true
		op.Body = p.parsePipeExpr()
		if !p.expectPunct("}") {
			p.sync()
		}
	default:
		p.errorf(p.foundSpan(), "expected '(' or '{' after the partition key but found %s", p.tok().describe())
	}
	op.Sp = p.spanFrom(start)
	return op
}

// parseWithProps reads an optional `with (name = value, ...)`.
func (p *parser) parseWithProps() []*NamedExpr {
	if !(p.atWord("with") && p.peek(1).is("(")) {
		return nil
	}
	p.p += 2
	var props []*NamedExpr
	for !p.atPunct(")") && !p.at(tokEOF) {
		props = append(props, p.parseRenderProp())
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	if !p.expectPunct(")") {
		p.sync()
	}
	return props
}

func moreOperatorName(op Operator) string {
	switch op.(type) {
	case *ExternalDataOp:
		return "externaldata"
	case *SerializeOp:
		return "serialize"
	case *GetSchemaOp:
		return "getschema"
	case *SampleOp:
		return "sample"
	case *SampleDistinctOp:
		return "sample-distinct"
	case *TopNestedOp:
		return "top-nested"
	case *TopHittersOp:
		return "top-hitters"
	case *MvApplyOp:
		return "mv-apply"
	case *ParseKvOp:
		return "parse-kv"
	case *ForkOp:
		return "fork"
	case *FacetOp:
		return "facet"
	case *ReduceOp:
		return "reduce"
	case *ScanOp:
		return "scan"
	case *SearchOp:
		return "search"
	case *FindOp:
		return "find"
	case *PartitionOp:
		return "partition"
	case *ConsumeOp:
		return "consume"
	case *AssertSchemaOp:
		return "assert-schema"
	}
	if name := graphOperatorName(op); name != "" {
		return name
	}
	return "operator"
}

func (p *parser) parseExternalData(first token) Operator {
	op := &ExternalDataOp{}
	if p.expectPunct("(") {
		op.Columns = p.parseColumnDecls(")")
		if !p.expectPunct(")") {
			p.sync()
		}
	}
	if p.expectPunct("[") {
		for !p.atPunct("]") && !p.at(tokEOF) {
			op.URIs = append(op.URIs, p.parseOperand(p.prev(), p.parseExpr))
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
		if !p.expectPunct("]") {
			p.sync()
		}
	}
	if p.atWord("with") && p.peek(1).is("(") {
		p.advance()
		p.advance()
		for !p.atPunct(")") && !p.at(tokEOF) {
			op.Props = append(op.Props, p.parseRenderProp())
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
		if !p.expectPunct(")") {
			p.sync()
		}
	}
	op.Sp = p.spanFrom(first.Pos)
	return op
}

// allOperatorNames lists every tabular operator name, for "did you mean" suggestions.
var allOperatorNames = []string{
	"as", "consume", "count", "datatable", "distinct", "evaluate", "extend", "externaldata", "facet", "filter", "find",
	"fork", "getschema", "invoke", "join", "limit", "lookup", "make-series", "mv-apply", "mv-expand", "order",
	"parse", "parse-kv", "parse-where", "partition", "print", "project", "project-away", "project-keep",
	"project-rename", "project-reorder", "range", "reduce", "render", "sample", "sample-distinct", "scan", "search",
	"serialize", "sort", "summarize", "take", "top", "top-hitters", "top-nested", "union", "where",
}

// suggestOperator returns the operator name closest to name (edit distance at most 2), or "".
func suggestOperator(name string) string {
	best, bestDist := "", 3
	for _, cand := range allOperatorNames {
		if d := editDistance(strings.ToLower(name), cand); d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseEvaluateSchema reads the output schema of evaluate: `(*, a:long)` or `(a:long, ...)`.
func (p *parser) parseEvaluateSchema() *TypeExpr {
	start := p.advance().Pos // (
	te := &TypeExpr{Tabular: true, Name: "table"}
	if p.atPunct("*") {
		p.advance()
		te.Star = true
		if p.atPunct(",") {
			p.advance()
		}
	}
	te.Columns = p.parseColumnDecls(")")
	if !p.expectPunct(")") {
		p.sync()
	}
	te.Sp = p.spanFrom(start)
	return te
}

// parseSimplePath reads a column path without calls: Name, Name.Field, ['x'].y.
func (p *parser) parseSimplePath() Expr {
	var x Expr = p.parseName("a column name")
	for p.atPunct(".") && (p.peek(1).Kind == tokIdent || p.peek(1).is("[")) {
		p.advance()
		name := p.parseName("a property name")
		x = &MemberExpr{Base: Base{spanOf(x, name)}, X: x, Name: name}
	}
	return x
}
