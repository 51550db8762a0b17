package storage

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// unifyTypes returns the type a column takes when ingests disagree on it, by the loaders' rule: int and long
// make long, other numeric mixes real, anything with dynamic dynamic, other mixes string.
func unifyTypes(a, b types.Type) types.Type {
	switch {
	case a == b:
		return a
	case a == types.Unknown:
		return b
	case b == types.Unknown:
		return a
	case a == types.Dynamic || b == types.Dynamic:
		return types.Dynamic
	case a.IsNumeric() && b.IsNumeric():
		if a.IsIntegral() && b.IsIntegral() {
			return types.Long
		}
		return types.Real
	}
	return types.String
}

// convertColumn returns c as a column of type to (one of unifyTypes' results for c's type).
func convertColumn(c *types.Column, to types.Type) *types.Column {
	n := c.Len()
	out := types.NewColumn(to, n)
	for i := 0; i < n; i++ {
		out.Append(convertValue(c.Value(i), to))
	}
	return out
}

// convertValue converts v to type to: numbers widen, everything prints as a string, typed values keep their
// type inside a dynamic.
func convertValue(v types.Value, to types.Type) types.Value {
	if v.Type == to {
		return v
	}
	if v.Null {
		return types.NullOf(to)
	}
	switch to {
	case types.Long:
		if v.Type.IsIntegral() || v.Type == types.Bool {
			return types.NewLong(v.I)
		}
	case types.Real, types.Decimal:
		switch v.Type.Physical() {
		case types.PhysInt:
			return types.Value{Type: to, F: float64(v.I)}
		case types.PhysReal:
			return types.Value{Type: to, F: v.F}
		}
	case types.String:
		return types.NewString(valueText(v))
	case types.Dynamic:
		return types.NewDynamic(dynamicOf(v))
	}
	return types.NullOf(to)
}

// valueText prints a scalar the way tostring() does.
func valueText(v types.Value) string {
	switch v.Type {
	case types.Bool:
		return strconv.FormatBool(v.I != 0)
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return types.FormatRealJSON(v.F)
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.String, types.GUID:
		return v.S
	case types.Dynamic:
		if s, ok := v.D.(string); ok {
			return s
		}
		return types.FormatJSON(v.D)
	}
	return ""
}

// dynamicOf wraps a scalar as a dynamic value of the same KQL type.
func dynamicOf(v types.Value) any {
	switch v.Type {
	case types.Bool:
		return v.I != 0
	case types.Int, types.Long:
		return v.I
	case types.Real, types.Decimal:
		return v.F
	case types.DateTime:
		return types.DynDateTime(v.I)
	case types.TimeSpan:
		return types.DynTimeSpan(v.I)
	case types.GUID:
		return types.DynGUID(v.S)
	case types.String:
		return v.S
	}
	return v.D
}
