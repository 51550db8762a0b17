package kernel

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// IP address functions. An address may carry its own prefix ("192.168.1.1/24"); comparisons use the smallest of
// the prefixes involved. Text that is not an address gives null.

// ipv4 is a parsed IPv4 address with its prefix length (32 when none was written).
type ipv4 struct {
	addr   uint32
	prefix int
}

// parseIPv4 parses dotted-quad text with an optional /prefix.
func parseIPv4(s string) (ipv4, bool) {
	s = strings.TrimSpace(s)
	prefix := 32
	if slash := strings.IndexByte(s, '/'); slash >= 0 {
		p, err := strconv.Atoi(s[slash+1:])
		if err != nil || p < 0 || p > 32 {
			return ipv4{}, false
		}
		prefix = p
		s = s[:slash]
	}
	addr, ok := parseDottedQuad(s)
	return ipv4{addr, prefix}, ok
}

func parseDottedQuad(s string) (uint32, bool) {
	var addr uint32
	for part := 0; part < 4; part++ {
		end := strings.IndexByte(s, '.')
		if part == 3 {
			if end >= 0 {
				return 0, false
			}
			end = len(s)
		}
		if end <= 0 || end > 3 {
			return 0, false
		}
		n := 0
		for _, c := range []byte(s[:end]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		if n > 255 {
			return 0, false
		}
		addr = addr<<8 | uint32(n)
		if part < 3 {
			s = s[end+1:]
		}
	}
	return addr, true
}

func mask4(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

func minInt(vals ...int) int {
	m := vals[0]
	for _, v := range vals[1:] {
		if v < m {
			m = v
		}
	}
	return m
}

// ipv4Compare compares two addresses under the smallest prefix; ok is false when either is invalid.
func ipv4Compare(a, b string, prefix int) (int, bool) {
	x, ok1 := parseIPv4(a)
	y, ok2 := parseIPv4(b)
	if !ok1 || !ok2 || prefix < 0 || prefix > 32 {
		return 0, false
	}
	m := mask4(minInt(x.prefix, y.prefix, prefix))
	xa, ya := x.addr&m, y.addr&m
	switch {
	case xa < ya:
		return -1, true
	case xa > ya:
		return 1, true
	}
	return 0, true
}

// ipv6 is a parsed address as 16 bytes (IPv4 mapped to ::ffff:a.b.c.d) with its prefix in bits.
type ipv6 struct {
	addr   [16]byte
	prefix int
}

func parseIPv6(s string) (ipv6, bool) {
	s = strings.TrimSpace(s)
	prefix := -1
	if slash := strings.IndexByte(s, '/'); slash >= 0 {
		p, err := strconv.Atoi(s[slash+1:])
		if err != nil || p < 0 || p > 128 {
			return ipv6{}, false
		}
		prefix = p
		s = s[:slash]
	}
	// "::a.b.c.d" is read as the IPv4 address a.b.c.d, whose prefix counts IPv4 bits (as Kusto does).
	if rest, ok := strings.CutPrefix(s, "::"); ok && strings.Count(rest, ".") == 3 && !strings.Contains(rest, ":") {
		s = rest
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return ipv6{}, false
	}
	if a.Is4() {
		if prefix > 32 {
			return ipv6{}, false
		}
		if prefix < 0 {
			prefix = 32
		}
		prefix += 96
	} else if prefix < 0 {
		prefix = 128
	}
	return ipv6{a.As16(), prefix}, true
}

func ipv6Compare(a, b string, prefix int) (int, bool) {
	x, ok1 := parseIPv6(a)
	y, ok2 := parseIPv6(b)
	if !ok1 || !ok2 || prefix < 0 || prefix > 128 {
		return 0, false
	}
	bitsLeft := minInt(x.prefix, y.prefix, prefix)
	for i := 0; i < 16 && bitsLeft > 0; i++ {
		m := byte(0xff)
		if bitsLeft < 8 {
			m = ^byte(0) << (8 - bitsLeft)
		}
		xa, ya := x.addr[i]&m, y.addr[i]&m
		if xa != ya {
			if xa < ya {
				return -1, true
			}
			return 1, true
		}
		bitsLeft -= 8
	}
	return 0, true
}

var privateRanges = []ipv4{
	{10 << 24, 8},
	{172<<24 | 16<<16, 12},
	{192<<24 | 168<<16, 16},
}

// ipv4Tokens returns the valid IPv4 addresses written in text: runs of digits and dots not touching letters,
// digits or dots on either side.
func ipv4Tokens(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		c := text[i]
		if !(c >= '0' && c <= '9') {
			i++
			continue
		}
		j := i
		for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.') {
			j++
		}
		tok := strings.TrimRight(text[i:j], ".")
		before := i == 0 || !isTermByte(text[i-1]) && text[i-1] != '.'
		after := j == len(text) || !isTermByte(text[j])
		if before && after {
			if _, ok := parseDottedQuad(tok); ok {
				out = append(out, tok)
			}
		}
		i = j
	}
	return out
}

// validIPv4Prefix reports whether p is an address prefix has_ipv4_prefix accepts: one to three octets followed
// by a dot, or a whole address.
func validIPv4Prefix(p string) bool {
	if _, ok := parseDottedQuad(p); ok {
		return true
	}
	if !strings.HasSuffix(p, ".") {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(p, "."), ".")
	if len(parts) > 3 {
		return false
	}
	for _, x := range parts {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || n > 255 || len(x) > 3 {
			return false
		}
	}
	return true
}

func init() {
	registerRowFunc("ipv4_is_in_range", nil, types.Bool, 2, 2, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return ipv4InRange(v[0].S, v[1].S)
	})
	registerRowFunc("ipv4_is_in_any_range", nil, types.Bool, 2, -1, paramTypes(tString, tScalar), func(_ *Context, v []types.Value) types.Value {
		var ranges []string
		for _, r := range v[1:] {
			ranges = appendTexts(ranges, r)
		}
		res := types.NewBool(false)
		for _, r := range ranges {
			x := ipv4InRange(v[0].S, r)
			if x.Null {
				return x
			}
			if x.I != 0 {
				return x
			}
		}
		return res
	})
	registerRowFunc("ipv4_is_private", nil, types.Bool, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		ip, ok := parseIPv4(v[0].S)
		if !ok {
			return nullV(types.Bool)
		}
		base := ip.addr & mask4(ip.prefix)
		for _, r := range privateRanges {
			if base&mask4(r.prefix) == r.addr && ip.prefix >= r.prefix {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	})
	registerRowFunc("ipv4_compare", nil, types.Long, 2, 3, paramTypes(tString, tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		if p, ok := prefixArg(v, 32); ok {
			if c, ok := ipv4Compare(v[0].S, v[1].S, p); ok {
				return types.NewLong(int64(c))
			}
		}
		return nullV(types.Long)
	})
	registerRowFunc("ipv4_is_match", nil, types.Bool, 2, 3, paramTypes(tString, tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		if p, ok := prefixArg(v, 32); ok {
			if c, ok := ipv4Compare(v[0].S, v[1].S, p); ok {
				return types.NewBool(c == 0)
			}
		}
		return nullV(types.Bool)
	})
	registerRowFunc("ipv6_compare", nil, types.Long, 2, 3, paramTypes(tString, tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		if p, ok := prefixArg(v, 128); ok {
			if c, ok := ipv6Compare(v[0].S, v[1].S, p); ok {
				return types.NewLong(int64(c))
			}
		}
		return nullV(types.Long)
	})
	registerRowFunc("ipv6_is_match", nil, types.Bool, 2, 3, paramTypes(tString, tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		if p, ok := prefixArg(v, 128); ok {
			if c, ok := ipv6Compare(v[0].S, v[1].S, p); ok {
				return types.NewBool(c == 0)
			}
		}
		return nullV(types.Bool)
	})
	registerRowFunc("parse_ipv4", nil, types.Long, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		ip, ok := parseIPv4(v[0].S)
		if !ok {
			return nullV(types.Long)
		}
		return types.NewLong(int64(ip.addr & mask4(ip.prefix)))
	})
	registerRowFunc("parse_ipv4_mask", nil, types.Long, 2, 2, paramTypes(tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		ip, ok := parseIPv4(v[0].S)
		if !ok || v[1].Null || v[1].I < 0 || v[1].I > 32 {
			return nullV(types.Long)
		}
		return types.NewLong(int64(ip.addr & mask4(minInt(ip.prefix, int(v[1].I)))))
	})
	registerRowFunc("has_ipv4", nil, types.Bool, 2, 2, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		want, ok := parseDottedQuad(strings.TrimSpace(v[1].S))
		if !ok {
			return types.NewBool(false)
		}
		for _, tok := range ipv4Tokens(v[0].S) {
			if a, _ := parseDottedQuad(tok); a == want {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	})
	registerRowFunc("has_any_ipv4", nil, types.Bool, 2, -1, paramTypes(tString, tScalar), func(_ *Context, v []types.Value) types.Value {
		var wants []string
		for _, x := range v[1:] {
			wants = appendTexts(wants, x)
		}
		toks := ipv4Tokens(v[0].S)
		for _, w := range wants {
			wa, ok := parseDottedQuad(strings.TrimSpace(w))
			if !ok {
				continue
			}
			for _, tok := range toks {
				if a, _ := parseDottedQuad(tok); a == wa {
					return types.NewBool(true)
				}
			}
		}
		return types.NewBool(false)
	})
	hasPrefix := func(text string, prefixes []string) bool {
		toks := ipv4Tokens(text)
		for _, p := range prefixes {
			if !validIPv4Prefix(p) {
				continue
			}
			for _, tok := range toks {
				if strings.HasPrefix(tok, p) {
					return true
				}
			}
		}
		return false
	}
	registerRowFunc("has_ipv4_prefix", nil, types.Bool, 2, 2, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(hasPrefix(v[0].S, []string{v[1].S}))
	})
	registerRowFunc("has_any_ipv4_prefix", nil, types.Bool, 2, -1, paramTypes(tString, tScalar), func(_ *Context, v []types.Value) types.Value {
		var ps []string
		for _, x := range v[1:] {
			ps = appendTexts(ps, x)
		}
		return types.NewBool(hasPrefix(v[0].S, ps))
	})
}

// ipv4InRange is ipv4_is_in_range(ip, range): null when either is not an address.
func ipv4InRange(ip, rng string) types.Value {
	x, ok1 := parseIPv4(ip)
	r, ok2 := parseIPv4(rng)
	if !ok1 || !ok2 {
		return nullV(types.Bool)
	}
	m := mask4(minInt(r.prefix, x.prefix))
	return types.NewBool(x.addr&m == r.addr&m)
}

// prefixArg reads the optional prefix argument (index 2), defaulting to def.
func prefixArg(v []types.Value, def int) (int, bool) {
	if len(v) < 3 {
		return def, true
	}
	if v[2].Null || v[2].I < 0 || v[2].I > int64(def) {
		return 0, false
	}
	return int(v[2].I), true
}

// appendTexts adds a value's text, or each element's text for a dynamic array.
func appendTexts(dst []string, v types.Value) []string {
	if v.Type == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				if e != nil {
					dst = append(dst, dynText(e))
				}
			}
			return dst
		}
	}
	if v.Null {
		return dst
	}
	return append(dst, valueText(v))
}
