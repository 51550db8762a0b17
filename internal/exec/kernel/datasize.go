package kernel

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// estimate_data_size(col, ...): the estimated size in bytes of a row's values. As the reference states, a long
// is 8 bytes and a string its length (UTF-8 bytes); the other fixed-width types count their storage width (bool 1,
// int 4, real/datetime/timespan 8, decimal and guid 16). A dynamic value counts the length of its JSON text: Kusto
// says its internal form is larger than that text but does not say by how much, so this is a lower estimate.
// sema expands estimate_data_size(*) to every column of the row.

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
		return int64(len(types.FormatJSON(v.D)))
	}
	return 0
}
