package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

var joinKinds = map[string]JoinKind{
	"innerunique": JoinInnerUnique, "inner": JoinInner, "leftouter": JoinLeftOuter, "rightouter": JoinRightOuter,
	"fullouter": JoinFullOuter, "leftanti": JoinLeftAnti, "anti": JoinLeftAnti, "leftantisemi": JoinLeftAnti,
	"rightanti": JoinRightAnti, "rightantisemi": JoinRightAnti, "leftsemi": JoinLeftSemi, "rightsemi": JoinRightSemi,
}

// join binds join (lookup=false) and lookup (lookup=true).
func (c *checker) join(e env, left Node, params []*syntax.OpParam, rightX syntax.Expr, on []syntax.Expr, lookup bool, sp source.Span) Node {
	kind := JoinInnerUnique
	if lookup {
		kind = JoinLeftOuter
	}
	for _, p := range params {
		if !strings.EqualFold(p.Name, "kind") {
			continue // hints do not change results
		}
		id, ok := p.Value.(*syntax.Ident)
		k, known := JoinKind(""), false
		if ok {
			k, known = joinKinds[strings.ToLower(id.Name)]
		}
		if !known || (lookup && k != JoinLeftOuter && k != JoinInner) {
			c.errorf(p.Span(), "Unknown join kind '%s'", c.text(p.Value.Span()))
			return nil
		}
		kind = k
	}
	right := c.tabular(env{sc: e.sc}, rightX)
	if right == nil {
		return nil
	}
	ls, rs := left.Schema(), right.Schema()
	var lk, rk []int
	ok := true
	var addKey func(x syntax.Expr)
	addKey = func(x syntax.Expr) {
		switch t := x.(type) {
		case *syntax.ParenExpr:
			addKey(t.X)
		case *syntax.ListExpr:
			for _, it := range t.Items {
				addKey(it)
			}
		case *syntax.Ident:
			li, ri := fieldIndex(ls, t.Name), fieldIndex(rs, t.Name)
			if li < 0 || ri < 0 {
				c.errorf(t.Span(), "join: the key '%s' must be a column of both sides", t.Name)
				ok = false
				return
			}
			if lt, rt := ls[li].Type, rs[ri].Type; !joinKeysConsistent(lt, rt) {
				c.errorf(t.Span(), "The common column '%s' must have the same type on both sides of the join.", t.Name)
				ok = false
				return
			}
			lk, rk = append(lk, li), append(rk, ri)
		case *syntax.BinaryExpr:
			switch strings.ToLower(t.Op) {
			case "and":
				addKey(t.X)
				addKey(t.Y)
				return
			case "==":
				a, as := sideColumn(t.X)
				b, bs := sideColumn(t.Y)
				if as == "$right" && bs == "$left" {
					a, as, b, bs = b, bs, a, as
				}
				if as != "$left" || bs != "$right" {
					c.errorf(t.Span(), "join: an equality key must compare $left.Column with $right.Column")
					ok = false
					return
				}
				li, ri := fieldIndex(ls, a.Name), fieldIndex(rs, b.Name)
				if li < 0 {
					c.errorf(a.Span(), "Failed to resolve column '%s' on the left side of the join", a.Name)
					ok = false
				}
				if ri < 0 {
					c.errorf(b.Span(), "Failed to resolve column '%s' on the right side of the join", b.Name)
					ok = false
				}
				if li >= 0 && ri >= 0 {
					if lt, rt := ls[li].Type, rs[ri].Type; !joinKeysConsistent(lt, rt) {
						c.errorf(t.Span(), "Inconsistent data types for join keys: (%s, %s)", lt, rt)
						ok = false
						return
					}
					lk, rk = append(lk, li), append(rk, ri)
				}
				return
			}
			c.errorf(t.Span(), "join: only equality keys are supported")
			ok = false
		default:
			c.errorf(x.Span(), "join: a key column or $left.a == $right.b was expected")
			ok = false
		}
	}
	for _, x := range on {
		addKey(x)
	}
	if len(on) == 0 {
		c.errorf(sp, "join needs an on-clause")
		return nil
	}
	if !ok {
		return nil
	}
	j := &Join{Left: left, Right: right, Kind: kind, LeftKeys: lk, RightKeys: rk}
	j.Sp = sp
	switch kind {
	case JoinLeftSemi, JoinLeftAnti:
		j.Fields = ls
		return j
	case JoinRightSemi, JoinRightAnti:
		j.Fields = rs
		return j
	}
	taken := map[string]bool{}
	fields := append([]types.Field(nil), ls...)
	for _, f := range ls {
		taken[f.Name] = true
	}
	dropped := map[int]bool{}
	if lookup {
		for i, r := range rk {
			if rs[r].Name == ls[lk[i]].Name {
				dropped[r] = true
			}
		}
	}
	for i, f := range rs {
		if dropped[i] {
			continue
		}
		name := uniqueName(taken, f.Name)
		taken[name] = true
		fields = append(fields, types.Field{Name: name, Type: f.Type})
		j.RightOut = append(j.RightOut, i)
	}
	j.Fields = fields
	return j
}

// joinKeysConsistent reports whether $left.a == $right.b may join columns of types l and r: Kusto.Language's
// on-clause check (Binder_NodeBinder.cs CheckJoinOnKeysComparable, KS242, synced from the service in
// 2024) wants one type after promoting int to long, so a long never joins a real, a bool or a string the way
// == would compare them (1 == true is true, but $left.a == $right.b of those types is an error). A key named
// alone (on Id) gets the same rule, with KS227's message ("The common column 'Id' must have the same type on
// both sides of the join."): the join page gives on Id as the form of $left.Id == $right.Id for a name both
// sides have. (Kusto.Language's CheckCommonColumn compares the types without the promotion, so it also
// reports an int k against a long k; kqlhunt joins those, as the equality form does.)
func joinKeysConsistent(l, r types.Type) bool {
	if l == types.Unknown || r == types.Unknown {
		return true
	}
	promote := func(t types.Type) types.Type {
		if t == types.Int {
			return types.Long
		}
		return t
	}
	return promote(l) == promote(r)
}

// sideColumn splits `$left.a` into (a, "$left").
func sideColumn(x syntax.Expr) (*syntax.Ident, string) {
	m, ok := x.(*syntax.MemberExpr)
	if !ok {
		return nil, ""
	}
	id, ok := m.X.(*syntax.Ident)
	if !ok {
		return nil, ""
	}
	return m.Name, id.Name
}

func (c *checker) mvExpand(e env, in Node, o *syntax.MvExpandOp) Node {
	bagArray := false
	itemIndex := ""
	for _, p := range o.Params {
		switch strings.ToLower(p.Name) {
		case "bagexpansion", "kind":
			if id, ok := p.Value.(*syntax.Ident); ok && strings.EqualFold(id.Name, "array") {
				bagArray = true
			}
		case "with_itemindex":
			if id, ok := p.Value.(*syntax.Ident); ok {
				itemIndex = id.Name
			}
		}
	}
	// expressions that are not plain columns are extended first, then expanded by name; an unnamed one gets
	// the name extend would give it (parse_json(Parameters) is Parameters), fixed here so both agree
	var extra []syntax.Expr
	colNames := make([]string, len(o.Columns))
	taken := map[string]bool{}
	for _, f := range in.Schema() {
		taken[f.Name] = true
	}
	next := 1
	for k, col := range o.Columns {
		names, x := splitNamed(col.X)
		if id, isIdent := x.(*syntax.Ident); isIdent && len(names) == 0 {
			colNames[k] = id.Name
			continue
		}
		name := ""
		if len(names) > 0 {
			name = names[0].Name
		} else if name = derivedName(x); name == "" {
			if name = namedFirstArgument(x); name == "" {
				name = functionColumnName(e, x, taken, true, len(in.Schema()), in.Schema())
			}
		}
		if name == "" {
			for taken["Column"+itoa(next)] {
				next++
			}
			name = "Column" + itoa(next)
		}
		taken[name] = true
		colNames[k] = name
		extra = append(extra, &syntax.NamedExpr{Base: syntax.Base{Sp: col.X.Span()}, Names: []*syntax.Ident{{Base: syntax.Base{Sp: col.X.Span()}, Name: name}}, X: x})
	}
	src := in
	if len(extra) > 0 {
		src = c.project(e, in, extra, true, o.Span())
		if src == nil {
			return nil
		}
	}
	src = c.parseStringTargets(src, o.Columns, o.Span())
	sch := append([]types.Field(nil), src.Schema()...)
	var cols []int
	var tos []types.Type
	ok := true
	for k, mc := range o.Columns {
		name := colNames[k]
		i := fieldIndex(sch, name)
		if i < 0 {
			c.errorf(mc.Span(), "Failed to resolve scalar expression named '%s'", name)
			ok = false
			continue
		}
		if sch[i].Type != types.Dynamic {
			c.errorf(mc.Span(), "mv-expand: the column '%s' must be dynamic, got %s", name, sch[i].Type)
			ok = false
			continue
		}
		to := types.Dynamic
		if mc.To != nil {
			to = mc.To.Type
		}
		sch[i].Type = to
		cols = append(cols, i)
		tos = append(tos, to)
	}
	var limit Expr
	if o.Limit != nil {
		limit = c.count(e, o.Limit)
		ok = ok && limit != nil
	}
	if !ok {
		return nil
	}
	if itemIndex != "" {
		sch = append(sch, types.Field{Name: itemIndex, Type: types.Long})
	}
	return &MvExpand{schema: schema{sch, o.Span()}, In: src, Cols: cols, To: tos, Limit: limit, ItemIndex: itemIndex != "", BagArray: bagArray}
}

func (c *checker) parse(e env, in Node, o *syntax.ParseOp) Node {
	srcX := c.scalar(e, o.Source)
	if srcX == nil {
		return nil
	}
	regex, relaxed := false, false
	flags := ""
	for _, p := range o.Params {
		if strings.EqualFold(p.Name, "kind") {
			if id, ok := p.Value.(*syntax.Ident); ok && strings.EqualFold(id.Name, "regex") {
				regex = true
			}
			if id, ok := p.Value.(*syntax.Ident); ok && strings.EqualFold(id.Name, "relaxed") {
				relaxed = true
			}
		}
		if strings.EqualFold(p.Name, "flags") {
			flags = c.propertyText(p.Value)
			if strings.Trim(flags, "Uims") != "" {
				c.errorf(p.Span(), "parse: unsupported regex flags '%s' (U, i, m and s are supported)", flags)
				return nil
			}
		}
	}
	fields := append([]types.Field(nil), in.Schema()...)
	var parts []ParseField
	var outputs []int
	for _, p := range o.Pattern {
		switch {
		case p.Literal != nil:
			s := p.Literal.Value.S
			if p.Literal.Value.Type != types.String {
				s = p.Literal.Raw
			}
			parts = append(parts, ParseField{Literal: s, Column: -1})
		case p.Star:
			parts = append(parts, ParseField{Star: true, Column: -1})
		case p.Column != nil:
			t := types.String
			if p.Column.Type != nil {
				t = p.Column.Type.Type
			}
			name := p.Column.Name.Name
			idx := fieldIndex(fields, name)
			if idx < 0 {
				idx = len(fields)
				fields = append(fields, types.Field{Name: name, Type: t})
			} else {
				fields[idx].Type = t
			}
			outputs = append(outputs, idx)
			parts = append(parts, ParseField{Column: idx, Type: t})
		}
	}
	return &Parse{schema: schema{fields, o.Span()}, In: in, Source: srcX, Parts: parts, Regex: regex, Flags: flags, Where: o.Where,
		Relaxed: relaxed, NumInput: len(in.Schema()), Outputs: outputs}
}

func (c *checker) mvApply(e env, in Node, o *syntax.MvApplyOp) Node {
	re := e.withRow(in.Schema())
	itemIndex := ""
	for _, p := range o.Params {
		if strings.EqualFold(p.Name, "with_itemindex") {
			if id, ok := p.Value.(*syntax.Ident); ok {
				itemIndex = id.Name
			}
		}
	}
	sch := in.Schema()
	expanded := map[int]bool{}
	var exprs []Expr
	var tos []types.Type
	var subFields []types.Field
	ok := true
	for k, it := range o.Items {
		names, x := splitNamed(it.X)
		v := c.scalar(re, x)
		if v == nil {
			ok = false
			continue
		}
		if v.Type() != types.Dynamic {
			c.errorf(x.Span(), "mv-apply: the expression to expand must be dynamic, got %s", v.Type())
			ok = false
			continue
		}
		name := derivedName(x)
		if len(names) > 0 {
			name = names[0].Name
		}
		if ref, isRef := v.(*ColRef); isRef && len(names) == 0 {
			expanded[ref.Index] = true
		}
		if name == "" {
			name = "Column" + itoa(k+1)
		}
		to := types.Dynamic
		if it.To != nil {
			to = it.To.Type
		}
		exprs = append(exprs, v)
		tos = append(tos, to)
		subFields = append(subFields, types.Field{Name: name, Type: to})
	}
	var limit Expr
	if o.Limit != nil {
		limit = c.count(e, o.Limit)
		ok = ok && limit != nil
	}
	if !ok {
		return nil
	}
	var keep []int
	var inputFields []types.Field
	for i, f := range sch {
		if expanded[i] || fieldIndex(subFields, f.Name) >= 0 {
			continue
		}
		keep = append(keep, i)
		inputFields = append(inputFields, f)
	}
	inputFields = append(inputFields, subFields...)
	if itemIndex != "" {
		inputFields = append(inputFields, types.Field{Name: itemIndex, Type: types.Long})
	}
	input := &ApplyInput{schema{inputFields, o.Span()}}
	sub := c.tabular(env{sc: e.sc, implicit: input}, o.Body)
	if sub == nil {
		return nil
	}
	// the row's columns the subquery did not return are added in front of its columns
	var extra []int
	var fields []types.Field
	for _, i := range keep {
		if fieldIndex(sub.Schema(), sch[i].Name) < 0 {
			extra = append(extra, i)
			fields = append(fields, sch[i])
		}
	}
	fields = append(fields, sub.Schema()...)
	return &MvApply{schema: schema{fields, o.Span()}, In: in, Exprs: exprs, To: tos, ItemIndex: itemIndex != "", Limit: limit,
		Keep: keep, Input: input, Sub: sub, Extra: extra}
}

// parseStringTargets replaces string columns that mv-expand expands by the dynamic value of their JSON text
// (exports and schemas type some JSON columns, such as AdditionalFields, as string).
func (c *checker) parseStringTargets(src Node, targets []*syntax.MvExpandColumn, sp source.Span) Node {
	sch := src.Schema()
	exprs := make([]Expr, len(sch))
	fields := append([]types.Field(nil), sch...)
	changed := false
	for i, f := range sch {
		exprs[i] = &ColRef{spanned{sp}, i, f.Name, f.Type}
	}
	for _, mc := range targets {
		names, x := splitNamed(mc.X)
		id, isIdent := x.(*syntax.Ident)
		if !isIdent || len(names) > 0 {
			continue
		}
		if i := fieldIndex(sch, id.Name); i >= 0 && sch[i].Type == types.String {
			exprs[i] = c.jsonText(exprs[i])
			fields[i].Type = exprs[i].Type()
			changed = true
		}
	}
	if !changed {
		return src
	}
	return &Project{schema{fields, sp}, src, exprs}
}
