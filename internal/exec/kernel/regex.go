package kernel

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Regular expressions are RE2, as in Kusto. Constant patterns are compiled once per call; patterns that vary by
// row go through a bounded cache shared by all queries.

const regexCacheMax = 512

var regexCache = struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}{m: map[string]*regexp.Regexp{}}

// compileRegex compiles pattern, reporting Kusto's kind of error for a bad pattern.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	regexCache.Lock()
	re, ok := regexCache.m[pattern]
	regexCache.Unlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(GoRegexSyntax(pattern))
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %v", pattern, err)
	}
	regexCache.Lock()
	if len(regexCache.m) >= regexCacheMax {
		// Dropping everything is simpler than LRU and rare enough not to matter.
		regexCache.m = map[string]*regexp.Regexp{}
	}
	regexCache.m[pattern] = re
	regexCache.Unlock()
	return re, nil
}

// GoRegexSyntax rewrites the escapes of Kusto's regex syntax that Go's regexp spells differently: the
// code point escapes \u007F, \u{7F}, \U0000007F and \U{7F} (Kusto's regex reference, "Escape sequences")
// become \x{...}. Everything else is passed through; an escaped backslash stays one.
func GoRegexSyntax(pattern string) string {
	if !strings.Contains(pattern, `\u`) && !strings.Contains(pattern, `\U`) {
		return pattern
	}
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '\\' || i+1 >= len(pattern) {
			b.WriteByte(c)
			continue
		}
		next := pattern[i+1]
		if next != 'u' && next != 'U' {
			b.WriteByte(c)
			b.WriteByte(next)
			i++
			continue
		}
		rest := pattern[i+2:]
		digits := 4
		if next == 'U' {
			digits = 8
		}
		switch {
		case strings.HasPrefix(rest, "{"):
			if end := strings.IndexByte(rest, '}'); end > 1 && allHex(rest[1:end]) {
				b.WriteString(`\x{` + rest[1:end] + `}`)
				i += 2 + end
				continue
			}
		case len(rest) >= digits && allHex(rest[:digits]):
			b.WriteString(`\x{` + rest[:digits] + `}`)
			i += 1 + digits
			continue
		}
		b.WriteByte(c) // not a code point escape: Go reports it
		b.WriteByte(next)
		i++
	}
	return b.String()
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// regexArg yields the compiled regex of row i of a pattern argument, compiling a constant only once.
type regexArg struct {
	arg   Arg
	fixed *regexp.Regexp
}

func newRegexArg(a Arg, n int) (*regexArg, error) {
	r := &regexArg{arg: a}
	if a.Const && n > 0 {
		re, err := compileRegex(argText(a, 0))
		if err != nil {
			return nil, err
		}
		r.fixed = re
	}
	return r, nil
}

func (r *regexArg) at(i int) (*regexp.Regexp, error) {
	if r.fixed != nil {
		return r.fixed, nil
	}
	return compileRegex(argText(r.arg, i))
}
