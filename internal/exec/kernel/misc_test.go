package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestMiscFunctions(t *testing.T) {
	cases := []scalarCase{
		{"replace_strings", "replace_strings", args(S("A magic trick can turn a cat into a dog"), J(`["turn"," into a dog"]`), J(`["disappear",""]`)),
			S("A magic trick can disappear a cat")},
		{"replace_strings order 1", "replace_strings", args(S("This is an example"), J(`["This","is"]`), J(`["This","was"]`)), S("This was an example")},
		{"replace_strings order 2", "replace_strings", args(S("This is an example"), J(`["is","This"]`), J(`["was","This"]`)), S("Thwas was an example")},
		{"replace_strings no rescan", "replace_strings", args(S("ab"), J(`["a","b"]`), J(`["b","c"]`)), S("bc")},
		{"format_bytes", "format_bytes", args(L(564)), S("564 Bytes")},
		{"format_bytes precision", "format_bytes", args(L(10332), L(1)), S("10.1 KB")},
		{"format_bytes MB", "format_bytes", args(L(20010332)), S("19 MB")},
		{"format_bytes MB 2", "format_bytes", args(L(20010332), L(2)), S("19.08 MB")},
		{"format_bytes unit", "format_bytes", args(L(20010332), L(0), S("KB")), S("19541 KB")},
		{"string_size", "string_size", args(S("hello")), L(5)},
		{"string_size utf8", "string_size", args(S("⒦")), L(3)},
		{"isascii", "isascii", args(S("some string")), B(true)},
		{"isascii false", "isascii", args(S("é")), B(false)},
		{"codepoints", "unicode_codepoints_from_string", args(S("Kusto")), J(`[75,117,115,116,111]`)},
		{"codepoints back", "unicode_codepoints_to_string", args(J(`[75,117,115,116,111]`)), S("Kusto")},
		{"codepoints variadic", "unicode_codepoints_to_string", args(L(75), L(10), L(117)), S("K\nu")},
		{"codepoints invalid", "unicode_codepoints_to_string", args(L(-1)), S("")},
		{"tohex", "tohex", args(L(256)), S("100")},
		{"tohex negative", "tohex", args(L(-1)), S("ffffffffffffffff")},
		{"tohex int negative", "tohex", args(I(-1)), S("ffffffff")},
		{"tohex width", "tohex", args(L(255), L(4)), S("00ff")},
		{"binary_or", "binary_or", args(L(5), L(3)), L(7)},
		{"binary_and", "binary_and", args(L(5), L(3)), L(1)},
		{"binary_xor", "binary_xor", args(L(5), L(3)), L(6)},
		{"binary_not", "binary_not", args(L(0)), L(-1)},
		{"binary_shift_left", "binary_shift_left", args(L(1), L(4)), L(16)},
		{"binary_shift_right", "binary_shift_right", args(L(16), L(4)), L(1)},
		{"binary_shift huge", "binary_shift_left", args(L(1), L(100)), L(0)},
		{"bitset_count_ones", "bitset_count_ones", args(L(42)), L(3)},
		{"base64_encode_fromguid", "base64_encode_fromguid", args(G("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")), S("8jMxriJurkmwahbmqbIS6w==")},
		{"base64_decode_toguid", "base64_decode_toguid", args(S("8jMxriJurkmwahbmqbIS6w==")), G("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")},
		{"base64_decode_toarray", "base64_decode_toarray", args(S("S3VzdG8=")), J(`[75,117,115,116,111]`)},
		{"base64_encode_fromarray", "base64_encode_fromarray", args(J(`[75,117,115,116,111]`)), S("S3VzdG8=")},
		{"hash_sha1", "hash_sha1", args(S("World")), S("70c07ec18ef89c5309bbb0937f3a6342411e1fdd")},
		{"parse_ipv6 v4", "parse_ipv6", args(S("192.168.255.255")), S("0000:0000:0000:0000:0000:ffff:c0a8:ffff")},
		{"parse_ipv6 v4 prefix", "parse_ipv6", args(S("192.168.255.255/24")), S("0000:0000:0000:0000:0000:ffff:c0a8:ff00")},
		{"parse_ipv6 mask", "parse_ipv6_mask", args(S("fe80::85d:e82c:9446:7994/120"), L(124)), S("fe80:0000:0000:0000:085d:e82c:9446:7900")},
		{"parse_ipv6 v4 in v6", "parse_ipv6_mask", args(S("::192.168.255.255/24"), L(128)), S("0000:0000:0000:0000:0000:ffff:c0a8:ff00")},
		{"parse_ipv6 invalid", "parse_ipv6", args(S("nope")), S("")},
		{"ipv6_is_in_range", "ipv6_is_in_range", args(S("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd"), S("a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112")), B(true)},
		{"ipv6_is_in_range no", "ipv6_is_in_range", args(S("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd"), S("0:0:0:0:0:ffff:c0a8:ac/60")), B(false)},
		{"has_any_index first", "has_any_index", args(S("this is an example"), J(`["this","example"]`)), L(0)},
		{"has_any_index second", "has_any_index", args(S("this is an example"), J(`["not","example"]`)), L(1)},
		{"has_any_index none", "has_any_index", args(S("this is an example"), J(`["not","found"]`)), L(-1)},
		{"has_any_index numbers", "has_any_index", args(S("Example number 2"), J(`[1,2,3]`)), L(1)},
		{"has_any_index empty", "has_any_index", args(S("this is an example"), J(`[]`)), L(-1)},
		{"parse_csv", "parse_csv", args(S("record1,a,b,c\nrecord2,x,y,z")), J(`["record1","a","b","c"]`)},
		{"parse_csv quotes", "parse_csv", args(S(`aa,"b,""b""",c`)), J(`["aa","b,\"b\"","c"]`)},
		{"extract_json", "extract_json", args(S("$.name"), S(`{"name": "John", "age": 30}`), TypeOf(types.String)), S("John")},
		{"extract_json typed", "extract_json", args(S("$.age"), S(`{"name": "John", "age": 30}`), TypeOf(types.Long)), L(30)},
		{"extract_json missing", "extractjson", args(S("$.x"), S(`{"name": "John"}`)), S("")},
		{"extract_json array", "extract_json", args(S("$.a[1]"), S(`{"a":[1,{"b":2}]}`)), S(`{"b":2}`)},
		{"extract_json bad json", "extract_json", args(S("$.a"), S(`{`)), S("")},
		{"erf", "erf", args(L(1)), R(0.842700792949715)},
		{"gamma", "gamma", args(L(5)), R(24)},
		{"local to utc paris", "datetime_local_to_utc", args(DT("2020-02-02 20:02:20"), S("Europe/Paris")), DT("2020-02-02 19:02:20")},
		{"local to utc chicago", "datetime_local_to_utc", args(DT("2020-02-02 20:02:20"), S("America/Chicago")), DT("2020-02-03 02:02:20")},
		{"utc to local pacific", "datetime_utc_to_local", args(DT("2020-02-03 04:02:20.1234567"), S("US/Pacific")), DT("2020-02-02 20:02:20.1234567")},
		{"utc to local bad zone", "datetime_utc_to_local", args(DT("2020-02-03 04:02:20"), S("Mars/Olympus")), N(types.DateTime)},
	}
	runScalarCases(t, cases)
}

func TestMakeListWithNulls(t *testing.T) {
	cols := runAgg(t, "make_list_with_nulls", []uint32{0, 0, 0}, 1, col(types.Int, N(types.Int), I(4), I(5)))
	checkCol(t, "make_list_with_nulls", cols[0], J(`[null,4,5]`))
}

func TestPunycode(t *testing.T) {
	cases := []scalarCase{
		{"encode", "punycode_from_string", args(S("艺术")), S("cqv902d")},
		{"decode", "punycode_to_string", args(S("acadmie-franaise-npb1a")), S("académie-française")},
		{"encode mixed", "punycode_from_string", args(S("académie-française")), S("acadmie-franaise-npb1a")},
		{"decode invalid", "punycode_to_string", args(S("ab$")), S("")},
		{"round trip", "punycode_to_string", args(S("cqv902d")), S("艺术")},
	}
	runScalarCases(t, cases)
}
