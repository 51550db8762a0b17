package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const brokenRules = "testdata/rules/broken"

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestCheckBrokenGolden(t *testing.T) {
	res, err := CheckPaths([]string{brokenRules})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		file   string
		writer func(*bytes.Buffer) error
	}{
		{name: "text", file: "testdata/rules/broken.golden.txt", writer: func(b *bytes.Buffer) error { return WriteText(b, res) }},
		{name: "json", file: "testdata/rules/broken.golden.json", writer: func(b *bytes.Buffer) error { return WriteJSON(b, res) }},
		{name: "sarif", file: "testdata/rules/broken.golden.sarif", writer: func(b *bytes.Buffer) error { return WriteSARIF(b, res, "test") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.writer(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, b.Bytes())
		})
	}
}

// TestCheckBrokenEachFile makes sure every deliberately broken file yields at least one finding, so that a
// check that stops working shows up as a missing finding, not only as a golden diff.
func TestCheckBrokenEachFile(t *testing.T) {
	res, err := CheckPaths([]string{brokenRules})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range res.Findings {
		found[filepath.Base(f.Path)] = true
	}
	err = filepath.WalkDir(brokenRules, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !found[d.Name()] {
			t.Errorf("%s: no finding", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSARIFRequiredFields(t *testing.T) {
	res, err := CheckPaths([]string{brokenRules})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, res, "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "kqlhunt" {
		t.Fatalf("log header: version %q, %d runs", log.Version, len(log.Runs))
	}
	known := map[string]bool{}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		known[r.ID] = true
	}
	if len(log.Runs[0].Results) != len(res.Findings) {
		t.Fatalf("%d results for %d findings", len(log.Runs[0].Results), len(res.Findings))
	}
	for i, r := range log.Runs[0].Results {
		if !known[r.RuleID] {
			t.Errorf("result %d: ruleId %q is not in driver.rules", i, r.RuleID)
		}
		if r.Level != "error" && r.Level != "warning" {
			t.Errorf("result %d: level %q", i, r.Level)
		}
		if r.Message.Text == "" || len(r.Locations) != 1 {
			t.Errorf("result %d: message %q, %d locations", i, r.Message.Text, len(r.Locations))
			continue
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI == "" || loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 {
			t.Errorf("result %d: location %+v", i, loc)
		}
	}
}

func TestBaseline(t *testing.T) {
	res, err := CheckPaths([]string{brokenRules})
	if err != nil {
		t.Fatal(err)
	}
	total := len(res.Findings)
	var b bytes.Buffer
	if err := WriteBaseline(&b, res); err != nil {
		t.Fatal(err)
	}
	// accept all but the last finding: one finding must remain
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	path := filepath.Join(t.TempDir(), "baseline")
	if err := os.WriteFile(path, []byte(strings.Join(lines[:len(lines)-1], "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	last := res.Findings[total-1]
	n, err := ApplyBaseline(res, path)
	if err != nil {
		t.Fatal(err)
	}
	if n != total-1 || len(res.Findings) != 1 || res.Findings[0] != last {
		t.Errorf("removed %d of %d, kept %v", n, total, res.Findings)
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("no tabs here\n"), 0o644)
	if _, err := ApplyBaseline(res, bad); err == nil || !strings.Contains(err.Error(), "bad:1:") {
		t.Errorf("malformed baseline: %v", err)
	}
}

func TestParseRuleDuration(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{name: "minutes", in: "5m", want: 5 * time.Minute, ok: true},
		{name: "hours", in: "1h", want: time.Hour, ok: true},
		{name: "days", in: "14d", want: 14 * 24 * time.Hour, ok: true},
		{name: "bare integer is days", in: "5", want: 5 * 24 * time.Hour, ok: true},
		{name: "timespan", in: "01:30:00", want: 90 * time.Minute, ok: true},
		{name: "timespan with days", in: "1.02:00:00", want: 26 * time.Hour, ok: true},
		{name: "hh:mm", in: "02:15", want: 2*time.Hour + 15*time.Minute, ok: true},
		{name: "ISO is rejected", in: "PT1H", ok: false},
		{name: "upper-case unit", in: "5M", ok: false},
		{name: "hours out of range", in: "25:00:00", ok: false},
		{name: "empty", in: "", ok: false},
		{name: "huge", in: "99999999999999999999d", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRuleDuration(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("parseRuleDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCheckKQLAndMarkdown(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok.kql"), []byte("UrlClickEvents | where Timestamp > ago(1d) | top 1 by Timestamp\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("text\n\n~~~kql\nUrlClickEvents | where Nope == 1 and Timestamp > ago(1d) | count\n~~~\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "workbook.yaml"), []byte("items:\n  - type: 1\n"), 0o644)
	res, err := CheckPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 2 || res.Rules != 2 {
		t.Errorf("files %d queries %d, want 2 and 2 (the workbook is not a rule)", res.Files, res.Rules)
	}
	if len(res.Findings) != 1 || res.Findings[0].Line != 4 || res.Findings[0].Col != 24 || res.Findings[0].Check != "kql-check" {
		t.Errorf("findings %v, want one kql-check at README.md:4:24", res.Findings)
	}
}

func TestCheckExampleRulesClean(t *testing.T) {
	res, err := CheckPaths([]string{"../../examples/rules"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("the example rules have findings: %v", res.Findings)
	}
}
