package sema

import "testing"

// TestArraySortTuple checks the columns of array_sort_asc/desc as a whole project, extend or print item.
func TestArraySortTuple(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"print of several arrays", "let a1 = dynamic([2, 1]); let a2 = dynamic(['x', 'y']); print array_sort_asc(a1, a2)", "a1_sorted:dynamic, a2_sorted:dynamic"},
		{"nulls_last is not an array", "let a1 = dynamic([2, 1]); print array_sort_desc(a1, dynamic([3, 4]), false)", "a1_sorted:dynamic, array1_sorted:dynamic"},
		{"tuple names", "Events | project (s, t) = array_sort_asc(Extra, Extra)", "s:dynamic, t:dynamic"},
		{"one array in project", "Events | project array_sort_asc(Extra)", "Extra_sorted:dynamic"},
		{"one array in print", "print array_sort_asc(dynamic([2, 1]))", "print_0:dynamic"},
		{"inside an expression it is one value", "Events | project x = array_sort_desc(Extra, Extra)[1]", "x:dynamic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, diags := check(t, tc.query)
			if diags.HasErrors() {
				t.Fatalf("check: %v", diags)
			}
			if got := schemaString(prog.Result.Schema()); got != tc.want {
				t.Errorf("schema\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
