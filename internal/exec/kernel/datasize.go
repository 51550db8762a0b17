package kernel

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// estimate_data_size(col, ...): the estimated size in bytes of a row's values. As the reference states, a long
// is 8 bytes and a string its length (UTF-8 bytes); the other fixed-width types count their storage width (bool 1,
// int 4, real/datetime/timespan 8, decimal and guid 16). A dynamic value counts the length of its JSON text and one
// byte for each value in it (the bag, array or scalar a type tag would mark): the reference says the string
// '{"a":"bcd"}' is smaller than dynamic({"a":"bcd"}), whose internal form is more complex, but gives no size for
// the dynamic value, so the per-value byte only makes it strictly larger (11 against 13) and is not Kusto's
// number. sema expands estimate_data_size(*) to every column of the row.

func init() {
	registerRowFunc("estimate_data_size", nil, types.Long, 1, -1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		var total int64
		for _, x := range v {
			total += valueDataSize(x)
		}
		return types.NewLong(total)
	})
}

// valueDataSize is the estimated size of one value (see estimate_data_size).
func valueDataSize(v types.Value) int64 {
	switch v.Type {
	case types.Bool:
		return 1
	case types.Int:
		return 4
	case types.Long, types.Real, types.DateTime, types.TimeSpan:
		return 8
	case types.Decimal, types.GUID:
		return 16
	case types.String:
		return int64(len(v.S))
	case types.Dynamic:
		if v.Null {
			return 0
		}
		return int64(len(types.FormatJSON(v.D))) + dynamicValues(v.D)
	}
	return 0
}

// dynamicValues counts the values in a dynamic value: itself, and the elements and properties of its arrays and
// bags, at every depth.
func dynamicValues(d any) int64 {
	switch t := d.(type) {
	case []any:
		n := int64(1)
		for _, e := range t {
			n += dynamicValues(e)
		}
		return n
	case *types.Bag:
		n := int64(1)
		for _, k := range t.Keys {
			n += dynamicValues(t.Vals[k])
		}
		return n
	}
	return 1
}
