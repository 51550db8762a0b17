package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// loadCSV reads an Advanced Hunting / Log Analytics CSV export: a header row, RFC 4180 quoting, one row per
// record. Cells are gathered per column first, so that a column's type and its time format can be decided from
// all its values.
func (fl *fileLoader) loadCSV(in *bufio.Reader, tab bool) {
	hint, err := parseTimeHint(fl.opts.TimeFormat)
	if err != nil {
		fl.problem(0, "%v; detecting instead", err)
	}
	if !tab {
		b, _ := in.Peek(4096)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[:i]
		}
		tab = bytes.IndexByte(b, '\t') >= 0 && bytes.IndexByte(b, ',') < 0
	}
	sep := byte(',')
	if tab {
		sep = '\t'
	}
	// Records come through csvRecords, which passes the first line of a record broken inside a quoted field on
	// blank, so that the lines after it are not read as part of it; its lines are reported in line order with
	// the problems of the records around them.
	recs := newCSVRecords(in, sep)
	r := csv.NewReader(recs)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	r.Comma = rune(sep)
	reported := 0
	damagedBefore := func(line int) {
		for ; reported < len(recs.damaged) && (line < 0 || recs.damaged[reported] < line); reported++ {
			fl.skip(recs.damaged[reported], "malformed CSV record: %v; skipped", csv.ErrQuote)
		}
	}
	header, err := r.Read()
	if err != nil {
		line := 1
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		fl.skip(line, "malformed CSV header: %v", err)
		return
	}
	names := make([]string, len(header))
	seen := map[string]int{}
	for j, h := range header {
		if !utf8.ValidString(h) {
			fl.problem(1, "invalid UTF-8 in header replaced with U+FFFD")
			h = strings.ToValidUTF8(h, "\uFFFD")
		}
		name := cleanColumnName(strings.TrimPrefix(h, "\uFEFF"))
		if name == "" {
			name = fmt.Sprintf("Column%d", j+1)
		}
		if n := seen[name]; n > 0 {
			// Kusto names a repeated column with a number suffix.
			seen[name] = n + 1
			name = name + strconv.Itoa(n)
		} else {
			seen[name] = 1
		}
		names[j] = name
	}
	cells := make([][]string, len(names))
	var lines []int
	// The cells are held until their columns are typed: they count against the load's budget meanwhile.
	var cellBytes, counted int64
	defer func() { fl.budget.add(-counted) }()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			damagedBefore(-1)
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				damagedBefore(pe.StartLine)
				fl.skip(pe.StartLine, "malformed CSV record: %v; skipped", pe.Err)
				continue
			}
			damagedBefore(-1)
			// The record the error broke off is dropped with the rest; the error is on its line, or, when nothing of
			// that line was read, on the line before (the last with content, as a JSON document's cut-off end).
			line := 0
			if len(rec) > 0 {
				line, _ = r.FieldPos(0)
				if len(rec) == 1 && rec[0] == "" && line > 1 {
					line--
				}
			}
			fl.skip(line, "read error: %v", err)
			break
		}
		line, _ := r.FieldPos(0)
		damagedBefore(line)
		if len(rec) != len(names) {
			fl.skip(line, "record has %d fields, the header has %d; skipped", len(rec), len(names))
			continue
		}
		bad := false
		cellBytes += 16 * int64(len(rec))
		for j, f := range rec {
			cellBytes += int64(len(f))
			if !utf8.ValidString(f) {
				f = strings.ToValidUTF8(f, "\uFFFD")
				bad = true
			}
			cells[j] = append(cells[j], f)
		}
		if bad {
			fl.problem(line, "invalid UTF-8 replaced with U+FFFD")
		}
		lines = append(lines, line)
		if len(lines)%1024 == 0 {
			fl.budget.add(cellBytes - counted)
			if counted = cellBytes; fl.ctx.Err() != nil {
				return
			}
		}
	}

	tb := fl.table(fl.hint)
	for j, name := range names {
		cb := tb.columnNamed(name)
		if cb != nil && cb.length() > tb.rows {
			continue // a repeated header already filled this column
		}
		if cb == nil {
			if !tb.wants(name) {
				continue
			}
			cb = tb.addColumn(name, csvColumnType(name, cells[j], hint), true)
		}
		if cb.typ == types.DateTime {
			fl.csvTimes(cb, cells[j], lines, hint)
			continue
		}
		for i, s := range cells[j] {
			v, ok := textValue(cb.typ, s)
			if !ok {
				fl.problem(lines[i], "column %s: %q is not a valid %s; stored as null", name, shorten(s), cb.typ)
				cb.appendNull()
				continue
			}
			if cb.typ == types.String {
				v.S = cb.internString(v.S)
			}
			cb.col.Append(v)
		}
	}
	tb.rows += len(lines)
	for _, cb := range tb.cols {
		for cb.length() < tb.rows {
			cb.appendNull()
		}
	}
}

// csvColumnType types a column of a table the catalog does not know: a column name the built-in schemas give
// one type (IsClickedThrough is bool, UrlChain is string) keeps that type when all its values fit; otherwise
// the type is inferred from the values.
func csvColumnType(name string, vals []string, hint timeHint) types.Type {
	if t, ok := catalog.KnownColumnType(name); ok {
		fits := true
		for _, v := range vals {
			if t == types.DateTime {
				fits = strings.TrimSpace(v) == "" || parseLocalTime(v, hint).valid
			} else {
				_, fits = textValue(t, v)
			}
			if !fits {
				break
			}
		}
		if fits {
			return t
		}
	}
	return inferTextType(vals, hint)
}

// inferTextType types a column that no schema names from its non-empty texts: bool (true/false), long, real,
// datetime (any form parseLocalTime reads), dynamic (JSON arrays/objects), else string. 0/1 columns are long:
// only a schema makes them bool.
func inferTextType(vals []string, hint timeHint) types.Type {
	isBool, isLong, isReal, isTime, isDyn := true, true, true, true, true
	nonEmpty := 0
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		nonEmpty++
		if isBool {
			l := strings.ToLower(v)
			isBool = l == "true" || l == "false"
		}
		if isLong {
			_, err := strconv.ParseInt(v, 10, 64)
			isLong = err == nil
		}
		if isReal {
			_, err := strconv.ParseFloat(v, 64)
			isReal = err == nil && (v[0] == '-' || v[0] == '+' || v[0] == '.' || v[0] >= '0' && v[0] <= '9')
		}
		if isTime {
			isTime = parseLocalTime(v, hint).valid && len(v) >= 8
		}
		if isDyn {
			isDyn = (v[0] == '{' || v[0] == '[')
			if isDyn {
				_, isDyn = parseDynamicText(v)
			}
		}
		if !isBool && !isLong && !isReal && !isTime && !isDyn {
			return types.String
		}
	}
	switch {
	case nonEmpty == 0:
		return types.String
	case isBool:
		return types.Bool
	case isLong:
		return types.Long
	case isReal:
		return types.Real
	case isTime:
		return types.DateTime
	case isDyn:
		return types.Dynamic
	}
	return types.String
}
