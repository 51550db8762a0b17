package engine

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden plan files")

// TestExplainGolden compares plan texts with testdata/explain/<name>.txt (-update rewrites them).
func TestExplainGolden(t *testing.T) {
	tab, _ := clickEvents(10)
	cat := catalog.Map{"UrlClickEvents": tab}
	tests := []struct {
		name  string
		query string
	}{
		{name: "seed_rule", query: seedRule},
		{name: "time_between_and_project", query: "UrlClickEvents\n| where Timestamp between (datetime(2026-11-01) .. datetime(2026-11-02)) and Workload == 'Email'\n| project Url, IPAddress"},
		{name: "no_filter_summarize", query: "UrlClickEvents | summarize count() by Workload"},
		{name: "chain_time_bound_outermost", query: "UrlClickEvents | where ActionType == 'ClickBlocked' | where Timestamp > ago(3d) | count"},
		{name: "join_two_scans", query: "UrlClickEvents | where Timestamp > ago(1d) | join kind=inner (UrlClickEvents | where ActionType == 'ClickBlocked' | project Url, ActionType) on Url | count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Explain(source.New(tc.name, tc.query), Options{Now: testNow, Catalog: cat})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "explain", tc.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("plan:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestExplainErrors checks that a query that does not check gives its located diagnostics.
func TestExplainErrors(t *testing.T) {
	_, err := Explain(source.New("bad", "UrlClickEvents | where NoSuchColumn == 1"), Options{Now: testNow, Catalog: catalog.Map{}})
	var diags *source.DiagnosticList
	if !errors.As(err, &diags) || !diags.HasErrors() {
		t.Fatalf("err = %v, want diagnostics", err)
	}
}

// TestRunExplainOption checks that Options.Explain fills Result.Plan alongside the result.
func TestRunExplainOption(t *testing.T) {
	tab, _ := clickEvents(100)
	res, err := Run(t.Context(), source.New("q", "UrlClickEvents | count"), Options{Now: testNow, Catalog: catalog.Map{"UrlClickEvents": tab}, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "Count: count\n  Scan: UrlClickEvents\n      table: UrlClickEvents\n      columns: Timestamp (1 of 5)\n      time range: none\n"
	if res.Plan != want {
		t.Errorf("plan = %q, want %q", res.Plan, want)
	}
	if got := res.Table.Cols[0].Ints[0]; got != 100 {
		t.Errorf("count = %d, want 100", got)
	}
}
