package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Kusto names the column of an unnamed function call in project and extend after the call when the function says
// how: tostring(x) is x, strlen(x) is strlen_x, gettype(x) is type_x, percentile_tdigest(t, 50) is
// percentile_tdigest_t, merge_tdigest(a, b) is tdigests_merge_result. Other calls are Column1, Column2, ....
// The rules per function are those of Kusto's language service (Kusto.Language's ResultNameKind).

type resultNameKind uint8

const (
	nameFirstArg         resultNameKind = iota + 1 // the first argument's name
	nameOnlyArg                                    // the argument's name when there is exactly one
	namePrefixFirstArg                             // prefix_<first argument's name> (prefix_ when it has none)
	namePrefixOnly                                 // the prefix alone
	nameFirstArgIfColumn                           // the first argument's string value when the row has that column
	nameSorted                                     // <first argument's name>_sorted, or array0_sorted (array_sort_*)
)

type resultNameRule struct {
	kind   resultNameKind
	prefix string
}

var functionResultNames = map[string]resultNameRule{}

func init() {
	for _, fn := range []string{"abs", "acos", "asin", "atan", "atan2", "bin", "bin_at", "bin_auto", "binary_and",
		"binary_not", "binary_or", "binary_shift_left", "binary_shift_right", "binary_xor", "bitset_count_ones",
		"ceiling", "cos", "erf", "erfc", "exp", "exp10", "exp2", "floor", "format_bytes", "format_datetime",
		"format_timespan", "gamma", "log", "log10", "log2", "loggamma", "parse_csv", "parse_json", "parse_xml",
		"parsejson", "pow", "rand", "round", "series_fill_backward", "series_fill_const", "series_fill_forward",
		"series_fill_linear", "series_fir", "series_iir", "series_outliers", "sin", "split", "sqrt", "startofday",
		"tan", "tobool", "toboolean", "todatetime", "todecimal", "todouble", "todynamic", "toguid", "tohex", "toint",
		"tolong", "toobject", "toreal", "tostring", "totime", "totimespan"} {
		functionResultNames[fn] = resultNameRule{kind: nameFirstArg}
	}
	for _, fn := range []string{"dcount_hll", "percentile_tdigest", "string_size", "strlen"} {
		functionResultNames[fn] = resultNameRule{kind: namePrefixFirstArg, prefix: fn}
	}
	functionResultNames["make_datetime"] = resultNameRule{kind: nameOnlyArg}
	functionResultNames["make_timespan"] = resultNameRule{kind: nameOnlyArg}
	functionResultNames["gettype"] = resultNameRule{kind: namePrefixFirstArg, prefix: "type"}
	functionResultNames["repeat"] = resultNameRule{kind: namePrefixFirstArg, prefix: "repeat"}
	functionResultNames["treepath"] = resultNameRule{kind: namePrefixFirstArg, prefix: "tree"}
	functionResultNames["percentiles_array_tdigest"] = resultNameRule{kind: namePrefixFirstArg, prefix: "percentile_tdigest"}
	functionResultNames["merge_tdigest"] = resultNameRule{kind: namePrefixOnly, prefix: "tdigests_merge_result"}
	functionResultNames["tdigest_merge"] = resultNameRule{kind: namePrefixOnly, prefix: "tdigests_merge_result"}
	functionResultNames["hll_merge"] = resultNameRule{kind: namePrefixOnly, prefix: "hll_merged_result"}
	functionResultNames["array_sort_asc"] = resultNameRule{kind: nameSorted}
	functionResultNames["array_sort_desc"] = resultNameRule{kind: nameSorted}
	functionResultNames["column_ifexists"] = resultNameRule{kind: nameFirstArgIfColumn}
	functionResultNames["columnifexists"] = resultNameRule{kind: nameFirstArgIfColumn}
}

// namesAfterFirstArgument reports whether a call of fn with n arguments names its result after its first
// argument: the nameFirstArg functions, and the nameOnlyArg ones called with one argument (make_datetime(d)).
func namesAfterFirstArgument(fn string, n int) bool {
	rule := functionResultNames[fn]
	return n > 0 && (rule.kind == nameFirstArg || rule.kind == nameOnlyArg && n == 1)
}

// exprResultName is the column name Kusto gives an unnamed expression in project and extend, or "" when it
// gets a generated one (Column1).
func exprResultName(e env, x syntax.Expr) string {
	if n := derivedName(x); n != "" {
		return n
	}
	switch t := x.(type) {
	case *syntax.ParenExpr:
		return exprResultName(e, t.X)
	case *syntax.CallExpr:
		return functionResultName(e, t)
	case *syntax.MemberExpr:
		// a path into a call's result: parse_json(d).a is d_a, and just a when the call has no name
		if left := exprResultName(e, t.X); left != "" {
			return left + "_" + t.Name.Name
		}
		return t.Name.Name
	}
	return ""
}

// functionResultName applies the called function's naming rule; "" when it has none (user functions have none).
func functionResultName(e env, call *syntax.CallExpr) string {
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		return ""
	}
	if b := e.sc.lookup(id.Name); b != nil {
		return "" // a let-bound name shadows the built-in function
	}
	rule, ok := functionResultNames[id.Name]
	if !ok {
		return ""
	}
	switch rule.kind {
	case nameFirstArg:
		if len(call.Args) > 0 {
			return exprResultName(e, call.Args[0])
		}
	case nameOnlyArg:
		if len(call.Args) == 1 {
			return exprResultName(e, call.Args[0])
		}
	case namePrefixFirstArg:
		if len(call.Args) > 0 {
			return rule.prefix + "_" + exprResultName(e, call.Args[0])
		}
		return rule.prefix + "_"
	case namePrefixOnly:
		return rule.prefix
	case nameSorted:
		// a sort over several arrays is a tuple (arraysort.go); over one array, its column is named like the tuple's
		if len(call.Args) > 0 {
			return sortedArrayNames([]string{exprResultName(e, call.Args[0])}, 1)[0]
		}
	case nameFirstArgIfColumn:
		if len(call.Args) > 0 {
			if lit, ok := call.Args[0].(*syntax.Literal); ok && lit.Value.Type == types.String && fieldIndex(e.row, lit.Value.S) >= 0 {
				return lit.Value.S
			}
		}
	}
	return ""
}

// functionColumnName is the name of an unnamed call in project or extend by its function's rule, made unique
// among the columns the projection already has (extend replaces an input column of that name instead).
func functionColumnName(e env, x syntax.Expr, taken map[string]bool, extend bool, inputs int, fields []types.Field) string {
	call, ok := x.(*syntax.CallExpr)
	if !ok {
		return ""
	}
	name := functionResultName(e, call)
	if name == "" {
		return ""
	}
	if i := fieldIndex(fields, name); extend && i >= 0 && i < inputs {
		return name
	}
	return uniqueName(taken, name) // Kusto renames a generated name that collides: name1, name2, ...
}
