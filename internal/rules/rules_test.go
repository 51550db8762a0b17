package rules

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

func TestLoadExampleRule(t *testing.T) {
	r, err := Load(filepath.Join("..", "..", "examples", "rules", "blocked-clicks-trend.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "ac738108-451b-4341-ba38-021a00665415" || r.Name != "Blocked Clicks Trend" || r.Version != "1.0.0" {
		t.Errorf("id/name/version: %q %q %q", r.ID, r.Name, r.Version)
	}
	if len(r.Tactics) != 1 || r.Tactics[0] != "InitialAccess" || len(r.RelevantTechniques) != 1 || r.RelevantTechniques[0] != "T1566" {
		t.Errorf("tactics %v techniques %v", r.Tactics, r.RelevantTechniques)
	}
	if len(r.RequiredDataConnectors) != 1 || r.RequiredDataConnectors[0].ConnectorID != "MicrosoftThreatProtection" ||
		strings.Join(r.RequiredDataConnectors[0].DataTypes, ",") != "UrlClickEvents" {
		t.Errorf("connectors %+v", r.RequiredDataConnectors)
	}
	if !strings.HasPrefix(r.Query, "let TimeStart = startofday(ago(30d));\nlet TimeEnd") || !strings.HasSuffix(r.Query, "| render timechart\n") {
		t.Errorf("query %q", r.Query)
	}
	if !strings.HasPrefix(r.Description, "Visualises the trend") {
		t.Errorf("description %q", r.Description)
	}
	want := "Rule: Blocked Clicks Trend (id ac738108-451b-4341-ba38-021a00665415, version 1.0.0)\nTactics: InitialAccess\nTechniques: T1566\nData: UrlClickEvents\n"
	if got := r.Header(); got != want {
		t.Errorf("Header() =\n%s\nwant\n%s", got, want)
	}
}

// queryDiagnostic positions a diagnostic at the first occurrence of needle in the rule's query source.
func queryDiagnostic(t *testing.T, r *Rule, needle string) *source.Diagnostic {
	t.Helper()
	i := strings.Index(r.QuerySource.Text, needle)
	if i < 0 {
		t.Fatalf("%q not in query source %q", needle, r.QuerySource.Text)
	}
	return &source.Diagnostic{Source: r.QuerySource, Span: source.Span{Start: source.Pos(i), End: source.Pos(i + len(needle))}, Message: "bad"}
}

func TestQueryPositionsAreFilePositions(t *testing.T) {
	tests := []struct {
		name   string
		yaml   string
		needle string
		want   string // Pretty() of a diagnostic on needle
	}{
		{
			name:   "literal block",
			yaml:   "id: x\nname: n\nquery: |\n  T\n  | where A == 1\n  | take 10\nversion: 1.0.0\n",
			needle: "A == 1",
			want:   "r.yaml:5:11: error: bad\n    | where A == 1\n            ^^^^^^",
		},
		{
			name:   "literal block with CRLF and blank line",
			yaml:   "query: |-\r\n    T\r\n\r\n    | take 10\r\nname: n\r\n",
			needle: "take",
			want:   "r.yaml:4:7: error: bad\n      | take 10\n        ^^^^",
		},
		{
			name:   "folded block",
			yaml:   "query: >\n  T\n  | where B\n",
			needle: "B",
			want:   "r.yaml:3:11: error: bad\n    | where B\n            ^",
		},
		{
			name:   "one-line plain",
			yaml:   "name: n\nquery: T | where C\n",
			needle: "C",
			want:   "r.yaml:2:18: error: bad\n  T | where C\n            ^",
		},
		{
			name:   "one-line double-quoted",
			yaml:   "query: \"T | where D\"\n",
			needle: "D",
			want:   "r.yaml:1:19: error: bad\n  T | where D\n            ^",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse("r.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if got := queryDiagnostic(t, r, tc.needle).Pretty(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // Error() of the diagnostics
	}{
		{name: "syntax", yaml: "id: x\nname: [unclosed\nquery: T\n", want: "r.yaml:"},
		{name: "tab indentation", yaml: "query: |\n\tT\n", want: "r.yaml:2:"},
		{name: "not a mapping", yaml: "- a\n- b\n", want: "r.yaml:1:1: error: a rule must be a YAML mapping"},
		{name: "empty file", yaml: "", want: "r.yaml:1:1: error: the rule file is empty"},
		{name: "no query", yaml: "id: x\nname: n\n", want: "r.yaml:1:1: error: the rule has no query: field"},
		{name: "empty query", yaml: "name: n\nquery: \"\"\n", want: "r.yaml:2:8: error: the rule's query is empty"},
		{name: "tactics not a list", yaml: "tactics: InitialAccess\nquery: T\n", want: "r.yaml:1:10: error: tactics must be a list"},
		{name: "name is a list", yaml: "name:\n  - a\nquery: T\n", want: "r.yaml:2:3: error: name must be a single value, found a list"},
		{name: "duplicate key", yaml: "query: T\nname: a\nquery: U\n", want: "r.yaml:3:1: error: query is already set at line 1"},
		{name: "connector without id", yaml: "requiredDataConnectors:\n  - dataTypes: [X]\nquery: T\n", want: "r.yaml:2:5: error: requiredDataConnectors entry has no connectorId"},
		{name: "threshold not a number", yaml: "triggerThreshold: many\nquery: T\n", want: "r.yaml:1:19: error: triggerThreshold must be an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("want an error")
			}
			var diags *source.DiagnosticList
			if !errors.As(err, &diags) {
				t.Fatalf("error %T is not a *source.DiagnosticList", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err.Error(), tc.want)
			}
			if !strings.Contains(diags.Pretty(), "^") {
				t.Errorf("Pretty() has no caret:\n%s", diags.Pretty())
			}
		})
	}
}

func TestParseNeverPanics(t *testing.T) {
	inputs := []string{"query: |\n", "query: |\n  \n", ":", "query: *a", "\xff\xfe query: x", "query: [1, {a: b}]", "? [a]\n: b\n",
		"requiredDataConnectors: [1, [2]]\nquery: T", "query: !!binary aGVsbG8=", strings.Repeat("- ", 100)}
	for _, in := range inputs {
		_, _ = Parse("r.yaml", []byte(in))
	}
}

func TestSentinelScheduledFields(t *testing.T) {
	yaml := `id: 1f2e3d4c-0000-4000-8000-000000000001
name: Many blocked clicks
kind: Scheduled
severity: Medium
queryFrequency: 1h
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 5
tags:
  - Phishing
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: AccountUpn
query: |
  UrlClickEvents | where ActionType == "ClickBlocked"
`
	r, err := Parse("s.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != "Scheduled" || r.Severity != "Medium" || r.QueryFrequency != "1h" || r.QueryPeriod != "1d" ||
		r.TriggerOperator != "gt" || r.TriggerThreshold == nil || *r.TriggerThreshold != 5 || len(r.Tags) != 1 {
		t.Errorf("fields not read: %+v", r)
	}
}
