package exec

import (
	"fmt"
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// evalFn computes an expression over a whole batch. The result is a column of the batch's length, or a
// one-row constant.
type evalFn func(ctx *Context, b *types.Table) (kernel.Arg, error)

// compileExpr turns a bound expression into a function over batches. Constant subexpressions (literals,
// now(), let-bound scalars, toscalar()) are computed here, once.
func (ctx *Context) compileExpr(e sema.Expr) (evalFn, error) {
	if sema.IsConstant(e) {
		switch e.(type) {
		case *sema.Const, *sema.Now, *sema.ScalarSub, *sema.ColumnList:
		default:
			v, err := ctx.constValue(e)
			if err != nil {
				return nil, err
			}
			return constFn(v), nil
		}
	}
	switch x := e.(type) {
	case *sema.Const:
		return constFn(x.Val), nil
	case *sema.Now:
		return constFn(types.NewDateTime(ctx.Now)), nil
	case *sema.ColRef:
		idx := x.Index
		return func(_ *Context, b *types.Table) (kernel.Arg, error) {
			return kernel.Arg{Col: b.Cols[idx]}, nil
		}, nil
	case *sema.ScalarSub, *sema.ColumnList:
		v, err := ctx.constValue(x)
		if err != nil {
			return nil, err
		}
		return constFn(v), nil
	case *sema.Unary, *sema.Binary, *sema.Call, *sema.In, *sema.Between, *sema.Member, *sema.Index, *sema.Cast:
		return ctx.compileNonConst(e)
	}
	return nil, fmt.Errorf("internal error: cannot compile expression %T", e)
}

func constFn(v types.Value) evalFn {
	col := types.NewColumn(v.Type, 1)
	col.Append(v)
	arg := kernel.Arg{Col: col, Const: true}
	return func(*Context, *types.Table) (kernel.Arg, error) { return arg, nil }
}

// constValue computes a constant expression once.
func (ctx *Context) constValue(e sema.Expr) (types.Value, error) {
	switch x := e.(type) {
	case *sema.Const:
		return x.Val, nil
	case *sema.Now:
		return types.NewDateTime(ctx.Now), nil
	case *sema.ScalarSub:
		return ctx.scalarSub(x)
	case *sema.ColumnList:
		t, err := ctx.runToTable(x.Plan)
		if err != nil {
			return types.Value{}, err
		}
		list := []any{}
		if len(t.Cols) > 0 {
			for i := 0; i < t.Cols[0].Len(); i++ {
				list = append(list, t.Cols[0].Value(i).Dynamic())
			}
		}
		return types.NewDynamic(list), nil
	}
	fn, err := ctx.compileNonConst(e)
	if err != nil {
		return types.Value{}, err
	}
	one := &types.Table{}
	a, err := fn(ctx, one)
	if err != nil {
		return types.Value{}, err
	}
	if a.Col.Len() == 0 {
		return types.NullOf(e.Type()), nil
	}
	return a.Col.Value(0), nil
}

// compileNonConst compiles e without folding it as a whole (its parts still fold).
func (ctx *Context) compileNonConst(e sema.Expr) (evalFn, error) {
	switch x := e.(type) {
	case *sema.Unary:
		return ctx.compileUnary(x)
	case *sema.Binary:
		return ctx.compileBinary(x)
	case *sema.Call:
		return ctx.compileCall(x)
	case *sema.In:
		return ctx.compileIn(x)
	case *sema.Between:
		return ctx.compileBetween(x)
	case *sema.Member:
		return ctx.compileMember(x)
	case *sema.Index:
		return ctx.compileIndex(x)
	case *sema.Cast:
		inner, err := ctx.compileExpr(x.X)
		if err != nil {
			return nil, err
		}
		t := x.T
		return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
			a, err := inner(ctx, b)
			if err != nil {
				return a, err
			}
			col, err := ctx.castColumn(a.Col, t)
			return kernel.Arg{Col: col, Const: a.Const}, err
		}, nil
	}
	return ctx.compileExpr(e)
}

// batchLen is the number of rows an expression over b computes: 1 for a batch without columns (print).
func batchLen(b *types.Table) int {
	if len(b.Cols) == 0 {
		return 1
	}
	return numRows(b)
}

// rows is the number of result rows for args: 1 when every argument is constant.
func rows(b *types.Table, args ...kernel.Arg) (int, bool) {
	for _, a := range args {
		if !a.Const {
			return batchLen(b), false
		}
	}
	return 1, true
}

func (ctx *Context) compileCall(x *sema.Call) (evalFn, error) {
	argFns := make([]evalFn, len(x.Args))
	for i, a := range x.Args {
		f, err := ctx.compileExpr(a)
		if err != nil {
			return nil, err
		}
		argFns[i] = f
	}
	k := x.Kernel
	sp := x.Span()
	name := x.Name
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		args := make([]kernel.Arg, len(argFns))
		for i, f := range argFns {
			a, err := f(ctx, b)
			if err != nil {
				return a, err
			}
			args[i] = a
		}
		n, allConst := rows(b, args...)
		col, err := k.Eval(ctx.kernelCtx(), args, n)
		if err != nil {
			return kernel.Arg{}, &RuntimeError{Span: sp, Msg: fmt.Sprintf("%s: %v", name, err)}
		}
		if col == nil || col.Len() != n {
			return kernel.Arg{}, &RuntimeError{Span: sp, Msg: fmt.Sprintf("internal error: %s returned a wrong number of rows", name)}
		}
		return kernel.Arg{Col: col, Const: allConst}, nil
	}, nil
}

func (ctx *Context) compileUnary(x *sema.Unary) (evalFn, error) {
	inner, err := ctx.compileExpr(x.X)
	if err != nil {
		return nil, err
	}
	op, t := x.Op, x.T
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		a, err := inner(ctx, b)
		if err != nil {
			return a, err
		}
		n, allConst := rows(b, a)
		src := a.Col
		if src.Type == types.Dynamic {
			target := types.Real
			if op == "not" {
				target = types.Bool
			}
			if src, err = ctx.castColumn(src, target); err != nil {
				return a, err
			}
			a = kernel.Arg{Col: src, Const: a.Const}
		}
		if t == types.Dynamic {
			t = src.Type
		}
		out := newFilled(t, n)
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				out.Nulls.Set(i)
				continue
			}
			switch {
			case op == "not":
				out.Ints[i] = 1 - a.Int(i)
			case src.Type.Physical() == types.PhysReal:
				out.Reals[i] = -a.Real(i)
			case src.Type == types.Int:
				out.Ints[i] = int64(int32(-a.Int(i)))
			default:
				out.Ints[i] = -a.Int(i)
			}
		}
		return kernel.Arg{Col: out, Const: allConst}, nil
	}, nil
}

// newFilled returns a column of n zero, non-null rows.
func newFilled(t types.Type, n int) *types.Column {
	c := &types.Column{Type: t}
	switch t.Physical() {
	case types.PhysInt:
		c.Ints = make([]int64, n)
	case types.PhysReal:
		c.Reals = make([]float64, n)
	case types.PhysStr:
		c.Strs = make([]string, n)
	case types.PhysDyn:
		c.Dyns = make([]any, n)
	}
	return c
}

// broadcast returns a as a full column of n rows.
func broadcast(a kernel.Arg, n int) *types.Column {
	if !a.Const || n == 1 && a.Col.Len() == 1 {
		return a.Col
	}
	idx := make([]int, n)
	return a.Col.Gather(idx)
}

func (ctx *Context) compileBetween(x *sema.Between) (evalFn, error) {
	xf, err := ctx.compileExpr(x.X)
	if err != nil {
		return nil, err
	}
	lof, err := ctx.compileExpr(x.Lo)
	if err != nil {
		return nil, err
	}
	hif, err := ctx.compileExpr(x.Hi)
	if err != nil {
		return nil, err
	}
	relative := x.X.Type() == types.DateTime && x.Hi.Type() == types.TimeSpan
	not := x.Not
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		xa, err := xf(ctx, b)
		if err != nil {
			return xa, err
		}
		lo, err := lof(ctx, b)
		if err != nil {
			return lo, err
		}
		hi, err := hif(ctx, b)
		if err != nil {
			return hi, err
		}
		if relative {
			hi, err = arith(ctx, "+", lo, hi, types.DateTime, b)
			if err != nil {
				return hi, err
			}
		}
		ge, err := compare(ctx, ">=", xa, lo, b)
		if err != nil {
			return ge, err
		}
		le, err := compare(ctx, "<=", xa, hi, b)
		if err != nil {
			return le, err
		}
		res := logical("and", ge, le, b)
		if not {
			n, _ := rows(b, res)
			for i := 0; i < n; i++ {
				res.Col.Ints[i] = 1 - res.Col.Ints[i]
			}
		}
		return res, nil
	}, nil
}

func (ctx *Context) compileBinary(x *sema.Binary) (evalFn, error) {
	xf, err := ctx.compileExpr(x.X)
	if err != nil {
		return nil, err
	}
	yf, err := ctx.compileExpr(x.Y)
	if err != nil {
		return nil, err
	}
	op, t := x.Op, x.T
	sp := x.Span()
	switch op {
	case "and", "or":
		return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
			l, err := xf(ctx, b)
			if err != nil {
				return l, err
			}
			r, err := yf(ctx, b)
			if err != nil {
				return r, err
			}
			if l.Col.Type == types.Dynamic {
				if l.Col, err = ctx.castColumn(l.Col, types.Bool); err != nil {
					return l, err
				}
			}
			if r.Col.Type == types.Dynamic {
				if r.Col, err = ctx.castColumn(r.Col, types.Bool); err != nil {
					return r, err
				}
			}
			return logical(op, l, r, b), nil
		}, nil
	case "==", "!=", "<", "<=", ">", ">=":
		return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
			l, err := xf(ctx, b)
			if err != nil {
				return l, err
			}
			r, err := yf(ctx, b)
			if err != nil {
				return r, err
			}
			res, err := compare(ctx, op, l, r, b)
			if err != nil {
				return res, &RuntimeError{Span: sp, Msg: err.Error()}
			}
			return res, nil
		}, nil
	}
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		l, err := xf(ctx, b)
		if err != nil {
			return l, err
		}
		r, err := yf(ctx, b)
		if err != nil {
			return r, err
		}
		res, err := arith(ctx, op, l, r, t, b)
		if err != nil {
			return res, &RuntimeError{Span: sp, Msg: err.Error()}
		}
		return res, nil
	}, nil
}

// logical computes three-valued and/or over bool arguments.
func logical(op string, l, r kernel.Arg, b *types.Table) kernel.Arg {
	n, allConst := rows(b, l, r)
	out := newFilled(types.Bool, n)
	and := op == "and"
	for i := 0; i < n; i++ {
		ln, rn := l.IsNull(i), r.IsNull(i)
		lv, rv := !ln && l.Int(i) != 0, !rn && r.Int(i) != 0
		if and {
			switch {
			case (!ln && !lv) || (!rn && !rv):
				// false
			case ln || rn:
				out.Nulls.Set(i)
			default:
				out.Ints[i] = 1
			}
		} else {
			switch {
			case lv || rv:
				out.Ints[i] = 1
			case ln || rn:
				out.Nulls.Set(i)
			}
		}
	}
	return kernel.Arg{Col: out, Const: allConst}
}

// unifyForCompare converts dynamic operands to the other side's type so values compare by value.
func (ctx *Context) unifyForCompare(l, r kernel.Arg) (kernel.Arg, kernel.Arg, error) {
	lt, rt := l.Col.Type, r.Col.Type
	var err error
	switch {
	case lt == types.Dynamic && rt == types.Dynamic:
		if l.Col, err = ctx.castColumn(l.Col, types.String); err != nil {
			return l, r, err
		}
		r.Col, err = ctx.castColumn(r.Col, types.String)
	case lt == types.Dynamic:
		target := rt
		if rt == types.GUID {
			target = types.String
		}
		l.Col, err = ctx.castColumn(l.Col, target)
	case rt == types.Dynamic:
		target := lt
		if lt == types.GUID {
			target = types.String
		}
		r.Col, err = ctx.castColumn(r.Col, target)
	}
	return l, r, err
}

// compare computes a comparison with Kusto's null rules: == is false and != is true when exactly one side
// is null, both are null when both sides are; ordering comparisons with a null are null.
func compare(ctx *Context, op string, l, r kernel.Arg, b *types.Table) (kernel.Arg, error) {
	l, r, err := ctx.unifyForCompare(l, r)
	if err != nil {
		return l, err
	}
	if crossTypeEquality(l.Col.Type, r.Col.Type) {
		return ctx.compareAsStrings(op, l, r, b)
	}
	n, allConst := rows(b, l, r)
	out := newFilled(types.Bool, n)
	lp, rp := l.Col.Type.Physical(), r.Col.Type.Physical()
	eqOp := op == "==" || op == "!="
	set := func(i int, c int) {
		var v bool
		switch op {
		case "==":
			v = c == 0
		case "!=":
			v = c != 0
		case "<":
			v = c < 0
		case "<=":
			v = c <= 0
		case ">":
			v = c > 0
		case ">=":
			v = c >= 0
		}
		if v {
			out.Ints[i] = 1
		}
	}
	nullCase := func(i int) bool {
		ln, rn := l.IsNull(i), r.IsNull(i)
		if !ln && !rn {
			return false
		}
		switch {
		case ln && rn:
			out.Nulls.Set(i)
		case eqOp:
			if op == "!=" {
				out.Ints[i] = 1
			}
		default:
			out.Nulls.Set(i)
		}
		return true
	}
	switch {
	case lp == types.PhysInt && rp == types.PhysInt:
		li, ri := l.Col.Ints, r.Col.Ints
		noNulls := len(l.Col.Nulls) == 0 && len(r.Col.Nulls) == 0
		if noNulls && r.Const && !l.Const {
			c := ri[0]
			for i := 0; i < n; i++ {
				set(i, cmpInt(li[i], c))
			}
			break
		}
		for i := 0; i < n; i++ {
			if nullCase(i) {
				continue
			}
			set(i, cmpInt(l.Int(i), r.Int(i)))
		}
	case (lp == types.PhysInt || lp == types.PhysReal) && (rp == types.PhysInt || rp == types.PhysReal):
		for i := 0; i < n; i++ {
			if nullCase(i) {
				continue
			}
			set(i, cmpFloat(realAt(l, i), realAt(r, i)))
		}
	case lp == types.PhysStr && rp == types.PhysStr:
		fold := l.Col.Type == types.GUID || r.Col.Type == types.GUID
		if r.Const && !l.Const && len(l.Col.Nulls) == 0 && len(r.Col.Nulls) == 0 && !fold {
			c := r.Col.Strs[0]
			ls := l.Col.Strs
			if op == "==" {
				for i := 0; i < n; i++ {
					if ls[i] == c {
						out.Ints[i] = 1
					}
				}
				break
			}
			for i := 0; i < n; i++ {
				set(i, strings.Compare(ls[i], c))
			}
			break
		}
		for i := 0; i < n; i++ {
			if nullCase(i) {
				continue
			}
			a, c := l.Str(i), r.Str(i)
			if fold {
				a, c = strings.ToLower(a), strings.ToLower(c)
			}
			set(i, strings.Compare(a, c))
		}
	default:
		return kernel.Arg{}, fmt.Errorf("cannot compare values of types %s and %s", l.Col.Type, r.Col.Type)
	}
	return kernel.Arg{Col: out, Const: allConst}, nil
}

// crossTypeEquality reports whether == or != between values of types a and b compares their string forms:
// a string against a number or a bool, the pairs across domains that sema lets bind (sema.equatable says
// why, with the documentation's evidence). ResultType == 0 is true for ResultType "0", as the SigninLogs
// sample queries count successful sign-ins, and _IsBillable == true for "true"; the number or bool side is
// compared as its tostring() form, so "04624" == 4624 and "True" == true are false (nothing public gives
// the service's result for texts that are not a tostring() form). Numbers and bools compare numerically
// (true == 1), guid and string case-insensitively, and dynamic operands were already converted to the other
// side's type.
func crossTypeEquality(a, b types.Type) bool {
	numberOrBool := func(t types.Type) bool { return t.IsNumeric() || t == types.Bool }
	return (a == types.String && numberOrBool(b)) || (numberOrBool(a) && b == types.String)
}

// compareAsStrings computes == or != between the string forms of l and r; a null operand stays null (it
// does not become the empty string), with compare's null rules.
func (ctx *Context) compareAsStrings(op string, l, r kernel.Arg, b *types.Table) (kernel.Arg, error) {
	ls, err := ctx.castColumn(l.Col, types.String)
	if err != nil {
		return l, err
	}
	rs, err := ctx.castColumn(r.Col, types.String)
	if err != nil {
		return r, err
	}
	la, ra := kernel.Arg{Col: ls, Const: l.Const}, kernel.Arg{Col: rs, Const: r.Const}
	fold := l.Col.Type == types.GUID || r.Col.Type == types.GUID
	n, allConst := rows(b, l, r)
	out := newFilled(types.Bool, n)
	for i := 0; i < n; i++ {
		ln, rn := l.IsNull(i), r.IsNull(i)
		if ln || rn {
			switch {
			case ln && rn:
				out.Nulls.Set(i)
			case op == "!=":
				out.Ints[i] = 1
			}
			continue
		}
		x, y := la.Str(i), ra.Str(i)
		eq := x == y || (fold && strings.EqualFold(x, y))
		if eq == (op == "==") {
			out.Ints[i] = 1
		}
	}
	return kernel.Arg{Col: out, Const: allConst}, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	// NaN: order it after every number, equal to itself
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	}
	return -1
}

// realAt reads row i of a numeric argument as float64.
func realAt(a kernel.Arg, i int) float64 {
	if a.Col.Type.Physical() == types.PhysReal {
		return a.Real(i)
	}
	return float64(a.Int(i))
}

// RuntimeError is an error raised while running a query, located at the expression or operator that failed.
type RuntimeError struct {
	Span source.Span
	Msg  string
}

// Error returns the message (the position is reported by the caller, which knows the source).
func (e *RuntimeError) Error() string { return e.Msg }
