package exec

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// runQuery checks and runs q over cat with opts and returns the result as text rows ("a|b").
func runQuery(t *testing.T, q string, cat catalog.Catalog, opts sema.Options) ([]string, error) {
	t.Helper()
	src := source.New("q.kql", q)
	parsed, diags := syntax.Parse(src)
	if diags != nil && diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	prog, diags := sema.CheckWith(parsed, src, cat, opts)
	if diags.HasErrors() {
		return nil, diags
	}
	res, err := Run(NewContext(context.Background(), 0), prog.Result)
	if err != nil {
		return nil, err
	}
	var rows []string
	for r := 0; r < numRows(res); r++ {
		var cells []string
		for _, c := range res.Cols {
			cells = append(cells, sema.ValueText(c.Value(r)))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	return rows, nil
}

func TestWatchlist(t *testing.T) {
	dir := t.TempDir()
	csv := "\ufeffUser,Tier\nalice,gold\nbob,silver\n"
	if err := os.WriteFile(filepath.Join(dir, "vip.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := &WatchlistCatalog{Catalog: catalog.Map{}, Dir: dir}
	tests := []struct {
		name  string
		query string
		want  []string
		err   string
	}{
		{"columns and search key", "_GetWatchlist('vip') | where SearchKey == 'bob' | project User, Tier", []string{"bob|silver"}, ""},
		{"item bag", "_GetWatchlist('vip') | project WatchlistItem | take 1", []string{`{"User":"alice","Tier":"gold"}`}, ""},
		{"bound by let", "let V = _GetWatchlist('vip');\nV | where Tier == 'gold' | project User", []string{"alice"}, ""},
		{"missing watchlist bound by let", "let V = _GetWatchlist('nope');\nV", nil, "Failed to resolve table or column expression named '_GetWatchlist': watchlist 'nope' not found"},
		{"missing watchlist", "_GetWatchlist('nope')", nil, "Failed to resolve table or column expression named '_GetWatchlist': watchlist 'nope' not found"},
		{"path escape refused", "_GetWatchlist('../vip')", nil, "watchlist '../vip' not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := runQuery(t, tc.query, cat, sema.Options{})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rows = %q, want %q", rows, tc.want)
			}
		})
	}
}

func TestExternalDataHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/iocs.csv" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("Indicator,Kind\n1.2.3.4,ip\nevil.example,domain\n"))
	}))
	defer srv.Close()
	tests := []struct {
		name  string
		uri   string
		allow bool
		want  []string
		err   string
	}{
		{"refused by default", srv.URL + "/iocs.csv", false, nil, "pass --allow-http"},
		{"fetched when allowed", srv.URL + "/iocs.csv", true, []string{"1.2.3.4|ip", "evil.example|domain"}, ""},
		{"HTTP error reported", srv.URL + "/missing.csv", true, nil, "404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := "externaldata(Indicator:string, Kind:string) [@'" + tc.uri + "'] with (format='csv', ignoreFirstRecord=true)"
			rows, err := runQuery(t, q, catalog.Map{}, sema.Options{AllowHTTP: tc.allow})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rows = %q, want %q", rows, tc.want)
			}
		})
	}
}
