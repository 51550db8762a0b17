package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that a running command and the test may use at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs `kqlhunt serve args...` on a free loopback port and returns its base URL, the stderr buffer
// and a function that stops it and returns its exit code.
func startServe(t *testing.T, args ...string) (string, *lockedBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errOut := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), &streams{in: strings.NewReader(""), out: io.Discard, errOut: errOut})
	}()
	served := regexp.MustCompile(`serving \d+ tables? on (http://127\.0\.0\.1:\d+)`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := served.FindStringSubmatch(errOut.String()); m != nil {
			stop := func() int {
				cancel()
				select {
				case code := <-done:
					return code
				case <-time.After(30 * time.Second):
					t.Fatal("serve did not stop after its context was cancelled")
					return -1
				}
			}
			t.Cleanup(func() { cancel() })
			return m[1], errOut, stop
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited with %d before serving:\n%s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start in 30s:\n%s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// v2Query posts csl to the server's v2 query endpoint and returns the primary result's rows.
func v2Query(t *testing.T, base, csl string) [][]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"db": "kqlhunt", "csl": csl})
	resp, err := http.Post(base+"/v2/rest/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	var frames []struct {
		FrameType string
		TableKind string
		Rows      [][]any
	}
	if err := json.Unmarshal(data, &frames); err != nil {
		t.Fatalf("not a v2 frame array: %v\n%s", err, data)
	}
	for _, f := range frames {
		if f.FrameType == "DataTable" && f.TableKind == "PrimaryResult" {
			return f.Rows
		}
	}
	t.Fatalf("no primary result in %s", data)
	return nil
}

func TestServeAnswersV2Queries(t *testing.T) {
	store := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := cli(t, "ingest", exampleData, "--into", store); code != exitOK {
		t.Fatalf("ingest: %s", stderr)
	}
	tests := []struct {
		name string
		data string
	}{
		{name: "raw files", data: exampleData},
		{name: "store", data: store},
	}
	const csl = "UrlClickEvents | where ActionType == 'ClickBlocked' | summarize n=count() | extend t=now()"
	now, _ := time.Parse(time.RFC3339, pinnedNow)
	counts, _ := countBlockedClicks(t, exampleData, now)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, errOut, stop := startServe(t, "--data", tc.data, "--now", pinnedNow, "--no-ui")
			if !strings.Contains(errOut.String(), "serving 1 table on") {
				t.Errorf("stderr: %s", errOut.String())
			}
			rows := v2Query(t, base, csl)
			if len(rows) != 1 || len(rows[0]) != 2 {
				t.Fatalf("rows %v", rows)
			}
			// The whole data set's blocked clicks are at least the 30-day window's.
			var window int64
			for _, n := range counts {
				window += n
			}
			n, ok := rows[0][0].(float64)
			if !ok || int64(n) < window || window == 0 {
				t.Errorf("count %v, want at least %d", rows[0][0], window)
			}
			if rows[0][1] != "2026-12-03T12:00:00Z" && !strings.HasPrefix(rows[0][1].(string), "2026-12-03T12:00:00") {
				t.Errorf("now() is %v, want the pinned 2026-12-03T12:00:00Z", rows[0][1])
			}
			// Both data forms give the same count.
			raw := v2Query(t, base, "UrlClickEvents | count")
			if len(raw) != 1 || raw[0][0] != float64(4000) {
				t.Errorf("count rows %v, want 4000", raw)
			}
			if code := stop(); code != exitOK {
				t.Errorf("serve exited %d after cancel:\n%s", code, errOut.String())
			}
		})
	}
}

func TestServeRefusesOpenListenWithoutToken(t *testing.T) {
	code, _, stderr := cli(t, "serve", "--data", exampleData, "--listen", "0.0.0.0:0")
	if code == exitOK || !strings.Contains(stderr, "refusing to listen on 0.0.0.0:0 without a token") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "Loaded") {
		t.Errorf("the data was loaded before the refusal:\n%s", stderr)
	}
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("k7Qp2Zr9Lm4Xw8Tb\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _, stop := startServe(t, "--token-file", token)
	resp, err := http.Post(base+"/v2/rest/query", "application/json", strings.NewReader(`{"db":"kqlhunt","csl":"print 1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a query without the token got %d, want 401", resp.StatusCode)
	}
	stop()
}
