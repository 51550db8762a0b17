package server

import (
	"bytes"
	"math"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// clrTypeName is the .NET type name Kusto puts in v1 "DataType" and in `.show database schema` (with "System.").
func clrTypeName(t types.Type) string {
	switch t {
	case types.Bool:
		return "Boolean"
	case types.Int:
		return "Int32"
	case types.Long:
		return "Int64"
	case types.Real:
		return "Double"
	case types.Decimal:
		return "Decimal"
	case types.DateTime:
		return "DateTime"
	case types.TimeSpan:
		return "TimeSpan"
	case types.GUID:
		return "Guid"
	case types.Dynamic:
		return "Object"
	}
	return "String"
}

// schemaTypeName is the column type `.show database schema` reports (a CLR type name).
func schemaTypeName(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.SByte"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	}
	return "System." + clrTypeName(t)
}

// dynamicAsText says how a dynamic cell is written: v1 writes it as JSON text in a string, v2 as native JSON.
type dynamicAsText bool

// writeCell appends the JSON encoding of row i of c, as Kusto writes cells: long/int/real as numbers (NaN and
// infinities as strings), decimal as a string, datetime as ISO 8601 text with 7 fractional digits, timespan as
// [-][d.]hh:mm:ss[.fffffff], guid as text, bool as true/false, null as null.
func writeCell(b *bytes.Buffer, c *types.Column, i int, dynText dynamicAsText) {
	if c.IsNull(i) {
		b.WriteString("null")
		return
	}
	switch c.Type {
	case types.Bool:
		if c.Ints[i] != 0 {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case types.Int, types.Long:
		b.WriteString(strconv.FormatInt(c.Ints[i], 10))
	case types.Real:
		b.WriteString(types.FormatRealJSON(c.Reals[i]))
	case types.Decimal:
		f := c.Reals[i]
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
			return
		}
		types.WriteJSONString(b, strconv.FormatFloat(f, 'f', -1, 64))
	case types.DateTime:
		types.WriteJSONString(b, types.FormatDateTime(c.Ints[i]))
	case types.TimeSpan:
		types.WriteJSONString(b, types.FormatTimeSpan(c.Ints[i]))
	case types.String, types.GUID:
		types.WriteJSONString(b, c.Strs[i])
	case types.Dynamic:
		d := c.Dyns[i]
		if d == nil {
			b.WriteString("null")
			return
		}
		if dynText {
			types.WriteJSONString(b, types.FormatJSON(d))
			return
		}
		types.WriteJSON(b, d)
	default:
		b.WriteString("null")
	}
}

// writeRow appends one row as a JSON array.
func writeRow(b *bytes.Buffer, t *types.Table, i int, dynText dynamicAsText) {
	b.WriteByte('[')
	for j, c := range t.Cols {
		if j > 0 {
			b.WriteByte(',')
		}
		writeCell(b, c, i, dynText)
	}
	b.WriteByte(']')
}

// rowLimit bounds how much of a result is sent: Kusto's result truncation limits (record count and size).
type rowLimit struct {
	MaxRows  int   // 0: unlimited
	MaxBytes int64 // 0: unlimited
}

// writeRows appends `[row,row,...]` for the rows of t up to the limits, and reports how many rows were written
// and whether the result was cut short.
func writeRows(b *bytes.Buffer, t *types.Table, lim rowLimit, dynText dynamicAsText) (written int, truncated bool) {
	b.WriteByte('[')
	start := b.Len()
	n := t.NumRows()
	for i := 0; i < n; i++ {
		if lim.MaxRows > 0 && i >= lim.MaxRows {
			truncated = true
			break
		}
		mark := b.Len()
		if i > 0 {
			b.WriteByte(',')
		}
		writeRow(b, t, i, dynText)
		if lim.MaxBytes > 0 && int64(b.Len()-start) > lim.MaxBytes {
			b.Truncate(mark)
			truncated = true
			break
		}
		written++
	}
	b.WriteByte(']')
	return written, truncated
}

// visualizationJSON is the `Visualization` property Kusto returns beside a result ending in render: every
// property Kusto knows, null when the query did not set it.
func visualizationJSON(v *types.Visualization) string {
	// Kusto's property names, in its order, keyed by the lower-case spelling a query uses in `with (...)`.
	names := []string{"Visualization", "Title", "XColumn", "Series", "YColumns", "AnomalyColumns", "XTitle", "YTitle",
		"XAxis", "YAxis", "Legend", "YSplit", "Accumulate", "IsQuerySorted", "Kind", "Ymin", "Ymax", "Xmin", "Xmax"}
	set := map[string]string{}
	for k, val := range v.Properties {
		set[lower(k)] = val
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		types.WriteJSONString(&b, name)
		b.WriteByte(':')
		if name == "Visualization" {
			types.WriteJSONString(&b, v.Kind)
			continue
		}
		val, ok := set[lower(name)]
		switch name {
		case "Accumulate", "IsQuerySorted":
			if ok && (val == "true" || val == "True") {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case "Ymin", "Ymax":
			if f, err := strconv.ParseFloat(val, 64); ok && err == nil {
				b.WriteString(types.FormatRealJSON(f))
			} else {
				b.WriteString(`"NaN"`)
			}
		default:
			if ok {
				types.WriteJSONString(&b, val)
			} else {
				b.WriteString("null")
			}
		}
	}
	b.WriteByte('}')
	return b.String()
}

func lower(s string) string { return string(bytes.ToLower([]byte(s))) }
