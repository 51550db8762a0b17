package kernel

import (
	"math/big"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parse_version: a version of one to four dot-separated parts of up to eight digits each becomes the decimal
// whose digits are the parts, each padded to eight digits ("1.2" is 1 00000002 00000000 00000000). Anything
// else is null.
//
// kqlhunt's decimal is a float64, so two versions that differ only past the sixteenth significant digit
// (for example 1.2.3.4 and 1.2.3.5) compare equal.

func parseVersion(s string) (float64, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) > 4 {
		return 0, false
	}
	n := new(big.Int)
	eight := big.NewInt(100000000)
	for i := 0; i < 4; i++ {
		n.Mul(n, eight)
		if i >= len(parts) {
			continue
		}
		p := parts[i]
		if p == "" || len(p) > 8 {
			return 0, false
		}
		v := int64(0)
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		n.Add(n, big.NewInt(v))
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	return f, true
}

func init() {
	registerRowFunc("parse_version", nil, types.Decimal, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return nullV(types.Decimal)
		}
		f, ok := parseVersion(v[0].S)
		if !ok {
			return nullV(types.Decimal)
		}
		return types.Value{Type: types.Decimal, F: f}
	})
}
