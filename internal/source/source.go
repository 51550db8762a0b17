// Package source holds query text, byte-offset positions and diagnostics.
// Line and column are computed only when a diagnostic is printed.
package source

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a byte offset into a Source's text.
type Pos int

// Span is a half-open byte range [Start, End) in a Source.
type Span struct {
	Start, End Pos
}

// Join returns the smallest span covering a and b.
func (a Span) Join(b Span) Span {
	if b.Start < a.Start {
		a.Start = b.Start
	}
	if b.End > a.End {
		a.End = b.End
	}
	return a
}

// Source is one named piece of query text (a file, a rule's query block, a command-line argument).
type Source struct {
	Name string // shown before line:col; may be empty
	Text string
	// LineOffset and ColOffset shift reported positions, for text embedded in another file
	// (a YAML query block starting at line 12 of a rule file).
	LineOffset int
	ColOffset  int
	lines      []int // byte offsets of line starts, built lazily
}

// New returns a Source for text.
func New(name, text string) *Source { return &Source{Name: name, Text: text} }

func (s *Source) lineStarts() []int {
	if s.lines == nil {
		s.lines = []int{0}
		for i := 0; i < len(s.Text); i++ {
			if s.Text[i] == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	}
	return s.lines
}

// LineCol returns the 1-based line and column (in characters) of p.
func (s *Source) LineCol(p Pos) (line, col int) {
	if p < 0 {
		p = 0
	}
	if int(p) > len(s.Text) {
		p = Pos(len(s.Text))
	}
	starts := s.lineStarts()
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > int(p) }) - 1
	col = utf8.RuneCountInString(s.Text[starts[i]:p]) + 1
	line = i + 1
	if line == 1 {
		col += s.ColOffset
	}
	return line + s.LineOffset, col
}

// Line returns the text of the 1-based line n (without its line break), counting from the start of Text.
func (s *Source) Line(n int) string {
	starts := s.lineStarts()
	if n < 1 || n > len(starts) {
		return ""
	}
	end := len(s.Text)
	if n < len(starts) {
		end = starts[n] - 1
	}
	return strings.TrimRight(s.Text[starts[n-1]:end], "\r")
}

// Severity says whether a diagnostic stops the query.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one located message about user input.
type Diagnostic struct {
	Source   *Source
	Span     Span
	Severity Severity
	Message  string
}

// Position returns "name:line:col" (or "line:col" when the source has no name).
func (d *Diagnostic) Position() string {
	if d.Source == nil {
		return ""
	}
	l, c := d.Source.LineCol(d.Span.Start)
	if d.Source.Name == "" {
		return fmt.Sprintf("%d:%d", l, c)
	}
	return fmt.Sprintf("%s:%d:%d", d.Source.Name, l, c)
}

// Error returns "pos: severity: message" on one line.
func (d *Diagnostic) Error() string {
	if p := d.Position(); p != "" {
		return p + ": " + d.Severity.String() + ": " + d.Message
	}
	return d.Severity.String() + ": " + d.Message
}

// Pretty returns Error() followed by the source line and a caret under the span.
func (d *Diagnostic) Pretty() string {
	if d.Source == nil {
		return d.Error()
	}
	var b strings.Builder
	b.WriteString(d.Error())
	l, _ := d.Source.LineCol(d.Span.Start)
	l -= d.Source.LineOffset
	line := d.Source.Line(l)
	starts := d.Source.lineStarts()
	startInLine := int(d.Span.Start) - starts[l-1]
	if startInLine > len(line) {
		startInLine = len(line)
	}
	if startInLine < 0 {
		startInLine = 0
	}
	width := int(d.Span.End - d.Span.Start)
	if width < 1 {
		width = 1
	}
	if startInLine+width > len(line) {
		width = len(line) - startInLine
		if width < 1 {
			width = 1
		}
	}
	b.WriteString("\n  ")
	b.WriteString(strings.ReplaceAll(line, "\t", " "))
	b.WriteString("\n  ")
	pad := utf8.RuneCountInString(line[:startInLine])
	b.WriteString(strings.Repeat(" ", pad))
	if startInLine+width <= len(line) {
		width = utf8.RuneCountInString(line[startInLine : startInLine+width])
	}
	if width < 1 {
		width = 1
	}
	b.WriteString(strings.Repeat("^", width))
	return b.String()
}

// MaxDiagnostics caps how many diagnostics a list keeps; more are counted but dropped.
const MaxDiagnostics = 20

// DiagnosticList collects diagnostics; it implements error.
type DiagnosticList struct {
	Items   []*Diagnostic
	Dropped int
}

// Add appends a diagnostic, dropping it when the list is full.
func (l *DiagnosticList) Add(d *Diagnostic) {
	if len(l.Items) >= MaxDiagnostics {
		l.Dropped++
		return
	}
	l.Items = append(l.Items, d)
}

// Addf appends an error at span.
func (l *DiagnosticList) Addf(src *Source, span Span, format string, args ...any) {
	l.Add(&Diagnostic{Source: src, Span: span, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether any item is an error.
func (l *DiagnosticList) HasErrors() bool {
	for _, d := range l.Items {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders items by position and removes exact duplicates (same span and message).
func (l *DiagnosticList) Sort() {
	sort.SliceStable(l.Items, func(i, j int) bool { return l.Items[i].Span.Start < l.Items[j].Span.Start })
	out := l.Items[:0]
	for i, d := range l.Items {
		if i > 0 && d.Span == l.Items[i-1].Span && d.Message == l.Items[i-1].Message {
			continue
		}
		out = append(out, d)
	}
	l.Items = out
}

// Err returns the list as an error, or nil when it holds no error.
func (l *DiagnosticList) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

// Error joins the one-line form of every item.
func (l *DiagnosticList) Error() string {
	parts := make([]string, 0, len(l.Items)+1)
	for _, d := range l.Items {
		parts = append(parts, d.Error())
	}
	if l.Dropped > 0 {
		parts = append(parts, fmt.Sprintf("(and %d more)", l.Dropped))
	}
	return strings.Join(parts, "\n")
}

// Pretty joins the caret form of every item.
func (l *DiagnosticList) Pretty() string {
	parts := make([]string, 0, len(l.Items)+1)
	for _, d := range l.Items {
		parts = append(parts, d.Pretty())
	}
	if l.Dropped > 0 {
		parts = append(parts, fmt.Sprintf("(and %d more)", l.Dropped))
	}
	return strings.Join(parts, "\n")
}
