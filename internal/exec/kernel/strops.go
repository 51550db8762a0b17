package kernel

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// String operators (has, contains, startswith, =~, matches regex, has_any, ...), registered under their operator
// spelling as two-argument scalars returning bool. Operands that are not strings are compared as their tostring()
// text, so the result is never null.
//
// Terms, for the has family, are maximal runs of ASCII letters and digits: "MIMIKATZ_x64" has "mimikatz", but
// "mimikatz2" does not.

// strMatch tests text against a needle; for case-insensitive operators the needle arrives lower-cased.
type strMatch func(text, needle string, cs bool) bool

func init() {
	ops := []struct {
		name  string
		match strMatch
	}{
		{"has", hasTerm},
		{"hasprefix", hasPrefixTerm},
		{"hassuffix", hasSuffixTerm},
		{"contains", containsText},
		{"startswith", startsWithText},
		{"endswith", endsWithText},
	}
	for _, op := range ops {
		registerStrOp(op.name, op.match, false, false)
		registerStrOp("!"+op.name, op.match, false, true)
		registerStrOp(op.name+"_cs", op.match, true, false)
		registerStrOp("!"+op.name+"_cs", op.match, true, true)
	}
	registerStrOp("=~", equalsText, false, false)
	registerStrOp("!~", equalsText, false, true)
	RegisterScalar(&Scalar{
		Name: "matches regex", MinArgs: 2, MaxArgs: 2,
		Result: fixedResult("matches regex", types.Bool, 2, 2, tScalar, tString),
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			out := boolCol(n)
			ra, err := newRegexArg(args[1], n)
			if err != nil {
				return nil, err
			}
			for i := 0; i < n; i++ {
				re, err := ra.at(i)
				if err != nil {
					return nil, err
				}
				out.Ints[i] = b2i(re.MatchString(argText(args[0], i)))
			}
			return out, nil
		},
	})
	registerHasMany("has_any", false)
	registerHasMany("has_all", true)
}

func registerStrOp(name string, match strMatch, cs, negate bool) {
	RegisterScalar(&Scalar{
		Name: name, MinArgs: 2, MaxArgs: 2,
		Result: fixedResult(name, types.Bool, 2, 2, tScalar, tScalar),
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			out := boolCol(n)
			text, pat := args[0], args[1]
			needle := ""
			if pat.Const && n > 0 {
				needle = foldNeedle(argText(pat, 0), cs)
			}
			for i := 0; i < n; i++ {
				if !pat.Const {
					needle = foldNeedle(argText(pat, i), cs)
				}
				out.Ints[i] = b2i(match(argText(text, i), needle, cs) != negate)
			}
			return out, nil
		},
	})
}

func foldNeedle(s string, cs bool) string {
	if cs {
		return s
	}
	return lowerASCII(s)
}

// registerHasMany registers has_any/has_all: the text, then values or dynamic arrays of values (flattened).
func registerHasMany(name string, all bool) {
	RegisterScalar(&Scalar{
		Name: name, MinArgs: 2, MaxArgs: -1,
		Result: fixedResult(name, types.Bool, 2, -1, tScalar),
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			out := boolCol(n)
			constNeedles := true
			for _, a := range args[1:] {
				constNeedles = constNeedles && a.Const
			}
			var needles []string
			for i := 0; i < n; i++ {
				if i == 0 || !constNeedles {
					needles = needles[:0]
					for _, a := range args[1:] {
						needles = appendNeedles(needles, a.Value(i))
					}
				}
				text := argText(args[0], i)
				res := all
				for _, nd := range needles {
					if hasTerm(text, nd, false) != all {
						res = !all
						break
					}
				}
				out.Ints[i] = b2i(res)
			}
			return out, nil
		},
	})
}

func appendNeedles(dst []string, v types.Value) []string {
	if v.Type == types.Dynamic {
		if arr, ok := v.D.([]any); ok {
			for _, e := range arr {
				if e != nil {
					dst = append(dst, lowerASCII(dynText(e)))
				}
			}
			return dst
		}
	}
	if v.Null {
		return dst
	}
	return append(dst, lowerASCII(valueText(v)))
}

// isTermByte reports whether c belongs to a term.
func isTermByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// prepare makes a case-insensitive comparison with a non-ASCII needle work on lower-cased text.
func prepare(text, needle string, cs bool) (string, string, bool) {
	if !cs && !isASCII(needle) {
		return strings.ToLower(text), strings.ToLower(needle), true
	}
	return text, needle, cs
}

// eqFoldASCII compares a with the lower-case ASCII b, folding a's ASCII letters.
func eqFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}

// indexFrom returns the first index >= from where needle occurs in text, or -1.
func indexFrom(text, needle string, from int, cs bool) int {
	if cs {
		j := strings.Index(text[from:], needle)
		if j < 0 {
			return -1
		}
		return from + j
	}
	if len(needle) == 0 {
		return from
	}
	first := needle[0]
	upper := first
	if first >= 'a' && first <= 'z' {
		upper = first - ('a' - 'A')
	}
	for i := from; i+len(needle) <= len(text); i++ {
		c := text[i]
		if (c == first || c == upper) && eqFoldASCII(text[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

// findTerm looks for needle in text with term boundaries required at its start and/or end. A boundary is
// only required where the needle itself begins or ends with a term character.
func findTerm(text, needle string, cs, atStart, atEnd bool) bool {
	text, needle, cs = prepare(text, needle, cs)
	if needle == "" {
		return true
	}
	needStart := atStart && isTermByte(needle[0])
	needEnd := atEnd && isTermByte(needle[len(needle)-1])
	for from := 0; from <= len(text); {
		i := indexFrom(text, needle, from, cs)
		if i < 0 {
			return false
		}
		j := i + len(needle)
		if (!needStart || i == 0 || !isTermByte(text[i-1])) && (!needEnd || j == len(text) || !isTermByte(text[j])) {
			return true
		}
		from = i + 1
	}
	return false
}

func hasTerm(text, needle string, cs bool) bool       { return findTerm(text, needle, cs, true, true) }
func hasPrefixTerm(text, needle string, cs bool) bool { return findTerm(text, needle, cs, true, false) }
func hasSuffixTerm(text, needle string, cs bool) bool { return findTerm(text, needle, cs, false, true) }

func containsText(text, needle string, cs bool) bool {
	text, needle, cs = prepare(text, needle, cs)
	return indexFrom(text, needle, 0, cs) >= 0
}

func startsWithText(text, needle string, cs bool) bool {
	text, needle, cs = prepare(text, needle, cs)
	if len(text) < len(needle) {
		return false
	}
	if cs {
		return text[:len(needle)] == needle
	}
	return eqFoldASCII(text[:len(needle)], needle)
}

func endsWithText(text, needle string, cs bool) bool {
	text, needle, cs = prepare(text, needle, cs)
	if len(text) < len(needle) {
		return false
	}
	if cs {
		return text[len(text)-len(needle):] == needle
	}
	return eqFoldASCII(text[len(text)-len(needle):], needle)
}

func equalsText(text, needle string, _ bool) bool {
	if isASCII(needle) && len(text) == len(needle) && eqFoldASCII(text, needle) {
		return true
	}
	return strings.EqualFold(text, needle)
}
