package kernel

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestConversions(t *testing.T) {
	cases := []scalarCase{
		{"tostring long", "tostring", args(L(123)), S("123")},
		{"tostring null int", "tostring", args(N(types.Int)), S("")},
		{"tostring null real", "tostring", args(N(types.Real)), S("")},
		{"tostring real whole", "tostring", args(R(5)), S("5")},
		{"tostring real fraction", "tostring", args(R(123.45)), S("123.45")},
		{"tostring real large", "tostring", args(R(1e20)), S("1E+20")},
		{"tostring real small", "tostring", args(R(1e-7)), S("1E-07")},
		{"tostring real 1e14", "tostring", args(R(1e14)), S("100000000000000")},
		{"tostring NaN", "tostring", args(R(math.NaN())), S("NaN")},
		{"tostring -inf", "tostring", args(R(math.Inf(-1))), S("-Infinity")},
		{"tostring bool", "tostring", args(B(true)), S("true")},
		{"tostring datetime", "tostring", args(DT("2017-10-15 12:00")), S("2017-10-15T12:00:00.0000000Z")},
		{"tostring timespan", "tostring", args(TS("3h")), S("03:00:00")},
		{"tostring timespan days frac", "tostring", args(TS("1.02:03:04.5")), S("1.02:03:04.5000000")},
		{"tostring negative timespan", "tostring", args(TS("-1h")), S("-01:00:00")},
		{"tostring dynamic string", "tostring", args(J(`"abc"`)), S("abc")},
		{"tostring dynamic object", "tostring", args(J(`{"a":1,"b":[true,null]}`)), S(`{"a":1,"b":[true,null]}`)},
		{"tostring dynamic null", "tostring", args(J("null")), S("")},
		{"tostring guid", "tostring", args(G("74be27de-1e4e-49d9-b579-fe0b331d3642")), S("74be27de-1e4e-49d9-b579-fe0b331d3642")},
		{"toint string", "toint", args(S("123")), I(123)},
		{"toint real truncates", "toint", args(R(2.3)), I(2)},
		{"toint negative real truncates", "toint", args(R(-2.7)), I(-2)},
		{"toint bad string", "toint", args(S("abc")), N(types.Int)},
		{"toint overflow", "toint", args(L(1 << 40)), N(types.Int)},
		{"toint empty", "toint", args(S("")), N(types.Int)},
		{"tolong string", "tolong", args(S(" -42 ")), L(-42)},
		{"tolong huge string", "tolong", args(S("99999999999999999999")), N(types.Long)},
		{"tolong NaN", "tolong", args(R(math.NaN())), N(types.Long)},
		{"tolong datetime ticks", "tolong", args(DT("1970-01-01")), L(types.UnixEpochTicks)},
		{"tolong dynamic", "tolong", args(J(`17`)), L(17)},
		{"tolong bool", "tolong", args(B(true)), L(1)},
		{"tolong hex text", "tolong", args(S("0x10")), N(types.Long)},
		{"tolong real text truncates", "tolong", args(S("12.7")), L(12)},
		{"toreal string", "toreal", args(S("1.5e3")), R(1500)},
		{"todouble alias", "todouble", args(S("0.25")), R(0.25)},
		{"toreal bad", "toreal", args(S("1.2.3")), N(types.Real)},
		{"toreal hex rejected", "toreal", args(S("0x10")), N(types.Real)},
		{"toreal NaN text", "toreal", args(S("NaN")), R(math.NaN())},
		{"todecimal", "todecimal", args(S("12.5")), types.Value{Type: types.Decimal, F: 12.5}},
		{"tobool true text", "tobool", args(S("TRUE")), B(true)},
		{"tobool false text", "tobool", args(S("false")), B(false)},
		{"tobool number", "tobool", args(L(7)), B(true)},
		{"tobool zero", "tobool", args(L(0)), B(false)},
		{"tobool bad", "tobool", args(S("yes")), N(types.Bool)},
		{"toboolean alias", "toboolean", args(S("true")), B(true)},
		{"toguid", "toguid", args(S("74BE27DE-1E4E-49D9-B579-FE0B331D3642")), G("74be27de-1e4e-49d9-b579-fe0b331d3642")},
		{"toguid no hyphens", "toguid", args(S("74be27de1e4e49d9b579fe0b331d3642")), G("74be27de-1e4e-49d9-b579-fe0b331d3642")},
		{"toguid bad", "toguid", args(S("74be27de-1e4e")), N(types.GUID)},
		{"todatetime", "todatetime", args(S("2015-12-24")), DT("2015-12-24")},
		{"todatetime bad", "todatetime", args(S("not a date")), N(types.DateTime)},
		{"todatetime month first", "todatetime", args(S("02/17/2016 08:40:01")), DT("2016-02-17T08:40:01")},
		{"todatetime month first 12-hour", "todatetime", args(S("2/7/2016 8:40:01 PM")), DT("2016-02-07T20:40:01")},
		{"todatetime month first date only", "todatetime", args(S("12/31/2020")), DT("2020-12-31")},
		{"todatetime day first is not read", "todatetime", args(S("17/02/2016 08:40:01")), N(types.DateTime)},
		{"todatetime dynamic", "todatetime", args(J(`"2015-12-24T10:00:00Z"`)), DT("2015-12-24 10:00")},
		{"totimespan text", "totimespan", args(S("1.00:00:00")), TS("1d")},
		{"totimespan literal text", "totimespan", args(S("0.00:01:00")), TS("1m")},
		{"totimespan bad", "totimespan", args(S("abc")), N(types.TimeSpan)},
		{"gettype long", "gettype", args(L(1)), S("long")},
		{"gettype null int", "gettype", args(N(types.Int)), S("int")},
		{"gettype array", "gettype", args(J(`[1]`)), S("array")},
		{"gettype bag", "gettype", args(J(`{"a":1}`)), S("dictionary")},
		{"gettype dynamic null", "gettype", args(J(`null`)), S("null")},
		{"gettype dynamic long", "gettype", args(J(`1`)), S("long")},
		{"gettype dynamic real", "gettype", args(J(`1.5`)), S("real")},
		{"gettype dynamic string", "gettype", args(J(`"x"`)), S("string")},
		{"gettype timespan", "gettype", args(TS("1d")), S("timespan")},
		{"isnull empty string", "isnull", args(S("")), B(false)},
		{"isnull null", "isnull", args(N(types.Long)), B(true)},
		{"isnotnull", "isnotnull", args(L(1)), B(true)},
		{"isempty empty", "isempty", args(S("")), B(true)},
		{"isempty null int", "isempty", args(N(types.Int)), B(true)},
		{"isempty empty array", "isempty", args(J(`[]`)), B(false)},
		{"isempty dynamic null", "isempty", args(J(`null`)), B(true)},
		{"isnotempty", "isnotempty", args(S("a")), B(true)},
		{"not", "not", args(B(true)), B(false)},
		{"not null", "not", args(N(types.Bool)), N(types.Bool)},
		{"iff true", "iff", args(B(true), L(1), L(2)), L(1)},
		{"iff null condition takes else", "iff", args(N(types.Bool), L(1), L(2)), L(2)},
		{"iif widening", "iif", args(B(false), L(1), R(2.5)), R(2.5)},
		{"iff widening then branch", "iff", args(B(true), L(1), R(2.5)), R(1)},
		{"iff null real", "iff", args(B(true), N(types.Real), R(5)), N(types.Real)},
		{"iff dynamic and string is string", "iff", args(B(true), J(`{"a":1}`), S("null")), S(`{"a":1}`)},
		{"iff dynamic string branch", "iff", args(B(true), J(`"x"`), S("null")), S("x")},
		{"iff dynamic and long is long", "iff", args(B(true), J(`7`), L(0)), L(7)},
		{"iff both dynamic", "iff", args(B(false), J(`[1]`), J(`[2]`)), J(`[2]`)},
		{"case dynamic and string", "case", args(B(false), J(`1`), S("fallback")), S("fallback")},
		{"case first match", "case", args(B(false), S("a"), B(true), S("b"), S("c")), S("b")},
		{"case else", "case", args(B(false), S("a"), N(types.Bool), S("b"), S("c")), S("c")},
		{"coalesce", "coalesce", args(N(types.Long), L(2), L(3)), L(2)},
		{"coalesce all null", "coalesce", args(N(types.Long), N(types.Long)), N(types.Long)},
		{"coalesce skips empty strings", "coalesce", args(S(""), S("x")), S("x")},
	}
	runScalarCases(t, cases)
}

func TestParseJSON(t *testing.T) {
	cases := []struct {
		name, fn, in string
		want         string // JSON of the result; "null" is dynamic null
		typ          string // gettype of the result
	}{
		{"object", "parse_json", `{"a":123, "b":"x"}`, `{"a":123,"b":"x"}`, "dictionary"},
		{"array", "todynamic", `[1, 2.5, "x"]`, `[1,2.5,"x"]`, "array"},
		{"invalid JSON is a string", "parse_json", `{not json`, `"{not json"`, "string"},
		{"empty is null", "parse_json", ``, `null`, "null"},
		{"blank is null", "parsejson", `   `, `null`, "null"},
		{"number", "parse_json", `42`, `42`, "long"},
		{"trailing garbage is a string", "parse_json", `[1] x`, `"[1] x"`, "string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evalScalar(t, c.fn, S(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if j := types.FormatJSON(got.D); j != c.want {
				t.Errorf("%s(%q) = %s, want %s", c.fn, c.in, j, c.want)
			}
			if ty := dynTypeName(got.D); ty != c.typ {
				t.Errorf("gettype = %s, want %s", ty, c.typ)
			}
		})
	}
	// A dynamic string is returned as is (conformance core/nested_json.txtar).
	inner, _ := evalScalar(t, "parse_json", J(`"{\"ip\":\"10.1.2.3\"}"`))
	if s, ok := inner.D.(string); !ok || s != `{"ip":"10.1.2.3"}` {
		t.Errorf("parse_json(dynamic string) = %#v, want the string unchanged", inner.D)
	}
}

func TestConversionTypeErrors(t *testing.T) {
	cases := []struct {
		name    string
		fn      string
		args    []types.Value
		wantMsg string
		argIdx  int
	}{
		{"iff condition not bool", "iff", args(L(1), L(1), L(2)), "The expression must have the type bool.", 0},
		{"iff branches differ", "iff", args(B(true), L(1), S("x")), "The expression must have the type long.", 2},
		{"not of string", "not", args(S("x")), "The expression must have the type bool.", 0},
		{"strlen of long", "strlen", args(L(1)), "The expression must have one of the types: string or dynamic.", 0},
		{"url_encode of long", "url_encode", args(L(1)), "The expression must have the type string.", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := evalScalar(t, c.fn, c.args...)
			var ae *ArgError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an ArgError", err)
			}
			if ae.Msg != c.wantMsg || ae.Index != c.argIdx {
				t.Errorf("got (%d, %q), want (%d, %q)", ae.Index, ae.Msg, c.argIdx, c.wantMsg)
			}
		})
	}
	_, err := evalScalar(t, "tostring")
	if err == nil || !strings.Contains(err.Error(), "The function 'tostring' expects 1 argument.") {
		t.Errorf("arity error = %v", err)
	}
	_, err = evalScalar(t, "substring", S("a"))
	if err == nil || err.Error() != "The function 'substring' expects between 2 and 3 arguments." {
		t.Errorf("arity error = %v", err)
	}
}

func TestIffOverColumns(t *testing.T) {
	s, _ := LookupScalar("iff")
	cond := colArg(types.Bool, B(true), N(types.Bool), B(false))
	out, err := s.Eval(testCtx(), []Arg{cond, colArg(types.Real, N(types.Real), R(1), R(2)), constArg(R(5))}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []types.Value{N(types.Real), R(5), R(5)}
	for i, w := range want {
		if !sameValue(out.Value(i), w) {
			t.Errorf("row %d = %s, want %s", i, show(out.Value(i)), show(w))
		}
	}
}
