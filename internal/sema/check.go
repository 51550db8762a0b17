package sema

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Program is a checked query ready to run.
type Program struct {
	// Result is the primary result: the query's first tabular expression statement.
	Result Node
}

// maxExpansionDepth bounds nested user-function expansion (a recursive function is an error, not a hang).
const maxExpansionDepth = 64

type bindKind int

const (
	bindScalar bindKind = iota
	bindTabular
	bindFunction
)

// binding is what a let (or a function parameter) name stands for.
type binding struct {
	kind   bindKind
	scalar Expr
	tab    Node
	fn     *syntax.FuncLit
	fnEnv  *scope // the scope the function was defined in (lexical scoping)
	// partitionKey marks the key of a partition { } body: toscalar(Key) reads it even where a column has the name
	partitionKey bool
	// pattern is set for a declared pattern (kind bindFunction): a call picks the case its arguments match
	pattern *syntax.PatternDef
}

type scope struct {
	parent *scope
	names  map[string]*binding
}

func newScope(parent *scope) *scope { return &scope{parent: parent, names: map[string]*binding{}} }

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

// env is the context an expression is bound in: the names in scope and, for row expressions, the input columns.
type env struct {
	sc  *scope
	row []types.Field // nil outside a row context
	agg *aggCtx       // set while binding summarize aggregates
	// implicit is the input of a sub-pipeline whose first operator has no input written (mv-apply)
	implicit Node
	// open is set when the row's columns are not all known (see checker.open)
	open bool
	// rowCalls maps the row-context calls already computed by a RowWindow to their hidden column
	rowCalls map[*syntax.CallExpr]int
	// scanSteps maps the step names of a scan to the start of their state columns in row (see ScanSteps)
	scanSteps  map[string]int
	scanWidth  int
	scanRecord []types.Field
}

func (e env) withRow(row []types.Field) env { return env{sc: e.sc, row: row} }

type checker struct {
	src   *source.Source
	cat   catalog.Catalog
	diags *source.DiagnosticList
	depth int
	probe func(Node) (*types.Table, error)
	// allowHTTP is Options.AllowHTTP
	allowHTTP bool
	// open marks nodes whose columns are not all known without running the query (bag_unpack while only
	// checking): unknown column names under them are not errors.
	open map[Node]bool
}

// Options change how a query is checked.
type Options struct {
	// Probe runs a plan and returns its rows. Operators whose output columns depend on the data
	// (evaluate bag_unpack) use it to learn their schema; without it their schema stays open.
	Probe func(Node) (*types.Table, error)
	// AllowHTTP lets externaldata fetch http(s) URIs (the CLI's --allow-http); without it they are refused,
	// since kqlhunt runs queries offline by default.
	AllowHTTP bool
}

// Check binds and type-checks q. The program is nil when diagnostics hold errors.
func Check(q *syntax.Query, src *source.Source, cat catalog.Catalog) (*Program, *source.DiagnosticList) {
	return CheckWith(q, src, cat, Options{})
}

// CheckWith is Check with options.
func CheckWith(q *syntax.Query, src *source.Source, cat catalog.Catalog, opts Options) (*Program, *source.DiagnosticList) {
	c := &checker{src: src, cat: cat, diags: &source.DiagnosticList{}, probe: opts.Probe, allowHTTP: opts.AllowHTTP, open: map[Node]bool{}}
	prog := c.query(q)
	c.diags.Sort()
	if c.diags.HasErrors() {
		return nil, c.diags
	}
	return prog, c.diags
}

func (c *checker) errorf(sp source.Span, format string, args ...any) {
	c.diags.Addf(c.src, sp, format, args...)
}

func (c *checker) query(q *syntax.Query) *Program {
	sc := newScope(nil)
	var result Node
	found := false
	for _, st := range q.Stmts {
		switch s := st.(type) {
		case *syntax.LetStmt:
			c.let(env{sc: sc}, s)
		case *syntax.ExprStmt:
			n := c.tabular(env{sc: sc}, s.X)
			if !found {
				result, found = n, true
			}
		case *syntax.DeclareParamsStmt:
			for _, p := range s.Params {
				if p.Default == nil {
					c.errorf(p.Span(), "Query parameter '%s' has no value: kqlhunt runs queries without parameters, give it a default", p.Name.Name)
					continue
				}
				e := c.scalar(env{sc: sc}, p.Default)
				if e != nil && p.Type != nil && p.Type.Type != types.Unknown {
					e = c.convert(e, p.Type.Type)
				}
				sc.names[p.Name.Name] = &binding{kind: bindScalar, scalar: e}
			}
		case *syntax.DeclarePatternStmt:
			c.declarePattern(sc, s)
		case *syntax.SetStmt, *syntax.AliasStmt:
			// request options and database aliases do not change local execution
		}
	}
	if !found && !c.diags.HasErrors() {
		c.errorf(q.Span(), "No tabular expression statement found: the query only declares names (let, set, declare) and returns nothing")
	}
	if result == nil {
		return nil
	}
	return &Program{Result: result}
}

func (c *checker) let(e env, s *syntax.LetStmt) {
	name := s.Name.Name
	if fl, ok := s.Value.(*syntax.FuncLit); ok {
		e.sc.names[name] = &binding{kind: bindFunction, fn: fl, fnEnv: e.sc}
		return
	}
	n, x := c.any(e, s.Value)
	switch {
	case n != nil:
		e.sc.names[name] = &binding{kind: bindTabular, tab: n}
	case x != nil:
		e.sc.names[name] = &binding{kind: bindScalar, scalar: x}
	default:
		// an error was reported; bind the name to nothing so that uses do not report it again
		e.sc.names[name] = &binding{kind: bindScalar}
	}
}

// any binds an expression that may be tabular or scalar (let values, function bodies).
func (c *checker) any(e env, x syntax.Expr) (Node, Expr) {
	if c.isTabular(e, x) {
		return c.tabular(e, x), nil
	}
	return nil, c.scalar(e, x)
}

// isTabular decides whether x denotes a table.
func (c *checker) isTabular(e env, x syntax.Expr) bool {
	switch t := x.(type) {
	case *syntax.PipeExpr:
		return true
	case *syntax.ParenExpr:
		return c.isTabular(e, t.X)
	case *syntax.Ident:
		if e.row != nil && fieldIndex(e.row, t.Name) >= 0 {
			return false
		}
		if b := e.sc.lookup(t.Name); b != nil {
			return b.kind == bindTabular
		}
		if c.cat != nil {
			if _, ok := c.cat.Table(t.Name); ok {
				return true
			}
		}
		return false
	case *syntax.CallExpr:
		id, ok := t.Fn.(*syntax.Ident)
		if !ok {
			return false
		}
		switch id.Name {
		case "materialize", "table", "_GetWatchlist":
			return true
		}
		if b := e.sc.lookup(id.Name); b != nil && b.kind == bindFunction {
			body := lastExpr(b.fn.Body)
			if body == nil {
				return false
			}
			inner := newScope(b.fnEnv)
			for _, p := range b.fn.Params {
				if p.Type != nil && p.Type.Tabular {
					inner.names[p.Name.Name] = &binding{kind: bindTabular}
				} else {
					inner.names[p.Name.Name] = &binding{kind: bindScalar}
				}
			}
			for _, st := range b.fn.Body {
				if ls, ok := st.(*syntax.LetStmt); ok {
					if _, isFn := ls.Value.(*syntax.FuncLit); isFn {
						inner.names[ls.Name.Name] = &binding{kind: bindFunction, fn: ls.Value.(*syntax.FuncLit), fnEnv: inner}
					} else if c.isTabular(env{sc: inner}, ls.Value) {
						inner.names[ls.Name.Name] = &binding{kind: bindTabular}
					} else {
						inner.names[ls.Name.Name] = &binding{kind: bindScalar}
					}
				}
			}
			c.depth++
			defer func() { c.depth-- }()
			if c.depth > maxExpansionDepth {
				return false
			}
			return c.isTabular(env{sc: inner}, body)
		}
		if _, ok := sentinelFunctions[id.Name]; ok {
			return true
		}
	}
	return false
}

func lastExpr(body []syntax.Stmt) syntax.Expr {
	for i := len(body) - 1; i >= 0; i-- {
		if es, ok := body[i].(*syntax.ExprStmt); ok {
			return es.X
		}
	}
	return nil
}

// callFunction expands a call of a let-bound function: parameters are bound to the arguments in a new scope
// over the function's defining scope, then the body is bound there.
func (c *checker) callFunction(e env, call *syntax.CallExpr, name string, b *binding) (Node, Expr) {
	if c.depth >= maxExpansionDepth {
		c.errorf(callSpan(call), "Function '%s' is expanded too deeply (is it recursive?)", name)
		return nil, nil
	}
	if b.pattern != nil {
		return c.patternCall(e, call, name, b)
	}
	params := b.fn.Params
	if len(call.Args) > len(params) {
		c.errorf(callSpan(call), "The function '%s' expects %d argument%s.", name, len(params), plural(len(params)))
		return nil, nil
	}
	inner := newScope(b.fnEnv)
	ok := true
	for i, p := range params {
		var arg syntax.Expr
		if i < len(call.Args) {
			arg = call.Args[i]
		} else if p.Default != nil {
			arg = p.Default
		} else {
			c.errorf(callSpan(call), "The function '%s' expects %d argument%s: missing a value for '%s'.", name, len(params), plural(len(params)), p.Name.Name)
			return nil, nil
		}
		if p.Type != nil && p.Type.Tabular {
			n := c.tabular(e, arg)
			if n == nil {
				ok = false
			}
			inner.names[p.Name.Name] = &binding{kind: bindTabular, tab: n}
			continue
		}
		x := c.scalar(e, arg)
		if x == nil {
			ok = false
		} else if p.Type != nil && p.Type.Type != types.Unknown && x.Type() != p.Type.Type {
			x = c.convert(x, p.Type.Type)
		}
		inner.names[p.Name.Name] = &binding{kind: bindScalar, scalar: x}
	}
	if !ok {
		return nil, nil
	}
	c.depth++
	defer func() { c.depth-- }()
	fe := env{sc: inner, row: e.row}
	var last syntax.Expr
	for _, st := range b.fn.Body {
		switch s := st.(type) {
		case *syntax.LetStmt:
			c.let(fe, s)
		case *syntax.ExprStmt:
			last = s.X
		}
	}
	if last == nil {
		c.errorf(callSpan(call), "The body of function '%s' has no result expression", name)
		return nil, nil
	}
	return c.any(fe, last)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func fieldIndex(fields []types.Field, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// uniqueName returns name, or name with the smallest numeric suffix that is not taken.
func uniqueName(taken map[string]bool, name string) string {
	if !taken[name] {
		return name
	}
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s%d", name, i)
		if !taken[n] {
			return n
		}
	}
}

// text returns the query text of sp.
func (c *checker) text(sp source.Span) string {
	if c.src == nil || sp.Start < 0 || int(sp.End) > len(c.src.Text) || sp.Start > sp.End {
		return ""
	}
	return c.src.Text[sp.Start:sp.End]
}

func itoa(i int) string { return fmt.Sprint(i) }

// callSpan is the span of a call from its function name to its closing parenthesis. (The parser may
// report a call's start as 0; the function name's own span is reliable.)
func callSpan(call *syntax.CallExpr) source.Span {
	sp := call.Span()
	if fs := call.Fn.Span(); fs.Start > sp.Start && fs.Start <= sp.End {
		sp.Start = fs.Start
	}
	return sp
}
