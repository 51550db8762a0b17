package exec

import (
	"unsafe"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// selectFn narrows sel, the ascending row numbers of b still selected, to the rows where a predicate is true.
// It compacts the survivors into sel's own storage and returns the shortened slice, so a chain of predicates
// only visits the rows the previous ones kept and no column is copied.
type selectFn func(ctx *Context, b *types.Table, sel []int) ([]int, error)

// compileSelect compiles a where predicate into a selection. Conjunctions and comparisons of a column with a
// constant (the time and equality filters of hunting rules) run as tight loops over the selected rows;
// other predicates are evaluated over the batch and folded in.
func (ctx *Context) compileSelect(pred sema.Expr) (selectFn, error) {
	if bin, ok := pred.(*sema.Binary); ok {
		if bin.Op == "and" {
			l, err := ctx.compileSelect(bin.X)
			if err != nil {
				return nil, err
			}
			r, err := ctx.compileSelect(bin.Y)
			if err != nil {
				return nil, err
			}
			return func(ctx *Context, b *types.Table, sel []int) ([]int, error) {
				sel, err := l(ctx, b, sel)
				if err != nil || len(sel) == 0 {
					return sel, err
				}
				return r(ctx, b, sel)
			}, nil
		}
		if f, ok, err := ctx.columnConstSelect(bin); ok || err != nil {
			return f, err
		}
	}
	eval, err := ctx.compileExpr(pred)
	if err != nil {
		return nil, err
	}
	return func(ctx *Context, b *types.Table, sel []int) ([]int, error) {
		a, err := eval(ctx, b)
		if err != nil {
			return nil, err
		}
		if a.Col.Type == types.Dynamic {
			if a.Col, err = ctx.castColumn(a.Col, types.Bool); err != nil {
				return nil, err
			}
		}
		j := 0
		for _, i := range sel {
			if !a.IsNull(i) && a.Int(i) != 0 {
				sel[j] = i
				j++
			}
		}
		return sel[:j], nil
	}, nil
}

// isSimpleSelect reports whether pred compiles to selections that read only their batch (conjunctions of
// column-constant comparisons), so that several batches may be filtered at once on different goroutines.
func isSimpleSelect(pred sema.Expr) bool {
	bin, ok := pred.(*sema.Binary)
	if !ok {
		return false
	}
	if bin.Op == "and" {
		return isSimpleSelect(bin.X) && isSimpleSelect(bin.Y)
	}
	_, _, ok = columnConstForm(bin)
	return ok
}

// columnConstForm recognises `col op constant` (or `constant op col`) for int-backed columns of the same type
// as the constant, and == / != on strings; it returns the column, the operator as seen from the column, and
// the constant.
func columnConstForm(bin *sema.Binary) (*sema.ColRef, string, bool) {
	op := bin.Op
	ref, isRef := bin.X.(*sema.ColRef)
	other := bin.Y
	if !isRef {
		ref, isRef = bin.Y.(*sema.ColRef)
		other = bin.X
		op = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	if !isRef || op == "" || !sema.IsConstant(other) || ref.T != other.Type() {
		return nil, "", false
	}
	if ref.T.Physical() != types.PhysInt && ref.T != types.String {
		return nil, "", false
	}
	if ref.T == types.String && op != "==" && op != "!=" {
		return nil, "", false
	}
	return ref, op, true
}

// columnConstSelect compiles the forms columnConstForm recognises.
func (ctx *Context) columnConstSelect(bin *sema.Binary) (selectFn, bool, error) {
	ref, op, ok := columnConstForm(bin)
	if !ok {
		return nil, false, nil
	}
	other := bin.Y
	if other == sema.Expr(ref) {
		other = bin.X
	}
	v, err := ctx.constValue(other)
	if err != nil {
		return nil, false, err
	}
	idx := ref.Index
	if ref.T == types.String {
		want, eq := v.S, op == "=="
		return func(_ *Context, b *types.Table, sel []int) ([]int, error) {
			return selectStrEq(b.Cols[idx].Strs, sel, want, eq), nil
		}, true, nil
	}
	if v.Null {
		// a comparison with null is never true, except != against a non-null value
		return func(_ *Context, b *types.Table, sel []int) ([]int, error) {
			col := b.Cols[idx]
			j := 0
			for _, i := range sel {
				if op == "!=" && !col.IsNull(i) {
					sel[j] = i
					j++
				}
			}
			return sel[:j], nil
		}, true, nil
	}
	c := v.I
	return func(_ *Context, b *types.Table, sel []int) ([]int, error) {
		col := b.Cols[idx]
		if col.Nulls.Any() {
			return selectIntsWithNulls(col, sel, op, c), nil
		}
		return selectInts(col.Ints, sel, op, c), nil
	}, true, nil
}

// selectStrEq keeps the rows whose string equals want (eq) or differs from it (!eq). Most strings are told
// apart by their length or their first eight bytes, compared as one word before the full comparison.
func selectStrEq(strs []string, sel []int, want string, eq bool) []int {
	wl := len(want)
	j := 0
	if wl < 8 {
		for _, i := range sel {
			sel[j] = i
			if (strs[i] == want) == eq {
				j++
			}
		}
		return sel[:j]
	}
	prefix := loadWord(want)
	for _, i := range sel {
		s := strs[i]
		same := len(s) == wl && loadWord(s) == prefix && s == want
		sel[j] = i
		if same == eq {
			j++
		}
	}
	return sel[:j]
}

// loadWord returns the first eight bytes of s (len(s) >= 8) as one word.
func loadWord(s string) uint64 {
	return *(*uint64)(unsafe.Pointer(unsafe.StringData(s)))
}

// selectInts keeps the rows where ints[i] op c, for a column without nulls: one loop per operator, without a
// branch on the operator inside.
func selectInts(ints []int64, sel []int, op string, c int64) []int {
	j := 0
	switch op {
	case "==":
		for _, i := range sel {
			sel[j] = i
			if ints[i] == c {
				j++
			}
		}
	case "!=":
		for _, i := range sel {
			sel[j] = i
			if ints[i] != c {
				j++
			}
		}
	case "<":
		for _, i := range sel {
			sel[j] = i
			if ints[i] < c {
				j++
			}
		}
	case "<=":
		for _, i := range sel {
			sel[j] = i
			if ints[i] <= c {
				j++
			}
		}
	case ">":
		for _, i := range sel {
			sel[j] = i
			if ints[i] > c {
				j++
			}
		}
	case ">=":
		for _, i := range sel {
			sel[j] = i
			if ints[i] >= c {
				j++
			}
		}
	}
	return sel[:j]
}

// selectIntsWithNulls is selectInts for a column with nulls: a null row passes only `!=`.
func selectIntsWithNulls(col *types.Column, sel []int, op string, c int64) []int {
	j := 0
	for _, i := range sel {
		var ok bool
		if col.Nulls.Get(i) {
			ok = op == "!="
		} else {
			x := col.Ints[i]
			switch op {
			case "==":
				ok = x == c
			case "!=":
				ok = x != c
			case "<":
				ok = x < c
			case "<=":
				ok = x <= c
			case ">":
				ok = x > c
			case ">=":
				ok = x >= c
			}
		}
		if ok {
			sel[j] = i
			j++
		}
	}
	return sel[:j]
}

// allRows returns 0..n-1 in buf's storage.
func allRows(buf []int, n int) []int {
	buf = grow(buf, n)
	for i := range buf {
		buf[i] = i
	}
	return buf
}

// denseSelectFn is a first predicate run over every row of b, writing the rows it keeps into buf (len(buf) is
// the row count); ok is false when it cannot (a column with nulls), and the caller selects the usual way.
type denseSelectFn func(b *types.Table, buf []int) (sel []int, ok bool)

// compileDenseSelect returns a denseSelectFn for a column-constant comparison on an int-backed or string
// column, or nil. It saves the pass that lists every row before the first predicate.
func (ctx *Context) compileDenseSelect(pred sema.Expr) denseSelectFn {
	bin, ok := pred.(*sema.Binary)
	if !ok {
		return nil
	}
	ref, op, ok := columnConstForm(bin)
	if !ok {
		return nil
	}
	other := bin.Y
	if other == sema.Expr(ref) {
		other = bin.X
	}
	v, err := ctx.constValue(other)
	if err != nil || v.Null {
		return nil
	}
	idx := ref.Index
	if ref.T == types.String {
		want, eq := v.S, op == "=="
		if len(want) < 8 {
			return nil
		}
		prefix := loadWord(want)
		return func(b *types.Table, buf []int) ([]int, bool) {
			j := 0
			for i, s := range b.Cols[idx].Strs {
				same := len(s) == len(want) && loadWord(s) == prefix && s == want
				buf[j] = i
				if same == eq {
					j++
				}
			}
			return buf[:j], true
		}
	}
	if op != ">=" && op != "<" {
		return nil // the time filters of hunting rules; other operators take the usual way
	}
	c := v.I
	return func(b *types.Table, buf []int) ([]int, bool) {
		col := b.Cols[idx]
		if col.Nulls.Any() {
			return nil, false
		}
		j := 0
		if op == ">=" {
			for i, x := range col.Ints {
				buf[j] = i
				if x >= c {
					j++
				}
			}
		} else {
			for i, x := range col.Ints {
				buf[j] = i
				if x < c {
					j++
				}
			}
		}
		return buf[:j], true
	}
}
