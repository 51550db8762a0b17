package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReportExamplePack(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.html")
	code, _, stderr := cli(t, "report", "../../examples/rules", "--data", exampleData, "--tuning", "../../examples/tuning", "--now", pinnedNow, "--out", out)
	if code != exitOK || !strings.Contains(stderr, "5 rules, 0 with errors") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	html := string(data)
	for _, want := range []string{"Blocked Clicks Trend", "Malicious clicks by workload", "Clicks allowed through a warning",
		"Clicks by action", "Blocked clicks by user", "Tactics: InitialAccess", "T1566.002", "Exclusions applied"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if n := strings.Count(html, "<svg"); n != 4 {
		t.Errorf("%d charts, want 4 (every rule but the click-through table renders one)", n)
	}
	if strings.Contains(html, `class="error">`) || strings.Contains(html, "<script") {
		t.Errorf("the report has an error or a script")
	}
	// the exclusion counts are the ones `run` reports for the same rule and data
	_, _, runErr := cli(t, "run", exampleRule, "--data", exampleData, "--tuning", "../../examples/tuning", "--now", pinnedNow, "-q", "--format", "csv")
	for _, m := range removedRe.FindAllStringSubmatch(runErr, -1) {
		row := regexp.MustCompile(`<td>` + regexp.QuoteMeta(m[1]) + `</td><td>UrlClickEvents</td><td>(\d+)</td>`).FindStringSubmatch(html)
		if row == nil || row[1] != m[2] {
			t.Errorf("exclusion %s: run removed %s, the report says %v", m[1], m[2], row)
		}
	}
	if len(removedRe.FindAllStringSubmatch(runErr, -1)) != 4 {
		t.Errorf("run reported no exclusions:\n%s", runErr)
	}
}

func TestReportUsage(t *testing.T) {
	code, _, stderr := cli(t, "report", "../../examples/rules")
	if code != exitUsage || !strings.Contains(stderr, "--out FILE.html is required") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
