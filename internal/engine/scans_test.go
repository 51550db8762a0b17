package engine

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// scanTestCatalog returns UrlClickEvents (clickEvents' 200 rows) and a small EmailEvents, both recording the
// scans they get.
func scanTestCatalog(t *testing.T) (catalog.Map, *recordingTable, *recordingTable) {
	t.Helper()
	clicks, _ := clickEvents(200)
	fields := []types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "Url", Type: types.String}, {Name: "Subject", Type: types.String}}
	mails := types.NewTable(fields)
	now := types.TimeToTicks(testNow)
	mails.AppendRow([]types.Value{types.NewDateTime(now - types.TicksPerHour), types.NewString("https://example.com/p"), types.NewString("Invoice")})
	mails.AppendRow([]types.Value{types.NewDateTime(now - 5*types.TicksPerDay), types.NewString("https://example.com/q"), types.NewString("Hello")})
	c := &recordingTable{MemTable: *clicks}
	e := &recordingTable{MemTable: catalog.MemTable{TableName: "EmailEvents", Fields: fields, Batches: []*types.Table{mails}}}
	return catalog.Map{"UrlClickEvents": c, "EmailEvents": e}, c, e
}

// withoutFilters returns the requests with their string filters left out (they hold functions).
func withoutFilters(reqs []catalog.ScanRequest) []catalog.ScanRequest {
	out := make([]catalog.ScanRequest, len(reqs))
	for i, r := range reqs {
		r.Filters = nil
		out[i] = r
	}
	return out
}

// requestSet formats requests as sorted, distinct text, for comparing plans with runs.
func requestSet(reqs map[string][]catalog.ScanRequest) []string {
	var out []string
	for table, list := range reqs {
		for _, r := range withoutFilters(list) {
			out = append(out, fmt.Sprintf("%s %+v", table, r))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestScanRequests(t *testing.T) {
	day := types.TicksPerDay
	now := types.TimeToTicks(testNow)
	today := now - now%day
	clickCols := []string{"Timestamp", "ActionType", "Url", "Workload", "IPAddress"}
	tests := []struct {
		name  string
		query string
		want  map[string][]catalog.ScanRequest // without Filters
		// runDiffers is set when running the query asks for more than the plan says (a bound a subquery computes)
		runDiffers bool
	}{
		{
			name:  "seed rule",
			query: seedRule,
			want: map[string][]catalog.ScanRequest{"UrlClickEvents": {
				{Columns: []string{"Timestamp", "ActionType"}, TimeColumn: "Timestamp", MinTime: today - 30*day}}},
		},
		{
			name:  "the time bound of a later where in the chain",
			query: `UrlClickEvents | where ActionType == "ClickBlocked" | where Timestamp > ago(1d) | count`,
			want: map[string][]catalog.ScanRequest{"UrlClickEvents": {
				{Columns: []string{"Timestamp", "ActionType"}, TimeColumn: "Timestamp", MinTime: now - day + 1}}},
		},
		{
			name:  "union reads the table twice with different bounds",
			query: `union (UrlClickEvents | where Timestamp > ago(1d) | project Url), (UrlClickEvents | where Timestamp between (ago(7d) .. ago(2d)) | project Workload)`,
			want: map[string][]catalog.ScanRequest{"UrlClickEvents": {
				{Columns: []string{"Timestamp", "Url"}, TimeColumn: "Timestamp", MinTime: now - day + 1},
				{Columns: []string{"Timestamp", "Workload"}, TimeColumn: "Timestamp", MinTime: now - 7*day, MaxTime: now - 2*day + 1}}},
		},
		{
			name: "join of a let and another table",
			query: `let recent = UrlClickEvents | where Timestamp >= ago(2d) | project Url, ActionType;
recent | join kind=inner (EmailEvents | where Timestamp >= ago(3d) | project Url, Subject) on Url | summarize count() by ActionType, Subject`,
			want: map[string][]catalog.ScanRequest{
				"UrlClickEvents": {{Columns: []string{"Timestamp", "ActionType", "Url"}, TimeColumn: "Timestamp", MinTime: now - 2*day}},
				"EmailEvents":    {{Columns: []string{"Timestamp", "Url", "Subject"}, TimeColumn: "Timestamp", MinTime: now - 3*day}},
			},
		},
		{
			name:  "a subquery in a where",
			query: `UrlClickEvents | where Url in ((EmailEvents | where Timestamp > ago(1d) | project Url)) | count`,
			want: map[string][]catalog.ScanRequest{
				"UrlClickEvents": {{Columns: []string{"Timestamp", "Url"}}},
				"EmailEvents":    {{Columns: []string{"Timestamp", "Url"}, TimeColumn: "Timestamp", MinTime: now - day + 1}},
			},
		},
		{
			name:  "a subquery in an extend",
			query: `UrlClickEvents | extend n = toscalar(EmailEvents | where Timestamp > ago(1d) | count) | summarize max(n)`,
			want: map[string][]catalog.ScanRequest{
				"UrlClickEvents": {{Columns: []string{"Timestamp"}}},
				"EmailEvents":    {{Columns: []string{"Timestamp"}, TimeColumn: "Timestamp", MinTime: now - day + 1}},
			},
		},
		{
			name:  "a bound only a subquery computes is left out",
			query: `let start = toscalar(EmailEvents | summarize max(Timestamp)); UrlClickEvents | where Timestamp >= start | count`,
			want: map[string][]catalog.ScanRequest{
				"UrlClickEvents": {{Columns: []string{"Timestamp"}}},
				"EmailEvents":    {{Columns: []string{"Timestamp"}}},
			},
			runDiffers: true,
		},
		{
			name:  "materialized once, read twice",
			query: `let m = materialize(UrlClickEvents | where Timestamp > ago(1d) | project Url); union m, m | count`,
			want: map[string][]catalog.ScanRequest{"UrlClickEvents": {
				{Columns: []string{"Timestamp", "Url"}, TimeColumn: "Timestamp", MinTime: now - day + 1}}},
		},
		{
			name:  "no time filter",
			query: `UrlClickEvents | summarize count() by Workload`,
			want:  map[string][]catalog.ScanRequest{"UrlClickEvents": {{Columns: []string{"Workload"}}}},
		},
		{
			name:  "every column",
			query: `UrlClickEvents | take 3`,
			want:  map[string][]catalog.ScanRequest{"UrlClickEvents": {{Columns: clickCols}}},
		},
		{
			name:  "no table",
			query: `print 1`,
			want:  map[string][]catalog.ScanRequest{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cat, clicks, mails := scanTestCatalog(t)
			got, err := ScanRequests(source.New("", tc.query), Options{Now: testNow, Catalog: cat})
			if err != nil {
				t.Fatal(err)
			}
			if len(clicks.requests)+len(mails.requests) > 0 {
				t.Fatalf("planning scanned tables: %+v %+v", clicks.requests, mails.requests)
			}
			for table, reqs := range got {
				got[table] = withoutFilters(reqs)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scan requests\n got %+v\nwant %+v", got, tc.want)
			}
			// Running the query makes the requests the plan says (each of them once or more).
			if _, err := Run(context.Background(), source.New("", tc.query), Options{Now: testNow, Catalog: cat}); err != nil {
				t.Fatal(err)
			}
			ran := map[string][]catalog.ScanRequest{}
			for name, rec := range map[string]*recordingTable{"UrlClickEvents": clicks, "EmailEvents": mails} {
				if len(rec.requests) > 0 {
					ran[name] = rec.requests
				}
			}
			if planned, run := requestSet(got), requestSet(ran); !reflect.DeepEqual(planned, run) != tc.runDiffers {
				t.Errorf("the plan says\n%q\nthe run asked\n%q", planned, run)
			}
		})
	}
}

func TestOpenScanRequests(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  map[string][]string // the columns of each table's scans, in order; "*" for every column (nil)
	}{
		{name: "every column passed on", query: `UrlClickEvents | take 3`, want: map[string][]string{"UrlClickEvents": {"*"}}},
		{name: "extend passes every column on", query: `UrlClickEvents | extend x = 1`, want: map[string][]string{"UrlClickEvents": {"*"}}},
		{name: "an extended column nobody reads", query: `UrlClickEvents | extend x = Url | summarize count() by Workload`,
			want: map[string][]string{"UrlClickEvents": {"Workload"}}},
		{name: "project-away, then summarize", query: `UrlClickEvents | project-away Url | summarize count() by Workload`,
			want: map[string][]string{"UrlClickEvents": {"Workload"}}},
		{name: "project-keep with a wildcard", query: `UrlClickEvents | project-keep Url*`, want: map[string][]string{"UrlClickEvents": {"*"}}},
		{name: "column_ifexists of an unlisted column", query: `UrlClickEvents | project column_ifexists("AppName", "")`,
			want: map[string][]string{"UrlClickEvents": {"*"}}},
		{name: "column_ifexists of a listed column", query: `UrlClickEvents | project column_ifexists("Workload", "")`,
			want: map[string][]string{"UrlClickEvents": {"Workload"}}},
		{name: "column_ifexists of a name that is not written out: every table, scanned or not", query: `let c = "Workload"; UrlClickEvents | project column_ifexists(c, "")`,
			want: map[string][]string{"UrlClickEvents": {"*", "*"}, "EmailEvents": {"*"}}},
		{name: "column_names_of reads no rows of the table it names", query: `print column_names_of(UrlClickEvents)`,
			want: map[string][]string{"UrlClickEvents": {"*"}, "EmailEvents": {"*"}}},
		{name: "search over every column", query: `UrlClickEvents | where * has "x" | count`, want: map[string][]string{"UrlClickEvents": {"*"}}},
		{name: "getschema", query: `UrlClickEvents | getschema`, want: map[string][]string{"UrlClickEvents": {"*"}}},
		{name: "join passes both sides on", query: `UrlClickEvents | join EmailEvents on Url | count`,
			want: map[string][]string{"UrlClickEvents": {"*"}, "EmailEvents": {"*"}}},
		{name: "the seed rule", query: seedRule, want: map[string][]string{"UrlClickEvents": {"Timestamp", "ActionType"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cat, _, _ := scanTestCatalog(t)
			reqs, err := OpenScanRequests(source.New("", tc.query), Options{Now: testNow, Catalog: cat})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for table, list := range reqs {
				for _, r := range list {
					if r.Columns == nil {
						got[table] = append(got[table], "*")
					} else {
						got[table] = append(got[table], r.Columns...)
					}
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("columns %v, want %v", got, tc.want)
			}
		})
	}
}

func TestScanRequestsErrors(t *testing.T) {
	cat, _, _ := scanTestCatalog(t)
	for _, q := range []string{`UrlClickEvents | where`, `UrlClickEvents | project AppName`, `NoSuchTable`} {
		if _, err := OpenScanRequests(source.New("", q), Options{Now: testNow, Catalog: cat}); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
}
