package kernel

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Functions over dynamic arrays and property bags. Arguments of the wrong dynamic kind give null, as in Kusto.

func init() {
	registerRowFunc("array_length", nil, types.Long, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		if arr, ok := v[0].D.([]any); ok {
			return types.NewLong(int64(len(arr)))
		}
		return nullV(types.Long)
	})
	registerRowFunc("array_sum", nil, types.Real, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Real)
		}
		sum := 0.0
		for _, e := range arr {
			switch x := e.(type) {
			case int64:
				sum += float64(x)
			case float64:
				sum += x
			case bool:
				sum += float64(b2i(x))
			default:
				return nullV(types.Real)
			}
		}
		return types.NewReal(sum)
	})
	registerRowFunc("array_concat", nil, types.Dynamic, 1, 64, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		var out []any
		for _, x := range v {
			arr, ok := x.D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			out = append(out, arr...)
		}
		if out == nil {
			out = []any{}
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("array_slice", nil, types.Dynamic, 3, 3, paramTypes(tDynamic, tInteger, tInteger), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok || v[1].Null || v[2].Null {
			return nullV(types.Dynamic)
		}
		n := int64(len(arr))
		start, end := v[1].I, v[2].I
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		if start < 0 {
			start = 0
		}
		if end >= n {
			end = n - 1
		}
		if start > end || start >= n {
			return types.NewDynamic([]any{})
		}
		return types.NewDynamic(append([]any{}, arr[start:end+1]...))
	})
	registerRowFunc("array_index_of", nil, types.Long, 2, 5, paramTypes(tDynamic, tScalar, tInteger, tInteger, tInteger), evalArrayIndexOf)
	registerRowFunc("bag_keys", nil, types.Dynamic, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		bag, ok := v[0].D.(*types.Bag)
		if !ok {
			return nullV(types.Dynamic)
		}
		keys := make([]any, len(bag.Keys))
		for i, k := range bag.Keys {
			keys[i] = k
		}
		return types.NewDynamic(keys)
	})
	registerRowFunc("bag_has_key", nil, types.Bool, 2, 2, paramTypes(tDynamic, tString), func(_ *Context, v []types.Value) types.Value {
		bag, ok := v[0].D.(*types.Bag)
		if !ok {
			return nullV(types.Bool)
		}
		_, found := lookupPath(bag, v[1].S)
		return types.NewBool(found)
	})
	RegisterScalar(&Scalar{
		Name: "bag_pack", Aliases: []string{"pack", "pack_dictionary"}, MinArgs: 0, MaxArgs: -1,
		Result: func(args []ArgInfo) (types.Type, error) {
			if len(args)%2 != 0 {
				return types.Unknown, &ArgError{Index: len(args) - 1,
					Msg: "The function 'bag_pack' expects an even number of arguments (key/value pairs)."}
			}
			for i := 0; i < len(args); i += 2 {
				if !tString.has(args[i].Type) {
					return types.Unknown, typeError(i, tString)
				}
			}
			return types.Dynamic, nil
		},
		Eval: evalRows(fixedType(types.Dynamic), func(_ *Context, v []types.Value) types.Value {
			bag := types.NewBag()
			for i := 0; i+1 < len(v); i += 2 {
				bag.Set(valueText(v[i]), v[i+1].Dynamic())
			}
			return types.NewDynamic(bag)
		}),
	})
	registerRowFunc("pack_array", nil, types.Dynamic, 1, -1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		arr := make([]any, len(v))
		for i, x := range v {
			arr[i] = x.Dynamic()
		}
		return types.NewDynamic(arr)
	})
	registerRowFunc("set_has_element", nil, types.Bool, 2, 2, paramTypes(tDynamic, tScalar), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Bool)
		}
		want := v[1].Dynamic()
		for _, e := range arr {
			if dynEqual(e, want) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	})
}

// dynEqual compares two dynamic values: numbers by value across long and real, others by type and JSON text.
func dynEqual(a, b any) bool {
	fa, aNum := dynNumber(a)
	fb, bNum := dynNumber(b)
	if aNum || bNum {
		return aNum && bNum && fa == fb
	}
	return dynKey(0, a) == dynKey(0, b)
}

func dynNumber(d any) (float64, bool) {
	switch x := d.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// evalArrayIndexOf is array_index_of(array, value[, start[, length[, occurrence]]]), with indexof()'s window rules.
func evalArrayIndexOf(_ *Context, v []types.Value) types.Value {
	arr, ok := v[0].D.([]any)
	if !ok {
		return nullV(types.Long)
	}
	for _, x := range v[2:] {
		if x.Null {
			return nullV(types.Long)
		}
	}
	want := v[1].Dynamic()
	n := int64(len(arr))
	start, length, occurrence := int64(0), int64(-1), int64(1)
	if len(v) > 2 {
		start = v[2].I
	}
	if len(v) > 3 {
		length = v[3].I
	}
	if len(v) > 4 {
		occurrence = v[4].I
	}
	if length < -1 || occurrence < 0 {
		return nullV(types.Long)
	}
	if start < 0 {
		start += n
		if start < 0 {
			start = 0
		}
	}
	if occurrence == 0 {
		occurrence = 1
	}
	found := int64(-1)
	for k := int64(0); k < occurrence; k++ {
		end := n
		if length >= 0 && start+length < n {
			end = start + length
		}
		found = -1
		for i := start; i < end; i++ {
			if dynEqual(arr[i], want) {
				found = i
				break
			}
		}
		if found < 0 {
			return types.NewLong(-1)
		}
		start = found + 1
	}
	return types.NewLong(found)
}

// lookupPath finds a key in a bag: a plain key, or a JSONPath such as $.a.b, $['a'] or $.a[0].
func lookupPath(bag *types.Bag, path string) (any, bool) {
	if !strings.HasPrefix(path, "$") {
		return bag.Get(path)
	}
	var cur any = bag
	rest := path[1:]
	for rest != "" {
		switch {
		case rest[0] == '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			b, ok := cur.(*types.Bag)
			if !ok {
				return nil, false
			}
			if cur, ok = b.Get(rest[:end]); !ok {
				return nil, false
			}
			rest = rest[end:]
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, false
			}
			sel := rest[1:end]
			rest = rest[end+1:]
			if len(sel) >= 2 && (sel[0] == '\'' || sel[0] == '"') && sel[len(sel)-1] == sel[0] {
				b, ok := cur.(*types.Bag)
				if !ok {
					return nil, false
				}
				if cur, ok = b.Get(sel[1 : len(sel)-1]); !ok {
					return nil, false
				}
				continue
			}
			idx, err := strconv.Atoi(sel)
			arr, ok := cur.([]any)
			if err != nil || !ok {
				return nil, false
			}
			if idx < 0 {
				idx += len(arr)
			}
			if idx < 0 || idx >= len(arr) {
				return nil, false
			}
			cur = arr[idx]
		default:
			return nil, false
		}
	}
	return cur, true
}
