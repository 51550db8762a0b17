package kernel

import (
	"fmt"
	"regexp"
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
	re, err := regexp.Compile(pattern)
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
