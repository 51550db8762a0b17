package ingest

import (
	"bufio"
	"bytes"
	"io"
)

// maxCSVRecordBytes bounds a record whose quoted field runs over several lines: past it the field is taken for
// one left open by a damaged line, not for text with line breaks.
const maxCSVRecordBytes = 64 << 20

// csvRecords passes CSV content on to encoding/csv record by record, finding where each record ends as
// encoding/csv does (a quoted field may hold line breaks). A record whose quoted field is left open by a
// damaged line swallows the lines after it: encoding/csv would read them as part of it up to the next quote,
// or to the end of the content, and lose them. csvRecords takes a record that runs over several lines and
// then ends inside its quoted field at the end of the content, breaks its syntax, has another number of fields
// than the header, or passes maxCSVRecordBytes, for its first line damaged: that line is passed on blank (so
// that encoding/csv skips it and keeps counting lines), listed in damaged, and the lines after it are read
// again as records of their own.
type csvRecords struct {
	in  *bufio.Reader
	sep byte
	// header is the number of fields of the first record (0 until it was read).
	header int
	line   int // lines read from in
	// queue holds lines read from in that are still to be scanned, after a damaged record gave them back.
	queue []csvLine
	out   []byte // what Read hands out next
	err   error  // in's error, handed out once out and queue are empty
	// damaged lists the lines passed on blank, in increasing order, for the loader to report.
	damaged []int
	// gather, joined and long are reused storage: the lines of a record, the record, a line longer than in's buffer.
	gather       []csvLine
	joined, long []byte
}

// csvLine is one line of the content, with its line break.
type csvLine struct {
	text []byte
	n    int
}

func newCSVRecords(in *bufio.Reader, sep byte) *csvRecords {
	return &csvRecords{in: in, sep: sep}
}

// Read hands out whole records.
func (c *csvRecords) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if !c.record() {
			return 0, c.err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// nextLine returns the next line to scan, valid until the next call; false at the end of in (c.err is then set).
func (c *csvRecords) nextLine() (csvLine, bool) {
	if len(c.queue) > 0 {
		l := c.queue[0]
		c.queue = c.queue[1:]
		return l, true
	}
	if c.err != nil {
		return csvLine{}, false
	}
	text, err := c.in.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], text...)
		for err == bufio.ErrBufferFull {
			text, err = c.in.ReadSlice('\n')
			c.long = append(c.long, text...)
		}
		text = c.long
	}
	if err != nil {
		c.err = err
		if len(text) == 0 {
			return csvLine{}, false
		}
	}
	c.line++
	return csvLine{text: text, n: c.line}, true
}

// record scans the next record into c.out; false when nothing is left.
func (c *csvRecords) record() bool {
	first, ok := c.nextLine()
	if !ok {
		return false
	}
	if len(bytes.TrimRight(first.text, "\r\n")) == 0 {
		c.out = first.text // an empty line, which encoding/csv skips
		return true
	}
	open, fields, broken := c.scan(first.text, false, 1)
	if !open {
		// A record of one line is passed on as it is: encoding/csv reports what is wrong with it.
		if c.header == 0 {
			c.header = fields
		}
		c.out = first.text
		return true
	}
	first.text = append([]byte(nil), first.text...) // lines are read past it
	lines := append(c.gather[:0], first)
	size := len(first.text)
	cut := false // the content broke off (a read error): what was read goes on, for the reader to report
	for open && !broken && size <= maxCSVRecordBytes {
		l, ok := c.nextLine()
		if !ok {
			cut = c.err != io.EOF
			break
		}
		l.text = append([]byte(nil), l.text...)
		lines = append(lines, l)
		size += len(l.text)
		open, fields, broken = c.scan(l.text, true, fields)
	}
	c.gather = lines[:0]
	if c.header == 0 || cut || !open && !broken && fields == c.header {
		if c.header == 0 {
			c.header = fields
		}
		c.out = c.joined[:0]
		for _, l := range lines {
			c.out = append(c.out, l.text...)
		}
		c.joined = c.out
		return true
	}
	// The first line is damaged: it goes blank, and the lines after it are read again.
	c.damaged = append(c.damaged, first.n)
	c.queue = append(append([]csvLine(nil), lines[1:]...), c.queue...)
	c.out = nil
	if bytes.HasSuffix(first.text, []byte{'\n'}) {
		c.out = []byte{'\n'}
	}
	return true
}

// scan reads one line of a record as encoding/csv does (no lazy quotes, no leading space trimmed): inQuoted says
// it continues a quoted field, fields counts the record's fields so far. open reports that the line ends inside
// a quoted field (the record goes on), broken that encoding/csv finds a syntax error in it (a bare quote, or a
// quote that is neither doubled nor the end of its field), which ends the record with the line.
func (c *csvRecords) scan(line []byte, inQuoted bool, fields int) (open bool, n int, broken bool) {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	i := 0
	for {
		if !inQuoted {
			if i < len(line) && line[i] == '"' {
				inQuoted = true
				i++
			} else {
				end := bytes.IndexByte(line[i:], c.sep)
				field := line[i:]
				if end >= 0 {
					field = field[:end]
				}
				if bytes.IndexByte(field, '"') >= 0 {
					return false, fields, true
				}
				if end < 0 {
					return false, fields, false
				}
				i += end + 1
				fields++
				continue
			}
		}
		q := bytes.IndexByte(line[i:], '"')
		if q < 0 {
			return true, fields, false
		}
		i += q + 1
		switch {
		case i < len(line) && line[i] == '"':
			i++ // a doubled quote
		case i < len(line) && line[i] == c.sep:
			i++
			fields++
			inQuoted = false
		case i == len(line):
			return false, fields, false
		default:
			return false, fields, true
		}
	}
}
