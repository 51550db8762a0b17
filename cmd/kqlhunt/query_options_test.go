package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQueryExplainMaxRowsMaxMemory(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantErr    []string
		wantOutNot string
	}{
		{name: "explain prints the plan and runs nothing",
			args:     []string{"query", "--explain", "UrlClickEvents | where Timestamp > ago(2d) | summarize count() by ActionType", "--data", exampleData, "--now", pinnedNow, "-q"},
			wantCode: exitOK,
			wantOut: []string{"Summarize: summarize count() by ActionType", "Scan: UrlClickEvents", "columns: Timestamp, ActionType (2 of ",
				"time range: Timestamp in [2026-12-01T12:00:00.0000001Z, unbounded)"},
			wantOutNot: "ClickBlocked"},
		{name: "explain reports query errors with a caret",
			args: []string{"query", "--explain", "UrlClickEvents | where NoSuchColumn > 1", "--data", exampleData}, wantCode: exitError,
			wantErr: []string{"NoSuchColumn", "^"}},
		{name: "max-rows cuts the result and warns",
			args:     []string{"query", "UrlClickEvents | project ActionType", "--data", exampleData, "--max-rows", "3", "--format", "csv"},
			wantCode: exitOK, wantOut: []string{"ActionType\n"}, wantErr: []string{"warning: the result has more than 3 rows; showing the first 3 (--max-rows)"}},
		{name: "max-rows above the row count changes nothing",
			args:     []string{"query", "UrlClickEvents | count", "--data", exampleData, "--max-rows", "3", "--format", "csv"},
			wantCode: exitOK, wantOut: []string{"Count\n4000\n"}},
		// The query reads no table: nothing is loaded, and the limit is passed at the operator.
		{name: "max-memory too small fails at the operator",
			args:     []string{"query", "range x from 1 to 100000 step 1 | summarize count() by x", "--data", exampleData, "--max-memory", "10kB"},
			wantCode: exitError, wantErr: []string{"1:35: error: query exceeded the memory limit", "--max-memory"}},
		{name: "max-memory bounds what query loads of raw data",
			args:     []string{"query", "UrlClickEvents | summarize count() by Url, AccountUpn", "--data", exampleData, "--max-memory", "10kB"},
			wantCode: exitError, wantErr: []string{"reading --data: the data does not fit in the memory limit of 10.0 kB: the load held about ",
				" of the 3.2 MB of input (", " of 752 files); ingest the data into a store instead (kqlhunt ingest PATH --into STORE)",
				"narrow the query's time range, or raise --max-memory"}},
		{name: "max-memory bounds what run loads of raw data",
			args:     []string{"run", exampleRule, "--data", exampleData, "--now", pinnedNow, "--max-memory", "50kB"},
			wantCode: exitError, wantErr: []string{"reading --data: the data does not fit in the memory limit of 50.0 kB", "raise --max-memory"}},
		{name: "max-memory none", args: []string{"query", "UrlClickEvents | summarize count() by Url | count", "--data", exampleData, "--max-memory", "none", "--format", "csv"},
			wantCode: exitOK, wantOut: []string{"Count\n"}},
		{name: "bad max-memory", args: []string{"query", "print 1", "--max-memory", "lots"}, wantCode: exitUsage,
			wantErr: []string{`--max-memory "lots": not a size`}},
		{name: "negative max-rows", args: []string{"query", "print 1", "--max-rows", "-1"}, wantCode: exitUsage,
			wantErr: []string{"--max-rows must be 0 (all rows) or more"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, stdout, stderr)
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tc.wantOutNot != "" && strings.Contains(stdout, tc.wantOutNot) {
				t.Errorf("stdout has %q:\n%s", tc.wantOutNot, stdout)
			}
			if strings.Contains(tc.name, "max-rows cuts") {
				if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != 4 {
					t.Errorf("%d lines, want a header and 3 rows:\n%s", len(lines), stdout)
				}
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr bool
	}{
		{name: "bytes", in: "1024", want: 1024},
		{name: "decimal unit", in: "2GB", want: 2_000_000_000},
		{name: "binary unit", in: "1.5GiB", want: 3 << 29},
		{name: "lower case with space", in: "512 mb", want: 512_000_000},
		{name: "short unit", in: "64k", want: 64_000},
		{name: "none", in: "None", want: -1},
		{name: "zero", in: "0", wantErr: true},
		{name: "negative", in: "-5MB", wantErr: true},
		{name: "unknown unit", in: "5PB", wantErr: true},
		{name: "overflow", in: "1e30TB", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSize(tc.in)
			if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
				t.Errorf("parseSize(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestQueryWatchlistsAndAllowHTTP(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "VIPs.csv"), []byte("SearchKey,Reason\nalice@contoso.com,vip\nbob@contoso.com,test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "x,1\ny,2\n")
	}))
	defer srv.Close()
	external := "externaldata(a:string, b:long) [h'" + srv.URL + "/data.csv'] with (format='csv') | summarize sum(b)"
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{name: "watchlist read from --watchlists", args: []string{"query", "_GetWatchlist('VIPs') | where Reason == 'vip' | project SearchKey", "--watchlists", dir, "--format", "csv"},
			wantCode: exitOK, wantOut: "SearchKey\nalice@contoso.com\n"},
		{name: "watchlist without --watchlists", args: []string{"query", "_GetWatchlist('VIPs')"},
			wantCode: exitError, wantErr: "give --watchlists DIR holding VIPs.csv"},
		{name: "http refused by default", args: []string{"query", external},
			wantCode: exitError, wantErr: "--allow-http"},
		{name: "http fetched with --allow-http", args: []string{"query", external, "--allow-http", "--format", "csv"},
			wantCode: exitOK, wantOut: "sum_b\n3\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.args...)
			if code != tc.wantCode || !strings.Contains(stdout, tc.wantOut) || !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tc.wantCode, stdout, tc.wantOut, stderr, tc.wantErr)
			}
			if strings.Contains(stderr, "hint: no --data") {
				t.Errorf("misleading --data hint:\n%s", stderr)
			}
		})
	}
}
