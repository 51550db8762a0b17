package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestScan follows the matching logic of the KQL reference's scan examples.
func TestScan(t *testing.T) {
	events := `datatable (Ts: timespan, Event: string) [0m, "A", 1m, "Start", 2m, "B", 3m, "D", 4m, "Stop", 6m, "C", 8m, "Start", 11m, "E", 12m, "Stop"] | sort by Ts asc `
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"cumulative sum with a declared default", "range x from 1 to 4 step 1 | scan declare (c:long=0) with (step s1: true => c = x + s1.c;) | project c = tostring(c)",
			"1;3;6;10"},
		{"sequences between start and stop get match ids", events + `| scan with_match_id=m with (step s1: Event == "Start"; step s2: Event != "Start" and Event != "Stop" and Ts - s1.Ts <= 5m; step s3: Event == "Stop" and Ts - s1.Ts <= 5m;) | project r = strcat(Event, m)`,
			"Start0;B0;D0;Stop0;Start1;E1;Stop1"},
		{"output none and last", events + `| scan with (step s1 output=none: Event == "Start"; step s2 output=last: Event != "Stop" and Event != "Start"; step s3: Event == "Stop";) | project Event`,
			"D;Stop;E;Stop"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestParseRegex checks parse kind=regex: string columns match greedily unless flags=U, the pattern's own
// groups do not shift the columns, and flags=s lets . match new lines.
func TestParseRegex(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"greedy string column", `print s="a=1, b=2, c=3" | parse kind=regex s with * "a=" v ',' * | project v`, "1, b=2"},
		{"U flag makes it lazy", `print s="a=1, b=2, c=3" | parse kind=regex flags=U s with * "a=" v ',' * | project v`, "1"},
		{"own groups do not shift columns", `print s="x=ab\ny=7" | parse kind=regex flags=s s with "x=" v "(.*?)y=" n:long | project r = strcat(v, "|", n)`, "ab\n|7"},
		{"without s . stops at new lines", `print s="x=ab\ny=7" | parse kind=regex s with "x=" v "(.*?)y=" n:long | project r = strcat(v, "|", n)`, "|"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPartitionBraces checks partition by Col { query }: the body has its own source and sees the key as
// toscalar(Col), once per partition value.
func TestPartitionBraces(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"per key subquery", `let T = datatable(k:string, v:long)["a", 1, "b", 2, "a", 3]; T | partition hint.strategy=legacy by k { T | where k == toscalar(k) | summarize s = sum(v) | extend key = toscalar(k) } | project r = strcat(key, s)`,
			"a4;b2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
