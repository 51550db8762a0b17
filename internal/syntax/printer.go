package syntax

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Format prints KQL source for n that parses back to the same tree (spans aside). Comments and layout are not
// kept: each statement prints on one line.
func Format(n Node) string {
	var pr printer
	pr.node(n)
	return pr.b.String()
}

type printer struct{ b strings.Builder }

func (pr *printer) s(parts ...string) {
	for _, p := range parts {
		pr.b.WriteString(p)
	}
}

// precedence levels of expressions, loosest first (Kusto's order: string operators bind tighter than
// arithmetic; relational tighter than equality).
const (
	precOr = iota + 1
	precAnd
	precEquality
	precRelational
	precAdd
	precMul
	precString
	precUnary
	precPostfix
)

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "==", "!=":
		return precEquality
	case "<", "<=", ">", ">=":
		return precRelational
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	}
	return precString
}

// leftAssoc reports whether a chain of the operator groups to the left (the others do not chain in Kusto).
func leftAssoc(prec int) bool {
	return prec == precOr || prec == precAnd || prec == precAdd || prec == precMul
}

func exprPrec(x Expr) int {
	switch e := x.(type) {
	case *BinaryExpr:
		return binaryPrec(e.Op)
	case *InExpr, *BetweenExpr:
		return precEquality
	case *UnaryExpr:
		return precUnary
	case *PipeExpr:
		if isTableLiteral(e) {
			return precPostfix
		}
		return 0
	}
	return precPostfix
}

// isTableLiteral reports whether x is a datatable or externaldata expression, which stands as an operand
// without parentheses.
func isTableLiteral(x *PipeExpr) bool {
	if x.Input != nil {
		return false
	}
	switch x.Op.(type) {
	case *DatatableOp, *ExternalDataOp:
		return true
	}
	return false
}

// expr prints x, in parentheses when it binds looser than min.
func (pr *printer) expr(x Expr, min int) {
	if x == nil {
		return
	}
	if exprPrec(x) < min {
		pr.s("(")
		pr.node(x)
		pr.s(")")
		return
	}
	pr.node(x)
}

func (pr *printer) list(items []Expr, sep string) {
	for i, x := range items {
		if i > 0 {
			pr.s(sep)
		}
		pr.node(x)
	}
}

// exprList prints scalar list items (pipelines get parentheses).
func (pr *printer) exprList(items []Expr) {
	for i, x := range items {
		if i > 0 {
			pr.s(", ")
		}
		pr.expr(x, precOr)
	}
}

func (pr *printer) params(ps []*OpParam) {
	for _, p := range ps {
		pr.s(" ")
		pr.node(p)
	}
}

// reservedNames would be read as something else than a name, so they are printed quoted.
var reservedNames = map[string]bool{
	"and": true, "or": true, "true": true, "false": true, "between": true, "by": true, "on": true, "with": true,
	"from": true, "to": true, "step": true, "default": true, "asc": true, "desc": true, "nulls": true, "limit": true,
	"let": true, "set": true, "declare": true, "alias": true, "print": true, "range": true, "datatable": true,
	"union": true, "find": true, "search": true, "evaluate": true, "externaldata": true, "dynamic": true,
	"typeof": true, "in": true, "kind": true, "as": true, "view": true, "where": true,
}

// quoteName returns the name as written in KQL: bare when it is a plain identifier, else ['...'].
func quoteName(name string) string {
	if isPlainName(name) && !reservedNames[strings.ToLower(name)] && !wordOps[name] && !listOps[name] {
		return name
	}
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(name) + "']"
}

func isPlainName(name string) bool {
	if name == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(name)
	if isIdentStart(r) || r == '$' && len(name) > 1 {
		for i, r := range name {
			if i > 0 && !isIdentPart(r) {
				return false
			}
		}
		return true
	}
	// names may start with digits (5Minutebin) when the lexer reads them back as one name, not a number
	var diags source.DiagnosticList
	toks := lex(&source.Source{Text: name}, &diags)
	return len(toks) == 2 && toks[0].Kind == tokIdent && toks[0].Text == name && len(diags.Items) == 0
}

func (pr *printer) stmts(list []Stmt) {
	for i, st := range list {
		if i > 0 {
			pr.s(";\n")
		}
		pr.node(st)
	}
}

func (pr *printer) node(n Node) {
	switch n := n.(type) {
	case nil:
	case *Query:
		pr.stmts(n.Stmts)
	case *LetStmt:
		pr.s("let ", quoteName(n.Name.Name), " = ")
		pr.node(n.Value)
	case *ExprStmt:
		pr.node(n.X)
	case *SetStmt:
		pr.s("set ", n.Name.Name)
		if n.Value != nil {
			pr.s(" = ")
			if id, ok := n.Value.(*Ident); ok {
				pr.s(id.Name)
			} else {
				pr.node(n.Value)
			}
		}
	case *DeclareParamsStmt:
		pr.s("declare query_parameters(")
		pr.paramList(n.Params)
		pr.s(")")
	case *DeclarePatternStmt:
		pr.s("declare pattern ", quoteName(n.Name.Name))
		if n.Text != "" {
			pr.s(" ", n.Text)
		}
	case *AliasStmt:
		pr.s("alias database ", quoteName(n.Name.Name), " = ")
		pr.node(n.Value)
	case *Ident:
		pr.s(quoteName(n.Name))
	case *Literal:
		pr.literal(n)
	case *BinaryExpr:
		prec := binaryPrec(n.Op)
		if leftAssoc(prec) {
			pr.expr(n.X, prec)
		} else {
			pr.expr(n.X, prec+1)
		}
		pr.s(" ", n.Op, " ")
		pr.expr(n.Y, prec+1)
	case *UnaryExpr:
		pr.s(n.Op)
		if u, ok := n.X.(*UnaryExpr); ok && u.Op == n.Op {
			pr.s(" ")
		}
		pr.expr(n.X, precUnary)
	case *InExpr:
		pr.expr(n.X, precEquality+1)
		pr.s(" ", n.Op, " (")
		pr.list(n.List, ", ")
		pr.s(")")
	case *BetweenExpr:
		pr.expr(n.X, precEquality+1)
		if n.Not {
			pr.s(" !between (")
		} else {
			pr.s(" between (")
		}
		pr.expr(n.Lo, precOr)
		pr.s(" .. ")
		pr.expr(n.Hi, precOr)
		pr.s(")")
	case *CallExpr:
		if id, ok := n.Fn.(*Ident); ok && (typedLiteralWords[strings.ToLower(id.Name)] || id.Name == "dynamic") {
			pr.s("['", id.Name, "']") // quoted: a bare type word before '(' would read as a literal
		} else if ok && isPlainName(id.Name) && !wordOps[id.Name] && !strings.EqualFold(id.Name, "true") && !strings.EqualFold(id.Name, "false") {
			pr.s(id.Name) // keywords are fine as function names (typeof, count, range)
		} else {
			pr.expr(n.Fn, precPostfix)
		}
		pr.s("(")
		pr.list(n.Args, ", ")
		pr.s(")")
	case *MemberExpr:
		pr.expr(n.X, precPostfix)
		if lit, ok := n.X.(*Literal); ok && lit.Raw != "" && strings.ContainsRune("0123456789.", rune(lit.Raw[len(lit.Raw)-1])) {
			pr.s(" ") // keep "0 .x" from reading as the real "0."
		}
		pr.s(".")
		if isPlainName(n.Name.Name) {
			pr.s(n.Name.Name) // any word may follow a dot, keywords included
		} else {
			pr.s(quoteName(n.Name.Name))
		}
	case *IndexExpr:
		pr.expr(n.X, precPostfix)
		pr.s("[")
		pr.expr(n.Index, precOr)
		pr.s("]")
	case *ParenExpr:
		pr.s("(")
		pr.node(n.X)
		pr.s(")")
	case *StarExpr:
		pr.s("*")
	case *WildcardName:
		pr.s(n.Pattern)
	case *TypeExpr:
		pr.typeExpr(n)
	case *NamedExpr:
		if len(n.Names) == 1 {
			pr.s(quoteName(n.Names[0].Name))
		} else {
			pr.s("(")
			for i, id := range n.Names {
				if i > 0 {
					pr.s(", ")
				}
				pr.s(quoteName(id.Name))
			}
			pr.s(")")
		}
		pr.s(" = ")
		pr.expr(n.X, precOr)
	case *ListExpr:
		pr.exprList(n.Items)
	case *FuncLit:
		pr.s("(")
		pr.paramList(n.Params)
		pr.s(") { ")
		pr.stmts(n.Body)
		pr.s(" }")
	case *Param:
		pr.s(quoteName(n.Name.Name), ":")
		pr.typeExpr(n.Type)
		if n.Default != nil {
			pr.s(" = ")
			pr.node(n.Default)
		}
	case *ColumnDecl:
		pr.columnDecl(n)
	case *PipeExpr:
		if n.Input != nil {
			pr.node(n.Input)
			pr.s("\n| ")
		}
		pr.node(n.Op)
	case *BadExpr:
		pr.s("<bad>")
	case *OpParam:
		pr.s(n.Name, "=")
		if id, ok := n.Value.(*Ident); ok {
			pr.s(id.Name)
		} else {
			pr.node(n.Value)
		}
	case *SortKey:
		pr.expr(n.X, precOr)
		if n.Asc {
			pr.s(" asc")
		}
		if n.NullsFirst != nil {
			if *n.NullsFirst {
				pr.s(" nulls first")
			} else {
				pr.s(" nulls last")
			}
		}
	case *MakeSeriesAgg:
		pr.node(n.Agg)
		if n.Default != nil {
			pr.s(" default = ")
			pr.expr(n.Default, precOr)
		}
	case *MvExpandColumn:
		pr.node(n.X)
		if n.To != nil {
			pr.s(" to typeof(")
			pr.typeExpr(n.To)
			pr.s(")")
		}
	case *ParsePart:
		pr.parsePart(n)
	case Operator:
		pr.operator(n)
	default:
		pr.moreNode(n)
	}
}

func (pr *printer) paramList(ps []*Param) {
	for i, p := range ps {
		if i > 0 {
			pr.s(", ")
		}
		pr.node(p)
	}
}

func (pr *printer) columnDecl(c *ColumnDecl) {
	pr.s(quoteName(c.Name.Name))
	if c.Type != nil {
		pr.s(":")
		pr.typeExpr(c.Type)
	}
}

func (pr *printer) columnDecls(cs []*ColumnDecl) {
	for i, c := range cs {
		if i > 0 {
			pr.s(", ")
		}
		pr.columnDecl(c)
	}
}

func (pr *printer) typeExpr(t *TypeExpr) {
	if t == nil {
		return
	}
	if t.Tabular {
		if t.Star && t.Name == "*" {
			pr.s("*") // typeof(*, ...)
			return
		}
		if t.Star {
			pr.s("(*)")
			return
		}
		pr.s("(")
		pr.columnDecls(t.Columns)
		pr.s(")")
		return
	}
	if t.Name != "" {
		pr.s(t.Name)
		return
	}
	pr.s(t.Type.String())
}

func (pr *printer) parsePart(p *ParsePart) {
	switch {
	case p.Literal != nil:
		pr.literal(p.Literal)
	case p.Star:
		pr.s("*")
	case p.Column != nil:
		pr.columnDecl(p.Column)
	}
}

func (pr *printer) literal(l *Literal) {
	if l.Raw != "" {
		pr.s(l.Raw)
		return
	}
	pr.s(FormatValue(l.Value))
}

// FormatValue prints a value as a KQL literal (used for literals built without source text).
func FormatValue(v types.Value) string {
	if v.Null && v.Type != types.String {
		return v.Type.String() + "(null)"
	}
	switch v.Type {
	case types.Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case types.Int:
		return "int(" + strconv.FormatInt(v.I, 10) + ")"
	case types.Long:
		if v.I < 0 {
			return "long(" + strconv.FormatInt(v.I, 10) + ")"
		}
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		s := strconv.FormatFloat(v.F, 'g', -1, 64)
		switch s {
		case "NaN":
			s = "nan"
		case "+Inf":
			s = "+inf"
		case "-Inf":
			s = "-inf"
		}
		return v.Type.String() + "(" + s + ")"
	case types.String:
		return quoteString(v.S)
	case types.DateTime:
		return "datetime(" + types.FormatDateTime(v.I) + ")"
	case types.TimeSpan:
		return "time(" + types.FormatTimeSpan(v.I) + ")"
	case types.GUID:
		return "guid(" + v.S + ")"
	case types.Dynamic:
		return "dynamic(" + formatDynamic(v.D) + ")"
	}
	return "dynamic(null)"
}

// quoteString prints s as a double-quoted KQL string literal.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u` + strconv.FormatInt(int64(r)|0x10000, 16)[1:])
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// formatDynamic prints a dynamic value as a dynamic literal body, keeping typed scalars as KQL literals.
func formatDynamic(d any) string {
	switch t := d.(type) {
	case nil:
		return "null"
	case types.DynDateTime:
		return "datetime(" + types.FormatDateTime(int64(t)) + ")"
	case types.DynTimeSpan:
		return "time(" + types.FormatTimeSpan(int64(t)) + ")"
	case types.DynGUID:
		return "guid(" + string(t) + ")"
	case float64:
		return FormatValue(types.NewReal(t))
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = formatDynamic(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *types.Bag:
		parts := make([]string, len(t.Keys))
		for i, k := range t.Keys {
			parts[i] = quoteString(k) + ": " + formatDynamic(t.Vals[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return types.FormatJSON(d)
}

func (pr *printer) operator(op Operator) {
	switch o := op.(type) {
	case *WhereOp:
		pr.s("where ")
		pr.expr(o.Pred, precOr)
	case *ProjectOp:
		pr.s("project ")
		pr.exprList(o.Columns)
	case *ExtendOp:
		pr.s("extend ")
		pr.exprList(o.Columns)
	case *ProjectAwayOp:
		pr.s("project-away ")
		pr.list(o.Columns, ", ")
	case *ProjectKeepOp:
		pr.s("project-keep ")
		pr.list(o.Columns, ", ")
	case *ProjectRenameOp:
		pr.s("project-rename ")
		for i, r := range o.Renames {
			if i > 0 {
				pr.s(", ")
			}
			pr.node(r)
		}
	case *ProjectReorderOp:
		pr.s("project-reorder ")
		for i, c := range o.Columns {
			if i > 0 {
				pr.s(", ")
			}
			pr.node(c)
			if i < len(o.Order) && o.Order[i] != "" {
				pr.s(" ", o.Order[i])
			}
		}
	case *SummarizeOp:
		pr.s("summarize")
		pr.params(o.Params)
		if len(o.Aggs) > 0 {
			pr.s(" ")
			pr.exprList(o.Aggs)
		}
		if len(o.By) > 0 {
			pr.s(" by ")
			pr.exprList(o.By)
		}
	case *MakeSeriesOp:
		pr.s("make-series")
		pr.params(o.Params)
		for i, a := range o.Aggs {
			if i > 0 {
				pr.s(",")
			}
			pr.s(" ")
			pr.node(a)
		}
		pr.s(" on ")
		pr.expr(o.On, precAdd)
		if o.From != nil {
			pr.s(" from ")
			pr.expr(o.From, precOr)
		}
		if o.To != nil {
			pr.s(" to ")
			pr.expr(o.To, precOr)
		}
		if o.Step != nil {
			pr.s(" step ")
			pr.expr(o.Step, precOr)
		}
		if len(o.By) > 0 {
			pr.s(" by ")
			pr.exprList(o.By)
		}
	case *CountOp:
		pr.s("count")
		if o.As != nil {
			pr.s(" as ", quoteName(o.As.Name))
		}
	case *DistinctOp:
		pr.s("distinct")
		pr.params(o.Params)
		pr.s(" ")
		pr.exprList(o.Columns)
	case *TakeOp:
		pr.s("take ")
		pr.expr(o.Count, precOr)
	case *TopOp:
		pr.s("top ")
		pr.expr(o.Count, precAdd)
		pr.s(" by ")
		pr.sortKeys(o.By)
	case *SortOp:
		pr.s("sort")
		pr.params(o.Params)
		pr.s(" by ")
		pr.sortKeys(o.Keys)
	case *JoinOp:
		pr.s("join")
		pr.params(o.Params)
		pr.s(" ")
		pr.tabularOperand(o.Right)
		pr.s(" on ")
		pr.exprList(o.On)
	case *LookupOp:
		pr.s("lookup")
		pr.params(o.Params)
		pr.s(" ")
		pr.tabularOperand(o.Right)
		pr.s(" on ")
		pr.exprList(o.On)
	case *UnionOp:
		pr.s("union")
		pr.params(o.Params)
		pr.s(" ")
		for i, t := range o.Tables {
			if i > 0 {
				pr.s(", ")
			}
			pr.tabularOperand(t)
		}
	case *MvExpandOp:
		pr.s("mv-expand")
		pr.params(o.Params)
		for i, c := range o.Columns {
			if i > 0 {
				pr.s(",")
			}
			pr.s(" ")
			pr.node(c)
		}
		if o.Limit != nil {
			pr.s(" limit ")
			pr.expr(o.Limit, precOr)
		}
	case *ParseOp:
		if o.Where {
			pr.s("parse-where")
		} else {
			pr.s("parse")
		}
		pr.params(o.Params)
		pr.s(" ")
		pr.expr(o.Source, precOr)
		pr.s(" with")
		for _, part := range o.Pattern {
			pr.s(" ")
			pr.parsePart(part)
		}
	case *RenderOp:
		pr.s("render ", quoteName(o.Chart.Name))
		pr.withProps(o.Props)
	case *PrintOp:
		pr.s("print ")
		pr.exprList(o.Columns)
	case *DatatableOp:
		pr.s("datatable(")
		pr.columnDecls(o.Columns)
		pr.s(")[")
		pr.exprList(o.Values)
		pr.s("]")
	case *RangeOp:
		pr.s("range ", quoteName(o.Column.Name), " from ")
		pr.expr(o.From, precOr)
		pr.s(" to ")
		pr.expr(o.To, precOr)
		pr.s(" step ")
		pr.expr(o.Step, precOr)
	case *AsOp:
		pr.s("as")
		pr.params(o.Params)
		pr.s(" ", quoteName(o.Name.Name))
	case *InvokeOp:
		pr.s("invoke ")
		pr.node(o.Call)
	case *EvaluateOp:
		pr.s("evaluate")
		pr.params(o.Params)
		pr.s(" ")
		pr.node(o.Call)
		if o.Schema != nil {
			pr.s(" : ")
			pr.evaluateSchema(o.Schema)
		}
	case *GenericOp:
		pr.s(o.Name)
		if o.Text != "" {
			pr.s(" ", o.Text)
		}
		if len(o.Args) > 0 {
			pr.s(" ")
			pr.exprList(o.Args)
		}
	default:
		pr.moreOperator(op)
	}
}

func (pr *printer) sortKeys(keys []*SortKey) {
	for i, k := range keys {
		if i > 0 {
			pr.s(", ")
		}
		pr.node(k)
	}
}

// withProps prints ` with (name = value, ...)`; property names are printed bare.
func (pr *printer) withProps(props []*NamedExpr) {
	if len(props) == 0 {
		return
	}
	pr.s(" with (")
	for i, p := range props {
		if i > 0 {
			pr.s(", ")
		}
		if len(p.Names) == 1 && isPlainName(p.Names[0].Name) {
			pr.s(p.Names[0].Name, " = ")
			pr.expr(p.X, precOr)
		} else {
			pr.node(p)
		}
	}
	pr.s(")")
}

// tabularOperand prints the right side of join/lookup or a union leg: pipelines need parentheses.
func (pr *printer) tabularOperand(x Expr) {
	if pe, ok := x.(*PipeExpr); ok && isTableLiteral(pe) {
		pr.node(x)
		return
	}
	switch x.(type) {
	case *PipeExpr, *BinaryExpr, *InExpr, *BetweenExpr, *UnaryExpr:
		pr.s("(")
		pr.node(x)
		pr.s(")")
		return
	}
	pr.node(x)
}

func (pr *printer) evaluateSchema(t *TypeExpr) {
	pr.s("(")
	if t.Star {
		pr.s("*")
		if len(t.Columns) > 0 {
			pr.s(", ")
		}
	}
	pr.columnDecls(t.Columns)
	pr.s(")")
}
