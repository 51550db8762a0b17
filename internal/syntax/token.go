package syntax

import "github.com/kqlhunt/kqlhunt/internal/source"

// tokenKind classifies a lexical token.
type tokenKind uint8

const (
	tokEOF      tokenKind = iota
	tokIdent              // a word: name, keyword, operator name (keywords are recognised by the parser)
	tokBangWord           // '!' glued to a word: !has, !contains, !in, !in~, !between
	tokLong               // an integer literal (decimal or 0x hex)
	tokReal               // a real literal: 1.5, 1e3, .5
	tokTimeSpan           // a number with a time unit: 1d, 1.5h, 100ms
	tokString             // a string literal of any form; Value holds the decoded text
	tokTypedLit           // a typed literal written as type(raw): datetime(...), long(null), guid(...)
	tokPunct              // punctuation and symbolic operators; Text is the symbol
	tokBad                // a character that starts no token; an error was reported
)

// token is one lexical token. Text is the exact source slice.
type token struct {
	Kind tokenKind
	Text string
	Pos  source.Pos
	End  source.Pos
	// Value is the decoded text of a string literal, or the raw text between the parentheses of a typed literal.
	Value string
	// TypeName is the lower-case type word of a typed literal (datetime, long, ...).
	TypeName string
	// SpaceBefore tells whether whitespace or a comment separates this token from the previous one.
	SpaceBefore bool
}

func (t token) span() source.Span { return source.Span{Start: t.Pos, End: t.End} }

// describe names the token for an error message: 'where', end of query, a string literal.
func (t token) describe() string {
	switch t.Kind {
	case tokEOF:
		return "end of query"
	case tokString:
		return "string literal " + clip(t.Text)
	}
	return "'" + clip(t.Text) + "'"
}

func clip(s string) string {
	const max = 30
	r := []rune(s)
	if len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}

// is reports whether the token is punctuation p.
func (t token) is(p string) bool { return t.Kind == tokPunct && t.Text == p }

// isWord reports whether the token is the word w (case-sensitive, as KQL keywords are).
func (t token) isWord(w string) bool { return t.Kind == tokIdent && t.Text == w }
