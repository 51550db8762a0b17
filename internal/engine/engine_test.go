package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestEvaluate runs queries over inline data and compares the whole result: column names, types and cells.
func TestEvaluate(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{
			name:  "arithmetic promotion and division",
			query: `print a = 1 + 2, b = 1.5 * 2, c = 7 / 2, d = -7 / 2, e = 7 % 3, f = 1 / 0, g = int(3) + int(4), h = 7.0 / 2`,
			want:  "a:long | b:real | c:long | d:long | e:long | f:long | g:int | h:real\n3 | 3 | 3 | -3 | 1 | null | 7 | 3.5\n",
		},
		{
			name:  "datetime and timespan arithmetic",
			query: `print a = datetime(2024-01-02) - datetime(2024-01-01), b = datetime(2024-01-01) + 1h, c = 1d / 1h, d = 1h * 2, e = 3h / 2, f = now() - ago(2d)`,
			want:  "a:timespan | b:datetime | c:real | d:timespan | e:timespan | f:timespan\n1.00:00:00 | 2024-01-01T01:00:00.0000000Z | 24 | 02:00:00 | 01:30:00 | 2.00:00:00\n",
		},
		{
			name:  "null arithmetic and comparisons",
			query: `print a = long(null) + 1, b = long(null) < 1, c = long(null) == 1, d = long(null) != 1, e = long(null) == long(null), f = 1 == 1.0`,
			want:  "a:long | b:bool | c:bool | d:bool | e:bool | f:bool\nnull | null | false | true | null | true\n",
		},
		{
			name:  "three-valued and/or",
			query: `print a = bool(null) and false, b = bool(null) and true, c = bool(null) or true, d = bool(null) or false, e = not(bool(null))`,
			want:  "a:bool | b:bool | c:bool | d:bool | e:bool\nfalse | null | true | null | null\n",
		},
		{
			name:  "where drops null predicates",
			query: `datatable(x:long)[1, long(null), 3] | where x > 1`,
			want:  "x:long\n3\n",
		},
		{
			name:  "string equality is case-sensitive",
			query: `datatable(s:string)["Alice", "alice"] | where s == "alice"`,
			want:  "s:string\n\"alice\"\n",
		},
		{
			name:  "extend replaces in place and names paths",
			query: `datatable(a:long, d:dynamic)[1, dynamic({"x":{"y":5}})] | extend a = a * 10, d.x.y, d["x"]`,
			want:  "a:long | d:dynamic | d_x_y:dynamic | d_x:dynamic\n10 | {\"x\":{\"y\":5}} | 5 | {\"y\":5}\n",
		},
		{
			name:  "extend and project see columns defined earlier in the list",
			query: `print x = 1 | extend a = x + 1, b = a * 10 | project x, b, c = b + a, d = c * 2`,
			want:  "x:long | b:long | c:long | d:long\n1 | 20 | 22 | 44\n",
		},
		{
			name:  "project unnamed expression is Column1",
			query: `datatable(a:long)[2] | project a, a * 2, a + 1`,
			want:  "a:long | Column1:long | Column2:long\n2 | 4 | 3\n",
		},
		{
			name:  "print names unnamed columns by position",
			query: `print 1, x = 2, 3`,
			want:  "print_0:long | x:long | print_2:long\n1 | 2 | 3\n",
		},
		{
			name:  "dynamic member and index access",
			query: `print a = dynamic({"k":[10,20,30]}).k[1], b = dynamic([1,2,3])[-1], c = dynamic({"k":1})["missing"], d = dynamic([1])[5]`,
			want:  "a:dynamic | b:dynamic | c:dynamic | d:dynamic\n20 | 3 | null | null\n",
		},
		{
			name:  "dynamic compared with a string via tostring",
			query: `datatable(d:dynamic)[dynamic({"n":"x"}), dynamic({"n":"y"})] | where d.n == "x" | project n = tostring(d.n)`,
			want:  "n:string\n\"x\"\n",
		},
		{
			name:  "in, !in, in~ and a dynamic array list",
			query: `print a = "x" in ("X", "y"), b = "x" in~ ("X"), c = 2 !in (1, 3), d = 2 in (dynamic([1, 2])), e = long(null) in (1), f = 2.0 in (2)`,
			want:  "a:bool | b:bool | c:bool | d:bool | e:bool | f:bool\nfalse | true | true | true | false | true\n",
		},
		{
			name:  "in over a tabular subquery",
			query: "let T = datatable(a:long)[1, 2, 3];\nT | where a in (T | where a >= 2) | count",
			want:  "Count:long\n2\n",
		},
		{
			name:  "between numbers and datetimes",
			query: `print a = 5 between (1 .. 5), b = 6 !between (1 .. 5), c = datetime(2024-01-03) between (datetime(2024-01-01) .. 2d)`,
			want:  "a:bool | b:bool | c:bool\ntrue | true | true\n",
		},
		{
			name:  "summarize groups first, expressions over aggregates",
			query: `range x from 1 to 10 step 1 | summarize s = sum(x), spread = max(x) - min(x), count() by k = x % 3 | order by k asc`,
			want:  "k:long | s:long | spread:long | count_:long\n0 | 18 | 6 | 3\n1 | 22 | 9 | 4\n2 | 15 | 6 | 3\n",
		},
		{
			name:  "arg_max with star keeps the other columns",
			query: `datatable(x:long, y:string, g:string)[1, "a", "p", 3, "c", "p", 2, "b", "q"] | summarize arg_max(x, *) by g | order by g asc`,
			want:  "g:string | x:long | y:string\n\"p\" | 3 | \"c\"\n\"q\" | 2 | \"b\"\n",
		},
		{
			name:  "distinct",
			query: `datatable(a:long, b:string)[1, "x", 1, "x", 2, "y"] | distinct a, b | order by a asc`,
			want:  "a:long | b:string\n1 | \"x\"\n2 | \"y\"\n",
		},
		{
			name:  "sort with several keys and explicit nulls placement",
			query: `datatable(a:long, b:long)[1, 2, 1, long(null), 0, 5] | sort by a asc, b desc nulls first`,
			want:  "a:long | b:long\n0 | 5\n1 | null\n1 | 2\n",
		},
		{
			name:  "top",
			query: `range x from 1 to 5 step 1 | top 2 by x`,
			want:  "x:long\n5\n4\n",
		},
		{
			name:  "top across batches keeps ties in input order",
			query: `range x from 1 to 20000 step 1 | top 3 by x % 5 desc`,
			want:  "x:long\n4\n9\n14\n",
		},
		{
			name:  "top ascending puts nulls first",
			query: `datatable(x:long)[3, long(null), 1, 2] | top 2 by x asc`,
			want:  "x:long\nnull\n1\n",
		},
		{
			name:  "take",
			query: `range x from 1 to 100000 step 1 | take 3`,
			want:  "x:long\n1\n2\n3\n",
		},
		{
			name:  "join fullouter",
			query: `datatable(k:string, v:long)["a", 1, "b", 2] | join kind=fullouter (datatable(k:string, w:long)["b", 20, "d", 40]) on k | order by v asc`,
			want:  "k:string | v:long | k1:string | w:long\n\"\" | null | \"d\" | 40\n\"a\" | 1 | \"\" | null\n\"b\" | 2 | \"b\" | 20\n",
		},
		{
			name:  "join rightouter with $left/$right keys",
			query: `datatable(k:string, v:long)["a", 1, "b", 2] | join kind=rightouter (datatable(r:string, w:long)["b", 20, "d", 40]) on $left.k == $right.r | order by w asc`,
			want:  "k:string | v:long | r:string | w:long\n\"b\" | 2 | \"b\" | 20\n\"\" | null | \"d\" | 40\n",
		},
		{
			name:  "join rightsemi and rightanti",
			query: `let L = datatable(k:string)["a", "b"]; let R = datatable(k:string, w:long)["b", 1, "c", 2]; union (L | join kind=rightsemi R on k), (L | join kind=rightanti R on k) | order by w asc`,
			want:  "k:string | w:long\n\"b\" | 1\n\"c\" | 2\n",
		},
		{
			name:  "join on a numeric key of different widths",
			query: `datatable(k:int, v:string)[1, "one"] | join kind=inner (datatable(k:long, w:string)[1, "uno"]) on k`,
			want:  "k:int | v:string | k1:long | w:string\n1 | \"one\" | 1 | \"uno\"\n",
		},
		{
			name:  "lookup drops the right key",
			query: `datatable(k:string, v:long)["a", 1, "b", 2] | lookup (datatable(k:string, w:long)["b", 20]) on k | order by v asc`,
			want:  "k:string | v:long | w:long\n\"a\" | 1 | null\n\"b\" | 2 | 20\n",
		},
		{
			name:  "union outer fills missing columns with nulls",
			query: `union withsource=Source (print a = 1), (print b = "x")`,
			want:  "Source:string | a:long | b:string\n\"union_arg0\" | 1 | \"\"\n\"union_arg1\" | null | \"x\"\n",
		},
		{
			name:  "mv-expand in parallel with an index and a cast",
			query: `datatable(d:dynamic, e:dynamic)[dynamic([1,2,3]), dynamic(["a"])] | mv-expand with_itemindex=i d to typeof(long), e`,
			want:  "d:long | e:dynamic | i:long\n1 | \"a\" | 0\n2 | null | 1\n3 | null | 2\n",
		},
		{
			name:  "mv-expand of a bag",
			query: `print d = dynamic({"x":1,"y":2}) | mv-expand d`,
			want:  "d:dynamic\n{\"x\":1}\n{\"y\":2}\n",
		},
		{
			name:  "mv-expand of a named expression with a limit",
			query: `print d = dynamic([1,2,3]) | mv-expand v = d limit 2 | project v`,
			want:  "v:dynamic\n1\n2\n",
		},
		{
			name:  "parse simple with star and typed columns",
			query: `datatable(s:string)["GET /a 200 12ms", "bad"] | parse s with verb " " path " " * "200 " ms:long "ms"`,
			want:  "s:string | verb:string | path:string | ms:long\n\"GET /a 200 12ms\" | \"GET\" | \"/a\" | 12\n\"bad\" | \"\" | \"\" | null\n",
		},
		{
			name:  "parse regex and parse-where",
			query: `datatable(s:string)["a=1;b=2", "zzz"] | parse-where kind=regex s with "a=" a:long ";b=" b:long`,
			want:  "s:string | a:long | b:long\n\"a=1;b=2\" | 1 | 2\n",
		},
		{
			name:  "make-series without from/to takes the range from the data",
			query: `datatable(ts:datetime, v:long)[datetime(2024-01-01), 1, datetime(2024-01-03), 2] | make-series sum(v) on ts step 1d`,
			want:  "sum_v:dynamic | ts:dynamic\n[1,0,2] | [\"2024-01-01T00:00:00.0000000Z\",\"2024-01-02T00:00:00.0000000Z\",\"2024-01-03T00:00:00.0000000Z\"]\n",
		},
		{
			name:  "make-series over a numeric axis",
			query: `range x from 0 to 9 step 1 | make-series c = count() on x from 0 to 10 step 5`,
			want:  "c:dynamic | x:dynamic\n[5,5] | [0,5]\n",
		},
		{
			name:  "let functions with defaults, scalar and tabular",
			query: "let f = (x:long, y:long = 10) { x * y };\nlet g = (t:(a:long)) { t | where a > 1 };\nlet T = datatable(a:long)[1, 2, 3];\ng(T) | extend p = f(a), q = f(a, 2)",
			want:  "a:long | p:long | q:long\n2 | 20 | 4\n3 | 30 | 6\n",
		},
		{
			name:  "toscalar and materialize",
			query: "let M = materialize(range i from 1 to 3 step 1);\nprint s = toscalar(M | summarize sum(i)), c = toscalar(M | count)",
			want:  "s:long | c:long\n6 | 3\n",
		},
		{
			name:  "range of datetimes",
			query: `range t from datetime(2024-01-01) to datetime(2024-01-02) step 12h`,
			want:  "t:datetime\n2024-01-01T00:00:00.0000000Z\n2024-01-01T12:00:00.0000000Z\n2024-01-02T00:00:00.0000000Z\n",
		},
		{
			name:  "project-away with a wildcard, project-reorder, project-rename",
			query: `print a1 = 1, a2 = 2, b = 3, c = 4 | project-away a* | project-reorder c | project-rename bb = b`,
			want:  "c:long | bb:long\n4 | 3\n",
		},
		{
			name:  "project-keep",
			query: `print a1 = 1, a2 = 2, b = 3 | project-keep a*`,
			want:  "a1:long | a2:long\n1 | 2\n",
		},
		{
			name:  "count as",
			query: `range x from 1 to 4 step 1 | count as N`,
			want:  "N:long\n4\n",
		},
		{
			name:  "getschema",
			query: `print a = 1, b = "x" | getschema`,
			want:  "ColumnName:string | ColumnOrdinal:int | DataType:string | ColumnType:string\n\"a\" | 0 | \"System.Int64\" | \"long\"\n\"b\" | 1 | \"System.String\" | \"string\"\n",
		},
		{
			name:  "column_ifexists",
			query: `print a = 1 | extend b = column_ifexists("a", 0), c = column_ifexists("zz", 7)`,
			want:  "a:long | b:long | c:long\n1 | 1 | 7\n",
		},
		{
			name:  "mv-apply with top per row",
			query: `datatable(id:long, m:dynamic)[1, dynamic([5, 1, 9]), 2, dynamic([3])] | mv-apply m to typeof(long) on (top 2 by m desc)`,
			want:  "id:long | m:long\n1 | 9\n1 | 5\n2 | 3\n",
		},
		{
			name:  "mv-apply with summarize adds the row's columns",
			query: `datatable(id:long, m:dynamic)[1, dynamic([5, 1, 9]), 2, dynamic([3])] | mv-apply v = m to typeof(long) on (summarize total = sum(v))`,
			want:  "id:long | m:dynamic | total:long\n1 | [5,1,9] | 15\n2 | [3] | 3\n",
		},
		{
			name:  "mv-apply with an item index and a filter",
			query: `datatable(id:long, m:dynamic)[1, dynamic([{"t":"a","n":1},{"t":"b","n":2}])] | mv-apply with_itemindex=i e = m on (where e.t == "b" | project n = toint(e.n), i)`,
			want:  "id:long | m:dynamic | n:int | i:long\n1 | [{\"t\":\"a\",\"n\":1},{\"t\":\"b\",\"n\":2}] | 2 | 1\n",
		},
		{
			name:  "serialize with columns, sample",
			query: `range x from 1 to 5 step 1 | serialize y = x * 2 | sample 2 | count`,
			want:  "Count:long\n2\n",
		},
		{
			name:  "union columns of one name with several types",
			query: `union withsource=T (print x = 1), (print x = toint(2)), (print x_long = 3)`,
			want:  "T:string | x_long1:long | x_int:int | x_long:long\n\"union_arg0\" | 1 | null | null\n\"union_arg1\" | null | 2 | null\n\"union_arg2\" | null | null | 3\n",
		},
		{
			name:  "parse-where drops rows whose typed values do not convert",
			query: `datatable(s:string)["a=1 b=x", "a=2 b=3"] | parse-where s with "a=" a:long " b=" b:long`,
			want:  "s:string | a:long | b:long\n\"a=2 b=3\" | 2 | 3\n",
		},
		{
			name:  "parse-kv with delimiters and quotes",
			query: `print str='src=10.1.1.1 bytes=125 failure=(connection aborted)' | parse-kv str as (src:string, bytes:long, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='()') | project-away str`,
			want:  "src:string | bytes:long | failure:string\n\"10.1.1.1\" | 125 | \"connection aborted\"\n",
		},
		{
			name:  "parse-kv greedy",
			query: `print str='name=John Doe city=New York' | parse-kv str as (name:string, city:string, zip:long) with (pair_delimiter=' ', kv_delimiter='=', greedy=true) | project-away str`,
			want:  "name:string | city:string | zip:long\n\"John Doe\" | \"New York\" | null\n",
		},
		{
			name:  "parse-kv with detected delimiters",
			query: `print str="[INFO] ThreadId:4587, Machine:Node001, Text: Started" | parse-kv str as (Text: string, ThreadId:long) | project-away str`,
			want:  "Text:string | ThreadId:long\n\"Started\" | 4587\n",
		},
		{
			name:  "bag_unpack finds the keys in the data, sorted, typed by their values",
			query: `datatable(id:long, d:dynamic)[1, dynamic({"b":"x","a":1}), 2, dynamic({"a":2,"c":1.5})] | evaluate bag_unpack(d) | where a > 1`,
			want:  "id:long | a:long | b:string | c:real\n2 | 2 | \"\" | 1.5\n",
		},
		{
			name:  "bag_unpack with a prefix and ignored properties",
			query: `print d = dynamic({"a":1,"b":"x"}) | evaluate bag_unpack(d, "p_", ignoredProperties=dynamic(["b"]))`,
			want:  "p_a:long\n1\n",
		},
		{
			name:  "bag_unpack with a declared schema",
			query: `datatable(id:long, d:dynamic)[1, dynamic({"a":1,"b":"x"})] | evaluate bag_unpack(d) : (id:long, a:long)`,
			want:  "id:long | a:long\n1 | 1\n",
		},
		{
			name:  "pivot counts by default, columns sorted by value",
			query: `datatable(State:string, EventType:string)["AL","Wind","AL","Wind","AK","Wind","AK","Snow"] | evaluate pivot(State) | order by EventType asc`,
			want:  "EventType:string | AK:long | AL:long\n\"Snow\" | 1 | 0\n\"Wind\" | 1 | 2\n",
		},
		{
			name:  "pivot with an aggregate and group columns",
			query: `datatable(State:string, EventType:string, D:long)["AL","Wind",1,"AK","Snow",7] | evaluate pivot(State, max(D), EventType) | order by EventType asc`,
			want:  "EventType:string | AK:long | AL:long\n\"Snow\" | 7 | null\n\"Wind\" | null | 1\n",
		},
		{
			name:  "member access on a string column holding JSON",
			query: `datatable(AdditionalFields:string)['{"Pipe":"p1","n":[1,2]}'] | project p = tostring(AdditionalFields.Pipe), AdditionalFields.n[1]`,
			want:  "p:string | AdditionalFields_n_1:dynamic\n\"p1\" | 2\n",
		},
		{
			name:  "top-nested over two levels",
			query: `datatable(State:string, Source:string, Damage:long)["TX","a",10,"TX","b",5,"TX","a",1,"FL","c",7,"CA","d",1] | top-nested 2 of State by sum(Damage), top-nested 1 of Source by count()`,
			want:  "State:string | aggregated_State:long | Source:string | aggregated_Source:long\n\"TX\" | 16 | \"a\" | 2\n\"FL\" | 7 | \"c\" | 1\n",
		},
		{
			name:  "top-nested with others",
			query: `datatable(State:string, Damage:long)["TX",10,"FL",7,"CA",1,"NY",2] | top-nested 2 of State with others = "Other" by total = sum(Damage)`,
			want:  "State:string | total:long\n\"TX\" | 10\n\"FL\" | 7\n\"Other\" | 3\n",
		},
		{
			name:  "partition runs the subquery per value",
			query: `datatable(k:string, v:long)["a",1,"a",5,"b",2,"b",9,"b",3] | partition by k (top 1 by v desc)`,
			want:  "k:string | v:long\n\"a\" | 5\n\"b\" | 9\n",
		},
		{
			name:  "fork returns its first branch",
			query: `range x from 1 to 5 step 1 | fork (where x > 3) (count)`,
			want:  "x:long\n4\n5\n",
		},
		{
			name:  "top-hitters by count and by sum",
			query: `let T = datatable(n:string, b:long)["a",1,"b",5,"a",2,"a",1]; union (T | top-hitters 1 of n | project n, v = approximate_count_n), (T | top-hitters 1 of n by b | project n, v = approximate_sum_b)`,
			want:  "n:string | v:long\n\"a\" | 3\n\"b\" | 5\n",
		},
		{
			name:  "facet returns the first column's counts",
			query: `datatable(n:string, b:long)["a",1,"b",5,"a",2] | facet by n | order by n asc`,
			want:  "n:string | count_:long\n\"a\" | 2\n\"b\" | 1\n",
		},
		{
			name:  "consume returns no rows",
			query: `range x from 1 to 5 step 1 | consume`,
			want:  "x:long\n",
		},
		{
			name:  "mv-expand of a string column holding a JSON array",
			query: `datatable(id:long, j:string)[1, '[1,2]', 2, ''] | mv-expand j to typeof(long)`,
			want:  "id:long | j:long\n1 | 1\n1 | 2\n2 | null\n",
		},
		{
			name:  "as binds a name for later statements",
			query: "range x from 1 to 3 step 1 | as R;\nR | count",
			want:  "x:long\n1\n2\n3\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, nil, tc.query)
			if err != nil {
				t.Fatalf("query failed: %v", err)
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestRenderAttachesVisualization checks that render sets the chart on the result and leaves rows alone.
func TestRenderAttachesVisualization(t *testing.T) {
	res, err := runResult(t, `range x from 1 to 3 step 1 | extend y = x * 2 | render timechart with (title="Clicks", ycolumns=y, x, legend=hidden)`)
	if err != nil {
		t.Fatal(err)
	}
	vis := res.Table.Visualization
	if vis == nil {
		t.Fatal("no visualization")
	}
	if vis.Kind != "timechart" {
		t.Errorf("kind = %q, want timechart", vis.Kind)
	}
	if got := strings.Join(vis.Order, ","); got != "title,ycolumns,legend" {
		t.Errorf("order = %s", got)
	}
	if vis.Properties["title"] != "Clicks" || vis.Properties["ycolumns"] != "y,x" || vis.Properties["legend"] != "hidden" {
		t.Errorf("properties = %v", vis.Properties)
	}
	if n := res.Table.NumRows(); n != 3 {
		t.Errorf("rows = %d, want 3", n)
	}
}

// TestErrors checks the position and wording of errors found in queries.
func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"unknown column", "datatable(a:long)[1]\n| where b > 1", "2:9: error: Failed to resolve scalar expression named 'b'"},
		{"unknown table", "Foo | take 1", "1:1: error: Failed to resolve table or column expression named 'Foo'"},
		{"unknown function", "print x = foo(1)", "1:11: error: Unknown function: 'foo'."},
		{"wrong argument count", "print strlen(1, 2)", "1:7: error: The function 'strlen' expects 1 argument."},
		{"summarize by dynamic", "datatable(d:dynamic)[dynamic([1])]\n| summarize count() by d",
			"2:24: error: summarize: the group-by key 'd' is of a 'dynamic' type; please use an explicit cast, for example: by tostring(d)"},
		{"bad operand types", "print 1 + \"x\"", "1:9: error: The operator '+' cannot be applied to long and string"},
		{"incomparable types", "print 1 < \"x\"", "1:9: error: The operator '<' is not defined for the operand types long and string."},
		{"column not aggregated", "datatable(a:long)[1] | summarize a", "1:34: error: The column 'a' must be aggregated or be a group-by column of summarize"},
		{"aggregate outside summarize", "print count()", "1:7: error: The aggregate function 'count' is only allowed in summarize, make-series and similar operators"},
		{"table used as scalar", "let T = datatable(a:long)[1];\nprint T", "2:7: error: 'T' is a tabular expression; it cannot be used as a scalar (use toscalar())"},
		{"non-bool predicate", "datatable(a:long)[1] | where a", "1:30: error: The where predicate must be of type bool, but it is of type long"},
		{"recursive function", "let f = (x:long) { f(x) };\nprint f(1)", "1:20: error: Function 'f' is expanded too deeply (is it recursive?)"},
		{"Defender-only function", "print 1 | invoke FileProfile('SHA1', 10000)", "1:18: error: FileProfile() needs the Microsoft Defender XDR service and cannot run locally"},
		{"join key missing on one side", "datatable(a:long)[1] | join (datatable(b:long)[1]) on a", "1:55: error: join: the key 'a' must be a column of both sides"},
		{"syntax error", "datatable(x:long)[1]\n| where x >", "2:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runQuery(t, nil, tc.query)
			if err == nil {
				t.Fatalf("want an error, the query succeeded")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error:\n%s\nwant prefix:\n%s", err, tc.want)
			}
		})
	}
}

// TestCheckMatchesRun checks that Check reports the same semantic errors as Run, without running.
func TestCheckMatchesRun(t *testing.T) {
	diags := Check(sourceOf("range x from 1 to 3 step 1 | where y > 0"), nil)
	if !diags.HasErrors() {
		t.Fatal("Check found no error")
	}
	if got := diags.Items[0].Error(); got != "1:36: error: Failed to resolve scalar expression named 'y'" {
		t.Errorf("Check: %s", got)
	}
	if d := Check(sourceOf("range x from 1 to 3 step 1 | where x > 0"), nil); d.HasErrors() {
		t.Errorf("Check of a valid query: %v", d)
	}
	// bag_unpack's columns are only known from the data: checking leaves them open instead of failing
	if d := Check(sourceOf("print d = dynamic({\"a\":1}) | evaluate bag_unpack(d) | where a > 0 | summarize count() by a"), nil); d.HasErrors() {
		t.Errorf("Check after bag_unpack: %v", d)
	}
}

// TestRuntimeErrorsAreLocated checks that errors raised while running point at the failing expression.
func TestRuntimeErrorsAreLocated(t *testing.T) {
	_, err := runQuery(t, nil, "range x from 1 to 3 step 0")
	if err == nil || !strings.HasPrefix(err.Error(), "1:26: error: range: step must not be zero") {
		t.Errorf("got %v", err)
	}
}

// TestCatalogQueries runs queries that read catalog tables: scans, search and union with wildcards.
func TestCatalogQueries(t *testing.T) {
	logons := types.NewTable([]types.Field{{Name: "User", Type: types.String}, {Name: "Host", Type: types.String}})
	logons.AppendRow([]types.Value{types.NewString("alice"), types.NewString("pc1")})
	logons.AppendRow([]types.Value{types.NewString("bob"), types.NewString("mimikatz-box")})
	alerts := types.NewTable([]types.Field{{Name: "Title", Type: types.String}, {Name: "Severity", Type: types.Long}})
	alerts.AppendRow([]types.Value{types.NewString("Mimikatz detected"), types.NewLong(3)})
	cat := catalog.Map{
		"Logons":     &catalog.MemTable{TableName: "Logons", Fields: logons.Fields, Batches: []*types.Table{logons}},
		"LogonAlert": &catalog.MemTable{TableName: "LogonAlert", Fields: alerts.Fields, Batches: []*types.Table{alerts}},
	}
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"scan with a filter", `Logons | where User == "bob" | project Host`, "Host:string\n\"mimikatz-box\"\n"},
		{"count over a scan reads no column", `Logons | count`, "Count:long\n2\n"},
		{"search a term in every table", `search "mimikatz" | project $table | order by $table asc`, "$table:string\n\"LogonAlert\"\n\"Logons\"\n"},
		{"search in named tables with a predicate", `search in (Logons) User == "alice" | project User`, "User:string\n\"alice\"\n"},
		{"union isfuzzy leaves out missing tables", `union isfuzzy=true Logons, NoSuchTable, (NoSuchTable2 | take 1) | count`, "Count:long\n2\n"},
		{"find with project", `find in (Logons, LogonAlert) where User == "bob" or Severity > 2 project User, Severity | order by source_ asc`,
			"source_:string | User:string | Severity:long\n\"LogonAlert\" | \"\" | 3\n\"Logons\" | \"bob\" | null\n"},
		{"find packs the other columns", `find in (Logons) where User == "alice"`,
			"source_:string | User:string | pack_:dynamic\n\"Logons\" | \"alice\" | {\"Host\":\"pc1\"}\n"},
		{"union with a wildcard", `union withsource=T Logon* | summarize n = count() by T | order by T asc`, "T:string | n:long\n\"LogonAlert\" | 1\n\"Logons\" | 2\n"},
		{"has_any over a subquery", `Logons | where Host has_any (LogonAlert | extend w = "mimikatz" | project w) | project User`, "User:string\n\"bob\"\n"},
		{"bool compared with an integer", `LogonAlert | extend b = Severity > 1 | where b == 1 | count`, "Count:long\n1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, cat, tc.query)
			if err != nil {
				t.Fatalf("query failed: %v", err)
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestExternalData reads a local CSV file and refuses URLs that need the network.
func TestExternalData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(path, []byte("n,s\n1,x\n2,\"y,z\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := runQuery(t, nil, `externaldata(n:long, s:string)["`+path+`"] with (format="csv", ignoreFirstRecord=true)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "n:long | s:string\n1 | \"x\"\n2 | \"y,z\"\n"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	_, err = runQuery(t, nil, `externaldata(n:long)["https://example.com/x.csv"]`)
	if err == nil || !strings.Contains(err.Error(), "1:1: error: externaldata: https://example.com/x.csv is not fetched") {
		t.Errorf("got %v", err)
	}
}
