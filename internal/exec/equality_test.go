package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestInDynamicStringsAgainstDatetimes checks that the strings of a dynamic array tested with in against a
// datetime or timespan are converted to that type, as == converts a dynamic operand, instead of being
// compared with the value's tostring() form (which never matched "2024-01-02T00:00:00Z").
func TestInDynamicStringsAgainstDatetimes(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"datetime", `print a = datetime(2024-01-02) in (dynamic(["2024-01-02T00:00:00Z", "x"])), b = datetime(2024-01-02) == dynamic("2024-01-02T00:00:00Z")`, "true|true"},
		{"timespan", `print a = 1h in (dynamic(["01:00:00"])), b = 1h !in (dynamic(["02:00:00"]))`, "true|true"},
		{"number and bool keep the text form", `print a = 5 in (dynamic(["5"])), b = true in (dynamic(["true"])), c = 5 in (dynamic(["05"]))`, "true|true|false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, tc.query, catalog.Map{}, sema.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ";") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, ";"), tc.want)
			}
		})
	}
}
