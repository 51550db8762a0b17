package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/ingest"
)

// get fetches path and returns the response (body read) and its text.
func get(t *testing.T, url, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestUIStaticFiles(t *testing.T) {
	_, ts := newTestServer(t, Config{UI: true})
	resp, index := get(t, ts.URL+"/", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(index, `<div id="editor" class="editor">`) {
		t.Fatalf("GET /: %d\n%s", resp.StatusCode, index)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	script := regexp.MustCompile(`/assets/index-[\w-]+\.js`).FindString(index)
	if script == "" {
		t.Fatalf("index.html names no bundled script:\n%s", index)
	}
	tests := []struct {
		name        string
		path        string
		status      int
		contentType string
		cache       string
	}{
		{name: "bundle", path: script, status: 200, contentType: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable"},
		{name: "index", path: "/index.html", status: 301}, // the file server sends it to "/"
		{name: "missing", path: "/assets/nope.js", status: 404},
		{name: "REST API stays", path: "/v1/rest/auth/metadata", status: 200, contentType: "application/json; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Get(ts.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.contentType != "" && resp.Header.Get("Content-Type") != tc.contentType {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tc.contentType)
			}
			if tc.cache != "" && resp.Header.Get("Cache-Control") != tc.cache {
				t.Errorf("Cache-Control %q, want %q", resp.Header.Get("Cache-Control"), tc.cache)
			}
		})
	}
}

func TestUIOffByDefault(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	for _, path := range []string{"/", "/api/schema", "/api/rules"} {
		if resp, _ := get(t, ts.URL+path, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s without Config.UI: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestUIEndpointsNeedTheToken(t *testing.T) {
	_, ts := newTestServer(t, Config{UI: true, Token: testToken})
	tests := []struct {
		name   string
		path   string
		token  string
		status int
	}{
		{name: "page without token", path: "/", status: 200},
		{name: "schema without token", path: "/api/schema", status: 401},
		{name: "schema with wrong token", path: "/api/schema", token: "wrong-token-0123456789", status: 401},
		{name: "schema with token", path: "/api/schema", token: testToken, status: 200},
		{name: "rules without token", path: "/api/rules", status: 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if resp, body := get(t, ts.URL+tc.path, tc.token); resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
		})
	}
	if status, _ := post(t, ts, "/api/check", "", map[string]string{"csl": "print 1"}); status != http.StatusUnauthorized {
		t.Errorf("POST /api/check without token: %d, want 401", status)
	}
}

func TestUISchema(t *testing.T) {
	_, ts := newTestServer(t, Config{UI: true})
	resp, body := get(t, ts.URL+"/api/schema", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		Database string            `json:"database"`
		Tables   []schemaTableJSON `json:"tables"`
		Funcs    []string          `json:"functions"`
		Aggs     []string          `json:"aggregates"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Database != DefaultDatabase || len(got.Tables) != 1 || got.Tables[0].Name != "UrlClickEvents" {
		t.Fatalf("schema = %+v", got)
	}
	wantCols := []schemaColumn{{"Timestamp", "datetime"}, {"Url", "string"}, {"ActionType", "string"}, {"AccountUpn", "string"},
		{"IsClickedThrough", "bool"}, {"UrlChain", "dynamic"}, {"ReportId", "string"}}
	if !slices.Equal(got.Tables[0].Columns, wantCols) {
		t.Errorf("columns = %v, want %v", got.Tables[0].Columns, wantCols)
	}
	for _, fn := range []string{"startofday", "ago", "tostring", "series_stats"} {
		if !slices.Contains(got.Funcs, fn) {
			t.Errorf("functions lack %s", fn)
		}
	}
	for _, fn := range []string{"count", "dcount", "make_list"} {
		if !slices.Contains(got.Aggs, fn) {
			t.Errorf("aggregates lack %s", fn)
		}
	}
}

func TestUICheck(t *testing.T) {
	_, ts := newTestServer(t, Config{UI: true})
	tests := []struct {
		name string
		csl  string
		want []checkDiagnostic
	}{
		{name: "valid", csl: "UrlClickEvents\n| where ActionType == 'ClickBlocked'\n| count"},
		{name: "unknown column", csl: "UrlClickEvents\n| where Foo == 1",
			want: []checkDiagnostic{{Severity: "error", Message: "Failed to resolve scalar expression named 'Foo'", Line: 2, Column: 9, Start: 23, End: 26}}},
		{name: "syntax error", csl: "UrlClickEvents\n| where ActionType == 'x'\n| summarize n = count( by Url",
			want: []checkDiagnostic{{Severity: "error", Message: "expected ')' but found 'Url'", Line: 3, Column: 27, Start: 67, End: 70}}},
		// columns count characters, offsets count UTF-8 bytes (the editor converts)
		{name: "after non-ASCII", csl: "print s = 'é€'\n| where Nope",
			want: []checkDiagnostic{{Severity: "error", Message: "Failed to resolve scalar expression named 'Nope'", Line: 2, Column: 9, Start: 26, End: 30}}},
		{name: "unknown table", csl: "NoSuchTable | take 1",
			want: []checkDiagnostic{{Severity: "error", Message: "Failed to resolve table or column expression named 'NoSuchTable'", Line: 1, Column: 1, Start: 0, End: 11}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, ts, "/api/check", "", map[string]string{"csl": tc.csl})
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			var got struct {
				Diagnostics []checkDiagnostic `json:"diagnostics"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Diagnostics) != len(tc.want) {
				t.Fatalf("diagnostics = %+v, want %+v", got.Diagnostics, tc.want)
			}
			for i, w := range tc.want {
				if got.Diagnostics[i] != w {
					t.Errorf("diagnostic %d = %+v, want %+v", i, got.Diagnostics[i], w)
				}
			}
		})
	}
	for _, bad := range []string{"{", `{"csl": 3}`, "[1]"} {
		if status, _ := post(t, ts, "/api/check", "", bad); status != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", bad, status)
		}
	}
}

// copyFile copies src to dst for a rules folder built in a test.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUIRules(t *testing.T) {
	examples := filepath.Join("..", "..", "examples")
	ds, err := ingest.Load(context.Background(), []string{filepath.Join(examples, "data")}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyFile(t, filepath.Join(examples, "rules", "blocked-clicks-trend.yaml"), filepath.Join(dir, "blocked-clicks-trend.yaml"))
	// a rule named to sort before the seed, which must still come first on the dashboard
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("allowed.yaml", "id: 1\nname: Allowed clicks by user\ntactics: [InitialAccess, Execution]\nrelevantTechniques: [T1204]\n"+
		"query: |\n  UrlClickEvents\n  | where ActionType == 'ClickAllowed'\n  | summarize n = count() by AccountUpn\n  | render columnchart\n")
	write("accounts.yml", "id: 2\nname: Accounts\nquery: |\n  IdentityInfo\n  | take 10\n")
	write("broken.yaml", "name: [unclosed\n")
	write("blocked-clicks-trend.tests.yaml", "tests: []\n")
	write("notes.txt", "not a rule\n")

	_, ts := newTestServer(t, Config{UI: true, Catalog: ds.Catalog, RulesDir: dir, TuningPaths: []string{filepath.Join(examples, "tuning")}})
	resp, body := get(t, ts.URL+"/api/rules", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		Dir   string     `json:"dir"`
		Rules []ruleJSON `json:"rules"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, r := range got.Rules {
		files = append(files, r.File)
	}
	// dashboard rules first (the blocked clicks trend leading), then the others by name; a broken file is listed
	wantFiles := []string{"blocked-clicks-trend.yaml", "allowed.yaml", "broken.yaml", "accounts.yml"}
	if !slices.Equal(files, wantFiles) {
		t.Fatalf("files = %v, want %v", files, wantFiles)
	}
	seed, allowed, broken, accounts := got.Rules[0], got.Rules[1], got.Rules[2], got.Rules[3]
	if seed.Name != "Blocked Clicks Trend" || !seed.Dashboard || !slices.Equal(seed.Tactics, []string{"InitialAccess"}) ||
		!slices.Equal(seed.Techniques, []string{"T1566"}) || !slices.Equal(seed.Tables, []string{"UrlClickEvents"}) ||
		!strings.Contains(seed.Query, "make-series BlockedClicks") {
		t.Errorf("seed rule = %+v", seed)
	}
	type count struct {
		name    string
		removed int64
	}
	var counts []count
	for _, e := range seed.Exclusions {
		counts = append(counts, count{e.Name, e.Removed})
	}
	// the same counts `kqlhunt run --tuning examples/tuning` reports on the example data
	wantCounts := []count{{"safe-links-policy-update-job", 5}, {"internal-training-links", 0}, {"health-check-monitoring", 0}, {"internal-shortened-links", 0}}
	if !slices.Equal(counts, wantCounts) || seed.TuningError != "" {
		t.Errorf("seed exclusions = %v (%s), want %v", counts, seed.TuningError, wantCounts)
	}
	if !allowed.Dashboard || !slices.Equal(allowed.Tactics, []string{"InitialAccess", "Execution"}) || len(allowed.Exclusions) != 0 {
		t.Errorf("allowed rule = %+v", allowed)
	}
	if broken.Error == "" || broken.Name != "" {
		t.Errorf("broken rule = %+v, want an error", broken)
	}
	if accounts.Dashboard || accounts.Error != "" {
		t.Errorf("a rule over a non-Office table without render is not on the dashboard: %+v", accounts)
	}
}

func TestUIRulesWithoutFolder(t *testing.T) {
	_, ts := newTestServer(t, Config{UI: true})
	resp, body := get(t, ts.URL+"/api/rules", "")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != `{"dir":"","rules":[]}` {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}
