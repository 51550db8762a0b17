package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
)

// FuzzRequests sends arbitrary bodies to every endpoint: the server must answer with JSON (a result or a Kusto
// error), never panic or hang.
func FuzzRequests(f *testing.F) {
	for _, seed := range []string{
		`{"db":"kqlhunt","csl":"UrlClickEvents | take 1"}`,
		`{"db":"kqlhunt","csl":"print x=dynamic([1,2])","properties":{"Options":{"query_now":"2026-01-01","truncationmaxrecords":1}}}`,
		`{"db":"kqlhunt","csl":".show databases schema as json"}`,
		`{"csl":"print 1","properties":"{\"Options\":{\"servertimeout\":\"00:00:01\"}}"}`,
		`{"csl":"UrlClickEvents | where", "properties": 5}`,
		`{"csl": "\xff\xfe"}`,
		`[1,2,3]`, `null`, ``, `{"csl":"print 1","properties":{"Options":{"results_error_reporting_placement":7}}}`,
	} {
		f.Add(seed)
	}
	s, err := New(Config{Catalog: catalog.Map{"UrlClickEvents": clickEvents(20, 8)}, QueryTimeout: 2e9})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/v1/rest/query", "/v2/rest/query", "/v1/rest/mgmt"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s answered %d with invalid JSON for %q: %s", path, rec.Code, body, rec.Body.String())
			}
			if rec.Code == http.StatusInternalServerError {
				t.Fatalf("%s: internal error for %q: %s", path, body, rec.Body.String())
			}
		}
	})
}
