package syntax

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// maxDepth bounds expression nesting so hostile input cannot exhaust the stack.
const maxDepth = 300

// Parse parses a whole query (statements separated by ';'). It always returns a tree (with *BadExpr where it
// could not read) and a diagnostic list; diags.Err() is nil when the query is valid.
func Parse(src *source.Source) (*Query, *source.DiagnosticList) {
	p := newParser(src)
	q := p.parseQuery()
	if p.diags.HasErrors() {
		coverChildren(q)
	}
	p.diags.Sort()
	return q, p.diags
}

// ParseExpr parses one scalar expression (used by rule exclusions written as KQL predicates).
func ParseExpr(src *source.Source) (Expr, *source.DiagnosticList) {
	p := newParser(src)
	x := p.parsePipeExpr()
	if !p.at(tokEOF) {
		p.errorf(p.tok().span(), "unexpected %s after the expression", p.tok().describe())
	}
	if p.diags.HasErrors() {
		coverChildren(x)
	}
	p.diags.Sort()
	return x, p.diags
}

// parser is a recursive-descent parser over a token slice.
type parser struct {
	src     *source.Source
	toks    []token
	p       int
	diags   *source.DiagnosticList
	depth   int
	tooDeep bool
	lastErr source.Pos // position of the last reported error, to avoid cascades at one spot
}

func newParser(src *source.Source) *parser {
	diags := &source.DiagnosticList{}
	// bad tokens stay in the stream: they read as *BadExpr, and errors at them are not reported again
	return &parser{src: src, toks: lex(src, diags), diags: diags, lastErr: -1}
}

// ---- token access ----

func (p *parser) tok() token { return p.toks[p.p] }

func (p *parser) peek(n int) token {
	if p.p+n < len(p.toks) {
		return p.toks[p.p+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) prev() token {
	if p.p > 0 {
		return p.toks[p.p-1]
	}
	return token{Kind: tokEOF}
}

func (p *parser) advance() token {
	t := p.toks[p.p]
	if t.Kind != tokEOF {
		p.p++
	}
	return t
}

func (p *parser) at(k tokenKind) bool { return p.tok().Kind == k }

func (p *parser) atPunct(s string) bool { return p.tok().is(s) }

func (p *parser) atWord(w string) bool { return p.tok().isWord(w) }

// endPos is the end of the previous token (where text "after" something begins).
func (p *parser) endPos() source.Pos { return p.prev().End }

// ---- errors ----

func (p *parser) errorf(sp source.Span, format string, args ...any) {
	if sp.Start == p.lastErr || p.tok().Kind == tokBad {
		return
	}
	p.lastErr = sp.Start
	p.diags.Addf(p.src, sp, format, args...)
}

// foundSpan is where to point when something is missing: the found token, or just after the previous token
// when the query ends.
func (p *parser) foundSpan() source.Span {
	if p.at(tokEOF) && p.p > 0 {
		e := p.endPos()
		return source.Span{Start: e, End: e}
	}
	return p.tok().span()
}

// expected reports "expected WHAT but found X".
func (p *parser) expected(what string) {
	p.errorf(p.foundSpan(), "expected %s but found %s", what, p.tok().describe())
}

// expectPunct consumes punctuation s or reports it missing.
func (p *parser) expectPunct(s string) bool {
	if p.atPunct(s) {
		p.advance()
		return true
	}
	p.expected("'" + s + "'")
	return false
}

// expectWord consumes keyword w or reports it missing.
func (p *parser) expectWord(w string, after string) bool {
	if p.atWord(w) {
		p.advance()
		return true
	}
	p.errorf(p.foundSpan(), "expected '%s' after %s but found %s", w, after, p.tok().describe())
	return false
}

// sync skips to the next '|' or ';' at nesting level zero (or to a closing bracket of an enclosing level).
func (p *parser) sync() {
	depth := 0
	for !p.at(tokEOF) {
		t := p.tok()
		if t.Kind == tokPunct {
			switch t.Text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return
				}
				depth--
			case "|", ";":
				if depth == 0 {
					return
				}
			}
		}
		p.advance()
	}
}

func (p *parser) bad(start source.Pos) *BadExpr {
	end := p.endPos()
	if end < start && p.p > 0 {
		start = end // nothing was read: an empty span where the missing text belongs
	} else if end < start {
		end = start
	}
	return &BadExpr{Base{source.Span{Start: start, End: end}}}
}

func spanOf(a, b Node) source.Span { return a.Span().Join(b.Span()) }

func (p *parser) spanFrom(start source.Pos) source.Span {
	end := p.endPos()
	if end < start {
		end = start
	}
	return source.Span{Start: start, End: end}
}

// ---- statements ----

func (p *parser) parseQuery() *Query {
	q := &Query{}
	start := p.tok().Pos
	for !p.at(tokEOF) {
		if p.atPunct(";") {
			p.advance()
			continue
		}
		before := p.p
		st := p.parseStmt()
		if st != nil {
			q.Stmts = append(q.Stmts, st)
		}
		if !p.at(tokEOF) && !p.atPunct(";") {
			p.errorf(p.tok().span(), "expected '|' or ';' but found %s", p.tok().describe())
			p.sync()
			if p.atPunct("|") || p.atPunct(")") || p.atPunct("]") || p.atPunct("}") {
				p.advance() // a stray token at statement level: skip it so the loop progresses
			}
		}
		if p.p == before {
			p.advance()
		}
	}
	if len(q.Stmts) == 0 && len(p.diags.Items) == 0 {
		p.errorf(p.foundSpan(), "expected a query but found end of query")
	}
	q.Sp = p.spanFrom(start)
	return q
}

// parseStmt parses one statement (without its ';').
func (p *parser) parseStmt() Stmt {
	start := p.tok().Pos
	defer p.leave()
	if !p.enter() {
		b := p.bad(start)
		return &ExprStmt{Base: Base{b.Sp}, X: b}
	}
	switch {
	case p.atWord("let") && !p.peek(1).is("|") && !p.peek(1).is("("):
		return p.parseLet()
	case p.atWord("set") && p.peek(1).Kind == tokIdent && !p.peek(1).is("="):
		p.advance()
		name := p.parseDottedName()
		st := &SetStmt{Name: name}
		if p.atPunct("=") {
			p.advance()
			st.Value = p.parseSetValue()
		}
		st.Sp = p.spanFrom(start)
		return st
	case p.atWord("declare") && p.peek(1).isWord("pattern"):
		p.p += 2
		st := &DeclarePatternStmt{Name: p.parseName("a pattern name")}
		from := p.p
		if p.atPunct("=") {
			st.Def = p.parsePatternDef()
		}
		for !p.at(tokEOF) && !p.atPunct(";") {
			before := p.p
			p.skipBalanced()
			if p.atPunct("|") || p.p == before && !p.atPunct(";") && !p.at(tokEOF) {
				p.advance()
			}
		}
		st.Text = p.rawTokens(from, p.p)
		st.Sp = p.spanFrom(start)
		return st
	case p.atWord("declare") && p.peek(1).isWord("query_parameters"):
		p.advance()
		p.advance()
		st := &DeclareParamsStmt{}
		st.Params = p.parseParamList()
		st.Sp = p.spanFrom(start)
		return st
	case p.atWord("alias") && p.peek(1).isWord("database"):
		p.advance()
		p.advance()
		st := &AliasStmt{Name: p.parseName("a database alias name")}
		p.expectPunct("=")
		st.Value = p.parseExpr()
		st.Sp = p.spanFrom(start)
		return st
	}
	x := p.parsePipeExpr()
	return &ExprStmt{Base: Base{x.Span()}, X: x}
}

// parseSetValue reads the value of a set statement: a literal or a (dotted) name.
func (p *parser) parseSetValue() Expr {
	switch p.tok().Kind {
	case tokIdent:
		return p.parseDottedName()
	}
	return p.parseUnary()
}

// parseDottedName reads a name that may contain dots glued to it (hint.strategy, query_now).
func (p *parser) parseDottedName() *Ident {
	t := p.advance()
	name := t.Text
	end := t.End
	for p.atPunct(".") && !p.tok().SpaceBefore && p.peek(1).Kind == tokIdent && !p.peek(1).SpaceBefore {
		p.advance()
		n := p.advance()
		name += "." + n.Text
		end = n.End
	}
	return &Ident{Base{source.Span{Start: t.Pos, End: end}}, name}
}

func (p *parser) parseLet() Stmt {
	start := p.advance().Pos // let
	st := &LetStmt{Name: p.parseName("a name after 'let'")}
	if st.Name.Name == "" {
		p.sync()
		st.Value = p.bad(p.tok().Pos)
		st.Sp = p.spanFrom(start)
		return st
	}
	if !p.expectPunct("=") {
		p.sync()
		st.Value = p.bad(p.tok().Pos)
		st.Sp = p.spanFrom(start)
		return st
	}
	if p.atWord("view") && p.peek(1).is("(") {
		p.advance()
		st.Value = p.parseFuncLit()
	} else if p.atPunct("(") && p.isFuncLitAhead() {
		st.Value = p.parseFuncLit()
	} else {
		st.Value = p.parsePipeExpr()
	}
	st.Sp = p.spanFrom(start)
	return st
}

// isFuncLitAhead reports whether the '(' at the current token closes with ')' followed by '{'.
func (p *parser) isFuncLitAhead() bool {
	depth := 0
	for i := p.p; i < len(p.toks); i++ {
		t := p.toks[i]
		if t.Kind == tokEOF {
			return false
		}
		if t.is("(") {
			depth++
		} else if t.is(")") {
			depth--
			if depth == 0 {
				return i+1 < len(p.toks) && p.toks[i+1].is("{")
			}
		}
	}
	return false
}

// parseFuncLit reads `(params) { statements }`.
func (p *parser) parseFuncLit() Expr {
	start := p.tok().Pos
	fn := &FuncLit{Params: p.parseParamList()}
	if !p.expectPunct("{") {
		p.sync()
		fn.Sp = p.spanFrom(start)
		return fn
	}
	for !p.at(tokEOF) && !p.atPunct("}") {
		if p.atPunct(";") {
			p.advance()
			continue
		}
		before := p.p
		fn.Body = append(fn.Body, p.parseStmt())
		if !p.atPunct(";") && !p.atPunct("}") {
			p.expected("';' or '}' in the function body")
			p.sync()
			if p.atPunct("|") || p.atPunct(")") || p.atPunct("]") {
				p.advance()
			}
		}
		if p.p == before {
			p.advance()
		}
	}
	p.expectPunct("}")
	fn.Sp = p.spanFrom(start)
	return fn
}

// parseParamList reads `(name:type [= default], ...)`.
func (p *parser) parseParamList() []*Param {
	var params []*Param
	if !p.expectPunct("(") {
		return nil
	}
	for !p.atPunct(")") && !p.at(tokEOF) {
		start := p.tok().Pos
		pr := &Param{Name: p.parseName("a parameter name")}
		if p.expectPunct(":") {
			pr.Type = p.parseType()
		}
		if p.atPunct("=") {
			p.advance()
			pr.Default = p.parseExpr()
		}
		pr.Sp = p.spanFrom(start)
		params = append(params, pr)
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	if !p.expectPunct(")") {
		p.sync()
	}
	return params
}

// parseType reads a scalar type name or a tabular schema `(*)` / `(a:long, ...)`.
func (p *parser) parseType() *TypeExpr {
	start := p.tok().Pos
	defer p.leave()
	if !p.enter() {
		return &TypeExpr{Base: Base{source.Span{Start: start, End: start}}}
	}
	if p.atPunct("(") {
		te := &TypeExpr{Tabular: true, Name: "table"}
		p.advance()
		if p.atPunct("*") {
			p.advance()
			te.Star = true
		} else {
			te.Columns = p.parseColumnDecls(")")
		}
		p.expectPunct(")")
		te.Sp = p.spanFrom(start)
		return te
	}
	if !p.at(tokIdent) {
		p.expected("a type name")
		pos := p.tok().Pos
		return &TypeExpr{Base: Base{source.Span{Start: pos, End: pos}}}
	}
	t := p.advance()
	ty, ok := types.ParseType(t.Text)
	if !ok {
		p.errorf(t.span(), "unknown type '%s'", t.Text)
	}
	return &TypeExpr{Base: Base{t.span()}, Type: ty, Name: t.Text}
}

// parseColumnDecls reads `name:type, ...` up to (not including) the closing punctuation.
func (p *parser) parseColumnDecls(closer string) []*ColumnDecl {
	var cols []*ColumnDecl
	for !p.atPunct(closer) && !p.at(tokEOF) {
		start := p.tok().Pos
		cd := &ColumnDecl{Name: p.parseName("a column name")}
		if p.expectPunct(":") {
			cd.Type = p.parseType()
		} else {
			p.sync()
		}
		cd.Sp = p.spanFrom(start)
		cols = append(cols, cd)
		if !p.atPunct(",") {
			break
		}
		p.advance()
	}
	return cols
}

// parseName reads an identifier or a quoted name ['x'] / ["x"].
func (p *parser) parseName(what string) *Ident {
	if id := p.tryQuotedName(); id != nil {
		return id
	}
	if p.at(tokIdent) {
		t := p.advance()
		return &Ident{Base{t.span()}, t.Text}
	}
	p.expected(what)
	pos := p.tok().Pos // an empty name where the missing one belongs
	return &Ident{Base: Base{source.Span{Start: pos, End: pos}}}
}

// tryQuotedName reads ['name'] or ["name"] when present.
func (p *parser) tryQuotedName() *Ident {
	if p.atPunct("[") && p.peek(1).Kind == tokString && p.peek(2).is("]") {
		start := p.advance().Pos
		s := p.advance()
		end := p.advance().End
		return &Ident{Base{source.Span{Start: start, End: end}}, s.Value}
	}
	return nil
}

// ---- expressions ----

// parsePipeExpr reads a tabular source or scalar expression followed by any number of `| operator`.
func (p *parser) parsePipeExpr() Expr {
	start := p.tok().Pos
	defer p.leave()
	if !p.enter() {
		return p.bad(start)
	}
	var x Expr
	if op := p.tryPipeSource(); op != nil {
		x = &PipeExpr{Base: Base{op.Span()}, Op: op}
	} else {
		x = p.parseExpr()
	}
	for p.atPunct("|") {
		bar := p.advance()
		op := p.parseOperator(bar)
		x = &PipeExpr{Base: Base{spanOf(x, op)}, Input: x, Op: op}
		p.checkOperatorEnd(op)
	}
	return x
}

// checkOperatorEnd reports text left over after an operator and skips it.
func (p *parser) checkOperatorEnd(op Operator) {
	t := p.tok()
	if t.Kind == tokEOF {
		return
	}
	if t.Kind == tokPunct {
		switch t.Text {
		case "|", ";", ")", "]", "}", ",":
			return
		}
	}
	if t.is("=") {
		p.errorf(t.span(), "unexpected '=' after the %s operator (use '==' to compare)", operatorName(op))
	} else {
		p.errorf(t.span(), "unexpected %s after the %s operator", t.describe(), operatorName(op))
	}
	p.sync()
}

// parseExpr reads a scalar expression (or a bare tabular name).
func (p *parser) parseExpr() Expr {
	start := p.tok().Pos
	defer p.leave()
	if !p.enter() {
		return p.bad(start)
	}
	return p.parseOr()
}

// enter counts one level of nesting; past maxDepth it reports once and skips the rest of the query, so
// hostile input cannot exhaust the stack. Every enter is paired with a deferred leave.
func (p *parser) enter() bool {
	p.depth++
	if p.depth <= maxDepth {
		return true
	}
	if !p.tooDeep {
		p.tooDeep = true
		p.errorf(p.tok().span(), "the query is nested too deeply")
	}
	for !p.at(tokEOF) {
		p.advance()
	}
	return false
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseOr() Expr {
	x := p.parseAnd()
	for p.atWord("or") {
		op := p.advance()
		y := p.parseOperand(op, p.parseAnd)
		x = &BinaryExpr{Base: Base{spanOf(x, y)}, Op: "or", OpPos: op.span(), X: x, Y: y}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseEquality()
	for p.atWord("and") {
		op := p.advance()
		y := p.parseOperand(op, p.parseEquality)
		x = &BinaryExpr{Base: Base{spanOf(x, y)}, Op: "and", OpPos: op.span(), X: x, Y: y}
	}
	return x
}

// parseOperand parses the right side of op, reporting "expected an expression after 'op'" when none starts.
func (p *parser) parseOperand(op token, next func() Expr) Expr {
	if !p.startsExpr() {
		p.missingOperand(op.Text)
		return p.bad(p.tok().Pos)
	}
	return next()
}

func (p *parser) missingOperand(after string) {
	if p.at(tokEOF) {
		p.errorf(p.foundSpan(), "expected an expression after '%s'", after)
	} else {
		p.errorf(p.foundSpan(), "expected an expression after '%s' but found %s", after, p.tok().describe())
	}
}

// startsExpr reports whether the current token can begin an expression.
func (p *parser) startsExpr() bool {
	t := p.tok()
	switch t.Kind {
	case tokIdent:
		return t.Text != "and" && t.Text != "or"
	case tokLong, tokReal, tokTimeSpan, tokString, tokTypedLit, tokBad:
		return true
	case tokPunct:
		switch t.Text {
		case "(", "-", "+", "*", "[":
			return true
		}
	}
	return false
}

// stringOps are the binary string operators (Kusto binds them tighter than arithmetic), with their
// canonical spelling: deprecated aliases are normalised so later stages see one name per operator.
var stringOps = map[string]string{
	"has": "has", "!has": "!has", "has_cs": "has_cs", "!has_cs": "!has_cs",
	"hasprefix": "hasprefix", "!hasprefix": "!hasprefix", "hasprefix_cs": "hasprefix_cs", "!hasprefix_cs": "!hasprefix_cs",
	"hassuffix": "hassuffix", "!hassuffix": "!hassuffix", "hassuffix_cs": "hassuffix_cs", "!hassuffix_cs": "!hassuffix_cs",
	"contains": "contains", "!contains": "!contains", "notcontains": "!contains",
	"contains_cs": "contains_cs", "containscs": "contains_cs", "!contains_cs": "!contains_cs", "notcontainscs": "!contains_cs",
	"startswith": "startswith", "!startswith": "!startswith", "startswith_cs": "startswith_cs", "!startswith_cs": "!startswith_cs",
	"endswith": "endswith", "!endswith": "!endswith", "endswith_cs": "endswith_cs", "!endswith_cs": "!endswith_cs",
	"like": "like", "notlike": "notlike", "likecs": "likecs", "notlikecs": "notlikecs",
	"=~": "=~", "!~": "!~", ":": ":",
}

// listOps take a parenthesised list on the right.
var listOps = map[string]bool{"in": true, "in~": true, "!in": true, "!in~": true, "has_any": true, "has_all": true}

// wordOps names the word operators, so the printer can quote columns that share their names.
var wordOps = func() map[string]bool {
	m := map[string]bool{"matches": true, "between": true, "and": true, "or": true}
	for k := range stringOps {
		m[k] = true
	}
	return m
}()

// parseEquality reads `X [== != <> in in~ !in !in~ has_any has_all between !between Y]` (one operator: Kusto
// does not chain them).
func (p *parser) parseEquality() Expr {
	x := p.parseRelational()
	t := p.tok()
	switch {
	case t.Kind == tokPunct && (t.Text == "==" || t.Text == "!=" || t.Text == "<>"):
		op := p.advance()
		y := p.parseOperand(op, p.parseRelational)
		name := op.Text
		if name == "<>" {
			name = "!="
		}
		return &BinaryExpr{Base: Base{spanOf(x, y)}, Op: name, OpPos: op.span(), X: x, Y: y}
	case (t.Kind == tokIdent || t.Kind == tokBangWord) && listOps[t.Text]:
		op := p.advance()
		return p.parseInList(x, op.Text, op)
	case t.isWord("between") || t.Kind == tokBangWord && t.Text == "!between":
		op := p.advance()
		return p.parseBetween(x, op.Text != "between", op)
	}
	return x
}

// parseRelational reads `X [< <= > >= Y]`.
func (p *parser) parseRelational() Expr {
	x := p.parseAdditive()
	if t := p.tok(); t.Kind == tokPunct && (t.Text == "<" || t.Text == "<=" || t.Text == ">" || t.Text == ">=") {
		op := p.advance()
		y := p.parseOperand(op, p.parseAdditive)
		return &BinaryExpr{Base: Base{spanOf(x, y)}, Op: op.Text, OpPos: op.span(), X: x, Y: y}
	}
	return x
}

// parseStringOp reads `X [has contains =~ matches regex ... Y]`.
func (p *parser) parseStringOp() Expr {
	x := p.parseUnary()
	t := p.tok()
	name, ok := "", false
	switch t.Kind {
	case tokIdent, tokBangWord:
		name, ok = stringOps[t.Text]
		if !ok && t.Text == "matches" && p.peek(1).isWord("regex") {
			name, ok = "matches regex", true
		}
	case tokPunct:
		name, ok = stringOps[t.Text]
	}
	if !ok {
		return x
	}
	op := p.advance()
	opSpan := op.span()
	if name == "matches regex" {
		opSpan.End = p.advance().End
		op.Text = "matches regex"
	}
	y := p.parseOperand(op, p.parseUnary)
	return &BinaryExpr{Base: Base{spanOf(x, y)}, Op: name, OpPos: opSpan, X: x, Y: y}
}

// parseInList reads the list after in/!in/in~/has_any/has_all: `(a, b, ...)`, or a single operand.
func (p *parser) parseInList(x Expr, op string, opTok token) Expr {
	in := &InExpr{Op: op, X: x}
	if p.atPunct("(") {
		p.advance()
		for !p.atPunct(")") && !p.at(tokEOF) {
			in.List = append(in.List, p.parsePipeExpr())
			if !p.atPunct(",") {
				break
			}
			p.advance()
		}
		if !p.expectPunct(")") {
			p.sync()
		}
	} else {
		p.errorf(p.foundSpan(), "expected '(' after '%s' but found %s", op, p.tok().describe())
	}
	in.Sp = x.Span().Join(source.Span{Start: opTok.Pos, End: p.endPos()})
	return in
}

// parseBetween reads `(Lo .. Hi)` after between.
func (p *parser) parseBetween(x Expr, not bool, opTok token) Expr {
	b := &BetweenExpr{X: x, Not: not}
	if !p.expectPunct("(") {
		b.Lo, b.Hi = p.bad(p.tok().Pos), p.bad(p.tok().Pos)
		b.Sp = x.Span().Join(opTok.span())
		return b
	}
	b.Lo = p.parseOperand(p.prev(), p.parseExpr)
	if p.expectPunct("..") {
		b.Hi = p.parseOperand(p.prev(), p.parseExpr)
		if p.expectPunct(")") {
			b.Sp = x.Span().Join(source.Span{Start: opTok.Pos, End: p.endPos()})
			return b
		}
	} else {
		b.Hi = p.bad(p.tok().Pos)
	}
	p.sync()
	if p.atPunct(")") {
		p.advance() // the closing ')' after a recovered error
	}
	b.Sp = x.Span().Join(source.Span{Start: opTok.Pos, End: p.endPos()})
	return b
}

func (p *parser) parseAdditive() Expr {
	x := p.parseMultiplicative()
	for p.atPunct("+") || p.atPunct("-") {
		op := p.advance()
		y := p.parseOperand(op, p.parseMultiplicative)
		x = &BinaryExpr{Base: Base{spanOf(x, y)}, Op: op.Text, OpPos: op.span(), X: x, Y: y}
	}
	return x
}

func (p *parser) parseMultiplicative() Expr {
	x := p.parseStringOp()
	for p.atPunct("*") || p.atPunct("/") || p.atPunct("%") {
		op := p.advance()
		y := p.parseOperand(op, p.parseStringOp)
		x = &BinaryExpr{Base: Base{spanOf(x, y)}, Op: op.Text, OpPos: op.span(), X: x, Y: y}
	}
	return x
}

func (p *parser) parseUnary() Expr {
	if p.atPunct("-") || p.atPunct("+") {
		op := p.advance()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			p.errorf(op.span(), "the query is nested too deeply")
			return p.bad(op.Pos)
		}
		x := p.parseOperand(op, p.parseUnary)
		return &UnaryExpr{Base: Base{source.Span{Start: op.Pos, End: x.Span().End}}, Op: op.Text, X: x}
	}
	return p.parsePostfix()
}

// parsePostfix reads a primary followed by .member, [index] and (call) suffixes.
func (p *parser) parsePostfix() Expr {
	x := p.parsePrimary()
	for {
		switch {
		case p.atPunct("."):
			p.advance()
			var name *Ident
			if id := p.tryQuotedName(); id != nil {
				name = id
			} else if p.atPunct("[") {
				// X.[expr] is element access, the same as X[expr]
				p.advance()
				idx := p.parseOperand(p.prev(), p.parseExpr)
				if !p.expectPunct("]") {
					p.sync()
				}
				x = &IndexExpr{Base: Base{p.spanFrom(x.Span().Start)}, X: x, Index: idx}
				continue
			} else if p.at(tokIdent) {
				t := p.advance()
				name = &Ident{Base{t.span()}, t.Text}
			} else if p.at(tokLong) {
				t := p.advance() // dotted numeric access is not KQL, but keep going
				p.errorf(t.span(), "expected a property name after '.' but found %s", t.describe())
				name = &Ident{Base{t.span()}, t.Text}
			} else {
				p.expected("a property name after '.'")
				return x
			}
			x = &MemberExpr{Base: Base{spanOf(x, name)}, X: x, Name: name}
		case p.atPunct("["):
			p.advance()
			idx := p.parseOperand(p.prev(), p.parseExpr)
			if !p.expectPunct("]") {
				p.sync()
			}
			x = &IndexExpr{Base: Base{p.spanFrom(x.Span().Start)}, X: x, Index: idx}
		case p.atPunct("(") && isCallable(x):
			x = p.parseCall(x)
		default:
			return x
		}
	}
}

func isCallable(x Expr) bool {
	switch x.(type) {
	case *Ident, *MemberExpr:
		return true
	}
	return false
}

// parseCall reads `(args)` after a function expression. Arguments may be named (`name = value`) and may
// be tabular (`toscalar(T | count)`).
func (p *parser) parseCall(fn Expr) Expr {
	call := &CallExpr{Fn: fn}
	p.advance() // (
	isTypeOf := false
	if id, ok := fn.(*Ident); ok && strings.EqualFold(id.Name, "typeof") {
		isTypeOf = true
	}
	for !p.atPunct(")") && !p.at(tokEOF) {
		if isTypeOf {
			call.Args = append(call.Args, p.parseTypeofArg())
		} else {
			call.Args = append(call.Args, p.parseArg())
		}
		if !p.atPunct(",") {
			break
		}
		comma := p.advance()
		if p.atPunct(")") {
			p.missingOperand(comma.Text)
		}
	}
	if !p.expectPunct(")") {
		p.sync()
		if p.atPunct(")") {
			p.advance()
		}
	}
	call.Sp = p.spanFrom(fn.Span().Start)
	return call
}

// parseTypeofArg reads one argument of typeof: a type, `*`, or `name:type` (plugin output schemas such as
// typeof(*, score:real)).
func (p *parser) parseTypeofArg() Expr {
	switch {
	case p.atPunct("*"):
		t := p.advance()
		return &TypeExpr{Base: Base{t.span()}, Name: "*", Star: true, Tabular: true}
	case (p.at(tokIdent) || p.atPunct("[")) && (p.peek(1).is(":") || p.atPunct("[") && p.peek(3).is(":")):
		start := p.tok().Pos
		cd := &ColumnDecl{Name: p.parseName("a column name")}
		p.advance() // :
		cd.Type = p.parseType()
		cd.Sp = p.spanFrom(start)
		return cd
	}
	return p.parseType()
}

// parseArg reads one call argument: `name = value` or an expression (possibly tabular).
func (p *parser) parseArg() Expr {
	if p.at(tokIdent) && p.peek(1).is("=") || p.atPunct("[") && p.peek(1).Kind == tokString && p.peek(2).is("]") && p.peek(3).is("=") {
		start := p.tok().Pos
		name := p.parseName("a name")
		p.advance() // =
		x := p.parseOperand(p.prev(), p.parsePipeExpr)
		return &NamedExpr{Base: Base{p.spanFrom(start)}, Names: []*Ident{name}, X: x}
	}
	return p.parsePipeExpr()
}

// parsePrimary reads a literal, a name, a parenthesised expression, a quoted name or a star.
func (p *parser) parsePrimary() Expr {
	t := p.tok()
	switch t.Kind {
	case tokIdent:
		switch {
		case t.Text == "dynamic" && p.peek(1).is("("):
			return p.parseDynamicLiteral()
		case strings.EqualFold(t.Text, "true") || strings.EqualFold(t.Text, "false"):
			p.advance()
			return &Literal{Base: Base{t.span()}, Value: types.NewBool(strings.EqualFold(t.Text, "true")), Raw: t.Text}
		case (t.Text == "datatable" || t.Text == "externaldata") && p.peek(1).is("("):
			// both are primary expressions in Kusto: `T | join (datatable(...)[...]) on k`, `lookup datatable(...)`
			op := p.tryPipeSource()
			return &PipeExpr{Base: Base{op.Span()}, Op: op}
		}
		p.advance()
		return &Ident{Base{t.span()}, t.Text}
	case tokBad:
		p.advance() // the lexer reported it
		return &BadExpr{Base{t.span()}}
	case tokString:
		return p.parseStringLiteral()
	case tokLong:
		p.advance()
		v, ok := parseLong(t.Text)
		if !ok {
			p.errorf(t.span(), "integer literal %s is out of range for long", t.Text)
		}
		return &Literal{Base: Base{t.span()}, Value: types.NewLong(v), Raw: t.Text}
	case tokReal:
		p.advance()
		v, _ := parseRealText(t.Text)
		return &Literal{Base: Base{t.span()}, Value: types.NewReal(v), Raw: t.Text}
	case tokTimeSpan:
		p.advance()
		ticks, ok := parseTimeSpanText(t.Text)
		if !ok {
			p.errorf(t.span(), "timespan literal %s is out of range", t.Text)
		}
		return &Literal{Base: Base{t.span()}, Value: types.NewTimeSpan(ticks), Raw: t.Text}
	case tokTypedLit:
		p.advance()
		v, msg := typedLiteralValue(t.TypeName, t.Value)
		if msg != "" {
			p.errorf(t.span(), "%s", msg)
			v = types.NullOf(v.Type)
			if ty, ok := types.ParseType(t.TypeName); ok {
				v = types.NullOf(ty)
			}
		}
		return &Literal{Base: Base{t.span()}, Value: v, Raw: t.Text}
	case tokPunct:
		switch t.Text {
		case "(":
			p.advance()
			inner := p.parsePipeExpr()
			if !p.expectPunct(")") {
				p.sync()
				if p.atPunct(")") {
					p.advance()
				}
			}
			return &ParenExpr{Base: Base{p.spanFrom(t.Pos)}, X: inner}
		case "[":
			if id := p.tryQuotedName(); id != nil {
				return id
			}
		case "*":
			p.advance()
			return &StarExpr{Base{t.span()}}
		}
	}
	if prev := p.prev(); p.p > 0 && (prev.Kind == tokPunct || prev.Kind == tokIdent || prev.Kind == tokBangWord) {
		p.missingOperand(prev.Text)
	} else {
		p.expected("an expression")
	}
	return p.bad(p.tok().Pos)
}

// parseStringLiteral reads one or more adjacent string literals and concatenates them.
func (p *parser) parseStringLiteral() Expr {
	first := p.advance()
	val := first.Value
	raw := first.Text
	end := first.End
	for p.at(tokString) {
		t := p.advance()
		val += t.Value
		raw += " " + t.Text
		end = t.End
	}
	return &Literal{Base: Base{source.Span{Start: first.Pos, End: end}}, Value: types.NewString(val), Raw: raw}
}
