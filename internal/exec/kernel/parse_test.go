package kernel

import (
	"regexp"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestParseFunctions(t *testing.T) {
	cases := []scalarCase{
		{"xml empty element", "parse_xml", args(S(`<e/>`)), J(`{"e":null}`)},
		{"xml text", "parse_xml", args(S(`<e>text</e>`)), J(`{"e":"text"}`)},
		{"xml attribute", "parse_xml", args(S(`<e name="value" />`)), J(`{"e":{"@name":"value"}}`)},
		{"xml attribute and text", "parse_xml", args(S(`<e name="value">text</e>`)), J(`{"e":{"@name":"value","#text":"text"}}`)},
		{"xml children", "parse_xml", args(S(`<e> <a>text</a> <b>text</b> </e>`)), J(`{"e":{"a":"text","b":"text"}}`)},
		{"xml repeated", "parse_xml", args(S(`<e> <a>text</a> <a>text</a> </e>`)), J(`{"e":{"a":["text","text"]}}`)},
		{"xml mixed", "parse_xml", args(S(`<e> text <a>text</a> </e>`)), J(`{"e":{"#text":"text","a":"text"}}`)},
		{"xml declaration skipped", "parse_xml", args(S(`<?xml version="1.0"?><d><v>118.0</v></d>`)), J(`{"d":{"v":"118.0"}}`)},
		{"xml invalid", "parse_xml", args(S(`<e><a></e>`)), J(`null`)},
		{"xml not xml", "parse_xml", args(S(`hello`)), J(`null`)},
		{"command line", "parse_command_line", args(S(`echo "hello world!"`), S("windows")), J(`["echo","hello world!"]`)},
		{"command line quoted program", "parse_command_line", args(S(`"C:\Program Files\a.exe" -x "a\"b" c\\d`), S("windows")),
			J(`["C:\\Program Files\\a.exe","-x","a\"b","c\\\\d"]`)},
		{"command line backslashes before quote", "parse_command_line", args(S(`a \\\\"b c" d`), S("windows")), J(`["a","\\\\b c","d"]`)},
		{"command line empty", "parse_command_line", args(S(``), S("windows")), J(`[]`)},
		{"command line bad parser", "parse_command_line", args(S(`a b`), S("linux")), J(`null`)},
		{"translate", "translate", args(S("abc"), S("x"), S("abc")), S("xxx")},
		{"translate remove", "translate", args(S("abc"), S(""), S("a-b-c")), S("--")},
		{"translate map", "translate", args(S("krasp"), S("otsku"), S("spark")), S("kusto")},
		{"indexof_regex", "indexof_regex", args(S("abcabc"), S("b.")), L(1)},
		{"indexof_regex start", "indexof_regex", args(S("abcabc"), S("b."), L(2)), L(4)},
		{"indexof_regex occurrence", "indexof_regex", args(S("abcabc"), S("b."), L(0), L(-1), L(2)), L(4)},
		{"indexof_regex none", "indexof_regex", args(S("abc"), S("z")), L(-1)},
		{"jaccard", "jaccard_index", args(J(`[1,2,3]`), J(`[2,3,4,4]`)), R(0.5)},
		{"ipv6_is_in_any_range", "ipv6_is_in_any_range", args(S("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd"), S("fe80::/16"), S("a5e:f127::/32")), B(true)},
		{"pack_dictionary", "pack_dictionary", args(S("a"), L(1)), J(`{"a":1}`)},
		{"base64_decodestring", "base64_decodestring", args(S("S3VzdG8=")), S("Kusto")},
		{"make_string", "make_string", args(L(75), L(117)), S("Ku")},
	}
	runScalarCases(t, cases)
}

func TestRandAndNewGUID(t *testing.T) {
	s, _ := LookupScalar("rand")
	out, err := s.Eval(testCtx(), nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[float64]bool{}
	for _, f := range out.Reals {
		if f < 0 || f >= 1 {
			t.Fatalf("rand() = %v, outside [0, 1)", f)
		}
		distinct[f] = true
	}
	if len(distinct) < 90 {
		t.Errorf("rand() gave only %d distinct values in 100", len(distinct))
	}
	out, err = s.Eval(testCtx(), []Arg{constArg(L(10))}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range out.Ints {
		if x < 0 || x >= 10 {
			t.Fatalf("rand(10) = %d", x)
		}
	}
	g, err := evalScalar(t, "new_guid")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(g.S) || g.Type != types.GUID {
		t.Errorf("new_guid() = %q", g.S)
	}
}

func TestConstantArgumentsComputedOnce(t *testing.T) {
	s, _ := LookupScalar("strcat_delim")
	out, err := s.Eval(testCtx(), []Arg{constArg(S("-")), constArg(L(1)), constArg(S("x"))}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out.Strs {
		if v != "1-x" {
			t.Errorf("row %d = %q", i, v)
		}
	}
	g, _ := LookupScalar("new_guid")
	guids, err := g.Eval(testCtx(), nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if guids.Strs[0] == guids.Strs[1] || guids.Strs[1] == guids.Strs[2] {
		t.Errorf("new_guid() repeated a value across rows: %v", guids.Strs)
	}
	d, _ := LookupScalar("datetime_add")
	dts, err := d.Eval(testCtx(), []Arg{constArg(S("day")), constArg(L(1)), constArg(N(types.DateTime))}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !dts.IsNull(0) || !dts.IsNull(1) {
		t.Error("datetime_add over a null constant should be null in every row")
	}
}
