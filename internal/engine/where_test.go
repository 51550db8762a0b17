package engine

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// TestWhereColumnConstantForms checks the selection loops of where (first predicate over every row, later
// ones over the selection) on columns with and without nulls.
func TestWhereColumnConstantForms(t *testing.T) {
	const data = `datatable(t:datetime, n:long, s:string)[
datetime(2026-01-01), 1, "ClickBlocked",
datetime(2026-01-02), long(null), "ClickAllowed",
datetime(null), 3, "ClickBlockedByTenantPolicy",
datetime(2026-01-04), 4, "short",
datetime(2026-01-05), 5, "ClickBlocked"]`
	tests := []struct {
		name  string
		where string
		want  int64
	}{
		{name: "datetime at or after, with a null", where: "t >= datetime(2026-01-02)", want: 3},
		{name: "datetime before, with a null", where: "t < datetime(2026-01-04)", want: 2},
		{name: "long at or after, with a null", where: "n >= 3", want: 3},
		{name: "long not equal passes null", where: "n != 4", want: 4},
		{name: "string equal", where: `s == "ClickBlocked"`, want: 2},
		{name: "string not equal", where: `s != "ClickBlocked"`, want: 3},
		{name: "short string", where: `s == "short"`, want: 1},
		{name: "constant on the left", where: "datetime(2026-01-02) > t", want: 1},
		{name: "chain", where: `s == "ClickBlocked" | where t >= datetime(2026-01-03)`, want: 1},
		{name: "conjunction", where: `t >= datetime(2026-01-01) and s != "short" and n < 5`, want: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(t.Context(), source.New("q", data+" | where "+tc.where+" | count"), Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Table.Cols[0].Ints[0]; got != tc.want {
				t.Errorf("count = %d, want %d", got, tc.want)
			}
		})
	}
}
