package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
)

// envInt reads a positive integer from the environment, or returns def.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// TestLoadSeedRule is the bounded load test: 20 clients (KQLHUNT_LOAD_CLIENTS) send the seed rule over real TCP on
// loopback for 10 s (KQLHUNT_LOAD_SECONDS) against 200,000 generated click events (KQLHUNT_LOAD_ROWS); every answer
// must be a complete, error-free v2 data set with the right series. It logs p50/p99 latency and throughput.
func TestLoadSeedRule(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	clients := envInt(t, "KQLHUNT_LOAD_CLIENTS", 20)
	seconds := envInt(t, "KQLHUNT_LOAD_SECONDS", 10)
	rows := envInt(t, "KQLHUNT_LOAD_ROWS", 200_000)

	mt := clickEvents(rows, 64*1024)
	_, ts := newTestServer(t, Config{Catalog: catalog.Map{"UrlClickEvents": mt}, Token: testToken})
	want := expectedBlockedPerDay(mt, testNow)
	body, err := json.Marshal(map[string]any{"db": DefaultDatabase, "csl": seedQuery(t)})
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 2 * time.Minute}

	// check reports what is wrong with one answer, or "".
	check := func(status int, data []byte) string {
		if status != http.StatusOK {
			return "status " + strconv.Itoa(status) + ": " + string(data)
		}
		var frames []map[string]any
		if err := json.Unmarshal(data, &frames); err != nil {
			return "not JSON: " + err.Error()
		}
		var series []any
		for _, f := range frames {
			switch {
			case f["FrameType"] == "DataSetCompletion" && f["HasErrors"] != false:
				return "data set has errors"
			case f["TableKind"] == "PrimaryResult":
				r := f["Rows"].([]any)
				if len(r) != 1 {
					return "primary result has " + strconv.Itoa(len(r)) + " rows"
				}
				series = r[0].([]any)[0].([]any)
			}
		}
		if len(series) != len(want) {
			return "series has " + strconv.Itoa(len(series)) + " days"
		}
		for i := range want {
			if series[i].(float64) != float64(want[i]) {
				return "day " + strconv.Itoa(i) + " differs"
			}
		}
		return ""
	}

	var mu sync.Mutex
	var latencies []time.Duration
	var failures []string
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v2/rest/query", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+testToken)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				var problem string
				if err != nil {
					problem = err.Error()
				} else {
					data, rerr := io.ReadAll(resp.Body)
					resp.Body.Close()
					if rerr != nil {
						problem = rerr.Error()
					} else {
						problem = check(resp.StatusCode, data)
					}
				}
				elapsed := time.Since(start)
				mu.Lock()
				latencies = append(latencies, elapsed)
				if problem != "" && len(failures) < 5 {
					failures = append(failures, problem)
				}
				mu.Unlock()
				if problem != "" {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d failures, first: %v", len(failures), failures)
	}
	if len(latencies) < clients {
		t.Fatalf("only %d queries completed", len(latencies))
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	t.Logf("load: %d clients, %d rows, %ds: %d queries, 0 errors, %.1f queries/s, p50 %v, p99 %v, max %v",
		clients, rows, seconds, len(latencies), float64(len(latencies))/float64(seconds),
		pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), latencies[len(latencies)-1].Round(time.Millisecond))
}

// BenchmarkSeedRuleV2 measures one seed-rule request over loopback HTTP (engine plus v2 encoding) on 100,000 rows.
func BenchmarkSeedRuleV2(b *testing.B) {
	mt := clickEvents(100_000, 64*1024)
	_, ts := newTestServer(b, Config{Catalog: catalog.Map{"UrlClickEvents": mt}})
	body, _ := json.Marshal(map[string]any{"db": DefaultDatabase, "csl": seedQuery(b)})
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		resp, err := ts.Client().Post(ts.URL+"/v2/rest/query", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)-1)*99/100].Microseconds())/1000, "p99-ms")
}
