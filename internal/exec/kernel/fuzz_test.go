package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// fuzzedScalars take one or two strings (the fuzzed text, and a second fuzzed string where they take one).
var fuzzedScalars = []string{
	"parse_json", "parse_url", "parse_urlquery", "parse_path", "todatetime", "totimespan", "toint", "tolong",
	"toreal", "tobool", "toguid", "url_decode", "url_encode", "base64_decode_tostring", "strlen", "reverse",
	"tolower", "toupper", "ipv4_is_private", "parse_ipv4", "hash_md5", "gettype", "punycode_to_string",
	"punycode_from_string", "parse_xml", "parse_csv", "base64_decode_toarray", "gzip_decompress_from_base64_string",
	"split", "has", "contains", "hasprefix", "hassuffix", "startswith", "endswith", "=~", "has_any", "has_all",
	"extract_all", "matches regex", "trim", "trim_start", "replace_string", "countof", "indexof",
	"ipv4_is_in_range", "ipv4_compare", "ipv6_is_match", "has_ipv4", "has_ipv4_prefix", "bag_has_key",
}

// FuzzStringKernels feeds random text to the string and parsing kernels: they may return an error (bad regex)
// but must never panic, and must return one row.
func FuzzStringKernels(f *testing.F) {
	seeds := [][2]string{
		{"scheme://user:pw@host:1/p?a=b#f", "x"},
		{`{"a":[1,2,{"b":null}]}`, "$.a[2].b"},
		{"2020-01-01T00:00:00.1234567Z", "1.02:03:04"},
		{"192.168.1.1/24", "10.0.0.0/8"},
		{"fe80::1%eth0", "::ffff:1.2.3.4/120"},
		{"a\xff\xfe", "(?i)a+"},
		{"", ""},
		{"[[[[", "\\"},
		{`C:\temp\file.txt:ads`, "."},
		{"%zz%4+", "((("},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], int64(3))
	}
	f.Fuzz(func(t *testing.T, text, other string, k int64) {
		for _, name := range fuzzedScalars {
			s, ok := LookupScalar(name)
			if !ok {
				t.Fatalf("%s not registered", name)
			}
			vals := []types.Value{S(text)}
			switch {
			case name == "bag_has_key":
				vals = []types.Value{types.NewDynamic(parseJSONText(text)), S(other)}
			case name == "indexof":
				vals = append(vals, S(other), L(k), L(k/2-1))
			case name == "replace_string":
				vals = append(vals, S(other), S(text))
			case name == "extract_all", name == "trim", name == "trim_start":
				vals = []types.Value{S(other), S(text)}
			case s.MinArgs >= 2:
				vals = append(vals, S(other))
			}
			infos := make([]ArgInfo, len(vals))
			args := make([]Arg, len(vals))
			for i := range vals {
				infos[i] = ArgInfo{Type: vals[i].Type}
				args[i] = constArg(vals[i])
			}
			if _, err := s.Result(infos); err != nil {
				t.Fatalf("%s: Result rejected %v: %v", name, infos, err)
			}
			out, err := s.Eval(testCtx(), args, 1)
			if err != nil {
				continue
			}
			if out.Len() != 1 {
				t.Fatalf("%s returned %d rows", name, out.Len())
			}
		}
		// substring and format_datetime with fuzzed numbers and formats.
		if s, ok := LookupScalar("substring"); ok {
			if _, err := s.Eval(testCtx(), []Arg{constArg(S(text)), constArg(L(k)), constArg(L(-k))}, 1); err != nil {
				t.Fatalf("substring: %v", err)
			}
		}
		if s, ok := LookupScalar("format_datetime"); ok {
			if _, err := s.Eval(testCtx(), []Arg{constArg(types.NewDateTime(k)), constArg(S(text))}, 1); err != nil {
				t.Fatalf("format_datetime: %v", err)
			}
		}
	})
}
