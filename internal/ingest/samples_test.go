package ingest

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

type wantColumn struct {
	typ    types.Type
	values []string // cellText of each row, in load order
}

// TestLoadSamples loads each sample of ../shared/formats (copied into testdata) and checks the exact type and
// value of the columns that carry a quirk.
func TestLoadSamples(t *testing.T) {
	const tenant = "00000000-1111-2222-3333-444444444444"
	tests := []struct {
		name     string
		file     string
		table    string
		rows     int
		columns  map[string]wantColumn
		absent   []string // columns that must not exist
		problems []string
	}{
		{
			name:  "Streaming API storage blob: one record per line, CRLF",
			file:  "streaming-storage-UrlClickEvents.json",
			table: "UrlClickEvents",
			rows:  2,
			columns: map[string]wantColumn{
				// The event time is properties.Timestamp, not the record's export time.
				"Timestamp":        {types.DateTime, []string{"2026-11-19T17:02:06.1314605Z", "2026-11-20T08:13:11.5120000Z"}},
				"TimeGenerated":    {types.DateTime, []string{"2026-11-19T17:02:06.1314605Z", "2026-11-20T08:13:11.5120000Z"}},
				"NetworkMessageId": {types.String, []string{"53913957-73ec-4a39-d4ee-08dee5b715c8", ""}},
				"IsClickedThrough": {types.Bool, []string{"false", "false"}},
				"ThreatTypes":      {types.String, []string{"", "Phish"}},
				"DetectionMethods": {types.String, []string{"", `{"Phish":["URL detonation reputation"]}`}},
				"UrlChain": {types.String, []string{`["https://links.example-mailer.net/ls/click?upn=u001.AbCdEf", "https://www.example.org/welcome"]`,
					`["http://login-micros0ft-verify.example.net/session"]`}},
				"AppName":    {types.String, []string{"Mail", ""}},
				"AppVersion": {types.String, []string{"0.0.0000", ""}},
				"TenantId":   {types.String, []string{tenant, tenant}},
				"Type":       {types.String, []string{"UrlClickEvents", "UrlClickEvents"}},
			},
			absent: []string{"__UDI_RequiredFields_TenantId", "time", "_TimeReceivedBySvc", "category", "properties"},
		},
		{
			name:  "Event Hubs capture: records wrapper, pretty-printed",
			file:  "streaming-eventhub-EmailEvents.json",
			table: "EmailEvents",
			rows:  1,
			columns: map[string]wantColumn{
				"Timestamp":             {types.DateTime, []string{"2026-11-18T14:08:56.0000000Z"}},
				"TimeGenerated":         {types.DateTime, []string{"2026-11-18T14:08:56.0000000Z"}},
				"To":                    {types.Dynamic, []string{`["alex.wilber@contoso.com"]`}},
				"Cc":                    {types.Dynamic, []string{`[]`}},
				"EmailClusterId":        {types.Long, []string{"2898195034"}},
				"BulkComplaintLevel":    {types.Int, []string{"null"}},
				"UrlCount":              {types.Int, []string{"16"}},
				"SenderObjectId":        {types.String, []string{""}},
				"AuthenticationDetails": {types.String, []string{`{"SPF":"pass","DKIM":"pass","DMARC":"pass","CompAuth":"pass"}`}},
				"IsFirstContact":        {types.Bool, []string{"true"}},
				"EmailSize":             {types.Long, []string{"239528"}},
				"TenantId":              {types.String, []string{tenant}},
			},
		},
		{
			name:  "Advanced Hunting CSV export: doubled quotes, 0/1 booleans, empty cells",
			file:  "advanced-hunting-export-UrlClickEvents.csv",
			table: "UrlClickEvents",
			rows:  2,
			columns: map[string]wantColumn{
				"Timestamp":        {types.DateTime, []string{"2026-11-20T08:13:11.5120000Z", "2026-11-19T17:02:06.1314605Z"}},
				"TimeGenerated":    {types.DateTime, []string{"2026-11-20T08:13:11.5120000Z", "2026-11-19T17:02:06.1314605Z"}},
				"NetworkMessageId": {types.String, []string{"", "53913957-73ec-4a39-d4ee-08dee5b715c8"}},
				"IsClickedThrough": {types.Bool, []string{"false", "false"}},
				"DetectionMethods": {types.String, []string{`{"Phish":["URL detonation reputation"]}`, ""}},
				"UrlChain": {types.String, []string{`["http://login-micros0ft-verify.example.net/session"]`,
					`["https://links.example-mailer.net/ls/click?upn=u001.AbCdEf", "https://www.example.org/welcome"]`}},
				"IPAddress": {types.String, []string{"203.0.113.24", "2001:db8:1f05::106c"}},
			},
		},
		{
			name:  "CSV with locale times and CRLF",
			file:  "advanced-hunting-export-locale-times.csv",
			table: "advanced_hunting_export_locale_times",
			rows:  2,
			columns: map[string]wantColumn{
				"Timestamp":        {types.DateTime, []string{"2026-11-20T08:13:11.5120000Z", "2026-11-19T17:02:06.0000000Z"}},
				"IsClickedThrough": {types.Bool, []string{"false", "true"}},
				"UrlChain":         {types.String, []string{"[]", "[]"}},
				"ReportId":         {types.String, []string{"8f0c2a11-5b7e-4c1d-9e3a-0d1b2c3d4e5f", "e2cf1de7-98af-47b5-4a2d-08dee5b77665"}},
			},
		},
		{
			name:  "Graph runHuntingQuery: .NET types, SByte booleans, @odata.type side keys",
			file:  "graph-runHuntingQuery-response.json",
			table: "graph_runHuntingQuery_response",
			rows:  2,
			columns: map[string]wantColumn{
				"Timestamp":        {types.DateTime, []string{"2026-11-20T08:13:11.5120000Z", "2026-11-20T09:00:00.0000000Z"}},
				"IsClickedThrough": {types.Bool, []string{"false", "true"}},
				"Clicks":           {types.Long, []string{"3", "1"}},
				"Score":            {types.Real, []string{"0.25", "1"}},
				"AccountUpn":       {types.String, []string{"megan.bowen@contoso.com", "alex.wilber@contoso.com"}},
			},
			absent: []string{"IsClickedThrough@odata.type", "@odata.context"},
		},
		{
			name:  "Log Analytics query response: nulls in typed columns",
			file:  "log-analytics-response.json",
			table: "log_analytics_response",
			rows:  2,
			columns: map[string]wantColumn{
				"TimeGenerated":    {types.DateTime, []string{"2026-11-20T08:13:12.0010000Z", "2026-11-20T09:00:01.0000000Z"}},
				"IsClickedThrough": {types.Bool, []string{"false", "null"}},
				"Count":            {types.Long, []string{"3", "null"}},
				"AccountUpn":       {types.String, []string{"megan.bowen@contoso.com", ""}},
				"UrlChain":         {types.String, []string{`["http://login-micros0ft-verify.example.net/session"]`, ""}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := mustLoad(t, Options{}, filepath.Join(sampleDir(t), tc.file))
			if len(ds.Problems) != 0 {
				t.Errorf("problems: %v", ds.Problems)
			}
			if ds.Files != 1 {
				t.Errorf("Files = %d, want 1", ds.Files)
			}
			if got := ds.Rows[tc.table]; got != tc.rows {
				t.Fatalf("rows of %s = %d, want %d (tables %v)", tc.table, got, tc.rows, ds.Catalog.TableNames())
			}
			for col, want := range tc.columns {
				typ, vals := columnOf(t, ds, tc.table, col)
				if typ != want.typ {
					t.Errorf("%s type = %v, want %v", col, typ, want.typ)
				}
				if !reflect.DeepEqual(vals, want.values) {
					t.Errorf("%s = %q, want %q", col, vals, want.values)
				}
			}
			for _, col := range tc.absent {
				if hasColumn(ds, tc.table, col) {
					t.Errorf("column %s should not exist", col)
				}
			}
			for _, f := range ds.Catalog[tc.table].Schema() {
				if strings.HasPrefix(f.Name, "__UDI_") || strings.Contains(f.Name, "@odata") {
					t.Errorf("plumbing column %s kept", f.Name)
				}
			}
		})
	}
}

// TestLoadSampleFolder loads the whole samples folder at once: the CSV export and the storage blob both feed
// UrlClickEvents, whose schema is the union (the known columns in documented order, then AppName, AppVersion,
// SourceId from the blob).
func TestLoadSampleFolder(t *testing.T) {
	ds := mustLoad(t, Options{}, sampleDir(t))
	if ds.Files != 6 {
		t.Errorf("Files = %d, want 6", ds.Files)
	}
	if len(ds.Problems) != 0 {
		t.Errorf("problems: %v", ds.Problems)
	}
	wantRows := map[string]int{
		"UrlClickEvents": 4, "EmailEvents": 1, "advanced_hunting_export_locale_times": 2,
		"graph_runHuntingQuery_response": 2, "log_analytics_response": 2,
	}
	if !reflect.DeepEqual(ds.Rows, wantRows) {
		t.Errorf("Rows = %v, want %v", ds.Rows, wantRows)
	}
	var names []string
	for _, f := range ds.Catalog["UrlClickEvents"].Schema() {
		names = append(names, f.Name)
	}
	want := []string{"Timestamp", "Url", "ActionType", "AccountUpn", "Workload", "NetworkMessageId", "ThreatTypes",
		"DetectionMethods", "IPAddress", "IsClickedThrough", "UrlChain", "ReportId", "_BilledSize", "_IsBillable",
		"TenantId", "TimeGenerated", "SourceSystem", "Type", "AppName", "AppVersion", "SourceId"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("UrlClickEvents columns = %v\nwant %v", names, want)
	}
	_, app := columnOf(t, ds, "UrlClickEvents", "AppName")
	if !reflect.DeepEqual(app, []string{"", "", "Mail", ""}) {
		t.Errorf("AppName = %q", app)
	}
}
