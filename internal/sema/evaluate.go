package sema

import (
	"sort"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// evaluate binds `evaluate plugin(args)`.
func (c *checker) evaluate(e env, in Node, o *syntax.EvaluateOp) Node {
	id, ok := o.Call.Fn.(*syntax.Ident)
	if !ok {
		c.errorf(o.Span(), "evaluate expects a plugin call")
		return nil
	}
	switch id.Name {
	case "bag_unpack":
		return c.bagUnpack(e, in, o)
	case "pivot":
		return c.withDeclaredSchema(c.pivot(e, in, o), o.Schema)
	case "active_users_count":
		return c.activeUsersCount(e, in, o)
	case "rows_near":
		return c.rowsNear(e, in, o)
	case "activity_counts_metrics":
		return c.activityCountsMetrics(e, in, o)
	case "rolling_percentile":
		return c.rollingPercentile(e, in, o)
	case "sliding_window_counts":
		return c.slidingWindowCounts(e, in, o)
	case "ipv4_lookup", "ipv6_lookup":
		return c.ipLookup(e, in, o, id.Name == "ipv6_lookup")
	case "geo_polygon_lookup", "geo_line_lookup":
		return c.geoLookup(e, in, o, id.Name == "geo_line_lookup")
	case "dcount_intersect":
		return c.dcountIntersect(e, in, o)
	}
	c.errorf(id.Span(), "The plugin '%s' is not supported yet", id.Name)
	return nil
}

// bagUnpack binds evaluate bag_unpack(Column [, Prefix]). Its columns are the keys found in the data: with a
// declared output schema they are those; when running, the input is computed first to find them; when only
// checking, the schema stays open.
func (c *checker) bagUnpack(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 1 || len(args) > 4 {
		c.errorf(o.Call.Span(), "The plugin 'bag_unpack' expects 1 to 4 arguments.")
		return nil
	}
	ref, isIdent := args[0].(*syntax.Ident)
	if !isIdent {
		c.errorf(args[0].Span(), "bag_unpack: the first argument must be a dynamic column")
		return nil
	}
	bag := fieldIndex(in.Schema(), ref.Name)
	if bag < 0 {
		if e.open {
			c.open[in] = true
			return in
		}
		c.errorf(ref.Span(), "Failed to resolve scalar expression named '%s'", ref.Name)
		return nil
	}
	if in.Schema()[bag].Type != types.Dynamic {
		c.errorf(ref.Span(), "bag_unpack: the column '%s' must be dynamic, got %s", ref.Name, in.Schema()[bag].Type)
		return nil
	}
	// the optional arguments, positional or named: OutputColumnPrefix, columnsConflict, ignoredProperties
	prefix := ""
	ignored := map[string]bool{}
	for i, a := range args[1:] {
		name := []string{"OutputColumnPrefix", "columnsConflict", "ignoredProperties"}[min(i, 2)]
		if n, ok := a.(*syntax.NamedExpr); ok && len(n.Names) == 1 {
			name, a = n.Names[0].Name, n.X
		}
		v := c.scalar(env{sc: e.sc}, a)
		k, isConst := v.(*Const)
		if v == nil || !isConst {
			if v != nil {
				c.errorf(a.Span(), "bag_unpack: the argument must be a constant")
			}
			return nil
		}
		switch strings.ToLower(name) {
		case "outputcolumnprefix":
			prefix = k.Val.S
		case "ignoredproperties":
			if arr, ok := k.Val.D.([]any); ok {
				for _, p := range arr {
					if s, ok := p.(string); ok {
						ignored[s] = true
					}
				}
			}
		}
	}
	x := &BagUnpack{In: in, Bag: bag}
	taken := map[string]bool{}
	var fields []types.Field
	for i, f := range in.Schema() {
		if i != bag {
			x.Keep = append(x.Keep, i)
			fields = append(fields, f)
			taken[f.Name] = true
		}
	}
	switch {
	case o.Schema != nil && len(o.Schema.Columns) > 0:
		// the declared schema: its columns are taken from the bag (input columns listed again are kept as they are)
		if !o.Schema.Star {
			x.Keep, fields = nil, nil
			for _, cd := range o.Schema.Columns {
				if i := fieldIndex(in.Schema(), cd.Name.Name); i >= 0 && i != bag {
					x.Keep = append(x.Keep, i)
					fields = append(fields, in.Schema()[i])
				}
			}
		}
		for _, cd := range o.Schema.Columns {
			if fieldIndex(fields, cd.Name.Name) >= 0 {
				continue
			}
			t := types.Dynamic
			if cd.Type != nil {
				t = cd.Type.Type
			}
			x.Keys = append(x.Keys, cd.Name.Name)
			fields = append(fields, types.Field{Name: cd.Name.Name, Type: t})
		}
	case c.probe != nil:
		tab, err := c.probe(in)
		if err != nil {
			c.errorf(o.Span(), "bag_unpack: computing the input to find its keys: %v", err)
			return nil
		}
		keys, kinds := bagKeys(tab.Cols[bag])
		sort.Strings(keys) // Kusto orders the new columns by name
		for _, k := range keys {
			if ignored[k] {
				continue
			}
			name := uniqueName(taken, prefix+k)
			taken[name] = true
			x.Keys = append(x.Keys, k)
			fields = append(fields, types.Field{Name: name, Type: kinds[k]})
		}
		x.In = &Values{schema{in.Schema(), in.Span()}, tab}
	default:
		c.open[x] = true
	}
	x.schema = schema{fields, o.Span()}
	return x
}

// bagKeys returns the keys of the bags in col in order of first appearance, with the type of each: the
// common scalar type of its values, or dynamic.
func bagKeys(col *types.Column) ([]string, map[string]types.Type) {
	var keys []string
	kinds := map[string]types.Type{}
	for _, d := range col.Dyns {
		b, ok := d.(*types.Bag)
		if !ok {
			continue
		}
		for _, k := range b.Keys {
			t := dynKind(b.Vals[k])
			prev, seen := kinds[k]
			switch {
			case !seen:
				keys = append(keys, k)
				kinds[k] = t
			case t == types.Unknown || prev == t:
			case prev == types.Unknown:
				kinds[k] = t
			case prev == types.Long && t == types.Real, prev == types.Real && t == types.Long:
				kinds[k] = types.Real
			default:
				kinds[k] = types.Dynamic
			}
		}
	}
	for k, t := range kinds {
		if t == types.Unknown {
			kinds[k] = types.Dynamic
		}
	}
	return keys, kinds
}

// dynKind is the KQL type of a dynamic scalar (Unknown for null, dynamic for arrays and bags).
func dynKind(d any) types.Type {
	switch d.(type) {
	case nil:
		return types.Unknown
	case bool:
		return types.Bool
	case int64, int:
		return types.Long
	case float64:
		return types.Real
	case string:
		return types.String
	case types.DynDateTime:
		return types.DateTime
	case types.DynTimeSpan:
		return types.TimeSpan
	case types.DynGUID:
		return types.GUID
	}
	return types.Dynamic
}

// pivot binds evaluate pivot(PivotColumn [, Aggregate] [, GroupColumn, ...]). The output columns are the
// group columns, then one per distinct value of the pivot column (sorted), found by running the input.
func (c *checker) pivot(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 1 {
		c.errorf(o.Call.Span(), "The plugin 'pivot' expects at least 1 argument.")
		return nil
	}
	sch := in.Schema()
	pid, ok := args[0].(*syntax.Ident)
	if !ok || fieldIndex(sch, pid.Name) < 0 {
		if ok && e.open {
			c.open[in] = true
			return in
		}
		c.errorf(args[0].Span(), "pivot: the first argument must be a column of the input")
		return nil
	}
	x := &Pivot{In: in, PivotCol: fieldIndex(sch, pid.Name)}
	rest := args[1:]
	aggregated := map[int]bool{}
	if len(rest) > 0 {
		if call, name, agg := unwrapAggCall(rest[0]); call != nil {
			ac, _ := c.aggCall(e, call, name, agg, nil)
			if ac == nil {
				return nil
			}
			x.Agg = ac
			for _, a := range ac.Args {
				WalkExpr(a, func(y Expr) {
					if r, ok := y.(*ColRef); ok {
						aggregated[r.Index] = true
					}
				})
			}
			rest = rest[1:]
		}
	}
	if x.Agg == nil {
		agg, _ := lookupAggregate("count")
		if agg == nil {
			c.errorf(o.Call.Span(), "pivot: the count() aggregate is not available")
			return nil
		}
		outs, err := agg.Results(nil)
		if err != nil || len(outs) == 0 {
			c.errorf(o.Call.Span(), "pivot: count(): %v", err)
			return nil
		}
		x.Agg = &AggCall{Sp: o.Call.Span(), Name: "count", Aggregate: agg, Out: outs}
	}
	var fields []types.Field
	if len(rest) > 0 {
		for _, g := range rest {
			id, ok := g.(*syntax.Ident)
			if !ok || fieldIndex(sch, id.Name) < 0 {
				c.errorf(g.Span(), "pivot: a group column of the input was expected")
				return nil
			}
			x.Group = append(x.Group, fieldIndex(sch, id.Name))
		}
	} else {
		for i := range sch {
			if i != x.PivotCol && !aggregated[i] {
				x.Group = append(x.Group, i)
			}
		}
	}
	for _, g := range x.Group {
		if sch[g].Type == types.Dynamic {
			c.errorf(o.Span(), "pivot: the group column '%s' is dynamic; cast it first", sch[g].Name)
			return nil
		}
		fields = append(fields, sch[g])
	}
	outT := x.Agg.Out[0]
	x.Default = types.NullOf(outT)
	switch x.Agg.Name {
	case "count", "dcount", "countif", "dcountif", "sum", "sumif":
		x.Default = types.Value{Type: outT}
	}
	if c.probe == nil {
		x.schema = schema{fields, o.Span()}
		c.open[x] = true
		return x
	}
	tab, err := c.probe(in)
	if err != nil {
		c.errorf(o.Span(), "pivot: computing the input to find the pivot values: %v", err)
		return nil
	}
	x.Values = distinctTexts(tab.Cols[x.PivotCol])
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	for _, v := range x.Values {
		name := uniqueName(taken, v)
		taken[name] = true
		fields = append(fields, types.Field{Name: name, Type: outT})
	}
	x.In = &Values{schema{sch, in.Span()}, tab}
	x.schema = schema{fields, o.Span()}
	return x
}

// distinctTexts returns the distinct values of col as text, sorted.
func distinctTexts(col *types.Column) []string {
	seen := map[string]bool{}
	var out []string
	for i := 0; i < col.Len(); i++ {
		s := ValueText(col.Value(i))
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// ValueText is a simple text form of a scalar for pivot column names and keys.
func ValueText(v types.Value) string {
	if v.Null {
		return ""
	}
	switch v.Type {
	case types.String, types.GUID:
		return v.S
	case types.Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	}
	return types.FormatJSON(v.D)
}
