package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// aggCtx collects the aggregates of one summarize while its aggregate expressions are bound. Expressions
// over aggregates (`max(a) - min(a)`) become projections over the group columns and aggregate outputs.
type aggCtx struct {
	rowEnv  env           // the input row, for aggregate arguments
	groups  []types.Field // the group columns: the start of the post-aggregation schema
	aggs    []*AggCall
	outs    []types.Type // every aggregate output, in order, after the group columns
	outName []string     // suggested names of those outputs
}

// postIndex returns the index in the post-aggregation schema of output j of the next aggregate.
func (a *aggCtx) postIndex() int { return len(a.groups) + len(a.outs) }

func (a *aggCtx) groupColumn(c *checker, id *syntax.Ident) Expr {
	if i := fieldIndex(a.groups, id.Name); i >= 0 {
		return &ColRef{spanned{id.Span()}, i, id.Name, a.groups[i].Type}
	}
	if b := a.rowEnv.sc.lookup(id.Name); b != nil && b.kind == bindScalar && fieldIndex(a.rowEnv.row, id.Name) < 0 {
		return b.scalar
	}
	if fieldIndex(a.rowEnv.row, id.Name) >= 0 {
		c.errorf(id.Span(), "The column '%s' must be aggregated or be a group-by column of summarize", id.Name)
		return nil
	}
	c.errorf(id.Span(), "Failed to resolve scalar expression named '%s'", id.Name)
	return nil
}

// aggregate binds one aggregate call and returns a reference to its first output.
func (a *aggCtx) aggregate(c *checker, call *syntax.CallExpr, name string, agg *kernel.Aggregate) Expr {
	ac, names := c.aggCall(a.rowEnv, call, name, agg, a.groups)
	if ac == nil {
		return nil
	}
	first := a.postIndex()
	a.aggs = append(a.aggs, ac)
	a.outs = append(a.outs, ac.Out...)
	a.outName = append(a.outName, names...)
	return &ColRef{spanned{callSpan(call)}, first, names[0], ac.Out[0]}
}

// aggCall binds an aggregate's arguments over the input row and returns it with the default names of its
// outputs. A `*` argument (arg_max(ts, *)) expands to every input column not already named and not a group column.
func (c *checker) aggCall(e env, call *syntax.CallExpr, name string, agg *kernel.Aggregate, groups []types.Field) (*AggCall, []string) {
	call = withoutArgumentNames(call)
	var args []Expr
	var synArgs []syntax.Expr
	var argNames []string
	ok := true
	for i, a := range call.Args {
		if _, star := a.(*syntax.StarExpr); star {
			if name == "count" || name == "dcount" && len(call.Args) == 1 {
				continue // count(*) is count()
			}
			used := map[string]bool{}
			for _, g := range groups {
				used[g.Name] = true
			}
			for _, n := range argNames {
				used[n] = true
			}
			for j, f := range e.row {
				if used[f.Name] {
					continue
				}
				args = append(args, &ColRef{spanned{a.Span()}, j, f.Name, f.Type})
				synArgs = append(synArgs, a)
				argNames = append(argNames, f.Name)
			}
			continue
		}
		x := c.scalar(e, a)
		if x == nil {
			ok = false
			continue
		}
		args = append(args, x)
		synArgs = append(synArgs, call.Args[i])
		argNames = append(argNames, derivedName(a))
	}
	if !ok {
		return nil, nil
	}
	if err := kernel.CheckArity(name, agg.MinArgs, agg.MaxArgs, len(args)); err != nil {
		c.errorf(callSpan(call), "%s", err.Error())
		return nil, nil
	}
	infos := argInfos(args, synArgs)
	outs, err := agg.Results(infos)
	if err != nil {
		at := callSpan(call)
		if ae, ok := err.(*kernel.ArgError); ok && ae.Index >= 0 && ae.Index < len(args) {
			at = args[ae.Index].Span()
		}
		c.errorf(at, "%s", err.Error())
		return nil, nil
	}
	if len(outs) == 0 {
		c.errorf(callSpan(call), "The aggregate '%s' has no result", name)
		return nil, nil
	}
	names := make([]string, len(outs))
	if agg.OutputNames != nil {
		// percentiles(x, 50, 95) → percentile_x_50, percentile_x_95: the kernel knows its constant arguments
		if given := agg.OutputNames(infos, argNames); len(given) == len(outs) {
			copy(names, given)
			return &AggCall{Sp: callSpan(call), Name: name, Aggregate: agg, Args: args, Infos: infos, Out: outs}, names
		}
	}
	if len(outs) == 1 {
		names[0] = agg.DefaultName(argNames)
	} else {
		// arg_max(ts, a, b) and the like: outputs are named after their arguments
		for i := range outs {
			n := ""
			if i < len(argNames) {
				n = argNames[i]
			}
			if n == "" {
				n = agg.DefaultName(argNames)
			}
			names[i] = n
		}
	}
	return &AggCall{Sp: callSpan(call), Name: name, Aggregate: agg, Args: args, Infos: infos, Out: outs}, names
}

// unwrapAggCall returns the aggregate call x is (through parentheses), or nil.
func unwrapAggCall(x syntax.Expr) (*syntax.CallExpr, string, *kernel.Aggregate) {
	for {
		p, ok := x.(*syntax.ParenExpr)
		if !ok {
			break
		}
		x = p.X
	}
	call, ok := x.(*syntax.CallExpr)
	if !ok {
		return nil, "", nil
	}
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		return nil, "", nil
	}
	agg, ok := kernel.LookupAggregate(id.Name)
	if !ok {
		return nil, "", nil
	}
	return call, id.Name, agg
}

// splitNamed returns the names and the expression of a possibly named argument.
func splitNamed(x syntax.Expr) ([]*syntax.Ident, syntax.Expr) {
	if n, ok := x.(*syntax.NamedExpr); ok {
		return n.Names, n.X
	}
	return nil, x
}

// derivedName is the column name Kusto gives an unnamed expression that is a column or a path into one:
// `c` → c, `d.a.b` → d_a_b, `d["k"]` → d_k. It returns "" for other expressions.
func derivedName(x syntax.Expr) string {
	switch t := x.(type) {
	case *syntax.Ident:
		if t.Name == "$left" || t.Name == "$right" {
			return ""
		}
		return t.Name
	case *syntax.ParenExpr:
		return derivedName(t.X)
	case *syntax.MemberExpr:
		if id, ok := t.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return t.Name.Name
		}
		if p := pathBaseName(t.X); p != "" {
			return p + "_" + t.Name.Name
		}
	case *syntax.IndexExpr:
		p := pathBaseName(t.X)
		if lit, ok := t.Index.(*syntax.Literal); ok && p != "" {
			switch {
			case lit.Value.Type == types.String:
				return p + "_" + lit.Value.S
			case lit.Value.Type.IsIntegral():
				return p + "_" + lit.Raw
			}
		}
	}
	return ""
}

// pathBaseName is the name of the left side of a path (x in x.a or x[0]): a column path's name, or through a
// function that names its result after its first argument, that argument's name (parse_json(d)[0].a is
// d_0_a, as Kusto.Language's GetExpressionResultName gives it).
func pathBaseName(x syntax.Expr) string {
	if n := derivedName(x); n != "" {
		return n
	}
	switch t := x.(type) {
	case *syntax.ParenExpr:
		return pathBaseName(t.X)
	case *syntax.NamedExpr:
		if len(t.Names) == 1 {
			return t.Names[0].Name
		}
	case *syntax.CallExpr:
		if id, ok := t.Fn.(*syntax.Ident); ok && namesAfterFirstArgument(id.Name, len(t.Args)) {
			return pathBaseName(t.Args[0])
		}
	}
	return ""
}

// groupName is the name of an unnamed summarize group expression: a column path keeps its name, and so does
// a function over one (bin(Timestamp, 1h) is Timestamp, tostring(d.a) is d_a).
func groupName(x syntax.Expr) string {
	if n := derivedName(x); n != "" {
		return n
	}
	if call, ok := x.(*syntax.CallExpr); ok && len(call.Args) > 0 {
		return groupName(call.Args[0])
	}
	if p, ok := x.(*syntax.ParenExpr); ok {
		return groupName(p.X)
	}
	if n, ok := x.(*syntax.NamedExpr); ok && len(n.Names) == 1 {
		return n.Names[0].Name // bin(Hour = Timestamp, 1h) groups as Hour
	}
	return ""
}

// summarizeParts binds the group and aggregate expressions shared by summarize and make-series.
type boundGroups struct {
	exprs  []Expr
	fields []types.Field
}

func (c *checker) groups(e env, by []syntax.Expr, taken map[string]bool, op string) (*boundGroups, bool) {
	g := &boundGroups{}
	ok := true
	col := 1
	for _, b := range by {
		names, x := splitNamed(b)
		v := c.scalar(e, x)
		if v == nil {
			ok = false
			continue
		}
		if k, isConst := v.(*Const); isConst && e.open && k.Val.Type == types.Dynamic && k.Val.Null {
			v = &Const{k.spanned, types.NewString("")} // a column only known when running (open schema)
		}
		if v.Type() == types.Dynamic {
			c.errorf(x.Span(), "%s: the group-by key '%s' is of a 'dynamic' type; please use an explicit cast, for example: by tostring(%s)",
				op, c.text(x.Span()), c.text(x.Span()))
			ok = false
			continue
		}
		name := ""
		if len(names) > 0 {
			name = names[0].Name
		} else {
			name = groupName(x)
		}
		if name == "" {
			for taken["Column"+itoa(col)] {
				col++
			}
			name = "Column" + itoa(col)
		}
		name = uniqueName(taken, name)
		taken[name] = true
		g.exprs = append(g.exprs, v)
		g.fields = append(g.fields, types.Field{Name: name, Type: v.Type()})
	}
	return g, ok
}

func lookupAggregate(name string) (*kernel.Aggregate, bool) { return kernel.LookupAggregate(name) }
