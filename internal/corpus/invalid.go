// Package corpus holds what the tools over the public hunting-query corpus share (kqlhunt corpus and the
// parser's and checker's corpus tests): the lists of corpus queries that are not valid KQL with the error each
// fails with, and the classification of a query's error by what the query needs besides kqlhunt.
package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// Failure is the first error of a query: where it is and its message.
type Failure struct {
	Pos     string // "line:col" in the query
	Message string
}

// String returns the failure as an invalid-query list writes it: "line:col message".
func (f Failure) String() string { return f.Pos + " " + f.Message }

// FirstFailure returns the first error of diags, false when it holds none.
func FirstFailure(diags *source.DiagnosticList) (Failure, bool) {
	if diags == nil {
		return Failure{}, false
	}
	for _, d := range diags.Items {
		if d.Severity != source.Error {
			continue
		}
		pos := ""
		if d.Source != nil {
			l, c := d.Source.LineCol(d.Span.Start)
			pos = strconv.Itoa(l) + ":" + strconv.Itoa(c)
		}
		return Failure{Pos: pos, Message: d.Message}, true
	}
	return Failure{}, false
}

// maxMessagePrefix is how much of an error message an invalid-query list records.
const maxMessagePrefix = 100

// Expected returns the failure as a list records it: the message up to a suggestion ("(did you mean ...") or a
// line break, and at most 100 bytes of it, so that the list names the error without repeating what varies.
func (f Failure) Expected() Failure {
	msg := f.Message
	if i := strings.Index(msg, " (did you mean"); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.IndexAny(msg, "\t\r\n"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > maxMessagePrefix {
		cut := maxMessagePrefix
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut]
	}
	return Failure{Pos: f.Pos, Message: strings.TrimSpace(msg)}
}

// parseFailure reads "line:col message-prefix".
func parseFailure(s string) (Failure, error) {
	pos, msg, ok := strings.Cut(s, " ")
	line, col, okPos := strings.Cut(pos, ":")
	if !ok || !okPos || !isNumber(line) || !isNumber(col) || strings.TrimSpace(msg) == "" {
		return Failure{}, fmt.Errorf("want line:col and a message prefix, got %q", s)
	}
	return Failure{Pos: pos, Message: msg}, nil
}

func isNumber(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

// Invalid is one line of an invalid-query list: a corpus query that is not valid KQL, why, and the error it
// fails with today.
type Invalid struct {
	ID     string
	Reason string
	// Want is the first error the query must fail with (its position and a prefix of its message); zero when
	// the line names none, as lists written before the third field do.
	Want Failure
	Line int // of the list file
}

// Matches reports whether a query whose first error is got fails as listed: at the listed position with a
// message that starts with the listed prefix. A line that names no error matches any failure.
func (inv Invalid) Matches(got Failure) bool {
	if inv.Want == (Failure{}) {
		return true
	}
	return got.Pos == inv.Want.Pos && strings.HasPrefix(got.Message, inv.Want.Message)
}

// ReadInvalidList reads an invalid-query list file (see ParseInvalidList).
func ReadInvalidList(path string) ([]Invalid, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseInvalidList(path, data)
}

// ParseInvalidList reads the lines of an invalid-query list, `id<TAB>reason` or `id<TAB>reason<TAB>line:col
// message-prefix` (the query's first error); blank lines and lines starting with '#' are skipped. name is
// used in errors, which give the line.
func ParseInvalidList(name string, data []byte) ([]Invalid, error) {
	var out []Invalid
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || len(fields) > 3 || fields[0] == "" || strings.TrimSpace(fields[1]) == "" {
			return nil, fmt.Errorf("%s:%d: expected id<TAB>reason, optionally <TAB>line:col message-prefix", name, n)
		}
		inv := Invalid{ID: fields[0], Reason: fields[1], Line: n}
		if len(fields) == 3 {
			want, err := parseFailure(fields[2])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: third field: %v", name, n, err)
			}
			inv.Want = want
		}
		if first, dup := seen[inv.ID]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed already on line %d", name, n, inv.ID, first)
		}
		seen[inv.ID] = n
		out = append(out, inv)
	}
	return out, sc.Err()
}

// UpdateInvalidList sets the third field of the list's lines whose id is in failures to that failure's
// Expected form. It reads the file when it writes it, so lines others added meanwhile are kept: every line but
// those it updates stays byte for byte as it was.
func UpdateInvalidList(path string, failures map[string]Failure) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if _, err := ParseInvalidList(path, data); err != nil {
		return err
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, line := range lines {
		body := strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(body) == "" || strings.HasPrefix(body, "#") {
			continue
		}
		fields := strings.Split(body, "\t")
		f, ok := failures[fields[0]]
		if !ok {
			continue
		}
		lines[i] = fields[0] + "\t" + fields[1] + "\t" + f.Expected().String() + line[len(body):]
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644)
}
