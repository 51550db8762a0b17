package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// testNow pins now() for the seed rule: its 30-day window ends at 2026-11-30T00:00:00Z.
var testNow = time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)

// testToken is the bearer token of the test servers.
const testToken = "test-token-0123456789abcdef"

var clickFields = []types.Field{
	{Name: "Timestamp", Type: types.DateTime}, {Name: "Url", Type: types.String}, {Name: "ActionType", Type: types.String},
	{Name: "AccountUpn", Type: types.String}, {Name: "IsClickedThrough", Type: types.Bool}, {Name: "UrlChain", Type: types.Dynamic},
	{Name: "ReportId", Type: types.String},
}

// clickEvents builds n UrlClickEvents rows spread over the 40 days before testNow: every third click is
// blocked, and row i happens i%40 days and i%1440 minutes before testNow.
func clickEvents(n, batchRows int) *catalog.MemTable {
	mt := &catalog.MemTable{TableName: "UrlClickEvents", Fields: clickFields}
	nowTicks := types.TimeToTicks(testNow)
	var batch *types.Table
	for i := 0; i < n; i++ {
		if batch == nil {
			batch = types.NewTable(clickFields)
		}
		ts := nowTicks - int64(i%40)*types.TicksPerDay - int64(i%1440)*types.TicksPerMinute
		action := "ClickAllowed"
		if i%3 == 0 {
			action = "ClickBlocked"
		}
		url := fmt.Sprintf("https://phish%d.example.net/login", i%7)
		batch.AppendRow([]types.Value{
			types.NewDateTime(ts), types.NewString(url), types.NewString(action),
			types.NewString(fmt.Sprintf("user%d@contoso.com", i%11)), types.NewBool(i%5 == 0),
			types.NewDynamic([]any{url, "https://safelinks.example.com/?u=" + fmt.Sprint(i%7)}),
			types.NewString(fmt.Sprintf("report-%06d", i)),
		})
		if batch.NumRows() == batchRows {
			mt.Batches = append(mt.Batches, batch)
			batch = nil
		}
	}
	if batch != nil {
		mt.Batches = append(mt.Batches, batch)
	}
	return mt
}

// seedQuery reads the query of the seed rule from the shared folder, or skips when it is absent.
func seedQuery(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "seed", "blocked-clicks-trend.txt"))
	if err != nil {
		t.Skipf("seed rule not present: %v", err)
	}
	text := string(data)
	start := strings.Index(text, "KQL Query\n")
	end := strings.Index(text, "| render timechart")
	if start < 0 || end < 0 {
		t.Fatalf("seed rule: no 'KQL Query' section ending in render")
	}
	return text[start+len("KQL Query\n") : end+len("| render timechart")]
}

// newTestServer returns a server over n click events with a fixed clock and ids, and its httptest front.
func newTestServer(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.Catalog == nil {
		cfg.Catalog = catalog.Map{"UrlClickEvents": clickEvents(60, 25)}
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.clock = func() time.Time { return testNow }
	n := 0
	s.newID = func() string { n++; return fmt.Sprintf("11111111-2222-3333-4444-%012d", n) }
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// post sends a JSON body to path and returns the status and body.
func post(t testing.TB, ts *httptest.Server, path, token string, body any) (int, []byte) {
	t.Helper()
	var data []byte
	switch b := body.(type) {
	case string:
		data = []byte(b)
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.URL+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-ms-client-request-id", "test;1")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// v2Frames decodes a v2 response into its frames.
func v2Frames(t testing.TB, body []byte) []map[string]any {
	t.Helper()
	var frames []map[string]any
	if err := json.Unmarshal(body, &frames); err != nil {
		t.Fatalf("v2 body is not a JSON array: %v\n%s", err, body)
	}
	return frames
}

// frameOfKind returns the frame with the given FrameType and, for tables, TableKind.
func frameOfKind(t testing.TB, frames []map[string]any, frameType, tableKind string) map[string]any {
	t.Helper()
	for _, f := range frames {
		if f["FrameType"] == frameType && (tableKind == "" || f["TableKind"] == tableKind) {
			return f
		}
	}
	t.Fatalf("no %s frame %s in %v", frameType, tableKind, frames)
	return nil
}

// apiErrorOf decodes a `{"error":{...}}` body.
func apiErrorOf(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var e struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
		t.Fatalf("not a Kusto error body (%v): %s", err, body)
	}
	return e.Error
}
