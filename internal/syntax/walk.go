package syntax

import (
	"reflect"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// Inspect walks the tree rooted at n in source order, calling f for each node; when f returns false the
// node's children are skipped. Nil children are not visited.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || isNilNode(n) {
		return
	}
	if !f(n) {
		return
	}
	for _, c := range Children(n) {
		Inspect(c, f)
	}
}

// Children returns the direct child nodes of n, in field order (which is source order for every node type).
// It reads the node's exported fields, so node types added later are covered without a change here.
func Children(n Node) []Node {
	v := reflect.ValueOf(n)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []Node
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		out = appendNodes(out, v.Field(i))
	}
	return out
}

var nodeType = reflect.TypeOf((*Node)(nil)).Elem()

func appendNodes(out []Node, f reflect.Value) []Node {
	switch f.Kind() {
	case reflect.Interface, reflect.Pointer:
		if f.IsNil() {
			return out
		}
		if f.Type().Implements(nodeType) || f.Kind() == reflect.Interface && f.Elem().Type().Implements(nodeType) {
			if n, ok := f.Interface().(Node); ok && !isNilNode(n) {
				return append(out, n)
			}
		}
	case reflect.Slice:
		for j := 0; j < f.Len(); j++ {
			out = appendNodes(out, f.Index(j))
		}
	}
	return out
}

// isNilNode reports whether n is an interface holding a nil pointer.
func isNilNode(n Node) bool {
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// coverChildren widens every node's span to cover its children's. Only parses with errors need it: a
// missing piece gets an empty span where it belongs, which can fall just outside a parent that consumed
// nothing after it.
func coverChildren(n Node) source.Span {
	sp := n.Span()
	for _, c := range Children(n) {
		sp = sp.Join(coverChildren(c))
	}
	if sp != n.Span() {
		if v := reflect.ValueOf(n); v.Kind() == reflect.Pointer {
			if f := v.Elem().FieldByName("Base"); f.IsValid() && f.CanSet() {
				f.Set(reflect.ValueOf(Base{Sp: sp}))
			}
		}
	}
	return sp
}

// Unparen returns x without the parentheses around it (join's right side, union legs and sub-queries are
// usually written in parentheses).
func Unparen(x Expr) Expr {
	for {
		p, ok := x.(*ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}
