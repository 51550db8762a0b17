package ingest

import (
	"bytes"
	"fmt"
	"strings"
)

// A JSON document (an Event Hubs capture, a Graph, Log Analytics or Kusto response) is read whole. When it is
// broken, repairDocument first makes it one the readers can read whole, keeping every row it can: a row or
// record that a damaged line broke is blanked out when the array of rows goes on after it, and a document that
// breaks off (a download cut short, or damage the array cannot be resumed after) is ended after its last
// complete row.

// docFrame is a container open at a point of a document.
type docFrame struct {
	array bool
	start int    // the offset of its '[' or '{'
	key   []byte // the key of the member it is the value of (nil at the top and for an array element)
	// lastEnd is the end of the last complete element or member (just past the bracket before the first).
	lastEnd int
	// For an array: where the element being read starts (-1 between elements), and how many are complete.
	elem, count int
	// For an object: the key of the member being read, (near the top, where the readers look for them) the
	// keys of the members read, and the rows in those of them that are arrays of rows (see rowArray).
	cur  []byte
	keys [][]byte
	rows int
}

// docWalk checks the syntax of a document as the readers read it, with its open containers on an explicit
// stack, so that at a break it knows where each of them is.
type docWalk struct {
	sc    jsonScanner
	stack []docFrame
}

// walkState is what a docWalk expects next.
type walkState int

const (
	wantValue  walkState = iota // a value: at the top, an element or a member's value
	wantKey                     // a member's key
	afterValue                  // ',' or the end of the container a value was in
)

// keptKeysDepth is how deep in a document the keys of objects are kept (see docFrame.keys).
const keptKeysDepth = 3

// run walks on from the scanner's position in state st to the end of the data (nil) or to a syntax error.
func (w *docWalk) run(st walkState) error {
	sc := &w.sc
	for {
		switch st {
		case wantValue:
			c := sc.peek()
			if n := len(w.stack); n > 0 && w.stack[n-1].array {
				w.stack[n-1].elem = sc.pos
			}
			switch c {
			case 0:
				if len(w.stack) == 0 {
					return nil
				}
				return sc.errorf("unexpected end of JSON")
			case '{', '[':
				if len(w.stack) >= maxJSONDepth {
					return sc.errorf("JSON nested deeper than %d levels", maxJSONDepth)
				}
				f := docFrame{array: c == '[', start: sc.pos, elem: -1}
				if n := len(w.stack); n > 0 && !w.stack[n-1].array {
					f.key = w.stack[n-1].cur
				}
				sc.pos++
				f.lastEnd = sc.pos
				w.stack = append(w.stack, f)
				switch {
				case f.array && sc.peek() == ']', !f.array && sc.peek() == '}':
					sc.pos++
					w.stack = w.stack[:len(w.stack)-1]
					st = w.ended()
				case f.array:
					st = wantValue
				default:
					st = wantKey
				}
			default:
				if err := sc.skipValue(len(w.stack)); err != nil {
					return err
				}
				st = w.ended()
			}
		case wantKey:
			raw, complex, err := sc.rawString()
			if err != nil {
				return err
			}
			if complex {
				str, ok := sc.decodeString(raw)
				if !ok {
					return sc.errorf("invalid escape in JSON key")
				}
				raw = []byte(str)
			}
			if err := sc.expect(':'); err != nil {
				return err
			}
			w.stack[len(w.stack)-1].cur = raw
			st = wantValue
		case afterValue:
			n := len(w.stack)
			if n == 0 {
				st = wantValue // the next top-level value
				continue
			}
			top := &w.stack[n-1]
			switch c := sc.peek(); {
			case c == ',':
				sc.pos++
				st = wantValue
				if !top.array {
					st = wantKey
				}
			case top.array && c == ']', !top.array && c == '}':
				sc.pos++
				if w.needsSchema(n - 1) {
					w.stack[n-2].rows += top.count
				}
				w.stack = w.stack[:n-1]
				st = w.ended()
			case top.array:
				return sc.errorf("expected ',' or ']' in JSON array")
			default:
				return sc.errorf("expected ',' or '}' in JSON object")
			}
		}
	}
}

// ended records that a value ended at the scanner's position in the container around it.
func (w *docWalk) ended() walkState {
	if n := len(w.stack); n > 0 {
		top := &w.stack[n-1]
		top.lastEnd = w.sc.pos
		if top.array {
			top.elem = -1
			top.count++
		} else if n <= keptKeysDepth {
			top.keys = append(top.keys, top.cur)
		}
	}
	return afterValue
}

// rowArray reports whether the array open at w.stack[i] holds the rows or records of a format the readers
// know: a top-level array (Kusto v2 frames, records or rows), the records, results or tables of a top-level
// object, the Rows of a Kusto v2 frame (or the records of a message in a top-level array), and the rows of a
// table in the tables of a response.
func (w *docWalk) rowArray(i int) bool {
	f := &w.stack[i]
	if !f.array {
		return false
	}
	key := string(f.key)
	switch i {
	case 0:
		return true
	case 1:
		return !w.stack[0].array && (key == "records" || key == "tables" || key == "Tables" || strings.EqualFold(key, "results"))
	case 2:
		return w.stack[0].array && !w.stack[1].array && (key == "Rows" || key == "rows" || key == "records")
	case 3:
		tables := string(w.stack[1].key)
		return !w.stack[0].array && (tables == "tables" || tables == "Tables") && !w.stack[2].array && (key == "rows" || key == "Rows")
	}
	return false
}

// isTables reports whether the array open at w.stack[i] is the tables of a response (Log Analytics, Kusto v1).
func (w *docWalk) isTables(i int) bool {
	key := string(w.stack[i].key)
	return i == 1 && w.stack[i].array && !w.stack[0].array && (key == "tables" || key == "Tables")
}

// hasKey reports whether the object open at w.stack[i] has a complete member named one of names (schema in
// any case, as the Graph reader takes it).
func (w *docWalk) hasKey(i int, names ...string) bool {
	for _, k := range w.stack[i].keys {
		for _, name := range names {
			if string(k) == name || name == "schema" && strings.EqualFold(string(k), name) {
				return true
			}
		}
	}
	return false
}

// needsSchema reports whether the array open at w.stack[i] holds rows read by the schema the object around it
// gives: Graph's results, the Rows of a Kusto v2 frame, the rows of a table.
func (w *docWalk) needsSchema(i int) bool {
	key := string(w.stack[i].key)
	return w.rowArray(i) && (i == 1 && strings.EqualFold(key, "results") || (i == 2 || i == 3) && (key == "Rows" || key == "rows"))
}

// hasSchema reports whether the rows of the array open at w.stack[i] can be read: they need no schema, or the
// object they are in gave it before them (Graph's schema, a table's columns).
func (w *docWalk) hasSchema(i int) bool {
	return !w.needsSchema(i) || w.hasKey(i-1, "schema", "Columns", "columns")
}

// objectSchema reports whether the object open at w.stack[i] gave the schema of its rows, when it has any.
func (w *docWalk) objectSchema(i int) bool {
	return w.stack[i].rows == 0 || w.hasKey(i, "schema", "Columns", "columns")
}

// wholeObject reports whether the object open at w.stack[i] can be ended after its last complete member and
// read as what it is, with its rows and their schema complete: a response at the top (Graph, Log Analytics,
// Kusto v1, an Event Hubs message; not a record or a row, which would be read without what was lost), a Kusto
// v2 frame, or a table of a response.
func (w *docWalk) wholeObject(i int) bool {
	switch {
	case i == 0:
		if w.hasKey(0, "properties") && w.hasKey(0, "category") {
			return false
		}
		return w.hasKey(0, "records", "tables", "Tables") || w.hasKey(0, "schema") && w.hasKey(0, "results", "Results")
	case i == 1 && w.stack[0].array:
		return w.hasKey(1, "records") || w.hasKey(1, "FrameType") && w.hasKey(1, "Columns") && w.hasKey(1, "Rows")
	case i == 2 && w.isTables(1):
		return w.hasKey(2, "columns") && w.hasKey(2, "rows") || w.hasKey(2, "Columns") && w.hasKey(2, "Rows")
	}
	return false
}

// resync finds where the array of rows open at w.stack[i] goes on after a break at off inside its element: the
// first line at or after off that starts, at the column the broken element starts at, with the same bracket
// and holds a complete element followed by ',' or ']'; or the array's own ']' at the start of a line indented
// as the line of its '['. The element must start a line, and the search stops at a line indented less than it
// or at one starting at its column with anything but its bracket or a closing one: it is only done in
// pretty-printed documents, where lines start outside strings and indentation follows nesting. Elements on
// the way that are broken too are left out with the first, and returned as breaks of their own.
func (w *docWalk) resync(i, off int) (at int, closer bool, more []docBreak, ok bool) {
	data := w.sc.data
	f := &w.stack[i]
	es := f.elem
	if es < 0 || es >= len(data) {
		return 0, false, nil, false
	}
	indent := es - (bytes.LastIndexByte(data[:es], '\n') + 1)
	if !blankText(data[es-indent : es]) {
		return 0, false, nil, false
	}
	opener := data[es]
	arrayIndent := leadingSpace(data[bytes.LastIndexByte(data[:f.start], '\n')+1:])
	for p := es; ; {
		nl := bytes.IndexByte(data[p:], '\n')
		if nl < 0 {
			return 0, false, nil, false
		}
		p += nl + 1
		ind := leadingSpace(data[p:])
		q := p + ind
		if q >= len(data) {
			return 0, false, nil, false
		}
		c := data[q]
		if c == '\n' || c == '\r' {
			continue // a blank line
		}
		if q >= off {
			if ind == indent && c == opener {
				brk := w.elementBreak(q, i+1)
				if brk == nil {
					return q, false, more, true
				}
				more = append(more, *brk)
				off = brk.off
				continue
			}
			if ind < indent && c == ']' && ind == arrayIndent {
				return q, true, more, true
			}
		}
		if ind < indent || ind == indent && c != opener && c != '}' && c != ']' {
			return 0, false, nil, false
		}
	}
}

// docBreak is where and why a document broke.
type docBreak struct {
	off int
	err error
}

// elementBreak checks that a complete value starts at data[at], followed by ',' or ']'; else it says where it
// breaks.
func (w *docWalk) elementBreak(at, depth int) *docBreak {
	sc := jsonScanner{data: w.sc.data, pos: at}
	if err := sc.skipValue(depth); err != nil {
		return &docBreak{errorOffset(err, sc.pos), err}
	}
	if c := sc.peek(); c != ',' && c != ']' {
		return &docBreak{sc.pos, sc.errorf("expected ',' or ']' in JSON array")}
	}
	return nil
}

// blankText reports whether b is only spaces and tabs.
func blankText(b []byte) bool { return leadingSpace(b) == len(b) }

// leadingSpace is the number of spaces and tabs b starts with.
func leadingSpace(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t') {
		n++
	}
	return n
}

// blank overwrites data[from:to] with spaces, keeping its line breaks (so that offsets and lines stay).
func blank(data []byte, from, to int) {
	for i := from; i < to; i++ {
		if data[i] != '\n' && data[i] != '\r' {
			data[i] = ' '
		}
	}
}

// repairDocument makes data, whose walk w broke with err, a document the readers can read whole (see the
// comment at the top of the file), in place. It returns the document, the problems of the breaks, in line
// order, and the count of complete rows left out because the document gives their schema after them, which
// the break lost.
func (fl *fileLoader) repairDocument(data []byte, w *docWalk, err error) ([]byte, []Problem, int) {
	doc := &docLines{data: data, base: 1}
	var problems []Problem
	for {
		off := errorOffset(err, w.sc.pos)
		at, closer, i := 0, false, len(w.stack)-1
		var more []docBreak
		for ; i >= 0; i-- {
			if !w.rowArray(i) {
				continue
			}
			var ok bool
			if at, closer, more, ok = w.resync(i, off); ok {
				break
			}
		}
		if i < 0 {
			line := doc.line(off) // before complete writes over the bytes after the last row
			data, unread := w.complete(data)
			msg := fmt.Sprintf("malformed JSON: %v", err)
			if unread > 0 {
				msg += fmt.Sprintf("; the %s before it are left out too: the document gives their schema after them, and the schema is lost", countOf(unread, "complete row", "complete rows"))
			}
			problems = append(problems, Problem{File: fl.file, Line: line, Message: msg, Skipped: true})
			return data, problems, unread
		}
		for _, b := range append([]docBreak{{off, err}}, more...) {
			problems = append(problems, Problem{File: fl.file, Line: doc.line(b.off), Message: fmt.Sprintf("malformed JSON: %v", b.err), Skipped: true})
		}
		f := &w.stack[i]
		es := f.elem
		blank(data, es, at)
		w.stack = w.stack[:i+1]
		f.elem = -1
		w.sc.pos = es
		st := wantValue
		if closer {
			// The broken element was the last: the ',' before it goes too.
			if j := len(bytes.TrimRight(data[:es], " \t\r\n")) - 1; j >= 0 && data[j] == ',' {
				data[j] = ' '
			}
			st = afterValue
		}
		if err = w.run(st); err == nil {
			return data, problems, 0
		}
	}
}

// complete ends the document at the break the walk stopped at, closing the containers open there after the
// last complete element of the deepest array of rows whose rows can be read (see rowArray and hasSchema), or
// after the last complete member of the deepest object that can be read without what was lost (see
// wholeObject); with neither, the broken top-level value is left out. It returns the document and the count
// of complete rows left out because the document gives their schema after them.
func (w *docWalk) complete(data []byte) ([]byte, int) {
	unread := 0
	for i := len(w.stack) - 1; i >= 0; i-- {
		f := &w.stack[i]
		rows := f.array && w.rowArray(i)
		if rows && w.hasSchema(i) || !f.array && w.wholeObject(i) {
			data = data[:f.lastEnd]
			for j := i; j >= 0; j-- {
				if w.stack[j].array {
					data = append(data, ']')
				} else {
					data = append(data, '}')
				}
			}
			return data, unread
		}
		switch {
		case rows && !w.hasSchema(i):
			unread += f.count
		case !f.array && !w.objectSchema(i):
			unread += f.rows
		}
	}
	if len(w.stack) > 0 {
		return data[:w.stack[0].start], unread
	}
	return data[:min(w.sc.pos, len(data))], unread
}

// errorOffset is where a scanner error points, or pos.
func errorOffset(err error, pos int) int {
	if je, ok := err.(*jsonError); ok {
		return je.off
	}
	return pos
}

// countOf is "1 row" or "n rows".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// brokenFirstLine reports whether data, a file whose first line is not a complete JSON value and that breaks
// at off, is JSON lines whose first line is broken rather than a document: it has a second line with content,
// and the break is before it (or at its start), or that line is a JSON value of its own (a line of a
// pretty-printed document is a part of one, or ends with a comma).
func brokenFirstLine(data []byte, off int) bool {
	var lines [][2]int
	for p := 0; p < len(data) && len(lines) < 2; {
		end := bytes.IndexByte(data[p:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += p
		}
		if s := p + leadingSpace(data[p:end]); len(bytes.TrimSpace(data[s:end])) > 0 {
			lines = append(lines, [2]int{s, end})
		}
		p = end + 1
	}
	if len(lines) < 2 {
		return false
	}
	return off <= lines[1][0] || isCompleteJSON(bytes.TrimSpace(data[lines[1][0]:lines[1][1]]))
}

// loadDocument reads data, content whose first line is not a complete JSON value: one or more (pretty-printed)
// documents, repaired where they break (see repairDocument); or JSON lines whose first line is broken.
func (fl *fileLoader) loadDocument(data []byte) {
	if !brokenSequence(data) {
		fl.loadJSONDoc(data, 1)
		return
	}
	w := &docWalk{sc: jsonScanner{data: data}}
	err := w.run(wantValue)
	if err == nil { // the readers' own checks (a key's escapes) found what the first check did not
		fl.loadJSONDoc(data, 1)
		return
	}
	if brokenFirstLine(data, errorOffset(err, w.sc.pos)) {
		for i, line := range bytes.Split(data, []byte{'\n'}) {
			fl.loadJSONDoc(bytes.TrimSuffix(line, []byte{'\r'}), i+1)
		}
		return
	}
	data, repairs, unread := fl.repairDocument(data, w, err)
	start := len(fl.problems)
	fl.loadJSONDoc(data, 1)
	fl.insertProblems(start, repairs)
	fl.skipped += unread
}

// brokenSequence reports whether data is not a sequence of JSON values.
func brokenSequence(data []byte) bool {
	sc := jsonScanner{data: data}
	for !sc.atEnd() {
		if err := sc.skipValue(0); err != nil {
			return true
		}
	}
	return false
}

// insertProblems adds problems (in line order) among those listed from index start on, in line order.
func (fl *fileLoader) insertProblems(start int, problems []Problem) {
	tail := append([]Problem(nil), fl.problems[start:]...)
	fl.problems = fl.problems[:start]
	for len(tail) > 0 || len(problems) > 0 {
		if len(problems) > 0 && (len(tail) == 0 || problems[0].Line <= tail[0].Line) {
			fl.add(problems[0])
			problems = problems[1:]
			continue
		}
		if len(fl.problems) >= maxProblemsPerFile {
			fl.dropped++ // counted as skipped already, when it was
		} else {
			fl.problems = append(fl.problems, tail[0])
		}
		tail = tail[1:]
	}
}
