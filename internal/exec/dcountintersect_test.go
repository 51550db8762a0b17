package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestDcountIntersectPlugin checks evaluate dcount_intersect over hll() sketches: s0 is |S1|, s1 |S1∩S2|, ...
func TestDcountIntersectPlugin(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"two sets", `range x from 1 to 60 step 1 | summarize a = hll(iif(x % 2 == 0, x, 0), 2), b = hll(iif(x % 3 == 0, x, 0), 2) | evaluate dcount_intersect(a, b) | project s0, s1`,
			"31|11"}, // 30 evens and 0; 10 multiples of 6 and 0
		{"per group row keeps the group column", `range x from 1 to 40 step 1 | summarize a = hll(x), b = hll(x + 30) by k = x % 2 | evaluate dcount_intersect(a, b) | project k, s0, s1 | order by k asc`,
			"0|20|5;1|20|5"},
		{"the input's columns, then s0 .. s<n-1>", `range x from 1 to 40 step 1 | summarize a = hll(x), b = hll(x + 30) by k = x % 2 | evaluate dcount_intersect(a, b) | getschema | project ColumnName, ColumnType`,
			"k|long;a|dynamic;b|dynamic;s0|long;s1|long"},
		{"not a sketch is null", `print a = dynamic({"x": 1}), b = dynamic(null) | evaluate dcount_intersect(a, b) | project s0, s1`, "|"},
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

func TestDcountIntersectErrors(t *testing.T) {
	_, err := runQuery(t, `print a = 1, b = 2 | evaluate dcount_intersect(a, b)`, catalog.Map{}, sema.Options{})
	if err == nil || !strings.Contains(err.Error(), "must be an hll() value") {
		t.Errorf("got %v, want the hll() value error", err)
	}
	_, err = runQuery(t, `print a = dynamic(null) | evaluate dcount_intersect(a)`, catalog.Map{}, sema.Options{})
	if err == nil || !strings.Contains(err.Error(), "expects 2 to 16") {
		t.Errorf("got %v, want the argument count error", err)
	}
}
