package server

import (
	"context"
	"strings"
	"testing"

	"github.com/Azure/azure-kusto-go/azkustodata"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
)

func TestQueryParameters(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	tests := []struct {
		name   string
		csl    string
		params map[string]string
		want   float64 // the count returned
		errMsg string  // when the request must fail
	}{
		{name: "string parameter without default", csl: "declare query_parameters(action:string);\nUrlClickEvents | where ActionType == action | count",
			params: map[string]string{"action": `"ClickBlocked"`}, want: 20},
		{name: "value replaces the default", csl: "declare query_parameters(action:string = 'ClickBlocked'); UrlClickEvents | where ActionType == action | count",
			params: map[string]string{"action": `'ClickAllowed'`}, want: 40},
		{name: "default kept when no value is sent", csl: "declare query_parameters(n:long = 3); UrlClickEvents | take n | count",
			params: map[string]string{"other": "long(1)"}, want: 3},
		{name: "typed literal values", csl: "declare query_parameters(n:long, since:datetime); UrlClickEvents | where Timestamp >= since | take n | count",
			params: map[string]string{"n": "long(7)", "since": "datetime(2026-11-01)"}, want: 7},
		{name: "string with a pipe and a semicolon", csl: "declare query_parameters(u:string); UrlClickEvents | where Url == u | count",
			params: map[string]string{"u": `"a|b; c"`}, want: 0},
		{name: "a value that is more than one literal is refused", csl: "declare query_parameters(n:long); print n",
			params: map[string]string{"n": "1, y = 2"}, errMsg: "is not one KQL literal"},
		{name: "a value that adds an operator is refused", csl: "declare query_parameters(n:long); print n",
			params: map[string]string{"n": "1 | take 1"}, errMsg: "is not one KQL literal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, ts, "/v2/rest/query", "", map[string]any{"db": "kqlhunt", "csl": tc.csl,
				"properties": map[string]any{"Parameters": tc.params}})
			if tc.errMsg != "" {
				if status != 400 {
					t.Fatalf("status %d, want 400: %s", status, body)
				}
				if msg, _ := apiErrorOf(t, body)["@message"].(string); !strings.Contains(msg, tc.errMsg) {
					t.Fatalf("@message %q lacks %q", msg, tc.errMsg)
				}
				return
			}
			if status != 200 {
				t.Fatalf("status %d: %s", status, body)
			}
			rows := frameOfKind(t, v2Frames(t, body), "DataTable", "PrimaryResult")["Rows"].([]any)
			if got := rows[0].([]any)[0]; got != tc.want {
				t.Errorf("count %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSDKQueryParameters sends parameters the way the official SDK does (it prepends the declaration).
func TestSDKQueryParameters(t *testing.T) {
	client := sdkServer(t, Config{}, appToken, testToken)
	params := kql.NewParameters().AddString("action", "ClickBlocked").AddLong("n", 5)
	ds, err := client.Query(context.Background(), DefaultDatabase,
		kql.New("UrlClickEvents | where ActionType == action | take n | count"), azkustodata.QueryParameters(params))
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	n, err := primaryTable(t, ds).Rows()[0].LongByName("Count")
	if err != nil || *n != 5 {
		t.Fatalf("Count = %v (%v), want 5", n, err)
	}
}
