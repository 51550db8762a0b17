package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestParseModes checks what each parse kind does with a typed value that does not convert: simple is strict
// (every parsed column of the row is empty), relaxed nulls that column alone, parse-where drops the row.
func TestParseModes(t *testing.T) {
	const rows = `datatable(s:string)["n=5, m=7, w=x", "n=bad, m=8, w=y", "n=6, m=oops, w=z"]`
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"simple empties the row", rows + ` | parse s with "n=" n:long ", m=" m:long ", w=" w | project n, m, w`,
			"5|7|x;||;||"},
		{"relaxed nulls the column", rows + ` | parse kind=relaxed s with "n=" n:long ", m=" m:long ", w=" w | project n, m, w`,
			"5|7|x;|8|y;6||z"},
		{"relaxed takes the typed text before a star", `print s="a=23, rest" | parse kind=relaxed s with "a=" a:long * | project a`,
			"23"},
		{"relaxed real", `print s="x=1.5;y=nope;" | parse kind=relaxed s with "x=" x:real ";y=" y:real ";" | project x, y`,
			"1.5|"},
		{"simple: a datetime that does not convert empties the row", `datatable(s:string)["d=2016-02-17, w=x", "d=never, w=y"] | parse s with "d=" d:datetime ", w=" w | project d, w`,
			"2016-02-17T00:00:00.0000000Z|x;|"},
		{"relaxed: a datetime that does not convert is null alone", `datatable(s:string)["d=2016-02-17, w=x", "d=never, w=y"] | parse kind=relaxed s with "d=" d:datetime ", w=" w | project d, w`,
			"2016-02-17T00:00:00.0000000Z|x;|y"},
		{"parse-where drops the row", rows + ` | parse-where s with "n=" n:long ", m=" m:long ", w=" w | project n, m, w`,
			"5|7|x"},
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
