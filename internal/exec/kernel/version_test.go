package kernel

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestParseVersion(t *testing.T) {
	dec := func(f float64) types.Value { return types.Value{Type: types.Decimal, F: f} }
	runScalarCases(t, []scalarCase{
		{"four parts", "parse_version", args(S("0.0.0.5")), dec(5)},
		{"two parts", "parse_version", args(S("0.2")), dec(2e16)},
		{"one part", "parse_version", args(S("1")), dec(1e24)},
		{"padded parts", "parse_version", args(S("1.0.7")), dec(1.0000000000000007e24)},
		{"too many parts", "parse_version", args(S("1.2.3.4.5")), N(types.Decimal)},
		{"part too long", "parse_version", args(S("123456789.0")), N(types.Decimal)},
		{"not digits", "parse_version", args(S("1.x")), N(types.Decimal)},
		{"empty part", "parse_version", args(S("1..2")), N(types.Decimal)},
		{"null", "parse_version", args(N(types.String)), N(types.Decimal)},
	})
}
