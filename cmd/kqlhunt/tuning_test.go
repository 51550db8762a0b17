package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/gen"
)

const exampleTuning = "../../examples/tuning/blocked-clicks-trend.tuning.yaml"

// clickRecord is a UrlClickEvents record in the Streaming API's layout.
type clickRecord struct {
	Time       string         `json:"time"`
	Category   string         `json:"category"`
	Properties map[string]any `json:"properties"`
}

// scenarioData generates a month of UrlClickEvents and EmailEvents and adds the rows of the seed's four
// false-positive scenarios, with near misses that the exclusions must keep.
func scenarioData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	end := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, table := range []string{"UrlClickEvents", "EmailEvents"} {
		if _, err := gen.Generate(context.Background(), gen.Options{Table: table, Days: 30, Rows: 1500, Seed: 7, End: end, Out: dir}); err != nil {
			t.Fatal(err)
		}
	}
	click := func(ts, u, ip, msgID string) clickRecord {
		return clickRecord{Time: ts, Category: "AdvancedHunting-UrlClickEvents", Properties: map[string]any{
			"Timestamp": ts, "Url": u, "ActionType": "ClickBlocked", "AccountUpn": "pat.lee@contoso.com", "Workload": "Email",
			"NetworkMessageId": msgID, "IPAddress": ip, "IsClickedThrough": false, "UrlChain": `["` + u + `"]`, "ReportId": "r-" + ts}}
	}
	mail := func(ts, msgID, sender string) clickRecord {
		return clickRecord{Time: ts, Category: "AdvancedHunting-EmailEvents", Properties: map[string]any{
			"Timestamp": ts, "NetworkMessageId": msgID, "SenderFromAddress": sender, "RecipientEmailAddress": "pat.lee@contoso.com",
			"Subject": "Spring campaign", "EmailDirection": "Intra-org", "DeliveryAction": "Delivered"}}
	}
	const noon = "2026-11-20T12:"
	records := []clickRecord{
		// policy update job: 02:00-02:30 UTC daily (end exclusive)
		click("2026-11-18T02:05:00Z", "https://phish.example.net/a", "203.0.113.5", ""),
		click("2026-11-19T02:29:59Z", "https://phish.example.net/b", "203.0.113.5", ""),
		click("2026-11-19T02:30:00Z", "https://phish.example.net/c", "203.0.113.5", ""), // kept
		// internal training links
		click(noon+"01:00Z", "https://portal.internal.corp/course/7", "203.0.113.6", ""),
		click(noon+"02:00Z", "https://a.b.internal.corp/x", "203.0.113.6", ""),
		click(noon+"03:00Z", "https://lms.contoso.com/module?id=3", "203.0.113.6", ""),
		click(noon+"04:00Z", "https://internal.corp.example.net/login", "203.0.113.6", ""), // kept: look-alike
		// health check tool on private networks
		click(noon+"05:00Z", "https://diag.example.org/ping", "10.20.30.40", ""),
		click(noon+"06:00Z", "https://diag.example.org/ping", "192.168.7.9", ""),
		click(noon+"07:00Z", "https://diag.example.org/ping", "fd00::17", ""),
		click(noon+"08:00Z", "https://diag.example.org/ping", "11.0.0.1", ""),     // kept: public
		click(noon+"09:00Z", "https://diag.example.org/ping", "2001:db8::17", ""), // kept: v6 outside fd00::/8
		click(noon+"10:00Z", "https://diag.example.org/ping", "192.169.0.1", ""),  // kept
		// shortened links in internal campaigns
		mail(noon+"11:00Z", "msg-marketing-1", "marketing@contoso.com"),
		mail(noon+"11:00Z", "msg-hr-1", "HR-Communications@contoso.com"),
		mail(noon+"11:00Z", "msg-other-1", "someone@example.org"),
		click(noon+"12:00Z", "https://bit.ly/3xYz", "203.0.113.8", "msg-marketing-1"),
		click(noon+"13:00Z", "https://tinyurl.com/abc", "203.0.113.8", "msg-hr-1"),
		click(noon+"14:00Z", "https://bit.ly/evil", "203.0.113.8", "msg-other-1"),                  // kept: other sender
		click(noon+"15:00Z", "https://contoso.sharepoint.com/x", "203.0.113.8", "msg-marketing-1"), // kept: not shortened
	}
	var b strings.Builder
	for _, r := range records {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteString("\r\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "scenarios.json"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readRecords reads every record of a category under dir, without kqlhunt's loaders.
func readRecords(t *testing.T, dir, category string) []map[string]any {
	t.Helper()
	var out []map[string]any
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\r\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var r clickRecord
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				return fmt.Errorf("%s: %v", p, err)
			}
			if r.Category == category {
				out = append(out, r.Properties)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// expectedRemovals applies the example tuning file's four exclusions in Go, in order, and counts the rows each removes.
func expectedRemovals(t *testing.T, dir string) []int {
	t.Helper()
	senders := map[string]bool{}
	for _, m := range readRecords(t, dir, "AdvancedHunting-EmailEvents") {
		s, _ := m["SenderFromAddress"].(string)
		if s = strings.ToLower(s); s == "marketing@contoso.com" || s == "hr-communications@contoso.com" {
			senders[m["NetworkMessageId"].(string)] = true
		}
	}
	host := func(m map[string]any) string {
		u, err := url.Parse(m["Url"].(string))
		if err != nil {
			return ""
		}
		return strings.ToLower(u.Hostname())
	}
	prefixes := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("fd00::/8")}
	exclusions := []func(map[string]any) bool{
		func(m map[string]any) bool {
			ts, err := time.Parse(time.RFC3339Nano, m["Timestamp"].(string))
			if err != nil {
				t.Fatal(err)
			}
			ts = ts.UTC()
			tod := ts.Sub(ts.Truncate(24 * time.Hour))
			return tod >= 2*time.Hour && tod < 2*time.Hour+30*time.Minute
		},
		func(m map[string]any) bool {
			h := host(m)
			return strings.HasSuffix(h, ".internal.corp") || h == "lms.contoso.com" || strings.HasSuffix(h, ".lms.contoso.com")
		},
		func(m map[string]any) bool {
			a, err := netip.ParseAddr(m["IPAddress"].(string))
			if err != nil {
				return false
			}
			for _, p := range prefixes {
				if p.Contains(a) {
					return true
				}
			}
			return false
		},
		func(m map[string]any) bool {
			h := host(m)
			short := false
			for _, d := range []string{"bit.ly", "bitly.com", "tinyurl.com"} {
				short = short || h == d || strings.HasSuffix(h, "."+d)
			}
			id, _ := m["NetworkMessageId"].(string)
			return short && senders[id]
		},
	}
	counts := make([]int, len(exclusions))
	for _, m := range readRecords(t, dir, "AdvancedHunting-UrlClickEvents") {
		for i, ex := range exclusions {
			if ex(m) {
				counts[i]++
				break
			}
		}
	}
	return counts
}

var removedRe = regexp.MustCompile(`(?m)^exclusion (\S+): removed (\d+) UrlClickEvents rows`)

func TestRunWithTuningScenarios(t *testing.T) {
	dir := scenarioData(t)
	want := expectedRemovals(t, dir)
	// the scenarios alone guarantee: 2 in the window, 3 training links, 3 private addresses, 2 campaign links
	for i, atLeast := range []int{2, 3, 3, 2} {
		if want[i] < atLeast {
			t.Fatalf("independent count %v: scenario %d has fewer rows than injected", want, i)
		}
	}
	code, tuned, stderr := cli(t, "run", exampleRule, "--data", dir, "--now", pinnedNow, "--format", "json", "--tuning", exampleTuning)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	matches := removedRe.FindAllStringSubmatch(stderr, -1)
	names := []string{"safe-links-policy-update-job", "internal-training-links", "health-check-monitoring", "internal-shortened-links"}
	if len(matches) != len(names) {
		t.Fatalf("stderr has %d exclusion lines, want %d:\n%s", len(matches), len(names), stderr)
	}
	total := 0
	for i, m := range matches {
		got, _ := strconv.Atoi(m[2])
		if m[1] != names[i] || got != want[i] {
			t.Errorf("line %d: exclusion %s removed %d, want %s removed %d", i, m[1], got, names[i], want[i])
		}
		total += got
	}
	if !strings.Contains(stderr, fmt.Sprintf("exclusions removed %d rows in all", total)) {
		t.Errorf("no total of %d in:\n%s", total, stderr)
	}

	code, untuned, stderr := cli(t, "run", exampleRule, "--data", dir, "--now", pinnedNow, "--format", "json", "--tuning", exampleTuning, "--no-exclusions")
	if code != exitOK {
		t.Fatalf("--no-exclusions: exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "exclusion") {
		t.Errorf("--no-exclusions still reports exclusions:\n%s", stderr)
	}
	sumSeries := func(out string) int64 {
		t.Helper()
		var res struct {
			Rows [][]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Rows) != 1 {
			t.Fatalf("result %q: %v", out, err)
		}
		var n int64
		for _, v := range res.Rows[0][0].([]any) {
			n += int64(v.(float64))
		}
		return n
	}
	// every injected scenario row is a ClickBlocked inside the rule's 30 days, so the tuned series is lower by
	// at least the injected rows the exclusions remove (10)
	if diff := sumSeries(untuned) - sumSeries(tuned); diff < 10 {
		t.Errorf("the exclusions lowered the blocked clicks by %d, want at least 10", diff)
	}
}

func TestTuningFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml, want string
	}{
		{name: "no reason", yaml: "rules: [{id: ac738108-451b-4341-ba38-021a00665415}]\nexclusions:\n  - name: x\n    accounts: [a@b.c]\n", want: "t.tuning.yaml:3:5: exclusion \"x\" has no reason"},
		{name: "bad CIDR", yaml: "rules: [{name: Blocked*}]\nexclusions:\n  - name: x\n    reason: r\n    ipRanges: [10.0.0.0/33]\n", want: "t.tuning.yaml:5:15: \"10.0.0.0/33\" is not a CIDR range"},
		{name: "bad predicate", yaml: "rules: [{name: Blocked*}]\nexclusions:\n  - name: x\n    reason: r\n    where: 'Url has'\n", want: "t.tuning.yaml:5:12: where:"},
		{name: "unknown key", yaml: "rules: [{name: Blocked*}]\nexclusions:\n  - name: x\n    reason: r\n    domain: [a.b]\n", want: "t.tuning.yaml:5:5: unknown exclusion key domain"},
		{name: "window end before start", yaml: "rules: [{name: Blocked*}]\nexclusions:\n  - name: x\n    reason: r\n    timeWindows: [{start: 2026-11-02, end: 2026-11-01}]\n", want: "end must be after start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "t.tuning.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := cli(t, "run", exampleRule, "--data", exampleData, "--now", pinnedNow, "--tuning", path)
			if code != exitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d stderr %q, want exit 1 and %q", code, stderr, tt.want)
			}
		})
	}
}

// TestExplainWithTuningRunsNothing checks that --explain on a tuned rule prints the plan of the tuned query
// without counting what the exclusions remove (counting runs queries over the data).
func TestExplainWithTuningRunsNothing(t *testing.T) {
	code, stdout, stderr := cli(t, "run", exampleRule, "--data", exampleData, "--now", pinnedNow, "--tuning", exampleTuning, "--explain")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "removed") {
		t.Errorf("--explain counted the exclusions:\n%s", stderr)
	}
	if !strings.Contains(stdout, "Scan: UrlClickEvents") || !strings.Contains(stdout, "not(") {
		t.Errorf("the plan does not show the tuned scan:\n%s", stdout)
	}
}
