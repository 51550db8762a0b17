package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// projectByNames binds `project-by-names Name, ...`: each argument is a constant string (a column name or a
// pattern with * wildcards) or a constant dynamic array of them; the matching columns are kept in the order
// the arguments name them, each once. Names that match no column are ignored, so that a function can name
// columns its input may lack.
func (c *checker) projectByNames(e env, in Node, o *syntax.GenericOp, sp source.Span) Node {
	args := o.Args
	sub := c
	if args == nil && strings.TrimSpace(o.Text) != "" {
		// the parser keeps this operator's arguments as text: parse them as a call's arguments and report any
		// error at the operator
		src := source.New("project-by-names", "project_by_names("+o.Text+")")
		x, diags := syntax.ParseExpr(src)
		call, ok := x.(*syntax.CallExpr)
		if diags.HasErrors() || !ok {
			c.errorf(sp, "project-by-names expects constant column names")
			return nil
		}
		args = call.Args
		cp := *c
		cp.src, cp.diags = src, &source.DiagnosticList{}
		sub = &cp
		defer func() {
			if len(cp.diags.Items) > 0 {
				c.errorf(sp, "project-by-names: %s", cp.diags.Items[0].Message)
			}
		}()
	}
	var patterns []string
	for _, a := range args {
		x := sub.scalar(env{sc: e.sc}, a)
		if x == nil {
			return nil
		}
		k, ok := x.(*Const)
		if !ok {
			sub.errorf(a.Span(), "project-by-names expects constant column names")
			return nil
		}
		switch v := k.Val; {
		case v.Null:
		case v.Type == types.String:
			patterns = append(patterns, v.S)
		case v.Type == types.Dynamic:
			arr, isArr := v.D.([]any)
			if !isArr {
				sub.errorf(a.Span(), "project-by-names expects a dynamic array of column names")
				return nil
			}
			for _, it := range arr {
				s, isStr := it.(string)
				if !isStr {
					sub.errorf(a.Span(), "project-by-names expects a dynamic array of column names")
					return nil
				}
				patterns = append(patterns, s)
			}
		default:
			sub.errorf(a.Span(), "project-by-names expects constant column names, not a %s", v.Type)
			return nil
		}
	}
	used := map[int]bool{}
	var idx []int
	for _, p := range patterns {
		for i, f := range in.Schema() {
			if !used[i] && wildcardMatch(p, f.Name) {
				used[i] = true
				idx = append(idx, i)
			}
		}
	}
	return c.selectColumns(in, idx, sp)
}

// wildcardMatch matches name against a pattern where * stands for any run of characters.
func wildcardMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}

// columnNamesOf binds column_names_of(T): the constant array of T's column names.
func (c *checker) columnNamesOf(e env, call *syntax.CallExpr) Expr {
	if len(call.Args) != 1 {
		c.errorf(callSpan(call), "The function 'column_names_of' expects 1 argument.")
		return nil
	}
	n := c.tabular(env{sc: e.sc}, call.Args[0])
	if n == nil {
		return nil
	}
	names := make([]any, len(n.Schema()))
	for i, f := range n.Schema() {
		names[i] = f.Name
	}
	return &Const{spanned{callSpan(call)}, types.NewDynamic(names)}
}
