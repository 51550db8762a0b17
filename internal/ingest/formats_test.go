package ingest

import (
	"bytes"
	"compress/gzip"
	"reflect"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func gzipText(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const (
	recordA = `{"time":"2026-11-20T08:15:40Z","tenantId":"t1","operationName":"Publish","category":"AdvancedHunting-UrlClickEvents","_TimeReceivedBySvc":"2026-11-20T08:13:11.0000000","properties":{"Timestamp":"2026-11-20T08:13:11Z","ActionType":"ClickBlocked","IsClickedThrough":true,"UrlChainPosition":2},"Tenant":"DefaultTenant"}`
	recordB = `{"time":"2026-11-20T09:15:40Z","tenantId":"t1","operationName":"Publish","category":"AdvancedHunting-UrlClickEvents","_TimeReceivedBySvc":"2026-11-20T09:13:11Z","properties":{"Timestamp":"2026-11-20T09:13:11.1234567Z","ActionType":"ClickAllowed","IsClickedThrough":false,"UrlChainPosition":1.5},"Tenant":"DefaultTenant"}`
)

// TestLoadFormats covers each input format with small synthetic files: table naming, gzip, layouts and the
// value quirks of FORMATS.md.
func TestLoadFormats(t *testing.T) {
	type cell struct {
		table, column string
		typ           types.Type
		values        []string
	}
	tests := []struct {
		name     string
		files    map[string]string
		opts     Options
		rows     map[string]int
		cells    []cell
		problems []string
	}{
		{
			name: "storage tree with tenantId= partitions, gzip, container names the table",
			files: map[string]string{
				"insights-logs-advancedhunting-urlclickevents/tenantId=t1/y=2026/m=11/d=20/h=08/m=00/PT1H.json.gz": gzipText(t, recordA+"\r\n"),
				"insights-logs-advancedhunting-urlclickevents/tenantId=t1/y=2026/m=11/d=20/h=09/m=00/PT1H.json":    recordB + "\r\n",
			},
			rows: map[string]int{"UrlClickEvents": 2},
			cells: []cell{
				{"UrlClickEvents", "Timestamp", types.DateTime, []string{"2026-11-20T08:13:11.0000000Z", "2026-11-20T09:13:11.1234567Z"}},
				{"UrlClickEvents", "IsClickedThrough", types.Bool, []string{"true", "false"}},
				// An unknown column typed from the data: long in the first file, real in the second: unified to real.
				{"UrlClickEvents", "UrlChainPosition", types.Real, []string{"2", "1.5"}},
				{"UrlClickEvents", "TenantId", types.String, []string{"t1", "t1"}},
			},
		},
		{
			name: "resourceId= layout, Event Hubs messages one per line",
			files: map[string]string{
				"resourceId=/SUBSCRIPTIONS/X/y=2026/m=11/d=20/h=08/m=00/PT1H.json": `{"records":[` + recordA + `,` + recordB + "]}\n" + `{"records":[` + recordA + "]}\n",
			},
			rows: map[string]int{"UrlClickEvents": 3},
			cells: []cell{
				{"UrlClickEvents", "ActionType", types.String, []string{"ClickBlocked", "ClickAllowed", "ClickBlocked"}},
			},
		},
		{
			name: "timestamps with 0 to 7 fractional digits and without Z",
			files: map[string]string{"EmailEvents.jsonl": `{"Timestamp":"2026-11-20T08:13:11"}` + "\n" +
				`{"Timestamp":"2026-11-20T08:13:11.5Z"}` + "\n" + `{"Timestamp":"2026-11-20T08:13:11.123Z"}` + "\n" +
				`{"Timestamp":"2026-11-20T08:13:11.1234567Z"}` + "\n" + `{"Timestamp":"2026-11-20T08:13:11.123456789Z"}` + "\n"},
			rows: map[string]int{"EmailEvents": 5},
			cells: []cell{{"EmailEvents", "Timestamp", types.DateTime, []string{"2026-11-20T08:13:11.0000000Z",
				"2026-11-20T08:13:11.5000000Z", "2026-11-20T08:13:11.1230000Z", "2026-11-20T08:13:11.1234567Z", "2026-11-20T08:13:11.1234567Z"}}},
		},
		{
			name: `JSON lines: "" for a non-string column is null; schema from the catalog`,
			files: map[string]string{"UrlClickEvents.json": `{"Timestamp":"","ActionType":"ClickBlocked","IsClickedThrough":""}` + "\n" +
				`{"Timestamp":"2026-11-20T08:13:11Z","ActionType":null,"IsClickedThrough":"true"}` + "\n"},
			rows: map[string]int{"UrlClickEvents": 2},
			cells: []cell{
				{"UrlClickEvents", "Timestamp", types.DateTime, []string{"null", "2026-11-20T08:13:11.0000000Z"}},
				{"UrlClickEvents", "TimeGenerated", types.DateTime, []string{"null", "2026-11-20T08:13:11.0000000Z"}},
				{"UrlClickEvents", "IsClickedThrough", types.Bool, []string{"null", "true"}},
				{"UrlClickEvents", "ActionType", types.String, []string{"ClickBlocked", ""}},
			},
		},
		{
			name: "JSON lines with a generic file name take the folder's name; types inferred and widened",
			files: map[string]string{"MyTable_CL/part-0001.json": `{"A":1,"B":"x","C":true,"D":{"k":[1,2]},"E":"2026-01-02T03:04:05Z","F":null}` + "\n" +
				`{"A":2.5,"B":7,"C":false,"D":[],"E":"not a time","G":"late"}` + "\n"},
			rows: map[string]int{"MyTable_CL": 2},
			cells: []cell{
				{"MyTable_CL", "A", types.Real, []string{"1", "2.5"}},
				{"MyTable_CL", "B", types.String, []string{"x", "7"}},
				{"MyTable_CL", "C", types.Bool, []string{"true", "false"}},
				{"MyTable_CL", "D", types.Dynamic, []string{`{"k":[1,2]}`, `[]`}},
				{"MyTable_CL", "E", types.String, []string{"2026-01-02T03:04:05.0000000Z", "not a time"}},
				{"MyTable_CL", "F", types.String, []string{"", ""}},
				{"MyTable_CL", "G", types.String, []string{"", "late"}},
			},
		},
		{
			name: "CSV with BOM, TimeGenerated [UTC], quoted JSON, unknown table inferred",
			files: map[string]string{"SigninExport.csv": "\uFEFFTimeGenerated [UTC],Count,Ok,Props,Name\r\n" +
				"2026-11-20T08:13:11.512Z,3,true,\"{\"\"a\"\":1}\",\"x, y\"\r\n" +
				"\"Nov 19, 2026 5:02:06 PM\",,false,\"[1]\",\r\n"},
			rows: map[string]int{"SigninExport": 2},
			cells: []cell{
				{"SigninExport", "TimeGenerated", types.DateTime, []string{"2026-11-20T08:13:11.5120000Z", "2026-11-19T17:02:06.0000000Z"}},
				{"SigninExport", "Count", types.Long, []string{"3", "null"}},
				{"SigninExport", "Ok", types.Bool, []string{"true", "false"}},
				{"SigninExport", "Props", types.Dynamic, []string{`{"a":1}`, `[1]`}},
				{"SigninExport", "Name", types.String, []string{"x, y", ""}},
			},
		},
		{
			name:  "Log Analytics CSV export of a Defender table: Timestamp taken from TimeGenerated [UTC]",
			files: map[string]string{"UrlClickEvents.csv": "TimeGenerated [UTC],ActionType\n\"11/20/2026, 8:13:11.512 AM\",ClickBlocked\n"},
			rows:  map[string]int{"UrlClickEvents": 1},
			cells: []cell{
				{"UrlClickEvents", "TimeGenerated", types.DateTime, []string{"2026-11-20T08:13:11.5120000Z"}},
				{"UrlClickEvents", "Timestamp", types.DateTime, []string{"2026-11-20T08:13:11.5120000Z"}},
			},
		},
		{
			name:  "CSV day/month order settled by the column (20/11 can only be day first)",
			files: map[string]string{"t.csv": "When,N\n20/11/2026 08:00:00,1\n05/12/2024 18:41:25,2\n"},
			rows:  map[string]int{"t": 2},
			cells: []cell{{"t", "When", types.DateTime, []string{"2026-11-20T08:00:00.0000000Z", "2024-12-05T18:41:25.0000000Z"}}},
		},
		{
			name:  "CSV ambiguous day/month settled by the hint",
			files: map[string]string{"t.csv": "When,N\n05/12/2024 18:41:25,1\n06/11/2024 1:02:03 PM,2\n"},
			opts:  Options{TimeFormat: "mdy"},
			rows:  map[string]int{"t": 2},
			cells: []cell{{"t", "When", types.DateTime, []string{"2024-05-12T18:41:25.0000000Z", "2024-06-11T13:02:03.0000000Z"}}},
		},
		{
			name:  "CSV ambiguous day/month with a locale hint",
			files: map[string]string{"t.csv": "When,N\n05/12/2024 18:41:25,1\n"},
			opts:  Options{TimeFormat: "en-GB"},
			rows:  map[string]int{"t": 1},
			cells: []cell{{"t", "When", types.DateTime, []string{"2024-12-05T18:41:25.0000000Z"}}},
		},
		{
			name:  "CSV ambiguous day/month with a Go layout hint",
			files: map[string]string{"t.csv": "When,N\n05/12/2024 18:41,1\n"},
			opts:  Options{TimeFormat: "02/01/2006 15:04"},
			rows:  map[string]int{"t": 1},
			cells: []cell{{"t", "When", types.DateTime, []string{"2024-12-05T18:41:00.0000000Z"}}},
		},
		{
			name: "Kusto REST v1 response",
			files: map[string]string{"v1.json": `{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"When","DataType":"DateTime","ColumnType":"datetime"},` +
				`{"ColumnName":"N","DataType":"Int64","ColumnType":"long"},{"ColumnName":"D","DataType":"Object","ColumnType":"dynamic"},{"ColumnName":"S","DataType":"TimeSpan"}],` +
				`"Rows":[["2026-11-20T08:13:11Z",5,"{\"a\":[1]}","01:02:03"],[null,null,{"b":2},null]]},` +
				`{"TableName":"Table_1","Columns":[{"ColumnName":"Value","DataType":"String"}],"Rows":[["x"]]}]}`},
			rows: map[string]int{"v1": 2},
			cells: []cell{
				{"v1", "When", types.DateTime, []string{"2026-11-20T08:13:11.0000000Z", "null"}},
				{"v1", "N", types.Long, []string{"5", "null"}},
				{"v1", "D", types.Dynamic, []string{`{"a":[1]}`, `{"b":2}`}},
				{"v1", "S", types.TimeSpan, []string{"01:02:03", "null"}},
			},
		},
		{
			name: "Kusto REST v2 frames: only PrimaryResult tables, dynamic as text or native",
			files: map[string]string{"v2.json": `[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},` +
				`{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[[{"Visualization":null}]]},` +
				`{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"A","ColumnType":"string"},{"ColumnName":"D","ColumnType":"dynamic"},{"ColumnName":"G","ColumnType":"guid"}],` +
				`"Rows":[["x","[1,2]","6F1D2C3B-0000-4000-8000-000000000001"],["y",[3],null]]},` +
				`{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]`},
			rows: map[string]int{"v2": 2},
			cells: []cell{
				{"v2", "A", types.String, []string{"x", "y"}},
				{"v2", "D", types.Dynamic, []string{"[1,2]", "[3]"}},
				{"v2", "G", types.GUID, []string{"6f1d2c3b-0000-4000-8000-000000000001", "null"}},
			},
		},
		{
			name: "Graph response with capitalised Name/Type and an SByte that is not a known bool",
			files: map[string]string{"hunt.json": `{"@odata.context":"x","Schema":[{"Name":"Level","Type":"SByte"},{"Name":"IsClickedThrough","Type":"SByte"},{"Name":"Extra","Type":"Object"}],` +
				`"Results":[{"Level@odata.type":"#SByte","Level":3,"IsClickedThrough":1,"Extra":{"a":1}}]}`},
			rows: map[string]int{"hunt": 1},
			cells: []cell{
				{"hunt", "Level", types.Int, []string{"3"}},
				{"hunt", "IsClickedThrough", types.Bool, []string{"true"}},
				{"hunt", "Extra", types.Dynamic, []string{`{"a":1}`}},
			},
		},
		{
			name: "Log Analytics PartialError is surfaced and the rows kept",
			files: map[string]string{"la.json": `{"tables":[{"name":"PrimaryResult","columns":[{"name":"N","type":"long"}],"rows":[[1],[2]]}],` +
				"\n" + `"error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError"}]}}`},
			rows:     map[string]int{"la": 2},
			cells:    []cell{{"la", "N", types.Long, []string{"1", "2"}}},
			problems: []string{`la.json:2: the query response reports an error (results may be incomplete): PartialError: There were some errors when processing your query. [{"code":"EngineError"}]`},
		},
		{
			name:  "a JSON array of rows",
			files: map[string]string{"DeviceThings.json": "[\n {\"A\": 1},\n {\"A\": 2}\n]\n"},
			rows:  map[string]int{"DeviceThings": 2},
			cells: []cell{{"DeviceThings", "A", types.Long, []string{"1", "2"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			ds := mustLoad(t, tc.opts, dir)
			if got := problemTexts(ds, dir); !reflect.DeepEqual(got, tc.problems) {
				t.Errorf("problems = %q\nwant %q", got, tc.problems)
			}
			if !reflect.DeepEqual(ds.Rows, tc.rows) {
				t.Fatalf("Rows = %v, want %v", ds.Rows, tc.rows)
			}
			for _, c := range tc.cells {
				typ, vals := columnOf(t, ds, c.table, c.column)
				if typ != c.typ {
					t.Errorf("%s.%s type = %v, want %v", c.table, c.column, typ, c.typ)
				}
				if !reflect.DeepEqual(vals, c.values) {
					t.Errorf("%s.%s = %q, want %q", c.table, c.column, vals, c.values)
				}
			}
		})
	}
}

func TestTableNameFromPath(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{name: "known table inside an export name", path: "/x/advanced-hunting-export-UrlClickEvents.csv", want: "UrlClickEvents"},
		{name: "container folder of a storage tree", path: "/d/insights-logs-advancedhunting-emailevents/tenantId=1/y=2026/m=11/d=20/h=08/m=00/PT1H.json", want: "EmailEvents"},
		{name: "generic part file in a table folder", path: "/d/MyTable_CL/part-0001.json", want: "MyTable_CL"},
		{name: "hive folders skipped", path: "/d/Custom/day=2026-11-20/part-0001.jsonl.gz", want: "Custom"},
		{name: "plain file name", path: "/d/my export.json", want: "my_export"},
		{name: "all generic", path: "data.json", want: "data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tableNameFromPath(tc.path); got != tc.want {
				t.Errorf("tableNameFromPath(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestDocLines(t *testing.T) {
	data := []byte("a\nbb\n\nccc\n")
	tests := []struct {
		name string
		off  int
		want int
	}{
		{name: "first byte", off: 0, want: 10},
		{name: "second line", off: 3, want: 11},
		{name: "fourth line", off: 7, want: 13},
		{name: "backwards to the first line", off: 1, want: 10},
		{name: "forward again", off: 6, want: 13},
		{name: "past the end belongs to the last line with content", off: 99, want: 13},
	}
	d := &docLines{data: data, base: 10}
	for _, tc := range tests { // in order: the queries go back and forth on purpose
		if got := d.line(tc.off); got != tc.want {
			t.Errorf("%s: line(%d) = %d, want %d", tc.name, tc.off, got, tc.want)
		}
	}
}

// TestLoadColumns reads only the columns asked for, in every format of the samples folder.
func TestLoadColumns(t *testing.T) {
	opts := Options{Columns: map[string][]string{
		"UrlClickEvents":                       {"ActionType", "TimeGenerated"},
		"log_analytics_response":               {"Count"},
		"graph_runHuntingQuery_response":       {"Clicks"},
		"advanced_hunting_export_locale_times": {"Url", "NoSuchColumn"},
	}}
	ds := mustLoad(t, opts, sampleDir(t))
	if len(ds.Problems) != 0 {
		t.Errorf("problems: %v", ds.Problems)
	}
	tests := []struct {
		name   string
		table  string
		fields []string
		column string
		values []string
	}{
		{name: "TimeGenerated brings Timestamp", table: "UrlClickEvents", fields: []string{"Timestamp", "ActionType", "TimeGenerated"},
			column: "ActionType", values: []string{"ClickBlocked", "ClickAllowed", "ClickAllowed", "ClickBlocked"}},
		{name: "Log Analytics", table: "log_analytics_response", fields: []string{"Count"}, column: "Count", values: []string{"3", "null"}},
		{name: "Graph", table: "graph_runHuntingQuery_response", fields: []string{"Clicks"}, column: "Clicks", values: []string{"3", "1"}},
		{name: "CSV", table: "advanced_hunting_export_locale_times", fields: []string{"Url"}, column: "Url",
			values: []string{"http://login-micros0ft-verify.example.net/session", "https://links.example-mailer.net/ls/click"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var names []string
			for _, f := range ds.Catalog[tc.table].Schema() {
				names = append(names, f.Name)
			}
			if !reflect.DeepEqual(names, tc.fields) {
				t.Errorf("columns = %v, want %v", names, tc.fields)
			}
			if _, vals := columnOf(t, ds, tc.table, tc.column); !reflect.DeepEqual(vals, tc.values) {
				t.Errorf("%s = %q, want %q", tc.column, vals, tc.values)
			}
		})
	}
	if n := len(ds.Catalog["EmailEvents"].Schema()); n < 43 {
		t.Errorf("EmailEvents (not named in Columns) has %d columns, want all", n)
	}
}
