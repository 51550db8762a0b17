package main

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// maxSeriesRows bounds the expanded view; longer series are printed as they are.
const maxSeriesRows = 10_000

// seriesView returns a make-series result (dynamic array columns of equal length in every row) with the
// arrays laid out one bin per row, for reading in a terminal: a 30-day series is 30 lines instead of two
// cut-off arrays. Other columns are repeated on each line. ok is false when t is not such a result.
func seriesView(t *types.Table) (view *types.Table, ok bool) {
	var arrayCols []int
	for i, f := range t.Fields {
		if f.Type == types.Dynamic && allArrays(t.Cols[i]) {
			arrayCols = append(arrayCols, i)
		}
	}
	if len(arrayCols) == 0 || t.NumRows() == 0 {
		return nil, false
	}
	// make-series gives every row the same axis, so every array of every row has the same, non-zero length;
	// anything else (lists of make_list, empty arrays) is printed as it is, so that no row disappears.
	bins := len(t.Cols[arrayCols[0]].Dyns[0].([]any))
	for r := 0; r < t.NumRows(); r++ {
		for _, c := range arrayCols {
			if len(t.Cols[c].Dyns[r].([]any)) != bins {
				return nil, false
			}
		}
	}
	if bins == 0 || bins*t.NumRows() > maxSeriesRows || !hasAxis(t, arrayCols) {
		return nil, false
	}
	isArray := map[int]bool{}
	for _, c := range arrayCols {
		isArray[c] = true
	}
	fields := make([]types.Field, len(t.Fields))
	for i, f := range t.Fields {
		fields[i] = f
		if isArray[i] {
			fields[i].Type = elementType(t.Cols[i])
		}
	}
	view = types.NewTable(fields)
	row := make([]types.Value, len(fields))
	for r := 0; r < t.NumRows(); r++ {
		n := len(t.Cols[arrayCols[0]].Dyns[r].([]any))
		for k := 0; k < n; k++ {
			for i := range fields {
				if isArray[i] {
					row[i] = elementValue(fields[i].Type, t.Cols[i].Dyns[r].([]any)[k])
				} else {
					row[i] = t.Cols[i].Value(r)
				}
			}
			view.AppendRow(row)
		}
	}
	return view, true
}

// hasAxis reports whether one of the array columns is a make-series axis: datetimes, the same in every row.
func hasAxis(t *types.Table, arrayCols []int) bool {
	for _, c := range arrayCols {
		if elementType(t.Cols[c]) != types.DateTime {
			continue
		}
		first := types.FormatJSON(t.Cols[c].Dyns[0])
		same := true
		for r := 1; r < t.NumRows() && same; r++ {
			same = types.FormatJSON(t.Cols[c].Dyns[r]) == first
		}
		if same {
			return true
		}
	}
	return false
}

func allArrays(c *types.Column) bool {
	for _, v := range c.Dyns {
		if _, ok := v.([]any); !ok {
			return false
		}
	}
	return len(c.Dyns) > 0
}

// elementType is the scalar type every element of the column's arrays has, or dynamic when they differ.
func elementType(c *types.Column) types.Type {
	t := types.Unknown
	for _, v := range c.Dyns {
		for _, e := range v.([]any) {
			var et types.Type
			switch e.(type) {
			case int64:
				et = types.Long
			case float64:
				et = types.Real
			case types.DynDateTime:
				et = types.DateTime
			case types.DynTimeSpan:
				et = types.TimeSpan
			case bool:
				et = types.Bool
			case nil:
				continue
			default:
				return types.Dynamic
			}
			if t != types.Unknown && t != et {
				return types.Dynamic
			}
			t = et
		}
	}
	if t == types.Unknown {
		return types.Dynamic
	}
	return t
}

func elementValue(t types.Type, e any) types.Value {
	if e == nil {
		return types.NullOf(t)
	}
	switch t {
	case types.Long:
		return types.NewLong(e.(int64))
	case types.Real:
		return types.NewReal(e.(float64))
	case types.DateTime:
		return types.NewDateTime(int64(e.(types.DynDateTime)))
	case types.TimeSpan:
		return types.NewTimeSpan(int64(e.(types.DynTimeSpan)))
	case types.Bool:
		return types.NewBool(e.(bool))
	}
	return types.NewDynamic(e)
}
