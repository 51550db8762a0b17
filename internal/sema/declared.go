package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// withDeclaredSchema shapes a plugin's output n to the schema declared after it, `evaluate p(...) : (a:long, ...)`:
// the declared columns in their order and types, each taken by name from n (converted when its type differs)
// or null when n has no such column; with `(*, ...)` n's other columns follow. It returns n when decl is nil.
func (c *checker) withDeclaredSchema(n Node, decl *syntax.TypeExpr) Node {
	if n == nil || decl == nil || len(decl.Columns) == 0 {
		return n
	}
	in := n.Schema()
	var fields []types.Field
	var exprs []Expr
	declared := map[string]bool{}
	for _, cd := range decl.Columns {
		t := types.Dynamic
		if cd.Type != nil {
			t = cd.Type.Type
		}
		declared[cd.Name.Name] = true
		var x Expr = &Const{spanned{cd.Span()}, types.NullOf(t)}
		if i := fieldIndex(in, cd.Name.Name); i >= 0 {
			x = c.convert(&ColRef{spanned{cd.Span()}, i, in[i].Name, in[i].Type}, t)
		}
		fields = append(fields, types.Field{Name: cd.Name.Name, Type: t})
		exprs = append(exprs, x)
	}
	if decl.Star {
		for i, f := range in {
			if !declared[f.Name] {
				fields = append(fields, f)
				exprs = append(exprs, &ColRef{spanned{decl.Span()}, i, f.Name, f.Type})
			}
		}
	}
	delete(c.open, n)
	return &Project{schema{fields, decl.Span()}, n, exprs}
}

// aggregateArgumentName is the column name of an unnamed summarize output f(agg(...)) when f names its result
// after its first argument and that argument is an aggregate: the aggregate's own name, as in
// summarize tostring(makeset(Cmd)) making set_Cmd. v is the bound expression; "" otherwise.
func aggregateArgumentName(x syntax.Expr, v Expr) string {
	call, ok := x.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 {
		return ""
	}
	if id, ok := call.Fn.(*syntax.Ident); !ok || !namesAfterFirstArgument(id.Name, len(call.Args)) {
		return ""
	}
	if inner, _, _ := unwrapAggCall(call.Args[0]); inner == nil {
		return ""
	}
	var first Expr
	switch b := v.(type) {
	case *Call:
		if len(b.Args) > 0 {
			first = b.Args[0]
		}
	case *Cast:
		first = b.X
	}
	if r, ok := first.(*ColRef); ok {
		return r.Name
	}
	return ""
}
