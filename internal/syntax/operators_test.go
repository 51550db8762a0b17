package syntax

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// TestOperators parses one query per operator form and checks the canonical print (which the round trip
// then re-parses to the same tree).
func TestOperators(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"where and filter", "T | filter a > 1", "T\n| where a > 1"},
		{"project with names", "T | project a, b = c + 1, ['d e'] = 2", "T\n| project a, b = c + 1, ['d e'] = 2"},
		{"project-away wildcards", "T | project-away a*, *b, c*d, *1", "T\n| project-away a*, *b, c*d, *1"},
		{"project-keep", "T | project-keep a, b*", "T\n| project-keep a, b*"},
		{"project-rename", "T | project-rename x = a, ['y z'] = b", "T\n| project-rename x = a, ['y z'] = b"},
		{"project-reorder", "T | project-reorder b desc, a* granny-asc, c", "T\n| project-reorder b desc, a* granny-asc, c"},
		{"extend tuple", "T | extend (a, b) = f(x), c = 1", "T\n| extend (a, b) = f(x), c = 1"},
		{"summarize hints by", "T | summarize hint.strategy=shuffle c = count(), dcount(u) by bin(ts, 1h), k",
			"T\n| summarize hint.strategy=shuffle c = count(), dcount(u) by bin(ts, 1h), k"},
		{"summarize by only", "T | summarize by k", "T\n| summarize by k"},
		{"make-series full", "T | make-series kind=nonempty c = count() default = 0, avg(v) on ts from ago(1d) to now() step 1h by k",
			"T\n| make-series kind=nonempty c = count() default = 0, avg(v) on ts from ago(1d) to now() step 1h by k"},
		{"count as", "T | count as N", "T\n| count as N"},
		{"distinct star", "T | distinct *", "T\n| distinct *"},
		{"limit is take", "T | limit 5", "T\n| take 5"},
		{"top with nulls", "T | top 3 by x asc nulls last", "T\n| top 3 by x asc nulls last"},
		{"order by several", "T | order by a desc, b asc nulls first", "T\n| sort by a, b asc nulls first"},
		{"join kinds and hints", "T | join kind=leftanti hint.remote=auto (U | where x) on k, $left.a == $right.b",
			"T\n| join kind=leftanti hint.remote=auto (U\n| where x) on k, $left.a == $right.b"},
		{"join named right", "T | join kind=fullouter U on k", "T\n| join kind=fullouter U on k"},
		{"lookup datatable", "T | lookup datatable(k:string, v:long)['a', 1] on k", "T\n| lookup datatable(k:string, v:long)['a', 1] on k"},
		{"union datatable", "union datatable(a:long)[1], (datatable(a:long)[2])", "union datatable(a:long)[1], (datatable(a:long)[2])"},
		{"lookup", "T | lookup kind=leftouter (U) on k", "T\n| lookup kind=leftouter (U) on k"},
		{"union params", "union withsource=Src kind=outer isfuzzy=true T, (U | take 1), Dev*",
			"union withsource=Src kind=outer isfuzzy=true T, (U\n| take 1), Dev*"},
		{"union in pipe", "T | union U, V", "T\n| union U, V"},
		{"mv-expand all clauses", "T | mv-expand kind=array with_itemindex=i a to typeof(long), b = c limit 10",
			"T\n| mv-expand kind=array with_itemindex=i a to typeof(long), b = c limit 10"},
		{"parse", `T | parse kind=regex flags=Ui s with * "user=" user:string " id=" id:long *`,
			`T` + "\n" + `| parse kind=regex flags=Ui s with * "user=" user:string " id=" id:long *`},
		{"parse-where", `T | parse-where s with "a" x`, "T\n| parse-where s with \"a\" x"},
		{"parse-kv", `T | parse-kv s as (a:string, b:long) with (pair_delimiter=",", kv_delimiter="=")`,
			`T` + "\n" + `| parse-kv s as (a:string, b:long) with (pair_delimiter = ",", kv_delimiter = "=")`},
		{"render legacy props", "T | render timechart kind=stacked", "T\n| render timechart with (kind = stacked)"},
		{"print", "print x = 1, 2", "print x = 1, 2"},
		{"range", "range i from 1 to 10 step 2", "range i from 1 to 10 step 2"},
		{"datatable", "datatable(a:long, b:string)[1, 'x', -2, 'y']", "datatable(a:long, b:string)[1, 'x', -2, 'y']"},
		{"externaldata", `externaldata(a:string)["https://x/y.csv"] with (format="csv", ignoreFirstRecord=true)`,
			`externaldata(a:string)["https://x/y.csv"] with (format = "csv", ignoreFirstRecord = true)`},
		{"as", "T | as hint.materialized=true X", "T\n| as hint.materialized=true X"},
		{"invoke", "T | invoke f(1)", "T\n| invoke f(1)"},
		{"evaluate with schema", "T | evaluate pivot(k) : (a:string, b:long)", "T\n| evaluate pivot(k) : (a:string, b:long)"},
		{"evaluate with typeof schema", "T | evaluate python(typeof(*, score:real), 'code')", "T\n| evaluate python(typeof(*, score:real), 'code')"},
		{"evaluate as source", "evaluate hint.distribution=per_node sql_request('x')", "evaluate hint.distribution=per_node sql_request('x')"},
		{"serialize", "T | serialize rn = row_number()", "T\n| serialize rn = row_number()"},
		{"getschema", "T | getschema", "T\n| getschema"},
		{"sample", "T | sample 10", "T\n| sample 10"},
		{"sample-distinct", "T | sample-distinct 5 of k", "T\n| sample-distinct 5 of k"},
		{"top-nested", "T | top-nested 3 of a with others = 'x' by c = count() asc, top-nested of b by sum(v)",
			"T\n| top-nested 3 of a with others = 'x' by c = count() asc, top-nested of b by sum(v)"},
		{"top-hitters", "T | top-hitters 5 of k by v", "T\n| top-hitters 5 of k by v"},
		{"mv-apply", "T | mv-apply with_itemindex=i e = arr to typeof(long) limit 5 on (where e > 1 | summarize s = sum(e))",
			"T\n| mv-apply with_itemindex=i e = arr to typeof(long) limit 5 on (where e > 1\n| summarize s = sum(e))"},
		{"fork", "T | fork a = (where x | count) (take 1)", "T\n| fork a = (where x\n| count) (take 1)"},
		{"facet", "T | facet by a, b with (top 1 by c)", "T\n| facet by a, b with (top 1 by c)"},
		{"reduce", "T | reduce by s with threshold=0.5, characters='x'", "T\n| reduce by s with threshold = 0.5, characters = 'x'"},
		{"scan", "T | scan with_match_id=m declare (d:timespan = 0s) with (step s1 output=last: a == 1 => d = ts - s1.ts; step s2: b;)",
			"T\n| scan with_match_id=m declare (d:timespan = 0s) with (step s1 output=last: a == 1 => d = ts - s1.ts; step s2: b;)"},
		{"search", `search in (T, U*) "x" and a > 1`, `search in (T, U*) "x" and a > 1`},
		{"search parenthesised predicate", `search (a == 1 or b has "x")`, `search (a == 1 or b has "x")`},
		{"search star", `T | search * has "x"`, "T\n| search * has \"x\""},
		{"find", "find withsource=S in (T, U) where a == 1 project a, b:string, pack(*)",
			"find withsource=S in (T, U) where a == 1 project a, b:string, pack(*)"},
		{"partition", "T | partition hint.strategy=native by k (top 1 by x)", "T\n| partition hint.strategy=native by k (top 1 by x)"},
		{"partition braces", "T | partition by k { U | take 1 }", "T\n| partition by k { U\n| take 1 }"},
		{"consume", "T | consume", "T\n| consume"},
		{"let forms", "let a = 1; let T = U | take 1; let f = (x:long, T:(a:long, b:string), y:string = 'd') { T | where a > x }; f(1, T)",
			"let a = 1;\nlet T = U\n| take 1;\nlet f = (x:long, T:(a:long, b:string), y:string = 'd') { T\n| where a > x };\nf(1, T)"},
		{"let view", "let v = view () { T }; v", "let v = () { T };\nv"},
		{"set and declare", "set query_now = datetime(2020-01-01); declare query_parameters(a:long = 3, b:string); T",
			"set query_now = datetime(2020-01-01);\ndeclare query_parameters(a:long = 3, b:string);\nT"},
		{"materialize and toscalar", "let m = materialize(T | take 1); print toscalar(m | count)",
			"let m = materialize(T\n| take 1);\nprint toscalar(m\n| count)"},
		{"keywords as columns", "T | project count = 1, kind, type, title, from, to, step, on = 2, default = 3",
			"T\n| project count = 1, ['kind'], type, title, ['from'], ['to'], ['step'], ['on'] = 2, ['default'] = 3"},
		{"deprecated aliases are names", "T | summarize makeset(x), argmax(y, z) | extend p = parsejson(s)",
			"T\n| summarize makeset(x), argmax(y, z)\n| extend p = parsejson(s)"},
		{"cross cluster", "cluster('c').database('d').T | take 1", "cluster('c').database('d').T\n| take 1"},
		{"option name used as a column", "T | make-series kind = count() on ts step 1d", "T\n| make-series ['kind'] = count() on ts step 1d"},
		{"directive lines", "#connect cluster('x')\nT", "T"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, diags := Parse(source.New("", tc.query))
			if diags.Err() != nil {
				t.Fatalf("parse: %v", diags)
			}
			if got := Format(tree); got != tc.want {
				t.Errorf("Format =\n%s\nwant\n%s", got, tc.want)
			}
			checkRoundTrip(t, tc.name, tc.query)
		})
	}
}
