package kernel

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestStringFunctions(t *testing.T) {
	cases := []scalarCase{
		{"strcat", "strcat", args(S("Hello"), S(", "), S("World!")), S("Hello, World!")},
		{"strcat mixed", "strcat", args(S("a"), L(1), N(types.Long), B(true)), S("a1true")},
		{"strcat_delim", "strcat_delim", args(S("-"), L(1), S("2"), S("A"), TS("1s")), S("1-2-A-00:00:01")},
		{"strlen unicode", "strlen", args(S("⒦⒰⒮⒯⒪")), L(5)},
		{"strlen empty", "strlen", args(S("")), L(0)},
		{"tolower", "tolower", args(S("ABC def")), S("abc def")},
		{"toupper", "toupper", args(S("abc")), S("ABC")},
		{"substring from", "substring", args(S("123456"), L(1)), S("23456")},
		{"substring len", "substring", args(S("123456"), L(2), L(2)), S("34")},
		{"substring negative start", "substring", args(S("123456"), L(-2), L(2)), S("56")},
		{"substring beyond", "substring", args(S("abc"), L(10)), S("")},
		{"substring long length", "substring", args(S("abc"), L(1), L(100)), S("bc")},
		{"split index", "split", args(S("aaa_bbb_ccc"), S("_"), L(1)), J(`["bbb"]`)},
		{"split empty", "split", args(S(""), S("_")), J(`[""]`)},
		{"split consecutive", "split", args(S("a__b"), S("_")), J(`["a","","b"]`)},
		{"split index out of range", "split", args(S("a_b"), S("_"), L(5)), J(`[]`)},
		{"extract typed", "extract", args(S(`-(\d{2})-`), L(1), S("21-07-2023"), TypeOf(types.Int)), I(7)},
		{"extract string", "extract", args(S(`x=(\w+)`), L(1), S("a x=abc y")), S("abc")},
		{"extract whole match", "extract", args(S(`\d+`), L(0), S("ab123cd")), S("123")},
		{"extract no match", "extract", args(S(`\d+`), L(0), S("abc")), S("")},
		{"extract no match typed", "extract", args(S(`\d+`), L(0), S("abc"), TypeOf(types.Long)), N(types.Long)},
		{"extract group out of range", "extract", args(S(`(\d+)`), L(3), S("a1")), S("")},
		{"extract_all groups", "extract_all", args(S(`(\w)(\w+)(\w)`), S("82b8be2d-dfa7-4bd1-8f63-24ad26d31449")),
			J(`[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`)},
		{"extract_all selected groups", "extract_all", args(S(`(\w)(\w+)(\w)`), J(`[1,3]`), S("82b8be2d-dfa7-4bd1-8f63-24ad26d31449")),
			J(`[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]`)},
		{"extract_all one group", "extract_all", args(S(`(\d+)`), S("a1b22c333")), J(`["1","22","333"]`)},
		{"extract_all no group", "extract_all", args(S(`\d+`), S("a1b22")), J(`["1","22"]`)},
		{"extract_all no match", "extract_all", args(S(`\d+`), S("abc")), J(`null`)},
		{"replace_string", "replace_string", args(S("Number is 1"), S("is"), S("was")), S("Number was 1")},
		{"replace_string empty lookup", "replace_string", args(S("abc"), S(""), S("x")), S("abc")},
		{"replace_regex groups", "replace_regex", args(S("abc123"), S(`([a-z]+)(\d+)`), S(`\2-\1`)), S("123-abc")},
		{"replace deprecated order", "replace", args(S(`([a-z]+)(\d+)`), S(`\2-\1`), S("abc123")), S("123-abc")},
		{"strlen dynamic", "strlen", args(J(`"abcd"`)), L(4)},
		{"replace_regex dollar literal", "replace_regex", args(S("a b"), S(` `), S(`$1`)), S("a$1b")},
		{"trim regex", "trim", args(S(`[^\w]+`), S("-  Te st1// $")), S("Te st1")},
		{"trim spaces", "trim", args(S(`\s+`), S("  x y  ")), S("x y")},
		{"trim_start", "trim_start", args(S(`\s+`), S("    Hello, world!    ")), S("Hello, world!    ")},
		{"trim_end", "trim_end", args(S(`\s+`), S("    Hello    ")), S("    Hello")},
		{"trim literal", "trim", args(S("--"), S("--a--b----")), S("a--b")},
		{"indexof", "indexof", args(S("abcdefg"), S("cde")), L(2)},
		{"indexof window", "indexof", args(S("abcdefg"), S("cde"), L(1), L(4)), L(2)},
		{"indexof window too short", "indexof", args(S("abcdefg"), S("cde"), L(1), L(2)), L(-1)},
		{"indexof after", "indexof", args(S("abcdefg"), S("cde"), L(3), L(4)), L(-1)},
		{"indexof negative start", "indexof", args(S("abcdefg"), S("cde"), L(-5)), L(2)},
		{"indexof casts", "indexof", args(L(1234567), L(5), L(1), L(4)), L(4)},
		{"indexof unlimited", "indexof", args(S("abcdefg"), S("cde"), L(2), L(-1)), L(2)},
		{"indexof occurrence", "indexof", args(S("abcdefgabcdefg"), S("cde"), L(1), L(10), L(2)), L(9)},
		{"indexof occurrence missing", "indexof", args(S("abcdefgabcdefg"), S("cde"), L(1), L(-1), L(3)), L(-1)},
		{"indexof bad length", "indexof", args(S("abc"), S("b"), L(0), L(-2)), N(types.Long)},
		{"reverse", "reverse", args(S("abc")), S("cba")},
		{"reverse int", "reverse", args(L(12345)), S("54321")},
		{"reverse real", "reverse", args(R(123.45)), S("54.321")},
		{"reverse datetime", "reverse", args(DT("2017-10-15 12:00")), S("Z0000000.00:00:21T51-01-7102")},
		{"reverse timespan", "reverse", args(TS("3h")), S("00:00:30")},
		{"countof", "countof", args(S("aaa"), S("a")), L(3)},
		{"countof overlapping", "countof", args(S("aaaa"), S("aa")), L(3)},
		{"countof regex", "countof", args(S("aaaa"), S("aa"), S("regex")), L(2)},
		{"countof empty", "countof", args(S("abc"), S("")), L(0)},
		{"url_encode", "url_encode", args(S("https://www.bing.com/hello world")), S("https%3a%2f%2fwww.bing.com%2fhello+world")},
		{"url_encode_component", "url_encode_component", args(S("a b/c")), S("a%20b%2fc")},
		{"url_decode", "url_decode", args(S("https%3a%2f%2fwww.bing.com%2fhello+world")), S("https://www.bing.com/hello world")},
		{"url_decode malformed", "url_decode", args(S("100%zz%4")), S("100%zz%4")},
		{"base64 encode", "base64_encode_tostring", args(S("Kusto")), S("S3VzdG8=")},
		{"base64 decode", "base64_decode_tostring", args(S("S3VzdG8=")), S("Kusto")},
		{"base64 decode invalid", "base64_decode_tostring", args(S("***")), S("")},
		{"sha256", "hash_sha256", args(S("World")), S("78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524")},
		{"md5", "hash_md5", args(S("World")), S("f5a7924e621e84c9280a9a27e1bcb7f6")},
		{"strrep", "strrep", args(S("ABC"), L(2), S(",")), S("ABC,ABC")},
	}
	runScalarCases(t, cases)
}

func TestStringFunctionErrors(t *testing.T) {
	cases := []struct {
		name string
		fn   string
		args []types.Value
		want string
	}{
		{"extract bad regex", "extract", args(S("(a"), L(1), S("a")), "invalid regular expression"},
		{"replace_regex bad regex", "replace_regex", args(S("a"), S("[z-a]"), S("")), "invalid regular expression"},
		{"trim bad regex", "trim", args(S("*"), S("a")), "invalid regular expression"},
		{"countof bad kind", "countof", args(S("a"), S("a"), S("fuzzy")), "kind"},
		{"extract_all bad group", "extract_all", args(S(`(a)`), J(`[5]`), S("a")), "capture group"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := evalScalar(t, c.fn, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
