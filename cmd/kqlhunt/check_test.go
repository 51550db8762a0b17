package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckCommand(t *testing.T) {
	const broken = "../../internal/rules/testdata/rules/broken"
	baseline := filepath.Join(t.TempDir(), "baseline")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // a substring of stdout
		wantErr  string // a substring of stderr
	}{
		{name: "clean example rules", args: []string{"check", "../../examples/rules"}, wantCode: exitOK, wantOut: "5 files, 5 queries checked: 0 errors, 0 warnings"},
		{name: "one rule: singular words", args: []string{"check", "../../examples/rules/blocked-clicks-trend.yaml"}, wantCode: exitOK, wantOut: "1 file, 1 query checked: 0 errors, 0 warnings"},
		{name: "broken rules exit 1", args: []string{"check", broken}, wantCode: exitError, wantOut: "metadata.yaml:1:5: error: id \"not-a-guid\" is not a GUID"},
		{name: "sarif", args: []string{"check", broken, "--format", "sarif"}, wantCode: exitError, wantOut: `"version": "2.1.0"`},
		{name: "json", args: []string{"check", broken, "--format", "json"}, wantCode: exitError, wantOut: `"errors": 32`},
		{name: "write a baseline", args: []string{"check", broken, "--write-baseline", baseline}, wantCode: exitOK, wantErr: "wrote 67 findings"},
		{name: "the baseline accepts everything", args: []string{"check", broken, "--baseline", baseline}, wantCode: exitOK, wantOut: "0 errors, 0 warnings"},
		{name: "bad format", args: []string{"check", broken, "--format", "xml"}, wantCode: exitUsage, wantErr: "--format must be text, json or sarif"},
		{name: "missing path", args: []string{"check", "no/such/dir"}, wantCode: exitError, wantErr: "no/such/dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d\nstdout %s\nstderr %s\nwant exit %d, stdout with %q, stderr with %q", code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
	if _, err := os.Stat(baseline); err != nil {
		t.Errorf("the baseline was not written: %v", err)
	}
}
