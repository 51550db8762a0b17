// Package render writes result tables as text tables, CSV and JSON, and draws the charts the render operator asks for.
package render

import (
	"math"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// CellText returns row i of c in the text form used by the CSV and terminal writers: datetimes in ISO 8601 UTC with
// seven fractional digits, timespans in Kusto form, dynamic values as JSON, and "" for null.
func CellText(c *types.Column, i int) string {
	if c.IsNull(i) {
		return ""
	}
	switch c.Type {
	case types.Bool:
		if c.Ints[i] != 0 {
			return "true"
		}
		return "false"
	case types.Int, types.Long:
		return strconv.FormatInt(c.Ints[i], 10)
	case types.Real, types.Decimal:
		return formatReal(c.Reals[i])
	case types.DateTime:
		return types.FormatDateTime(c.Ints[i])
	case types.TimeSpan:
		return types.FormatTimeSpan(c.Ints[i])
	case types.String, types.GUID:
		return c.Strs[i]
	case types.Dynamic:
		return types.FormatJSON(c.Dyns[i])
	}
	return ""
}

// formatReal prints a real the way Kusto spells the special values (NaN, Infinity, -Infinity) and otherwise in the
// shortest form that reads back to the same float.
func formatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
