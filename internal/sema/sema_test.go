package sema

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// testCatalog has one table, Events(Timestamp:datetime, User:string, Bytes:long, Extra:dynamic).
func testCatalog() catalog.Catalog {
	fields := []types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "User", Type: types.String},
		{Name: "Bytes", Type: types.Long}, {Name: "Extra", Type: types.Dynamic}}
	return catalog.Map{"Events": &catalog.MemTable{TableName: "Events", Fields: fields}}
}

func check(t *testing.T, q string) (*Program, *source.DiagnosticList) {
	t.Helper()
	src := source.New("", q)
	parsed, diags := syntax.Parse(src)
	if diags != nil && diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	return Check(parsed, src, testCatalog())
}

func schemaString(fields []types.Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Name + ":" + f.Type.String()
	}
	return strings.Join(parts, ", ")
}

// TestSchemas checks the output schema sema infers for each operator: column names, order and types.
func TestSchemas(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"scan", "Events", "Timestamp:datetime, User:string, Bytes:long, Extra:dynamic"},
		{"project naming", "Events | project User, Extra.a.b, Bytes * 2, k = 1", "User:string, Extra_a_b:dynamic, Column1:long, k:long"},
		{"extend replaces in place", "Events | extend Bytes = Bytes / 2.0 | project-away Extra", "Timestamp:datetime, User:string, Bytes:real"},
		{"summarize groups first", "Events | summarize count(), total = sum(Bytes), avg(Bytes) by bin(Timestamp, 1h), User",
			"Timestamp:datetime, User:string, count_:long, total:long, avg_Bytes:real"},
		{"summarize by an expression", "Events | summarize dcount(User) by tostring(Extra.kind), Bytes % 2",
			"Extra_kind:string, Column1:long, dcount_User:long"},
		{"arg_max with star", "Events | summarize arg_max(Timestamp, *) by User", "User:string, Timestamp:datetime, Bytes:long, Extra:dynamic"},
		{"make-series", "Events | make-series n = count() default = 0 on Timestamp step 1d by User", "User:string, n:dynamic, Timestamp:dynamic"},
		{"join renames right duplicates", "Events | join kind=leftouter (Events | project User, Bytes) on User",
			"Timestamp:datetime, User:string, Bytes:long, Extra:dynamic, User1:string, Bytes1:long"},
		{"leftsemi returns the left side", "Events | join kind=leftsemi (Events | project User) on User", "Timestamp:datetime, User:string, Bytes:long, Extra:dynamic"},
		{"mv-expand with a cast", "Events | mv-expand Extra to typeof(string)", "Timestamp:datetime, User:string, Bytes:long, Extra:string"},
		{"parse adds typed columns", `Events | parse User with "u" id:long "@" domain`, "Timestamp:datetime, User:string, Bytes:long, Extra:dynamic, id:long, domain:string"},
		{"union fills by name", "union (Events | project User), (print Other = 1)", "User:string, Other:long"},
		{"union isfuzzy leaves out a wildcard matching nothing", "union isfuzzy=true Easm*, (print a = 1)", "a:long"},
		{"union isfuzzy leaves out an unknown table", "union isfuzzy=true (Nope | where x > 0), Events | project User", "User:string"},
		{"count", "Events | count", "Count:long"},
		{"percentiles name each output", "Events | summarize percentiles(Bytes, 50, 95), percentile(Bytes, 10)",
			"percentile_Bytes_50:long, percentile_Bytes_95:long, percentile_Bytes_10:long"},
		{"multi-output function unnamed", "Events | project y = Extra | extend series_stats(y) | project-away y, series_stats_y_min_idx, series_stats_y_max_idx",
			"series_stats_y_min:real, series_stats_y_max:real, series_stats_y_avg:real, series_stats_y_stdev:real, series_stats_y_variance:real"},
		{"multi-output function as a tuple", "Events | project (a, b) = series_fit_line(Extra)", "a:real, b:real"},
		{"row functions keep the input columns", "Events | serialize | extend p = prev(Bytes), n = row_number(1, prev(User) != User), s = row_cumsum(Bytes)",
			"Timestamp:datetime, User:string, Bytes:long, Extra:dynamic, p:long, n:long, s:long"},
		{"pack_all", "Events | project User, b = pack_all()", "User:string, b:dynamic"},
		{"print of a multi-output function", "print (s, i) = series_fit_line(dynamic([1, 2, 4]))", "s:real, i:real"},
		{"multi-output function with one name", "Events | project f = series_decompose_anomalies(Extra)", "f:dynamic"},
		{"equality binds a string with a number or a bool", "Events | where User == 0 and Bytes != '5' and User != true | count", "Count:long"},
		{"common join column of int and long", "Events | join (Events | project Bytes = toint(Bytes)) on Bytes | count", "Count:long"},
		{"join keys of int and long", "Events | join (Events | project B = toint(Bytes)) on $left.Bytes == $right.B | count", "Count:long"},
		{"named argument of a built-in function names a first-argument result", "Events | summarize toint(N = count()), make_list_if(User, Big = Bytes > 5) by User", "User:string, N:int, list_User:dynamic"},
		// the functions resultname.go names after their first argument name it after a named argument too
		{"named argument of series_fill_linear and rand", "Events | summarize series_fill_linear(S = make_list(Bytes)), rand(R = count())", "S:dynamic, R:long"},
		{"make_datetime of several arguments is not named after the first", "Events | project make_datetime(Y = 2024, 1, 2)", "Column1:datetime"},
		{"mv-expand of a call expands the column extend names", "Events | mv-expand parse_json(User) | project User", "User:dynamic"},
		{"summarize names f(agg) after the aggregate", "Events | summarize tostring(make_set(User)) by bin(Hour = Timestamp, 1h)", "Hour:datetime, set_User:string"},
		{"a path through a first-argument function", "Events | project parse_json(User)[0].a", "User_0_a:dynamic"},
		{"datetime arithmetic", "print a = now() - ago(1d), b = 1d / 1h, c = datetime(2024-01-01) + 1h", "a:timespan, b:real, c:datetime"},
		{"let-bound function expands with its defaults", "let f = (t:(*), n:long = 2) { t | take n }; f(Events) | project User", "User:string"},
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

// TestCheckErrors checks the wording and position of semantic errors.
func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"unknown column", "Events | where Usr == 'a'", "1:16: error: Failed to resolve scalar expression named 'Usr'"},
		{"unknown table", "Evnts | count", "1:1: error: Failed to resolve table or column expression named 'Evnts'"},
		{"group by dynamic", "Events | summarize count() by Extra",
			"1:31: error: summarize: the group-by key 'Extra' is of a 'dynamic' type; please use an explicit cast, for example: by tostring(Extra)"},
		{"compare datetime with string", "Events | where Timestamp > 'x'", "1:26: error: The operator '>' is not defined for the operand types datetime and string."},
		{"equality of a datetime and a number", "Events | where Timestamp == 1", "1:26: error: Cannot compare values of types datetime and long. Try adding explicit casts"},
		{"equality of a string and a datetime", "Events | where User != now()", "1:21: error: Cannot compare values of types string and datetime. Try adding explicit casts"},
		{"in-list item of another domain", "Events | where Timestamp in ('x', now())", "1:30: error: Cannot compare values of types datetime and string. Try adding explicit casts"},
		{"join keys of different types", "Events | join (Events | project B = Bytes > 0) on $left.Bytes == $right.B",
			"1:51: error: Inconsistent data types for join keys: (long, bool)"},
		{"common join column of different types", "Events | join (Events | project Bytes = tostring(Bytes)) on Bytes",
			"1:61: error: The common column 'Bytes' must have the same type on both sides of the join."},
		{"order strings", "Events | where User < 'm'", "1:21: error: The operator '<' is not defined for the operand types string and string."},
		{"has on a number", "Events | where Bytes has '1'", "1:22: error: The operator 'has' is not defined for the operand types long and string."},
		{"contains a number", "Events | where User contains 5", "1:21: error: The operator 'contains' is not defined for the operand types string and long."},
		{"in~ on a number", "Events | where Bytes in~ ('1')", "1:16: error: The operator 'in~' is not defined for the operand type long."},
		{"union wildcard matching nothing", "union Easm* | count", "1:7: error: Failed to resolve table or column expression named 'Easm*': no table matches the wildcard"},
		{"union wildcard matching nothing next to a table", "union Easm*, Events | count", "1:7: error: Failed to resolve table or column expression named 'Easm*': no table matches the wildcard"},
		{"union isfuzzy with no leg resolving", "union isfuzzy=true Easm*, Nope | count", "1:20: error: Failed to resolve table or column expression named 'Easm*': no table matches the wildcard"},
		{"between a string and numbers", "Events | where User between (1 .. 2)", "1:16: error: The operator 'between' is not defined for the operand types string, long and long."},
		{"member access on a number", "Events | project Bytes.x", "1:18: error: The member access '.x' needs a dynamic value, but the expression is of type long"},
		{"join kind", "Events | join kind=sideways (Events) on User", "1:15: error: Unknown join kind 'sideways'"},
		{"the first of several errors", "Events | where a > 1 | project b", "1:16: error: Failed to resolve scalar expression named 'a'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := check(t, tc.query)
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			if got := diags.Items[0].Error(); got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestProjectByNames checks the columns project-by-names keeps: in argument order, each once, unknown names
// ignored, and errors located at the operator.
func TestProjectByNames(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
		err   string
	}{
		{"wildcard", `Events | project-by-names "B*", "Ti*"`, "Bytes:long, Timestamp:datetime", ""},
		{"array and duplicates", `Events | project-by-names dynamic(["User", "Missing"]), "*"`,
			"User:string, Timestamp:datetime, Bytes:long, Extra:dynamic", ""},
		{"not constant", `Events | project-by-names User`, "", "1:10: error: project-by-names: Failed to resolve scalar expression named 'User'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, diags := check(t, tc.query)
			if tc.err != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.err) {
					t.Fatalf("diagnostics = %v, want %q", diags, tc.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := schemaString(prog.Result.Schema()); got != tc.want {
				t.Errorf("schema = %s, want %s", got, tc.want)
			}
		})
	}
}
