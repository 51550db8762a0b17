package sema

import (
	"fmt"
	"path"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// tabular binds a tabular expression; it returns nil after reporting an error.
func (c *checker) tabular(e env, x syntax.Expr) Node {
	switch t := x.(type) {
	case *syntax.ParenExpr:
		return c.tabular(e, t.X)
	case *syntax.Ident:
		return c.tableRef(e, t)
	case *syntax.PipeExpr:
		var in Node
		if t.Input != nil {
			in = c.tabular(e, t.Input)
			if in == nil {
				return nil
			}
		} else if e.implicit != nil && needsInput(t.Op) {
			in = e.implicit
		}
		return c.operator(env{sc: e.sc}, in, t.Op)
	case *syntax.CallExpr:
		return c.tabularCall(e, t)
	case *syntax.BadExpr:
		return nil
	case *syntax.MemberExpr:
		if msg := remoteSourceError(t); msg != "" {
			c.errorf(t.Span(), "%s", msg)
			return nil
		}
	}
	c.errorf(x.Span(), "A tabular expression was expected here")
	return nil
}

// remoteSourceError is the error for a table read from another service (arg("").Resources,
// cluster("c").database("d").T, workspace("w").T), or "" when m is not such a reference. These are valid
// KQL, but their data lives in the remote service.
func remoteSourceError(m *syntax.MemberExpr) string {
	if name := rootCallName(m); name != "" {
		return remoteSourceMessage(name)
	}
	return ""
}

// rootCallName is the lower-case name of the call that starts a dotted chain, or "".
func rootCallName(x syntax.Expr) string {
	for {
		switch t := x.(type) {
		case *syntax.MemberExpr:
			x = t.X
		case *syntax.CallExpr:
			if inner, ok := t.Fn.(*syntax.MemberExpr); ok {
				x = inner.X
				continue
			}
			if id, ok := t.Fn.(*syntax.Ident); ok && remoteSources[strings.ToLower(id.Name)] != "" {
				return strings.ToLower(id.Name)
			}
			return ""
		default:
			return ""
		}
	}
}

// remoteSources are the functions that name a table in another service, with the service's name.
var remoteSources = map[string]string{
	"arg": "Azure Resource Graph", "cluster": "remote Kusto cluster", "database": "remote database",
	"workspace": "remote Log Analytics workspace", "app": "Application Insights", "adx": "Azure Data Explorer",
}

func remoteSourceMessage(fn string) string {
	return fmt.Sprintf("%s() reads the %s, which needs the remote service and cannot run locally", fn, remoteSources[fn])
}

func (c *checker) tableRef(e env, id *syntax.Ident) Node {
	if b := e.sc.lookup(id.Name); b != nil {
		switch b.kind {
		case bindTabular:
			return b.tab // nil when its definition failed (already reported)
		case bindFunction:
			if len(b.fn.Params) == 0 {
				n, _ := c.callFunction(e, &syntax.CallExpr{Base: syntax.Base{Sp: id.Span()}, Fn: id}, id.Name, b)
				if n != nil {
					return n
				}
			}
			c.errorf(id.Span(), "'%s' is a function; call it with parentheses", id.Name)
			return nil
		case bindScalar:
			c.errorf(id.Span(), "'%s' is a scalar; a tabular expression was expected", id.Name)
			return nil
		}
	}
	if c.cat != nil {
		if tab, ok := c.cat.Table(id.Name); ok {
			return &Scan{schema{tab.Schema(), id.Span()}, tab}
		}
	}
	c.errorf(id.Span(), "Failed to resolve table or column expression named '%s'", id.Name)
	return nil
}

func (c *checker) tabularCall(e env, call *syntax.CallExpr) Node {
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		c.errorf(callSpan(call), "Unsupported tabular call")
		return nil
	}
	switch id.Name {
	case "materialize":
		if len(call.Args) != 1 {
			c.errorf(callSpan(call), "The function 'materialize' expects 1 argument.")
			return nil
		}
		n := c.tabular(env{sc: e.sc}, call.Args[0])
		if n == nil {
			return nil
		}
		return &Materialize{schema{n.Schema(), callSpan(call)}, n}
	case "_GetWatchlist":
		return c.watchlist(call)
	case "table":
		if len(call.Args) >= 1 {
			// a literal, or a name bound to a constant string (a let or a function's parameter)
			if x, ok := c.scalar(env{sc: e.sc}, call.Args[0]).(*Const); ok && x.Val.Type == types.String {
				return c.tableRef(e, &syntax.Ident{Base: syntax.Base{Sp: call.Args[0].Span()}, Name: x.Val.S})
			}
		}
		c.errorf(callSpan(call), "table() expects a constant table name")
		return nil
	}
	if b := e.sc.lookup(id.Name); b != nil && b.kind == bindFunction {
		n, x := c.callFunction(env{sc: e.sc}, call, id.Name, b)
		if n == nil && x != nil {
			c.errorf(callSpan(call), "Function '%s' returns a scalar; a tabular expression was expected", id.Name)
		}
		return n
	}
	if table, ok := sentinelFunctions[id.Name]; ok {
		return c.sentinelFunction(call, id.Name, table)
	}
	c.errorf(id.Span(), "Failed to resolve table or column expression named '%s'", id.Name)
	return nil
}

// sentinelFunctions maps Microsoft Sentinel's built-in functions over its health and audit tables to the table
// each returns. Sentinel's documentation asks queries to read those tables through them (azure-docs,
// articles/sentinel/monitor-analytics-rule-integrity.md: "the pre-built functions on these tables").
var sentinelFunctions = map[string]string{"_SentinelHealth": "SentinelHealth", "_SentinelAudit": "SentinelAudit"}

// sentinelFunction binds _SentinelHealth() or _SentinelAudit() to a scan of its table.
func (c *checker) sentinelFunction(call *syntax.CallExpr, name, table string) Node {
	sp := callSpan(call)
	if len(call.Args) != 0 {
		c.errorf(sp, "The function '%s' expects no arguments.", name)
		return nil
	}
	if c.cat != nil {
		if tab, ok := c.cat.Table(table); ok {
			return &Scan{schema{tab.Schema(), sp}, tab}
		}
	}
	c.errorf(sp, "Failed to resolve table or column expression named '%s': it reads the %s table, which is not loaded", name, table)
	return nil
}

// operator binds one tabular operator over in (nil for operators that start a pipeline).
func (c *checker) operator(e env, in Node, op syntax.Operator) Node {
	if n, ok := c.graphOperator(e, in, op); ok {
		return n
	}
	switch o := op.(type) {
	case *syntax.PrintOp:
		return c.print(e, o)
	case *syntax.DatatableOp:
		return c.datatable(e, o)
	case *syntax.RangeOp:
		return c.rangeOp(e, o)
	case *syntax.UnionOp:
		return c.union(e, in, o)
	case *syntax.ExternalDataOp:
		return c.externalData(e, o)
	case *syntax.SearchOp:
		return c.search(e, in, o)
	case *syntax.FindOp:
		return c.find(e, o)
	}
	if in == nil {
		c.errorf(op.Span(), "This operator needs an input table")
		return nil
	}
	re := e.withRow(in.Schema())
	re.open = c.open[in]
	n := c.rowOperator(e, re, in, op)
	if n != nil && c.open[in] {
		c.open[n] = true
	}
	return n
}

// rowOperator binds an operator that reads the input in (re is the environment of in's rows).
func (c *checker) rowOperator(e, re env, in Node, op syntax.Operator) Node {
	sp := op.Span()
	switch o := op.(type) {
	case *syntax.WhereOp:
		// row-context functions (where row_number() == n) read hidden columns dropped after the filter
		win, wre, ok := c.withRowWindows(re, in, []syntax.Expr{o.Pred})
		if !ok {
			return nil
		}
		p := c.scalar(wre, o.Pred)
		if p == nil {
			return nil
		}
		if p.Type() != types.Bool && p.Type() != types.Dynamic {
			c.errorf(o.Pred.Span(), "The where predicate must be of type bool, but it is of type %s", p.Type())
			return nil
		}
		if win != in {
			f := &Filter{schema{win.Schema(), sp}, win, p}
			return c.selectColumns(f, seq(len(in.Schema())), sp)
		}
		return &Filter{schema{in.Schema(), sp}, in, p}
	case *syntax.ProjectOp:
		return c.project(re, in, o.Columns, false, sp)
	case *syntax.ExtendOp:
		return c.project(re, in, o.Columns, true, sp)
	case *syntax.ProjectAwayOp:
		return c.projectAway(in, o.Columns, false, sp)
	case *syntax.ProjectKeepOp:
		return c.projectAway(in, o.Columns, true, sp)
	case *syntax.ProjectRenameOp:
		return c.projectRename(in, o, sp)
	case *syntax.ProjectReorderOp:
		return c.projectReorder(in, o, sp)
	case *syntax.SummarizeOp:
		return c.summarize(re, in, o.Aggs, o.By, sp)
	case *syntax.DistinctOp:
		if len(o.Columns) == 1 {
			if _, star := o.Columns[0].(*syntax.StarExpr); star {
				var cols []syntax.Expr
				for _, f := range in.Schema() {
					cols = append(cols, &syntax.Ident{Base: syntax.Base{Sp: o.Columns[0].Span()}, Name: f.Name})
				}
				return c.summarize(re, in, nil, cols, sp)
			}
		}
		return c.summarize(re, in, nil, o.Columns, sp)
	case *syntax.MakeSeriesOp:
		return c.makeSeries(re, in, o)
	case *syntax.CountOp:
		name := "Count"
		if o.As != nil {
			name = o.As.Name
		}
		return &Count{schema{[]types.Field{{Name: name, Type: types.Long}}, sp}, in}
	case *syntax.TakeOp:
		n := c.count(e, o.Count)
		if n == nil {
			return nil
		}
		return &Take{schema{in.Schema(), sp}, in, n}
	case *syntax.TopOp:
		n := c.count(e, o.Count)
		keys, ok := c.sortKeys(re, o.By)
		if n == nil || !ok {
			return nil
		}
		return &Top{schema{in.Schema(), sp}, in, n, keys}
	case *syntax.SortOp:
		keys, ok := c.sortKeys(re, o.Keys)
		if !ok {
			return nil
		}
		return &Sort{schema{in.Schema(), sp}, in, keys}
	case *syntax.JoinOp:
		return c.join(e, in, o.Params, o.Right, o.On, false, sp)
	case *syntax.LookupOp:
		return c.join(e, in, o.Params, o.Right, o.On, true, sp)
	case *syntax.MvExpandOp:
		return c.mvExpand(re, in, o)
	case *syntax.ParseOp:
		return c.parse(re, in, o)
	case *syntax.RenderOp:
		return c.render(in, o)
	case *syntax.AsOp:
		if o.Name != nil {
			e.sc.names[o.Name.Name] = &binding{kind: bindTabular, tab: in}
		}
		return in
	case *syntax.InvokeOp:
		return c.invoke(e, in, o)
	case *syntax.SerializeOp:
		if len(o.Columns) == 0 {
			return in
		}
		return c.project(re, in, o.Columns, true, sp)
	case *syntax.GetSchemaOp:
		return c.getSchema(in, sp)
	case *syntax.SampleOp:
		n := c.count(e, o.Count)
		if n == nil {
			return nil
		}
		return &Take{schema{in.Schema(), sp}, in, n}
	case *syntax.SampleDistinctOp:
		n := c.count(e, o.Count)
		d := c.summarize(re, in, nil, []syntax.Expr{o.Of}, sp)
		if n == nil || d == nil {
			return nil
		}
		return &Take{schema{d.Schema(), sp}, d, n}
	case *syntax.MvApplyOp:
		return c.mvApply(e, in, o)
	case *syntax.AssertSchemaOp:
		return in
	case *syntax.ParseKvOp:
		return c.parseKv(re, in, o)
	case *syntax.TopNestedOp:
		return c.topNested(re, in, o)
	case *syntax.PartitionOp:
		id, isIdent := o.By.(*syntax.Ident)
		if !isIdent || fieldIndex(in.Schema(), id.Name) < 0 {
			c.errorf(o.By.Span(), "partition: a column of the input was expected after by")
			return nil
		}
		input := &ApplyInput{schema{in.Schema(), sp}}
		by := fieldIndex(in.Schema(), id.Name)
		if o.Braces {
			// { SubQueryWithSource }: a query with its own source that sees only the key, as toscalar(Key)
			// (or Key): bound to the first row of the partition, evaluated once per partition
			sc := newScope(e.sc)
			key := &Project{schema{[]types.Field{in.Schema()[by]}, sp}, input, []Expr{&ColRef{spanned{sp}, by, id.Name, in.Schema()[by].Type}}}
			sc.names[id.Name] = &binding{kind: bindScalar, scalar: &ScalarSub{spanned{sp}, key, in.Schema()[by].Type}, partitionKey: true}
			sub := c.tabular(env{sc: sc}, o.Body)
			if sub == nil {
				return nil
			}
			return &Partition{schema: schema{sub.Schema(), sp}, In: in, By: by, Input: input, Sub: sub, PerPartition: true}
		}
		sub := c.tabular(env{sc: e.sc, implicit: input}, o.Body)
		if sub == nil {
			return nil
		}
		return &Partition{schema: schema{sub.Schema(), sp}, In: in, By: by, Input: input, Sub: sub}
	case *syntax.TopHittersOp:
		return c.topHitters(e, re, in, o)
	case *syntax.FacetOp:
		// facet returns one table per column (and one for its with-subquery); the primary result is the
		// first column's value counts
		if len(o.Columns) == 0 {
			c.errorf(sp, "facet needs at least one column")
			return nil
		}
		count := &syntax.CallExpr{Base: o.Base, Fn: &syntax.Ident{Base: o.Base, Name: "count"}}
		return c.summarize(re, in, []syntax.Expr{count}, o.Columns[:1], sp)
	case *syntax.ConsumeOp:
		// consume reads everything and returns nothing
		return &Take{schema{in.Schema(), sp}, in, &Const{spanned{sp}, types.NewLong(0)}}
	case *syntax.ForkOp:
		// fork returns one result per branch; the primary result is the first branch's
		if len(o.Branches) == 0 {
			c.errorf(sp, "fork needs at least one branch")
			return nil
		}
		var first Node
		for i, br := range o.Branches {
			n := c.tabular(env{sc: e.sc, implicit: in}, br.Body)
			if i == 0 {
				first = n
			}
		}
		return first
	case *syntax.GenericOp:
		switch strings.ToLower(o.Name) {
		case "serialize":
			if len(o.Args) == 0 {
				return in
			}
			return c.project(re, in, o.Args, true, sp)
		case "getschema":
			return c.getSchema(in, sp)
		case "project-by-names":
			return c.projectByNames(e, in, o, sp)
		}
		c.errorf(sp, "The operator '%s' is not supported yet", o.Name)
		return nil
	case *syntax.EvaluateOp:
		return c.evaluate(re, in, o)
	case *syntax.ScanOp:
		return c.scanOp(re, in, o)
	case *syntax.ReduceOp:
		return c.reduce(e, in, o)
	}
	c.errorf(sp, "This operator is not supported yet")
	return nil
}

// count binds the row count of take/top: a constant integer.
func (c *checker) count(e env, x syntax.Expr) Expr {
	n := c.scalar(env{sc: e.sc}, x)
	if n == nil {
		return nil
	}
	if !n.Type().IsIntegral() && n.Type() != types.Real {
		c.errorf(x.Span(), "The row count must be a number, got %s", n.Type())
		return nil
	}
	return n
}

func (c *checker) sortKeys(e env, keys []*syntax.SortKey) ([]SortKey, bool) {
	out := make([]SortKey, 0, len(keys))
	ok := true
	for _, k := range keys {
		x := c.scalar(e, k.X)
		if x == nil {
			ok = false
			continue
		}
		nullsFirst := k.Asc
		if k.NullsFirst != nil {
			nullsFirst = *k.NullsFirst
		}
		out = append(out, SortKey{X: x, Asc: k.Asc, NullsFirst: nullsFirst})
	}
	return out, ok
}

// project binds project (extend=false) or extend (extend=true). A column may use one defined before it in the
// same operator (extend a = x + 1, b = a * 2): the operator is then split into stages.
func (c *checker) project(e env, in Node, cols []syntax.Expr, extend bool, sp source.Span) Node {
	stages := splitStages(cols)
	if !extend {
		for _, x := range cols {
			if names, vx := splitNamed(x); len(names) == 0 && derivedName(vx) == "" {
				stages = stages[:1] // unnamed expressions are only supported in a single stage
				stages[0] = cols
				break
			}
		}
	}
	if len(stages) == 1 {
		return c.projectStage(e, in, cols, extend, sp)
	}
	cur := in
	for _, stage := range stages {
		cur = c.projectStage(env{sc: e.sc, row: cur.Schema(), open: e.open}, cur, stage, true, sp)
		if cur == nil {
			return nil
		}
	}
	if extend {
		return cur
	}
	// project: keep the listed columns, in order
	var idx []int
	for _, x := range cols {
		names, vx := splitNamed(x)
		name := derivedName(vx)
		if len(names) > 0 {
			name = names[0].Name
		}
		if i := fieldIndex(cur.Schema(), name); i >= 0 && name != "" {
			idx = append(idx, i)
		}
	}
	return c.selectColumns(cur, idx, sp)
}

// splitStages cuts a project/extend list before each item that names a column defined by an earlier named
// item of the list.
func splitStages(cols []syntax.Expr) [][]syntax.Expr {
	var stages [][]syntax.Expr
	var cur []syntax.Expr
	defined := map[string]bool{}
	for _, x := range cols {
		names, vx := splitNamed(x)
		uses := false
		walkIdents(vx, func(name string) {
			if defined[name] {
				uses = true
			}
		})
		if uses && len(cur) > 0 {
			stages = append(stages, cur)
			cur = nil
			defined = map[string]bool{}
		}
		cur = append(cur, x)
		for _, n := range names {
			defined[n.Name] = true
		}
	}
	return append(stages, cur)
}

// walkIdents calls fn for every identifier used as a name in x (not member names).
func walkIdents(x syntax.Expr, fn func(string)) {
	switch t := x.(type) {
	case *syntax.Ident:
		fn(t.Name)
	case *syntax.ParenExpr:
		walkIdents(t.X, fn)
	case *syntax.UnaryExpr:
		walkIdents(t.X, fn)
	case *syntax.BinaryExpr:
		walkIdents(t.X, fn)
		walkIdents(t.Y, fn)
	case *syntax.InExpr:
		walkIdents(t.X, fn)
		for _, it := range t.List {
			walkIdents(it, fn)
		}
	case *syntax.BetweenExpr:
		walkIdents(t.X, fn)
		walkIdents(t.Lo, fn)
		walkIdents(t.Hi, fn)
	case *syntax.CallExpr:
		for _, a := range t.Args {
			walkIdents(a, fn)
		}
	case *syntax.MemberExpr:
		walkIdents(t.X, fn)
	case *syntax.IndexExpr:
		walkIdents(t.X, fn)
		walkIdents(t.Index, fn)
	case *syntax.NamedExpr:
		walkIdents(t.X, fn)
	}
}

// projectStage binds one project/extend list whose items all read the input row.
func (c *checker) projectStage(e env, in Node, cols []syntax.Expr, extend bool, sp source.Span) Node {
	var fields []types.Field
	var exprs []Expr
	inputs := len(in.Schema())
	if extend {
		for i, f := range in.Schema() {
			fields = append(fields, f)
			exprs = append(exprs, &ColRef{spanned{sp}, i, f.Name, f.Type})
		}
	}
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	col := 1
	ok := true
	orig := in.Schema()
	in, e, ok = c.withRowWindows(e, in, cols)
	if !ok {
		return nil
	}
	for _, x := range cols {
		names, vx := splitNamed(x)
		if _, star := vx.(*syntax.StarExpr); star && !extend {
			for i, f := range orig {
				fields = append(fields, f)
				exprs = append(exprs, &ColRef{spanned{vx.Span()}, i, f.Name, f.Type})
				taken[f.Name] = true
			}
			continue
		}
		if call, m := c.multiCallOf(e, vx); m != nil {
			mo := c.multiCall(e, call, m)
			if mo == nil {
				ok = false
				continue
			}
			outNames := mo.names(names)
			if len(outNames) > len(mo.exprs) {
				c.errorf(x.Span(), "%s() returns %d values, but %d names are given", m.Name, len(mo.exprs), len(outNames))
				ok = false
				continue
			}
			for j, name := range outNames {
				fields, exprs, ok = c.addProjected(fields, exprs, taken, inputs, extend, x, name, mo.exprs[j], ok)
			}
			continue
		}
		if len(names) > 1 {
			c.errorf(x.Span(), "Only a function returning several values can be assigned to %d names", len(names))
			ok = false
			continue
		}
		v := c.scalar(e, vx)
		if v == nil {
			ok = false
			continue
		}
		name := ""
		switch {
		case len(names) > 0:
			name = names[0].Name
		default:
			name = derivedName(vx)
			if name == "" {
				name = namedFirstArgument(vx)
			}
			if name == "" {
				name = functionColumnName(e, vx, taken, extend, inputs, fields)
			}
		}
		if name == "" {
			for taken["Column"+itoa(col)] {
				col++
			}
			name = "Column" + itoa(col)
		}
		fields, exprs, ok = c.addProjected(fields, exprs, taken, inputs, extend, x, name, v, ok)
	}
	if !ok {
		return nil
	}
	return &Project{schema{fields, sp}, in, exprs}
}

// addProjected adds the column name = v to a project/extend list; extend of an input column's name replaces it
// in place. It returns ok false after reporting a duplicate name.
func (c *checker) addProjected(fields []types.Field, exprs []Expr, taken map[string]bool, inputs int, extend bool,
	x syntax.Expr, name string, v Expr, ok bool) ([]types.Field, []Expr, bool) {
	if i := fieldIndex(fields, name); i >= 0 {
		if extend && i < inputs {
			fields[i] = types.Field{Name: name, Type: v.Type()}
			exprs[i] = v
			return fields, exprs, ok
		}
		c.errorf(x.Span(), "The column '%s' is defined more than once", name)
		return fields, exprs, false
	}
	taken[name] = true
	return append(fields, types.Field{Name: name, Type: v.Type()}), append(exprs, v), ok
}

// matchColumns returns the input columns a name or wildcard selects (reporting unknown plain names).
func (c *checker) matchColumns(in Node, x syntax.Expr) ([]int, bool) {
	sch := in.Schema()
	switch t := x.(type) {
	case *syntax.Ident:
		if i := fieldIndex(sch, t.Name); i >= 0 {
			return []int{i}, true
		}
		c.errorf(t.Span(), "Failed to resolve scalar expression named '%s'", t.Name)
		return nil, false
	case *syntax.WildcardName:
		var out []int
		for i, f := range sch {
			if ok, _ := path.Match(t.Pattern, f.Name); ok {
				out = append(out, i)
			}
		}
		return out, true
	case *syntax.StarExpr:
		out := make([]int, len(sch))
		for i := range sch {
			out[i] = i
		}
		return out, true
	case *syntax.ParenExpr:
		return c.matchColumns(in, t.X)
	}
	c.errorf(x.Span(), "A column name or a wildcard pattern was expected")
	return nil, false
}

func (c *checker) selectColumns(in Node, idx []int, sp source.Span) Node {
	sch := in.Schema()
	fields := make([]types.Field, len(idx))
	exprs := make([]Expr, len(idx))
	for j, i := range idx {
		fields[j] = sch[i]
		exprs[j] = &ColRef{spanned{sp}, i, sch[i].Name, sch[i].Type}
	}
	return &Project{schema{fields, sp}, in, exprs}
}

// projectAway binds project-away (keep=false) and project-keep (keep=true).
func (c *checker) projectAway(in Node, cols []syntax.Expr, keep bool, sp source.Span) Node {
	sel := map[int]bool{}
	ok := true
	for _, x := range cols {
		idx, good := c.matchColumns(in, x)
		ok = ok && good
		for _, i := range idx {
			sel[i] = true
		}
	}
	if !ok {
		return nil
	}
	var idx []int
	for i := range in.Schema() {
		if sel[i] == keep {
			idx = append(idx, i)
		}
	}
	return c.selectColumns(in, idx, sp)
}

func (c *checker) projectRename(in Node, o *syntax.ProjectRenameOp, sp source.Span) Node {
	p := c.selectColumns(in, seq(len(in.Schema())), sp).(*Project)
	ok := true
	for _, r := range o.Renames {
		old, isIdent := r.X.(*syntax.Ident)
		if !isIdent || len(r.Names) == 0 {
			c.errorf(r.Span(), "project-rename expects NewName = ExistingColumn")
			ok = false
			continue
		}
		i := fieldIndex(in.Schema(), old.Name)
		if i < 0 {
			c.errorf(old.Span(), "Failed to resolve scalar expression named '%s'", old.Name)
			ok = false
			continue
		}
		p.Fields[i].Name = r.Names[0].Name
	}
	if !ok {
		return nil
	}
	return p
}

func (c *checker) projectReorder(in Node, o *syntax.ProjectReorderOp, sp source.Span) Node {
	var idx []int
	seen := map[int]bool{}
	ok := true
	for k, x := range o.Columns {
		m, good := c.matchColumns(in, x)
		ok = ok && good
		if k < len(o.Order) && o.Order[k] != "" {
			sch := in.Schema()
			desc := strings.HasSuffix(o.Order[k], "desc")
			sortStrings(m, func(a, b int) bool {
				if desc {
					return sch[a].Name > sch[b].Name
				}
				return sch[a].Name < sch[b].Name
			})
		}
		for _, i := range m {
			if !seen[i] {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	if !ok {
		return nil
	}
	for i := range in.Schema() {
		if !seen[i] {
			idx = append(idx, i)
		}
	}
	return c.selectColumns(in, idx, sp)
}

func sortStrings(idx []int, less func(a, b int) bool) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && less(idx[j], idx[j-1]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// summarize binds summarize (and distinct, which is summarize by the columns with no aggregates).
func (c *checker) summarize(e env, in Node, aggs, by []syntax.Expr, sp source.Span) Node {
	taken := map[string]bool{}
	g, ok := c.groups(e, by, taken, "summarize")
	actx := &aggCtx{rowEnv: e, groups: g.fields}
	type output struct {
		name  string
		x     Expr
		multi bool
	}
	var outs []output
	col := 1
	for _, a := range aggs {
		names, x := splitNamed(a)
		if call, name, agg := unwrapAggCall(x); call != nil {
			first := actx.postIndex()
			if actx.aggregate(c, call, name, agg) == nil {
				ok = false
				continue
			}
			n := len(actx.outs) - (first - len(g.fields))
			for j := 0; j < n; j++ {
				idx := first + j
				name := actx.outName[idx-len(g.fields)]
				if j < len(names) {
					name = names[j].Name
				}
				outs = append(outs, output{name, &ColRef{spanned{callSpan(call)}, idx, name, actx.outs[idx-len(g.fields)]}, n > 1})
			}
			continue
		}
		v := c.scalar(env{sc: e.sc, row: e.row, agg: actx}, x)
		if v == nil {
			ok = false
			continue
		}
		name := namedFirstArgument(x)
		if name == "" {
			name = aggregateArgumentName(x, v)
		}
		if len(names) > 0 {
			name = names[0].Name
		}
		outs = append(outs, output{name, v, false})
	}
	if !ok {
		return nil
	}
	// name the outputs: explicit names first, then defaults made unique
	var fields []types.Field
	var exprs []Expr
	for i, f := range g.fields {
		fields = append(fields, f)
		exprs = append(exprs, &ColRef{spanned{sp}, i, f.Name, f.Type})
	}
	direct := true
	for k, o := range outs {
		name := o.name
		if name == "" {
			for taken["Column"+itoa(col)] {
				col++
			}
			name = "Column" + itoa(col)
		}
		name = uniqueName(taken, name)
		taken[name] = true
		fields = append(fields, types.Field{Name: name, Type: o.x.Type()})
		exprs = append(exprs, o.x)
		if r, isRef := o.x.(*ColRef); !isRef || r.Index != len(g.fields)+k {
			direct = false
		}
	}
	if len(outs) != len(actx.outs) {
		direct = false
	}
	inner := make([]types.Field, 0, len(g.fields)+len(actx.outs))
	inner = append(inner, g.fields...)
	for j, t := range actx.outs {
		inner = append(inner, types.Field{Name: "__agg" + itoa(j), Type: t})
	}
	if direct {
		return &Summarize{schema{fields, sp}, in, g.exprs, actx.aggs}
	}
	s := &Summarize{schema{inner, sp}, in, g.exprs, actx.aggs}
	return &Project{schema{fields, sp}, s, exprs}
}

func (c *checker) makeSeries(e env, in Node, o *syntax.MakeSeriesOp) Node {
	sp := o.Span()
	nonempty := false
	for _, p := range o.Params {
		if strings.EqualFold(p.Name, "kind") {
			if id, ok := p.Value.(*syntax.Ident); ok && strings.EqualFold(id.Name, "nonempty") {
				nonempty = true
			}
		}
	}
	taken := map[string]bool{}
	g, ok := c.groups(e, o.By, taken, "make-series")
	axis := c.scalar(e, o.On)
	axisName := derivedName(o.On)
	if axis != nil && !axis.Type().IsNumeric() && axis.Type() != types.DateTime && axis.Type() != types.TimeSpan {
		c.errorf(o.On.Span(), "make-series: the axis column must be numeric, datetime or timespan, got %s", axis.Type())
		ok = false
	}
	var from, to Expr
	if o.From != nil {
		from = c.scalar(env{sc: e.sc}, o.From)
		ok = ok && from != nil
	}
	if o.To != nil {
		to = c.scalar(env{sc: e.sc}, o.To)
		ok = ok && to != nil
	}
	step := c.scalar(env{sc: e.sc}, o.Step)
	if step == nil || axis == nil {
		return nil
	}
	var aggs []*AggCall
	var defaults []types.Value
	var fields []types.Field
	fields = append(fields, g.fields...)
	for _, a := range o.Aggs {
		names, x := splitNamed(a.Agg)
		call, name, agg := unwrapAggCall(x)
		if call == nil {
			c.errorf(x.Span(), "make-series expects an aggregation function here")
			ok = false
			continue
		}
		ac, outNames := c.aggCall(e, call, name, agg, g.fields)
		if ac == nil {
			ok = false
			continue
		}
		def := defaultSeriesValue(ac.Out[0])
		if a.Default != nil {
			dv := c.scalar(env{sc: e.sc}, a.Default)
			k, isConst := dv.(*Const)
			if dv != nil && !isConst {
				c.errorf(a.Default.Span(), "make-series: default must be a constant")
				ok = false
				continue
			}
			if k != nil {
				def = k.Val
			}
		}
		n := outNames[0]
		if len(names) > 0 {
			n = names[0].Name
		}
		n = uniqueName(taken, n)
		taken[n] = true
		aggs = append(aggs, ac)
		defaults = append(defaults, def)
		fields = append(fields, types.Field{Name: n, Type: types.Dynamic})
	}
	if axisName == "" {
		axisName = "Column1"
	}
	fields = append(fields, types.Field{Name: uniqueName(taken, axisName), Type: types.Dynamic})
	if !ok {
		return nil
	}
	return &MakeSeries{schema: schema{fields, sp}, In: in, By: g.exprs, Aggs: aggs, Defaults: defaults, Axis: axis,
		From: from, To: to, Step: step, Nonempty: nonempty}
}

// defaultSeriesValue is make-series' default for absent bins: 0 of a numeric type, else null.
func defaultSeriesValue(t types.Type) types.Value {
	switch t {
	case types.Int, types.Long:
		return types.Value{Type: t}
	case types.Real, types.Decimal:
		return types.Value{Type: t}
	}
	return types.NullOf(t)
}

func (c *checker) print(e env, o *syntax.PrintOp) Node {
	var fields []types.Field
	var exprs []Expr
	ok := true
	for i, x := range o.Columns {
		names, vx := splitNamed(x)
		if call, m := c.multiCallOf(e, vx); m != nil {
			// print series_stats(...) / print (a, b) = f(...): one column per output
			mo := c.multiCall(env{sc: e.sc}, call, m)
			if mo == nil {
				ok = false
				continue
			}
			outNames := mo.names(names)
			if len(outNames) > len(mo.exprs) {
				c.errorf(x.Span(), "%s() returns %d values, but %d names are given", m.Name, len(mo.exprs), len(outNames))
				ok = false
				continue
			}
			for j, n := range outNames {
				fields = append(fields, types.Field{Name: n, Type: mo.exprs[j].Type()})
				exprs = append(exprs, mo.exprs[j])
			}
			continue
		}
		v := c.scalar(env{sc: e.sc}, vx)
		if v == nil {
			ok = false
			continue
		}
		name := "print_" + itoa(i)
		if len(names) > 0 {
			name = names[0].Name
		}
		fields = append(fields, types.Field{Name: name, Type: v.Type()})
		exprs = append(exprs, v)
	}
	if !ok {
		return nil
	}
	return &Print{schema{fields, o.Span()}, exprs}
}

func (c *checker) datatable(e env, o *syntax.DatatableOp) Node {
	var fields []types.Field
	for _, cd := range o.Columns {
		t := types.String
		if cd.Type != nil {
			t = cd.Type.Type
		}
		fields = append(fields, types.Field{Name: cd.Name.Name, Type: t})
	}
	if len(fields) == 0 {
		c.errorf(o.Span(), "datatable needs at least one column")
		return nil
	}
	if len(o.Values)%len(fields) != 0 {
		c.errorf(o.Span(), "datatable: %d values do not fill rows of %d columns", len(o.Values), len(fields))
		return nil
	}
	var rows [][]Expr
	ok := true
	for i := 0; i < len(o.Values); i += len(fields) {
		row := make([]Expr, len(fields))
		for j := range fields {
			vx := o.Values[i+j]
			v := c.scalar(env{sc: e.sc}, vx)
			if v == nil {
				ok = false
				continue
			}
			if !IsConstant(v) {
				c.errorf(vx.Span(), "datatable values must be constants")
				ok = false
				continue
			}
			if v.Type() != fields[j].Type {
				if !convertible(v.Type(), fields[j].Type) {
					c.errorf(vx.Span(), "datatable: a value of type %s cannot be stored in column '%s' of type %s", v.Type(), fields[j].Name, fields[j].Type)
					ok = false
					continue
				}
				v = c.convert(v, fields[j].Type)
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
	if !ok {
		return nil
	}
	return &Datatable{schema{fields, o.Span()}, rows}
}

// convertible reports whether a datatable value of type from may be stored in a column of type to.
func convertible(from, to types.Type) bool {
	if from == to || to == types.Dynamic || to == types.String {
		return true
	}
	if from.IsNumeric() && to.IsNumeric() {
		return true
	}
	if from == types.String && to == types.GUID {
		return true
	}
	return false
}

func (c *checker) rangeOp(e env, o *syntax.RangeOp) Node {
	se := env{sc: e.sc}
	from, to, step := c.scalar(se, o.From), c.scalar(se, o.To), c.scalar(se, o.Step)
	if from == nil || to == nil || step == nil {
		return nil
	}
	t := from.Type()
	switch {
	case t.IsNumeric() && to.Type().IsNumeric() && step.Type().IsNumeric():
		t = numericPromote(numericPromote(t, to.Type()), step.Type())
		if t == types.Int {
			t = types.Long
		}
	case (t == types.DateTime || t == types.TimeSpan) && to.Type() == t && step.Type() == types.TimeSpan:
	default:
		c.errorf(o.Span(), "range: from, to and step must be numbers, or datetimes/timespans with a timespan step")
		return nil
	}
	if from.Type() != t {
		from = c.convert(from, t)
	}
	if to.Type() != t {
		to = c.convert(to, t)
	}
	if step.Type() != t && t.IsNumeric() {
		step = c.convert(step, t)
	}
	return &Range{schema{[]types.Field{{Name: o.Column.Name, Type: t}}, o.Span()}, from, to, step}
}

func (c *checker) union(e env, in Node, o *syntax.UnionOp) Node {
	var inputs []Node
	var names []string
	if in != nil {
		inputs = append(inputs, in)
		names = append(names, "union_arg0")
	}
	fuzzy := false
	for _, p := range o.Params {
		if strings.EqualFold(p.Name, "isfuzzy") {
			fuzzy = strings.EqualFold(c.propertyText(p.Value), "true")
		}
	}
	ok := true
	// isfuzzy=true leaves out the legs that resolve to no table (a name nothing defines, a wildcard that
	// matches nothing), as long as one leg resolves; when none does, the union is the error (union docs)
	var unresolved syntax.Expr
	for _, t := range o.Tables {
		if fuzzy && !c.resolvable(e, t) {
			if unresolved == nil {
				unresolved = t
			}
			continue
		}
		if w, isWild := t.(*syntax.WildcardName); isWild {
			if c.cat == nil {
				continue
			}
			matched := false
			for _, name := range c.cat.TableNames() {
				if m, _ := path.Match(w.Pattern, name); m {
					tab, _ := c.cat.Table(name)
					inputs = append(inputs, &Scan{schema{tab.Schema(), w.Span()}, tab})
					names = append(names, name)
					matched = true
				}
			}
			switch {
			case matched || w.Pattern == "*":
			case fuzzy:
				if unresolved == nil {
					unresolved = w
				}
			default:
				// Easm* names tables this catalog does not have (a workspace's custom tables, or data not loaded)
				c.errorf(w.Span(), "Failed to resolve table or column expression named '%s': no table matches the wildcard", w.Pattern)
				ok = false
			}
			continue
		}
		n := c.tabular(env{sc: e.sc}, t)
		if n == nil {
			ok = false
			continue
		}
		inputs = append(inputs, n)
		name := derivedName(t)
		if name == "" {
			name = "union_arg" + itoa(len(inputs)-1)
		}
		names = append(names, name)
	}
	if ok && unresolved != nil && len(inputs) == 0 {
		if w, isWild := unresolved.(*syntax.WildcardName); isWild {
			c.errorf(w.Span(), "Failed to resolve table or column expression named '%s': no table matches the wildcard", w.Pattern)
		} else {
			c.tabular(env{sc: e.sc}, unresolved) // reports the name it cannot resolve
		}
		ok = false
	}
	if !ok {
		return nil
	}
	inner := false
	withSource := ""
	for _, p := range o.Params {
		switch strings.ToLower(p.Name) {
		case "kind":
			if id, isID := p.Value.(*syntax.Ident); isID && strings.EqualFold(id.Name, "inner") {
				inner = true
			}
		case "withsource":
			if id, isID := p.Value.(*syntax.Ident); isID {
				withSource = id.Name
			}
		}
	}
	var fields []types.Field
	if withSource != "" {
		fields = append(fields, types.Field{Name: withSource, Type: types.String})
	}
	// outer: every column by name and type, in order of first appearance; a name that comes with several
	// types becomes name_type for each (made unique against the plain names); inner: only the columns that
	// are in every input
	type key struct {
		name string
		t    types.Type
	}
	var cols []key
	seen := map[key]bool{}
	typeCount := map[string]int{}
	for _, n := range inputs {
		for _, f := range n.Schema() {
			k := key{f.Name, f.Type}
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
				typeCount[f.Name]++
			}
		}
	}
	if inner {
		var kept []key
		for _, k := range cols {
			all := true
			for _, n := range inputs {
				i := fieldIndex(n.Schema(), k.name)
				if i < 0 || n.Schema()[i].Type != k.t {
					all = false
				}
			}
			if all {
				kept = append(kept, k)
			}
		}
		cols = kept
	}
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	for _, k := range cols {
		if typeCount[k.name] == 1 {
			taken[k.name] = true
		}
	}
	outIndex := map[key]int{}
	for _, k := range cols {
		name := k.name
		if typeCount[k.name] > 1 {
			name = uniqueName(taken, k.name+"_"+k.t.String())
			taken[name] = true
		}
		outIndex[k] = len(fields)
		fields = append(fields, types.Field{Name: name, Type: k.t})
	}
	maps := make([][]int, len(inputs))
	for i, n := range inputs {
		m := make([]int, len(fields))
		for j := range m {
			m[j] = -1
		}
		for k, g := range n.Schema() {
			if j, ok := outIndex[key{g.Name, g.Type}]; ok {
				m[j] = k
			}
		}
		maps[i] = m
	}
	return &Union{schema: schema{fields, o.Span()}, Inputs: inputs, Maps: maps, SourceColumn: withSource != "", SourceNames: names}
}

func (c *checker) invoke(e env, in Node, o *syntax.InvokeOp) Node {
	id, ok := o.Call.Fn.(*syntax.Ident)
	if !ok {
		c.errorf(o.Span(), "invoke expects a function call")
		return nil
	}
	if defenderOnly[id.Name] {
		c.errorf(id.Span(), "%s() needs the Microsoft Defender XDR service and cannot run locally", id.Name)
		return nil
	}
	b := e.sc.lookup(id.Name)
	if b == nil || b.kind != bindFunction || len(b.fn.Params) == 0 {
		c.errorf(id.Span(), "invoke: '%s' is not a function with a tabular parameter", id.Name)
		return nil
	}
	// bind the function with the piped table as its first argument
	inner := newScope(e.sc)
	const pipedName = "$invoke_input"
	inner.names[pipedName] = &binding{kind: bindTabular, tab: in}
	args := append([]syntax.Expr{&syntax.Ident{Base: syntax.Base{Sp: o.Span()}, Name: pipedName}}, o.Call.Args...)
	n, _ := c.callFunction(env{sc: inner}, &syntax.CallExpr{Base: o.Call.Base, Fn: o.Call.Fn, Args: args}, id.Name, b)
	return n
}

func (c *checker) render(in Node, o *syntax.RenderOp) Node {
	vis := &types.Visualization{Properties: map[string]string{}}
	if o.Chart != nil {
		vis.Kind = o.Chart.Name
	}
	for _, p := range o.Props {
		if len(p.Names) == 0 {
			continue
		}
		name := p.Names[0].Name
		vis.Properties[name] = c.propertyText(p.X)
		vis.Order = append(vis.Order, name)
	}
	return &Render{schema{in.Schema(), o.Span()}, in, vis}
}

// propertyText renders a render property value as written (lists comma-joined, strings unquoted).
func (c *checker) propertyText(x syntax.Expr) string {
	switch t := x.(type) {
	case *syntax.Literal:
		if t.Value.Type == types.String {
			return t.Value.S
		}
		return t.Raw
	case *syntax.Ident:
		return t.Name
	case *syntax.ListExpr:
		parts := make([]string, len(t.Items))
		for i, it := range t.Items {
			parts[i] = c.propertyText(it)
		}
		return strings.Join(parts, ",")
	case *syntax.ParenExpr:
		return c.propertyText(t.X)
	}
	return c.text(x.Span())
}

func (c *checker) getSchema(in Node, sp source.Span) Node {
	return &GetSchema{schema{[]types.Field{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Int},
		{Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}, sp}, in}
}

// needsInput reports whether op reads an input table (as opposed to starting a pipeline).
func needsInput(op syntax.Operator) bool {
	switch op.(type) {
	case *syntax.PrintOp, *syntax.DatatableOp, *syntax.RangeOp, *syntax.UnionOp, *syntax.ExternalDataOp, *syntax.FindOp:
		return false
	}
	return true
}

func (c *checker) externalData(e env, o *syntax.ExternalDataOp) Node {
	var fields []types.Field
	for _, cd := range o.Columns {
		t := types.String
		if cd.Type != nil {
			t = cd.Type.Type
		}
		fields = append(fields, types.Field{Name: cd.Name.Name, Type: t})
	}
	x := &ExternalData{schema: schema{fields, o.Span()}, Format: "csv", AllowHTTP: c.allowHTTP}
	ok := true
	for _, u := range o.URIs {
		v := c.scalar(env{sc: e.sc}, u)
		k, isConst := v.(*Const)
		if v == nil || !isConst || k.Val.Type != types.String {
			if v != nil {
				c.errorf(u.Span(), "externaldata: the URI must be a constant string")
			}
			ok = false
			continue
		}
		x.URIs = append(x.URIs, k.Val.S)
	}
	for _, p := range o.Props {
		if len(p.Names) == 0 {
			continue
		}
		val := strings.ToLower(c.propertyText(p.X))
		switch strings.ToLower(p.Names[0].Name) {
		case "format":
			x.Format = val
		case "ignorefirstrecord":
			x.IgnoreFirstLine = val == "true"
		}
	}
	if !ok {
		return nil
	}
	return x
}

// search binds `search [in (T, ...)] Predicate`: the union of the tables (all of the catalog's when none is
// named) with a $table column, filtered by the predicate. A bare string (or `* op "x"`) matches rows where any
// string column has the term.
func (c *checker) search(e env, in Node, o *syntax.SearchOp) Node {
	src := in
	if src == nil {
		u := &syntax.UnionOp{Base: o.Base, Params: []*syntax.OpParam{{Base: o.Base, Name: "withsource",
			Value: &syntax.Ident{Base: o.Base, Name: "$table"}}}}
		if o.Tables != nil {
			u.Tables = o.Tables
		} else {
			u.Tables = []syntax.Expr{&syntax.WildcardName{Base: o.Base, Pattern: "*"}}
		}
		src = c.union(e, nil, u)
		if src == nil {
			return nil
		}
	}
	if o.Pred == nil {
		return src
	}
	if _, star := o.Pred.(*syntax.StarExpr); star {
		return src
	}
	if u, ok := src.(*Union); ok && in == nil && termsOnly(o.Pred) {
		// a predicate of terms alone is tested on each table before the union, over that table's own
		// columns: the same rows, without testing every row against the columns of all the other tables
		pushed := *u
		pushed.Inputs = make([]Node, len(u.Inputs))
		for k, leg := range u.Inputs {
			pred := c.searchPred(e.withRow(leg.Schema()), leg, o.Pred)
			if pred == nil {
				return nil
			}
			pushed.Inputs[k] = &Filter{schema{leg.Schema(), o.Span()}, leg, pred}
		}
		return &pushed
	}
	pred := c.searchPred(e.withRow(src.Schema()), src, o.Pred)
	if pred == nil {
		return nil
	}
	return &Filter{schema{src.Schema(), o.Span()}, src, pred}
}

// termsOnly reports whether a search predicate names no column: string terms, `* op "term"`, and their
// combinations with and, or and not. Such a predicate means the same over one table as over the union.
func termsOnly(x syntax.Expr) bool {
	switch p := x.(type) {
	case *syntax.ParenExpr:
		return termsOnly(p.X)
	case *syntax.Literal:
		return p.Value.Type == types.String
	case *syntax.UnaryExpr:
		return p.Op == "not" && termsOnly(p.X)
	case *syntax.CallExpr:
		id, ok := p.Fn.(*syntax.Ident)
		return ok && id.Name == "not" && len(p.Args) == 1 && termsOnly(p.Args[0])
	case *syntax.BinaryExpr:
		if _, star := p.X.(*syntax.StarExpr); star {
			_, lit := p.Y.(*syntax.Literal)
			return lit
		}
		return (p.Op == "and" || p.Op == "or") && termsOnly(p.X) && termsOnly(p.Y)
	}
	return false
}

func (c *checker) parseKv(e env, in Node, o *syntax.ParseKvOp) Node {
	src := c.scalar(e, o.Source)
	if src == nil {
		return nil
	}
	x := &ParseKv{In: in, Source: src}
	fields := append([]types.Field(nil), in.Schema()...)
	for _, k := range o.Keys {
		t := types.String
		if k.Type != nil {
			t = k.Type.Type
		}
		f := types.Field{Name: k.Name.Name, Type: t}
		x.Keys = append(x.Keys, f)
		if i := fieldIndex(fields, f.Name); i >= 0 {
			fields[i] = f
		} else {
			fields = append(fields, f)
		}
	}
	for _, p := range o.Props {
		if len(p.Names) == 0 {
			continue
		}
		v := c.propertyText(p.X)
		switch strings.ToLower(p.Names[0].Name) {
		case "pair_delimiter":
			x.PairDelim = v
		case "kv_delimiter":
			x.KvDelim = v
		case "quote":
			switch len(v) {
			case 1:
				x.QuoteOpen, x.QuoteClose = v, v
			case 2:
				x.QuoteOpen, x.QuoteClose = v[:1], v[1:]
			}
		case "escape":
			x.Escape = v
		case "greedy":
			x.Greedy = strings.EqualFold(v, "true")
		}
	}
	x.schema = schema{fields, o.Span()}
	return x
}

func (c *checker) topNested(e env, in Node, o *syntax.TopNestedOp) Node {
	x := &TopNested{In: in}
	var fields []types.Field
	taken := map[string]bool{}
	ok := true
	for k, l := range o.Levels {
		lv := &NestedLevel{}
		if l.Count != nil {
			if lv.N = c.count(e, l.Count); lv.N == nil {
				ok = false
			}
		}
		names, of := splitNamed(l.Of)
		lv.Of = c.scalar(e, of)
		if lv.Of == nil {
			ok = false
			continue
		}
		ofName := derivedName(of)
		if len(names) > 0 {
			ofName = names[0].Name
		}
		if ofName == "" {
			ofName = "Column" + itoa(k+1)
		}
		if l.Others != nil {
			v := c.scalar(env{sc: e.sc}, l.Others)
			k, isConst := v.(*Const)
			if v == nil || !isConst {
				if v != nil {
					c.errorf(l.Others.Span(), "top-nested: others must be a constant")
				}
				ok = false
				continue
			}
			conv := c.convert(k, lv.Of.Type())
			if kc, isConst := conv.(*Const); isConst {
				val := kc.Val
				lv.Others = &val
			}
		}
		if l.By == nil {
			c.errorf(l.Span(), "top-nested needs `by Aggregate`")
			ok = false
			continue
		}
		lv.Asc = l.By.Asc
		aggNames, aggX := splitNamed(l.By.X)
		call, name, agg := unwrapAggCall(aggX)
		if call == nil {
			c.errorf(aggX.Span(), "top-nested: an aggregation function was expected after by")
			ok = false
			continue
		}
		ac, _ := c.aggCall(e, call, name, agg, nil)
		if ac == nil {
			ok = false
			continue
		}
		lv.Agg = ac
		aggName := "aggregated_" + ofName
		if len(aggNames) > 0 {
			aggName = aggNames[0].Name
		}
		ofName, aggName = uniqueName(taken, ofName), ""+aggName
		taken[ofName] = true
		aggName = uniqueName(taken, aggName)
		taken[aggName] = true
		fields = append(fields, types.Field{Name: ofName, Type: lv.Of.Type()}, types.Field{Name: aggName, Type: ac.Out[0]})
		x.Levels = append(x.Levels, lv)
	}
	if !ok {
		return nil
	}
	x.schema = schema{fields, o.Span()}
	return x
}

// resolvable reports whether the table a union leg starts from exists (a let binding or a catalog table).
func (c *checker) resolvable(e env, x syntax.Expr) bool {
	for {
		switch t := x.(type) {
		case *syntax.ParenExpr:
			x = t.X
			continue
		case *syntax.PipeExpr:
			if t.Input == nil {
				return true
			}
			x = t.Input
			continue
		case *syntax.Ident:
			if e.sc.lookup(t.Name) != nil {
				return true
			}
			if c.cat == nil {
				return false
			}
			_, ok := c.cat.Table(t.Name)
			return ok
		}
		return true
	}
}

// topHitters binds `top-hitters N of Expr [by Sum]`: the N values of Expr with the most rows (or the
// largest sum of Sum), computed exactly.
func (c *checker) topHitters(e, re env, in Node, o *syntax.TopHittersOp) Node {
	sp := o.Span()
	n := c.count(e, o.Count)
	if n == nil {
		return nil
	}
	name := derivedName(o.Of)
	var agg syntax.Expr
	if o.By == nil {
		agg = &syntax.NamedExpr{Base: o.Base, Names: []*syntax.Ident{{Base: o.Base, Name: "approximate_count_" + name}},
			X: &syntax.CallExpr{Base: o.Base, Fn: &syntax.Ident{Base: o.Base, Name: "count"}}}
	} else {
		agg = &syntax.NamedExpr{Base: o.Base, Names: []*syntax.Ident{{Base: o.Base, Name: "approximate_sum_" + derivedName(o.By)}},
			X: &syntax.CallExpr{Base: o.Base, Fn: &syntax.Ident{Base: o.Base, Name: "sum"}, Args: []syntax.Expr{o.By}}}
	}
	s := c.summarize(re, in, []syntax.Expr{agg}, []syntax.Expr{o.Of}, sp)
	if s == nil {
		return nil
	}
	sch := s.Schema()
	last := len(sch) - 1
	key := SortKey{X: &ColRef{spanned{sp}, last, sch[last].Name, sch[last].Type}}
	return &Top{schema{sch, sp}, s, n, []SortKey{key}}
}

// find binds `find [withsource=C] [in (T, ...)] where Pred [project Col, ...]`: like search, then the source
// column (source_ unless named), and either the projected columns or the columns the predicate names plus
// pack_, a bag of the row's other non-empty columns.
func (c *checker) find(e env, o *syntax.FindOp) Node {
	sourceName := "source_"
	for _, p := range o.Params {
		if strings.EqualFold(p.Name, "withsource") {
			sourceName = c.propertyText(p.Value)
		}
	}
	filtered := c.search(e, nil, &syntax.SearchOp{Base: o.Base, Tables: o.Tables, Pred: o.Pred})
	if filtered == nil {
		return nil
	}
	sch := filtered.Schema()
	sp := o.Span()
	fields := []types.Field{{Name: sourceName, Type: types.String}}
	exprs := []Expr{&ColRef{spanned{sp}, 0, sch[0].Name, types.String}}
	used := map[int]bool{0: true}
	add := func(i int) {
		if !used[i] {
			used[i] = true
			fields = append(fields, sch[i])
			exprs = append(exprs, &ColRef{spanned{sp}, i, sch[i].Name, sch[i].Type})
		}
	}
	if len(o.Project) > 0 {
		for _, p := range o.Project {
			switch t := p.(type) {
			case *syntax.Ident:
				if i := fieldIndex(sch, t.Name); i >= 0 {
					add(i)
				} else {
					fields = append(fields, types.Field{Name: t.Name, Type: types.String})
					exprs = append(exprs, &Const{spanned{t.Span()}, types.NewString("")})
				}
			case *syntax.ColumnDecl:
				tt := types.String
				if t.Type != nil {
					tt = t.Type.Type
				}
				var x Expr = &Const{spanned{t.Span()}, types.NullOf(tt)}
				if i := fieldIndex(sch, t.Name.Name); i >= 0 {
					x = c.convert(&ColRef{spanned{t.Span()}, i, sch[i].Name, sch[i].Type}, tt)
					used[i] = true
				}
				fields = append(fields, types.Field{Name: t.Name.Name, Type: tt})
				exprs = append(exprs, x)
			case *syntax.StarExpr:
				for i := range sch {
					add(i)
				}
			}
		}
		return &Project{schema{fields, sp}, filtered, exprs}
	}
	if o.Pred != nil {
		walkIdents(o.Pred, func(name string) {
			if i := fieldIndex(sch, name); i >= 0 {
				add(i)
			}
		})
	}
	var packArgs []Expr
	for i, f := range sch {
		if !used[i] {
			packArgs = append(packArgs, &Const{spanned{sp}, types.NewString(f.Name)}, &ColRef{spanned{sp}, i, f.Name, f.Type})
		}
	}
	if pack := c.kernelCall(sp, sp, "bag_pack", packArgs, nil); pack != nil {
		fields = append(fields, types.Field{Name: "pack_", Type: types.Dynamic})
		exprs = append(exprs, pack)
	}
	return &Project{schema{fields, sp}, filtered, exprs}
}

// WatchlistTablePrefix starts the catalog name of a watchlist: `_GetWatchlist('x')` reads the table
// "_GetWatchlist:x" (exec.WatchlistCatalog provides them from a folder of CSV files).
const WatchlistTablePrefix = "_GetWatchlist:"

// watchlist binds _GetWatchlist('alias') to the catalog's watchlist table.
func (c *checker) watchlist(call *syntax.CallExpr) Node {
	sp := callSpan(call)
	if len(call.Args) != 1 {
		c.errorf(sp, "The function '_GetWatchlist' expects 1 argument.")
		return nil
	}
	lit, ok := call.Args[0].(*syntax.Literal)
	if !ok || lit.Value.Type != types.String {
		c.errorf(call.Args[0].Span(), "_GetWatchlist() expects a constant watchlist alias")
		return nil
	}
	if c.cat != nil {
		if tab, ok := c.cat.Table(WatchlistTablePrefix + lit.Value.S); ok {
			return &Scan{schema{tab.Schema(), sp}, tab}
		}
	}
	// the wording Kusto uses for an unknown table, so that reports count the watchlist as workspace data
	c.errorf(sp, "Failed to resolve table or column expression named '_GetWatchlist': watchlist '%s' not found (give --watchlists DIR holding %s.csv)",
		lit.Value.S, lit.Value.S)
	return nil
}

// searchPred binds a search predicate: a string literal is a term any string column has, `* op x` applies op
// to every string column, `Col : x` is Col has x, and and/or/not combine them; anything else is an ordinary
// predicate over the row.
func (c *checker) searchPred(re env, src Node, x syntax.Expr) Expr {
	anyColumn := func(op string, term syntax.Expr, sp source.Span) Expr {
		t := c.scalar(re, term)
		if t == nil {
			return nil
		}
		var pred Expr
		for i, f := range src.Schema() {
			if f.Type != types.String || f.Name == "$table" {
				continue
			}
			ref := &ColRef{spanned{term.Span()}, i, f.Name, f.Type}
			m := c.kernelCall(sp, sp, op, []Expr{ref, t}, nil)
			if m == nil {
				return nil
			}
			if pred == nil {
				pred = m
			} else {
				pred = &Binary{spanned{sp}, "or", pred, m, types.Bool}
			}
		}
		if pred == nil {
			pred = &Const{spanned{sp}, types.NewBool(false)}
		}
		return pred
	}
	switch p := x.(type) {
	case *syntax.ParenExpr:
		return c.searchPred(re, src, p.X)
	case *syntax.Literal:
		if p.Value.Type == types.String {
			return anyColumn("has", p, p.Span())
		}
	case *syntax.UnaryExpr:
		if p.Op == "not" {
			if inner := c.searchPred(re, src, p.X); inner != nil {
				return &Unary{spanned{p.Span()}, "not", inner, types.Bool}
			}
			return nil
		}
	case *syntax.CallExpr:
		if id, ok := p.Fn.(*syntax.Ident); ok && id.Name == "not" && len(p.Args) == 1 {
			if inner := c.searchPred(re, src, p.Args[0]); inner != nil {
				return &Unary{spanned{p.Span()}, "not", inner, types.Bool}
			}
			return nil
		}
	case *syntax.BinaryExpr:
		if _, star := p.X.(*syntax.StarExpr); star {
			return anyColumn(p.Op, p.Y, p.Span())
		}
		switch p.Op {
		case "and", "or":
			l := c.searchPred(re, src, p.X)
			r := c.searchPred(re, src, p.Y)
			if l == nil || r == nil {
				return nil
			}
			return &Binary{spanned{p.Span()}, p.Op, l, r, types.Bool}
		case ":":
			col := c.scalar(re, p.X)
			term := c.scalar(re, p.Y)
			if col == nil || term == nil {
				return nil
			}
			if col.Type() != types.String {
				col = c.kernelCall(p.X.Span(), p.X.Span(), "tostring", []Expr{col}, nil)
			}
			return c.kernelCall(p.Span(), p.OpPos, "has", []Expr{col, term}, nil)
		}
	}
	return c.scalar(re, x)
}
