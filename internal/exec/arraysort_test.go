package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestArraySortColumns checks the values of array sorting over several arrays: one column per array, all in the
// order of the first.
func TestArraySortColumns(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"ascending", `print array_sort_asc(dynamic([3, 1, 2]), dynamic(["c", "a", "b"]))`, `[1,2,3]|["a","b","c"]`},
		{"descending with nulls first", `print array_sort_desc(dynamic([1, null, 2]), dynamic([10, 20, 30]), false)`, `[null,2,1]|[20,30,10]`},
		{"lengths differ: null", `print array_sort_asc(dynamic([1, 2]), dynamic([1]))`, `|`},
		{"per row", `datatable(a:dynamic, b:dynamic)[dynamic([2, 1]), dynamic(["b", "a"]), dynamic([5, 9]), dynamic(["x", "y"])] | extend array_sort_desc(a, b) | project a_sorted, b_sorted`,
			`[2,1]|["b","a"];[9,5]|["y","x"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ";") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, ";"), tc.want)
			}
		})
	}
}
