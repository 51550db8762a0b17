package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// scalar binds a scalar expression; it returns nil after reporting an error.
func (c *checker) scalar(e env, x syntax.Expr) Expr {
	switch t := x.(type) {
	case *syntax.Literal:
		return &Const{spanned{t.Span()}, t.Value}
	case *syntax.ParenExpr:
		return c.scalar(e, t.X)
	case *syntax.Ident:
		return c.ident(e, t)
	case *syntax.UnaryExpr:
		return c.unary(e, t)
	case *syntax.BinaryExpr:
		return c.binary(e, t)
	case *syntax.InExpr:
		return c.in(e, t)
	case *syntax.BetweenExpr:
		return c.between(e, t)
	case *syntax.CallExpr:
		return c.call(e, t)
	case *syntax.MemberExpr:
		return c.member(e, t)
	case *syntax.IndexExpr:
		return c.index(e, t)
	case *syntax.NamedExpr:
		c.errorf(t.Span(), "A named expression is not allowed here")
		return nil
	case *syntax.BadExpr:
		return nil
	case *syntax.PipeExpr:
		c.errorf(t.Span(), "A tabular expression is not allowed here; use toscalar() to take a single value from a table")
		return nil
	case *syntax.StarExpr:
		c.errorf(t.Span(), "'*' is not allowed here")
		return nil
	case *syntax.TypeExpr:
		c.errorf(t.Span(), "A type is only allowed as the argument of typeof()")
		return nil
	}
	c.errorf(x.Span(), "Unsupported scalar expression")
	return nil
}

func (c *checker) ident(e env, id *syntax.Ident) Expr {
	if e.agg != nil {
		return e.agg.groupColumn(c, id)
	}
	if e.row != nil {
		if i := fieldIndex(e.row, id.Name); i >= 0 {
			return &ColRef{spanned{id.Span()}, i, id.Name, e.row[i].Type}
		}
	}
	if b := e.sc.lookup(id.Name); b != nil {
		switch b.kind {
		case bindScalar:
			if b.scalar == nil {
				return nil // its definition failed and was reported
			}
			return b.scalar
		case bindTabular:
			c.errorf(id.Span(), "'%s' is a tabular expression; it cannot be used as a scalar (use toscalar())", id.Name)
			return nil
		case bindFunction:
			// a user function that takes no arguments is invoked by its bare name (Kusto.Language's
			// Binder_Names: "user defined functions do not require argument list if it has no arguments")
			if b.pattern == nil && b.fn != nil && minArguments(b.fn.Params) == 0 {
				n, x := c.callFunction(e, &syntax.CallExpr{Base: syntax.Base{Sp: id.Span()}, Fn: id}, id.Name, b)
				if n != nil {
					c.errorf(id.Span(), "'%s' is a tabular expression; it cannot be used as a scalar (use toscalar())", id.Name)
					return nil
				}
				return x
			}
			c.errorf(id.Span(), "'%s' is a function; call it with parentheses", id.Name)
			return nil
		}
	}
	if c.cat != nil {
		if _, ok := c.cat.Table(id.Name); ok {
			c.errorf(id.Span(), "'%s' is a table; it cannot be used as a scalar (use toscalar())", id.Name)
			return nil
		}
	}
	if e.open {
		return &Const{spanned{id.Span()}, types.NullOf(types.Dynamic)}
	}
	c.errorf(id.Span(), "Failed to resolve scalar expression named '%s'", id.Name)
	return nil
}

// minArguments is how many arguments a call of a function with these parameters needs (those without defaults).
func minArguments(params []*syntax.Param) int {
	n := 0
	for _, p := range params {
		if p.Default == nil {
			n++
		}
	}
	return n
}

func (c *checker) unary(e env, u *syntax.UnaryExpr) Expr {
	x := c.scalar(e, u.X)
	if x == nil {
		return nil
	}
	t := x.Type()
	if u.Op == "+" {
		if !t.IsNumeric() && t != types.TimeSpan && t != types.Dynamic {
			c.errorf(u.Span(), "Unary '+' expects a number or timespan, got %s", t)
			return nil
		}
		return x
	}
	if !t.IsNumeric() && t != types.TimeSpan && t != types.Dynamic {
		c.errorf(u.Span(), "Unary '-' expects a number or timespan, got %s", t)
		return nil
	}
	if k, ok := x.(*Const); ok && !k.Val.Null {
		v := k.Val
		switch t.Physical() {
		case types.PhysInt:
			v.I = -v.I
			if t == types.Int {
				v.I = int64(int32(v.I))
			}
			return &Const{spanned{u.Span()}, v}
		case types.PhysReal:
			v.F = -v.F
			return &Const{spanned{u.Span()}, v}
		}
	}
	return &Unary{spanned{u.Span()}, "-", x, t}
}

// starOperand reports whether `* op value` binds: Kusto.Language gives == and the string operators (has,
// contains, startswith, matches regex, ... and their negations) a left parameter that accepts `*`.
func starOperand(op string) bool {
	if op == "==" {
		return true
	}
	return !logicalOps[op] && !comparisonOps[op] && !arithmeticOps[op]
}

// starPredicate binds `* op value`, which tests every column of the row: true when some column satisfies a
// positive operator (* has "x": a column has "x"), and, for a negated one, when every column does
// (* !has "x": no column has "x"). Columns that are not strings are tested by their tostring() form.
func (c *checker) starPredicate(e env, b *syntax.BinaryExpr) Expr {
	y := c.scalar(e, b.Y)
	if y == nil {
		return nil
	}
	sp := spanned{b.Span()}
	negated := strings.HasPrefix(b.Op, "!")
	join := "or"
	if negated {
		join = "and"
	}
	var out Expr
	for i, f := range e.row {
		var col Expr = &ColRef{spanned{b.X.Span()}, i, f.Name, f.Type}
		var test Expr
		if b.Op == "==" {
			if !equatable(f.Type, y.Type()) {
				if !equatable(types.String, y.Type()) {
					continue // neither the column's values nor their texts can equal the value
				}
				col = c.convert(col, types.String)
			}
			test = &Binary{sp, "==", col, y, types.Bool}
		} else {
			if f.Type != types.String && f.Type != types.Dynamic {
				col = c.convert(col, types.String)
			}
			test = c.kernelCall(b.Span(), b.OpPos, strings.ToLower(b.Op), []Expr{col, y}, []syntax.Expr{b.X, b.Y})
			if test == nil {
				return nil
			}
		}
		if out == nil {
			out = test
		} else {
			out = &Binary{sp, join, out, test, types.Bool}
		}
	}
	if out == nil {
		return &Const{sp, types.NewBool(negated)}
	}
	return out
}

// logicalOps, comparisonOps and arithmeticOps are the binary operators sema types itself; every other
// binary operator (has, contains, =~, matches regex, ...) is a string kernel.
var (
	logicalOps    = map[string]bool{"and": true, "or": true}
	comparisonOps = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "<>": true}
	arithmeticOps = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true}
)

func (c *checker) binary(e env, b *syntax.BinaryExpr) Expr {
	if _, star := b.X.(*syntax.StarExpr); star && starOperand(b.Op) && e.row != nil && e.agg == nil {
		return c.starPredicate(e, b)
	}
	x := c.scalar(e, b.X)
	y := c.scalar(e, b.Y)
	if x == nil || y == nil {
		return nil
	}
	op := b.Op
	if op == "<>" {
		op = "!="
	}
	sp := spanned{b.Span()}
	switch {
	case logicalOps[op]:
		for _, z := range []Expr{x, y} {
			if z.Type() != types.Bool && z.Type() != types.Dynamic {
				c.errorf(z.Span(), "The operator '%s' expects bool operands, got %s", op, z.Type())
				return nil
			}
		}
		return &Binary{sp, op, x, y, types.Bool}
	case comparisonOps[op]:
		if (op == "==" || op == "!=") && !equatable(x.Type(), y.Type()) {
			c.errorf(b.OpPos, "Cannot compare values of types %s and %s. Try adding explicit casts", x.Type(), y.Type())
			return nil
		}
		if op != "==" && op != "!=" && !orderable(x.Type(), y.Type()) {
			c.errorf(b.OpPos, "The operator '%s' is not defined for the operand types %s and %s.", op, x.Type(), y.Type())
			return nil
		}
		return &Binary{sp, op, x, y, types.Bool}
	case arithmeticOps[op]:
		t, ok := ArithmeticType(op, x.Type(), y.Type())
		if !ok {
			c.errorf(b.OpPos, "The operator '%s' cannot be applied to %s and %s", op, x.Type(), y.Type())
			return nil
		}
		return &Binary{sp, op, x, y, t}
	}
	if stringOperator(op) && !(stringOrDynamic(x.Type()) && stringOrDynamic(y.Type())) {
		c.errorf(b.OpPos, "The operator '%s' is not defined for the operand types %s and %s.", op, x.Type(), y.Type())
		return nil
	}
	return c.kernelCall(b.Span(), b.OpPos, op, []Expr{x, y}, []syntax.Expr{b.X, b.Y})
}

// stringOperator reports the string operators Kusto.Language declares with StringBinary (Operators.cs): =~ !~,
// the has, hasprefix, hassuffix, contains, startswith, endswith and like families, and matches regex.
func stringOperator(op string) bool {
	op = strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(op), "_cs"), "!")
	switch op {
	case "=~", "~", "has", "hasprefix", "hassuffix", "contains", "startswith", "endswith", "like", "matches regex":
		return true
	}
	return false
}

// stringOrDynamic reports the operand types of the string operators: Kusto.Language's StringOrDynamic on the
// left, and on the right StringOrDynamic or a string to which a dynamic value is promoted (the has family). A
// number, datetime, bool or guid needs tostring() first.
func stringOrDynamic(t types.Type) bool {
	return t == types.String || t == types.Dynamic || t == types.Unknown
}

// orderable reports whether < <= > >= bind between values of types a and b. The pairs are Kusto.Language's
// signatures of these operators (Operators.cs): a number or bool with a number or bool, timespan with
// timespan, datetime with datetime, dynamic with dynamic or a number. Strings and guids do not order (use
// strcmp()), and a dynamic does not order against a datetime or timespan without a cast.
// == and != are equatable's.
func orderable(a, b types.Type) bool {
	numberOrBool := func(t types.Type) bool { return t.IsNumeric() || t == types.Bool }
	switch {
	case numberOrBool(a) && numberOrBool(b):
		return true
	case a == b && (a == types.TimeSpan || a == types.DateTime || a == types.Dynamic):
		return true
	case a == types.Dynamic && b.IsNumeric(), a.IsNumeric() && b == types.Dynamic:
		return true
	}
	return a == types.Unknown || b == types.Unknown
}

// equatable reports whether == and != bind between values of types a and b: two values of one type, two
// numbers, a bool and an integer (IsAdminOperation == 0), a guid and a string, dynamic with anything, and a
// string with a number or a bool, which exec compares by the other side's tostring() form (crossTypeEquality).
//
// Kusto.Language binds == between any two scalars (Operators.cs: (NotBool, Scalar) and a hidden (Bool,
// Scalar)), but the service answers "Cannot compare values of types string and long. Try adding explicit
// casts" for comparisons it rejects (github.com/microsoft/BCTech/issues/24). Microsoft's documentation
// shows the service accepting a string against a number and against a bool, with the result a comparison
// of the texts gives: the portal's sample queries for SigninLogs, whose ResultType is a string, count
// successful sign-ins with ResultType == 0 and failed ones with ResultType != 0 and pick MFA failures with
// ResultType == 50074 (azure-monitor-docs articles/azure-monitor/reference/queries/signinlogs.md), and the
// standard-columns page selects billable records with _IsBillable == true, _IsBillable being a string
// (articles/azure-monitor/logs/log-standard-columns.md). No public page shows any other pair across
// domains (a string with a datetime or a timespan, a datetime with a number, a bool with a real, ...)
// binding, so those pairs keep the service's error; nor does any show the result for texts that are not the
// value's tostring() form ("04624" == 4624, "True" == true), which compare unequal here.
func equatable(a, b types.Type) bool {
	numberOrBool := func(t types.Type) bool { return t.IsNumeric() || t == types.Bool }
	switch {
	case a == b, a == types.Dynamic, b == types.Dynamic, a == types.Unknown, b == types.Unknown:
		return true
	case a.IsNumeric() && b.IsNumeric():
		return true
	case (a == types.Bool && b.IsIntegral()) || (a.IsIntegral() && b == types.Bool):
		return true
	case (a == types.GUID && b == types.String) || (a == types.String && b == types.GUID):
		return true
	case (a == types.String && numberOrBool(b)) || (numberOrBool(a) && b == types.String):
		return true
	}
	return false
}

// ArithmeticType returns the result type of `a op b` for an arithmetic operator, with Kusto's promotion.
func ArithmeticType(op string, a, b types.Type) (types.Type, bool) {
	if a == types.Dynamic || b == types.Dynamic {
		// a dynamic operand is converted at run time: to real next to a number, to timespan next to a datetime
		// or timespan
		other := a
		if a == types.Dynamic {
			other = b
		}
		switch {
		case other == types.Dynamic || other.IsNumeric():
			return types.Real, true
		case other == types.TimeSpan:
			return types.TimeSpan, op == "+" || op == "-"
		case other == types.DateTime && a == types.DateTime:
			return types.DateTime, op == "+" || op == "-"
		}
		return types.Unknown, false
	}
	switch {
	case a.IsNumeric() && b.IsNumeric():
		return numericPromote(a, b), true
	case a == types.DateTime && b == types.DateTime:
		// Kusto.Language: datetime - datetime and datetime % datetime are timespans, datetime / datetime real
		switch op {
		case "-", "%":
			return types.TimeSpan, true
		case "/":
			return types.Real, true
		}
		return types.Unknown, false
	case a == types.DateTime && b == types.TimeSpan && (op == "%" || op == "/"):
		// Timestamp % 1d is the time of day; datetime / timespan a real count of spans
		if op == "%" {
			return types.TimeSpan, true
		}
		return types.Real, true
	case a == types.DateTime && b == types.TimeSpan:
		return types.DateTime, op == "+" || op == "-"
	case a == types.TimeSpan && b == types.DateTime:
		return types.DateTime, op == "+"
	case a == types.TimeSpan && b == types.TimeSpan:
		switch op {
		case "+", "-", "%":
			return types.TimeSpan, true
		case "/":
			return types.Real, true
		}
		return types.Unknown, false
	case a == types.TimeSpan && b.IsNumeric():
		return types.TimeSpan, op == "*" || op == "/" || op == "%"
	case a.IsNumeric() && b == types.TimeSpan:
		return types.TimeSpan, op == "*"
	}
	return types.Unknown, false
}

func numericPromote(a, b types.Type) types.Type {
	switch {
	case a == types.Real || b == types.Real:
		return types.Real
	case a == types.Decimal || b == types.Decimal:
		return types.Decimal
	case a == types.Long || b == types.Long:
		return types.Long
	}
	return types.Int
}

// betweenBinds reports whether x between (lo .. hi) binds, after Kusto.Language's signatures of between:
// numbers; three summable values (numbers, datetimes, timespans: the bounds match the value's parameter
// kind, not its type); a datetime with a datetime start
// and a timespan length; a number against dynamic bounds or a dynamic against number bounds.
func betweenBinds(x, lo, hi types.Type) bool {
	if x == types.Unknown || lo == types.Unknown || hi == types.Unknown {
		return true
	}
	summable := func(t types.Type) bool { return t.IsNumeric() || t == types.DateTime || t == types.TimeSpan }
	switch {
	case x.IsNumeric() && lo.IsNumeric() && hi.IsNumeric():
		return true
	case summable(x) && summable(lo) && summable(hi):
		return true
	case x == types.DateTime && lo == types.DateTime && hi == types.TimeSpan:
		return true
	case x.IsNumeric() && lo == types.Dynamic && hi == types.Dynamic:
		return true
	case x == types.Dynamic && lo.IsNumeric() && hi.IsNumeric():
		return true
	}
	return false
}

func (c *checker) between(e env, b *syntax.BetweenExpr) Expr {
	x := c.scalar(e, b.X)
	lo := c.scalar(e, b.Lo)
	hi := c.scalar(e, b.Hi)
	if x == nil || lo == nil || hi == nil {
		return nil
	}
	if !betweenBinds(x.Type(), lo.Type(), hi.Type()) {
		op := "between"
		if b.Not {
			op = "!between"
		}
		c.errorf(b.Span(), "The operator '%s' is not defined for the operand types %s, %s and %s.", op, x.Type(), lo.Type(), hi.Type())
		return nil
	}
	return &Between{spanned{b.Span()}, x, lo, hi, b.Not}
}

func (c *checker) in(e env, in *syntax.InExpr) Expr {
	x := c.scalar(e, in.X)
	sp := spanned{in.Span()}
	op := strings.ToLower(in.Op)
	// in and !in test any scalar (Kusto.Language: NotBool or a hidden Bool value); in~, !in~, has_any,
	// has_all and the other list operators take a string or dynamic value (StringOrDynamic)
	if x != nil && op != "in" && op != "!in" && !stringOrDynamic(x.Type()) {
		c.errorf(in.X.Span(), "The operator '%s' is not defined for the operand type %s.", op, x.Type())
		return nil
	}
	switch op {
	case "in", "!in", "in~", "!in~":
	default:
		// has_any, has_all and friends are kernels over (x, list...)
		args := []Expr{x}
		if len(in.List) == 1 && c.isTabular(e, in.List[0]) {
			n := c.tabular(env{sc: e.sc}, in.List[0])
			if n == nil {
				return nil
			}
			args = append(args, &ColumnList{spanned{in.List[0].Span()}, n})
		} else {
			for _, it := range in.List {
				args = append(args, c.scalar(e, it))
			}
		}
		for _, a := range args {
			if a == nil {
				return nil
			}
		}
		return c.kernelCall(in.Span(), in.Span(), op, args, append([]syntax.Expr{in.X}, in.List...))
	}
	res := &In{spanned: sp, X: x, Negate: strings.HasPrefix(op, "!"), CaseInsensitive: strings.HasSuffix(op, "~")}
	if len(in.List) == 1 && c.isTabular(e, in.List[0]) {
		n := c.tabular(env{sc: e.sc}, in.List[0])
		if n == nil || x == nil {
			return nil
		}
		if len(n.Schema()) == 0 {
			c.errorf(in.List[0].Span(), "The subquery of '%s' returns no columns", op)
			return nil
		}
		res.Sub = n
		return res
	}
	ok := x != nil
	for _, it := range in.List {
		v := c.scalar(env{sc: e.sc, row: e.row, agg: e.agg}, it)
		if v == nil {
			ok = false
			continue
		}
		if x != nil && !equatable(x.Type(), v.Type()) {
			c.errorf(it.Span(), "Cannot compare values of types %s and %s. Try adding explicit casts", x.Type(), v.Type())
			ok = false
			continue
		}
		res.Items = append(res.Items, v)
	}
	if !ok {
		return nil
	}
	return res
}

func (c *checker) member(e env, m *syntax.MemberExpr) Expr {
	if x, ok := c.scanStateRef(e, m); ok {
		return x
	}
	if id, ok := m.X.(*syntax.Ident); ok && (id.Name == "$left" || id.Name == "$right") {
		c.errorf(m.Span(), "'%s' is only allowed in the on-clause of a join", id.Name)
		return nil
	}
	x := c.scalar(e, m.X)
	if x == nil {
		return nil
	}
	x = c.jsonText(x)
	if x.Type() != types.Dynamic {
		c.errorf(m.Span(), "The member access '.%s' needs a dynamic value, but the expression is of type %s", m.Name.Name, x.Type())
		return nil
	}
	return &Member{spanned{m.Span()}, x, m.Name.Name}
}

func (c *checker) index(e env, ix *syntax.IndexExpr) Expr {
	x := c.scalar(e, ix.X)
	i := c.scalar(e, ix.Index)
	if x == nil || i == nil {
		return nil
	}
	x = c.jsonText(x)
	if x.Type() != types.Dynamic {
		c.errorf(ix.Span(), "Indexing needs a dynamic value, but the expression is of type %s", x.Type())
		return nil
	}
	if k, ok := i.(*Const); ok && k.Val.Type == types.String {
		return &Member{spanned{ix.Span()}, x, k.Val.S}
	}
	if !i.Type().IsIntegral() && i.Type() != types.String && i.Type() != types.Dynamic {
		c.errorf(ix.Index.Span(), "An index must be an integer or a string, got %s", i.Type())
		return nil
	}
	return &Index{spanned{ix.Span()}, x, i}
}

// jsonText lets a string column holding JSON be used like the dynamic value it holds (d.a, d[0]): exports
// and schemas often type such columns (AdditionalFields) as string while hunting queries access them directly.
func (c *checker) jsonText(x Expr) Expr {
	if x.Type() != types.String {
		return x
	}
	if k, ok := kernel.LookupScalar("todynamic"); ok {
		infos := argInfos([]Expr{x}, nil)
		return &Call{spanned{x.Span()}, "todynamic", k, []Expr{x}, infos, types.Dynamic}
	}
	return x
}

// defenderOnly are functions that only the Defender XDR service can evaluate.
var defenderOnly = map[string]bool{"FileProfile": true, "DeviceFromIP": true, "SeenBy": true, "AssignedIPAddresses": true}

// call binds a function call: user functions, the calls sema implements itself, then scalar kernels.
// withoutArgumentNames returns call with each named argument (`f(Name = x)`) replaced by its expression.
// Kusto.Language binds a named argument of a built-in function as the expression it names, without a
// diagnostic (Binder_Misc.cs: named arguments are matched to parameters only for user functions, and
// CheckArgument sees through the name), so `toint(Compliant = dcountif(...))` is toint(dcountif(...)).
func withoutArgumentNames(call *syntax.CallExpr) *syntax.CallExpr {
	named := false
	for _, a := range call.Args {
		if n, ok := a.(*syntax.NamedExpr); ok && len(n.Names) == 1 {
			named = true
		}
	}
	if !named {
		return call
	}
	out := *call
	out.Args = make([]syntax.Expr, len(call.Args))
	for i, a := range call.Args {
		if n, ok := a.(*syntax.NamedExpr); ok && len(n.Names) == 1 {
			a = n.X
		}
		out.Args[i] = a
	}
	return &out
}

// namedFirstArgument is the column name of an unnamed `f(Name = x, ...)` when f names its result after its first
// argument (namesAfterFirstArgument): summarize
// toint(Compliant = dcountif(...)) makes a column Compliant. It returns "" otherwise.
func namedFirstArgument(x syntax.Expr) string {
	call, ok := x.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 {
		return ""
	}
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		return ""
	}
	if !namesAfterFirstArgument(id.Name, len(call.Args)) {
		return ""
	}
	if n, ok := call.Args[0].(*syntax.NamedExpr); ok && len(n.Names) == 1 {
		return n.Names[0].Name
	}
	return ""
}

func (c *checker) call(e env, call *syntax.CallExpr) Expr {
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		c.errorf(call.Fn.Span(), "Unsupported function call form")
		return nil
	}
	name := id.Name
	if i, ok := e.rowCalls[call]; ok && i < len(e.row) {
		return &ColRef{spanned{callSpan(call)}, i, e.row[i].Name, e.row[i].Type}
	}
	if b := e.sc.lookup(name); b == nil || b.kind != bindFunction {
		call = withoutArgumentNames(call)
	}
	if e.agg != nil {
		if agg, ok := kernel.LookupAggregate(name); ok {
			return e.agg.aggregate(c, call, name, agg)
		}
	}
	if b := e.sc.lookup(name); b != nil && b.kind == bindFunction {
		n, x := c.callFunction(e, call, name, b)
		if n != nil {
			c.errorf(callSpan(call), "Function '%s' returns a table; it cannot be used as a scalar (use toscalar())", name)
			return nil
		}
		return x
	}
	if defenderOnly[name] {
		c.errorf(id.Span(), "%s() needs the Microsoft Defender XDR service and cannot run locally", name)
		return nil
	}
	sp := spanned{callSpan(call)}
	switch name {
	case "now":
		if len(call.Args) > 1 {
			c.errorf(callSpan(call), "The function 'now' expects between 0 and 1 arguments.")
			return nil
		}
		var now Expr = &Now{sp}
		if len(call.Args) == 1 {
			off := c.scalar(e, call.Args[0])
			if off == nil {
				return nil
			}
			if off.Type() != types.TimeSpan {
				c.errorf(call.Args[0].Span(), "The function 'now' expects a timespan offset, got %s", off.Type())
				return nil
			}
			now = &Binary{sp, "+", now, off, types.DateTime}
		}
		return now
	case "ago":
		if len(call.Args) != 1 {
			c.errorf(callSpan(call), "The function 'ago' expects 1 argument.")
			return nil
		}
		off := c.scalar(e, call.Args[0])
		if off == nil {
			return nil
		}
		if off.Type() != types.TimeSpan {
			c.errorf(call.Args[0].Span(), "The function 'ago' expects a timespan, got %s", off.Type())
			return nil
		}
		return &Binary{sp, "-", &Now{sp}, off, types.DateTime}
	case "not":
		if len(call.Args) != 1 {
			c.errorf(callSpan(call), "The function 'not' expects 1 argument.")
			return nil
		}
		x := c.scalar(e, call.Args[0])
		if x == nil {
			return nil
		}
		if x.Type() != types.Bool && x.Type() != types.Dynamic {
			c.errorf(call.Args[0].Span(), "The function 'not' expects a bool, got %s", x.Type())
			return nil
		}
		return &Unary{sp, "not", x, types.Bool}
	case "toscalar":
		if len(call.Args) != 1 {
			c.errorf(callSpan(call), "The function 'toscalar' expects 1 argument.")
			return nil
		}
		if id, ok := call.Args[0].(*syntax.Ident); ok {
			if b := e.sc.lookup(id.Name); b != nil && b.partitionKey {
				return b.scalar
			}
		}
		if !c.isTabular(e, call.Args[0]) {
			return c.scalar(e, call.Args[0])
		}
		n := c.tabular(env{sc: e.sc}, call.Args[0])
		if n == nil {
			return nil
		}
		if len(n.Schema()) == 0 {
			c.errorf(callSpan(call), "toscalar(): the tabular expression returns no columns")
			return nil
		}
		return &ScalarSub{sp, n, n.Schema()[0].Type}
	case "column_ifexists":
		if len(call.Args) != 2 {
			c.errorf(callSpan(call), "The function 'column_ifexists' expects 2 arguments.")
			return nil
		}
		// the name may be any constant string (a let-bound name or a function parameter bound to a constant)
		nameX := c.scalar(env{sc: e.sc}, call.Args[0])
		if nameX == nil {
			return nil
		}
		lit, ok := nameX.(*Const)
		if !ok || lit.Val.Type != types.String {
			c.errorf(call.Args[0].Span(), "column_ifexists() expects a constant column name")
			return nil
		}
		if e.row != nil {
			if i := fieldIndex(e.row, lit.Val.S); i >= 0 {
				return &ColRef{sp, i, lit.Val.S, e.row[i].Type}
			}
		}
		return c.scalar(e, call.Args[1])
	case "column_names_of":
		return c.columnNamesOf(e, call)
	case "pack_all", "bag_pack_columns":
		return c.packColumns(e, call, name)
	case "estimate_data_size":
		return c.estimateDataSize(e, call)
	case "prev", "next", "row_number", "row_cumsum", "row_window_session", "row_rank_min", "row_rank_dense":
		c.errorf(callSpan(call), "Function '%s' cannot be invoked in current context. Details: it can only be used in extend, project and serialize over a serialized row set", name)
		return nil
	case "materialize":
		c.errorf(callSpan(call), "materialize() returns a table; it cannot be used as a scalar")
		return nil
	}
	if m, isMulti := kernel.LookupMultiScalar(name); isMulti {
		// a multi-output function in an expression is its first output (the flags of series_decompose_anomalies)
		if mo := c.multiCall(e, call, m); mo != nil {
			return mo.exprs[0]
		}
		return nil
	}
	_, isAgg := kernel.LookupAggregate(name)
	if _, isScalar := kernel.LookupScalar(name); !isScalar && !isAgg {
		c.errorf(id.Span(), "Unknown function: '%s'.", name)
		return nil
	}
	if isAgg {
		if _, isScalar := kernel.LookupScalar(name); !isScalar {
			c.errorf(callSpan(call), "The aggregate function '%s' is only allowed in summarize, make-series and similar operators", name)
			return nil
		}
	}
	args := make([]Expr, len(call.Args))
	ok = true
	for i, a := range call.Args {
		if te := typeOfArg(a); te != nil {
			args[i] = &Const{spanned{a.Span()}, types.NullOf(te.Type)}
			continue
		}
		args[i] = c.scalar(e, a)
		if args[i] == nil {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return c.kernelCall(callSpan(call), id.Span(), name, args, call.Args)
}

// argInfos describes bound arguments to kernels; syntaxArgs tell which were written as typeof(T).
func argInfos(args []Expr, syntaxArgs []syntax.Expr) []kernel.ArgInfo {
	infos := make([]kernel.ArgInfo, len(args))
	for i, a := range args {
		infos[i].Type = a.Type()
		if k, ok := a.(*Const); ok {
			v := k.Val
			infos[i].Const = &v
		}
		if i < len(syntaxArgs) {
			if typeOfArg(syntaxArgs[i]) != nil {
				infos[i].TypeOf = true
				infos[i].Const = nil
			}
		}
	}
	return infos
}

// typeOfArg returns the type of an argument written `typeof(T)` (or a bare type), or nil.
func typeOfArg(x syntax.Expr) *syntax.TypeExpr {
	switch t := x.(type) {
	case *syntax.TypeExpr:
		return t
	case *syntax.CallExpr:
		if id, ok := t.Fn.(*syntax.Ident); ok && strings.EqualFold(id.Name, "typeof") && len(t.Args) == 1 {
			if te, ok := t.Args[0].(*syntax.TypeExpr); ok && !te.Tabular {
				return te
			}
		}
	}
	return nil
}

// kernelCall binds a call of the scalar kernel name (a function or a string operator).
func (c *checker) kernelCall(sp, nameSp source.Span, name string, args []Expr, syntaxArgs []syntax.Expr) Expr {
	k, ok := kernel.LookupScalar(name)
	if !ok {
		if strings.ContainsAny(name, " !=~") || isOperatorWord(name) {
			c.errorf(nameSp, "The operator '%s' is not supported", name)
		} else {
			c.errorf(nameSp, "Unknown function: '%s'.", name)
		}
		return nil
	}
	if err := kernel.CheckArity(name, k.MinArgs, k.MaxArgs, len(args)); err != nil {
		c.errorf(sp, "%s", err.Error())
		return nil
	}
	infos := argInfos(args, syntaxArgs)
	t, err := k.Result(infos)
	if err != nil {
		at := sp
		if ae, ok := err.(*kernel.ArgError); ok && ae.Index >= 0 && ae.Index < len(args) {
			at = args[ae.Index].Span()
		}
		c.errorf(at, "%s", err.Error())
		return nil
	}
	return &Call{spanned{sp}, name, k, args, infos, t}
}

func isOperatorWord(name string) bool {
	for _, p := range []string{"has", "contains", "startswith", "endswith", "hasprefix", "hassuffix", "matches", "like", "in"} {
		if strings.HasPrefix(strings.TrimPrefix(name, "!"), p) {
			return true
		}
	}
	return false
}

// convert returns x converted to t (folding constants that convert exactly).
func (c *checker) convert(x Expr, t types.Type) Expr {
	if x.Type() == t {
		return x
	}
	if k, ok := x.(*Const); ok {
		if v, ok := convertConst(k.Val, t); ok {
			return &Const{k.spanned, v}
		}
	}
	return &Cast{spanned{x.Span()}, x, t}
}

// convertConst converts the constant v to t for the simple numeric and null cases.
func convertConst(v types.Value, t types.Type) (types.Value, bool) {
	if v.Null {
		return types.NullOf(t), true
	}
	switch {
	case v.Type.IsIntegral() && t == types.Long:
		return types.NewLong(v.I), true
	case v.Type.IsIntegral() && t == types.Int:
		return types.NewInt(v.I), true
	case v.Type.IsIntegral() && (t == types.Real || t == types.Decimal):
		return types.Value{Type: t, F: float64(v.I)}, true
	case (v.Type == types.Real || v.Type == types.Decimal) && (t == types.Real || t == types.Decimal):
		return types.Value{Type: t, F: v.F}, true
	}
	return types.Value{}, false
}
