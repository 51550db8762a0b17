package render

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Formats WriteTable accepts.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
)

// WriteTable writes t to w in format "table" (aligned text for terminals), "csv" or "json".
func WriteTable(w io.Writer, t *types.Table, format string) error {
	switch format {
	case FormatTable, "":
		return WriteText(w, t, TextOptions{})
	case FormatCSV:
		return WriteCSV(w, t)
	case FormatJSON:
		return WriteJSON(w, t)
	}
	return fmt.Errorf("unknown output format %q (want table, csv or json)", format)
}

// WriteJSON writes t as {"columns":[{"name":..,"type":..}],"rows":[[..]]} followed by one newline.
func WriteJSON(w io.Writer, t *types.Table) error {
	var b bytes.Buffer
	b.WriteString(`{"columns":[`)
	for i, f := range t.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"name":`)
		types.WriteJSONString(&b, f.Name)
		b.WriteString(`,"type":`)
		types.WriteJSONString(&b, f.Type.String())
		b.WriteByte('}')
	}
	b.WriteString(`],"rows":[`)
	bw := bufio.NewWriter(w)
	n := t.NumRows()
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for ci, c := range t.Cols {
			if ci > 0 {
				b.WriteByte(',')
			}
			writeJSONCell(&b, c, r)
		}
		b.WriteByte(']')
		// Flush per row so a large result does not sit in memory twice.
		if b.Len() > 64<<10 {
			if _, err := bw.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	b.WriteString("]}\n")
	if _, err := bw.Write(b.Bytes()); err != nil {
		return err
	}
	return bw.Flush()
}

func writeJSONCell(b *bytes.Buffer, c *types.Column, i int) {
	if c.IsNull(i) {
		if c.Type == types.String {
			b.WriteString(`""`)
		} else {
			b.WriteString("null")
		}
		return
	}
	switch c.Type {
	case types.Bool:
		if c.Ints[i] != 0 {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case types.Int, types.Long:
		b.WriteString(strconv.FormatInt(c.Ints[i], 10))
	case types.Real, types.Decimal:
		b.WriteString(types.FormatRealJSON(c.Reals[i]))
	case types.DateTime:
		types.WriteJSONString(b, types.FormatDateTime(c.Ints[i]))
	case types.TimeSpan:
		types.WriteJSONString(b, types.FormatTimeSpan(c.Ints[i]))
	case types.String, types.GUID:
		types.WriteJSONString(b, c.Strs[i])
	case types.Dynamic:
		types.WriteJSON(b, c.Dyns[i])
	default:
		b.WriteString("null")
	}
}

// WriteCSV writes t as RFC 4180 CSV: a header of column names, then one record per row in CellText form.
func WriteCSV(w io.Writer, t *types.Table) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		header[i] = validUTF8(f.Name)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.Cols))
	for r, n := 0, t.NumRows(); r < n; r++ {
		for ci, c := range t.Cols {
			rec[ci] = validUTF8(CellText(c, r))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// DefaultMaxCellWidth is the display width at which the text table cuts a cell.
const DefaultMaxCellWidth = 60

// TextOptions configures the terminal table.
type TextOptions struct {
	// MaxCellWidth is the widest a cell may be, in terminal columns, before it is cut with an ellipsis;
	// 0 means DefaultMaxCellWidth.
	MaxCellWidth int
}

// WriteText writes t as an aligned text table: a header of column names, a separator line, one line per row
// (numbers right-aligned and never cut), and a final "N rows" line. Control characters and invalid UTF-8 in cells are shown
// escaped so that they cannot break the layout.
func WriteText(w io.Writer, t *types.Table, opts TextOptions) error {
	maxw := opts.MaxCellWidth
	if maxw <= 0 {
		maxw = DefaultMaxCellWidth
	}
	if maxw < 2 {
		maxw = 2
	}
	n := t.NumRows()
	ncol := len(t.Fields)
	cells := make([][]string, n+1)
	widths := make([]int, ncol)
	cells[0] = make([]string, ncol)
	for ci, f := range t.Fields {
		cells[0][ci] = fitCell(f.Name, maxw)
	}
	for r := 0; r < n; r++ {
		row := make([]string, ncol)
		for ci, c := range t.Cols {
			if c.Type.IsNumeric() {
				row[ci] = CellText(c, r) // a cut number would read as a different number
			} else {
				row[ci] = fitCell(CellText(c, r), maxw)
			}
		}
		cells[r+1] = row
	}
	for _, row := range cells {
		for ci, s := range row {
			widths[ci] = max(widths[ci], displayWidth(s))
		}
	}
	bw := bufio.NewWriter(w)
	var line strings.Builder
	for r, row := range cells {
		if ncol == 0 {
			break
		}
		line.Reset()
		for ci, s := range row {
			if ci > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[ci]-displayWidth(s))
			last := ci == ncol-1
			if r > 0 && t.Fields[ci].Type.IsNumeric() {
				line.WriteString(pad)
				line.WriteString(s)
			} else {
				line.WriteString(s)
				if !last {
					line.WriteString(pad)
				}
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
		if r == 0 {
			line.Reset()
			for ci, wd := range widths {
				if ci > 0 {
					line.WriteString("  ")
				}
				line.WriteString(strings.Repeat("-", wd))
			}
			bw.WriteString(line.String())
			bw.WriteByte('\n')
		}
	}
	if n == 1 {
		bw.WriteString("1 row\n")
	} else {
		fmt.Fprintf(bw, "%d rows\n", n)
	}
	return bw.Flush()
}

// fitCell makes s safe for one terminal line and cuts it to at most maxw columns, ending a cut cell with "…".
func fitCell(s string, maxw int) string {
	s = escapeControls(s)
	if displayWidth(s) <= maxw {
		return s
	}
	var b strings.Builder
	wd := 0
	for _, r := range s {
		rw := runeWidth(r)
		if wd+rw > maxw-1 {
			break
		}
		b.WriteRune(r)
		wd += rw
	}
	b.WriteRune('…')
	return b.String()
}

// escapeControls replaces characters that would move the cursor or reorder text (C0/C1 controls, DEL, bidi and
// other format characters) with Go-style escapes, and invalid UTF-8 bytes with \xNN.
func escapeControls(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is the number of terminal columns r takes: 0 for combining marks, 2 for East Asian wide and
// full-width characters and emoji, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case isWide(r):
		return 2
	}
	return 1
}

// wideRanges are the main East Asian Wide/Fullwidth blocks and the emoji planes.
var wideRanges = [][2]rune{
	{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
	{0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
	{0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
}

func isWide(r rune) bool {
	if r < 0x1100 {
		return false
	}
	for _, rg := range wideRanges {
		if r >= rg[0] && r <= rg[1] {
			return true
		}
	}
	return false
}
