package server

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestNewValidatesListenAndToken(t *testing.T) {
	dir := t.TempDir()
	goodFile := filepath.Join(dir, "token")
	if err := os.WriteFile(goodFile, []byte(testToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptyFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cat := catalog.Map{}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" means New succeeds
	}{
		{name: "default listen is loopback, no token needed", cfg: Config{Catalog: cat}},
		{name: "IPv6 loopback without token", cfg: Config{Catalog: cat, Listen: "[::1]:9000"}},
		{name: "localhost without token", cfg: Config{Catalog: cat, Listen: "localhost:9000"}},
		{name: "all interfaces without token refused", cfg: Config{Catalog: cat, Listen: ":8080"}, wantErr: "refusing to listen on :8080 without a token"},
		{name: "0.0.0.0 without token refused", cfg: Config{Catalog: cat, Listen: "0.0.0.0:8080"}, wantErr: "without a token"},
		{name: "LAN address without token refused", cfg: Config{Catalog: cat, Listen: "192.0.2.10:8080"}, wantErr: "without a token"},
		{name: "non-loopback with token file", cfg: Config{Catalog: cat, Listen: "0.0.0.0:8080", TokenFile: goodFile}},
		{name: "missing token file", cfg: Config{Catalog: cat, TokenFile: filepath.Join(dir, "nope")}, wantErr: "token file"},
		{name: "empty token file", cfg: Config{Catalog: cat, TokenFile: emptyFile}, wantErr: "empty token"},
		{name: "short token", cfg: Config{Catalog: cat, Token: "abc"}, wantErr: "at least 16"},
		{name: "bad listen address", cfg: Config{Catalog: cat, Listen: "8080"}, wantErr: "want host:port"},
		{name: "no catalog", cfg: Config{}, wantErr: "no catalog"},
		{name: "TLS certificate without key", cfg: Config{Catalog: cat, TLSCertFile: goodFile}, wantErr: "both a certificate file and a key file"},
		{name: "TLS files that are not PEM", cfg: Config{Catalog: cat, TLSCertFile: goodFile, TLSKeyFile: goodFile}, wantErr: "TLS certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.cfg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if tc.cfg.TokenFile == goodFile && string(s.token) != testToken {
					t.Errorf("token %q, want %q from the file", s.token, testToken)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestBearerTokenEnforced(t *testing.T) {
	_, ts := newTestServer(t, Config{Token: testToken})
	tests := []struct {
		name   string
		path   string
		header string
		want   int
	}{
		{name: "no token", path: "/v2/rest/query", want: 401},
		{name: "wrong token", path: "/v2/rest/query", header: "Bearer " + strings.Repeat("x", len(testToken)), want: 401},
		{name: "token prefix", path: "/v2/rest/query", header: "Bearer " + testToken[:10], want: 401},
		{name: "basic scheme", path: "/v1/rest/query", header: "Basic " + testToken, want: 401},
		{name: "mgmt without token", path: "/v1/rest/mgmt", want: 401},
		{name: "right token v2", path: "/v2/rest/query", header: "Bearer " + testToken, want: 200},
		{name: "right token v1, lower-case scheme", path: "/v1/rest/query", header: "bearer " + testToken, want: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+tc.path, strings.NewReader(`{"db":"kqlhunt","csl":"print 1"}`))
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, data)
			}
			if tc.want == 401 {
				if e := apiErrorOf(t, data); e["code"] != "Unauthorized" {
					t.Errorf("error code %v, want Unauthorized", e["code"])
				}
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			}
		})
	}
	t.Run("auth metadata needs no token", func(t *testing.T) {
		resp, err := ts.Client().Get(ts.URL + "/v1/rest/auth/metadata")
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(data), `"LoginEndpoint":"https://login.microsoftonline.com"`) {
			t.Fatalf("status %d body %s", resp.StatusCode, data)
		}
	})
	t.Run("UI root is left free", func(t *testing.T) {
		resp, err := ts.Client().Get(ts.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("GET / = %d, want 404 until a UI is mounted", resp.StatusCode)
		}
	})
}

func TestRequestErrors(t *testing.T) {
	_, ts := newTestServer(t, Config{MaxBodyBytes: 200})
	tests := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
		wantDetail string
	}{
		{name: "body too large", path: "/v2/rest/query", body: map[string]any{"db": "kqlhunt", "csl": "print '" + strings.Repeat("a", 300) + "'"},
			wantStatus: 413, wantCode: "General_BadRequest", wantDetail: "larger than the server's limit of 200 bytes"},
		{name: "broken JSON reports the offset", path: "/v2/rest/query", body: `{"db": "kqlhunt", "csl": }`,
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "at byte 26"},
		{name: "empty csl", path: "/v2/rest/query", body: map[string]any{"db": "kqlhunt", "csl": "  "},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "csl is empty"},
		{name: "unknown database", path: "/v2/rest/query", body: map[string]any{"db": "Other", "csl": "print 1"},
			wantStatus: 400, wantCode: "BadRequest_EntityNotFound", wantDetail: "Entity ID 'Other' of kind 'Database' was not found"},
		{name: "control command on the query endpoint", path: "/v1/rest/query", body: map[string]any{"db": "kqlhunt", "csl": ".show tables"},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "go to /v1/rest/mgmt"},
		{name: "unsupported management command", path: "/v1/rest/mgmt", body: map[string]any{"db": "kqlhunt", "csl": ".drop table T"},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: `the command ".drop table T" is not supported`},
		{name: "query on the mgmt endpoint", path: "/v1/rest/mgmt", body: map[string]any{"db": "kqlhunt", "csl": "print 1"},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "a management command starts with '.'"},
		{name: "schema of another database", path: "/v1/rest/mgmt", body: map[string]any{"db": "kqlhunt", "csl": ".show database Other schema"},
			wantStatus: 400, wantCode: "BadRequest_EntityNotFound", wantDetail: "'other' of kind 'Database'"},
		{name: "bad query_now", path: "/v2/rest/query", body: map[string]any{"db": "kqlhunt", "csl": "print 1", "properties": map[string]any{"Options": map[string]any{"query_now": "yesterday"}}},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "query_now: yesterday is not a datetime"},
		{name: "semantic error is located", path: "/v2/rest/query", body: map[string]any{"db": "kqlhunt", "csl": "UrlClickEvents\n| project Nope"},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "Semantic error: SEM0001: Failed to resolve scalar expression named 'Nope' at line [2,11]"},
		{name: "externaldata over http stays off", path: "/v2/rest/query",
			body:       map[string]any{"db": "kqlhunt", "csl": "externaldata (x:string) [@'https://example.com/x.csv']"},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "externaldata is disabled on this server"},
		{name: "externaldata over a local file stays off", path: "/v2/rest/query",
			body:       map[string]any{"db": "kqlhunt", "csl": "print 1 | union (externaldata (x:string) [@'/etc/passwd'])"},
			wantStatus: 400, wantCode: "General_BadRequest", wantDetail: "(start the server with external data allowed to use it) at line [1,18]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, ts, tc.path, "", tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tc.wantStatus, body)
			}
			e := apiErrorOf(t, body)
			if e["code"] != tc.wantCode {
				t.Errorf("code %v, want %s", e["code"], tc.wantCode)
			}
			if detail, _ := e["@message"].(string); !strings.Contains(detail, tc.wantDetail) {
				t.Errorf("@message %q lacks %q", detail, tc.wantDetail)
			}
			if ctx, _ := e["@context"].(map[string]any); ctx["clientRequestId"] != "test;1" {
				t.Errorf("@context %v lacks the client request id", e["@context"])
			}
		})
	}
}

// gateTable is a real catalog table whose scan waits until the gate opens or the query's context ends, so tests
// can hold queries running.
type gateTable struct {
	gate    chan struct{}
	started chan struct{}
}

func (g *gateTable) Name() string { return "Gate" }
func (g *gateTable) Schema() []types.Field {
	return []types.Field{{Name: "x", Type: types.Long}}
}
func (g *gateTable) Scan(ctx context.Context, req catalog.ScanRequest) (catalog.BatchReader, error) {
	return &gateReader{g: g}, nil
}

type gateReader struct {
	g    *gateTable
	done bool
}

func (r *gateReader) Next(ctx context.Context) (*types.Table, error) {
	if r.done {
		return nil, io.EOF
	}
	r.g.started <- struct{}{}
	select {
	case <-r.g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	r.done = true
	t := types.NewTable(r.g.Schema())
	t.AppendRow([]types.Value{types.NewLong(1)})
	return t, nil
}
func (r *gateReader) Close() error { return nil }

func TestQueryTimeLimit(t *testing.T) {
	gate := &gateTable{gate: make(chan struct{}), started: make(chan struct{}, 4)}
	_, ts := newTestServer(t, Config{Catalog: catalog.Map{"Gate": gate}, QueryTimeout: time.Minute})
	start := time.Now()
	status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "Gate | count",
		"properties": map[string]any{"Options": map[string]any{"servertimeout": "00:00:00.2"}}})
	if status != http.StatusRequestTimeout {
		t.Fatalf("status %d, want 408: %s", status, body)
	}
	if e := apiErrorOf(t, body); e["code"] != "Request_ExecutionTimeout" || !strings.Contains(e["@message"].(string), "00:00:00.2000000") {
		t.Errorf("error %v, want Request_ExecutionTimeout naming the 0.2 s limit", e)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the timeout took %v", d)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	gate := &gateTable{gate: make(chan struct{}), started: make(chan struct{}, 4)}
	_, ts := newTestServer(t, Config{Catalog: catalog.Map{"Gate": gate}, MaxConcurrentQueries: 1, QueueWait: 100 * time.Millisecond})
	var wg sync.WaitGroup
	var firstStatus int
	var firstBody []byte
	wg.Add(1)
	go func() {
		defer wg.Done()
		firstStatus, firstBody = post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "Gate | count"})
	}()
	<-gate.started // the first query holds the only slot
	status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "print 1"})
	if status != http.StatusTooManyRequests || apiErrorOf(t, body)["code"] != "TooManyRequests" {
		t.Errorf("second query: status %d %s, want 429 TooManyRequests", status, body)
	}
	close(gate.gate)
	wg.Wait()
	if firstStatus != 200 {
		t.Fatalf("first query: status %d: %s", firstStatus, firstBody)
	}
	rows := frameOfKind(t, v2Frames(t, firstBody), "DataTable", "PrimaryResult")["Rows"].([]any)
	if len(rows) != 1 || rows[0].([]any)[0] != float64(1) {
		t.Errorf("first query rows %v, want [[1]]", rows)
	}
	status, body = post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "print 1"})
	if status != 200 {
		t.Errorf("after the slot freed: status %d %s", status, body)
	}
}

func TestResultByteLimit(t *testing.T) {
	_, ts := newTestServer(t, Config{MaxResultBytes: 300})
	status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "UrlClickEvents | project Url"})
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	frames := v2Frames(t, body)
	rows := frameOfKind(t, frames, "DataTable", "PrimaryResult")["Rows"].([]any)
	if len(rows) == 0 || len(rows) >= 60 {
		t.Errorf("%d rows sent, want some but fewer than the 60 of the table", len(rows))
	}
	done := frameOfKind(t, frames, "DataSetCompletion", "")
	if done["HasErrors"] != true || !strings.Contains(string(body), "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Errorf("completion %v, want HasErrors with E_QUERY_RESULT_SET_TOO_LARGE", done)
	}
}

func TestServeStopsWithContext(t *testing.T) {
	s, err := New(Config{Catalog: catalog.Map{"UrlClickEvents": clickEvents(10, 10)}, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ctx, ln) }()
	resp, err := http.Post("http://"+ln.Addr().String()+"/v1/rest/mgmt", "application/json", strings.NewReader(`{"csl":".show version"}`))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"BuildVersion"`) {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the context was cancelled")
	}
}

func TestGzipResponses(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v2/rest/query", strings.NewReader(`{"db":"kqlhunt","csl":"UrlClickEvents | count"}`))
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	rows := frameOfKind(t, v2Frames(t, data), "DataTable", "PrimaryResult")["Rows"].([]any)
	if len(rows) != 1 || rows[0].([]any)[0] != float64(60) {
		t.Errorf("rows %v, want [[60]]", rows)
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   bool
	}{
		{name: "absent", header: "", want: false},
		{name: "SDK header", header: "gzip, deflate", want: true},
		{name: "upper case with quality", header: "deflate, GZIP;q=0.5", want: true},
		{name: "refused", header: "gzip;q=0, deflate", want: false},
		{name: "identity only", header: "identity", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := acceptsGzip(tc.header); got != tc.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
			}
		})
	}
}

func TestMemoryLimit(t *testing.T) {
	gate := &gateTable{gate: make(chan struct{}), started: make(chan struct{}, 4)}
	defer close(gate.gate)
	// With no baseline, any live heap is over a 1-byte budget, so the held query is cancelled at the first check.
	s, ts := newTestServer(t, Config{Catalog: catalog.Map{"Gate": gate}, MaxHeapBytes: 1, QueryTimeout: 20 * time.Second})
	s.baseHeap = 0
	status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": "Gate | count"})
	if status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400: %s", status, body)
	}
	e := apiErrorOf(t, body)
	if e["code"] != "LimitsExceeded" || !strings.Contains(e["@message"].(string), "E_LOW_MEMORY_CONDITION") {
		t.Errorf("error %v, want LimitsExceeded with E_LOW_MEMORY_CONDITION", e)
	}
}
