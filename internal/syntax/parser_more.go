package syntax

import "strings"

// parseMoreOperators parses operators beyond the first slice; unknown names are reported.
func (p *parser) parseMoreOperators(first token, name string) Operator {
	start := first.Pos
	if !knownOperators[name] {
		if s := suggestOperator(name); s != "" {
			p.errorf(p.spanFrom(start), "unknown operator '%s' (did you mean '%s'?)", name, s)
		} else {
			p.errorf(p.spanFrom(start), "unknown operator '%s'", name)
		}
		p.sync()
		return &GenericOp{Base: Base{p.spanFrom(start)}, Name: name}
	}
	op := &GenericOp{Name: name}
	for {
		t := p.tok()
		if t.Kind == tokEOF || t.is("|") || t.is(";") || t.is(")") || t.is("]") || t.is("}") {
			break
		}
		if p.startsExpr() {
			op.Args = append(op.Args, p.parseNamedItem())
			continue
		}
		p.advance()
	}
	op.Sp = p.spanFrom(start)
	return op
}

// knownOperators are tabular operators accepted and kept as GenericOp.
var knownOperators = map[string]bool{
	"serialize": true, "getschema": true, "sample": true, "sample-distinct": true, "top-nested": true,
	"top-hitters": true, "mv-apply": true, "parse-kv": true, "fork": true, "facet": true, "reduce": true,
	"scan": true, "search": true, "find": true, "partition": true, "consume": true, "make-graph": true,
	"graph-match": true, "project-smart": true, "extend-schema": true, "lookup": true, "evaluate": true,
}

func moreOperatorName(op Operator) string {
	switch op.(type) {
	case *ExternalDataOp:
		return "externaldata"
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
