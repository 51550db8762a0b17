package main

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestSeriesView(t *testing.T) {
	day := types.UnixEpochTicks
	tests := []struct {
		name      string
		fields    []types.Field
		rows      [][]types.Value
		wantOK    bool
		wantTypes []types.Type
		wantRows  int
	}{
		{
			name:   "make-series by group",
			fields: []types.Field{{Name: "User", Type: types.String}, {Name: "n", Type: types.Dynamic}, {Name: "t", Type: types.Dynamic}},
			rows: [][]types.Value{
				{types.NewString("a"), types.NewDynamic([]any{int64(1), int64(2)}), types.NewDynamic([]any{types.DynDateTime(day), types.DynDateTime(day + types.TicksPerDay)})},
				{types.NewString("b"), types.NewDynamic([]any{int64(3), nil}), types.NewDynamic([]any{types.DynDateTime(day), types.DynDateTime(day + types.TicksPerDay)})},
			},
			wantOK: true, wantTypes: []types.Type{types.String, types.Long, types.DateTime}, wantRows: 4,
		},
		{
			name:   "mixed elements stay dynamic",
			fields: []types.Field{{Name: "d", Type: types.Dynamic}, {Name: "t", Type: types.Dynamic}},
			rows:   [][]types.Value{{types.NewDynamic([]any{int64(1), "x"}), types.NewDynamic([]any{types.DynDateTime(day), types.DynDateTime(day + 1)})}},
			wantOK: true, wantTypes: []types.Type{types.Dynamic, types.DateTime}, wantRows: 2,
		},
		{
			name:   "lists without a datetime axis are not a series",
			fields: []types.Field{{Name: "k", Type: types.String}, {Name: "l", Type: types.Dynamic}},
			rows: [][]types.Value{
				{types.NewString("a"), types.NewDynamic([]any{int64(1), int64(2)})},
				{types.NewString("b"), types.NewDynamic([]any{int64(3), int64(4)})},
			},
		},
		{
			name:   "empty arrays keep their row",
			fields: []types.Field{{Name: "n", Type: types.Dynamic}, {Name: "t", Type: types.Dynamic}},
			rows:   [][]types.Value{{types.NewDynamic([]any{}), types.NewDynamic([]any{})}},
		},
		{
			name:   "axes differing between rows are not one series",
			fields: []types.Field{{Name: "n", Type: types.Dynamic}, {Name: "t", Type: types.Dynamic}},
			rows: [][]types.Value{
				{types.NewDynamic([]any{int64(1)}), types.NewDynamic([]any{types.DynDateTime(day)})},
				{types.NewDynamic([]any{int64(2)}), types.NewDynamic([]any{types.DynDateTime(day + 5)})},
			},
		},
		{
			name:   "unequal lengths",
			fields: []types.Field{{Name: "a", Type: types.Dynamic}, {Name: "b", Type: types.Dynamic}},
			rows:   [][]types.Value{{types.NewDynamic([]any{int64(1)}), types.NewDynamic([]any{int64(1), int64(2)})}},
		},
		{
			name:   "a bag is not a series",
			fields: []types.Field{{Name: "a", Type: types.Dynamic}},
			rows:   [][]types.Value{{types.NewDynamic(types.NewBag())}},
		},
		{
			name:   "no dynamic column",
			fields: []types.Field{{Name: "x", Type: types.Long}},
			rows:   [][]types.Value{{types.NewLong(1)}},
		},
		{
			name:   "null dynamic",
			fields: []types.Field{{Name: "a", Type: types.Dynamic}},
			rows:   [][]types.Value{{types.NewDynamic(nil)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tbl := types.NewTable(tc.fields)
			for _, r := range tc.rows {
				tbl.AppendRow(r)
			}
			view, ok := seriesView(tbl)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if view.NumRows() != tc.wantRows {
				t.Errorf("%d rows, want %d", view.NumRows(), tc.wantRows)
			}
			for i, f := range view.Fields {
				if f.Type != tc.wantTypes[i] || f.Name != tc.fields[i].Name {
					t.Errorf("column %d is %s:%s, want %s:%s", i, f.Name, f.Type, tc.fields[i].Name, tc.wantTypes[i])
				}
			}
		})
	}
	t.Run("values", func(t *testing.T) {
		tbl := types.NewTable(tests[0].fields)
		for _, r := range tests[0].rows {
			tbl.AppendRow(r)
		}
		view, _ := seriesView(tbl)
		got := []string{}
		for r := 0; r < view.NumRows(); r++ {
			got = append(got, view.Cols[0].Value(r).S+" "+formatCell(view.Cols[1].Value(r))+" "+types.FormatDateTime(view.Cols[2].Value(r).I))
		}
		want := []string{"a 1 1970-01-01T00:00:00.0000000Z", "a 2 1970-01-02T00:00:00.0000000Z",
			"b 3 1970-01-01T00:00:00.0000000Z", "b null 1970-01-02T00:00:00.0000000Z"}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("row %d = %q, want %q", i, got[i], want[i])
			}
		}
	})
}

func formatCell(v types.Value) string {
	if v.Null {
		return "null"
	}
	return types.FormatJSON(v.I)
}
