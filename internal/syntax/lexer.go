package syntax

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// typedLiteralWords are the type names that, followed by '(', start a typed literal whose body is raw text.
// dynamic(...) is not among them: its body is tokenised and read by the parser.
var typedLiteralWords = map[string]bool{
	"datetime": true, "date": true, "time": true, "timespan": true, "guid": true, "uniqueid": true,
	"long": true, "int": true, "int64": true, "int32": true, "real": true, "double": true, "float": true,
	"decimal": true, "bool": true, "boolean": true,
}

// lexer splits KQL text into tokens, reporting malformed ones.
type lexer struct {
	src   *source.Source
	text  string
	pos   int
	diags *source.DiagnosticList
	toks  []token
	space bool
}

// lex returns every token of src, ending with tokEOF.
func lex(src *source.Source, diags *source.DiagnosticList) []token {
	lx := &lexer{src: src, text: src.Text, diags: diags}
	for {
		t := lx.next()
		lx.toks = append(lx.toks, t)
		if t.Kind == tokEOF {
			return lx.toks
		}
	}
}

func (lx *lexer) errorf(start, end int, format string, args ...any) {
	lx.diags.Addf(lx.src, source.Span{Start: source.Pos(start), End: source.Pos(end)}, format, args...)
}

// skipSpace skips whitespace and // comments, remembering whether anything was skipped.
func (lx *lexer) skipSpace() {
	start := lx.pos
	for lx.pos < len(lx.text) {
		c := lx.text[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
		case c == '/' && lx.pos+1 < len(lx.text) && lx.text[lx.pos+1] == '/',
			c == '#' && lx.atLineStart():
			// a comment, or a client directive line (#connect ...), which Kusto's lexer also sets aside
			for lx.pos < len(lx.text) && lx.text[lx.pos] != '\n' {
				lx.pos++
			}
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(lx.text[lx.pos:])
			if r == '\u00a0' || r == '\ufeff' || r == '\u200b' || (r != utf8.RuneError && unicode.IsSpace(r)) {
				lx.pos += n
				continue
			}
			lx.space = lx.pos > start
			return
		default:
			lx.space = lx.pos > start
			return
		}
	}
	lx.space = lx.pos > start
}

// atLineStart reports whether only spaces precede lx.pos on its line.
func (lx *lexer) atLineStart() bool {
	for i := lx.pos - 1; i >= 0; i-- {
		switch lx.text[i] {
		case '\n':
			return true
		case ' ', '\t', '\r':
			continue
		}
		return false
	}
	return true
}

func (lx *lexer) peekByte(off int) byte {
	if lx.pos+off < len(lx.text) {
		return lx.text[lx.pos+off]
	}
	return 0
}

func isIdentStart(r rune) bool {
	return r == '_' || (r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')) || (r >= utf8.RuneSelf && unicode.IsLetter(r))
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || (r >= '0' && r <= '9') || (r >= utf8.RuneSelf && unicode.IsDigit(r))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lastIsOperand reports whether the previous token ends an operand (so a following '.' is member access).
func (lx *lexer) lastIsOperand() bool {
	if len(lx.toks) == 0 {
		return false
	}
	t := lx.toks[len(lx.toks)-1]
	switch t.Kind {
	case tokIdent, tokLong, tokReal, tokTimeSpan, tokString, tokTypedLit:
		return true
	case tokPunct:
		return t.Text == ")" || t.Text == "]"
	}
	return false
}

// lastIs reports whether the previous token is punctuation p.
func (lx *lexer) lastIs(p string) bool {
	return len(lx.toks) > 0 && lx.toks[len(lx.toks)-1].is(p)
}

func (lx *lexer) next() token {
	lx.skipSpace()
	space := lx.space
	start := lx.pos
	mk := func(k tokenKind) token {
		return token{Kind: k, Text: lx.text[start:lx.pos], Pos: source.Pos(start), End: source.Pos(lx.pos), SpaceBefore: space}
	}
	if lx.pos >= len(lx.text) {
		return mk(tokEOF)
	}
	c := lx.text[lx.pos]
	// strings, including prefixed forms @"..", h"..", h@"..", ```..```
	switch {
	case c == '"' || c == '\'':
		return lx.lexString(start, space, false)
	case c == '@' && (lx.peekByte(1) == '"' || lx.peekByte(1) == '\''):
		lx.pos++
		return lx.lexString(start, space, true)
	case (c == 'h' || c == 'H') && (lx.peekByte(1) == '"' || lx.peekByte(1) == '\''):
		lx.pos++
		return lx.lexString(start, space, false)
	case (c == 'h' || c == 'H') && lx.peekByte(1) == '@' && (lx.peekByte(2) == '"' || lx.peekByte(2) == '\''):
		lx.pos += 2
		return lx.lexString(start, space, true)
	case (c == '`' || c == '~') && lx.peekByte(1) == c && lx.peekByte(2) == c:
		return lx.lexMultiLine(start, space, c)
	}
	if n := rawGUIDLen(lx.text[lx.pos:]); n > 0 {
		lx.pos += n
		t := mk(tokTypedLit)
		t.TypeName, t.Value = "guid", t.Text
		return t
	}
	if isDigit(c) || (c == '.' && isDigit(lx.peekByte(1)) && !lx.lastIsOperand()) {
		return lx.lexNumber(start, space)
	}
	r, n := utf8.DecodeRuneInString(lx.text[lx.pos:])
	if isIdentStart(r) {
		lx.pos += n
		lx.scanIdentRest()
		word := lx.text[start:lx.pos]
		if word == "in" && lx.peekByte(0) == '~' {
			lx.pos++
			return mk(tokIdent)
		}
		if typedLiteralWords[strings.ToLower(word)] && !lx.lastIs(".") {
			if t, ok := lx.lexTypedLiteral(start, space, word); ok {
				return t
			}
		}
		return mk(tokIdent)
	}
	if c == '$' {
		r2, n2 := utf8.DecodeRuneInString(lx.text[lx.pos+1:])
		if isIdentStart(r2) {
			lx.pos += 1 + n2
			lx.scanIdentRest()
			return mk(tokIdent)
		}
	}
	if c == '!' {
		r2, n2 := utf8.DecodeRuneInString(lx.text[lx.pos+1:])
		if r2 < utf8.RuneSelf && isIdentStart(r2) {
			lx.pos += 1 + n2
			lx.scanIdentRest()
			if lx.text[start+1:lx.pos] == "in" && lx.peekByte(0) == '~' {
				lx.pos++
			}
			return mk(tokBangWord)
		}
	}
	for _, p := range punctuation {
		if strings.HasPrefix(lx.text[lx.pos:], p) {
			lx.pos += len(p)
			return mk(tokPunct)
		}
	}
	lx.pos += n
	if r == utf8.RuneError && n == 1 {
		lx.errorf(start, lx.pos, "invalid UTF-8 byte in query")
	} else {
		lx.errorf(start, lx.pos, "unexpected character %q", r)
	}
	return mk(tokBad)
}

// punctuation lists symbolic tokens, longest first where one is a prefix of another.
var punctuation = []string{
	"==", "!=", "<>", "<=", ">=", "=~", "!~", "=>", "..",
	"|", ";", ",", "(", ")", "[", "]", "{", "}", ".", ":", "=", "+", "-", "*", "/", "%", "<", ">", "?", "@", "#",
}

func (lx *lexer) scanIdentRest() {
	for lx.pos < len(lx.text) {
		r, n := utf8.DecodeRuneInString(lx.text[lx.pos:])
		if !isIdentPart(r) {
			return
		}
		lx.pos += n
	}
}

// lexString reads a quoted string starting at lx.pos (the quote). Verbatim strings double the quote to escape it.
func (lx *lexer) lexString(start int, space, verbatim bool) token {
	q := lx.text[lx.pos]
	lx.pos++
	var b strings.Builder
	for {
		if lx.pos >= len(lx.text) || lx.text[lx.pos] == '\n' || lx.text[lx.pos] == '\r' {
			lx.errorf(start, lx.pos, "unterminated string literal")
			break
		}
		c := lx.text[lx.pos]
		if c == q {
			if verbatim && lx.peekByte(1) == q {
				b.WriteByte(q)
				lx.pos += 2
				continue
			}
			lx.pos++
			break
		}
		if c == '\\' && !verbatim {
			lx.pos++
			if lx.pos >= len(lx.text) {
				lx.errorf(start, lx.pos, "unterminated string literal")
				break
			}
			lx.decodeEscape(&b)
			continue
		}
		b.WriteByte(c)
		lx.pos++
	}
	return token{Kind: tokString, Text: lx.text[start:lx.pos], Pos: source.Pos(start), End: source.Pos(lx.pos), Value: b.String(), SpaceBefore: space}
}

// decodeEscape decodes the escape after a backslash (lx.pos is just after it).
func (lx *lexer) decodeEscape(b *strings.Builder) {
	escStart := lx.pos - 1
	c := lx.text[lx.pos]
	lx.pos++
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'a':
		b.WriteByte('\a')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '\\', '\'', '"':
		b.WriteByte(c)
	case '0', '1', '2', '3', '4', '5', '6', '7':
		// octal: up to three digits, the third only when the first is 0-3
		v := int(c - '0')
		if d := lx.peekByte(0); d >= '0' && d <= '7' {
			v = v*8 + int(d-'0')
			lx.pos++
			if d3 := lx.peekByte(0); d3 >= '0' && d3 <= '7' && c <= '3' {
				v = v*8 + int(d3-'0')
				lx.pos++
			}
		}
		b.WriteRune(rune(v))
	case 'u', 'x', 'U':
		digits := 4
		if c == 'x' {
			digits = 2
		} else if c == 'U' {
			digits = 8
		}
		end := lx.pos + digits
		if end > len(lx.text) {
			end = len(lx.text)
		}
		var r rune
		ok := end-lx.pos == digits
		for i := lx.pos; ok && i < end; i++ {
			d := hexVal(lx.text[i])
			if d < 0 {
				ok = false
				break
			}
			r = r*16 + rune(d)
		}
		if !ok || !utf8.ValidRune(r) {
			lx.errorf(escStart, lx.pos, "invalid escape sequence in string literal")
			return
		}
		lx.pos = end
		b.WriteRune(r)
	default:
		// Kusto rejects unknown escapes; keep the character so the rest of the string still reads.
		lx.errorf(escStart, lx.pos, "invalid escape sequence '\\%c' in string literal", c)
		b.WriteByte(c)
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// lexMultiLine reads ```text``` (or ~~~text~~~); the body is taken verbatim.
func (lx *lexer) lexMultiLine(start int, space bool, q byte) token {
	fence := strings.Repeat(string(q), 3)
	lx.pos += 3
	end := strings.Index(lx.text[lx.pos:], fence)
	var val string
	if end < 0 {
		val = lx.text[lx.pos:]
		lx.pos = len(lx.text)
		lx.errorf(start, lx.pos, "unterminated multi-line string literal")
	} else {
		val = lx.text[lx.pos : lx.pos+end]
		lx.pos += end + 3
	}
	return token{Kind: tokString, Text: lx.text[start:lx.pos], Pos: source.Pos(start), End: source.Pos(lx.pos), Value: val, SpaceBefore: space}
}

// lexNumber reads 123, 0x1F, 1.5, 1e3, .5, and a number glued to a time unit (1d, 1.5h, 100ms).
func (lx *lexer) lexNumber(start int, space bool) token {
	mk := func(k tokenKind) token {
		return token{Kind: k, Text: lx.text[start:lx.pos], Pos: source.Pos(start), End: source.Pos(lx.pos), SpaceBefore: space}
	}
	if lx.text[lx.pos] == '0' && (lx.peekByte(1) == 'x' || lx.peekByte(1) == 'X') && hexVal(lx.peekByte(2)) >= 0 {
		lx.pos += 2
		for lx.pos < len(lx.text) && hexVal(lx.text[lx.pos]) >= 0 {
			lx.pos++
		}
		return mk(tokLong)
	}
	kind := tokLong
	for lx.pos < len(lx.text) && isDigit(lx.text[lx.pos]) {
		lx.pos++
	}
	if lx.peekByte(0) == '.' && isDigit(lx.peekByte(1)) {
		kind = tokReal
		lx.pos++
		for lx.pos < len(lx.text) && isDigit(lx.text[lx.pos]) {
			lx.pos++
		}
	} else if lx.peekByte(0) == '.' && lx.peekByte(1) != '.' {
		// "2." is a real, unless a name follows (then the dot is member access)
		if r, _ := utf8.DecodeRuneInString(lx.text[lx.pos+1:]); lx.pos+1 >= len(lx.text) || !isIdentPart(r) {
			kind = tokReal
			lx.pos++
		}
	}
	if c := lx.peekByte(0); c == 'e' || c == 'E' {
		off := 1
		if s := lx.peekByte(1); s == '+' || s == '-' {
			off = 2
		}
		if isDigit(lx.peekByte(off)) {
			kind = tokReal
			lx.pos += off
			for lx.pos < len(lx.text) && isDigit(lx.text[lx.pos]) {
				lx.pos++
			}
		}
	}
	// a unit glued to the number makes a timespan; other letters after digits make a name (Kusto allows 1abc)
	r, _ := utf8.DecodeRuneInString(lx.text[lx.pos:])
	if lx.pos < len(lx.text) && isIdentPart(r) {
		unitStart := lx.pos
		lx.scanIdentRest()
		num := lx.text[start:unitStart]
		if _, ok := timeUnitTicks(lx.text[unitStart:lx.pos]); ok && !strings.ContainsAny(num, "eExX") {
			return mk(tokTimeSpan)
		}
		if strings.Trim(num, "0123456789") == "" {
			return mk(tokIdent)
		}
		lx.errorf(start, lx.pos, "invalid number or time unit '%s'", lx.text[start:lx.pos])
		return mk(tokBad)
	}
	return mk(kind)
}

// lexTypedLiteral reads `type (raw)` for the types in typedLiteralWords. It reports false (consuming nothing
// beyond the word) when no '(' follows, so the word is an ordinary name.
func (lx *lexer) lexTypedLiteral(start int, space bool, word string) (token, bool) {
	p := lx.pos // Kusto reads a typed literal only when '(' follows the type word directly
	if p >= len(lx.text) || lx.text[p] != '(' {
		return token{}, false
	}
	bodyStart := p + 1
	q := bodyStart
	var quote byte
	for q < len(lx.text) {
		c := lx.text[q]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
		} else if c == '"' || c == '\'' {
			quote = c
		} else if c == ')' || c == '\n' || c == '(' || c == '|' || c == ';' {
			break
		}
		q++
	}
	if q >= len(lx.text) || lx.text[q] != ')' {
		// Not a literal body (a nested call, or unterminated): treat the word as a name; the parser reports.
		return token{}, false
	}
	lx.pos = q + 1
	return token{Kind: tokTypedLit, Text: lx.text[start:lx.pos], Pos: source.Pos(start), End: source.Pos(lx.pos),
		Value: strings.TrimSpace(lx.text[bodyStart:q]), TypeName: strings.ToLower(word), SpaceBefore: space}, true
}

// rawGUIDLen returns 36 when s starts with an unquoted guid (8-4-4-4-12 hex digits) not glued to a name.
func rawGUIDLen(s string) int {
	if len(s) < 36 {
		return 0
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return 0
			}
		default:
			if hexVal(s[i]) < 0 {
				return 0
			}
		}
	}
	if len(s) > 36 {
		if r, _ := utf8.DecodeRuneInString(s[36:]); isIdentPart(r) {
			return 0
		}
	}
	return 36
}
