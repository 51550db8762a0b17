package kernel

import (
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// punycode_from_string and punycode_to_string: RFC 3492 Punycode of one label, without the "xn--" prefix.

const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
	pcMaxLen      = 1 << 16 // longer labels are refused rather than risking overflow
)

func init() {
	registerRowFunc("punycode_from_string", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		s, _ := punycodeEncode(v[0].S)
		return types.NewString(s)
	})
	registerRowFunc("punycode_to_string", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		s, _ := punycodeDecode(v[0].S)
		return types.NewString(s)
	})
}

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcThreshold(k, bias int) int {
	switch {
	case k <= bias:
		return pcTMin
	case k >= bias+pcTMax:
		return pcTMax
	}
	return k - bias
}

// punycodeEncode encodes a Unicode label; false for invalid UTF-8 or oversize input.
func punycodeEncode(s string) (string, bool) {
	if !utf8.ValidString(s) || len(s) > pcMaxLen {
		return "", false
	}
	runes := []rune(s)
	var out strings.Builder
	basic := 0
	for _, r := range runes {
		if r < 0x80 {
			out.WriteRune(r)
			basic++
		}
	}
	h := basic
	if basic > 0 {
		out.WriteByte('-')
	}
	n, delta, bias := pcInitialN, 0, pcInitialBias
	for h < len(runes) {
		m := int(^uint(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := pcThreshold(k, bias)
				if q < t {
					break
				}
				out.WriteByte(pcDigit(t + (q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out.WriteByte(pcDigit(q))
			bias = pcAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out.String(), true
}

// punycodeDecode decodes a label; false for text that is not valid Punycode.
func punycodeDecode(s string) (string, bool) {
	if len(s) > pcMaxLen {
		return "", false
	}
	var out []rune
	rest := s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		for _, c := range []byte(s[:i]) {
			if c >= 0x80 {
				return "", false
			}
			out = append(out, rune(c))
		}
		rest = s[i+1:]
	}
	n, i, bias := pcInitialN, 0, pcInitialBias
	for pos := 0; pos < len(rest); {
		oldI, w := i, 1
		for k := pcBase; ; k += pcBase {
			if pos >= len(rest) {
				return "", false
			}
			c := rest[pos]
			pos++
			var digit int
			switch {
			case c >= 'a' && c <= 'z':
				digit = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				digit = int(c - 'A')
			case c >= '0' && c <= '9':
				digit = int(c-'0') + 26
			default:
				return "", false
			}
			if digit > (1<<30)/w {
				return "", false
			}
			i += digit * w
			t := pcThreshold(k, bias)
			if digit < t {
				break
			}
			w *= pcBase - t
		}
		bias = pcAdapt(i-oldI, len(out)+1, oldI == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), true
}
