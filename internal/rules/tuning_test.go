package rules

import (
	"context"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// clicks is a small UrlClickEvents table: one row per case the matchers must tell apart.
func clicks(t *testing.T) catalog.Catalog {
	t.Helper()
	fields := []types.Field{{Name: "Timestamp", Type: types.DateTime}, {Name: "Url", Type: types.String}, {Name: "IPAddress", Type: types.String}, {Name: "AccountUpn", Type: types.String}}
	tbl := types.NewTable(fields)
	rows := [][]string{
		{"2026-11-01T02:10:00Z", "https://x.internal.corp/a", "203.0.113.1", "a@contoso.com"},
		{"2026-11-01T12:00:00Z", "https://internal.corp/a", "10.1.1.1", "b@contoso.com"},
		{"2026-11-01T12:00:00Z", "https://bit.ly/q", "fd00::1", "svc-scan@contoso.com"},
		{"2026-11-01T12:00:00Z", "https://example.org/", "2001:db8::1", "c@contoso.com"},
	}
	for _, r := range rows {
		ticks, ok := types.ParseDateTime(r[0])
		if !ok {
			t.Fatal(r[0])
		}
		tbl.AppendRow([]types.Value{types.NewDateTime(ticks), types.NewString(r[1]), types.NewString(r[2]), types.NewString(r[3])})
	}
	return catalog.Map{"UrlClickEvents": &catalog.MemTable{TableName: "UrlClickEvents", Fields: fields, Batches: []*types.Table{tbl}}}
}

func TestExclusionMatchers(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		wantKept []string // AccountUpn of the rows left, in order
	}{
		{name: "wildcard domain matches subdomains only", yaml: `domains: ["*.internal.corp"]`, wantKept: []string{"b@contoso.com", "svc-scan@contoso.com", "c@contoso.com"}},
		{name: "plain domain matches itself and subdomains", yaml: `domains: [internal.corp]`, wantKept: []string{"svc-scan@contoso.com", "c@contoso.com"}},
		{name: "v4 and v6 ranges", yaml: `ipRanges: [10.0.0.0/8, "fd00::/8"]`, wantKept: []string{"a@contoso.com", "c@contoso.com"}},
		{name: "a v4 range keeps v6 rows", yaml: `ipRanges: [10.0.0.0/8]`, wantKept: []string{"a@contoso.com", "svc-scan@contoso.com", "c@contoso.com"}},
		{name: "accounts ignore case", yaml: `accounts: [C@CONTOSO.COM]`, wantKept: []string{"a@contoso.com", "b@contoso.com", "svc-scan@contoso.com"}},
		{name: "shorteners", yaml: `urlShorteners: true`, wantKept: []string{"a@contoso.com", "b@contoso.com", "c@contoso.com"}},
		{name: "daily window", yaml: `timeWindows: [{daily: {from: "02:00", to: "02:30"}}]`, wantKept: []string{"b@contoso.com", "svc-scan@contoso.com", "c@contoso.com"}},
		{name: "absolute window", yaml: `timeWindows: [{start: "2026-11-01T11:00:00Z", end: "2026-11-01T12:00:00Z"}]`, wantKept: []string{"a@contoso.com", "b@contoso.com", "svc-scan@contoso.com", "c@contoso.com"}},
		{name: "KQL predicate", yaml: `where: AccountUpn startswith "svc-"`, wantKept: []string{"a@contoso.com", "b@contoso.com", "c@contoso.com"}},
		{name: "all matchers must match", yaml: "domains: [internal.corp]\n    ipRanges: [10.0.0.0/8]", wantKept: []string{"a@contoso.com", "svc-scan@contoso.com", "c@contoso.com"}},
		{name: "any matcher may match", yaml: "match: any\n    domains: [internal.corp]\n    ipRanges: [\"fd00::/8\"]", wantKept: []string{"c@contoso.com"}},
	}
	cat := clicks(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := "rules: [{name: '*'}]\nexclusions:\n  - name: x\n    reason: test\n    " + tt.yaml + "\n"
			tun, err := ParseTuning("t.tuning.yaml", []byte(file), TuningOptions{})
			if err != nil {
				t.Fatal(err)
			}
			src, err := ApplyExclusions(source.New("q", "UrlClickEvents | project AccountUpn"), tun.Exclusions)
			if err != nil {
				t.Fatal(err)
			}
			res, err := engine.Run(context.Background(), src, engine.Options{Catalog: cat})
			if err != nil {
				t.Fatalf("%v\nquery: %s", err, src.Text)
			}
			var kept []string
			for i := 0; i < res.Table.NumRows(); i++ {
				kept = append(kept, res.Table.Cols[0].Value(i).S)
			}
			if strings.Join(kept, ",") != strings.Join(tt.wantKept, ",") {
				t.Errorf("kept %v, want %v\nquery: %s", kept, tt.wantKept, src.Text)
			}
			counts, err := CountExcluded(context.Background(), cat, []string{"UrlClickEvents"}, tun.Exclusions)
			if err != nil {
				t.Fatal(err)
			}
			if len(counts) != 1 || counts[0].Removed != int64(4-len(tt.wantKept)) {
				t.Errorf("counts %+v, want one of %d", counts, 4-len(tt.wantKept))
			}
		})
	}
}

func TestApplyExclusionsEveryReference(t *testing.T) {
	tun, err := ParseTuning("t.tuning.yaml", []byte("rules: [{name: '*'}]\nexclusions:\n  - name: x\n    reason: r\n    accounts: [a@b.c]\n"), TuningOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := source.New("q", "UrlClickEvents\n| join (UrlClickEvents | take 1) on Url\n| union EmailEvents")
	got, err := ApplyExclusions(src, tun.Exclusions)
	if err != nil {
		t.Fatal(err)
	}
	filter := `(UrlClickEvents | where not(coalesce(AccountUpn in~ ("a@b.c"), false)))`
	// EmailEvents has an account column too (RecipientEmailAddress), so the exclusion applies there as well
	want := filter + "\n| join (" + filter + " | take 1) on Url\n| union (EmailEvents | where not(coalesce(RecipientEmailAddress in~ (\"a@b.c\"), false)))"
	if got.Text != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got.Text, want)
	}
	if d := engine.Check(got, KnownCatalog()); d.HasErrors() {
		t.Errorf("the rewritten query does not check: %v", d)
	}
}
