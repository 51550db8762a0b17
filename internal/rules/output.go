package rules

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// checkDescriptions describe each check, for SARIF's rules[] and the documentation.
var checkDescriptions = map[string]string{
	"yaml":              "The file is valid YAML.",
	"yaml-indent":       "The query: block is indented consistently.",
	"schema":            "Fields have the types Sentinel's rule schema gives them.",
	"required":          "The fields the rule's kind requires are present.",
	"unknown-field":     "Fields are part of Sentinel's rule schema.",
	"kind":              "kind is Scheduled or NRT.",
	"id-guid":           "id is a GUID.",
	"id-duplicate":      "id is unique across the folder.",
	"name":              "name follows Sentinel's limits and style.",
	"description":       "description is within Sentinel's limits.",
	"severity":          "severity is Informational, Low, Medium or High.",
	"version":           "version is X.Y.Z.",
	"tactic":            "tactics are ATT&CK tactic names as Sentinel spells them.",
	"technique":         "relevantTechniques are shaped T1234 or T1234.001 and come with tactics.",
	"schedule":          "queryFrequency and queryPeriod have Sentinel's form, limits and order.",
	"trigger":           "triggerOperator and triggerThreshold are valid.",
	"nrt":               "NRT rules carry no schedule or trigger.",
	"hunting":           "Hunting queries carry no analytic-rule fields.",
	"data-connectors":   "requiredDataConnectors entries are complete.",
	"data-types":        "requiredDataConnectors dataTypes match the tables the query reads.",
	"entity-mappings":   "entityMappings use valid entity types and identifiers.",
	"custom-details":    "customDetails keys and values are valid.",
	"alert-details":     "alertDetailsOverride fields are valid.",
	"columns":           "Fields that name columns name columns the query returns.",
	"file-extension":    "Analytic rules are .yaml files.",
	"non-ascii":         "Rule files are ASCII.",
	"query-length":      "The query is at most 10,000 characters.",
	"kql-syntax":        "The query parses.",
	"kql-check":         "The query passes the schema-aware check against the built-in table schemas.",
	"kql-workspace":     "The query uses tables or functions only a workspace defines.",
	"kql-service":       "The query uses functions only the Defender XDR service provides.",
	"kql-wildcard":      "Analytic rules do not use search * or union *.",
	"ti-freshness":      "Threat intelligence is read recent or latest-and-active, as Sentinel's CI requires.",
	"technique-tactic":  "Each technique has one of its ATT&CK tactics listed in tactics, as Sentinel's CI requires.",
	"technique-unknown": "Each technique is in the technique map Sentinel's CI validates with.",
}

// WriteText writes one line per finding, then a summary line.
func WriteText(w io.Writer, res *CheckResult) error {
	bw := bufio.NewWriter(w)
	for _, f := range res.Findings {
		fmt.Fprintln(bw, f.String())
	}
	errs := res.Errors()
	fmt.Fprintf(bw, "%s, %s checked: %s, %s\n", count(res.Files, "file", "files"), count(res.Rules, "query", "queries"),
		count(errs, "error", "errors"), count(len(res.Findings)-errs, "warning", "warnings"))
	return bw.Flush()
}

// WriteJSON writes {"findings": [...], "files", "queries", "errors", "warnings"}.
func WriteJSON(w io.Writer, res *CheckResult) error {
	findings := res.Findings
	if findings == nil {
		findings = []Finding{}
	}
	errs := res.Errors()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []Finding `json:"findings"`
		Files    int       `json:"files"`
		Queries  int       `json:"queries"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
	}{findings, res.Files, res.Rules, errs, len(res.Findings) - errs})
}

// WriteSARIF writes the findings as a SARIF 2.1.0 log with one run.
func WriteSARIF(w io.Writer, res *CheckResult, version string) error {
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	type artifact struct {
		URI string `json:"uri"`
	}
	type physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           region   `json:"region"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type message struct {
		Text string `json:"text"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   message    `json:"message"`
		Locations []location `json:"locations"`
	}
	type rule struct {
		ID               string  `json:"id"`
		ShortDescription message `json:"shortDescription"`
	}
	type driver struct {
		Name           string `json:"name"`
		Version        string `json:"version,omitempty"`
		InformationURI string `json:"informationUri,omitempty"`
		Rules          []rule `json:"rules"`
	}
	type tool struct {
		Driver driver `json:"driver"`
	}
	type run struct {
		Tool    tool     `json:"tool"`
		Results []result `json:"results"`
	}
	checks := make([]string, 0, len(checkDescriptions))
	for id := range checkDescriptions {
		checks = append(checks, id)
	}
	sort.Strings(checks)
	rules := make([]rule, len(checks))
	for i, id := range checks {
		rules[i] = rule{ID: id, ShortDescription: message{checkDescriptions[id]}}
	}
	results := make([]result, 0, len(res.Findings))
	for _, f := range res.Findings {
		text := f.Message
		if f.RuleID != "" {
			text += " (rule " + f.RuleID + ")"
		}
		results = append(results, result{RuleID: f.Check, Level: f.Severity, Message: message{text},
			Locations: []location{{physical{artifact{filepath.ToSlash(f.Path)}, region{f.Line, f.Col}}}}})
	}
	log := struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []run  `json:"runs"`
	}{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []run{{Tool: tool{driver{Name: "kqlhunt", Version: version, Rules: rules}}, Results: results}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// baselineKey identifies a finding independently of its line, so that a baseline survives edits above it.
func baselineKey(f Finding) string {
	return filepath.ToSlash(f.Path) + "\t" + f.Check + "\t" + f.Message
}

// WriteBaseline writes the findings as a baseline file: one "path<TAB>check<TAB>message" line each.
func WriteBaseline(w io.Writer, res *CheckResult) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# kqlhunt check baseline: accepted findings, one per line (path, check, message; tab-separated)")
	for _, f := range res.Findings {
		fmt.Fprintln(bw, baselineKey(f))
	}
	return bw.Flush()
}

// ApplyBaseline removes the findings the baseline file accepts and returns how many it removed.
func ApplyBaseline(res *CheckResult, path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	accepted := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Count(line, "\t") < 2 {
			return 0, fmt.Errorf("%s:%d: a baseline line is path<TAB>check<TAB>message", path, i+1)
		}
		accepted[line]++
	}
	kept := res.Findings[:0]
	removed := 0
	for _, f := range res.Findings {
		if k := baselineKey(f); accepted[k] > 0 {
			accepted[k]--
			removed++
			continue
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	return removed, nil
}

// count writes n with the word for one or for several.
func count(n int, one, several string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, several)
}
