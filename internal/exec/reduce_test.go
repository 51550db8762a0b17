package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

func TestReduce(t *testing.T) {
	const cities = `datatable(c:string)["San Bernard", "San Jose", "San Mateo", "Paris", "Paris", "Paris", "Saint Lucy", "Saint Paul", "Oslo", "Rome"]`
	// the reduce page's examples, with x % 10 for rand(10)
	const machineLearning = `range x from 1 to 1000 step 1 | project MyText = strcat("MachineLearningX", tostring(x % 10))`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"separator given", `range x from 1 to 10 step 1 | project str = strcat("foo", "Z", tostring(x)) | reduce by str with characters="Z"`,
			"foo*|10|fooZ1"},
		{"default separators: one term each, all others", `range x from 1 to 10 step 1 | project str = strcat("foo", "Z", tostring(x)) | reduce by str`,
			"others|10|"},
		{"whitespace stays around a wildcard", cities + ` | reduce by c with threshold=0.8`,
			"San *|3|San Bernard;Paris|3|Paris;Saint *|2|Saint Lucy;others|2|"},
		{"a lower threshold reduces more", cities + ` | reduce by c with threshold=0.75`,
			"San *|3|San Bernard;Paris|3|Paris;others|4|"},
		{"the default threshold keeps only terms nine strings in ten share", cities + ` | reduce by c`, "others|10|"},
		{"docs: threshold=0.001 gives one group", machineLearning + ` | reduce by MyText with threshold=0.001, characters="X"`,
			"MachineLearning*|1000|MachineLearningX1"},
		{"docs: threshold=0.9 gives a group per digit", machineLearning + ` | reduce by MyText with threshold=0.9, characters="X" | summarize groups = count(), rows = sum(Count)`,
			"10|1000"},
		{"kind=source appends the pattern", `datatable(s:string)["a-1", "a-2", "b"] | reduce kind=source by s with threshold=0.5, characters="-" | project s, Pattern`,
			"a-1|a*;a-2|a*;b|others"},
		{"kind=source names its column apart from an input Pattern", `datatable(Pattern:string, s:string)["p", "a-1", "q", "a-2"] | reduce kind=source by s with threshold=0.25, characters="-" | getschema | project ColumnName, ColumnType`,
			"Pattern|string;s|string;Pattern1|string"},
		{"kind=source keeps an input Pattern's values", `datatable(Pattern:string, s:string)["p", "a-1", "q", "a-2"] | reduce kind=source by s with threshold=0.25, characters="-"`,
			"p|a-1|a*;q|a-2|a*"},
		{"separators between kept terms stay", `datatable(s:string)["x-y-1", "x-y-2", "x-y-3"] | reduce by s with threshold=0.5, characters="-"`,
			"x-y*|3|x-y-1"},
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

func TestReduceErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"not a string", `print x = 1 | reduce by x`, "must be a string"},
		{"threshold out of range", `print x = "a" | reduce by x with threshold=2.0`, "threshold must be a constant real between 0 and 1"},
		{"unknown parameter", `print x = "a" | reduce by x with chars="-"`, "unknown parameter 'chars'"},
		{"bad kind", `print x = "a" | reduce kind=other by x`, "kind must be 'source'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
