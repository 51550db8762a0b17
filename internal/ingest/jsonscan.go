package ingest

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// jsonScanner reads JSON straight from bytes without building maps, so rows can be appended to typed columns.
// It never panics: every malformed input is an error carrying the byte offset.
type jsonScanner struct {
	data []byte
	pos  int
	// badUTF8 is set when a string held invalid UTF-8 (it was replaced with U+FFFD).
	badUTF8 bool
	scratch []byte // reused by decodeBytes
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 512

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

func (s *jsonScanner) errorf(format string, args ...any) error {
	return &jsonError{off: s.pos, msg: fmt.Sprintf(format, args...)}
}

func (s *jsonScanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *jsonScanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

func (s *jsonScanner) atEnd() bool { return s.peek() == 0 && s.pos >= len(s.data) }

func (s *jsonScanner) expect(c byte) error {
	if s.peek() != c {
		if s.pos >= len(s.data) {
			return s.errorf("unexpected end of JSON, expected %q", c)
		}
		return s.errorf("expected %q, found %q", c, s.data[s.pos])
	}
	s.pos++
	return nil
}

// rawString reads a string token and returns its bytes between the quotes, and whether it needs decoding
// (escapes or non-ASCII bytes).
func (s *jsonScanner) rawString() (raw []byte, complex bool, err error) {
	if err := s.expect('"'); err != nil {
		return nil, false, err
	}
	start := s.pos
	d := s.data
	i := s.pos
	for {
		// Eight bytes at a time while none of them is special (most strings are plain ASCII).
		for i+8 <= len(d) {
			if m := specialBytes(binary.LittleEndian.Uint64(d[i:])); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for i < len(d) && !stringSpecial[d[i]] {
			i++
		}
		if i >= len(d) {
			s.pos = len(d)
			return nil, false, s.errorf("unterminated JSON string")
		}
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return d[start:i], complex, nil
		case c == '\\':
			complex = true
			i += 2
		case c < 0x20:
			s.pos = i
			return nil, false, s.errorf("control character in JSON string")
		default: // non-ASCII: checked for valid UTF-8 when decoded
			complex = true
			i++
		}
	}
}

// specialBytes returns a word with the high bit set in the bytes of w that are '"', '\\', a control character
// or non-ASCII, exact for the lowest such byte (higher bits may be false alarms after it: borrows).
func specialBytes(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zeroIn := func(x uint64) uint64 { return (x - ones) &^ x }
	return (zeroIn(w^(ones*'"')) | zeroIn(w^(ones*'\\')) | (w-ones*0x20)&^w | w) & highs
}

// stringSpecial marks the bytes that end the fast scan of a string: quote, backslash, control and non-ASCII.
var stringSpecial = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

// readString reads a string token and decodes it.
func (s *jsonScanner) readString() (string, error) {
	start := s.pos
	raw, complex, err := s.rawString()
	if err != nil {
		return "", err
	}
	if !complex {
		return string(raw), nil
	}
	str, ok := s.decodeString(raw)
	if !ok {
		s.pos = start
		return "", s.errorf("invalid escape in JSON string")
	}
	return str, nil
}

// decodeString resolves escapes and replaces invalid UTF-8 with U+FFFD (setting badUTF8).
func (s *jsonScanner) decodeString(raw []byte) (string, bool) {
	b, ok := s.decodeBytes(raw)
	return string(b), ok
}

// decodeBytes is decodeString into the scanner's scratch buffer, valid until the next call.
func (s *jsonScanner) decodeBytes(raw []byte) ([]byte, bool) {
	buf := s.scratch[:0]
	defer func() { s.scratch = buf[:0] }()
	for i := 0; i < len(raw); {
		// Copy the run of plain bytes up to the next escape or non-ASCII byte at once (raw, from rawString, has
		// no quote or control character, so specialBytes finds exactly those two).
		j := i
		for j+8 <= len(raw) {
			if m := specialBytes(binary.LittleEndian.Uint64(raw[j:])); m != 0 {
				j += bits.TrailingZeros64(m) / 8
				break
			}
			j += 8
		}
		for j < len(raw) && raw[j] != '\\' && raw[j] < utf8.RuneSelf {
			j++
		}
		buf = append(buf, raw[i:j]...)
		if i = j; i >= len(raw) {
			break
		}
		c := raw[i]
		if c == '\\' {
			if i+1 >= len(raw) {
				return nil, false
			}
			switch raw[i+1] {
			case '"', '\\', '/':
				buf = append(buf, raw[i+1])
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(raw, i+2)
				if !ok {
					return nil, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok2 := hex4(raw, i+2); ok2 && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return nil, false
			}
			i += 2
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			s.badUTF8 = true
			buf = utf8.AppendRune(buf, utf8.RuneError)
		} else {
			buf = append(buf, raw[i:i+size]...)
		}
		i += size
	}
	return buf, true
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number reads a JSON number token and returns its text.
func (s *jsonScanner) number() ([]byte, error) {
	start := s.pos
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if digits() == 0 {
		s.pos = start
		return nil, s.errorf("invalid JSON number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			s.pos = i
			return nil, s.errorf("invalid JSON number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.pos = i
			return nil, s.errorf("invalid JSON number")
		}
	}
	s.pos = i
	return d[start:i], nil
}

func (s *jsonScanner) literal(word string) error {
	if len(s.data)-s.pos >= len(word) && string(s.data[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return nil
	}
	return s.errorf("invalid JSON literal")
}

// skipValue moves past one value, checking its syntax.
func (s *jsonScanner) skipValue(depth int) error {
	if depth > maxJSONDepth {
		return s.errorf("JSON nested deeper than %d levels", maxJSONDepth)
	}
	switch c := s.peek(); c {
	case '"':
		_, _, err := s.rawString()
		return err
	case '{':
		s.pos++
		if s.peek() == '}' {
			s.pos++
			return nil
		}
		for {
			if _, _, err := s.rawString(); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.pos++
			case '}':
				s.pos++
				return nil
			default:
				return s.errorf("expected ',' or '}' in JSON object")
			}
		}
	case '[':
		s.pos++
		if s.peek() == ']' {
			s.pos++
			return nil
		}
		for {
			if err := s.skipValue(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.pos++
			case ']':
				s.pos++
				return nil
			default:
				return s.errorf("expected ',' or ']' in JSON array")
			}
		}
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	case 0:
		return s.errorf("unexpected end of JSON")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			_, err := s.number()
			return err
		}
		return s.errorf("unexpected character %q in JSON", c)
	}
}

// member is one key of a JSON object and the byte span of its value.
type member struct {
	key        []byte // raw key bytes (decoded already when the key had escapes)
	start, end int
}

// objectMembers reads an object, appending its keys and value spans to dst.
func (s *jsonScanner) objectMembers(dst []member) ([]member, error) {
	if err := s.expect('{'); err != nil {
		return dst, err
	}
	if s.peek() == '}' {
		s.pos++
		return dst, nil
	}
	for {
		raw, complex, err := s.rawString()
		if err != nil {
			return dst, err
		}
		if complex {
			str, ok := s.decodeString(raw)
			if !ok {
				return dst, s.errorf("invalid escape in JSON key")
			}
			raw = []byte(str)
		}
		if err := s.expect(':'); err != nil {
			return dst, err
		}
		s.ws()
		start := s.pos
		if err := s.skipValue(1); err != nil {
			return dst, err
		}
		dst = append(dst, member{key: raw, start: start, end: s.pos})
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return dst, nil
		default:
			return dst, s.errorf("expected ',' or '}' in JSON object")
		}
	}
}

// arrayElements calls fn with the span of each element of an array; fn's error stops the walk.
func (s *jsonScanner) arrayElements(fn func(start, end int) error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		s.ws()
		start := s.pos
		if err := s.skipValue(1); err != nil {
			return err
		}
		if err := fn(start, s.pos); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or ']' in JSON array")
		}
	}
}

// decodeDynamic reads one value as a KQL dynamic value: nil, bool, int64, float64, string, []any or *types.Bag.
func (s *jsonScanner) decodeDynamic(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, s.errorf("JSON nested deeper than %d levels", maxJSONDepth)
	}
	switch c := s.peek(); c {
	case '"':
		return s.readString()
	case '{':
		s.pos++
		bag := types.NewBag()
		if s.peek() == '}' {
			s.pos++
			return bag, nil
		}
		for {
			key, err := s.readString()
			if err != nil {
				return nil, err
			}
			if err := s.expect(':'); err != nil {
				return nil, err
			}
			v, err := s.decodeDynamic(depth + 1)
			if err != nil {
				return nil, err
			}
			bag.Set(key, v)
			switch s.peek() {
			case ',':
				s.pos++
			case '}':
				s.pos++
				return bag, nil
			default:
				return nil, s.errorf("expected ',' or '}' in JSON object")
			}
		}
	case '[':
		s.pos++
		arr := []any{}
		if s.peek() == ']' {
			s.pos++
			return arr, nil
		}
		for {
			v, err := s.decodeDynamic(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
			switch s.peek() {
			case ',':
				s.pos++
			case ']':
				s.pos++
				return arr, nil
			default:
				return nil, s.errorf("expected ',' or ']' in JSON array")
			}
		}
	case 't':
		return true, s.literal("true")
	case 'f':
		return false, s.literal("false")
	case 'n':
		return nil, s.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			num, err := s.number()
			if err != nil {
				return nil, err
			}
			return types.JSONNumber(string(num)), nil
		}
		if c == 0 {
			return nil, s.errorf("unexpected end of JSON")
		}
		return nil, s.errorf("unexpected character %q in JSON", c)
	}
}

// parseDynamicText parses JSON text held in a string cell; ok is false when it is not one complete JSON value.
func parseDynamicText(text string) (any, bool) {
	sc := jsonScanner{data: []byte(text)}
	v, err := sc.decodeDynamic(0)
	if err != nil || !sc.atEnd() {
		return nil, false
	}
	return v, true
}

// isJSONInteger reports whether number text has no fraction or exponent.
func isJSONInteger(num []byte) bool {
	for _, c := range num {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

func parseJSONFloat(num []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		// Out of range numbers come back as ±Inf with an error; keep them as Kusto would (infinity).
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}
