package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// lineReader yields lines without their "\n" or "\r\n"; the slice is valid until the next call.
type lineReader struct {
	r    *bufio.Reader
	buf  []byte
	line int
	err  error
}

func (lr *lineReader) next() ([]byte, int, bool) {
	if lr.err != nil {
		return nil, 0, false
	}
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			lr.buf = append(lr.buf, chunk...)
			continue
		}
		var line []byte
		if len(lr.buf) > 0 {
			lr.buf = append(lr.buf, chunk...)
			line = lr.buf
		} else {
			line = chunk
		}
		if err != nil {
			lr.err = err
			if len(line) == 0 {
				return nil, 0, false
			}
		}
		lr.line++
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		return line, lr.line, true
	}
}

// loadJSON reads JSON content. When the first line holds a complete JSON value, the file is JSON lines (storage
// blobs, captures written one per line, plain rows) and is streamed in blocks of lines, so a malformed line
// costs only itself. Otherwise the file is read whole, as one or more JSON documents (see loadDocument): a
// document that breaks keeps its complete rows.
func (fl *fileLoader) loadJSON(in *bufio.Reader) {
	lr := &lineReader{r: in}
	var head bytes.Buffer
	first, _, ok := lr.next()
	for ok && len(bytes.TrimSpace(first)) == 0 {
		head.WriteByte('\n')
		first, _, ok = lr.next()
	}
	if !ok {
		return
	}
	// A read error (a gzip stream cut short) is reported after what was read, at the last line with content.
	var readErr error
	readErrLine := 0
	if lr.err != nil && lr.err != io.EOF {
		readErr, readErrLine = lr.err, lr.line // the content broke off in the first line
	}
	if isCompleteJSON(bytes.TrimSpace(first)) {
		if readErr != nil {
			fl.loadJSONDoc(bytes.TrimSuffix(first, []byte{'\r'}), lr.line)
			fl.skip(readErrLine, "read error: %v", readErr)
			return
		}
		// first points into the reader's buffer: copy it before reading on.
		fl.loadJSONLines(in, append(append(head.Bytes(), first...), '\n'))
		return
	}
	head.Write(first)
	if lr.err == nil { // a newline at the end would turn a string cut short into one with a control character
		head.WriteByte('\n')
	}
	// The document is held whole while it is read: it counts against the load's budget until its rows are
	// counted instead.
	held := &heldReader{r: in, fl: fl}
	if lr.err == nil {
		var src io.Reader = in
		if fl.budget != nil {
			src = held
		}
		if _, err := head.ReadFrom(src); err != nil {
			readErr, readErrLine = err, 1+bytes.Count(bytes.TrimRight(head.Bytes(), " \t\r\n"), []byte{'\n'})
		}
	}
	defer func() { fl.budget.add(-held.n) }()
	if fl.ctx.Err() != nil {
		return
	}
	fl.loadDocument(head.Bytes())
	if readErr != nil {
		fl.skip(readErrLine, "read error: %v", readErr)
	}
}

// jsonBlockSize is the amount of JSON lines one worker reads at a time.
var jsonBlockSize = 8 << 20

// loadJSONLines reads JSON lines in blocks of whole lines, parsed in parallel; each block's tables become
// pieces of the file in block order, so rows keep the file's order. start is the content already consumed.
func (fl *fileLoader) loadJSONLines(in *bufio.Reader, start []byte) {
	workers := runtime.GOMAXPROCS(0)
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var children []*fileLoader
	line := 1
	pending := start
	var readErr error
	readErrLine := 0
	for {
		if fl.ctx.Err() != nil {
			break
		}
		size := jsonBlockSize
		if fl.size >= 0 {
			size = int(min(int64(size), fl.size))
		}
		block, err := readLineBlock(in, pending, size)
		pending = nil
		if err != nil && err != io.EOF {
			// The error belongs to the last line with content, as the end of a cut-off document does (docLines).
			readErr = err
			if read := bytes.TrimRight(block, " \t\r\n"); len(read) > 0 {
				readErrLine = line + bytes.Count(read, []byte{'\n'})
			} else {
				readErrLine = max(line-1, 1) // the content broke off where a block would start
			}
		}
		if len(block) > 0 {
			child := newFileLoader(fl.ctx, fl.file, fl.opts)
			child.hint, child.budget = fl.hint, fl.budget
			children = append(children, child)
			first := line
			line += bytes.Count(block, []byte{'\n'})
			if block[len(block)-1] != '\n' {
				line++
			}
			slots <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				defer func() {
					if r := recover(); r != nil {
						child.skip(first, "internal error while reading (please report): %v", r)
					}
				}()
				child.loadLineBlock(block, first)
				child.countHeld()
				putBlock(block) // the rows hold copies of what they took from it
			}()
		}
		if err != nil {
			break
		}
	}
	wg.Wait()
	for _, c := range children {
		fl.adopt(c)
	}
	if readErr != nil {
		fl.skip(readErrLine, "read error: %v", readErr)
	}
}

// readLineBlock reads about size bytes after prefix, extended to the end of a line. The error is io.EOF at the end
// of the content, else the reader's own: a gzip stream cut short is io.ErrUnexpectedEOF, which io.ReadFull would
// return for any short read too.
func readLineBlock(in *bufio.Reader, prefix []byte, size int) ([]byte, error) {
	limit := max(blockRead(size), len(prefix))
	buf := getBlock(limit + blockMargin)[:len(prefix)]
	copy(buf, prefix)
	for len(buf) < limit {
		n, err := in.Read(buf[len(buf):limit])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
	rest, err := in.ReadBytes('\n')
	buf = append(buf, rest...)
	return buf, err
}

// blockMargin is the room a block keeps past the bytes readLineBlock reads in one go, for the rest of the last line.
const blockMargin = 4096

// blockRead is how many bytes readLineBlock reads before finishing the last line, for a block of about size bytes:
// size, or a little less when size and blockMargin would just pass a size class (a power of two), so that the
// block fits that class (a full block of jsonBlockSize, 8 MiB, takes an 8 MiB buffer, not 16 MiB). It reads at
// most 1/16 less, and only for blocks of 64 KiB and more: a smaller file is still read in one block.
func blockRead(size int) int {
	c := blockClass(size + blockMargin)
	if below := 1 << (c - 1); size <= below && below >= 16*blockMargin {
		return below - blockMargin
	}
	return size
}

// blockPools recycle line blocks by size class (powers of two from 4 KB): loading a tree of small blobs would
// otherwise allocate (and collect) as many bytes as it reads.
var blockPools [32]sync.Pool

// blockClass is the pool of blocks of at least n bytes.
func blockClass(n int) int { return max(bits.Len(uint(n-1)), 12) }

// getBlock returns an empty block with room for at least n bytes.
func getBlock(n int) []byte {
	c := blockClass(n)
	if c >= len(blockPools) {
		return make([]byte, 0, n)
	}
	if b, ok := blockPools[c].Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 1<<c)
}

// putBlock gives a block back once nothing refers to its bytes.
func putBlock(b []byte) {
	if c := blockClass(cap(b)); c < len(blockPools) && cap(b) == 1<<c {
		blockPools[c].Put(&b)
	}
}

// loadLineBlock reads whole JSON lines, the first being line number first.
func (fl *fileLoader) loadLineBlock(data []byte, first int) {
	fl.rowsHint = bytes.Count(data, []byte{'\n'}) + 1
	n := first
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		fl.loadJSONDoc(bytes.TrimSuffix(line, []byte{'\r'}), n)
		n++
		if !fl.progress() {
			return
		}
	}
}

func isCompleteJSON(b []byte) bool {
	sc := jsonScanner{data: b}
	return sc.skipValue(0) == nil && sc.atEnd()
}

// docLines maps byte offsets of a document to 1-based line numbers. Offsets usually come in increasing order
// (rows are read front to back) and are counted forward; the first backward query builds an index of the
// newlines, so any order stays cheap.
type docLines struct {
	data     []byte
	base     int
	lastOff  int
	lastLine int
	newlines []int // offsets of '\n', built on the first backward query
}

func (d *docLines) line(off int) int {
	// An error at the very end (a cut-off document) belongs to the last line that has content.
	off = min(max(off, 0), len(bytes.TrimRight(d.data, " \t\r\n")))
	if off >= d.lastOff && d.newlines == nil {
		d.lastLine += bytes.Count(d.data[d.lastOff:off], []byte{'\n'})
		d.lastOff = off
		return d.base + d.lastLine
	}
	if d.newlines == nil {
		d.newlines = []int{}
		for i, c := range d.data {
			if c == '\n' {
				d.newlines = append(d.newlines, i)
			}
		}
	}
	return d.base + sort.SearchInts(d.newlines, off)
}

// loadJSONDoc reads the JSON values in data (a line, or a whole file) whose first line is baseLine.
func (fl *fileLoader) loadJSONDoc(data []byte, baseLine int) {
	sc := &jsonScanner{data: data, scratch: fl.scratch}
	defer func() { fl.scratch = sc.scratch }() // one unescaping buffer for all the lines of a file
	doc := &docLines{data: data, base: baseLine}
	for !sc.atEnd() {
		var err error
		switch sc.peek() {
		case '{':
			err = fl.topObject(sc, doc)
		case '[':
			err = fl.topArray(sc, doc)
		default:
			err = sc.errorf("expected a JSON object or array, found %q", sc.data[sc.pos])
		}
		if err != nil {
			off := sc.pos
			if je, ok := err.(*jsonError); ok {
				off = je.off
			}
			fl.skip(doc.line(off), "malformed JSON: %v", err)
			return
		}
	}
}

var (
	udiPrefix   = []byte("__UDI_RequiredFields_")
	odataMarker = []byte("@odata.")
)

// objectWithProperties reads an object's members. The members of a "properties" object (a record's row) are
// read in the same pass and returned apart, so that a record's bytes are scanned once before its values are read.
// When the record's "category" comes before its "properties" (as the Streaming API writes them), the
// properties are decoded straight into the columns of the table the category names instead (direct is set and
// props is empty): one pass over the bytes of the row. When onRecords is set, a "records" array is streamed to
// it element by element instead of being kept. buf and propBuf are reused storage for the two member lists;
// line is the record's line, for the problems of its values.
func (fl *fileLoader) objectWithProperties(sc *jsonScanner, buf, propBuf *[]member, line int, onRecords func(start, end int) error) (ms, props []member, direct, sawRecords bool, err error) {
	if err := sc.expect('{'); err != nil {
		return nil, nil, false, false, err
	}
	if sc.peek() == '}' {
		sc.pos++
		return nil, nil, false, false, nil
	}
	var row *tableBuilder // the table a directly decoded row went to
	defer func() {
		if row != nil && (err != nil || sawRecords) {
			row.dropRow() // the record is skipped (or is a capture message): no half row may stay
		}
	}()
	ms = (*buf)[:0]
	category := -1
	for {
		raw, complex, err := sc.rawString()
		if err != nil {
			return ms, props, direct, sawRecords, err
		}
		if complex {
			str, ok := sc.decodeString(raw)
			if !ok {
				return ms, props, direct, sawRecords, sc.errorf("invalid escape in JSON key")
			}
			raw = []byte(str)
		}
		if err := sc.expect(':'); err != nil {
			return ms, props, direct, sawRecords, err
		}
		sc.ws()
		vstart := sc.pos
		switch {
		case onRecords != nil && string(raw) == "records" && sc.peek() == '[':
			sawRecords = true
			if row != nil {
				row.dropRow()
				row, direct = nil, false
			}
			if err := sc.arrayElements(onRecords); err != nil {
				return ms, props, direct, sawRecords, err
			}
		case string(raw) == "properties" && sc.peek() == '{' && props == nil && !direct:
			if category >= 0 {
				row = fl.categoryTable(sc.data, &ms[category])
				direct = true
				if err := fl.appendObjectRowDirect(row, sc, line); err != nil {
					return ms, props, direct, sawRecords, err
				}
			} else {
				props, err = sc.objectMembers((*propBuf)[:0])
				if err != nil {
					return ms, props, direct, sawRecords, err
				}
				*propBuf = props
			}
			ms = append(ms, member{key: raw, start: vstart, end: sc.pos})
		default:
			if err := sc.skipValue(1); err != nil {
				return ms, props, direct, sawRecords, err
			}
			if string(raw) == "category" && category < 0 {
				category = len(ms)
			}
			ms = append(ms, member{key: raw, start: vstart, end: sc.pos})
		}
		if c := sc.peek(); c == ',' {
			sc.pos++
			continue
		} else if c == '}' {
			sc.pos++
			*buf = ms
			return ms, props, direct, sawRecords, nil
		}
		return ms, props, direct, sawRecords, sc.errorf("expected ',' or '}' in JSON object")
	}
}

// appendPlainDateTime appends the value at sc.pos to a datetime column when it is a string without escapes that
// parses as a datetime (the common cell), reading it in place; otherwise it leaves sc.pos and returns false.
func appendPlainDateTime(cb *colBuilder, sc *jsonScanner) bool {
	if cb.typ != types.DateTime || sc.pos >= len(sc.data) || sc.data[sc.pos] != '"' {
		return false
	}
	start := sc.pos
	raw, complex, err := sc.rawString()
	if err == nil && !complex && len(raw) > 0 {
		if ticks, ok := types.ParseDateTime(unsafe.String(&raw[0], len(raw))); ok {
			cb.col.Ints = append(cb.col.Ints, ticks)
			return true
		}
	}
	sc.pos = start
	return false
}

// appendObjectRowDirect reads the object at sc.pos as one row of tb, each value decoded into its column as it
// is reached (appendObjectRow's one-pass twin). A syntax error is returned with the row's cells removed; a value
// that does not fit its column is stored as null with a problem, as appendObjectRow does.
func (fl *fileLoader) appendObjectRowDirect(tb *tableBuilder, sc *jsonScanner, line int) error {
	if err := sc.expect('{'); err != nil {
		return err
	}
	if sc.peek() == '}' {
		sc.pos++
		return nil
	}
	sc.badUTF8 = false
	fail := func(err error) error {
		tb.dropRow()
		return err
	}
	for i := 0; ; i++ {
		raw, complex, err := sc.rawString()
		if err != nil {
			return fail(err)
		}
		if complex {
			str, ok := sc.decodeString(raw)
			if !ok {
				return fail(sc.errorf("invalid escape in JSON key"))
			}
			raw = []byte(str)
		}
		if err := sc.expect(':'); err != nil {
			return fail(err)
		}
		sc.ws()
		// The column the i-th key named in the last row, when it is this key again (plumbing keys are never
		// remembered, so a hit needs no check for them).
		cb := tb.cachedAt(i, raw)
		if cb == nil && !bytes.HasPrefix(raw, udiPrefix) && !bytes.Contains(raw, odataMarker) {
			cb = tb.columnAt(i, raw)
		}
		if cb != nil {
			if cb.skip {
				cb = nil
			} else if cb.length() > tb.rows {
				fl.problem(line, "column %s appears twice; the first value is kept", cb.name)
				cb = nil
			}
		}
		if cb == nil {
			if err := sc.skipValue(1); err != nil {
				return fail(err)
			}
		} else if !appendPlainDateTime(cb, sc) {
			start := sc.pos
			var tok jsonTok
			if err := readTok(sc, cb, &tok); err != nil {
				// A syntax error breaks the record; an invalid escape only the value (see appendCell).
				sc.pos = start
				if err := sc.skipValue(1); err != nil {
					return fail(err)
				}
				fl.problem(line, "column %s: %v; stored as null", cb.name, err)
				cb.appendNull()
			} else {
				fl.appendTok(cb, &tok, line)
			}
		}
		if c := sc.peek(); c == ',' {
			sc.pos++
			continue
		} else if c == '}' {
			sc.pos++
			break
		}
		return fail(sc.errorf("expected ',' or '}' in JSON object"))
	}
	if sc.badUTF8 {
		fl.problem(line, "invalid UTF-8 replaced with U+FFFD")
	}
	return nil
}

// topObject reads one top-level object: a Streaming API record, an Event Hubs {"records":[...]} message,
// a Log Analytics / Kusto v1 / Graph response, a Kusto v2 frame, or a plain row of the file's table.
func (fl *fileLoader) topObject(sc *jsonScanner, doc *docLines) error {
	start := sc.pos
	// Records are streamed so that a truncated capture keeps every record before the break.
	ms, props, direct, sawRecords, err := fl.objectWithProperties(sc, &fl.topBuf, &fl.topPropBuf, doc.line(start), func(s, e int) error {
		fl.record(sc.data[:e], s, doc)
		if !fl.progress() {
			return fl.ctx.Err()
		}
		return nil
	})
	if err != nil || sawRecords {
		return err
	}
	sub := &jsonScanner{data: sc.data}
	switch {
	case hasMember(ms, "properties") && hasMember(ms, "category"):
		fl.recordMembers(sub, ms, props, direct, doc.line(start))
	case hasMember(ms, "tables") || hasMember(ms, "error"):
		fl.logAnalytics(sub, ms, doc)
	case hasMember(ms, "Tables"):
		fl.kustoV1(sub, ms, doc)
	case findMemberFold(ms, "schema") != nil && findMemberFold(ms, "results") != nil:
		fl.graph(sub, ms, doc)
	case hasMember(ms, "FrameType"):
		fl.kustoV2Frame(sub, ms, doc)
	default:
		tb := fl.table(fl.hint)
		fl.appendObjectRow(tb, sub, ms, doc.line(start))
		tb.endRow()
	}
	return nil
}

// topArray reads a top-level array: Kusto v2 frames, or an array of records or rows.
func (fl *fileLoader) topArray(sc *jsonScanner, doc *docLines) error {
	fl.v2Tables = 0
	return sc.arrayElements(func(s, e int) error {
		sub := &jsonScanner{data: sc.data[:e], pos: s}
		if sub.peek() != '{' {
			fl.skip(doc.line(s), "array element is not a JSON object; skipped")
			return nil
		}
		if err := fl.topObject(sub, doc); err != nil {
			fl.skip(doc.line(s), "malformed JSON: %v", err)
		}
		return nil
	})
}

func findMember(ms []member, key string) *member {
	for i := range ms {
		if string(ms[i].key) == key {
			return &ms[i]
		}
	}
	return nil
}

func hasMember(ms []member, key string) bool { return findMember(ms, key) != nil }

func findMemberFold(ms []member, key string) *member {
	for i := range ms {
		if strings.EqualFold(string(ms[i].key), key) {
			return &ms[i]
		}
	}
	return nil
}

// stringAt decodes the string at m, or "" when m is nil or not a string.
func stringAt(sc *jsonScanner, m *member) string {
	if m == nil {
		return ""
	}
	sc.pos = m.start
	if sc.peek() != '"' {
		return ""
	}
	s, _ := sc.readString()
	return s
}

// record reads one Streaming API record at data[start:].
func (fl *fileLoader) record(data []byte, start int, doc *docLines) {
	sc := &jsonScanner{data: data, pos: start, scratch: fl.scratch}
	defer func() { fl.scratch = sc.scratch }()
	line := doc.line(start)
	if sc.peek() != '{' {
		fl.skip(line, "record is not a JSON object; skipped")
		return
	}
	ms, props, direct, _, err := fl.objectWithProperties(sc, &fl.memberBuf, &fl.propBuf, line, nil)
	if err != nil {
		fl.skip(line, "malformed record: %v; skipped", err)
		return
	}
	fl.recordMembers(sc, ms, props, direct, line)
}

// recordMembers appends a record's properties as a row of the table its category names; direct says they were
// decoded into it already (see objectWithProperties), and the row only needs its tenant and its end.
func (fl *fileLoader) recordMembers(sc *jsonScanner, ms, props []member, direct bool, line int) {
	if props == nil && !direct {
		if hasMember(ms, "properties") {
			fl.skip(line, "record properties is not a JSON object; skipped")
		} else {
			fl.skip(line, "record has no properties; skipped")
		}
		return
	}
	tb := fl.categoryTable(sc.data, findMember(ms, "category"))
	if !direct {
		fl.appendObjectRow(tb, sc, props, line)
	}
	if tc := tb.columnNamed("TenantId"); tc != nil && tc.length() == tb.rows {
		if m := findMember(ms, "tenantId"); m != nil {
			sc.pos = m.start
			if raw, complex, err := sc.rawString(); err == nil && !complex && len(raw) > 0 {
				fl.appendTok(tc, &jsonTok{kind: tokString, str: tc.internBytes(raw)}, line)
			} else if tenant := stringAt(sc, m); tenant != "" {
				fl.appendTok(tc, &jsonTok{kind: tokString, str: tc.internString(tenant)}, line)
			}
		}
	}
	tb.endRow()
}

// categoryTable returns the table a record's category member names ("AdvancedHunting-UrlClickEvents" is
// UrlClickEvents; no category, the file's table). The last category's raw bytes and table are remembered:
// the records of a file almost always share one, and decoding it for each would allocate a string per row.
func (fl *fileLoader) categoryTable(data []byte, m *member) *tableBuilder {
	var raw []byte
	if m != nil {
		raw = data[m.start:m.end]
	}
	if fl.lastCategory != nil && string(raw) == string(fl.lastCategory.raw) {
		return fl.lastCategory.table
	}
	name := ""
	if m != nil {
		name = stringAt(&jsonScanner{data: data}, m)
	}
	if name = strings.TrimPrefix(name, "AdvancedHunting-"); name == "" {
		name = fl.hint
	}
	tb := fl.table(name)
	fl.lastCategory = &categoryCache{raw: append([]byte(nil), raw...), table: tb}
	return tb
}

// categoryCache is the last category member a file loader resolved to a table.
type categoryCache struct {
	raw   []byte // the member's value as written, quotes included
	table *tableBuilder
}

// appendObjectRow appends one row given as an object's members, dropping plumbing keys.
func (fl *fileLoader) appendObjectRow(tb *tableBuilder, sc *jsonScanner, ms []member, line int) {
	sc.badUTF8 = false
	for i, m := range ms {
		if bytes.HasPrefix(m.key, udiPrefix) || bytes.Contains(m.key, odataMarker) {
			continue
		}
		cb := tb.columnAt(i, m.key)
		if cb.skip {
			continue
		}
		if cb.length() > tb.rows {
			fl.problem(line, "column %s appears twice; the first value is kept", cb.name)
			continue
		}
		sc.pos = m.start
		fl.appendCell(cb, sc, line)
	}
	if sc.badUTF8 {
		fl.problem(line, "invalid UTF-8 replaced with U+FFFD")
	}
}

func (fl *fileLoader) appendCell(cb *colBuilder, sc *jsonScanner, line int) {
	var tok jsonTok
	if err := readTok(sc, cb, &tok); err != nil {
		fl.problem(line, "column %s: %v; stored as null", cb.name, err)
		cb.appendNull()
		return
	}
	fl.appendTok(cb, &tok, line)
}

func (fl *fileLoader) appendTok(cb *colBuilder, tok *jsonTok, line int) {
	if !cb.fixed {
		if tok.kind == tokNull {
			cb.appendNull()
			return
		}
		tt := inferTokType(tok)
		if cb.typ == types.Unknown {
			cb.setType(tt)
		} else if !accepts(cb.typ, tt) {
			cb.widen(unify(cb.typ, tt))
		}
	}
	// Fast paths for the common cells, straight into the column's slice.
	col := cb.col
	switch {
	case cb.typ == types.String && tok.kind == tokString:
		col.Strs = append(col.Strs, tok.str)
		return
	case cb.typ == types.DateTime && tok.kind == tokString:
		if ticks, ok := types.ParseDateTime(tok.str); ok {
			col.Ints = append(col.Ints, ticks)
			return
		}
	case cb.typ == types.Bool && tok.kind == tokBool:
		var i int64
		if tok.b {
			i = 1
		}
		col.Ints = append(col.Ints, i)
		return
	}
	v, ok := tokValue(cb.typ, tok)
	if !ok {
		fl.problem(line, "column %s: %s is not a valid %s; stored as null", cb.name, tokText(tok), cb.typ)
		cb.appendNull()
		return
	}
	cb.col.Append(v)
}

// tokText quotes a value for a message, shortened.
func tokText(tok *jsonTok) string {
	var s string
	switch tok.kind {
	case tokString:
		s = fmt.Sprintf("%q", tok.str)
	case tokNumber:
		s = string(tok.num)
	case tokBool:
		s = fmt.Sprint(tok.b)
	case tokContainer:
		s = types.FormatJSON(tok.dyn)
	default:
		s = "null"
	}
	return shorten(s)
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// respColumn is a column of an API response's schema.
type respColumn struct {
	name string
	typ  types.Type
}

// dotnetTypes maps the .NET type names of Graph and Kusto v1 schemas to KQL types.
var dotnetTypes = map[string]types.Type{
	"datetime": types.DateTime, "string": types.String, "sbyte": types.Bool, "byte": types.Int,
	"int16": types.Int, "int32": types.Int, "int64": types.Long, "double": types.Real, "single": types.Real,
	"decimal": types.Decimal, "boolean": types.Bool, "object": types.Dynamic, "guid": types.GUID,
	"timespan": types.TimeSpan, "sqldecimal": types.Decimal, "jobject": types.Dynamic, "jarray": types.Dynamic,
}

// columnType maps a response's type name (Kusto or .NET) to a KQL type; SByte is bool only for columns known
// to be bool (Defender sends booleans as SByte 0/1), int otherwise.
func columnType(tb *tableBuilder, column, name string) (types.Type, bool) {
	n := strings.ToLower(strings.TrimPrefix(name, "System."))
	if n == "sbyte" {
		if cb := tb.columnNamed(column); cb != nil && cb.typ == types.Bool {
			return types.Bool, true
		}
		if t, ok := catalog.KnownColumnType(column); ok && t == types.Bool {
			return types.Bool, true
		}
		return types.Int, true
	}
	if t, ok := types.ParseType(n); ok {
		return t, true
	}
	t, ok := dotnetTypes[n]
	return t, ok
}

// parseColumns reads a schema array of {name,type} objects, in any of the spellings the APIs use.
func (fl *fileLoader) parseColumns(tb *tableBuilder, sc *jsonScanner, m *member, doc *docLines) []respColumn {
	var cols []respColumn
	sc.pos = m.start
	err := sc.arrayElements(func(s, e int) error {
		sub := &jsonScanner{data: sc.data[:e], pos: s}
		ms, err := sub.objectMembers(nil)
		if err != nil {
			fl.problem(doc.line(s), "schema column is not an object: %v", err)
			cols = append(cols, respColumn{name: fmt.Sprintf("Column%d", len(cols)+1), typ: types.Dynamic})
			return nil
		}
		name := stringAt(sub, findMemberFold(ms, "name"))
		if name == "" {
			name = stringAt(sub, findMember(ms, "ColumnName"))
		}
		name = cleanColumnName(name)
		if name == "" {
			name = fmt.Sprintf("Column%d", len(cols)+1)
		}
		typeName := stringAt(sub, findMember(ms, "ColumnType"))
		if typeName == "" {
			typeName = stringAt(sub, findMemberFold(ms, "type"))
		}
		if typeName == "" {
			typeName = stringAt(sub, findMember(ms, "DataType"))
		}
		t, ok := columnType(tb, name, typeName)
		if !ok {
			fl.problem(doc.line(s), "column %s: unknown type %q; read as dynamic", name, typeName)
			t = types.Dynamic
		}
		cols = append(cols, respColumn{name: name, typ: t})
		return nil
	})
	if err != nil {
		fl.problem(doc.line(sc.pos), "malformed schema: %v", err)
	}
	return cols
}

// cleanColumnName turns export headers such as "TimeGenerated [UTC]" into the column name.
func cleanColumnName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndex(name, " ["); i > 0 && strings.HasSuffix(name, "]") {
		name = strings.TrimSpace(name[:i])
	}
	return name
}

// bindColumns returns the builder of each response column (nil for a column not read); a column the built-in
// schema already types keeps that type, others take the response's type.
func bindColumns(tb *tableBuilder, cols []respColumn) []*colBuilder {
	cbs := make([]*colBuilder, len(cols))
	for i, c := range cols {
		cb := tb.columnNamed(c.name)
		if cb == nil && tb.wants(c.name) {
			cb = tb.addColumn(c.name, c.typ, true)
		}
		cbs[i] = cb // nil: not read
	}
	return cbs
}

// arrayRows appends rows given as arrays of values in column order.
func (fl *fileLoader) arrayRows(tb *tableBuilder, cbs []*colBuilder, sc *jsonScanner, m *member, doc *docLines) {
	sc.pos = m.start
	var spans []member
	err := sc.arrayElements(func(s, e int) error {
		line := doc.line(s)
		sub := &jsonScanner{data: sc.data[:e], pos: s}
		if sub.peek() != '[' {
			// Kusto v2 puts error objects among the rows when a query fails midway.
			fl.skip(line, "row is not an array (%s); skipped", shorten(string(sc.data[s:e])))
			return nil
		}
		spans = spans[:0]
		if err := sub.arrayElements(func(vs, ve int) error {
			spans = append(spans, member{start: vs, end: ve})
			return nil
		}); err != nil {
			fl.skip(line, "malformed row: %v", err)
			return nil
		}
		if len(spans) != len(cbs) {
			fl.skip(line, "row has %d values, the schema has %d columns; skipped", len(spans), len(cbs))
			return nil
		}
		sub.badUTF8 = false
		for j, sp := range spans {
			if cbs[j] == nil || cbs[j].length() > tb.rows {
				continue // the same column named twice in the schema
			}
			sub.pos = sp.start
			fl.appendCell(cbs[j], sub, line)
		}
		if sub.badUTF8 {
			fl.problem(line, "invalid UTF-8 replaced with U+FFFD")
		}
		tb.endRow()
		if !fl.progress() {
			return fl.ctx.Err()
		}
		return nil
	})
	if err != nil {
		fl.skip(doc.line(sc.pos), "malformed rows: %v", err)
	}
}

// resultTableName names the n-th result table of a response file (0-based).
func (fl *fileLoader) resultTableName(n int) string {
	if n == 0 {
		return fl.hint
	}
	return fmt.Sprintf("%s_%d", fl.hint, n+1)
}

// logAnalytics reads {"tables":[{"name","columns","rows"}], "error":{...}}.
func (fl *fileLoader) logAnalytics(sc *jsonScanner, ms []member, doc *docLines) {
	if em := findMember(ms, "error"); em != nil {
		fl.responseError(sc, em, doc)
	}
	tm := findMember(ms, "tables")
	if tm == nil {
		return
	}
	sc.pos = tm.start
	n := 0
	err := sc.arrayElements(func(s, e int) error {
		sub := &jsonScanner{data: sc.data[:e], pos: s}
		tms, err := sub.objectMembers(nil)
		if err != nil {
			fl.skip(doc.line(s), "table is not an object: %v", err)
			return nil
		}
		fl.tabular(sub, fl.resultTableName(n), findMember(tms, "columns"), findMember(tms, "rows"), doc)
		n++
		return nil
	})
	if err != nil {
		fl.skip(doc.line(sc.pos), "malformed tables: %v", err)
	}
}

// responseError surfaces a response's "error" object (Log Analytics sends PartialError with status 200).
func (fl *fileLoader) responseError(sc *jsonScanner, em *member, doc *docLines) {
	sc.pos = em.start
	if sc.peek() == 'n' {
		return
	}
	v, err := sc.decodeDynamic(0)
	if err != nil {
		fl.problem(doc.line(em.start), "malformed error object: %v", err)
		return
	}
	msg := types.FormatJSON(v)
	if bag, ok := v.(*types.Bag); ok {
		code, _ := bag.Get("code")
		text, _ := bag.Get("message")
		msg = fmt.Sprintf("%v: %v", code, text)
		if inner, ok := bag.Get("details"); ok {
			msg += " " + types.FormatJSON(inner)
		}
	}
	if len(msg) > 500 {
		msg = msg[:497] + "..."
	}
	fl.problem(doc.line(em.start), "the query response reports an error (results may be incomplete): %s", msg)
}

func (fl *fileLoader) tabular(sc *jsonScanner, name string, colsM, rowsM *member, doc *docLines) {
	if colsM == nil || rowsM == nil {
		line := 0
		if colsM != nil {
			line = doc.line(colsM.start)
		}
		fl.skip(line, "result table without columns or rows; skipped")
		return
	}
	tb := fl.table(name)
	cols := fl.parseColumns(tb, sc, colsM, doc)
	cbs := bindColumns(tb, cols)
	fl.arrayRows(tb, cbs, sc, rowsM, doc)
}

// kustoV1 reads {"Tables":[{"TableName","Columns","Rows"}]}; only the first table is the query result
// (the others are query properties, status and the table of contents).
func (fl *fileLoader) kustoV1(sc *jsonScanner, ms []member, doc *docLines) {
	tm := findMember(ms, "Tables")
	sc.pos = tm.start
	first := true
	err := sc.arrayElements(func(s, e int) error {
		if !first {
			return nil
		}
		first = false
		sub := &jsonScanner{data: sc.data[:e], pos: s}
		tms, err := sub.objectMembers(nil)
		if err != nil {
			fl.skip(doc.line(s), "table is not an object: %v", err)
			return nil
		}
		fl.tabular(sub, fl.hint, findMember(tms, "Columns"), findMember(tms, "Rows"), doc)
		return nil
	})
	if err != nil {
		fl.skip(doc.line(sc.pos), "malformed Tables: %v", err)
	}
}

// kustoV2Frame reads one frame of a Kusto v2 response: PrimaryResult tables are loaded, a completion frame
// with errors becomes a problem, the other frames are metadata.
func (fl *fileLoader) kustoV2Frame(sc *jsonScanner, ms []member, doc *docLines) {
	switch stringAt(sc, findMember(ms, "FrameType")) {
	case "DataTable":
		if kind := stringAt(sc, findMember(ms, "TableKind")); kind != "PrimaryResult" {
			return
		}
		fl.tabular(sc, fl.resultTableName(fl.v2Tables), findMember(ms, "Columns"), findMember(ms, "Rows"), doc)
		fl.v2Tables++
	case "DataSetCompletion":
		m := findMember(ms, "HasErrors")
		if m == nil {
			return
		}
		sc.pos = m.start
		if sc.peek() == 't' {
			detail := ""
			if em := findMember(ms, "OneApiErrors"); em != nil {
				detail = ": " + shorten(string(sc.data[em.start:em.end]))
			}
			fl.problem(doc.line(m.start), "the query response reports errors (results may be incomplete)%s", detail)
		}
	case "TableHeader", "TableFragment", "TableCompletion":
		fl.skip(doc.line(ms[0].start), "progressive Kusto v2 frames are not read; request a non-progressive response")
	}
}

// graph reads a Graph runHuntingQuery response: {"schema":[{"name","type"}], "results":[{col: value}]}.
func (fl *fileLoader) graph(sc *jsonScanner, ms []member, doc *docLines) {
	tb := fl.table(fl.hint)
	cols := fl.parseColumns(tb, sc, findMemberFold(ms, "schema"), doc)
	bindColumns(tb, cols)
	rm := findMemberFold(ms, "results")
	sc.pos = rm.start
	err := sc.arrayElements(func(s, e int) error {
		sub := &jsonScanner{data: sc.data[:e], pos: s}
		line := doc.line(s)
		rms, err := sub.objectMembers(nil)
		if err != nil {
			fl.skip(line, "result row is not an object: %v", err)
			return nil
		}
		fl.appendObjectRow(tb, sub, rms, line)
		tb.endRow()
		if !fl.progress() {
			return fl.ctx.Err()
		}
		return nil
	})
	if err != nil {
		fl.skip(doc.line(sc.pos), "malformed results: %v", err)
	}
}
