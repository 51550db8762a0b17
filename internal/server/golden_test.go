package server

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenBodies compares whole response bodies byte for byte with testdata/*.golden (regenerate with -update
// after checking the difference by eye). The clock, ids, machine name and process id are pinned.
func TestGoldenBodies(t *testing.T) {
	seed := seedQuery(t)
	fragmented := map[string]any{"Options": map[string]any{
		"results_v2_fragment_primary_tables": true, "results_v2_newlines_between_frames": true,
		"results_error_reporting_placement": "end_of_table", "truncationmaxrecords": 2,
	}}
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		golden string
	}{
		{name: "v2 seed rule with its render visualization", path: "/v2/rest/query",
			body: map[string]any{"db": "kqlhunt", "csl": seed}, status: 200, golden: "v2_seed.golden"},
		{name: "v1 seed rule", path: "/v1/rest/query",
			body: map[string]any{"db": "kqlhunt", "csl": seed}, status: 200, golden: "v1_seed.golden"},
		{name: "v2 every scalar type, with nulls", path: "/v2/rest/query", status: 200, golden: "v2_types.golden",
			body: map[string]any{"db": "kqlhunt", "csl": `print b=true, i=int(-7), l=long(9007199254740993), r=2.5, nan=real(nan), ` +
				`dec=todecimal(1.25), s="a\"b\u00e9", dt=datetime(2026-11-30 01:02:03.1234567), ts=-time(1.02:03:04.5), ` +
				`g=guid(0e9f5c0a-1b2c-4d3e-8f40-5a6b7c8d9e0f), d=dynamic({"a":[1,"x",null]}), nl=long(null), nd=datetime(null)`}},
		{name: "v2 fragmented primary table truncated at 2 rows, error at end of table", path: "/v2/rest/query", status: 200,
			golden: "v2_fragmented_truncated.golden",
			body:   map[string]any{"db": "kqlhunt", "csl": "UrlClickEvents | project Timestamp, UrlChain | take 3", "properties": fragmented}},
		{name: "v1 truncated at 2 rows", path: "/v1/rest/query", status: 200, golden: "v1_truncated.golden",
			body: map[string]any{"db": "kqlhunt", "csl": "UrlClickEvents | project ActionType | take 3",
				"properties": `{"Options":{"truncationmaxrecords":2}}`}},
		{name: "syntax error", path: "/v2/rest/query", status: 400, golden: "error_syntax.golden",
			body: map[string]any{"db": "kqlhunt", "csl": "UrlClickEvents\n| where ActionType = = 1"}},
		{name: "mgmt .show databases schema", path: "/v1/rest/mgmt", status: 200, golden: "mgmt_schema.golden",
			body: map[string]any{"db": "kqlhunt", "csl": ".show databases schema"}},
		{name: "mgmt .show databases schema as json", path: "/v1/rest/mgmt", status: 200, golden: "mgmt_schema_json.golden",
			body: map[string]any{"db": "kqlhunt", "csl": ".show databases schema as json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ts := newTestServer(t, Config{})
			s.machine, s.pid = "testhost", 4242
			status, body := post(t, ts, tc.path, "", tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, body, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from %s:\ngot:\n%s\nwant:\n%s", path, body, want)
			}
		})
	}
}
