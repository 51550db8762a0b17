package ingest

import (
	"reflect"
	"strings"
	"testing"
)

// TestLoadBrokenDocuments checks what is kept of a document (a capture or an API response, read whole) that a
// damaged line breaks or that is cut short: every complete row before the break, the rows after a damaged row
// when its array of rows goes on, and one problem per break, among the other problems in line order.
func TestLoadBrokenDocuments(t *testing.T) {
	graphSchema := ` "schema": [
  {"name": "A", "type": "String"},
  {"name": "N", "type": "Int64"}
 ]`
	graphResults := ` "results": [
  {
   "A": "x",
   "N": 1
  },
  {
   "A": "y",
   "N": 2
  },
  {
   "A": "z",
   "N": 3
  }
 ]`
	record := func(subject string, n string) string {
		return "  {\n   \"category\": \"AdvancedHunting-EmailEvents\",\n   \"properties\": {\n    \"Subject\": \"" + subject + "\",\n    \"AttachmentCount\": " + n + "\n   }\n  }"
	}
	capture := func(records ...string) string {
		return "{\n \"records\": [\n" + strings.Join(records, ",\n") + "\n ]\n}\n"
	}
	tests := []struct {
		name     string
		file     string
		content  string
		problems []string
		skipped  int
		table    string
		column   string
		values   []string // nil: no table
	}{
		{
			name: "Graph response without its last brace", file: "hunt.json",
			content:  "{\n" + graphSchema + ",\n" + graphResults + "\n",
			problems: []string{"hunt.json:19: malformed JSON: expected ',' or '}' in JSON object"}, skipped: 1,
			table: "hunt", column: "A", values: []string{"x", "y", "z"},
		},
		{
			name: "Graph results before the schema, cut inside the results", file: "hunt.json",
			content:  "{\n" + graphResults[:strings.Index(graphResults, `"z"`)+2],
			problems: []string{"hunt.json:12: malformed JSON: unterminated JSON string; the 2 complete rows before it are left out too: the document gives their schema after them, and the schema is lost"},
			skipped:  3,
		},
		{
			name: "Graph results before the schema, cut inside the schema", file: "hunt.json",
			content:  "{\n" + graphResults + ",\n" + graphSchema[:strings.Index(graphSchema, `"N"`)+2],
			problems: []string{"hunt.json:18: malformed JSON: unterminated JSON string; the 3 complete rows before it are left out too: the document gives their schema after them, and the schema is lost"},
			skipped:  4,
		},
		{
			name: "Graph result lines cut in two rows", file: "hunt.json",
			content:  "{\n" + graphSchema + ",\n" + strings.Replace(strings.Replace(graphResults, `"A": "x",`, `"A": "x`, 1), `"N": 2`, `"N": `, 1) + "\n}\n",
			problems: []string{"hunt.json:8: malformed JSON: control character in JSON string", "hunt.json:14: malformed JSON: unexpected character '}' in JSON"}, skipped: 2,
			table: "hunt", column: "N", values: []string{"3"},
		},
		{
			name: "capture: value problems around a damaged record keep their order", file: "capture.json",
			content: capture(record("a", "1"), record("b", `"one"`), record("c", "2")[:40], record("d", `"two"`), record("e", "3")),
			problems: []string{
				`capture.json:10: column AttachmentCount: "one" is not a valid int; stored as null`,
				"capture.json:18: malformed JSON: control character in JSON string",
				`capture.json:19: column AttachmentCount: "two" is not a valid int; stored as null`,
			},
			skipped: 1,
			table:   "EmailEvents", column: "Subject", values: []string{"a", "b", "d", "e"},
		},
		{
			// The last record is broken: the array goes on at its ']', and the next message is read.
			name: "capture: the last record damaged, then another message", file: "capture.json",
			content:  capture(record("a", "1"), record("b", "2")[:40]) + capture(record("c", "3")),
			problems: []string{"capture.json:11: malformed JSON: control character in JSON string"}, skipped: 1,
			table: "EmailEvents", column: "Subject", values: []string{"a", "c"},
		},
		{
			name: "Log Analytics: the second table cut inside its rows", file: "la.json",
			content: "{\"tables\":[\n{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"A\",\"type\":\"long\"}],\"rows\":[\n[1],\n[2]\n]},\n" +
				"{\"name\":\"Second\",\"columns\":[{\"name\":\"B\",\"type\":\"string\"}],\"rows\":[\n[\"p\"],\n[\"q",
			problems: []string{"la.json:8: malformed JSON: unterminated JSON string"}, skipped: 1,
			table: "la_2", column: "B", values: []string{"p"},
		},
		{
			name: "Kusto v1: the last row's line cut", file: "v1.json",
			content:  "{\"Tables\":[{\"TableName\":\"Table_0\",\"Columns\":[{\"ColumnName\":\"A\",\"DataType\":\"Int64\"}],\"Rows\":[\n[1],\n[2],\n[3\n{\"TableName\":\"Table_1\",\"Columns\":[],\"Rows\":[]}]}\n",
			problems: []string{"v1.json:5: malformed JSON: expected ',' or ']' in JSON array"}, skipped: 1,
			table: "v1", column: "A", values: []string{"1", "2"},
		},
		{
			name: "Kusto v2: a frame with its rows before its columns, cut", file: "v2.json",
			content:  "[{\"FrameType\":\"DataSetHeader\"},\n{\"FrameType\":\"DataTable\",\"TableKind\":\"PrimaryResult\",\"Rows\":[\n[1],\n[2]],\n\"Columns\":[{\"ColumnName\":\"A\",\"Colu",
			problems: []string{"v2.json:5: malformed JSON: unterminated JSON string; the 2 complete rows before it are left out too: the document gives their schema after them, and the schema is lost"},
			skipped:  3,
		},
		{
			// Not a document: JSON lines whose first line is cut after an open bracket.
			name: "JSON lines whose first line is broken further on", file: "T.json",
			content:  "{\"A\":[1,\n{\"B\":1}\n{\"B\":2}\n",
			problems: []string{"T.json:1: malformed JSON: unexpected end of JSON"}, skipped: 1,
			table: "T", column: "B", values: []string{"1", "2"},
		},
		{
			name:     "JSON lines whose first two lines are broken",
			file:     "T.json",
			content:  "{\"A\":[1,\n{\"B\":1}\n{\"B\":\n{\"B\":3}\n",
			problems: []string{"T.json:1: malformed JSON: unexpected end of JSON", "T.json:3: malformed JSON: unexpected end of JSON"}, skipped: 2,
			table: "T", column: "B", values: []string{"1", "3"},
		},
		{
			// A plain row cut short is a broken row: nothing of it is kept.
			name: "pretty-printed row cut short", file: "T.json",
			content:  "{\n \"A\": 1,\n \"B\": \"x",
			problems: []string{"T.json:3: malformed JSON: unterminated JSON string"}, skipped: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, gz := range []bool{false, true} {
				file, content := tc.file, tc.content
				if gz {
					file, content = file+".gz", gzipText(t, content)
				}
				dir := writeFiles(t, map[string]string{file: content})
				ds := mustLoad(t, Options{}, dir)
				want := make([]string, len(tc.problems))
				for i, p := range tc.problems {
					want[i] = strings.Replace(p, tc.file, file, 1)
				}
				if got := problemTexts(ds, dir); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: problems = %q\nwant %q", file, got, want)
				}
				if ds.Skipped != tc.skipped {
					t.Errorf("%s: %d records skipped, want %d", file, ds.Skipped, tc.skipped)
				}
				if tc.values == nil {
					if len(ds.Catalog) != 0 {
						t.Errorf("%s: tables %v, want none", file, ds.Catalog.TableNames())
					}
					continue
				}
				if _, vals := columnOf(t, ds, tc.table, tc.column); !reflect.DeepEqual(vals, tc.values) {
					t.Errorf("%s: %s.%s = %q, want %q", file, tc.table, tc.column, vals, tc.values)
				}
			}
		})
	}
}
