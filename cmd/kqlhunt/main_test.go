package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cli runs the kqlhunt command line as main does, with buffers for stdout and stderr.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return cliStdin(t, "", args...)
}

// cliStdin is cli with stdin.
func cliStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &streams{in: strings.NewReader(stdin), out: &out, errOut: &errOut})
	return code, out.String(), errOut.String()
}

const (
	exampleRule = "../../examples/rules/blocked-clicks-trend.yaml"
	exampleData = "../../examples/data"
	pinnedNow   = "2026-12-03T12:00:00Z"
)

// countBlockedClicks counts ClickBlocked records per UTC day in [startofday(now-30d), startofday(now)) by
// reading the Streaming API records directly, without kqlhunt's loaders or engine.
func countBlockedClicks(t *testing.T, dir string, now time.Time) ([]int64, []time.Time) {
	t.Helper()
	end := now.UTC().Truncate(24 * time.Hour)
	start := now.UTC().AddDate(0, 0, -30).Truncate(24 * time.Hour)
	days := int(end.Sub(start) / (24 * time.Hour))
	counts := make([]int64, days)
	bins := make([]time.Time, days)
	for i := range bins {
		bins[i] = start.AddDate(0, 0, i)
	}
	records := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\r\n") {
			if line == "" {
				continue
			}
			var rec struct {
				Category   string `json:"category"`
				Properties struct {
					Timestamp  string `json:"Timestamp"`
					ActionType string `json:"ActionType"`
				} `json:"properties"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			records++
			if rec.Category != "AdvancedHunting-UrlClickEvents" || rec.Properties.ActionType != "ClickBlocked" {
				continue
			}
			ts, err := time.Parse(time.RFC3339Nano, rec.Properties.Timestamp)
			if err != nil {
				t.Fatalf("%s: Timestamp %q: %v", path, rec.Properties.Timestamp, err)
			}
			if ts.Before(start) || !ts.Before(end) {
				continue
			}
			counts[int(ts.Sub(start)/(24*time.Hour))]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if records == 0 {
		t.Fatalf("no records under %s", dir)
	}
	return counts, bins
}

// jsonResult is the shape of --format json.
type jsonResult struct {
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Rows [][]json.RawMessage `json:"rows"`
}

func TestReadmeRunCommandMatchesIndependentCount(t *testing.T) {
	now, _ := time.Parse(time.RFC3339, pinnedNow)
	wantCounts, wantBins := countBlockedClicks(t, exampleData, now)
	if len(wantCounts) != 30 {
		t.Fatalf("independent count has %d days, want 30", len(wantCounts))
	}
	var total int64
	for _, n := range wantCounts {
		total += n
	}
	if total == 0 {
		t.Fatal("the example data has no blocked clicks in the window; the test would prove nothing")
	}

	chartPath := filepath.Join(t.TempDir(), "blocked-clicks.svg")
	code, stdout, stderr := cli(t, "run", exampleRule, "--data", exampleData, "--now", pinnedNow, "--format", "json", "--chart", chartPath)
	if code != exitOK {
		t.Fatalf("exit %d\nstderr:\n%s", code, stderr)
	}
	for _, want := range []string{"Rule: Blocked Clicks Trend (id ac738108-451b-4341-ba38-021a00665415", "Tactics: InitialAccess",
		"Techniques: T1566", "wrote " + chartPath} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// The rule reads two columns of the blobs from its first day on (TestRunReadsWhatTheQueryNeeds checks the figures).
	pruned := regexp.MustCompile(`Read only what the query needs: 2 of \d+ documented columns of UrlClickEvents \(Timestamp, ActionType\); \d+ files not opened, ending before the query's time range`)
	if !pruned.MatchString(stderr) {
		t.Errorf("stderr lacks the query-driven load summary:\n%s", stderr)
	}

	var res jsonResult
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("stdout is not the JSON result shape: %v\n%s", err, stdout)
	}
	if len(res.Columns) != 2 || res.Columns[0].Name != "BlockedClicks" || res.Columns[0].Type != "dynamic" ||
		res.Columns[1].Name != "Timestamp" || res.Columns[1].Type != "dynamic" {
		t.Fatalf("columns %+v, want BlockedClicks:dynamic, Timestamp:dynamic", res.Columns)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 2 {
		t.Fatalf("want one row of two cells, got %d rows", len(res.Rows))
	}
	var gotCounts []int64
	var gotBins []string
	if err := json.Unmarshal(res.Rows[0][0], &gotCounts); err != nil {
		t.Fatalf("BlockedClicks %s: %v", res.Rows[0][0], err)
	}
	if err := json.Unmarshal(res.Rows[0][1], &gotBins); err != nil {
		t.Fatalf("Timestamp %s: %v", res.Rows[0][1], err)
	}
	if len(gotCounts) != 30 || len(gotBins) != 30 {
		t.Fatalf("got %d counts and %d bins, want 30", len(gotCounts), len(gotBins))
	}
	for i := range wantCounts {
		bin, err := time.Parse(time.RFC3339Nano, gotBins[i])
		if err != nil || !bin.Equal(wantBins[i]) {
			t.Errorf("bin %d is %s, want %s", i, gotBins[i], wantBins[i].Format(time.RFC3339))
		}
		if gotCounts[i] != wantCounts[i] {
			t.Errorf("%s: kqlhunt counts %d blocked clicks, the records have %d", wantBins[i].Format("2006-01-02"), gotCounts[i], wantCounts[i])
		}
	}

	svg, err := os.ReadFile(chartPath)
	if err != nil {
		t.Fatalf("chart not written: %v", err)
	}
	line := svgLine(t, svg)
	if len(line) != 30 {
		t.Fatalf("the chart's line has %d points, want 30", len(line))
	}
	// The line goes left to right, and a day with more blocked clicks is drawn higher (smaller y).
	for i := range line {
		for j := range line {
			if i < j && line[i][0] >= line[j][0] {
				t.Fatalf("points %d and %d are not left to right: %v %v", i, j, line[i], line[j])
			}
			if wantCounts[i] > wantCounts[j] && line[i][1] >= line[j][1] {
				t.Fatalf("day %d (%d clicks) is not drawn above day %d (%d clicks): y %v vs %v", i, wantCounts[i], j, wantCounts[j], line[i][1], line[j][1])
			}
		}
	}
}

// svgLine checks that data is well-formed SVG and returns the vertices (x, y) of its longest path or
// polyline: the series line.
func svgLine(t *testing.T, data []byte) [][2]float64 {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := ""
	var longest [][2]float64
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = el.Name.Local
		}
		for _, a := range el.Attr {
			var nums []string
			switch {
			case el.Name.Local == "path" && a.Name.Local == "d":
				for _, m := range pathVertex.FindAllStringSubmatch(a.Value, -1) {
					nums = append(nums, m[1], m[2])
				}
			case el.Name.Local == "polyline" && a.Name.Local == "points":
				nums = strings.Fields(strings.ReplaceAll(a.Value, ",", " "))
			}
			var pts [][2]float64
			for i := 0; i+1 < len(nums); i += 2 {
				x, errX := strconv.ParseFloat(nums[i], 64)
				y, errY := strconv.ParseFloat(nums[i+1], 64)
				if errX != nil || errY != nil {
					t.Fatalf("bad coordinates %q %q in the chart", nums[i], nums[i+1])
				}
				pts = append(pts, [2]float64{x, y})
			}
			if len(pts) > len(longest) {
				longest = pts
			}
		}
	}
	if root != "svg" {
		t.Fatalf("chart root element is %q, want svg", root)
	}
	return longest
}

// pathVertex matches one absolute move/line command of an SVG path and its x and y.
var pathVertex = regexp.MustCompile(`[ML]\s*(-?[\d.]+)[\s,]+(-?[\d.]+)`)

func TestQueryErrors(t *testing.T) {
	dir := t.TempDir()
	badRule := filepath.Join(dir, "bad.yaml")
	rule := "id: x\nname: Broken\nquery: |\n  UrlClickEvents\n  | where Timestamp >\n  | take 3\n"
	if err := os.WriteFile(badRule, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	badKQL := filepath.Join(dir, "bad.kql")
	if err := os.WriteFile(badKQL, []byte("print x = 1\n| where x ==\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []*regexp.Regexp // all must match stderr
	}{
		{name: "query argument", args: []string{"query", "print x = 1 | where x =="},
			want: []*regexp.Regexp{regexp.MustCompile(`(?m)^1:\d+: error: `), regexp.MustCompile(`(?m)^\s+\^+$`)}},
		{name: "query file", args: []string{"query", "-f", badKQL},
			want: []*regexp.Regexp{regexp.MustCompile(`(?m)bad\.kql:[23]:\d+: error: `), regexp.MustCompile(`(?m)^\s+\^+$`)}},
		{name: "rule query points into the YAML", args: []string{"run", badRule, "--now", pinnedNow},
			want: []*regexp.Regexp{regexp.MustCompile(`(?m)bad\.yaml:[56]:\d+: error: `), regexp.MustCompile(`(?m)^\s+\^+$`)}},
		{name: "syntax error over data: reported before anything is loaded", args: []string{"query", "UrlClickEvents | summarize count( by Workload", "--data", exampleData},
			want: []*regexp.Regexp{regexp.MustCompile(`(?m)^1:\d+: error: expected '\)'`), regexp.MustCompile(`\A1:\d+: error`)}},
		{name: "unknown table", args: []string{"query", "NoSuchTable | take 1"},
			want: []*regexp.Regexp{regexp.MustCompile(`1:1: error: .*NoSuchTable`), regexp.MustCompile(`hint: no --data was given`)}},
		{name: "rule on data without its table", args: []string{"run", exampleRule, "--data", badKQL},
			want: []*regexp.Regexp{regexp.MustCompile(`warning: the rule reads UrlClickEvents, and --data holds no UrlClickEvents records`)}},
		{name: "rule file missing", args: []string{"run", filepath.Join(dir, "missing.yaml")},
			want: []*regexp.Regexp{regexp.MustCompile(`missing\.yaml`)}},
		{name: "rule YAML broken", args: []string{"run", badKQL},
			want: []*regexp.Regexp{regexp.MustCompile(`bad\.kql:\d+:\d+: error: `)}},
		{name: "chart without render", args: []string{"query", "print 1", "--chart", filepath.Join(dir, "x.svg")},
			want: []*regexp.Regexp{regexp.MustCompile(`no render operator`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != exitError {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitError, stderr)
			}
			for _, re := range tc.want {
				if !re.MatchString(stderr) {
					t.Errorf("stderr does not match %s:\n%s", re, stderr)
				}
			}
			if tc.name != "chart without render" && stdout != "" {
				t.Errorf("stdout should be empty on error, got:\n%s", stdout)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.svg")); !os.IsNotExist(err) {
		t.Error("a chart file was left behind for a query without render")
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown command", args: []string{"frobnicate"}, want: "unknown command"},
		{name: "unknown flag", args: []string{"query", "print 1", "--colour"}, want: "unknown flag: --colour"},
		{name: "bad format", args: []string{"query", "print 1", "--format", "xml"}, want: "--format must be table, csv or json"},
		{name: "bad now", args: []string{"query", "print 1", "--now", "yesterday"}, want: `--now "yesterday" is not a datetime`},
		{name: "bad chart extension", args: []string{"query", "print 1", "--chart", "x.jpg"}, want: "must end in .svg, .png or .html"},
		{name: "no query", args: []string{"query"}, want: "no query"},
		{name: "query twice", args: []string{"query", "print 1", "-f", "x.kql"}, want: "not both"},
		{name: "run without rule", args: []string{"run"}, want: "accepts 1 arg"},
		{name: "gen without out", args: []string{"gen"}, want: "--out DIR is required"},
		{name: "gen bad end", args: []string{"gen", "--out", "x", "--end", "soon"}, want: "--end"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "--help") {
				t.Errorf("stderr lacks %q and a --help hint:\n%s", tc.want, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %s", stdout)
			}
		})
	}
}

func TestQueryFormats(t *testing.T) {
	query := `datatable(Name:string, Clicks:long, When:datetime)["a,b", 2, datetime(2026-11-03), "c", long(null), datetime(null)]`
	tests := []struct {
		name   string
		format string
		want   string
	}{
		{name: "json", format: "json", want: `{"columns":[{"name":"Name","type":"string"},{"name":"Clicks","type":"long"},{"name":"When","type":"datetime"}],"rows":[["a,b",2,"2026-11-03T00:00:00.0000000Z"],["c",null,null]]}`},
		{name: "csv", format: "csv", want: "Name,Clicks,When\n\"a,b\",2,2026-11-03T00:00:00.0000000Z\nc,,\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, "query", query, "--format", tc.format)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if strings.TrimSpace(stdout) != strings.TrimSpace(tc.want) {
				t.Errorf("got\n%s\nwant\n%s", stdout, tc.want)
			}
		})
	}
}

func TestQueryFromFileAndStdin(t *testing.T) {
	query := "UrlClickEvents\n| where ActionType == \"ClickBlockedByTenantPolicy\"\n| count\n"
	path := filepath.Join(t.TempDir(), "hunt.kql")
	if err := os.WriteFile(path, []byte(query), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if code, _, stderr := cli(t, "gen", "--days", "3", "--rows", "600", "--seed", "4", "--end", "2026-12-03", "--out", data); code != exitOK {
		t.Fatalf("gen: %s", stderr)
	}
	want := 0
	for _, content := range readFiles(t, data) {
		want += strings.Count(string(content), `"ActionType":"ClickBlockedByTenantPolicy"`)
	}
	if want == 0 {
		t.Fatal("no ClickBlockedByTenantPolicy records generated; the test would prove little")
	}
	for _, args := range [][]string{{"query", "-f", path}, {"query", "-f", "-"}} {
		code, stdout, stderr := cliStdin(t, query, append(args, "--data", data, "--format", "csv")...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		if stdout != "Count\n"+strconv.Itoa(want)+"\n" {
			t.Errorf("%v: got %q, want a count of %d", args, stdout, want)
		}
	}
}

// readFiles returns the contents of every file under dir, keyed by path relative to dir.
func readFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenRecreatesTheExampleData(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := cli(t, "gen", "--table", "UrlClickEvents", "--days", "45", "--rows", "4000", "--seed", "1", "--end", "2026-12-03", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "Wrote 4000 UrlClickEvents rows (2026-10-20 to 2026-12-03)") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	want := readFiles(t, exampleData)
	got := readFiles(t, out)
	for rel, data := range got {
		if !bytes.Equal(data, want[rel]) {
			t.Errorf("%s differs from examples/data (regenerate the examples with the README's gen command)", rel)
		}
	}
	if len(got) != len(want) {
		t.Errorf("gen wrote %d files, examples/data has %d", len(got), len(want))
	}
}

func TestVersionAndCompletion(t *testing.T) {
	code, stdout, _ := cli(t, "version")
	if code != exitOK || !strings.HasPrefix(stdout, "kqlhunt ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	code, stdout, stderr := cli(t, "completion", "bash")
	if code != exitOK || !strings.Contains(stdout, "__start_kqlhunt") {
		t.Errorf("completion bash: exit %d, stderr %q", code, stderr)
	}
	code, stdout, _ = cli(t, "--help")
	for _, sub := range []string{"run", "query", "gen", "ingest", "serve", "check", "test", "report", "corpus", "version", "completion"} {
		if code != exitOK || !strings.Contains(stdout, "  "+sub+" ") {
			t.Errorf("--help does not list %s:\n%s", sub, stdout)
		}
	}
}

func TestTerminalChartGoesToStderr(t *testing.T) {
	code, stdout, stderr := cli(t, "run", exampleRule, "--data", exampleData, "--now", pinnedNow, "--terminal-chart", "-q")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "┤") || !strings.Contains(stderr, "BlockedClicks") {
		t.Errorf("no line chart on stderr:\n%s", stderr)
	}
	if strings.Contains(stdout, "┤") {
		t.Errorf("the chart leaked into stdout:\n%s", stdout)
	}
	if strings.Contains(stderr, "Rule:") || strings.Contains(stderr, "Loaded") {
		t.Errorf("-q still printed the header or summary:\n%s", stderr)
	}
}

func TestLoadProblemsAreWarnings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "insights-logs-advancedhunting-urlclickevents", "y=2026", "m=11", "d=20", "h=08", "m=00")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	good := `{"time":"2026-11-20T08:15:40Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-UrlClickEvents","properties":{"Timestamp":"2026-11-20T08:13:11Z","ActionType":"ClickBlocked","Url":"http://x.example/"},"Tenant":"DefaultTenant"}`
	blob := good + "\r\n" + `{"time": "2026-11-20T08:16:00Z", "properties": {` + "\r\n" + good + "\r\n"
	path := filepath.Join(dir, "PT1H.json")
	if err := os.WriteFile(path, []byte(blob), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "query", "UrlClickEvents | count", "--data", filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(dir))))), "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != "Count\n2\n" {
		t.Errorf("stdout %q, want the two good records counted", stdout)
	}
	if !strings.Contains(stderr, "warning: 1 record could not be read and was left out") || !strings.Contains(stderr, "PT1H.json:2:") {
		t.Errorf("stderr lacks the warning with file:line:\n%s", stderr)
	}
}

// TestRepairedValuesAreNotCalledSkipped checks that a record kept with a repaired value (invalid UTF-8 replaced) is
// reported as loaded, not as left out, and counted.
func TestRepairedValuesAreNotCalledSkipped(t *testing.T) {
	dir := t.TempDir()
	csv := "Timestamp,ActionType,Url\n2026-11-20T08:00:00Z,ClickBlocked,http://a/\n2026-11-20T09:00:00Z,Click\xffBlocked,http://b/\n"
	if err := os.WriteFile(filepath.Join(dir, "UrlClickEvents.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "query", "UrlClickEvents | count", "--data", dir, "--format", "csv")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != "Count\n2\n" {
		t.Errorf("stdout %q, want both records counted", stdout)
	}
	for _, want := range []string{"Loaded 2 rows from 1 file:", "warning: 1 record was loaded with a value set to null or repaired:", "UrlClickEvents.csv:3:"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "left out") {
		t.Errorf("a kept record is reported as left out:\n%s", stderr)
	}
}

func TestChartFormatFollowsExtension(t *testing.T) {
	query := `range d from datetime(2026-11-01) to datetime(2026-11-05) step 1d | extend n = 3 | render timechart`
	dir := t.TempDir()
	tests := []struct {
		name  string
		file  string
		magic string
	}{
		{name: "svg", file: "c.svg", magic: "<svg"},
		{name: "png", file: "c.png", magic: "\x89PNG\r\n\x1a\n"},
		{name: "html", file: "c.HTML", magic: "<!DOCTYPE html>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			code, _, stderr := cli(t, "query", query, "--chart", path, "--format", "csv")
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(data))), strings.ToLower(tc.magic)) {
				t.Errorf("%s starts with %q, want %q", tc.file, data[:min(len(data), 20)], tc.magic)
			}
		})
	}
}

// readmeCommand returns the fields of the first line of README.md's shell blocks that starts with prefix.
func readmeCommand(t *testing.T, readme, prefix string) []string {
	t.Helper()
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.Fields(line)
		}
	}
	t.Fatalf("README.md has no line starting with %q", prefix)
	return nil
}

// TestReadmeCommandsAreTheTestedOnes keeps the README honest: its run command, run here as written (from
// the repository root, with the chart redirected), prints the 30 daily counts and writes the chart; and
// .ci/run runs its test command.
func TestReadmeCommandsAreTheTestedOnes(t *testing.T) {
	readmeBytes, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(readmeBytes)
	args := readmeCommand(t, readme, "go run ./cmd/kqlhunt run ")
	args = args[3:] // drop "go run ./cmd/kqlhunt"
	chart := filepath.Join(t.TempDir(), "chart.svg")
	foundChart := false
	for i := range args {
		if args[i] == "--chart" && i+1 < len(args) {
			args[i+1] = chart
			foundChart = true
		}
	}
	if !foundChart {
		t.Fatalf("the README's run command writes no chart: %v", args)
	}
	now, _ := time.Parse(time.RFC3339, pinnedNow)
	wantCounts, wantBins := countBlockedClicks(t, exampleData, now)
	t.Chdir("../..")
	code, stdout, stderr := cli(t, args...)
	if code != exitOK {
		t.Fatalf("README run command %v: exit %d\n%s", args, code, stderr)
	}
	// The series is shown one day per line: "<count>  <day>T00:00:00.0000000Z".
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2+30+1 || !strings.Contains(lines[0], "BlockedClicks") || lines[len(lines)-1] != "30 rows" {
		t.Fatalf("README run command did not print a header, 30 daily counts and a row count:\n%s", stdout)
	}
	for i, line := range lines[2 : 2+30] {
		want := []string{strconv.FormatInt(wantCounts[i], 10), wantBins[i].Format("2006-01-02") + "T00:00:00.0000000Z"}
		if strings.Join(strings.Fields(line), " ") != strings.Join(want, " ") {
			t.Errorf("line %d is %q, want %q", i+3, line, strings.Join(want, "  "))
		}
	}
	if strings.Contains(stdout, "Rule:") || strings.Contains(stdout, "Loaded") {
		t.Errorf("the header or summary went to stdout:\n%s", stdout)
	}
	if !strings.Contains(stderr, "Rule: Blocked Clicks Trend") || strings.Contains(stderr, "┤") {
		t.Errorf("stderr should hold the header and, as it is not a terminal, no chart:\n%s", stderr)
	}
	if st, err := os.Stat(chart); err != nil || st.Size() == 0 {
		t.Errorf("README run command wrote no chart: %v", err)
	}

	testCmd := strings.Join(readmeCommand(t, readme, "go vet ./..."), " ")
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), testCmd) || !strings.HasPrefix(string(ci), "#!/usr/bin/env bash") || !strings.Contains(string(ci), "set -euo pipefail") {
		t.Errorf(".ci/run does not run the README's test command %q:\n%s", testCmd, ci)
	}
}
