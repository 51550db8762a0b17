package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"slices"
	"sync"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parquetFile is one part file open for reading.
type parquetFile struct {
	path   string
	osFile *os.File
	pf     *parquet.File
	cols   map[string]fileColumn // by name: the KQL type and encoding the file was written with
	leaf   map[string]int        // column name -> Parquet leaf index
}

// openParquet opens a part file and reads its footer; every error names the file.
func openParquet(path string) (*parquetFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := openParquetFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: not a readable Parquet file: %v", path, err)
	}
	meta, ok := pf.Lookup(schemaMetadataKey)
	if !ok {
		f.Close()
		return nil, fmt.Errorf("%s: Parquet file without kqlhunt column types (%s metadata)", path, schemaMetadataKey)
	}
	fs, err := parseFileSchema(meta)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: bad %s metadata: %v", path, schemaMetadataKey, err)
	}
	out := &parquetFile{path: path, osFile: f, pf: pf, cols: map[string]fileColumn{}, leaf: map[string]int{}}
	for _, c := range fs.Columns {
		out.cols[c.Name] = c
	}
	for li, p := range pf.Schema().Columns() {
		if len(p) == 1 {
			out.leaf[p[0]] = li
		}
	}
	for name, c := range out.cols {
		for _, leaf := range []string{name, c.Overflow} {
			if _, ok := out.leaf[leaf]; leaf != "" && !ok {
				f.Close()
				return nil, fmt.Errorf("%s: column %q is in the metadata but not in the Parquet schema", path, leaf)
			}
		}
	}
	return out, nil
}

// fileSchemas caches parsed file metadata by its text: the part files of a table mostly share one, and a
// scan opens hundreds of them. It holds at most maxCachedSchemas entries.
var fileSchemas = struct {
	sync.Mutex
	m map[string]*fileSchema
}{m: map[string]*fileSchema{}}

const maxCachedSchemas = 256

// parseFileSchema returns the metadata written as meta; the result is shared and must not be changed.
func parseFileSchema(meta string) (*fileSchema, error) {
	fileSchemas.Lock()
	fs, ok := fileSchemas.m[meta]
	fileSchemas.Unlock()
	if ok {
		return fs, nil
	}
	fs = &fileSchema{}
	if err := json.Unmarshal([]byte(meta), fs); err != nil {
		return nil, err
	}
	fileSchemas.Lock()
	if len(fileSchemas.m) < maxCachedSchemas {
		fileSchemas.m[meta] = fs
	}
	fileSchemas.Unlock()
	return fs, nil
}

// openParquetFile reads the footer, turning a panic of the Parquet library on a damaged file into an error.
func openParquetFile(r io.ReaderAt, size int64) (pf *parquet.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("damaged file: %v", p)
		}
	}()
	return parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
}

func (f *parquetFile) Close() error { return f.osFile.Close() }

// rowGroupOverlaps reports whether row group rg may hold rows with column timeCol in [minT, maxT) (ticks;
// 0 is unbounded). A row group without statistics for the column may.
func (f *parquetFile) rowGroupOverlaps(rg int, timeCol string, minT, maxT int64) bool {
	li, ok := f.leaf[timeCol]
	fc := f.cols[timeCol]
	if !ok || fc.Type != types.DateTime.String() || fc.Overflow != "" {
		// Without the column's statistics (or with values outside them, in the overflow column), keep it.
		return true
	}
	chunk := f.pf.RowGroups()[rg].ColumnChunks()[li]
	bounded, ok := chunk.(interface {
		Bounds() (parquet.Value, parquet.Value, bool)
		NullCount() int64
		NumValues() int64
	})
	if !ok {
		return true
	}
	lo, hi, ok := bounded.Bounds()
	if !ok {
		// No bounds: the chunk is all null (no row can match a time range) or has no statistics.
		return bounded.NumValues() > 0 && bounded.NullCount() < bounded.NumValues()
	}
	loT, hiT := lo.Int64(), hi.Int64()
	if fc.Encoding == encTimestampNanos {
		loT, hiT = loT/100+types.UnixEpochTicks, hiT/100+types.UnixEpochTicks
	}
	return rangeOverlaps(loT, hiT, minT, maxT)
}

// rangeOverlaps reports whether the closed range [lo, hi] meets [minT, maxT) (0 is unbounded).
func rangeOverlaps(lo, hi, minT, maxT int64) bool {
	if minT != 0 && hi < minT {
		return false
	}
	if maxT != 0 && lo >= maxT {
		return false
	}
	return true
}

// readRowGroup reads columns want (of the table's types) of row group rg, only the rows that pass every
// filter (see selectRows). A column the file lacks is all null; a column written with another type is converted.
func (f *parquetFile) readRowGroup(rg int, want []types.Field, filters []catalog.StringFilter) (cols []*types.Column, n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: row group %d: damaged file: %v", f.path, rg, p)
		}
	}()
	group := f.pf.RowGroups()[rg]
	n = int(group.NumRows())
	chunks := group.ColumnChunks()
	sel, pickedCol, picked, err := f.selectRows(chunks, n, filters)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: row group %d: %w", f.path, rg, err)
	}
	if sel != nil && len(sel) == 0 {
		return nil, 0, nil // no row passes: the other columns are not read at all
	}
	cols = make([]*types.Column, len(want))
	for i, w := range want {
		var c *types.Column
		if w.Name == pickedCol && w.Type == types.String {
			c = &types.Column{Type: types.String, Strs: picked}
		} else if c, err = f.readSelected(chunks, w, n, sel); err != nil {
			return nil, 0, fmt.Errorf("%s: row group %d, column %s: %w", f.path, rg, w.Name, err)
		}
		cols[i] = c
	}
	if sel != nil {
		n = len(sel)
	}
	return cols, n, nil
}

// selectRows runs the filters over the row group's string columns, on each distinct value once (a chunk's
// dictionary, or a plain page's values), and returns the rows that pass all of them, ascending (nil: no
// filter applied, every row). When one filter decided, its column's values at those rows come back too
// (pickedCol, picked), so that the column is not read twice; no array of one entry per row is made.
func (f *parquetFile) selectRows(chunks []parquet.ColumnChunk, n int, filters []catalog.StringFilter) (sel []int, pickedCol string, picked []string, err error) {
	filtered := false
	for _, flt := range filters {
		fc, ok := f.cols[flt.Column]
		if !ok {
			// The file lacks the column: every row holds "" there.
			if !keepsEmpty(flt) {
				return []int{}, "", nil, nil
			}
			continue
		}
		if fc.Type != types.String.String() {
			continue
		}
		first := !filtered
		var strs []string
		if sel, strs, err = selectStrings(chunks[f.leaf[flt.Column]], n, flt, sel, filtered, first); err != nil {
			return nil, "", nil, fmt.Errorf("column %s: %w", flt.Column, err)
		}
		pickedCol, picked = "", nil // a later filter leaves the first one's values off its rows
		if first {
			pickedCol, picked = flt.Column, strs
		}
		filtered = true
		if len(sel) == 0 {
			return sel, "", nil, nil
		}
	}
	if !filtered || len(sel) == n {
		return nil, pickedCol, picked, nil
	}
	return sel, pickedCol, picked, nil
}

// keepsEmpty reports whether flt passes the empty string (what a missing or null string reads as).
func keepsEmpty(flt catalog.StringFilter) bool {
	v := []bool{false}
	flt.Keep([]string{""}, v)
	return v[0]
}

// readSelected reads column w at rows sel (nil: all n rows). Numbers and times are decoded page by page and
// only the selected rows are kept; strings go through their dictionary; other types are read whole and
// gathered.
func (f *parquetFile) readSelected(chunks []parquet.ColumnChunk, w types.Field, n int, sel []int) (*types.Column, error) {
	fc, ok := f.cols[w.Name]
	if sel == nil || !ok {
		return f.readColumn(chunks, w, n)
	}
	ft, _ := types.ParseType(fc.Type)
	if ft == w.Type && fc.Overflow == "" {
		switch {
		case ft == types.Long || ft == types.TimeSpan || ft == types.DateTime:
			return readSelectedInt64(chunks[f.leaf[w.Name]], ft, n, sel)
		case ft == types.String:
			_, strs, err := selectStrings(chunks[f.leaf[w.Name]], n, catalog.StringFilter{}, sel, true, true)
			if err != nil {
				return nil, err
			}
			return &types.Column{Type: types.String, Strs: strs}, nil
		}
	}
	c, err := f.readColumn(chunks, w, n)
	if err != nil {
		return nil, err
	}
	return c.Gather(sel), nil
}

// readColumn reads the whole of column w in the row group's chunks, with its overflow ticks merged in.
func (f *parquetFile) readColumn(chunks []parquet.ColumnChunk, w types.Field, n int) (*types.Column, error) {
	fc, ok := f.cols[w.Name]
	if !ok {
		return nullColumn(w.Type, n), nil
	}
	ft, _ := types.ParseType(fc.Type)
	c, err := readChunk(chunks[f.leaf[w.Name]], ft, fc.Encoding, n)
	if err != nil {
		return nil, err
	}
	if fc.Overflow != "" {
		over, err := readChunk(chunks[f.leaf[fc.Overflow]], types.Long, "", n)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", fc.Overflow, err)
		}
		if over.Len() != n {
			return nil, fmt.Errorf("column %s: %d values for %d rows", fc.Overflow, over.Len(), n)
		}
		for r := 0; r < n; r++ {
			if !over.Nulls.Get(r) {
				c.Ints[r] = over.Ints[r]
				c.Nulls.Clear(r)
			}
		}
	}
	if c.Len() != n {
		return nil, fmt.Errorf("%d values for %d rows", c.Len(), n)
	}
	if ft != w.Type {
		c = convertColumn(c, w.Type)
	}
	return c, nil
}

// selectStrings walks a BYTE_ARRAY chunk of n rows page by page. With filtered unset it runs flt over
// every row and returns the rows that pass; with filtered set it narrows sel (ascending) to the rows that pass
// flt, or, when flt.Keep is nil, keeps sel as it is. With pick it also returns the values at the returned rows.
// Keep sees each dictionary once and each plain page once; a null (absent definition level) reads as "".
func selectStrings(chunk parquet.ColumnChunk, n int, flt catalog.StringFilter, sel []int, filtered, pick bool) ([]int, []string, error) {
	var out []int
	if !filtered {
		out = make([]int, 0, n/8)
	} else {
		out = make([]int, 0, len(sel))
	}
	emptyKeep := flt.Keep == nil || keepsEmpty(flt)
	var strs []string
	var dictOf parquet.Dictionary
	var dict []string
	var verdict []bool
	var pageVerdict []bool
	row, next := 0, 0 // first row of the page; next index into sel
	err := eachPage(chunk, func(p parquet.Page) error {
		rows := int(p.NumRows())
		defs := p.DefinitionLevels()
		var idx []int32
		var vals []string
		if d := p.Dictionary(); d != nil {
			if d != dictOf {
				dictOf, dict = d, byteArrayStrings(d.Page().Data())
				verdict = nil
				if flt.Keep != nil {
					verdict = make([]bool, len(dict))
					flt.Keep(dict, verdict)
				}
			}
			data := p.Data()
			idx = data.Int32()
			lo, hi := int32(0), int32(0)
			for _, i := range idx {
				lo, hi = min(lo, i), max(hi, i)
			}
			if len(idx) > 0 && (lo < 0 || int(hi) >= len(dict)) {
				return fmt.Errorf("dictionary index %d out of range", max(hi, -lo))
			}
		} else {
			vals = byteArrayStrings(p.Data())
			if flt.Keep != nil {
				pageVerdict = slices.Grow(pageVerdict[:0], len(vals))[:len(vals)]
				flt.Keep(vals, pageVerdict)
			}
		}
		nonNull := len(idx) + len(vals)
		if len(defs) == 0 && nonNull != rows || len(defs) > 0 && len(defs) != rows {
			return fmt.Errorf("page has %d values for %d rows", nonNull, rows)
		}
		if len(defs) == 0 {
			// No nulls (string columns are written REQUIRED): tight loops over the page's codes or values.
			if idx != nil {
				out, strs = pickCoded(out, strs, idx, dict, verdict, row, sel, &next, filtered, pick)
			} else {
				var verdicts []bool
				if flt.Keep != nil {
					verdicts = pageVerdict
				}
				out, strs = pickPlain(out, strs, vals, verdicts, row, sel, &next, filtered, pick)
			}
			row += rows
			return nil
		}
		// take considers page row r; k is the number of non-null rows before it.
		k := 0
		take := func(r int) {
			if len(defs) > 0 && defs[r] == 0 {
				if emptyKeep {
					out = append(out, row+r)
					if pick {
						strs = append(strs, "")
					}
				}
				return
			}
			var s string
			keep := true
			if idx != nil {
				code := idx[k]
				if pick {
					s = dict[code]
				}
				if verdict != nil {
					keep = verdict[code]
				}
			} else {
				s = vals[k]
				if flt.Keep != nil {
					keep = pageVerdict[k]
				}
			}
			if keep {
				out = append(out, row+r)
				if pick {
					strs = append(strs, s)
				}
			}
		}
		if !filtered {
			for r := 0; r < rows; r++ {
				take(r)
				if defs[r] != 0 {
					k++
				}
			}
		} else {
			r := 0
			for ; next < len(sel) && sel[next] < row+rows; next++ {
				for ; r < sel[next]-row; r++ {
					if defs[r] != 0 {
						k++
					}
				}
				take(r)
			}
		}
		row += rows
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if row != n {
		return nil, nil, fmt.Errorf("%d values for %d rows", row, n)
	}
	return out, strs, nil
}

// pickCoded is selectStrings over one dictionary-coded page without nulls whose first row is row: rows whose
// code passes verdict (nil: all) are appended to out, their values to strs when pick is set. With filtered
// set only the rows sel[*next:] within the page are considered, and *next moves past them.
func pickCoded(out []int, strs []string, idx []int32, dict []string, verdict []bool, row int, sel []int, next *int, filtered, pick bool) ([]int, []string) {
	if !filtered {
		if verdict == nil {
			for r, code := range idx {
				out = append(out, row+r)
				if pick {
					strs = append(strs, dict[code])
				}
			}
			return out, strs
		}
		// 64 rows at a time: their verdicts are gathered into one word without a branch (a filter keeps a
		// few percent of the rows, at places a branch would mispredict), then the passing rows are taken
		// from its set bits.
		pass := boolBytes(verdict)
		words := make([]uint64, (len(idx)+63)/64)
		passing := 0
		for k := range words {
			block := idx[k*64 : min(k*64+64, len(idx))]
			var w uint64
			for j, code := range block {
				w |= uint64(pass[code]) << uint(j)
			}
			words[k] = w
			passing += bits.OnesCount64(w)
		}
		out = slices.Grow(out, passing)
		if pick {
			strs = slices.Grow(strs, passing)
		}
		for k, w := range words {
			for w != 0 {
				r := k*64 + bits.TrailingZeros64(w)
				w &= w - 1
				out = append(out, row+r)
				if pick {
					strs = append(strs, dict[idx[r]])
				}
			}
		}
		return out, strs
	}
	end := row + len(idx)
	i := *next
	for ; i < len(sel) && sel[i] < end; i++ {
		code := idx[sel[i]-row]
		if verdict == nil || verdict[code] {
			out = append(out, sel[i])
			if pick {
				strs = append(strs, dict[code])
			}
		}
	}
	*next = i
	return out, strs
}

// pickPlain is pickCoded for a page of plain values, with one verdict per value (nil: all pass).
func pickPlain(out []int, strs []string, vals []string, verdicts []bool, row int, sel []int, next *int, filtered, pick bool) ([]int, []string) {
	if !filtered {
		for r, v := range vals {
			if verdicts == nil || verdicts[r] {
				out = append(out, row+r)
				if pick {
					strs = append(strs, v)
				}
			}
		}
		return out, strs
	}
	end := row + len(vals)
	i := *next
	for ; i < len(sel) && sel[i] < end; i++ {
		r := sel[i] - row
		if verdicts == nil || verdicts[r] {
			out = append(out, sel[i])
			if pick {
				strs = append(strs, vals[r])
			}
		}
	}
	*next = i
	return out, strs
}

// boolBytes views bools as the bytes 0 and 1 they are stored as.
func boolBytes(b []bool) []uint8 {
	return unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// readSelectedInt64 reads an INT64 chunk (long, timespan, or datetime as nanoseconds) of n rows at rows sel
// (ascending), converting only those.
func readSelectedInt64(chunk parquet.ColumnChunk, t types.Type, n int, sel []int) (*types.Column, error) {
	c := &types.Column{Type: t, Ints: make([]int64, 0, len(sel))}
	row, next := 0, 0
	err := eachPage(chunk, func(p parquet.Page) error {
		rows := int(p.NumRows())
		defs := p.DefinitionLevels()
		data := p.Data()
		vals := data.Int64()
		dense := len(defs) == 0 || len(vals) == rows
		if dense && len(vals) != rows || !dense && len(defs) != rows {
			return fmt.Errorf("page has %d values for %d rows", len(vals), rows)
		}
		r, k := 0, 0
		for ; next < len(sel) && sel[next] < row+rows; next++ {
			at := sel[next] - row
			if dense {
				k = at
			} else {
				for ; r < at; r++ {
					if defs[r] != 0 {
						k++
					}
				}
				if defs[at] == 0 {
					c.Nulls.Set(len(c.Ints))
					c.Ints = append(c.Ints, 0)
					continue
				}
			}
			v := vals[k]
			if t == types.DateTime {
				v = floorDiv(v, 100) + types.UnixEpochTicks
			}
			c.Ints = append(c.Ints, v)
		}
		row += rows
		return nil
	})
	if err != nil {
		return nil, err
	}
	if row != n || len(c.Ints) != len(sel) {
		return nil, fmt.Errorf("%d values for %d rows", row, n)
	}
	return c, nil
}

// nullColumn returns n nulls of type t (empty strings for string).
func nullColumn(t types.Type, n int) *types.Column {
	c := &types.Column{Type: t}
	switch t.Physical() {
	case types.PhysInt:
		c.Ints = make([]int64, n)
	case types.PhysReal:
		c.Reals = make([]float64, n)
	case types.PhysStr:
		c.Strs = make([]string, n)
	case types.PhysDyn:
		c.Dyns = make([]any, n)
		return c
	}
	if t != types.String && n > 0 {
		c.Nulls = make(types.Bitmap, (n+63)/64)
		for i := range c.Nulls {
			c.Nulls[i] = ^uint64(0)
		}
		if r := n % 64; r != 0 {
			c.Nulls[len(c.Nulls)-1] = 1<<uint(r) - 1
		}
	}
	return c
}

// readChunk decodes one column chunk of n rows written as KQL type t with encoding enc.
func readChunk(chunk parquet.ColumnChunk, t types.Type, enc string, n int) (*types.Column, error) {
	if t == types.DateTime && enc != encTimestampNanos {
		return nil, fmt.Errorf("unknown datetime encoding %q", enc)
	}
	c := types.NewColumn(t, n)
	var dictStrs []string
	var dictOf parquet.Dictionary
	var scratch []parquet.Value
	err := eachPage(chunk, func(p parquet.Page) error { return decodePage(c, p, t, &dictOf, &dictStrs, &scratch) })
	if err != nil {
		return nil, err
	}
	return c, nil
}

// eachPage calls fn with every page of chunk in order, stopping at its first error. fn must copy out what it
// keeps: after it returns, the page's buffers go back to the library's pool.
func eachPage(chunk parquet.ColumnChunk, fn func(parquet.Page) error) error {
	pages := chunk.Pages()
	defer pages.Close()
	for {
		p, err := pages.ReadPage()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		err = fn(p)
		parquet.Release(p)
		if err != nil {
			return err
		}
	}
}

// decodePage appends one page's rows to c; dictOf and dictStrs cache the column chunk's dictionary as strings.
func decodePage(c *types.Column, p parquet.Page, t types.Type, dictOf *parquet.Dictionary, dictStrs *[]string, scratch *[]parquet.Value) error {
	defs := p.DefinitionLevels()
	base := c.Len()
	switch {
	case t == types.Long || t == types.TimeSpan || t == types.DateTime:
		data := p.Data()
		vals := data.Int64()
		if t == types.DateTime {
			c.Ints = appendNanosAsTicks(c.Ints, vals, defs, &c.Nulls, base)
		} else {
			c.Ints = appendLeveled(c.Ints, vals, defs, &c.Nulls, base)
		}
	case t == types.Int:
		data := p.Data()
		vals := data.Int32()
		c.Ints = appendLeveled(c.Ints, vals, defs, &c.Nulls, base)
	case t == types.Real || t == types.Decimal:
		data := p.Data()
		c.Reals = appendLeveled(c.Reals, data.Double(), defs, &c.Nulls, base)
	case (t.Physical() == types.PhysStr || t == types.Dynamic) && p.Dictionary() != nil:
		if d := p.Dictionary(); d != *dictOf {
			*dictOf, *dictStrs = d, byteArrayStrings(d.Page().Data())
		}
		data := p.Data()
		idx := data.Int32()
		for _, i := range idx {
			if i < 0 || int(i) >= len(*dictStrs) {
				return fmt.Errorf("dictionary index %d out of range", i)
			}
		}
		if t == types.Dynamic {
			return appendJSONLeveled(c, *dictStrs, idx, defs)
		}
		k := 0
		for r := 0; r < int(p.NumRows()); r++ {
			if len(defs) > 0 && defs[r] == 0 {
				c.Strs = append(c.Strs, "")
				c.Nulls.Set(base + r)
				continue
			}
			c.Strs = append(c.Strs, (*dictStrs)[idx[k]])
			k++
		}
	case t.Physical() == types.PhysStr || t == types.Dynamic:
		strs := byteArrayStrings(p.Data())
		idx := make([]int32, len(strs))
		for i := range idx {
			idx[i] = int32(i)
		}
		if t == types.Dynamic {
			return appendJSONLeveled(c, strs, idx, defs)
		}
		k := 0
		for r := 0; r < int(p.NumRows()); r++ {
			if len(defs) > 0 && defs[r] == 0 {
				c.Strs = append(c.Strs, "")
				c.Nulls.Set(base + r)
				continue
			}
			c.Strs = append(c.Strs, strs[k])
			k++
		}
	case t == types.Bool:
		m := int(p.NumValues())
		if cap(*scratch) < m {
			*scratch = make([]parquet.Value, m)
		}
		vr := p.Values()
		got := 0
		for got < m {
			k, err := vr.ReadValues((*scratch)[got:m])
			got += k
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
		}
		for r, v := range (*scratch)[:got] {
			if v.IsNull() {
				c.Ints = append(c.Ints, 0)
				c.Nulls.Set(base + r)
				continue
			}
			b := int64(0)
			if v.Boolean() {
				b = 1
			}
			c.Ints = append(c.Ints, b)
		}
	default:
		return fmt.Errorf("cannot read a %s column", t)
	}
	return nil
}

// appendNanosAsTicks is appendLeveled for TIMESTAMP(NANOS) values becoming ticks, written out for speed:
// it is the loop of every time-filtered scan.
func appendNanosAsTicks(dst []int64, vals []int64, defs []byte, nulls *types.Bitmap, base int) []int64 {
	if len(defs) == 0 || len(vals) == len(defs) {
		start := len(dst)
		dst = slices.Grow(dst, len(vals))[:start+len(vals)]
		out := dst[start:]
		for i, v := range vals {
			q := v / 100
			if v < 0 && v != q*100 {
				q-- // floor: ticks before 1970 that are not whole hundreds of ns do not occur, but stay exact
			}
			out[i] = q + types.UnixEpochTicks
		}
		return dst
	}
	k := 0
	for r, d := range defs {
		if d == 0 {
			dst = append(dst, 0)
			nulls.Set(base + r)
			continue
		}
		dst = append(dst, floorDiv(vals[k], 100)+types.UnixEpochTicks)
		k++
	}
	return dst
}

// floorDiv divides rounding toward minus infinity (days and ticks before 1970 are negative offsets).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// appendLeveled appends one page of values to dst: the non-null values vals placed by the definition levels
// defs (empty for a required column), nulls marked in nulls from row base on.
func appendLeveled[S, D int32 | int64 | float64](dst []D, vals []S, defs []byte, nulls *types.Bitmap, base int) []D {
	if len(defs) == 0 || len(vals) == len(defs) {
		for _, v := range vals {
			dst = append(dst, D(v))
		}
		return dst
	}
	k := 0
	for r, d := range defs {
		if d == 0 {
			dst = append(dst, 0)
			nulls.Set(base + r)
			continue
		}
		dst = append(dst, D(vals[k]))
		k++
	}
	return dst
}

// appendJSONLeveled parses dynamic values: texts[idx[k]] for the k-th non-null row.
func appendJSONLeveled(c *types.Column, texts []string, idx []int32, defs []byte) error {
	k := 0
	rows := len(defs)
	if rows == 0 {
		rows = len(idx)
	}
	for r := 0; r < rows; r++ {
		if len(defs) > 0 && defs[r] == 0 {
			c.Dyns = append(c.Dyns, nil)
			continue
		}
		i := idx[k]
		k++
		// Each row gets its own value (not one per dictionary entry): consumers may hold or change it.
		v, err := types.ParseJSON(texts[i])
		if err != nil {
			return fmt.Errorf("bad JSON in a dynamic value: %v", err)
		}
		c.Dyns = append(c.Dyns, v)
	}
	return nil
}

// byteArrayStrings turns BYTE_ARRAY page data into strings with one allocation for the page.
func byteArrayStrings(v encoding.Values) []string {
	data, offsets := v.ByteArray()
	if len(offsets) == 0 {
		return nil
	}
	all := string(data)
	out := make([]string, len(offsets)-1)
	for i := range out {
		out[i] = all[offsets[i]:offsets[i+1]]
	}
	return out
}
