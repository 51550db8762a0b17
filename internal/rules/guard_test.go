package rules

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// guardRulesOf parses query and returns the kql-guard rule IDs it triggers, sorted, with their line:col.
func guardRulesOf(t *testing.T, query string, analytic bool) []string {
	t.Helper()
	q, diags := syntax.Parse(source.New("q.kql", query))
	if diags != nil && diags.HasErrors() {
		t.Fatalf("%q does not parse: %v", query, diags)
	}
	src := source.New("q.kql", query)
	var got []string
	for _, f := range guardFindings(q, analytic) {
		l, c := src.LineCol(f.pos)
		got = append(got, fmt.Sprintf("%s@%d:%d", f.rule, l, c))
	}
	sort.Strings(got)
	return got
}

// base is a query that triggers no kql-guard rule; the cases below change one thing in it.
const base = "UrlClickEvents | where Timestamp > ago(1d) | summarize Clicks = count() by AccountUpn"

func TestGuardRules(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		analytic bool
		want     string // the rule@line:col expected, "" for none
	}{
		{name: "clean", query: base},
		{name: "KQL002 contains", query: "UrlClickEvents | where Timestamp > ago(1d) and Url contains \"x\" | summarize count()", want: "KQL002@1:52"},
		{name: "KQL002 has is clean", query: "UrlClickEvents | where Timestamp > ago(1d) and Url has \"x\" | summarize count()"},
		{name: "KQL003 no time filter", query: "UrlClickEvents | summarize count()", want: "KQL003@1:1"},
		{name: "KQL003 between is a time filter", query: "UrlClickEvents | where Timestamp between (datetime(2024-01-01) .. 1d) | summarize count()"},
		{name: "KQL003 not for analytic rules", query: "UrlClickEvents | summarize count()", analytic: true},
		{name: "KQL004 unscoped search", query: "search \"evil\" | where Timestamp > ago(1d) | take 1", want: "KQL004@1:1 KQL013@1:45"},
		{name: "KQL004 search in tables is clean", query: "search in (UrlClickEvents) \"evil\" | where Timestamp > ago(1d) | top 1 by Timestamp"},
		{name: "KQL005 wildcard union", query: "union Device* | where Timestamp > ago(1d) | summarize count()", want: "KQL005@1:1"},
		{name: "KQL005 named union is clean", query: "union DeviceEvents, DeviceFileEvents | where Timestamp > ago(1d) | summarize count()"},
		{name: "KQL006 unwindowed join", query: base + "\n| join kind=inner (EmailEvents) on $left.AccountUpn == $right.RecipientEmailAddress", want: "KQL006@2:3"},
		{name: "KQL006 windowed through a let", query: "let mails = EmailEvents | where Timestamp > ago(1d);\n" + base + " | join (mails) on $left.AccountUpn == $right.RecipientEmailAddress"},
		{name: "KQL007 matches regex", query: "UrlClickEvents | where Timestamp > ago(1d) | where Url matches regex \"a+\" | summarize count()", want: "KQL007@1:56"},
		{name: "KQL007 extract", query: "UrlClickEvents | where Timestamp > ago(1d) | summarize count() by d = extract(\"//([^/]+)\", 1, Url)", want: "KQL007@1:71"},
		{name: "KQL007 parse kind=regex", query: "UrlClickEvents | where Timestamp > ago(1d) | parse kind=regex Url with \"https://\" Host \"/\" | summarize count() by Host", want: "KQL007@1:46"},
		{name: "KQL007 simple parse is clean", query: "UrlClickEvents | where Timestamp > ago(1d) | parse Url with \"https://\" Host \"/\" * | summarize count() by Host"},
		{name: "KQL008 no reduction", query: "UrlClickEvents | where Timestamp > ago(1d)", want: "KQL008@1:1"},
		{name: "KQL008 project is a reduction", query: "UrlClickEvents | where Timestamp > ago(1d) | project Url"},
		{name: "KQL009 mv-expand without limit", query: "UrlClickEvents | where Timestamp > ago(1d) | mv-expand u = todynamic(Url) | summarize count()", want: "KQL009@1:46"},
		{name: "KQL009 mv-expand with limit", query: "UrlClickEvents | where Timestamp > ago(1d) | mv-expand u = todynamic(Url) limit 100 | summarize count()"},
		{name: "KQL010 cluster()", query: "cluster(\"help\").database(\"Samples\").StormEvents | where StartTime > ago(1d) | summarize count()", want: "KQL010@1:1"},
		{name: "KQL011 unbounded sort", query: "UrlClickEvents | where Timestamp > ago(1d) | project Url, Timestamp\n| sort by Timestamp desc", want: "KQL011@2:3"},
		{name: "KQL011 sort then take is bounded", query: "UrlClickEvents | where Timestamp > ago(1d) | sort by Timestamp desc | take 10"},
		{name: "KQL011 sort of aggregated rows", query: base + " | sort by Clicks desc"},
		{name: "KQL012 tolower ==", query: "UrlClickEvents | where Timestamp > ago(1d) | where tolower(AccountUpn) == \"a@b.c\" | summarize count()", want: "KQL012@1:72"},
		{name: "KQL012 =~ is clean", query: "UrlClickEvents | where Timestamp > ago(1d) | where AccountUpn =~ \"a@b.c\" | summarize count()"},
		{name: "KQL013 take without sort", query: "UrlClickEvents | where Timestamp > ago(1d) | take 10", want: "KQL013@1:46"},
		{name: "KQL013 take after summarize is arbitrary", query: base + " | sort by Clicks desc | summarize count() by Clicks | take 3", want: "KQL013@1:141"},
		{name: "KQL013 top is clean", query: "UrlClickEvents | where Timestamp > ago(1d) | top 10 by Timestamp"},
		{name: "KQL014 six computed columns", query: "UrlClickEvents | where Timestamp > ago(1d) | extend a = 1, b = 2, c = 3, d = 4, e = 5, f = 6 | summarize count()", want: "KQL014@1:46"},
		{name: "KQL014 five computed columns", query: "UrlClickEvents | where Timestamp > ago(1d) | extend a = 1, b = 2, c = 3, d = 4, e = 5 | summarize count()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(guardRulesOf(t, tt.query, tt.analytic), " ")
			if got != tt.want {
				t.Errorf("kql-guard findings of\n%s\n= %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestGuardSuppressions(t *testing.T) {
	const noFilter = "UrlClickEvents\n| where Url contains \"x\"\n| summarize count()\n"
	tests := []struct {
		name  string
		query string
		want  []string // the kql-guard checks reported, sorted
	}{
		{name: "none", query: noFilter, want: []string{"KQL002", "KQL003"}},
		{name: "disable on the same line", query: strings.Replace(noFilter, "\"x\"", "\"x\" // kql-guard:disable KQL002", 1), want: []string{"KQL003"}},
		{name: "disable all on the same line", query: "UrlClickEvents // kql-guard:disable\n| where Url contains \"x\"\n| summarize count()\n", want: []string{"KQL002"}},
		{name: "disable another rule", query: strings.Replace(noFilter, "\"x\"", "\"x\" // kql-guard:disable KQL007", 1), want: []string{"KQL002", "KQL003"}},
		{name: "disable-next-line", query: "// kql-guard:disable-next-line KQL003, KQL008\n" + noFilter, want: []string{"KQL002"}},
		{name: "disable-file for one rule", query: noFilter + "// kql-guard:disable-file KQL002\n", want: []string{"KQL003"}},
		{name: "disable-file for all", query: "// kql-guard:disable-file\n" + noFilter, want: nil},
		{name: "in a string it is no comment", query: "UrlClickEvents\n| where Url contains \"// kql-guard:disable\"\n| summarize count()\n", want: []string{"KQL002", "KQL003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &checker{ids: map[string]Finding{}}
			c.checkFile("q.kql", "kql", []byte(tt.query))
			var got []string
			for _, f := range c.findings {
				if strings.HasPrefix(f.Check, "KQL") {
					if f.Severity != "warning" {
						t.Errorf("%s is a %s, want a warning", f.Check, f.Severity)
					}
					got = append(got, f.Check)
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}
