package syntax

import (
	"math"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// sexpr prints an expression tree with explicit grouping, to check precedence and shape.
func sexpr(x Expr) string {
	switch e := x.(type) {
	case *BinaryExpr:
		return "(" + e.Op + " " + sexpr(e.X) + " " + sexpr(e.Y) + ")"
	case *UnaryExpr:
		return "(" + e.Op + sexpr(e.X) + ")"
	case *InExpr:
		parts := []string{e.Op, sexpr(e.X)}
		for _, it := range e.List {
			parts = append(parts, sexpr(it))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *BetweenExpr:
		op := "between"
		if e.Not {
			op = "!between"
		}
		return "(" + op + " " + sexpr(e.X) + " " + sexpr(e.Lo) + " " + sexpr(e.Hi) + ")"
	case *CallExpr:
		parts := []string{sexpr(e.Fn)}
		for _, a := range e.Args {
			parts = append(parts, sexpr(a))
		}
		return "call(" + strings.Join(parts, " ") + ")"
	case *MemberExpr:
		return "(. " + sexpr(e.X) + " " + e.Name.Name + ")"
	case *IndexExpr:
		return "([] " + sexpr(e.X) + " " + sexpr(e.Index) + ")"
	case *ParenExpr:
		return "[" + sexpr(e.X) + "]"
	case *NamedExpr:
		return e.Names[0].Name + "=" + sexpr(e.X)
	case *Ident:
		return e.Name
	case *StarExpr:
		return "*"
	case *TypeExpr:
		return "type:" + e.Type.String()
	case *Literal:
		return e.Raw
	}
	return Format(x)
}

func TestExpressionShapes(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"and binds tighter than or", "a or b and c", "(or a (and b c))"},
		{"comparison under and", "a == 1 and b != 2", "(and (== a 1) (!= b 2))"},
		{"relational tighter than equality", "a < b == c", "(== (< a b) c)"},
		{"arithmetic", "1 + 2 * 3 - 4 % 5", "(- (+ 1 (* 2 3)) (% 4 5))"},
		{"string operator tighter than arithmetic", "a + b has c", "(+ a (has b c))"},
		{"unary minus", "-a * -2", "(* (-a) (-2))"},
		{"not-has and aliases", "a !has 'x' or b notcontains 'y' or c containscs 'z'", "(or (or (!has a 'x') (!contains b 'y')) (contains_cs c 'z'))"},
		{"matches regex", `s matches regex @"\d+"`, `(matches regex s @"\d+")`},
		{"in list", "x in~ ('a', 'b')", "(in~ x 'a' 'b')"},
		{"not in with subquery", "x !in (T | project y)", "(!in x T\n| project y)"},
		{"has_any", "x has_any (L)", "(has_any x L)"},
		{"between", "t between (ago(1d) .. now())", "(between t call(ago 1d) call(now))"},
		{"not between", "n !between (1 .. 10)", "(!between n 1 10)"},
		{"members and index", "parse_json(d).a.b[0]['c']", "([] ([] (. (. call(parse_json d) a) b) 0) 'c')"},
		{"left right", "$left.a == $right.b", "(== (. $left a) (. $right b))"},
		{"quoted member", "d.['a b']", "(. d a b)"},
		{"typeof", "extract('x', 1, s, typeof(long))", "call(extract 'x' 1 s call(typeof type:long))"},
		{"star equals", "* has 'x'", "(has * 'x')"},
		{"search colon", "Col : 'x'", "(: Col 'x')"},
		{"parens kept", "(a + b) * c", "(* [(+ a b)] c)"},
		{"named call argument", "bag_unpack(d, columnsConflict='keep')", "call(bag_unpack d columnsConflict='keep')"},
		{"not is a function", "not(a and b)", "call(not (and a b))"},
		{"dollar and digit names", "$x + 1abc", "(+ $x 1abc)"},
		{"toscalar with pipeline", "toscalar(T | count)", "call(toscalar T\n| count)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, diags := ParseExpr(source.New("", tc.expr))
			if diags.Err() != nil {
				t.Fatalf("%v", diags)
			}
			if got := sexpr(x); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestLiterals(t *testing.T) {
	day := types.TicksPerDay
	dt := func(s string) int64 {
		v, ok := types.ParseDateTime(s)
		if !ok {
			t.Fatalf("bad test datetime %s", s)
		}
		return v
	}
	tests := []struct {
		name string
		expr string
		want types.Value
	}{
		{"long", "123", types.NewLong(123)},
		{"hex long", "0x1F", types.NewLong(31)},
		{"real", "1.5", types.NewReal(1.5)},
		{"real exponent", "1e3", types.NewReal(1000)},
		{"real leading dot", ".5", types.NewReal(0.5)},
		{"real trailing dot", "2.", types.NewReal(2)},
		{"bool", "true", types.NewBool(true)},
		{"bool upper", "FALSE", types.NewBool(false)},
		{"timespan day", "1d", types.NewTimeSpan(day)},
		{"timespan fraction", "1.5h", types.NewTimeSpan(day / 16)},
		{"timespan minutes", "30m", types.NewTimeSpan(30 * types.TicksPerMinute)},
		{"timespan seconds", "10s", types.NewTimeSpan(10 * types.TicksPerSecond)},
		{"timespan ms", "100ms", types.NewTimeSpan(100 * types.TicksPerMillisecond)},
		{"timespan ticks", "2tick", types.NewTimeSpan(2)},
		{"timespan microsecond", "1microsecond", types.NewTimeSpan(10)},
		{"timespan min", "5min", types.NewTimeSpan(5 * types.TicksPerMinute)},
		{"time clock", "time(1.02:03:04)", types.NewTimeSpan(day + 2*types.TicksPerHour + 3*types.TicksPerMinute + 4*types.TicksPerSecond)},
		{"timespan bare days", "timespan(2)", types.NewTimeSpan(2 * day)},
		{"time with unit and space", "time(15 seconds)", types.NewTimeSpan(15 * types.TicksPerSecond)},
		{"time null", "time(null)", types.NullOf(types.TimeSpan)},
		{"datetime ISO Z", "datetime(2026-11-02T23:59:59Z)", types.NewDateTime(dt("2026-11-02T23:59:59Z"))},
		{"datetime space", "datetime(2007-07-30 10:00)", types.NewDateTime(dt("2007-07-30T10:00:00Z"))},
		{"datetime date only", "datetime(2017-01-01)", types.NewDateTime(dt("2017-01-01T00:00:00Z"))},
		{"datetime quoted", `datetime("2017-01-01")`, types.NewDateTime(dt("2017-01-01T00:00:00Z"))},
		{"datetime null", "datetime(null)", types.NullOf(types.DateTime)},
		{"datetime month first", "datetime(01/16/2022 13:05)", types.NewDateTime(dt("2022-01-16T13:05:00Z"))},
		{"datetime loose separators", "datetime(2017 - 08 - 01)", types.NewDateTime(dt("2017-08-01T00:00:00Z"))},
		{"datetime commas", "datetime(2025, 6, 14)", types.NewDateTime(dt("2025-06-14T00:00:00Z"))},
		{"long null", "long(null)", types.NullOf(types.Long)},
		{"int null", "int(null)", types.NullOf(types.Int)},
		{"real null", "real(null)", types.NullOf(types.Real)},
		{"bool null", "bool(null)", types.NullOf(types.Bool)},
		{"guid null", "guid(null)", types.NullOf(types.GUID)},
		{"long typed", "long(123)", types.NewLong(123)},
		{"long negative", "long(-5)", types.NewLong(-5)},
		{"int typed", "int(5)", types.NewInt(5)},
		{"real typed", "real(1.5)", types.NewReal(1.5)},
		{"real nan", "real(nan)", types.NewReal(math.NaN())},
		{"real +inf", "real(+inf)", types.NewReal(math.Inf(1))},
		{"real -inf", "real(-inf)", types.NewReal(math.Inf(-1))},
		{"bool typed", "bool(true)", types.NewBool(true)},
		{"guid", "guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)", types.NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642")},
		{"raw guid", "74be27de-1e4e-49d9-b579-fe0b331d3642", types.NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642")},
		{"decimal", "decimal(1.25)", types.Value{Type: types.Decimal, F: 1.25}},
		{"string double", `"a\"b\n\t\\"`, types.NewString("a\"b\n\t\\")},
		{"string single", `'it\'s'`, types.NewString("it's")},
		{"string unicode and hex and octal escapes", `"\u00e9\x41\101"`, types.NewString("éAA")},
		{"verbatim", `@"C:\temp\""x"`, types.NewString(`C:\temp\"x`)},
		{"verbatim single", `@'a\b''c'`, types.NewString(`a\b'c`)},
		{"obfuscated", `h"secret"`, types.NewString("secret")},
		{"obfuscated verbatim", `h@'x\y'`, types.NewString(`x\y`)},
		{"multi-line", "```line1\nline2\\n```", types.NewString("line1\nline2\\n")},
		{"adjacent strings", `"a" 'b' // c` + "\n" + `@"\d"`, types.NewString(`ab\d`)},
		{"dynamic null", "dynamic(null)", types.NullOf(types.Dynamic)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, diags := ParseExpr(source.New("", tc.expr))
			if diags.Err() != nil {
				t.Fatalf("%v", diags)
			}
			lit, ok := x.(*Literal)
			if !ok {
				t.Fatalf("got %T, want *Literal", x)
			}
			got := lit.Value
			same := got.Type == tc.want.Type && got.Null == tc.want.Null && got.I == tc.want.I && got.S == tc.want.S &&
				(got.F == tc.want.F || math.IsNaN(got.F) && math.IsNaN(tc.want.F))
			if !same {
				t.Errorf("value = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDynamicLiterals(t *testing.T) {
	tests := []struct {
		name, expr, want string // want is types.FormatJSON plus Go types of the leaves
	}{
		{"object", `dynamic({"a": 1, "b": [true, null, "x", 1.5]})`, `{"a":1,"b":[true,null,"x",1.5]}`},
		{"array", `dynamic([1, -2, 3e2])`, `[1,-2,300]`},
		{"kql literals inside", `dynamic({"t": datetime(2020-01-01), "s": 1d, "g": guid(74be27de-1e4e-49d9-b579-fe0b331d3642), "n": long(null)})`,
			`{"t":"2020-01-01T00:00:00.0000000Z","s":"1.00:00:00","g":"74be27de-1e4e-49d9-b579-fe0b331d3642","n":null}`},
		{"single quotes and comments", "dynamic(['a', // note\n 'b'])", `["a","b"]`},
		{"scalar", `dynamic("s")`, `"s"`},
		{"empty", `dynamic({})`, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, diags := ParseExpr(source.New("", tc.expr))
			if diags.Err() != nil {
				t.Fatalf("%v", diags)
			}
			lit := x.(*Literal)
			if lit.Value.Type != types.Dynamic {
				t.Fatalf("type = %v", lit.Value.Type)
			}
			if got := types.FormatJSON(lit.Value.D); got != tc.want {
				t.Errorf("value = %s, want %s", got, tc.want)
			}
		})
	}
	// typed scalars keep their KQL type inside dynamic
	x, _ := ParseExpr(source.New("", `dynamic([datetime(2020-01-01), 2h, 7])`))
	arr := x.(*Literal).Value.D.([]any)
	if _, ok := arr[0].(types.DynDateTime); !ok {
		t.Errorf("element 0 is %T, want DynDateTime", arr[0])
	}
	if _, ok := arr[1].(types.DynTimeSpan); !ok {
		t.Errorf("element 1 is %T, want DynTimeSpan", arr[1])
	}
	if _, ok := arr[2].(int64); !ok {
		t.Errorf("element 2 is %T, want int64", arr[2])
	}
}

func TestDatatableSignedLiterals(t *testing.T) {
	tree, diags := Parse(source.New("", "datatable(a:long, b:real, c:timespan)[-5, -1.5, -1d, +2, 3, -x]"))
	if diags.Err() != nil {
		t.Fatal(diags)
	}
	dt := tree.Stmts[0].(*ExprStmt).X.(*PipeExpr).Op.(*DatatableOp)
	want := []types.Value{types.NewLong(-5), types.NewReal(-1.5), types.NewTimeSpan(-types.TicksPerDay), types.NewLong(2), types.NewLong(3)}
	for i, w := range want {
		lit, ok := dt.Values[i].(*Literal)
		if !ok {
			t.Fatalf("value %d is %T, want *Literal", i, dt.Values[i])
		}
		if lit.Value.Type != w.Type || lit.Value.I != w.I || lit.Value.F != w.F {
			t.Errorf("value %d = %+v, want %+v", i, lit.Value, w)
		}
	}
	if _, ok := dt.Values[5].(*UnaryExpr); !ok {
		t.Errorf("-x is %T, want *UnaryExpr", dt.Values[5])
	}
}
