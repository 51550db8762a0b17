package server

import (
	"encoding/json"
	"testing"
)

// TestRenderVisualization checks the Visualization property clients read beside a result (v2 @ExtendedProperties).
func TestRenderVisualization(t *testing.T) {
	tests := []struct {
		name string
		csl  string
		want map[string]any
	}{
		{name: "timechart alone", csl: "UrlClickEvents | summarize n=count() by bin(Timestamp, 1d) | render timechart",
			want: map[string]any{"Visualization": "timechart", "Title": nil, "Kind": nil, "Accumulate": false, "Ymin": "NaN", "Ymax": "NaN"}},
		{name: "columnchart with properties", csl: `UrlClickEvents | summarize n=count() by bin(Timestamp, 1d), ActionType ` +
			`| render columnchart with (title="Clicks by day", kind=stacked, ycolumns=n, series=ActionType, ymin=0, ymax=10.5, accumulate=true, xtitle='Day')`,
			want: map[string]any{"Visualization": "columnchart", "Title": "Clicks by day", "Kind": "stacked", "YColumns": "n",
				"Series": "ActionType", "Ymin": float64(0), "Ymax": 10.5, "Accumulate": true, "XTitle": "Day", "YTitle": nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ts := newTestServer(t, Config{})
			status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": tc.csl})
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			rows := frameOfKind(t, v2Frames(t, body), "DataTable", "QueryProperties")["Rows"].([]any)
			if len(rows) != 1 {
				t.Fatalf("QueryProperties rows %v, want one Visualization row", rows)
			}
			row := rows[0].([]any)
			if row[0] != float64(primaryTableID) || row[1] != "Visualization" {
				t.Fatalf("row %v, want [1, Visualization, ...]", row)
			}
			var vis map[string]any
			if err := json.Unmarshal([]byte(row[2].(string)), &vis); err != nil {
				t.Fatalf("Visualization value %v: %v", row[2], err)
			}
			if len(vis) != 19 {
				t.Errorf("Visualization has %d properties, want Kusto's 19", len(vis))
			}
			for k, want := range tc.want {
				if got, ok := vis[k]; !ok || got != want {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}
