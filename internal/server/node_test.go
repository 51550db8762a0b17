package server

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNodeClient runs the official Node client, azure-kusto-data, against the server. It needs node and
// `npm ci --prefix internal/server/testdata/nodeclient`; it skips (saying so) when they are absent.
func TestNodeClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join("testdata", "nodeclient")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "azure-kusto-data")); err != nil {
		t.Skip("azure-kusto-data is not installed: run npm ci --prefix internal/server/testdata/nodeclient")
	}
	seedFile := filepath.Join(t.TempDir(), "seed.kql")
	if err := os.WriteFile(seedFile, []byte(seedQuery(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	// The wall clock, so that the query_now request property is what pins the seed rule's window.
	_, ts := newTestServer(t, Config{Token: testToken, Now: time.Now})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs", ts.URL, testToken, DefaultDatabase, seedFile)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node client: %v\n%s", err, stderr.String())
	}
	var got struct {
		SeedColumns   []string
		BlockedClicks []int64
		FirstDay      string
		Visualization string
		Typed         map[string]any
		V1            []string
		Tables        []string
		SyntaxError   string
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("node output %s: %v", stdout.String(), err)
	}
	t.Logf("node client read: %s", stdout.String())
	if strings.Join(got.SeedColumns, ",") != "BlockedClicks:dynamic,Timestamp:dynamic" {
		t.Errorf("seed columns %v", got.SeedColumns)
	}
	wantBlocked := expectedBlockedPerDay(clickEvents(60, 25), testNow)
	if len(got.BlockedClicks) != len(wantBlocked) {
		t.Fatalf("BlockedClicks %v, want %v", got.BlockedClicks, wantBlocked)
	}
	for i := range wantBlocked {
		if got.BlockedClicks[i] != wantBlocked[i] {
			t.Fatalf("BlockedClicks %v, want %v", got.BlockedClicks, wantBlocked)
		}
	}
	if got.FirstDay != "2026-10-31T00:00:00.0000000Z" || got.Visualization != "timechart" {
		t.Errorf("first day %q, visualization %q", got.FirstDay, got.Visualization)
	}
	if got.Typed["l"] != float64(42) || got.Typed["b"] != true || got.Typed["dt"] != "2026-11-30T01:02:03.000Z" ||
		got.Typed["ts"] != float64(93784000) {
		t.Errorf("typed values %v", got.Typed)
	}
	if strings.Join(got.V1, ",") != "ClickAllowed=40,ClickBlocked=20" {
		t.Errorf("v1 rows %v", got.V1)
	}
	if strings.Join(got.Tables, ",") != "UrlClickEvents" {
		t.Errorf(".show tables %v", got.Tables)
	}
	if !strings.HasPrefix(got.SyntaxError, "400 Syntax error") || !strings.Contains(got.SyntaxError, "line [2,20]") {
		t.Errorf("syntax error as the client surfaces it: %q", got.SyntaxError)
	}
}
