package kernel

import (
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Conversions (tostring, toint, ...), type tests (gettype, isnull, isempty, ...) and conditionals (iff, case, coalesce).

func init() {
	RegisterScalar(&Scalar{
		Name: "tostring", MinArgs: 1, MaxArgs: 1,
		Result: fixedResult("tostring", types.String, 1, 1, tScalar),
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			out := newCol(types.String, n)
			for i := 0; i < n; i++ {
				out.Strs[i] = argText(args[0], i)
			}
			return out, nil
		},
	})
	registerRowFunc("toint", nil, types.Int, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		i, ok := toLongValue(v[0])
		if !ok || i < math.MinInt32 || i > math.MaxInt32 {
			return nullV(types.Int)
		}
		return types.NewInt(i)
	})
	registerRowFunc("tolong", nil, types.Long, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if i, ok := toLongValue(v[0]); ok {
			return types.NewLong(i)
		}
		return nullV(types.Long)
	})
	registerRowFunc("toreal", []string{"todouble"}, types.Real, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if f, ok := toRealValue(v[0]); ok {
			return types.NewReal(f)
		}
		return nullV(types.Real)
	})
	registerRowFunc("todecimal", nil, types.Decimal, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if f, ok := toRealValue(v[0]); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return types.Value{Type: types.Decimal, F: f}
		}
		return nullV(types.Decimal)
	})
	registerRowFunc("tobool", []string{"toboolean"}, types.Bool, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if b, ok := toBoolValue(v[0]); ok {
			return types.NewBool(b)
		}
		return nullV(types.Bool)
	})
	registerRowFunc("toguid", nil, types.GUID, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		switch {
		case v[0].Null:
		case v[0].Type == types.GUID:
			return v[0]
		default:
			if g, ok := parseGUIDText(valueText(v[0])); ok {
				return types.NewGUID(g)
			}
		}
		return nullV(types.GUID)
	})
	registerRowFunc("todatetime", nil, types.DateTime, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if t, ok := toDateTimeValue(v[0]); ok {
			return types.NewDateTime(t)
		}
		return nullV(types.DateTime)
	})
	registerRowFunc("totimespan", nil, types.TimeSpan, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if t, ok := toTimeSpanValue(v[0]); ok {
			return types.NewTimeSpan(t)
		}
		return nullV(types.TimeSpan)
	})
	RegisterScalar(&Scalar{
		Name: "todynamic", Aliases: []string{"parse_json", "parsejson", "toobject"}, MinArgs: 1, MaxArgs: 1,
		Result: fixedResult("parse_json", types.Dynamic, 1, 1, tScalar),
		Eval:   evalParseJSON,
	})
	registerRowFunc("gettype", nil, types.String, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if v[0].Type == types.Dynamic {
			return types.NewString(dynTypeName(v[0].D))
		}
		return types.NewString(v[0].Type.String())
	})
	registerRowFunc("isnull", nil, types.Bool, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(v[0].Null)
	})
	registerRowFunc("isnotnull", []string{"notnull"}, types.Bool, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(!v[0].Null)
	})
	registerRowFunc("isempty", nil, types.Bool, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(isEmptyValue(v[0]))
	})
	registerRowFunc("isnotempty", []string{"notempty"}, types.Bool, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(!isEmptyValue(v[0]))
	})
	registerRowFunc("not", nil, types.Bool, 1, 1, paramTypes(tBool), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return nullV(types.Bool)
		}
		return types.NewBool(v[0].I == 0)
	})
	RegisterScalar(&Scalar{
		Name: "iff", Aliases: []string{"iif"}, MinArgs: 3, MaxArgs: 3,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("iff", args, 3, 3, tBool, tScalar); err != nil {
				return types.Unknown, err
			}
			return branchesType(args, []int{1, 2}, true)
		},
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			t := argsCommonType(args[1:], true)
			out := newCol(t, n)
			for i := 0; i < n; i++ {
				src := args[2]
				if !args[0].IsNull(i) && args[0].Int(i) != 0 {
					src = args[1]
				}
				setValue(out, i, castValue(src.Value(i), t))
			}
			return out, nil
		},
	})
	RegisterScalar(&Scalar{
		Name: "case", MinArgs: 3, MaxArgs: -1,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := CheckArity("case", 3, -1, len(args)); err != nil {
				return types.Unknown, err
			}
			if len(args)%2 == 0 {
				return types.Unknown, &ArgError{Index: len(args) - 1,
					Msg: "The function 'case' expects predicate/value pairs followed by an else value."}
			}
			var values []int
			for i := range args {
				if i%2 == 0 && i < len(args)-1 {
					if !tBool.has(args[i].Type) {
						return types.Unknown, typeError(i, tBool)
					}
					continue
				}
				values = append(values, i)
			}
			return branchesType(args, values, true)
		},
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			var values []Arg
			for i := 1; i < len(args); i += 2 {
				values = append(values, args[i])
			}
			values = append(values, args[len(args)-1])
			t := argsCommonType(values, true)
			out := newCol(t, n)
			for i := 0; i < n; i++ {
				src := args[len(args)-1]
				for p := 0; p+1 < len(args); p += 2 {
					if !args[p].IsNull(i) && args[p].Int(i) != 0 {
						src = args[p+1]
						break
					}
				}
				setValue(out, i, castValue(src.Value(i), t))
			}
			return out, nil
		},
	})
	RegisterScalar(&Scalar{
		Name: "coalesce", MinArgs: 2, MaxArgs: 64,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("coalesce", args, 2, 64, tScalar); err != nil {
				return types.Unknown, err
			}
			idx := make([]int, len(args))
			for i := range idx {
				idx[i] = i
			}
			return branchesType(args, idx, false)
		},
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			t := argsCommonType(args, false)
			out := newCol(t, n)
			for i := 0; i < n; i++ {
				v := types.NullOf(t)
				for _, a := range args {
					if x := a.Value(i); !x.IsNullOrEmpty() {
						v = castValue(x, t)
						break
					}
				}
				setValue(out, i, v)
			}
			return out, nil
		},
	})
}

// isEmptyValue is isempty(): null, the empty string, or a dynamic null or empty string.
func isEmptyValue(v types.Value) bool {
	if v.IsNullOrEmpty() {
		return true
	}
	if v.Type == types.Dynamic {
		s, ok := v.D.(string)
		return ok && s == ""
	}
	return false
}

// branchesType is the common type of the arguments at idx, or Kusto's error when they differ. With
// ignoreDynamic (iff, case), dynamic arguments fit any type and the result is the common type of the others
// (dynamic only when all are dynamic), as Kusto's CommonNonDynamic rule says.
func branchesType(args []ArgInfo, idx []int, ignoreDynamic bool) (types.Type, error) {
	ts := make([]types.Type, len(idx))
	for j, i := range idx {
		ts[j] = args[i].Type
	}
	t, ok := resultCommonType(ts, ignoreDynamic)
	if !ok {
		first := types.Unknown
		for j, i := range idx {
			if first == types.Unknown && ts[j] != types.Unknown && !(ignoreDynamic && ts[j] == types.Dynamic) {
				first = ts[j]
			}
			if _, ok := resultCommonType(ts[:j+1], ignoreDynamic); !ok {
				return types.Unknown, typeError(i, setOf(first))
			}
		}
	}
	if t == types.Unknown {
		t = types.String
	}
	return t, nil
}

// resultCommonType is commonType, optionally setting dynamic types aside.
func resultCommonType(ts []types.Type, ignoreDynamic bool) (types.Type, bool) {
	if !ignoreDynamic {
		return commonType(ts)
	}
	var rest []types.Type
	anyDynamic := false
	for _, t := range ts {
		if t == types.Dynamic {
			anyDynamic = true
			continue
		}
		rest = append(rest, t)
	}
	t, ok := commonType(rest)
	if ok && t == types.Unknown && anyDynamic {
		t = types.Dynamic
	}
	return t, ok
}

// argsCommonType is the common type of evaluated argument columns (the first column's type when none is typed).
func argsCommonType(args []Arg, ignoreDynamic bool) types.Type {
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Col.Type
	}
	t, ok := resultCommonType(ts, ignoreDynamic)
	if !ok || t == types.Unknown {
		return ts[0]
	}
	return t
}

// evalParseJSON is parse_json(): text is parsed as JSON; text that is not JSON becomes a dynamic string;
// the empty string is null; other scalars become dynamic values of their type.
func evalParseJSON(_ *Context, args []Arg, n int) (*types.Column, error) {
	out := newCol(types.Dynamic, n)
	a := args[0]
	// Constant text is parsed once.
	if a.Const && n > 0 {
		d := parseJSONValue(a.Value(0))
		for i := range out.Dyns {
			out.Dyns[i] = d
		}
		return out, nil
	}
	for i := 0; i < n; i++ {
		out.Dyns[i] = parseJSONValue(a.Value(i))
	}
	return out, nil
}

func parseJSONValue(v types.Value) any {
	if v.Null {
		return nil
	}
	switch v.Type {
	case types.String:
		return parseJSONText(v.S)
	case types.Dynamic:
		// A dynamic value is returned as is, even a string holding JSON (Kusto asks for tostring() first).
		return v.D
	}
	return v.Dynamic()
}

func parseJSONText(s string) any {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil
	}
	d, err := types.ParseJSON(t)
	if err != nil {
		return s
	}
	return d
}
