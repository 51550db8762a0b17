package sema

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Row-context functions (prev, next, row_number, row_cumsum, row_window_session, row_rank_min,
// row_rank_dense) read other rows of the serialized row set, so they are not kernels: a project/extend that
// uses them reads from a RowWindow node, which computes each call into a hidden column the expressions then
// reference. Calls nested in another's arguments (row_number(1, prev(a) != a)) get a RowWindow of their own
// below the outer one.

// rowFuncNames are the row-context functions and their argument counts.
var rowFuncNames = map[string][2]int{
	"prev": {1, 3}, "next": {1, 3}, "row_number": {0, 2}, "row_cumsum": {1, 2},
	"row_window_session": {3, 4}, "row_rank_min": {1, 2}, "row_rank_dense": {1, 2},
}

// RowWindow adds one column per row-context function call to its input's columns; it needs the whole
// input in order (it is blocking).
type RowWindow struct {
	schema
	In    Node
	Funcs []*RowFunc
}

// RowFunc is one bound row-context call.
type RowFunc struct {
	Sp   source.Span
	Name string
	// X is the value argument (prev/next column, cumsum/rank term, session time); nil for row_number.
	X Expr
	// Restart, when set, restarts the numbering, sum, rank or session on rows where it is true.
	Restart Expr
	// Offset is prev/next's row distance; Start is row_number's first number.
	Offset, Start int64
	// Default is the value prev/next give outside the rows, evaluated on the row asking (nil: null).
	Default Expr
	// MaxFromFirst and MaxBetween (ticks) bound a row_window_session session.
	MaxFromFirst, MaxBetween int64
	T                        types.Type
}

// rowCallsOf returns the row-context calls in xs whose arguments hold no other row-context call and that
// are not bound yet.
func (c *checker) rowCallsOf(e env, xs []syntax.Expr, bound map[*syntax.CallExpr]int) []*syntax.CallExpr {
	var out []*syntax.CallExpr
	var visit func(x syntax.Expr) bool // reports whether x holds an unbound row call
	visit = func(x syntax.Expr) bool {
		found := false
		var kids []syntax.Expr
		switch t := x.(type) {
		case *syntax.ParenExpr:
			kids = []syntax.Expr{t.X}
		case *syntax.UnaryExpr:
			kids = []syntax.Expr{t.X}
		case *syntax.BinaryExpr:
			kids = []syntax.Expr{t.X, t.Y}
		case *syntax.InExpr:
			kids = append([]syntax.Expr{t.X}, t.List...)
		case *syntax.BetweenExpr:
			kids = []syntax.Expr{t.X, t.Lo, t.Hi}
		case *syntax.MemberExpr:
			kids = []syntax.Expr{t.X}
		case *syntax.IndexExpr:
			kids = []syntax.Expr{t.X, t.Index}
		case *syntax.NamedExpr:
			kids = []syntax.Expr{t.X}
		case *syntax.CallExpr:
			inner := false
			for _, a := range t.Args {
				if visit(a) {
					inner = true
				}
			}
			id, ok := t.Fn.(*syntax.Ident)
			if !ok || !c.isRowFunc(e, id.Name) {
				return inner
			}
			if _, done := bound[t]; done {
				return inner
			}
			if !inner {
				out = append(out, t)
			}
			return true
		}
		for _, k := range kids {
			if k != nil && visit(k) {
				found = true
			}
		}
		return found
	}
	for _, x := range xs {
		visit(x)
	}
	return out
}

// isRowFunc reports whether name is a row-context function not shadowed by a let-bound function.
func (c *checker) isRowFunc(e env, name string) bool {
	if _, ok := rowFuncNames[name]; !ok {
		return false
	}
	b := e.sc.lookup(name)
	return b == nil || b.kind != bindFunction
}

// withRowWindows binds the row-context calls in xs into RowWindow nodes over in. It returns the node to
// read from and the env whose row has the hidden columns and knows the calls; in unchanged when xs has none.
func (c *checker) withRowWindows(e env, in Node, xs []syntax.Expr) (Node, env, bool) {
	bound := map[*syntax.CallExpr]int{}
	for {
		calls := c.rowCallsOf(e, xs, bound)
		if len(calls) == 0 {
			return in, e, true
		}
		rw := &RowWindow{schema: schema{append([]types.Field(nil), in.Schema()...), in.Span()}, In: in}
		for _, call := range calls {
			f := c.rowFunc(e, call)
			if f == nil {
				return nil, e, false
			}
			bound[call] = len(rw.Fields)
			rw.Fields = append(rw.Fields, types.Field{Name: fmt.Sprintf("$row_%d", len(rw.Fields)), Type: f.T})
			rw.Funcs = append(rw.Funcs, f)
		}
		in = rw
		e = env{sc: e.sc, row: rw.Fields, open: e.open, implicit: e.implicit, rowCalls: bound}
	}
}

// rowFunc binds one row-context call over e's row.
func (c *checker) rowFunc(e env, call *syntax.CallExpr) *RowFunc {
	name := call.Fn.(*syntax.Ident).Name
	limits := rowFuncNames[name]
	if err := kernel.CheckArity(name, limits[0], limits[1], len(call.Args)); err != nil {
		c.errorf(callSpan(call), "%s", err.Error())
		return nil
	}
	args := make([]Expr, len(call.Args))
	for i, a := range call.Args {
		if args[i] = c.scalar(e, a); args[i] == nil {
			return nil
		}
	}
	f := &RowFunc{Sp: callSpan(call), Name: name}
	constLong := func(i int, what string) (int64, bool) {
		k, ok := args[i].(*Const)
		if !ok || !k.Val.Type.IsIntegral() || k.Val.Null {
			c.errorf(args[i].Span(), "%s(): the %s must be a constant integer", name, what)
			return 0, false
		}
		return k.Val.I, true
	}
	constSpan := func(i int, what string) (int64, bool) {
		k, ok := args[i].(*Const)
		if !ok || k.Val.Type != types.TimeSpan || k.Val.Null {
			c.errorf(args[i].Span(), "%s(): the %s must be a constant timespan", name, what)
			return 0, false
		}
		return k.Val.I, true
	}
	restart := func(i int) bool {
		if i >= len(args) {
			return true
		}
		if t := args[i].Type(); t != types.Bool && t != types.Dynamic {
			c.errorf(args[i].Span(), "%s(): the restart argument must be a bool, but it is of type %s", name, t)
			return false
		}
		f.Restart = args[i]
		return true
	}
	ok := true
	switch name {
	case "prev", "next":
		f.X, f.Offset, f.T = args[0], 1, args[0].Type()
		if len(args) > 1 {
			if f.Offset, ok = constLong(1, "offset"); ok && f.Offset < 0 {
				c.errorf(args[1].Span(), "%s(): the offset must not be negative", name)
				ok = false
			}
		}
		if ok && len(args) > 2 {
			// Kusto.Language types default_value as any scalar (next(Timestamp, 1, 0) binds); the result keeps
			// the column's type, so the default is converted to it as the to*() functions do
			f.Default = c.convert(args[2], f.T)
		}
	case "row_number":
		f.Start, f.T = 1, types.Long
		if len(args) > 0 {
			f.Start, ok = constLong(0, "start index")
		}
		ok = ok && restart(1)
	case "row_cumsum":
		f.X = args[0]
		switch t := args[0].Type(); {
		case t == types.Int || t == types.Long:
			f.T = types.Long
		case t == types.Real || t == types.Decimal || t == types.TimeSpan:
			f.T = t
		default:
			c.errorf(args[0].Span(), "row_cumsum(): the term must be numeric, but it is of type %s", t)
			return nil
		}
		ok = restart(1)
	case "row_rank_min", "row_rank_dense":
		f.X, f.T = args[0], types.Long
		ok = restart(1)
	case "row_window_session":
		f.X, f.T = args[0], types.DateTime
		if t := args[0].Type(); t != types.DateTime {
			c.errorf(args[0].Span(), "row_window_session(): the first argument must be a datetime, but it is of type %s", t)
			return nil
		}
		if f.MaxFromFirst, ok = constSpan(1, "maximum distance from the session's first row"); ok {
			if f.MaxBetween, ok = constSpan(2, "maximum distance between neighbouring rows"); ok {
				ok = restart(3)
			}
		}
	}
	if !ok {
		return nil
	}
	return f
}

// packAll binds pack_all([ignore_null_empty]) and bag_pack_columns(c1, c2, ...) as bag_pack over the
// columns; ignoring null and empty values filters the packed bag.
func (c *checker) packColumns(e env, call *syntax.CallExpr, name string) Expr {
	sp := callSpan(call)
	var pairs []Expr
	var syn []syntax.Expr
	ignoreEmpty := false
	switch name {
	case "pack_all":
		if len(call.Args) > 1 {
			c.errorf(sp, "The function 'pack_all' expects between 0 and 1 arguments.")
			return nil
		}
		if len(call.Args) == 1 {
			x := c.scalar(e, call.Args[0])
			if x == nil {
				return nil
			}
			k, ok := x.(*Const)
			if !ok || k.Val.Type != types.Bool {
				c.errorf(call.Args[0].Span(), "pack_all(): the argument must be a constant bool")
				return nil
			}
			ignoreEmpty = k.Val.Bool()
		}
		if e.row == nil {
			c.errorf(sp, "pack_all() can only be used where the row's columns are known")
			return nil
		}
		for i, f := range e.row {
			if len(f.Name) > 0 && f.Name[0] == '$' {
				continue // a hidden row-window column
			}
			pairs = append(pairs, &Const{spanned{sp}, types.NewString(f.Name)}, &ColRef{spanned{sp}, i, f.Name, f.Type})
		}
	case "bag_pack_columns":
		for _, a := range call.Args {
			id, ok := a.(*syntax.Ident)
			if !ok {
				c.errorf(a.Span(), "bag_pack_columns(): every argument must be a column name")
				return nil
			}
			x := c.scalar(e, id)
			if x == nil {
				return nil
			}
			pairs = append(pairs, &Const{spanned{id.Span()}, types.NewString(id.Name)}, x)
		}
	}
	for range pairs {
		syn = append(syn, nil)
	}
	x := c.kernelCall(sp, sp, "bag_pack", pairs, syn)
	if x == nil || !ignoreEmpty {
		return x
	}
	pack := x.(*Call)
	inner := pack.Kernel
	pack.Kernel = &kernel.Scalar{Name: "pack_all", MinArgs: inner.MinArgs, MaxArgs: inner.MaxArgs, Result: inner.Result,
		Eval: func(ctx *kernel.Context, args []kernel.Arg, n int) (*types.Column, error) {
			col, err := inner.Eval(ctx, args, n)
			if err != nil || col == nil {
				return col, err
			}
			for i := range col.Dyns {
				bag, ok := col.Dyns[i].(*types.Bag)
				if !ok {
					continue
				}
				kept := types.NewBag()
				for _, k := range bag.Keys {
					if v := bag.Vals[k]; v != nil && v != "" {
						kept.Set(k, v)
					}
				}
				col.Dyns[i] = kept
			}
			return col, nil
		}}
	pack.Name = "pack_all"
	return pack
}
