package catalog

import (
	"strings"
	"testing"
)

func TestWorkspaceOnly(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantOK  bool
		wantHas string // a part of the reason
	}{
		{name: "saved parser", in: "Wl_NetworkAddresses", wantOK: true, wantHas: "workspace function"},
		{name: "AIP function over a custom table, reason over several lines", in: "InformationProtectionEvents", wantOK: true, wantHas: "no table reference documents it"},
		{name: "custom log table", in: "DuoLogs_CL", wantOK: true, wantHas: "Duo connector"},
		{name: "a built-in table", in: "SentinelAudit", wantOK: false},
		{name: "a Sentinel function is not a workspace name", in: "_SentinelAudit", wantOK: false},
		{name: "case matters", in: "wl_networkaddresses", wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			why, ok := WorkspaceOnly(tc.in)
			if ok != tc.wantOK {
				t.Fatalf("WorkspaceOnly(%q) ok = %v, want %v", tc.in, ok, tc.wantOK)
			}
			if !strings.Contains(why, tc.wantHas) {
				t.Errorf("WorkspaceOnly(%q) = %q, want it to mention %q", tc.in, why, tc.wantHas)
			}
		})
	}
}

func TestParseWorkspaceNames(t *testing.T) {
	md := "# T\n\n## Only in a user's workspace\n\n- `A_CL`: one\n  two\n- `B`: three\n\nprose `C` here\n\n## Other\n\n- `D`: four\n"
	got := parseWorkspaceNames(md)
	want := map[string]string{"A_CL": "one two", "B": "three"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
