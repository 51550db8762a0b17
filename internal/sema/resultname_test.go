package sema

import "testing"

// TestFunctionResultNames checks the names of unnamed calls in project and extend (Kusto.Language's rules).
func TestFunctionResultNames(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"first argument", "Events | project tostring(Bytes), round(Bytes)", "Bytes:string, Bytes1:long"},
		{"first argument path", "Events | project tostring(Extra.a.b)", "Extra_a_b:string"},
		{"path into a call", "Events | project tostring(parse_json(User).k)", "User_k:string"},
		{"name and first argument", "Events | project strlen(User), gettype(Bytes)", "strlen_User:long, type_Bytes:string"},
		{"prefix with a literal argument", "Events | project strlen('abc')", "strlen_:long"},
		{"prefix only", "Events | summarize a = tdigest(Bytes), b = tdigest(Bytes) | project merge_tdigest(a, b)", "tdigests_merge_result:dynamic"},
		{"percentile_tdigest", "Events | summarize d = tdigest(Bytes) | project percentile_tdigest(d, 50)", "percentile_tdigest_d:real"},
		{"no rule gives Column1", "Events | project bag_keys(Extra), strcat(User, 'x')", "Column1:dynamic, Column2:string"},
		{"literal first argument gives Column1", "Events | project tostring(1)", "Column1:string"},
		{"extend replaces the column of that name", "Events | extend tostring(Bytes) | project-away Extra", "Timestamp:datetime, User:string, Bytes:string"},
		{"let function has no rule", "let tostring2 = (x:long) { x }; Events | project tostring2(Bytes)", "Column1:long"},
		{"column_ifexists names the column", "Events | project column_ifexists('User', ''), column_ifexists('Nope', '')", "User:string, Column1:string"},
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
