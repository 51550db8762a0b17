package kqltest

import (
	"math"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// The docs pages render results as Markdown, not JSON, so some cells use display forms a strict comparison rejects.
// Each rule below is tried only by the docs suite (DocsCells), only after the strict comparison has failed, and
// only when the cell has exactly that form; the value it stands for must still equal the result exactly (numbers
// within RelTolerance). The core suite compares exactly: there a trim that does nothing must fail.

// docsStringEqual accepts the docs forms of a string cell want (w is its exact reading) for the value got.
func docsStringEqual(got, want, w string) bool {
	// A string shown in double quotes ("1234567890qwertyuiop").
	if q, ok := docsQuoted(want); ok && q == got {
		return true
	}
	// The page wrote the value verbatim in Markdown, whose backslash escapes ate a backslash.
	if strings.Contains(got, `\`) && markdownUnescaped(got) == w {
		return true
	}
	// The rendered page trims a cell and shows a run of whitespace (line breaks too) as one space; the value had
	// such whitespace and is otherwise the same text.
	rendered := renderedWhitespace(got)
	return rendered != got && rendered == w
}

// docsNumberEqual accepts a number written with thousands separators (1,234,567).
func docsNumberEqual(want string, got float64) bool {
	return strings.Contains(want, ",") && numbersEqual(strings.ReplaceAll(want, ",", ""), got)
}

// docsRealEqual accepts the docs forms of a real cell: ∞/-∞ for the infinities, or the number in double quotes.
func docsRealEqual(want string, got float64) bool {
	if inf, ok := docsInfinity(want); ok {
		return inf == got
	}
	if q, ok := docsQuoted(want); ok {
		w, isNumber := docsReal(q)
		return isNumber && floatsEqual(w, got)
	}
	return false
}

// docsDynamicEqual accepts the docs forms of a dynamic cell want for the value got; parsed is want read as JSON
// when isJSON.
func docsDynamicEqual(got any, want string, parsed any, isJSON bool) bool {
	if !isJSON {
		// A bare word is a string; strings in single quotes or as bare words inside arrays and bags ([yes, no],
		// {'a': 1}).
		if _, ok := dynamicEqual(want, got, 0); ok {
			return true
		}
		if dw, isDocs := parseDocsDynamic(want); isDocs {
			if _, ok := dynamicEqual(dw, got, docsCodeSpanKeys); ok {
				return true
			}
		}
	} else {
		// Inside a JSON value: reals shown as quoted strings (["-1.5707963267948966",0]), and bag keys whose
		// backticks Markdown consumed ({"indexer":"string"} for {"`indexer`":"string"}).
		if _, ok := dynamicEqual(parsed, got, docsQuotedReals|docsCodeSpanKeys); ok {
			return true
		}
	}
	// The page wrote the JSON verbatim in Markdown, whose escapes ate the backslashes of its escaped backslashes
	// ("C:\\temp" shows as "C:\temp"); the rest of the text must be the same.
	js := types.FormatJSON(got)
	return strings.Contains(js, `\\`) && markdownUnescaped(js) == want
}

// docsInfinity reads the docs' ∞ and -∞ (isinf-function shows 1.0/0.0 as ∞).
func docsInfinity(want string) (float64, bool) {
	switch strings.TrimSpace(want) {
	case "∞", "+∞":
		return math.Inf(1), true
	case "-∞":
		return math.Inf(-1), true
	}
	return 0, false
}

// docsQuoted returns the content of a cell written in double quotes ("1234567890qwertyuiop"), the way some pages
// show a string or a real. The content is taken as written, with no unescaping.
func docsQuoted(want string) (string, bool) {
	if len(want) >= 2 && want[0] == '"' && want[len(want)-1] == '"' {
		return want[1 : len(want)-1], true
	}
	return "", false
}

// markdownUnescaped is s as a Markdown table shows it when written verbatim: a backslash before ASCII punctuation
// is an escape, so the page drops it (\\shared shows as \shared, {\"c\":1} as {"c":1}).
func markdownUnescaped(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// renderedWhitespace is s as the rendered docs page shows it: a Markdown table trims a cell, and HTML shows a run
// of whitespace (spaces, tabs, line breaks) as one space, so a multi-line literal appears on one line.
func renderedWhitespace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isHTMLSpace), " ")
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// docsReal reads a real written as a quoted string ("-1.5707963267948966"); the whole content must be a number.
func docsReal(s string) (float64, bool) {
	if s == "" || strings.TrimSpace(s) != s {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// parseDocsDynamic reads a dynamic value as the docs pages write it when it is not JSON: strings in single quotes
// (['a','b'], {'a': 1}) or as bare words ([yes, no, yes]). Numbers, true, false and null stay what they are in JSON.
// It reports false for text that is not such a value (unbalanced brackets, text after the value).
func parseDocsDynamic(s string) (any, bool) {
	p := docsParser{s: s}
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.i == len(p.s)
}

type docsParser struct {
	s string
	i int
}

func (p *docsParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *docsParser) value() (any, bool) {
	p.space()
	if p.i >= len(p.s) {
		return nil, false
	}
	switch c := p.s[p.i]; c {
	case '[':
		return p.array()
	case '{':
		return p.bag()
	case '\'', '"':
		return p.quoted(c)
	}
	return p.bare()
}

func (p *docsParser) array() (any, bool) {
	p.i++ // [
	arr := []any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return arr, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		arr = append(arr, v)
		p.space()
		if p.i >= len(p.s) {
			return nil, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return arr, true
		default:
			return nil, false
		}
	}
}

func (p *docsParser) bag() (any, bool) {
	p.i++ // {
	bag := types.NewBag()
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return bag, true
	}
	for {
		k, ok := p.value()
		key, isString := k.(string)
		if !ok || !isString {
			return nil, false
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		bag.Set(key, v)
		p.space()
		if p.i >= len(p.s) {
			return nil, false
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return bag, true
		default:
			return nil, false
		}
	}
}

// quoted reads a string in single or double quotes; a backslash escapes the next character.
func (p *docsParser) quoted(q byte) (any, bool) {
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), true
		case c == '\\' && p.i+1 < len(p.s):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, false
}

// bare reads a word up to the next delimiter: a JSON number, true/false/null, or else a string.
func (p *docsParser) bare() (any, bool) {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",:[]{}'\"", rune(p.s[p.i])) {
		p.i++
	}
	word := strings.TrimSpace(p.s[start:p.i])
	if word == "" {
		return nil, false
	}
	switch word {
	case "true":
		return true, true
	case "false":
		return false, true
	case "null":
		return nil, true
	}
	if _, err := strconv.ParseFloat(word, 64); err == nil && looksNumeric(word) {
		return types.JSONNumber(word), true
	}
	return word, true
}

// looksNumeric rejects the words ParseFloat takes that JSON does not (Inf, NaN, +1, 0x1p4).
func looksNumeric(w string) bool {
	w = strings.TrimPrefix(w, "-")
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	return !strings.ContainsAny(w, "xXpP_")
}
