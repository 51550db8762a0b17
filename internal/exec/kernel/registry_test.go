package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// issue2Scalars are the scalar functions and string operators issue 2 needs.
var issue2Scalars = []string{
	"ago", "now", "startofday", "startofweek", "startofmonth", "startofyear", "endofday", "endofweek", "endofmonth",
	"endofyear", "bin", "floor", "bin_at", "datetime_add", "datetime_diff", "datetime_part", "dayofweek", "dayofmonth",
	"getmonth", "getyear", "hourofday", "format_datetime", "format_timespan", "make_datetime", "make_timespan",
	"todatetime", "totimespan", "unixtime_seconds_todatetime", "unixtime_milliseconds_todatetime",
	"unixtime_microseconds_todatetime", "unixtime_nanoseconds_todatetime",
	"tostring", "toint", "tolong", "toreal", "todouble", "todecimal", "tobool", "toboolean", "toguid", "todynamic",
	"parse_json", "parsejson", "gettype", "isnull", "isnotnull", "isempty", "isnotempty", "iff", "iif", "case",
	"coalesce", "not", "strcat", "strcat_delim", "strlen", "tolower", "toupper", "substring", "split", "extract",
	"extract_all", "replace_string", "replace_regex", "trim", "trim_start", "trim_end", "indexof", "reverse", "countof",
	"url_encode", "url_decode", "base64_encode_tostring", "base64_decode_tostring", "hash_sha256", "hash_md5",
	"array_length", "array_sum", "array_concat", "array_slice", "array_index_of", "bag_keys", "bag_has_key", "pack",
	"bag_pack", "pack_array", "parse_url", "parse_path", "ipv4_is_in_range", "ipv4_is_private", "ipv4_compare",
	"ipv4_is_match", "parse_ipv4", "ipv6_is_match", "has_ipv4", "has_ipv4_prefix", "abs", "round", "ceiling", "exp",
	"log", "log10", "log2", "pow", "sqrt", "min_of", "max_of", "isnan", "isinf",
	"=~", "!~", "has", "!has", "has_cs", "!has_cs", "hasprefix", "!hasprefix", "hasprefix_cs", "!hasprefix_cs",
	"hassuffix", "!hassuffix", "hassuffix_cs", "!hassuffix_cs", "contains", "!contains", "contains_cs",
	"!contains_cs", "startswith", "!startswith", "startswith_cs", "!startswith_cs", "endswith", "!endswith",
	"endswith_cs", "!endswith_cs", "matches regex", "has_any", "has_all",
}

// issue2Aggregates are the aggregates issue 2 needs.
var issue2Aggregates = []string{
	"count", "countif", "dcount", "dcountif", "sum", "sumif", "avg", "avgif", "min", "max", "minif", "maxif",
	"make_set", "make_set_if", "make_list", "make_list_if", "make_bag", "arg_max", "arg_min", "take_any", "any",
	"anyif", "percentile", "percentiles", "stdev", "variance", "makeset", "makelist", "argmax", "argmin",
}

func TestRegistryComplete(t *testing.T) {
	for _, name := range issue2Scalars {
		s, ok := LookupScalar(name)
		if !ok {
			t.Errorf("scalar %q is not registered", name)
			continue
		}
		if s.Result == nil || s.Eval == nil {
			t.Errorf("scalar %q lacks Result or Eval", name)
		}
	}
	for _, name := range issue2Aggregates {
		a, ok := LookupAggregate(name)
		if !ok {
			t.Errorf("aggregate %q is not registered", name)
			continue
		}
		if a.Results == nil || a.New == nil || a.DefaultName == nil {
			t.Errorf("aggregate %q lacks Results, New or DefaultName", name)
		}
	}
}

// TestKernelsSurviveOddInputs calls every registered scalar with every combination of a few awkward values per
// argument type that its Result accepts; none may panic, and each must return n rows of its declared type.
func TestKernelsSurviveOddInputs(t *testing.T) {
	samples := map[types.Type][]types.Value{
		types.Bool:     {B(true), N(types.Bool)},
		types.Long:     {L(0), L(-1), L(1 << 62), L(-1 << 63), N(types.Long)},
		types.Real:     {R(0), R(-1.5), R(1e308), R(-1e308), N(types.Real)},
		types.String:   {S(""), S("a\xffb"), S("2020-01-01"), S("{\"a\":[1]}"), S("(")},
		types.DateTime: {DT("0001-01-01"), DT("9999-12-31 23:59:59.9999999"), N(types.DateTime)},
		types.TimeSpan: {TS("-1d"), types.NewTimeSpan(1<<63 - 1), N(types.TimeSpan)},
		types.Dynamic:  {J(`null`), J(`[1,"x",null]`), J(`{"a":{"b":1}}`), J(`"s"`)},
		types.GUID:     {G("74be27de-1e4e-49d9-b579-fe0b331d3642"), N(types.GUID)},
	}
	order := []types.Type{types.Bool, types.Long, types.Real, types.String, types.DateTime, types.TimeSpan, types.Dynamic, types.GUID}
	for _, name := range ScalarNames() {
		if name == "range" {
			continue // builds million-element arrays for huge inputs; TestRangeArrayCap covers it
		}
		s, _ := LookupScalar(name)
		for nargs := s.MinArgs; nargs <= s.MinArgs+2 && nargs <= 4 && (s.MaxArgs < 0 || nargs <= s.MaxArgs); nargs++ {
			// Every combination of argument types that Result accepts.
			combo := make([]int, nargs)
			for {
				infos := make([]ArgInfo, nargs)
				for i, k := range combo {
					infos[i] = ArgInfo{Type: order[k]}
				}
				if _, err := s.Result(infos); err == nil {
					runOdd(t, s, infos, samples)
				}
				i := 0
				for ; i < nargs; i++ {
					combo[i]++
					if combo[i] < len(order) {
						break
					}
					combo[i] = 0
				}
				if i == nargs {
					break
				}
			}
		}
	}
}

func runOdd(t *testing.T, s *Scalar, infos []ArgInfo, samples map[types.Type][]types.Value) {
	t.Helper()
	const n = 6
	args := make([]Arg, len(infos))
	for i, info := range infos {
		vals := samples[info.Type]
		rot := make([]types.Value, n)
		for j := range rot {
			rot[j] = vals[(j+i)%len(vals)]
		}
		args[i] = colArg(info.Type, rot...)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s(%v) panicked: %v", s.Name, infos, r)
		}
	}()
	out, err := s.Eval(testCtx(), args, n)
	if err != nil {
		return // a reported error is fine; a panic is not
	}
	if out.Len() != n {
		t.Errorf("%s(%v) returned %d rows, want %d", s.Name, infos, out.Len(), n)
	}
}

func TestMultiScalarsSurviveOddInputs(t *testing.T) {
	odd := colArg(types.Dynamic, J(`null`), J(`[]`), J(`[1,"x",null,1e308,-1e308]`), J(`{"a":1}`), J(`[5]`))
	for _, name := range MultiScalarNames() {
		m, _ := LookupMultiScalar(name)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", name, r)
				}
			}()
			cols, err := m.Eval(testCtx(), []Arg{odd}, 5)
			if err != nil {
				return
			}
			outTypes, _, err := m.Results([]ArgInfo{{Type: types.Dynamic}})
			if err != nil {
				return // one argument is too few for this function: only the absence of a panic is checked
			}
			for i, c := range cols {
				if c.Len() != 5 || c.Type != outTypes[i] {
					t.Errorf("%s output %d: %d rows of %s", name, i, c.Len(), c.Type)
				}
			}
		}()
	}
}
