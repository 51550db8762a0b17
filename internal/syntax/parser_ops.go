package syntax

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func parseRealText(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// operandStartsAt reports whether token t can begin an operator's arguments (used to tell the print, union,
// search... operators from columns with those names).
func operandStartsAt(t token) bool {
	switch t.Kind {
	case tokIdent, tokLong, tokReal, tokTimeSpan, tokString, tokTypedLit:
		return true
	case tokPunct:
		switch t.Text {
		case "(", "*", "[", "-", "+":
			return true
		}
	}
	return false
}

// tryPipeSource parses an operator that starts a pipeline (print, range, datatable, union, ...) when one is
// at the current token, else returns nil.
func (p *parser) tryPipeSource() Operator {
	t := p.tok()
	if t.Kind != tokIdent {
		return nil
	}
	next := p.peek(1)
	switch t.Text {
	case "print":
		if next.Kind == tokEOF || next.is(";") || next.is("|") || operandStartsAt(next) {
			p.advance()
			return p.parsePrint(t)
		}
	case "range":
		if next.Kind == tokIdent && p.peek(2).isWord("from") {
			p.advance()
			return p.parseRange(t)
		}
	case "datatable":
		if next.is("(") {
			p.advance()
			return p.parseDatatable(t)
		}
	case "externaldata":
		if next.is("(") {
			p.advance()
			return p.parseExternalData(t)
		}
	case "union", "find", "search", "evaluate":
		// no function has these names, so an operand after the word makes it the operator
		if operandStartsAt(next) {
			return p.parseOperatorNamed(p.advance(), t.Text)
		}
	}
	return nil
}

// readOperatorName reads an operator word with glued hyphens: project-away, mv-expand, make-series.
func (p *parser) readOperatorName() (string, token, bool) {
	t := p.tok()
	if t.Kind != tokIdent {
		return "", t, false
	}
	p.advance()
	name := t.Text
	for p.atPunct("-") && !p.tok().SpaceBefore && p.peek(1).Kind == tokIdent && !p.peek(1).SpaceBefore {
		p.advance()
		name += "-" + p.advance().Text
	}
	return name, t, true
}

// parseOperator parses the operator after a '|'.
func (p *parser) parseOperator(bar token) Operator {
	if !p.at(tokIdent) {
		p.errorf(p.foundSpan(), "expected an operator after '|' but found %s", p.tok().describe())
		start := p.tok().Pos
		p.sync()
		return &GenericOp{Base: Base{p.spanFrom(start)}, Name: ""}
	}
	name, first, _ := p.readOperatorName()
	return p.parseOperatorNamed(first, name)
}

// genericOperators are accepted and kept as GenericOp (graph operators and other rarities).
var genericOperators = map[string]bool{
	"make-graph": true, "graph-match": true, "graph-merge": true, "graph-to-table": true, "project-smart": true,
	"execute-and-cache": true, "graph-shortest-paths": true, "graph-mark-components": true, "graph-where-nodes": true,
	"graph-where-edges": true, "macro-expand": true, "project-by-names": true,
}

// parseOperatorNamed parses the operator whose (possibly hyphenated) name was just read; first is its first token.
func (p *parser) parseOperatorNamed(first token, name string) Operator {
	start := first.Pos
	switch name {
	case "where", "filter":
		op := &WhereOp{Pred: p.parseOperand(p.prev(), p.parseExpr)}
		op.Sp = p.spanFrom(start)
		return op
	case "project":
		op := &ProjectOp{Columns: p.parseNamedList(name)}
		op.Sp = p.spanFrom(start)
		return op
	case "extend":
		op := &ExtendOp{Columns: p.parseNamedList(name)}
		op.Sp = p.spanFrom(start)
		return op
	case "project-away":
		op := &ProjectAwayOp{Columns: p.parseColumnPatterns(name)}
		op.Sp = p.spanFrom(start)
		return op
	case "project-keep":
		op := &ProjectKeepOp{Columns: p.parseColumnPatterns(name)}
		op.Sp = p.spanFrom(start)
		return op
	case "project-rename":
		return p.parseProjectRename(start)
	case "project-reorder":
		return p.parseProjectReorder(start)
	case "summarize":
		return p.parseSummarize(start)
	case "make-series":
		return p.parseMakeSeries(start)
	case "count":
		op := &CountOp{}
		if p.atWord("as") {
			p.advance()
			op.As = p.parseName("a column name after 'as'")
		}
		op.Sp = p.spanFrom(start)
		return op
	case "distinct":
		op := &DistinctOp{Params: p.parseOpParams()}
		op.Columns = p.parseNamedList(name)
		op.Sp = p.spanFrom(start)
		return op
	case "take", "limit":
		op := &TakeOp{Count: p.parseOperand(p.prev(), p.parseExpr)}
		op.Sp = p.spanFrom(start)
		return op
	case "top":
		op := &TopOp{Count: p.parseOperand(p.prev(), p.parseAdditive)}
		if p.expectWord("by", "the row count of 'top'") {
			op.By = p.parseSortKeys()
		}
		op.Sp = p.spanFrom(start)
		return op
	case "sort", "order":
		op := &SortOp{Params: p.parseOpParams()}
		if p.expectWord("by", "'"+name+"'") {
			op.Keys = p.parseSortKeys()
		}
		op.Sp = p.spanFrom(start)
		return op
	case "join":
		op := &JoinOp{Params: p.parseOpParams("kind")}
		op.Right = p.parseTabularOperand("join")
		op.On = p.parseJoinOn("join")
		op.Sp = p.spanFrom(start)
		return op
	case "lookup":
		op := &LookupOp{Params: p.parseOpParams("kind")}
		op.Right = p.parseTabularOperand("lookup")
		op.On = p.parseJoinOn("lookup")
		op.Sp = p.spanFrom(start)
		return op
	case "union":
		op := &UnionOp{Params: p.parseOpParams("kind", "withsource", "isfuzzy")}
		for {
			op.Tables = append(op.Tables, p.parseUnionItem())
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
		op.Sp = p.spanFrom(start)
		return op
	case "mv-expand", "mvexpand":
		return p.parseMvExpand(start)
	case "parse", "parse-where":
		return p.parseParse(start, name == "parse-where")
	case "render":
		return p.parseRender(start)
	case "print":
		return p.parsePrint(first)
	case "range":
		return p.parseRange(first)
	case "datatable":
		return p.parseDatatable(first)
	case "externaldata":
		return p.parseExternalData(first)
	case "as":
		op := &AsOp{Params: p.parseOpParams()}
		op.Name = p.parseName("a name after 'as'")
		op.Sp = p.spanFrom(start)
		return op
	case "invoke":
		op := &InvokeOp{}
		x := p.parsePostfix()
		call, ok := x.(*CallExpr)
		if !ok {
			p.errorf(x.Span(), "expected a function call after 'invoke'")
			call = &CallExpr{Base: Base{x.Span()}, Fn: x}
		}
		op.Call = call
		op.Sp = p.spanFrom(start)
		return op
	case "evaluate":
		op := &EvaluateOp{Params: p.parseOpParams()}
		x := p.parsePostfix()
		call, ok := x.(*CallExpr)
		if !ok {
			p.errorf(x.Span(), "expected a plugin call after 'evaluate'")
			call = &CallExpr{Base: Base{x.Span()}, Fn: x}
		}
		op.Call = call
		if p.atPunct(":") && p.peek(1).is("(") {
			p.advance()
			op.Schema = p.parseEvaluateSchema()
		}
		op.Sp = p.spanFrom(start)
		return op
	}
	return p.parseMoreOperators(first, name)
}

// operatorName names an operator node for messages.
func operatorName(op Operator) string {
	switch o := op.(type) {
	case *WhereOp:
		return "where"
	case *ProjectOp:
		return "project"
	case *ExtendOp:
		return "extend"
	case *ProjectAwayOp:
		return "project-away"
	case *ProjectKeepOp:
		return "project-keep"
	case *ProjectRenameOp:
		return "project-rename"
	case *ProjectReorderOp:
		return "project-reorder"
	case *SummarizeOp:
		return "summarize"
	case *MakeSeriesOp:
		return "make-series"
	case *CountOp:
		return "count"
	case *DistinctOp:
		return "distinct"
	case *TakeOp:
		return "take"
	case *TopOp:
		return "top"
	case *SortOp:
		return "sort"
	case *JoinOp:
		return "join"
	case *LookupOp:
		return "lookup"
	case *UnionOp:
		return "union"
	case *MvExpandOp:
		return "mv-expand"
	case *ParseOp:
		if o.Where {
			return "parse-where"
		}
		return "parse"
	case *RenderOp:
		return "render"
	case *PrintOp:
		return "print"
	case *DatatableOp:
		return "datatable"
	case *RangeOp:
		return "range"
	case *AsOp:
		return "as"
	case *InvokeOp:
		return "invoke"
	case *EvaluateOp:
		return "evaluate"
	case *GenericOp:
		return o.Name
	}
	return moreOperatorName(op)
}

// ---- operator parts ----

// parseOpParams reads `name=value` options before an operator's arguments. hint.* names are always
// accepted; others only when listed.
func (p *parser) parseOpParams(allowed ...string) []*OpParam {
	var params []*OpParam
	for p.at(tokIdent) {
		// read a dotted name without consuming, then require '='
		i := p.p
		name := p.toks[i].Text
		i++
		for p.toks[i].is(".") && !p.toks[i].SpaceBefore && p.toks[i+1].Kind == tokIdent && !p.toks[i+1].SpaceBefore {
			name += "." + p.toks[i+1].Text
			i += 2
		}
		if !p.toks[i].is("=") {
			return params
		}
		if next := p.toks[min(i+2, len(p.toks)-1)]; p.toks[i+1].Kind == tokIdent && !optionWords[p.toks[i+1].Text] &&
			!next.SpaceBefore && (next.is("(") || next.is(".") || next.is("[")) {
			return params // `kind = count()`: a column named like an option, assigned an expression
		}
		ok := strings.HasPrefix(strings.ToLower(name), "hint.")
		for _, a := range allowed {
			if strings.EqualFold(a, name) {
				ok = true
			}
		}
		if !ok {
			return params
		}
		start := p.tok().Pos
		p.p = i + 1
		val := p.parseParamValue(name)
		params = append(params, &OpParam{Base: Base{p.spanFrom(start)}, Name: name, Value: val})
	}
	return params
}

// optionWords are the bare values operator options take (join kinds, parse kinds, ...); an option written
// with one of them is an option even when '(' follows directly (`kind=leftouter(T)`).
var optionWords = map[string]bool{
	"inner": true, "innerunique": true, "leftouter": true, "rightouter": true, "fullouter": true, "leftanti": true,
	"rightanti": true, "leftsemi": true, "rightsemi": true, "anti": true, "leftantisemi": true, "rightantisemi": true,
	"semi": true, "outer": true, "nonempty": true, "bag": true, "array": true, "simple": true, "regex": true,
	"relaxed": true, "source": true, "case_sensitive": true, "case_insensitive": true, "csl": true,
	"shuffle": true, "broadcast": true, "local": true, "auto": true, "true": true, "false": true,
}

// parseParamValue reads one option value: a word, a literal, or a signed number.
func (p *parser) parseParamValue(name string) Expr {
	t := p.tok()
	switch t.Kind {
	case tokIdent:
		if strings.EqualFold(t.Text, "true") || strings.EqualFold(t.Text, "false") {
			return p.parsePrimary()
		}
		p.advance()
		return &Ident{Base{t.span()}, t.Text}
	case tokLong, tokReal, tokString, tokTimeSpan, tokTypedLit:
		return p.parsePrimary()
	case tokPunct:
		if t.Text == "-" || t.Text == "+" {
			return p.parseUnary()
		}
	}
	p.missingOperand(name + "=")
	return p.bad(t.Pos)
}

// parseNamedItem reads `Name = X`, `(A, B) = X`, `['a b'] = X`, or an expression.
func (p *parser) parseNamedItem() Expr {
	start := p.tok().Pos
	if p.atPunct("(") && p.isTupleNamesAhead() {
		p.advance()
		var names []*Ident
		for {
			names = append(names, p.parseName("a column name"))
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
		p.expectPunct(")")
		p.expectPunct("=")
		x := p.parseOperand(p.prev(), p.parseExpr)
		return &NamedExpr{Base: Base{p.spanFrom(start)}, Names: names, X: x}
	}
	if (p.at(tokIdent) && p.peek(1).is("=")) || (p.atPunct("[") && p.peek(1).Kind == tokString && p.peek(2).is("]") && p.peek(3).is("=")) {
		name := p.parseName("a column name")
		p.advance() // =
		x := p.parseOperand(p.prev(), p.parseExpr)
		return &NamedExpr{Base: Base{p.spanFrom(start)}, Names: []*Ident{name}, X: x}
	}
	return p.parseExpr()
}

// isTupleNamesAhead reports whether `( name, name, ... ) =` starts at the current '('.
func (p *parser) isTupleNamesAhead() bool {
	i := p.p + 1
	for {
		if p.toks[i].Kind == tokIdent {
			i++
		} else if p.toks[i].is("[") && p.toks[i+1].Kind == tokString && p.toks[i+2].is("]") {
			i += 3
		} else {
			return false
		}
		if p.toks[i].is(",") {
			i++
			continue
		}
		return p.toks[i].is(")") && p.toks[i+1].is("=")
	}
}

// parseNamedList reads a comma-separated list of named items; at least one is required.
func (p *parser) parseNamedList(opName string) []Expr {
	var items []Expr
	if !p.startsExpr() {
		p.missingOperand(opName)
		return nil
	}
	for {
		items = append(items, p.parseNamedItem())
		if !p.atPunct(",") {
			return items
		}
		comma := p.advance()
		if !p.startsExpr() {
			p.missingOperand(comma.Text)
			return items
		}
	}
}

// parseExprList reads a comma-separated list of expressions; at least one is required.
func (p *parser) parseExprList(opName string) []Expr {
	var items []Expr
	if !p.startsExpr() {
		p.missingOperand(opName)
		return nil
	}
	for {
		items = append(items, p.parseExpr())
		if !p.atPunct(",") {
			return items
		}
		comma := p.advance()
		if !p.startsExpr() {
			p.missingOperand(comma.Text)
			return items
		}
	}
}

// parseColumnPattern reads a column name or a wildcard pattern made of glued words and stars (Col*, *Id, A*B).
func (p *parser) parseColumnPattern() Expr {
	if id := p.tryQuotedName(); id != nil {
		return id
	}
	start := p.tok().Pos
	var b strings.Builder
	star := false
	first := true
	for (p.at(tokIdent) || p.atPunct("*") || !first && p.at(tokLong)) && (first || !p.tok().SpaceBefore) {
		t := p.advance()
		if t.Text == "*" {
			star = true
		}
		b.WriteString(t.Text)
		first = false
		if t.Kind == tokIdent && p.atPunct("*") && p.tok().SpaceBefore {
			break
		}
	}
	if b.Len() == 0 {
		p.expected("a column name")
		return p.bad(start)
	}
	if star {
		return &WildcardName{Base: Base{p.spanFrom(start)}, Pattern: b.String()}
	}
	return &Ident{Base{p.spanFrom(start)}, b.String()}
}

func (p *parser) missingColumn(after string) {
	if p.at(tokEOF) {
		p.errorf(p.foundSpan(), "expected a column name after '%s'", after)
	} else {
		p.errorf(p.foundSpan(), "expected a column name after '%s' but found %s", after, p.tok().describe())
	}
}

// parseColumnPatterns reads a comma-separated list of column names and wildcard patterns.
func (p *parser) parseColumnPatterns(opName string) []Expr {
	var items []Expr
	if !p.at(tokIdent) && !p.atPunct("*") && !p.atPunct("[") {
		p.missingColumn(opName)
		return nil
	}
	for {
		items = append(items, p.parseColumnPattern())
		if !p.atPunct(",") {
			return items
		}
		p.advance()
	}
}

func (p *parser) parseProjectRename(start source.Pos) Operator {
	op := &ProjectRenameOp{}
	if !p.startsExpr() {
		p.missingOperand("project-rename")
	}
	for p.startsExpr() {
		item := p.parseNamedItem()
		ne, ok := item.(*NamedExpr)
		if !ok || len(ne.Names) != 1 {
			p.errorf(item.Span(), "expected 'NewName = ExistingName' in project-rename")
		} else {
			op.Renames = append(op.Renames, ne)
		}
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	op.Sp = p.spanFrom(start)
	return op
}

// readGlued reads a word with glued hyphens (granny-asc); it reports false when the current token is no word.
func (p *parser) peekGluedWord() (string, int) {
	if !p.at(tokIdent) {
		return "", 0
	}
	name := p.tok().Text
	n := 1
	for p.peek(n).is("-") && !p.peek(n).SpaceBefore && p.peek(n+1).Kind == tokIdent && !p.peek(n+1).SpaceBefore {
		name += "-" + p.peek(n+1).Text
		n += 2
	}
	return name, n
}

func (p *parser) parseProjectReorder(start source.Pos) Operator {
	op := &ProjectReorderOp{}
	op.Columns = p.parseColumnPatternsWithOrder(func(order string) { op.Order = append(op.Order, order) })
	op.Sp = p.spanFrom(start)
	return op
}

func (p *parser) parseColumnPatternsWithOrder(addOrder func(string)) []Expr {
	var cols []Expr
	if !p.at(tokIdent) && !p.atPunct("*") && !p.atPunct("[") {
		p.missingColumn("project-reorder")
		return nil
	}
	for {
		cols = append(cols, p.parseColumnPattern())
		order := ""
		if w, n := p.peekGluedWord(); w == "asc" || w == "desc" || w == "granny-asc" || w == "granny-desc" {
			order = w
			p.p += n
		}
		addOrder(order)
		if !p.atPunct(",") {
			return cols
		}
		p.advance()
	}
}

func (p *parser) parseSummarize(start source.Pos) Operator {
	op := &SummarizeOp{Params: p.parseOpParams()}
	if !p.atWord("by") || p.peek(1).is("=") || p.peek(1).is(",") {
		if p.startsExpr() {
			op.Aggs = p.parseNamedList("summarize")
		}
	}
	if p.atWord("by") {
		p.advance()
		op.By = p.parseNamedList("by")
	}
	if len(op.Aggs) == 0 && len(op.By) == 0 && !p.at(tokEOF) && !p.atPunct("|") && !p.atPunct(";") && !p.atPunct(")") {
		p.missingOperand("summarize")
	}
	op.Sp = p.spanFrom(start)
	return op
}

func (p *parser) parseMakeSeries(start source.Pos) Operator {
	op := &MakeSeriesOp{Params: p.parseOpParams("kind")}
	if !p.startsExpr() || p.atWord("on") {
		p.missingOperand("make-series")
	} else {
		for {
			aStart := p.tok().Pos
			agg := &MakeSeriesAgg{Agg: p.parseNamedItem()}
			if p.atWord("default") && p.peek(1).is("=") {
				p.advance()
				eq := p.advance()
				agg.Default = p.parseOperand(eq, p.parseExpr)
			}
			agg.Sp = p.spanFrom(aStart)
			op.Aggs = append(op.Aggs, agg)
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
	}
	if !p.expectWord("on", "the aggregations of 'make-series'") {
		p.sync()
		op.Sp = p.spanFrom(start)
		return op
	}
	op.On = p.parseOperand(p.prev(), p.parseAdditive)
	if p.atWord("in") && p.peek(1).isWord("range") {
		p.advance()
		rng := p.advance()
		if p.expectPunct("(") {
			op.From = p.parseOperand(rng, p.parseExpr)
			p.expectPunct(",")
			op.To = p.parseOperand(p.prev(), p.parseExpr)
			p.expectPunct(",")
			op.Step = p.parseOperand(p.prev(), p.parseExpr)
			if !p.expectPunct(")") {
				p.sync()
			}
		}
	} else {
		if p.atWord("from") {
			op.From = p.parseOperand(p.advance(), p.parseExpr)
		}
		if p.atWord("to") {
			op.To = p.parseOperand(p.advance(), p.parseExpr)
		}
		if p.expectWord("step", "the axis of 'make-series'") {
			op.Step = p.parseOperand(p.prev(), p.parseExpr)
		}
	}
	if p.atWord("by") {
		p.advance()
		op.By = p.parseNamedList("by")
	}
	op.Sp = p.spanFrom(start)
	return op
}

// parseSortKeys reads `X [asc|desc] [nulls first|last], ...`.
func (p *parser) parseSortKeys() []*SortKey { return p.parseSortKeysNamed(false) }

// parseSortKeysNamed reads sort keys; with one set, it reads a single key that may be named (top-nested).
func (p *parser) parseSortKeysNamed(one bool) []*SortKey {
	var keys []*SortKey
	for {
		start := p.tok().Pos
		k := &SortKey{}
		if one {
			k.X = p.parseOperand(p.prev(), p.parseNamedItem)
		} else {
			k.X = p.parseOperand(p.prev(), p.parseExpr)
		}
		if p.atWord("asc") {
			p.advance()
			k.Asc = true
		} else if p.atWord("desc") {
			p.advance()
		}
		if p.atWord("nulls") {
			p.advance()
			switch {
			case p.atWord("first"):
				p.advance()
				v := true
				k.NullsFirst = &v
			case p.atWord("last"):
				p.advance()
				v := false
				k.NullsFirst = &v
			default:
				p.errorf(p.foundSpan(), "expected 'first' or 'last' after 'nulls' but found %s", p.tok().describe())
			}
		}
		k.Sp = p.spanFrom(start)
		keys = append(keys, k)
		if one || !p.atPunct(",") {
			return keys
		}
		p.advance()
	}
}

// parseTabularOperand reads the right side of join/lookup: a parenthesised pipeline, a name, a call.
func (p *parser) parseTabularOperand(opName string) Expr {
	if !p.startsExpr() {
		p.missingOperand(opName)
		return p.bad(p.tok().Pos)
	}
	return p.parseExpr()
}

// parseJoinOn reads `on key, ...` where a key is a column or `$left.a == $right.b` conditions.
func (p *parser) parseJoinOn(opName string) []Expr {
	if !p.atWord("on") {
		if p.atWord("where") {
			// older syntax: join ... where $left.a == $right.b
			p.advance()
			return p.parseExprList("where")
		}
		p.errorf(p.foundSpan(), "expected 'on' after the right side of '%s' but found %s", opName, p.tok().describe())
		return nil
	}
	p.advance()
	return p.parseExprList("on")
}

// parseUnionItem reads one union leg: a parenthesised pipeline, a wildcard pattern, or a name/call.
func (p *parser) parseUnionItem() Expr {
	if p.atPunct("(") {
		return p.parsePrimary()
	}
	if p.atPunct("*") || (p.at(tokIdent) && p.peek(1).is("*") && !p.peek(1).SpaceBefore) {
		return p.parseColumnPattern()
	}
	if !p.startsExpr() {
		p.missingOperand("union")
		return p.bad(p.tok().Pos)
	}
	return p.parsePostfix()
}

func (p *parser) parseMvExpand(start source.Pos) Operator {
	op := &MvExpandOp{Params: p.parseOpParams("bagexpansion", "with_itemindex", "kind")}
	op.Columns = p.parseMvExpandColumns("mv-expand")
	if p.atWord("limit") {
		op.Limit = p.parseOperand(p.advance(), p.parseExpr)
	}
	op.Sp = p.spanFrom(start)
	return op
}

func (p *parser) parseMvExpandColumns(opName string) []*MvExpandColumn {
	var cols []*MvExpandColumn
	if !p.startsExpr() {
		p.missingOperand(opName)
		return nil
	}
	for {
		cStart := p.tok().Pos
		c := &MvExpandColumn{X: p.parseNamedItem()}
		if p.atWord("to") && p.peek(1).isWord("typeof") {
			p.advance()
			p.advance()
			if p.expectPunct("(") {
				c.To = p.parseType()
				p.expectPunct(")")
			}
		}
		c.Sp = p.spanFrom(cStart)
		cols = append(cols, c)
		if !p.atPunct(",") {
			return cols
		}
		p.advance()
	}
}

func (p *parser) parseParse(start source.Pos, where bool) Operator {
	op := &ParseOp{Where: where, Params: p.parseOpParams("kind", "flags")}
	op.Source = p.parseOperand(p.prev(), p.parseExpr)
	if !p.expectWord("with", "the source of 'parse'") {
		p.sync()
		op.Sp = p.spanFrom(start)
		return op
	}
	op.Pattern = p.parseParsePattern()
	if len(op.Pattern) == 0 {
		p.missingOperand("with")
	}
	op.Sp = p.spanFrom(start)
	return op
}

// parseParsePattern reads the pattern of parse: strings, '*', and `name[:type]` columns.
func (p *parser) parseParsePattern() []*ParsePart {
	var parts []*ParsePart
	for {
		t := p.tok()
		before := p.p
		switch {
		case t.Kind == tokString:
			lit := p.parseStringLiteral().(*Literal)
			parts = append(parts, &ParsePart{Base: Base{lit.Sp}, Literal: lit})
		case t.is("*"):
			p.advance()
			parts = append(parts, &ParsePart{Base: Base{t.span()}, Star: true})
		case t.Kind == tokIdent || t.is("[") && p.peek(1).Kind == tokString && p.peek(2).is("]"):
			cd := &ColumnDecl{Name: p.parseName("a column name")}
			if p.atPunct(":") {
				p.advance()
				cd.Type = p.parseType()
			}
			cd.Sp = p.spanFrom(t.Pos)
			parts = append(parts, &ParsePart{Base: Base{cd.Sp}, Column: cd})
		default:
			return parts
		}
		if p.atPunct(",") && (p.peek(1).Kind == tokString || p.peek(1).Kind == tokIdent) {
			p.advance() // some queries separate pattern pieces with commas
		}
		if p.p == before {
			return parts
		}
	}
}

func (p *parser) parseRender(start source.Pos) Operator {
	op := &RenderOp{Chart: p.parseName("a chart type after 'render'")}
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
	// legacy form: render timechart kind=stacked title="x"
	for p.at(tokIdent) && p.peek(1).is("=") {
		op.Props = append(op.Props, p.parseRenderProp())
	}
	op.Sp = p.spanFrom(start)
	return op
}

// parseRenderProp reads `name = value` where the value may be a bare list of names (ycolumns = a, b).
func (p *parser) parseRenderProp() *NamedExpr {
	start := p.tok().Pos
	name := p.parseName("a property name")
	if !p.expectPunct("=") {
		p.sync()
		return &NamedExpr{Base: Base{p.spanFrom(start)}, Names: []*Ident{name}, X: p.bad(p.tok().Pos)}
	}
	x := p.parseOperand(p.prev(), p.parseExpr)
	if p.atPunct(",") && !(p.peek(1).Kind == tokIdent && p.peek(2).is("=")) && !p.peek(1).is(")") {
		list := &ListExpr{Items: []Expr{x}}
		for p.atPunct(",") && !(p.peek(1).Kind == tokIdent && p.peek(2).is("=")) && !p.peek(1).is(")") {
			p.advance()
			list.Items = append(list.Items, p.parseOperand(p.prev(), p.parseExpr))
		}
		list.Sp = p.spanFrom(x.Span().Start)
		x = list
	}
	return &NamedExpr{Base: Base{p.spanFrom(start)}, Names: []*Ident{name}, X: x}
}

func (p *parser) parsePrint(first token) Operator {
	op := &PrintOp{Columns: p.parseNamedList("print")}
	op.Sp = p.spanFrom(first.Pos)
	return op
}

func (p *parser) parseRange(first token) Operator {
	op := &RangeOp{Column: p.parseName("a column name after 'range'")}
	if p.expectWord("from", "the column of 'range'") {
		op.From = p.parseOperand(p.prev(), p.parseExpr)
	}
	if p.expectWord("to", "the start of 'range'") {
		op.To = p.parseOperand(p.prev(), p.parseExpr)
	}
	if p.expectWord("step", "the end of 'range'") {
		op.Step = p.parseOperand(p.prev(), p.parseExpr)
	}
	if op.From == nil || op.To == nil || op.Step == nil {
		p.sync()
	}
	op.Sp = p.spanFrom(first.Pos)
	return op
}

func (p *parser) parseDatatable(first token) Operator {
	op := &DatatableOp{}
	if p.expectPunct("(") {
		op.Columns = p.parseColumnDecls(")")
		if !p.expectPunct(")") {
			p.sync()
		}
	}
	if !p.expectPunct("[") {
		p.sync()
		op.Sp = p.spanFrom(first.Pos)
		return op
	}
	for !p.atPunct("]") && !p.at(tokEOF) {
		op.Values = append(op.Values, foldSign(p.parseOperand(p.prev(), p.parseExpr)))
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	if !p.expectPunct("]") {
		p.sync()
		if p.atPunct("]") {
			p.advance()
		}
	}
	op.Sp = p.spanFrom(first.Pos)
	return op
}

// foldSign turns `-5`, `+1.5`, `-1d` into one literal, as Kusto reads signed literals in a datatable.
func foldSign(x Expr) Expr {
	u, ok := x.(*UnaryExpr)
	if !ok {
		return x
	}
	lit, ok := u.X.(*Literal)
	if !ok || lit.Value.Null || lit.Raw == "" || lit.Raw[0] == '-' || lit.Raw[0] == '+' {
		return x
	}
	v := lit.Value
	switch v.Type {
	case types.Long, types.TimeSpan:
		if lit.Raw[0] < '0' || lit.Raw[0] > '9' { // long(5), time(1d): typed forms stay as written
			return x
		}
		if u.Op == "-" {
			v.I = -v.I
		}
	case types.Real:
		if lit.Raw[0] != '.' && (lit.Raw[0] < '0' || lit.Raw[0] > '9') {
			return x
		}
		if u.Op == "-" {
			v.F = -v.F
		}
	default:
		return x
	}
	return &Literal{Base: Base{u.Sp}, Value: v, Raw: u.Op + lit.Raw}
}

// ---- dynamic literals ----

// parseDynamicLiteral reads dynamic(JSON) where the JSON may hold KQL literals (datetime(...), 1d, guid(...)).
func (p *parser) parseDynamicLiteral() Expr {
	startIdx := p.p
	start := p.advance().Pos // dynamic
	p.advance()              // (
	var v any
	if p.atPunct(")") {
		p.errorf(p.tok().span(), "expected a value in dynamic(...) but found ')'")
	} else {
		v = p.parseJSONValue(0)
	}
	if !p.expectPunct(")") {
		p.sync()
		if p.atPunct(")") {
			p.advance()
		}
	}
	return &Literal{Base: Base{p.spanFrom(start)}, Value: types.NewDynamic(v), Raw: p.rawTokens(startIdx, p.p)}
}

// rawTokens rebuilds source text from tokens [from, to) with single spaces where the source had space or
// comments, so a printed literal stays on one line and loses no meaning.
func (p *parser) rawTokens(from, to int) string {
	var b strings.Builder
	for i := from; i < to && i < len(p.toks); i++ {
		if i > from && p.toks[i].SpaceBefore {
			b.WriteByte(' ')
		}
		b.WriteString(p.toks[i].Text)
	}
	return b.String()
}

func (p *parser) parseJSONValue(depth int) any {
	if depth > maxDepth {
		p.errorf(p.tok().span(), "the dynamic literal is nested too deeply")
		p.sync()
		return nil
	}
	t := p.tok()
	switch t.Kind {
	case tokPunct:
		switch t.Text {
		case "{":
			p.advance()
			bag := types.NewBag()
			for !p.atPunct("}") && !p.at(tokEOF) {
				var key string
				switch {
				case p.at(tokString):
					key = p.advance().Value
				case p.at(tokIdent):
					key = p.advance().Text
				default:
					p.expected("a property name in the dynamic literal")
					p.sync()
					return bag
				}
				if !p.expectPunct(":") {
					p.sync()
					return bag
				}
				bag.Set(key, p.parseJSONValue(depth+1))
				if !p.atPunct(",") {
					break
				}
				p.advance()
			}
			if !p.expectPunct("}") {
				p.sync()
			}
			return bag
		case "[":
			p.advance()
			arr := []any{}
			for !p.atPunct("]") && !p.at(tokEOF) {
				arr = append(arr, p.parseJSONValue(depth+1))
				if !p.atPunct(",") {
					break
				}
				p.advance()
			}
			if !p.expectPunct("]") {
				p.sync()
			}
			return arr
		case "-", "+":
			p.advance()
			n := p.tok()
			v := p.parseJSONValue(depth + 1)
			if t.Text == "+" {
				return v
			}
			switch x := v.(type) {
			case int64:
				return -x
			case float64:
				return -x
			case types.DynTimeSpan:
				return -x
			}
			p.errorf(n.span(), "expected a number after '-' in the dynamic literal but found %s", n.describe())
			return v
		}
	case tokString:
		// adjacent string literals join here too (Kusto reads a compound string as one JSON string)
		return p.parseStringLiteral().(*Literal).Value.S
	case tokLong:
		p.advance()
		v, ok := parseLong(t.Text)
		if !ok {
			f, _ := parseRealText(t.Text)
			return f
		}
		return v
	case tokReal:
		p.advance()
		f, _ := parseRealText(t.Text)
		return f
	case tokTimeSpan, tokTypedLit:
		lit := p.parsePrimary().(*Literal)
		return lit.Value.Dynamic()
	case tokIdent:
		switch strings.ToLower(t.Text) {
		case "true":
			p.advance()
			return true
		case "false":
			p.advance()
			return false
		case "null":
			p.advance()
			return nil
		case "dynamic":
			if p.peek(1).is("(") {
				lit := p.parseDynamicLiteral().(*Literal)
				return lit.Value.D
			}
		}
	}
	p.expected("a value in the dynamic literal")
	p.sync()
	return nil
}
