package main

import (
	"strings"
	"testing"
)

func TestTestCommand(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		wantCode int
		want     string
	}{
		{name: "the example rule's tests pass", path: "../../examples/rules", wantCode: exitOK, want: `ok   ../../examples/rules/blocked-clicks-trend.yaml: quiet month
ok   ../../examples/rules/blocked-clicks-trend.yaml: a spike on one day
ok   ../../examples/rules/blocked-clicks-trend.yaml: data only today
ok   ../../examples/rules/blocked-clicks-trend.yaml: tuning applied
ok   ../../examples/rules/blocked-clicks-trend.yaml: without the tuning the training clicks count
5 passed, 0 failed
`},
		{name: "a wrong expected table fails with a diff", path: "testdata/ruletests", wantCode: exitError, want: `ok   testdata/ruletests/clicks-by-action.yaml: right counts
FAIL testdata/ruletests/clicks-by-action.yaml: deliberately wrong (testdata/ruletests/clicks-by-action.yaml:26)
    columns: ActionType, Clicks
    --- expected
    +++ actual
      ["ClickAllowed",1]
    - ["ClickBlocked",3]
    - ["UrlErrorPage",1]
    + ["ClickBlocked",1]
1 passed, 1 failed
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, "test", tt.path)
			if code != tt.wantCode || out != tt.want {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nwant:\n%s\nstderr: %s", code, tt.wantCode, out, tt.want, errOut)
			}
			if !strings.HasSuffix(out, " failed\n") {
				t.Errorf("the last line is not the summary")
			}
		})
	}
}
