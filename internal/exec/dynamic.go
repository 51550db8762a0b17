package exec

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// converters name the kernel that converts any scalar to each type.
var converters = map[types.Type]string{
	types.String: "tostring", types.Int: "toint", types.Long: "tolong", types.Real: "toreal", types.Decimal: "todecimal",
	types.Bool: "tobool", types.DateTime: "todatetime", types.TimeSpan: "totimespan", types.GUID: "toguid",
}

// castColumn converts col to type t the way the to*() functions do (dynamic keeps values as they are).
func (ctx *Context) castColumn(col *types.Column, t types.Type) (*types.Column, error) {
	if col.Type == t {
		return col, nil
	}
	n := col.Len()
	if t == types.Dynamic {
		out := newFilled(types.Dynamic, n)
		for i := 0; i < n; i++ {
			out.Dyns[i] = col.Value(i).Dynamic()
		}
		return out, nil
	}
	name, ok := converters[t]
	if !ok {
		return nil, fmt.Errorf("internal error: no conversion to %s", t)
	}
	k, ok := kernel.LookupScalar(name)
	if !ok {
		return nil, fmt.Errorf("internal error: the %s kernel is not registered", name)
	}
	return k.Eval(ctx.kernelCtx(), []kernel.Arg{{Col: col}}, n)
}

// member returns d.key (null when d is not a bag or has no such key).
func member(d any, key string) any {
	if bag, ok := d.(*types.Bag); ok {
		v, _ := bag.Get(key)
		return v
	}
	return nil
}

// element returns d[i] for an array (negative i counts from the end), or null.
func element(d any, i int64) any {
	arr, ok := d.([]any)
	if !ok {
		return nil
	}
	if i < 0 {
		i += int64(len(arr))
	}
	if i < 0 || i >= int64(len(arr)) {
		return nil
	}
	return arr[i]
}

func (ctx *Context) compileMember(x *sema.Member) (evalFn, error) {
	inner, err := ctx.compileExpr(x.X)
	if err != nil {
		return nil, err
	}
	key := x.Key
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		a, err := inner(ctx, b)
		if err != nil {
			return a, err
		}
		n, allConst := rows(b, a)
		out := newFilled(types.Dynamic, n)
		for i := 0; i < n; i++ {
			out.Dyns[i] = member(a.Dyn(i), key)
		}
		return kernel.Arg{Col: out, Const: allConst}, nil
	}, nil
}

func (ctx *Context) compileIndex(x *sema.Index) (evalFn, error) {
	inner, err := ctx.compileExpr(x.X)
	if err != nil {
		return nil, err
	}
	idxFn, err := ctx.compileExpr(x.I)
	if err != nil {
		return nil, err
	}
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		a, err := inner(ctx, b)
		if err != nil {
			return a, err
		}
		ix, err := idxFn(ctx, b)
		if err != nil {
			return ix, err
		}
		n, allConst := rows(b, a, ix)
		out := newFilled(types.Dynamic, n)
		for i := 0; i < n; i++ {
			if ix.IsNull(i) {
				continue
			}
			d := a.Dyn(i)
			switch ix.Col.Type.Physical() {
			case types.PhysInt:
				out.Dyns[i] = element(d, ix.Int(i))
			case types.PhysStr:
				out.Dyns[i] = member(d, ix.Str(i))
			case types.PhysDyn:
				switch k := ix.Dyn(i).(type) {
				case int64:
					out.Dyns[i] = element(d, k)
				case string:
					out.Dyns[i] = member(d, k)
				}
			}
		}
		return kernel.Arg{Col: out, Const: allConst}, nil
	}, nil
}

// inSet holds the values of an in-list, keyed the way the tested column compares.
type inSet struct {
	strs  map[string]bool
	nums  map[float64]bool
	ints  map[int64]bool
	fold  bool
	kind  types.Physical
	xType types.Type
	// cross holds string items of a list tested against a number or a bool: they match the value's
	// tostring() form, as == compares a string with those types (crossTypeEquality)
	cross map[string]bool
}

// setKind decides how values are compared for `x in (...)` with x of type t.
func newInSet(t types.Type, fold bool) *inSet {
	s := &inSet{fold: fold, xType: t}
	switch {
	case t == types.String || t == types.GUID || t == types.Dynamic:
		s.kind = types.PhysStr
		s.strs = map[string]bool{}
	case t == types.Real || t == types.Decimal || t == types.Int || t == types.Long:
		s.kind = types.PhysReal
		s.nums = map[float64]bool{}
	default:
		s.kind = types.PhysInt
		s.ints = map[int64]bool{}
	}
	return s
}

// add adds one list value; a dynamic array contributes its elements.
func (s *inSet) add(ctx *Context, v types.Value) {
	if v.Type == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				s.add(ctx, dynToValue(e))
			}
			return
		}
		if v.Null {
			return
		}
		s.add(ctx, dynToValue(v.D))
		return
	}
	if v.Null {
		return
	}
	switch s.kind {
	case types.PhysStr:
		str := ctx.valueString(v)
		if s.fold {
			str = strings.ToLower(str)
		}
		if s.xType == types.GUID {
			str = strings.ToLower(str)
		}
		s.strs[str] = true
	case types.PhysReal:
		switch v.Type.Physical() {
		case types.PhysInt:
			s.nums[float64(v.I)] = true
		case types.PhysReal:
			s.nums[v.F] = true
		case types.PhysStr:
			s.addCross(v.S)
		}
	default:
		switch v.Type.Physical() {
		case types.PhysInt:
			s.ints[v.I] = true
		case types.PhysStr:
			if crossTypeEquality(s.xType, types.String) {
				s.addCross(v.S)
				break
			}
			// a string element of a dynamic array tested against a datetime or timespan (sema rejects a
			// string item): converted to that type, as == converts a dynamic operand (unifyForCompare)
			col := types.NewColumn(types.Dynamic, 1)
			col.Append(types.NewDynamic(v.S))
			if conv, err := ctx.castColumn(col, s.xType); err == nil && conv.Len() == 1 && !conv.IsNull(0) {
				s.ints[conv.Ints[0]] = true
			}
		}
	}
}

func (s *inSet) addCross(str string) {
	if s.cross == nil {
		s.cross = map[string]bool{}
	}
	if s.fold {
		str = strings.ToLower(str)
	}
	s.cross[str] = true
}

// dynToValue converts a dynamic element to the typed value it holds (dynamic for arrays and bags).
func dynToValue(d any) types.Value {
	switch t := d.(type) {
	case nil:
		return types.NullOf(types.Dynamic)
	case bool:
		return types.NewBool(t)
	case int64:
		return types.NewLong(t)
	case int:
		return types.NewLong(int64(t))
	case float64:
		return types.NewReal(t)
	case string:
		return types.NewString(t)
	case types.DynDateTime:
		return types.NewDateTime(int64(t))
	case types.DynTimeSpan:
		return types.NewTimeSpan(int64(t))
	case types.DynGUID:
		return types.NewGUID(string(t))
	}
	return types.NewDynamic(d)
}

// valueString is tostring(v).
func (ctx *Context) valueString(v types.Value) string {
	if v.Type == types.String {
		return v.S
	}
	col := types.NewColumn(v.Type, 1)
	col.Append(v)
	out, err := ctx.castColumn(col, types.String)
	if err != nil || out.Len() != 1 {
		return ""
	}
	return out.Strs[0]
}

func (ctx *Context) compileIn(x *sema.In) (evalFn, error) {
	xf, err := ctx.compileExpr(x.X)
	if err != nil {
		return nil, err
	}
	negate := x.Negate
	set := newInSet(x.X.Type(), x.CaseInsensitive)
	if x.Sub != nil {
		tab, err := ctx.runToTable(x.Sub)
		if err != nil {
			return nil, err
		}
		if len(tab.Cols) > 0 {
			col := tab.Cols[0]
			for i := 0; i < col.Len(); i++ {
				set.add(ctx, col.Value(i))
			}
		}
	} else {
		for _, it := range x.Items {
			if !sema.IsConstant(it) {
				return ctx.compileInRows(x, xf)
			}
			v, err := ctx.constValue(it)
			if err != nil {
				return nil, err
			}
			set.add(ctx, v)
		}
	}
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		a, err := xf(ctx, b)
		if err != nil {
			return a, err
		}
		n, allConst := rows(b, a)
		out := newFilled(types.Bool, n)
		col := a.Col
		if set.kind == types.PhysStr && col.Type != types.String {
			if col, err = ctx.castColumn(col, types.String); err != nil {
				return a, err
			}
			if set.xType == types.GUID {
				for i := range col.Strs {
					col.Strs[i] = strings.ToLower(col.Strs[i])
				}
			}
		}
		xa := kernel.Arg{Col: col, Const: a.Const}
		var texts kernel.Arg // x as strings, for the list's string items (set.cross)
		if set.cross != nil {
			sc, err := ctx.castColumn(a.Col, types.String)
			if err != nil {
				return a, err
			}
			texts = kernel.Arg{Col: sc, Const: a.Const}
		}
		for i := 0; i < n; i++ {
			var hit bool
			switch {
			case a.IsNull(i):
				hit = false
			case set.kind == types.PhysStr:
				s := xa.Str(i)
				if set.fold {
					s = strings.ToLower(s)
				}
				hit = set.strs[s]
			case set.kind == types.PhysReal:
				hit = set.nums[realAt(xa, i)]
			default:
				hit = set.ints[xa.Int(i)]
			}
			if !hit && set.cross != nil && !a.IsNull(i) {
				t := texts.Str(i)
				if set.fold {
					t = strings.ToLower(t)
				}
				hit = set.cross[t]
			}
			if hit != negate {
				out.Ints[i] = 1
			}
		}
		return kernel.Arg{Col: out, Const: allConst}, nil
	}, nil
}

// compileInRows handles an in-list with non-constant items: each item is compared row by row.
func (ctx *Context) compileInRows(x *sema.In, xf evalFn) (evalFn, error) {
	items := make([]evalFn, len(x.Items))
	for i, it := range x.Items {
		f, err := ctx.compileExpr(it)
		if err != nil {
			return nil, err
		}
		items[i] = f
	}
	negate, fold := x.Negate, x.CaseInsensitive
	return func(ctx *Context, b *types.Table) (kernel.Arg, error) {
		a, err := xf(ctx, b)
		if err != nil {
			return a, err
		}
		n, _ := rows(b, a)
		out := newFilled(types.Bool, n)
		for _, f := range items {
			it, err := f(ctx, b)
			if err != nil {
				return it, err
			}
			l, r := a, it
			if fold {
				l.Col, _ = ctx.castColumn(l.Col, types.String)
				r.Col, _ = ctx.castColumn(r.Col, types.String)
				l.Col, r.Col = lowerColumn(l.Col), lowerColumn(r.Col)
			}
			eq, err := compare(ctx, "==", l, r, b)
			if err != nil {
				return eq, err
			}
			for i := 0; i < n; i++ {
				if !eq.IsNull(i) && eq.Int(i) != 0 {
					out.Ints[i] = 1
				}
			}
		}
		if negate {
			for i := range out.Ints {
				out.Ints[i] = 1 - out.Ints[i]
			}
		}
		return kernel.Arg{Col: out}, nil
	}, nil
}

func lowerColumn(c *types.Column) *types.Column {
	out := &types.Column{Type: c.Type, Strs: make([]string, len(c.Strs)), Nulls: c.Nulls}
	for i, s := range c.Strs {
		out.Strs[i] = strings.ToLower(s)
	}
	return out
}
