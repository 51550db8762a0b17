package syntax

// parseMoreOperators parses operators beyond the first slice; unknown names are reported.
func (p *parser) parseMoreOperators(first token, name string) Operator {
	start := first.Pos
	if !knownOperators[name] {
		p.errorf(p.spanFrom(start), "unknown operator '%s'", name)
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
