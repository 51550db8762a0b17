package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueriesSeeWatchlistsAndAllowHTTP checks that REST queries run with the server's watchlist folder
// (_GetWatchlist) and that externaldata downloads http(s) URIs only when both AllowExternalData and AllowHTTP are on.
func TestQueriesSeeWatchlistsAndAllowHTTP(t *testing.T) {
	watchlists := t.TempDir()
	csv := "UserPrincipalName,Reason\nalice@contoso.com,exec\nbob@contoso.com,admin\ncarol@contoso.com,admin\n"
	if err := os.WriteFile(filepath.Join(watchlists, "vip.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "red,1\ngreen,2\nblue,3\n")
	}))
	t.Cleanup(remote.Close)

	watchlistQuery := `_GetWatchlist('vip') | where Reason == "admin" | summarize n = count()`
	httpQuery := fmt.Sprintf("externaldata (Color:string, N:long) [@'%s/colors.csv'] with (format='csv') | summarize n = sum(N)", remote.URL)
	tests := []struct {
		name       string
		cfg        Config
		csl        string
		wantN      float64 // the single value of column n when the query succeeds
		wantDetail string  // a part of the error message when it fails
	}{
		{name: "watchlist read from WatchlistDir", cfg: Config{WatchlistDir: watchlists}, csl: watchlistQuery, wantN: 2},
		{name: "no WatchlistDir names --watchlists", cfg: Config{}, csl: watchlistQuery, wantDetail: "--watchlists"},
		{name: "http externaldata with AllowHTTP", cfg: Config{AllowExternalData: true, AllowHTTP: true}, csl: httpQuery, wantN: 6},
		{name: "http externaldata without AllowHTTP names --allow-http", cfg: Config{AllowExternalData: true},
			csl: httpQuery, wantDetail: "--allow-http"},
		{name: "AllowHTTP alone keeps externaldata off", cfg: Config{AllowHTTP: true},
			csl: httpQuery, wantDetail: "externaldata is disabled on this server"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ts := newTestServer(t, tc.cfg)
			status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": tc.csl})
			if tc.wantDetail != "" {
				if status == http.StatusOK {
					t.Fatalf("status 200, want an error naming %q: %s", tc.wantDetail, body)
				}
				if detail, _ := apiErrorOf(t, body)["@message"].(string); !strings.Contains(detail, tc.wantDetail) {
					t.Fatalf("@message %q lacks %q", detail, tc.wantDetail)
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			rows, _ := frameOfKind(t, v2Frames(t, body), "DataTable", "PrimaryResult")["Rows"].([]any)
			if len(rows) != 1 {
				t.Fatalf("got %d rows, want 1: %s", len(rows), body)
			}
			if row, _ := rows[0].([]any); len(row) != 1 || row[0] != tc.wantN {
				t.Fatalf("row %v, want [%v]", rows[0], tc.wantN)
			}
		})
	}
}
