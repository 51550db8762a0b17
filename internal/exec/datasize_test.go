package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TestEstimateDataSize checks estimate_data_size over named columns and over * (every column of the row).
func TestEstimateDataSize(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"docs example", `range x from 1 to 10 step 1 | extend Text = '1234567890' | summarize Total = sum(estimate_data_size(*))`, "180"},
		{"per type", `print b = true, i = int(1), l = 2, r = 1.5, d = datetime(2024-01-01), t = 1h, g = guid(74be27de-1e4e-49d9-b579-fe0b331d3642), s = "héllo" | project estimate_data_size(*)`,
			"59"}, // 1+4+8+8+8+8+16+6 (é is two bytes)
		{"listed columns", `print a = 1, s = "abc" | project n = estimate_data_size(s), m = estimate_data_size(a, s)`, "3|11"},
		{"a dynamic value is larger than its JSON text as a string (the reference's example)",
			`print s = estimate_data_size("{\"a\":\"bcd\"}"), d = estimate_data_size(dynamic({"a":"bcd"})) | extend larger = d > s`, "11|13|true"},
		{"a dynamic value counts its text and a byte per value", `print d = dynamic([1, {"x": [true]}, "ab"]) | project n = estimate_data_size(d)`,
			"27"}, // [1,{"x":[true]},"ab"] is 21 bytes; the array, 1, the bag, [true], true and "ab" are 6 values
		{"a null dynamic value is 0", `print d = dynamic(null) | project n = estimate_data_size(d)`, "0"},
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
