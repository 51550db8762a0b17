// Package kqltest runs KQL conformance cases written as txtar scripts: a query and the exact result
// (or error) Kusto gives for it. Adding a case is adding a file; see testdata/conformance/README.md.
package kqltest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Case is one parsed conformance script.
type Case struct {
	Name        string         // file name without .txtar
	Description string         // free text before the header lines
	Ordered     bool           // row order matters
	Now         time.Time      // the value of now(); zero when the case does not pin it
	Query       string         // the query.kql section
	QueryLine   int            // 1-based line of the query's first line in the file
	Expect      *Expected      // the expected table, or nil when an error is expected
	ExpectError *regexp.Regexp // the expected error text, or nil
}

// Expected is a result table written as a markdown table.
type Expected struct {
	Columns []string
	Rows    [][]string // raw cell text, unescaped (\| is |) but not yet typed
	Line    int        // 1-based line of the header row in the file, for messages
}

// section is one "-- name --" part of a txtar file.
type section struct {
	name string
	body string
	line int // line of the first body line
}

// ParseCase parses a case file. name is used in messages.
func ParseCase(name string, data []byte) (*Case, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	comment, sections := splitTxtar(text)
	c := &Case{Name: name}
	var desc []string
	for i, line := range strings.Split(comment, "\n") {
		key, value, ok := strings.Cut(line, ":")
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		switch {
		case ok && key == "ordered":
			switch value {
			case "true":
				c.Ordered = true
			case "false":
				c.Ordered = false
			default:
				return nil, fmt.Errorf("%s:%d: ordered must be true or false, got %q", name, i+1, value)
			}
		case ok && key == "now":
			ticks, ok := types.ParseDateTime(value)
			if !ok {
				return nil, fmt.Errorf("%s:%d: now: %q is not a datetime", name, i+1, value)
			}
			c.Now = types.TicksToTime(ticks)
		default:
			desc = append(desc, line)
		}
	}
	c.Description = strings.TrimSpace(strings.Join(desc, "\n"))
	var haveQuery bool
	for _, s := range sections {
		switch s.name {
		case "query.kql":
			c.Query = strings.TrimRight(s.body, "\n")
			c.QueryLine = s.line
			haveQuery = true
		case "expect.md":
			exp, err := parseMarkdownTable(s.body, s.line)
			if err != nil {
				return nil, fmt.Errorf("%s:%v", name, err)
			}
			c.Expect = exp
		case "expect-error":
			pattern := strings.TrimSpace(s.body)
			if pattern == "" {
				return nil, fmt.Errorf("%s:%d: expect-error has no pattern", name, s.line)
			}
			re, err := regexp.Compile(pattern)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: expect-error: %v", name, s.line, err)
			}
			c.ExpectError = re
		default:
			return nil, fmt.Errorf("%s:%d: unknown section %q (want query.kql, expect.md or expect-error)", name, s.line-1, s.name)
		}
	}
	if !haveQuery {
		return nil, fmt.Errorf("%s: no -- query.kql -- section", name)
	}
	if (c.Expect == nil) == (c.ExpectError == nil) {
		return nil, fmt.Errorf("%s: want exactly one of -- expect.md -- and -- expect-error --", name)
	}
	return c, nil
}

// splitTxtar splits text into the leading comment and its "-- name --" sections.
func splitTxtar(text string) (string, []section) {
	lines := strings.SplitAfter(text, "\n")
	var comment strings.Builder
	var sections []section
	for i, line := range lines {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			sections = append(sections, section{name: strings.TrimSpace(trimmed[3 : len(trimmed)-3]), line: i + 2})
			continue
		}
		if len(sections) == 0 {
			comment.WriteString(line)
		} else {
			sections[len(sections)-1].body += line
		}
	}
	return comment.String(), sections
}

// parseMarkdownTable reads "| a | b |", a "|---|" separator, and data rows. firstLine numbers messages.
func parseMarkdownTable(body string, firstLine int) (*Expected, error) {
	exp := &Expected{}
	state := 0 // 0: header, 1: separator, 2: rows
	for i, line := range strings.Split(body, "\n") {
		lineNo := firstLine + i
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		cells, err := splitRow(line)
		if err != nil {
			return nil, fmt.Errorf("%d: %v", lineNo, err)
		}
		switch state {
		case 0:
			exp.Columns = cells
			exp.Line = lineNo
			state = 1
		case 1:
			for _, c := range cells {
				if strings.Trim(c, "-: ") != "" || !strings.Contains(c, "-") {
					return nil, fmt.Errorf("%d: want the |---| separator row, got %q", lineNo, line)
				}
			}
			if len(cells) != len(exp.Columns) {
				return nil, fmt.Errorf("%d: separator has %d cells, header has %d", lineNo, len(cells), len(exp.Columns))
			}
			state = 2
		default:
			if len(cells) != len(exp.Columns) {
				return nil, fmt.Errorf("%d: row has %d cells, header has %d", lineNo, len(cells), len(exp.Columns))
			}
			exp.Rows = append(exp.Rows, cells)
		}
	}
	if state < 2 {
		return nil, fmt.Errorf("%d: expect.md needs a header row and a |---| separator", firstLine)
	}
	return exp, nil
}

// splitRow splits "| a | b\|c |" into ["a", "b|c"].
func splitRow(line string) ([]string, error) {
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") || len(line) < 2 {
		return nil, fmt.Errorf("table row must start and end with |: %q", line)
	}
	inner := line[1 : len(line)-1]
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(inner); i++ {
		switch {
		case inner[i] == '\\' && i+1 < len(inner) && inner[i+1] == '|':
			cur.WriteByte('|')
			i++
		case inner[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(inner[i])
		}
	}
	cells = append(cells, strings.TrimSpace(cur.String()))
	return cells, nil
}
