package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestDynamicFunctions(t *testing.T) {
	arr := J(`["this", "is", "an", "example", "an", "example"]`)
	cases := []scalarCase{
		{"array_length", "array_length", args(J(`[1, 2, 3, "four"]`)), L(4)},
		{"array_length not array", "array_length", args(J(`{"a":1}`)), N(types.Long)},
		{"array_length null", "array_length", args(J(`null`)), N(types.Long)},
		{"array_sum", "array_sum", args(J(`[1,2,3,4]`)), R(10)},
		{"array_sum mixed", "array_sum", args(J(`[1,2.5]`)), R(3.5)},
		{"array_sum non-number", "array_sum", args(J(`[1,"x"]`)), N(types.Real)},
		{"array_concat", "array_concat", args(J(`[1,2,4]`), J(`[1,2]`)), J(`[1,2,4,1,2]`)},
		{"array_concat not array", "array_concat", args(J(`[1]`), J(`3`)), J(`null`)},
		{"array_slice", "array_slice", args(J(`[1,2,3]`), L(1), L(2)), J(`[2,3]`)},
		{"array_slice negative end", "array_slice", args(J(`[1,2,3,4,5]`), L(2), L(-1)), J(`[3,4,5]`)},
		{"array_slice beyond", "array_slice", args(J(`[1,2,3]`), L(1), L(100)), J(`[2,3]`)},
		{"array_slice empty", "array_slice", args(J(`[1,2,3]`), L(2), L(1)), J(`[]`)},
		{"array_index_of", "array_index_of", args(arr, S("an")), L(2)},
		{"array_index_of window", "array_index_of", args(arr, S("example"), L(1), L(3)), L(3)},
		{"array_index_of short window", "array_index_of", args(arr, S("example"), L(1), L(2)), L(-1)},
		{"array_index_of after", "array_index_of", args(arr, S("is"), L(2), L(4)), L(-1)},
		{"array_index_of unlimited", "array_index_of", args(arr, S("example"), L(2), L(-1)), L(3)},
		{"array_index_of second", "array_index_of", args(arr, S("an"), L(1), L(-1), L(2)), L(4)},
		{"array_index_of third", "array_index_of", args(arr, S("an"), L(1), L(-1), L(3)), L(-1)},
		{"array_index_of negative start", "array_index_of", args(arr, S("an"), L(-3)), L(4)},
		{"array_index_of negative start miss", "array_index_of", args(arr, S("is"), L(-4)), L(-1)},
		{"array_index_of number", "array_index_of", args(J(`[1,2.0,3]`), L(2)), L(1)},
		{"bag_keys", "bag_keys", args(J(`{"a":1,"b":{"c":2}}`)), J(`["a","b"]`)},
		{"bag_keys not bag", "bag_keys", args(J(`[1]`)), J(`null`)},
		{"bag_has_key", "bag_has_key", args(J(`{"a":1}`), S("a")), B(true)},
		{"bag_has_key missing", "bag_has_key", args(J(`{"a":1}`), S("b")), B(false)},
		{"bag_has_key path", "bag_has_key", args(J(`{"key1":123,"key2":{"prop1":"abc"},"key3":[100,200]}`), S("$.key2.prop1")), B(true)},
		{"bag_has_key path index", "bag_has_key", args(J(`{"key3":[100,200]}`), S("$.key3[1]")), B(true)},
		{"bag_has_key path bracket", "bag_has_key", args(J(`{"a b":{"c":1}}`), S("$['a b'].c")), B(true)},
		{"bag_has_key path miss", "bag_has_key", args(J(`{"key2":{"prop1":"abc"}}`), S("$.key2.prop9")), B(false)},
		{"bag_pack", "bag_pack", args(S("Level"), S("Information"), S("ProcessID"), L(1234), S("Data"), J(`{"url":"www.bing.com"}`)),
			J(`{"Level":"Information","ProcessID":1234,"Data":{"url":"www.bing.com"}}`)},
		{"pack alias with null", "pack", args(S("a"), N(types.Long)), J(`{"a":null}`)},
		{"pack_array", "pack_array", args(L(1), L(2), L(4)), J(`[1,2,4]`)},
		{"pack_array typed", "pack_array", args(S("x"), N(types.Real), B(true)), J(`["x",null,true]`)},
		{"set_has_element", "set_has_element", args(J(`["a","b"]`), S("b")), B(true)},
	}
	runScalarCases(t, cases)
	// Typed scalars keep their type inside dynamic.
	v, err := evalScalar(t, "pack_array", DT("2020-01-01"), TS("1h"))
	if err != nil {
		t.Fatal(err)
	}
	if got := types.FormatJSON(v.D); got != `["2020-01-01T00:00:00.0000000Z","01:00:00"]` {
		t.Errorf("pack_array datetime/timespan = %s", got)
	}
	if ty := dynTypeName(v.D.([]any)[0]); ty != "datetime" {
		t.Errorf("gettype(pack_array(datetime)[0]) = %s, want datetime", ty)
	}
	if _, err := evalScalar(t, "bag_pack", S("a")); err == nil {
		t.Error("bag_pack with an odd argument count should be an error")
	}
	if _, err := evalScalar(t, "bag_pack", L(1), S("a")); err == nil {
		t.Error("bag_pack with a non-string key should be an error")
	}
}

func TestMathFunctions(t *testing.T) {
	cases := []scalarCase{
		{"abs long", "abs", args(L(-5)), L(5)},
		{"abs real", "abs", args(R(-2.5)), R(2.5)},
		{"abs timespan", "abs", args(TS("-1h")), TS("1h")},
		{"abs min long", "abs", args(L(math.MinInt64)), N(types.Long)},
		{"round", "round", args(R(2.98765), L(3)), R(2.988)},
		{"round half away", "round", args(R(2.15), L(1)), R(2.2)},
		{"round negative digits", "round", args(R(-50.55), L(-2)), R(-100)},
		{"round default", "round", args(R(2.5)), R(3)},
		{"round long", "round", args(L(1234), L(-2)), L(1200)},
		{"ceiling", "ceiling", args(R(1.1)), R(2)},
		{"ceiling negative", "ceiling", args(R(-1.1)), R(-1)},
		{"exp", "exp", args(L(0)), R(1)},
		{"log", "log", args(L(5)), R(1.6094379124341003)},
		{"log negative", "log", args(L(-1)), N(types.Real)},
		{"log zero", "log", args(L(0)), R(math.Inf(-1))},
		{"log10", "log10", args(L(100)), R(2)},
		{"log2", "log2", args(L(8)), R(3)},
		{"pow", "pow", args(L(2), L(10)), R(1024)},
		{"sqrt", "sqrt", args(L(16)), R(4)},
		{"sqrt negative", "sqrt", args(L(-1)), N(types.Real)},
		{"isnan", "isnan", args(R(math.NaN())), B(true)},
		{"isnan number", "isnan", args(R(1)), B(false)},
		{"isinf", "isinf", args(R(math.Inf(-1))), B(true)},
		{"isinf NaN", "isinf", args(R(math.NaN())), B(false)},
		{"isnan null", "isnan", args(N(types.Real)), N(types.Bool)},
		{"max_of", "max_of", args(L(10), L(1), L(-3), L(17)), L(17)},
		{"max_of datetimes", "max_of", args(DT("2024-12-15 07:15:22"), DT("2024-12-15 07:15:24")), DT("2024-12-15 07:15:24")},
		{"min_of ignores null", "min_of", args(N(types.Long), L(3), L(2)), L(2)},
		{"min_of widening", "min_of", args(L(3), R(2.5)), R(2.5)},
		{"max_of all null", "max_of", args(N(types.Long), N(types.Long)), N(types.Long)},
		{"sign", "sign", args(L(-7)), R(-1)},
	}
	runScalarCases(t, cases)
}

func TestIPFunctions(t *testing.T) {
	cases := []scalarCase{
		{"in range", "ipv4_is_in_range", args(S("10.20.30.40"), S("10.0.0.0/8")), B(true)},
		{"not in range", "ipv4_is_in_range", args(S("203.0.113.5"), S("10.0.0.0/8")), B(false)},
		{"in range equal", "ipv4_is_in_range", args(S("192.168.1.1"), S("192.168.1.1")), B(true)},
		{"in range prefix on range", "ipv4_is_in_range", args(S("192.168.1.1"), S("192.168.1.255/24")), B(true)},
		{"in range invalid ip", "ipv4_is_in_range", args(S("not an ip"), S("10.0.0.0/8")), N(types.Bool)},
		{"in range octet too big", "ipv4_is_in_range", args(S("10.0.0.256"), S("10.0.0.0/8")), N(types.Bool)},
		{"in range bad prefix", "ipv4_is_in_range", args(S("10.0.0.1"), S("10.0.0.0/33")), N(types.Bool)},
		{"in range /0", "ipv4_is_in_range", args(S("1.2.3.4"), S("0.0.0.0/0")), B(true)},
		{"in any range", "ipv4_is_in_any_range", args(S("192.168.1.6"), S("192.168.1.1/24"), S("10.0.0.1/8")), B(true)},
		{"in any range array", "ipv4_is_in_any_range", args(S("127.0.0.1"), J(`["127.0.0.1","192.168.1.1"]`)), B(true)},
		{"in any range none", "ipv4_is_in_any_range", args(S("8.8.8.8"), J(`["127.0.0.1","192.168.1.1/24"]`)), B(false)},
		{"private 10", "ipv4_is_private", args(S("10.1.2.3")), B(true)},
		{"private 192.168 with prefix", "ipv4_is_private", args(S("192.168.1.1/24")), B(true)},
		{"private 172.16", "ipv4_is_private", args(S("172.31.255.1")), B(true)},
		{"not private 172.32", "ipv4_is_private", args(S("172.32.0.1")), B(false)},
		{"loopback not private", "ipv4_is_private", args(S("127.0.0.1")), B(false)},
		{"private invalid", "ipv4_is_private", args(S("")), N(types.Bool)},
		{"compare 31", "ipv4_compare", args(S("192.168.1.1"), S("192.168.1.0"), L(31)), L(0)},
		{"compare own prefix", "ipv4_compare", args(S("192.168.1.1/24"), S("192.168.1.255"), L(31)), L(0)},
		{"compare less", "ipv4_compare", args(S("192.168.1.1"), S("192.168.1.255")), L(-1)},
		{"compare greater", "ipv4_compare", args(S("10.0.0.2"), S("10.0.0.1")), L(1)},
		{"is_match", "ipv4_is_match", args(S("192.168.1.1/30"), S("192.168.1.255/24")), B(true)},
		{"is_match false", "ipv4_is_match", args(S("192.168.1.1"), S("192.168.1.2")), B(false)},
		{"parse_ipv4", "parse_ipv4", args(S("127.0.0.1")), L(2130706433)},
		{"parse_ipv4 masked", "parse_ipv4", args(S("192.1.168.1/16")), L(3221291008)},
		{"parse_ipv4 invalid", "parse_ipv4", args(S("1.2.3")), N(types.Long)},
		{"parse_ipv4 five parts", "parse_ipv4", args(S("1.2.3.4.5")), N(types.Long)},
		{"ipv6 v4 31", "ipv6_is_match", args(S("192.168.1.1"), S("192.168.1.0"), L(31)), B(true)},
		{"ipv6 127", "ipv6_is_match", args(S("fe80::85d:e82c:9446:7994"), S("fe80::85d:e82c:9446:7995"), L(127)), B(true)},
		{"ipv6 own prefix", "ipv6_is_match", args(S("fe80::85d:e82c:9446:7994/120"), S("fe80::85d:e82c:9446:7998"), L(127)), B(true)},
		{"ipv6 mixed", "ipv6_is_match", args(S("192.168.1.1/24"), S("::ffff:c0a8:01ff"), L(127)), B(true)},
		{"ipv6 mixed 2", "ipv6_is_match", args(S("::ffff:c0a8:0101"), S("192.168.1.255"), L(120)), B(true)},
		{"ipv6 compat", "ipv6_is_match", args(S("::192.168.1.1/30"), S("192.168.1.255/24"), L(127)), B(true)},
		{"ipv6 differ", "ipv6_is_match", args(S("fe80::1"), S("fe80::2")), B(false)},
		{"ipv6 invalid", "ipv6_is_match", args(S("fe80::zz"), S("fe80::2")), N(types.Bool)},
		{"has_ipv4", "has_ipv4", args(S("05:04:54 127.0.0.1 GET /favicon.ico 404"), S("127.0.0.1")), B(true)},
		{"has_ipv4 glued", "has_ipv4", args(S("05:04:54127.0.0.1 GET"), S("127.0.0.1")), B(false)},
		{"has_ipv4 longer address", "has_ipv4", args(S("ip 127.0.0.12 x"), S("127.0.0.1")), B(false)},
		{"has_ipv4_prefix invalid address", "has_ipv4_prefix", args(S("05:04:54 127.0.0.256 GET"), S("127.0.")), B(false)},
		{"has_ipv4_prefix glued", "has_ipv4_prefix", args(S("05:04:54127.0.0.1 GET"), S("127.0.")), B(false)},
		{"has_ipv4_prefix", "has_ipv4_prefix", args(S("05:04:54 127.0.0.1 GET"), S("127.0.")), B(true)},
		{"has_any_ipv4", "has_any_ipv4", args(S("05:04:54 127.0.0.1 GET"), S("127.0.0.1"), S("127.0.0.2")), B(true)},
		{"has_any_ipv4 array", "has_any_ipv4", args(S("05:04:54 127.0.0.1 GET"), J(`["127.0.0.1","127.0.0.2"]`)), B(true)},
		{"has_any_ipv4_prefix needs dot", "has_any_ipv4_prefix", args(S("05:04:54 127.0.0.1 GET"), S("127.0")), B(false)},
		{"has_any_ipv4_prefix glued", "has_any_ipv4_prefix", args(S("05:04:54127.0.0.1 GET"), S("127.0."), S("192.")), B(false)},
	}
	runScalarCases(t, cases)
}

func TestURLFunctions(t *testing.T) {
	cases := []scalarCase{
		{"parse_url full", "parse_url", args(S("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")),
			J(`{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}`)},
		{"parse_url simple", "parse_url", args(S("https://portal.internal.corp/training")),
			J(`{"Scheme":"https","Host":"portal.internal.corp","Port":"","Path":"/training","Username":"","Password":"","Query Parameters":{},"Fragment":""}`)},
		{"parse_url host only", "parse_url", args(S("https://bit.ly")),
			J(`{"Scheme":"https","Host":"bit.ly","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`)},
		{"parse_url ipv6 host", "parse_url", args(S("http://[::1]:8080/x")),
			J(`{"Scheme":"http","Host":"[::1]","Port":"8080","Path":"/x","Username":"","Password":"","Query Parameters":{},"Fragment":""}`)},
		{"parse_url encoded query", "parse_url", args(S("http://h/p?q=a%20b&flag")),
			J(`{"Scheme":"http","Host":"h","Port":"","Path":"/p","Username":"","Password":"","Query Parameters":{"q":"a b","flag":""},"Fragment":""}`)},
		{"parse_url not absolute", "parse_url", args(S("bing.com")),
			J(`{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`)},
		{"parse_urlquery", "parse_urlquery", args(S("k1=v1&k2=v2")), J(`{"Query Parameters":{"k1":"v1","k2":"v2"}}`)},
		{"parse_path windows", "parse_path", args(S(`C:\temp\file.txt`)),
			J(`{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`)},
		{"parse_path relative", "parse_path", args(S(`temp\file.txt`)),
			J(`{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`)},
		{"parse_path file scheme", "parse_path", args(S("file://C:/temp/file.txt:some.exe")),
			J(`{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`)},
		{"parse_path unc", "parse_path", args(S(`\\shared\users\temp\file.txt.gz`)),
			J(`{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`)},
		{"parse_path unix", "parse_path", args(S("/usr/lib/temp/file.txt")),
			J(`{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`)},
	}
	runScalarCases(t, cases)
}
