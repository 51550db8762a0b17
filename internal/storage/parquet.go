package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Column encodings, chosen so that DuckDB and Spark read the files with standard types and kqlhunt reads back
// exactly what it wrote (the KQL type of every column is in the file's key-value metadata):
//
//	bool              BOOLEAN
//	int               INT32
//	long              INT64
//	real, decimal     DOUBLE (kqlhunt holds decimal as float64)
//	string, guid      BYTE_ARRAY UTF8, dictionary encoded; string is REQUIRED (KQL strings are never null)
//	datetime          INT64 TIMESTAMP(NANOS, UTC), delta encoded: exact for 100 ns ticks. Values outside
//	                  1677-09-21..2262-04-11 (outside int64 nanoseconds, but inside KQL's 0001..9999) are null
//	                  there, and their ticks go to an extra INT64 column __kqlhunt_ticks_<name>, present only in
//	                  the files that need it; so every file has the same Parquet type for the column.
//	timespan          INT64 ticks of 100 ns (Parquet has no exact duration type)
//	dynamic           BYTE_ARRAY JSON text, dictionary encoded; typed scalars inside a dynamic (datetime,
//	                  timespan, guid) come back as their JSON text, as after a Kusto ingestion
//
// Every column but string is OPTIONAL. Rows are sorted by the table's time column; the writer keeps Parquet
// column-chunk statistics, which the reader uses to skip row groups.
const schemaMetadataKey = "kqlhunt.schema"

// encTimestampNanos is the encoding of datetime columns in the file metadata.
const encTimestampNanos = "timestamp_nanos"

// overflowPrefix starts the name of the column holding the ticks of datetimes that nanoseconds cannot hold.
const overflowPrefix = "__kqlhunt_ticks_"

// The datetimes that fit int64 nanoseconds since 1970.
const (
	minNanoTicks = types.UnixEpochTicks + math.MinInt64/100
	maxNanoTicks = types.UnixEpochTicks + math.MaxInt64/100
)

// fileSchema is the metadata kqlhunt writes into each Parquet file.
type fileSchema struct {
	Version    int          `json:"version"`
	Table      string       `json:"table"`
	TimeColumn string       `json:"timeColumn,omitempty"`
	Columns    []fileColumn `json:"columns"` // in KQL column order (the Parquet leaves are in name order)
}

// fileColumn is one column of a file: name, KQL type, and encoding when the type has more than one.
type fileColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Encoding string `json:"encoding,omitempty"`
	Overflow string `json:"overflow,omitempty"` // datetime: the column of out-of-range ticks, when the file has one
}

// rowRef points at one buffered row: a piece of the partition buffer and a row in it.
type rowRef struct {
	piece int32
	row   int32
}

// partStats is what writing a part learned about its rows.
type partStats struct {
	rows      int64
	rowGroups int
	ranges    map[string][2]int64 // datetime column -> min, max ticks
}

// parquetNode returns the Parquet node for a KQL column.
func parquetNode(t types.Type, dictionary bool) parquet.Node {
	var n parquet.Node
	switch t {
	case types.Bool:
		n = parquet.Leaf(parquet.BooleanType)
	case types.Int:
		n = parquet.Int(32)
	case types.Long, types.TimeSpan:
		n = parquet.Int(64)
	case types.Real, types.Decimal:
		n = parquet.Leaf(parquet.DoubleType)
	case types.String, types.GUID:
		n = parquet.Encoded(parquet.String(), stringEncoding(dictionary))
	case types.DateTime:
		n = parquet.Encoded(parquet.TimestampAdjusted(parquet.Nanosecond, true), &parquet.DeltaBinaryPacked)
	default: // dynamic
		n = parquet.Encoded(parquet.JSON(), stringEncoding(dictionary))
	}
	if dictionary || t == types.DateTime {
		// Dictionary codes (bit-packed and run-length encoded) and time deltas are already dense: Snappy
		// gains little on them and costs a pass over every page, at ingest and at every read.
		n = parquet.Compressed(n, &parquet.Uncompressed)
	}
	if t == types.String {
		return parquet.Required(n)
	}
	return parquet.Optional(n)
}

// writeParquet writes the rows refs (in that order) of pieces to w as one Parquet file with row groups of at
// most rowGroupRows rows. pieces[p][i] is piece p's column for fields[i], of type fields[i].Type, or nil when
// the piece lacks the column (nulls).
func writeParquet(w io.Writer, table, timeColumn string, fields []types.Field, pieces [][]*types.Column, refs []rowRef, rowGroupRows int) (partStats, error) {
	stats := partStats{rows: int64(len(refs)), ranges: map[string][2]int64{}}
	// Column-chunk statistics (and the page index) carry the min and max readers prune by; statistics in every
	// page header would repeat them.
	options := []parquet.WriterOption{parquet.Compression(fastSnappy{}), parquet.CreatedBy("kqlhunt", "", ""), parquet.DataPageStatistics(false)}
	meta := fileSchema{Version: 1, Table: table, TimeColumn: timeColumn}
	group := parquet.Group{}
	// leaves[k] says what Parquet column k (in name order, once the schema is built) holds.
	type leafSpec struct {
		field    int
		overflow bool
	}
	byName := map[string]leafSpec{}
	for i, f := range fields {
		fc := fileColumn{Name: f.Name, Type: f.Type.String()}
		if f.Type == types.DateTime {
			fc.Encoding = encTimestampNanos
			lo, hi, ok := datetimeRange(pieces, i, refs)
			if ok {
				stats.ranges[f.Name] = [2]int64{lo, hi}
			}
			if ok && (lo < minNanoTicks || hi > maxNanoTicks) {
				fc.Overflow = overflowPrefix + f.Name
				if _, dup := group[fc.Overflow]; dup {
					return stats, fmt.Errorf("column %q appears twice", fc.Overflow)
				}
				group[fc.Overflow] = parquet.Optional(parquet.Int(64))
				byName[fc.Overflow] = leafSpec{field: i, overflow: true}
			}
		}
		if _, dup := group[f.Name]; dup {
			return stats, fmt.Errorf("column %q appears twice", f.Name)
		}
		text := f.Type.Physical() == types.PhysStr || f.Type == types.Dynamic
		dictionary := text && lowCardinality(pieces, i, refs)
		group[f.Name] = parquetNode(f.Type, dictionary)
		if text && !dictionary {
			// The min and max of mostly distinct texts (URLs, ids, JSON) prune nothing; computing them costs a
			// comparison per value.
			options = append(options, parquet.SkipPageBounds(f.Name))
		}
		byName[f.Name] = leafSpec{field: i}
		meta.Columns = append(meta.Columns, fc)
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return stats, err
	}
	schema := parquet.NewSchema("kqlhunt", group)
	options = append(options, parquet.KeyValueMetadata(schemaMetadataKey, string(metaJSON)))
	pw := parquet.NewGenericWriter[any](w, append([]parquet.WriterOption{schema}, options...)...)
	leaves := make([]leafSpec, len(schema.Columns()))
	for li, path := range schema.Columns() {
		spec, ok := byName[path[0]]
		if len(path) != 1 || !ok {
			return stats, fmt.Errorf("parquet leaf %v has no column", path)
		}
		leaves[li] = spec
	}
	valsp := valueBuffers.Get().(*[]parquet.Value)
	defer valueBuffers.Put(valsp)
	vals := (*valsp)[:0]
	defer func() {
		clear(vals[:cap(vals)]) // no pointer into this part's rows stays in the pool
		*valsp = vals[:0]
	}()
	var arena bytes.Buffer
	for from := 0; from < len(refs); from += rowGroupRows {
		rg := refs[from:min(from+rowGroupRows, len(refs))]
		for li, spec := range leaves {
			arena.Reset()
			if spec.overflow {
				vals = appendOverflowTicks(vals[:0], pieces, spec.field, rg, li)
			} else {
				vals = appendValues(vals[:0], &arena, pieces, spec.field, fields[spec.field].Type, rg, li)
			}
			if _, err := pw.ColumnWriters()[li].WriteRowValues(vals); err != nil {
				return stats, fmt.Errorf("column %s: %w", fields[spec.field].Name, err)
			}
		}
		if err := pw.Flush(); err != nil {
			return stats, err
		}
		stats.rowGroups++
	}
	if err := pw.Close(); err != nil {
		return stats, err
	}
	return stats, nil
}

// valueBuffers hold the values of one column of one row group while it is handed to the Parquet writer,
// reused between columns and parts.
var valueBuffers = sync.Pool{New: func() any { return new([]parquet.Value) }}

// stringEncoding is RLE_DICTIONARY, or PLAIN (the encoding every reader knows) for unique values.
func stringEncoding(dictionary bool) encoding.Encoding {
	if dictionary {
		return &parquet.RLEDictionary
	}
	return &parquet.Plain
}

// lowCardinality reports whether string or dynamic column fi repeats its values enough for a dictionary to pay: at most
// half of the first rows are distinct. (Unique values such as URLs and ids are cheaper written plain.)
func lowCardinality(pieces [][]*types.Column, fi int, refs []rowRef) bool {
	sample := refs[:min(len(refs), 1024)]
	seen := make(map[string]struct{}, 64)
	for _, r := range sample {
		c := pieces[r.piece][fi]
		switch {
		case c == nil:
		case c.Type == types.Dynamic:
			if c.Dyns[r.row] != nil {
				seen[types.FormatJSON(c.Dyns[r.row])] = struct{}{}
			}
		default:
			seen[c.Strs[r.row]] = struct{}{}
		}
		if len(seen)*2 > len(sample) {
			return false
		}
	}
	return true
}

// datetimeRange returns the min and max non-null ticks of column fi over refs.
func datetimeRange(pieces [][]*types.Column, fi int, refs []rowRef) (lo, hi int64, ok bool) {
	for _, r := range refs {
		c := pieces[r.piece][fi]
		if c == nil || c.Nulls.Get(int(r.row)) {
			continue
		}
		v := c.Ints[r.row]
		if !ok {
			lo, hi, ok = v, v, true
			continue
		}
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi, ok
}

// appendOverflowTicks appends the overflow column of datetime column fi: the ticks of the values nanoseconds
// cannot hold, null for the others.
func appendOverflowTicks(vals []parquet.Value, pieces [][]*types.Column, fi int, rg []rowRef, li int) []parquet.Value {
	null := parquet.Value{}.Level(0, 0, li)
	for _, r := range rg {
		c := pieces[r.piece][fi]
		if c == nil || c.Nulls.Get(int(r.row)) {
			vals = append(vals, null)
			continue
		}
		if x := c.Ints[r.row]; x < minNanoTicks || x > maxNanoTicks {
			vals = append(vals, parquet.Int64Value(x).Level(0, 1, li))
		} else {
			vals = append(vals, null)
		}
	}
	return vals
}

// bytesOf views s as bytes without copying; the writer copies values it keeps.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// appendValues appends the Parquet values of column fi for rows rg, leveled for leaf li.
func appendValues(vals []parquet.Value, arena *bytes.Buffer, pieces [][]*types.Column, fi int, t types.Type, rg []rowRef, li int) []parquet.Value {
	null := parquet.Value{}.Level(0, 0, li)
	switch t.Physical() {
	case types.PhysInt:
		for _, r := range rg {
			c := pieces[r.piece][fi]
			if c == nil || c.Nulls.Get(int(r.row)) {
				vals = append(vals, null)
				continue
			}
			x := c.Ints[r.row]
			var v parquet.Value
			switch t {
			case types.Bool:
				v = parquet.BooleanValue(x != 0)
			case types.Int:
				v = parquet.Int32Value(int32(x))
			case types.DateTime:
				if x < minNanoTicks || x > maxNanoTicks {
					vals = append(vals, null) // kept in the overflow column
					continue
				}
				v = parquet.Int64Value((x - types.UnixEpochTicks) * 100)
			default:
				v = parquet.Int64Value(x)
			}
			vals = append(vals, v.Level(0, 1, li))
		}
	case types.PhysReal:
		for _, r := range rg {
			c := pieces[r.piece][fi]
			if c == nil || c.Nulls.Get(int(r.row)) {
				vals = append(vals, null)
				continue
			}
			vals = append(vals, parquet.DoubleValue(c.Reals[r.row]).Level(0, 1, li))
		}
	case types.PhysStr:
		if t == types.String {
			// A REQUIRED column: its values carry no levels (zero), so they need no Level call, which
			// the compiler does not inline and which was a fifth of the encoding time.
			for _, r := range rg {
				c := pieces[r.piece][fi]
				if c == nil {
					vals = append(vals, parquet.ByteArrayValue(nil))
					continue
				}
				vals = append(vals, parquet.ByteArrayValue(bytesOf(c.Strs[r.row])))
			}
			break
		}
		for _, r := range rg {
			c := pieces[r.piece][fi]
			if c == nil || c.Nulls.Get(int(r.row)) {
				vals = append(vals, null)
				continue
			}
			vals = append(vals, parquet.ByteArrayValue(bytesOf(c.Strs[r.row])).Level(0, 1, li))
		}
	case types.PhysDyn:
		// JSON texts go to one arena first (its buffer may move while growing), then become values.
		ends := make([]int, 0, len(rg))
		for _, r := range rg {
			c := pieces[r.piece][fi]
			if c == nil || c.Dyns[r.row] == nil {
				ends = append(ends, -1)
				continue
			}
			types.WriteJSON(arena, c.Dyns[r.row])
			ends = append(ends, arena.Len())
		}
		data := arena.Bytes()
		start := 0
		for _, end := range ends {
			if end < 0 {
				vals = append(vals, null)
				continue
			}
			vals = append(vals, parquet.ByteArrayValue(data[start:end:end]).Level(0, 1, li))
			start = end
		}
	}
	return vals
}
