package ingest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parquetMagic starts (and ends) every Parquet file.
const parquetMagic = "PAR1"

// julianUnixEpoch is the Julian day number of 1970-01-01, the base of legacy INT96 timestamps.
const julianUnixEpoch = 2440588

// pqColumn says how one top-level Parquet field becomes a column.
type pqColumn struct {
	name string
	cb   *colBuilder
	conv func(parquet.Value) (types.Value, bool) // nil for nested fields, read whole as dynamic
}

// loadParquet reads a Parquet file: flat columns directly from their values, nested or repeated fields (lists,
// maps, groups) as dynamic values. Problems have no line; the message names the row (0-based over the file).
func (fl *fileLoader) loadParquet(ra io.ReaderAt, size int64) {
	// The Parquet library can panic on corrupt files; that is a problem with the file, not a crash.
	defer func() {
		if r := recover(); r != nil {
			fl.skip(0, "reading Parquet: corrupt file (%v)", r)
		}
	}()
	if size < 12 { // the magic number at both ends and the footer's length
		fl.skip(0, "reading Parquet: %d bytes, too short for a Parquet file", size)
		return
	}
	pf, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		fl.skip(0, "reading Parquet: %v", err)
		return
	}
	schema := pf.Schema()
	tb := fl.table(fl.hint)
	var cols []*pqColumn
	var byLeaf []*pqColumn // leaf column index -> its flat column (nil for leaves of nested fields)
	nested := false
	for _, f := range schema.Fields() {
		pc := &pqColumn{name: f.Name()}
		if !tb.wants(f.Name()) && tb.columnNamed(f.Name()) == nil {
			for i := 0; i < countLeaves(f); i++ {
				byLeaf = append(byLeaf, nil)
			}
			continue
		}
		if f.Leaf() && !f.Repeated() {
			t, conv := parquetLeafType(f)
			pc.conv = conv
			pc.cb = tb.columnNamed(f.Name())
			if pc.cb == nil {
				pc.cb = tb.addColumn(f.Name(), t, true) // a built-in column keeps its documented type
			}
			if pc.cb.typ != t {
				pc.conv = retyped(conv, pc.cb.typ)
			}
			byLeaf = append(byLeaf, pc)
		} else {
			nested = true
			pc.cb = tb.columnNamed(f.Name())
			if pc.cb == nil {
				pc.cb = tb.addColumn(f.Name(), types.Dynamic, true)
			}
			for i := 0; i < countLeaves(f); i++ {
				byLeaf = append(byLeaf, nil)
			}
		}
		cols = append(cols, pc)
	}
	badUTF8, badValues := 0, 0
	firstBad, firstBadUTF8 := -1, -1
	rowNum := 0
	buf := make([]parquet.Row, 512)
	for _, rg := range pf.RowGroups() {
		if fl.countHeld(); fl.ctx.Err() != nil {
			return
		}
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				for _, v := range row {
					c := v.Column()
					if c < 0 || c >= len(byLeaf) || byLeaf[c] == nil {
						continue
					}
					pc := byLeaf[c]
					if pc.cb.length() > tb.rows {
						continue
					}
					if v.IsNull() {
						pc.cb.appendNull()
						continue
					}
					val, ok := pc.conv(v)
					if !ok {
						badValues++
						if firstBad < 0 {
							firstBad = rowNum
						}
						pc.cb.appendNull()
						continue
					}
					if val.Type == types.String {
						if !utf8.ValidString(val.S) {
							badUTF8++
							if firstBadUTF8 < 0 {
								firstBadUTF8 = rowNum
							}
							val.S = strings.ToValidUTF8(val.S, "\uFFFD")
						}
						val.S = pc.cb.internString(val.S)
					}
					pc.cb.col.Append(val)
				}
				if nested {
					fl.parquetNested(schema, row, cols, tb.rows)
				}
				tb.endRow()
				rowNum++
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					fl.skip(0, "reading Parquet row %d: %v", rowNum, err)
				}
				break
			}
			if n == 0 {
				break
			}
		}
		rows.Close()
	}
	if badValues > 0 {
		fl.problem(0, "%d Parquet value(s) could not be converted (first in row %d); stored as null", badValues, firstBad)
	}
	if badUTF8 > 0 {
		fl.problem(0, "%d Parquet string(s) held invalid UTF-8, replaced with U+FFFD (first in row %d)", badUTF8, firstBadUTF8)
	}
}

// parquetNested fills the nested fields of one row as dynamic values.
func (fl *fileLoader) parquetNested(schema *parquet.Schema, row parquet.Row, cols []*pqColumn, rowNum int) {
	m := map[string]any{}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		return schema.Reconstruct(&m, row)
	}()
	if err != nil {
		fl.problem(0, "Parquet row %d: nested fields unreadable: %v; stored as null", rowNum, err)
		return
	}
	for _, pc := range cols {
		if pc.conv != nil || pc.cb.length() > rowNum {
			continue
		}
		pc.cb.col.Append(types.NewDynamic(goToDynamic(m[pc.name])))
	}
}

// goToDynamic converts a value reconstructed by parquet-go into a KQL dynamic value.
func goToDynamic(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case bool, string, int64, float64:
		return t
	case int32:
		return int64(t)
	case int:
		return int64(t)
	case float32:
		return float64(t)
	case []byte:
		return string(t)
	case time.Time:
		return types.DynDateTime(types.TimeToTicks(t))
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		bag := types.NewBag()
		for _, k := range keys {
			bag.Set(k, goToDynamic(t[k]))
		}
		return bag
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = goToDynamic(e)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = goToDynamic(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		bag := types.NewBag()
		keys := rv.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i].Interface()) < fmt.Sprint(keys[j].Interface()) })
		for _, k := range keys {
			bag.Set(fmt.Sprint(k.Interface()), goToDynamic(rv.MapIndex(k).Interface()))
		}
		return bag
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return goToDynamic(rv.Elem().Interface())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	}
	return fmt.Sprint(v)
}

func countLeaves(n parquet.Node) int {
	if n.Leaf() {
		return 1
	}
	c := 0
	for _, f := range n.Fields() {
		c += countLeaves(f)
	}
	return c
}

// retyped converts a Parquet value to the type the built-in schema gives its column, through its text.
func retyped(conv func(parquet.Value) (types.Value, bool), to types.Type) func(parquet.Value) (types.Value, bool) {
	return func(v parquet.Value) (types.Value, bool) {
		val, ok := conv(v)
		if !ok {
			return val, false
		}
		if to == types.Dynamic {
			return types.NewDynamic(dynamicOf(val)), true
		}
		return textValue(to, valueText(val))
	}
}

// parquetLeafType maps a Parquet leaf (physical type and logical annotation) to a KQL type and a converter.
func parquetLeafType(n parquet.Node) (types.Type, func(parquet.Value) (types.Value, bool)) {
	t := n.Type()
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch l := lt.Value.(type) {
		case *format.StringType, *format.EnumType:
			return types.String, func(v parquet.Value) (types.Value, bool) { return types.NewString(string(v.ByteArray())), true }
		case *format.JsonType:
			return types.Dynamic, func(v parquet.Value) (types.Value, bool) {
				d, ok := parseDynamicText(string(v.ByteArray()))
				return types.NewDynamic(d), ok
			}
		case *format.UUIDType:
			return types.GUID, func(v parquet.Value) (types.Value, bool) {
				b := v.ByteArray()
				if len(b) != 16 {
					return types.Value{}, false
				}
				return types.NewGUID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])), true
			}
		case *format.DateType:
			return types.DateTime, func(v parquet.Value) (types.Value, bool) {
				return types.NewDateTime(types.UnixEpochTicks + int64(v.Int32())*types.TicksPerDay), true
			}
		case *format.TimestampType:
			scale := unitTicks(l.Unit)
			return types.DateTime, func(v parquet.Value) (types.Value, bool) {
				ticks, ok := scale(v.Int64())
				ticks += types.UnixEpochTicks
				return types.NewDateTime(ticks), ok && ticks >= 0 && ticks <= types.MaxDateTimeTicks
			}
		case *format.TimeType:
			scale := unitTicks(l.Unit)
			return types.TimeSpan, func(v parquet.Value) (types.Value, bool) {
				raw := v.Int64()
				if t.Kind() == parquet.Int32 {
					raw = int64(v.Int32())
				}
				ticks, ok := scale(raw)
				return types.NewTimeSpan(ticks), ok
			}
		case *format.IntType:
			if l.BitWidth == 64 || (l.BitWidth == 32 && !l.IsSigned) {
				return types.Long, func(v parquet.Value) (types.Value, bool) {
					if t.Kind() == parquet.Int32 {
						return types.NewLong(int64(uint32(v.Int32()))), true
					}
					return types.NewLong(v.Int64()), true
				}
			}
			return types.Int, func(v parquet.Value) (types.Value, bool) {
				return types.Value{Type: types.Int, I: int64(v.Int32())}, true
			}
		case *format.DecimalType:
			scale := math.Pow10(int(l.Scale))
			return types.Real, func(v parquet.Value) (types.Value, bool) {
				var f float64
				switch t.Kind() {
				case parquet.Int32:
					f = float64(v.Int32())
				case parquet.Int64:
					f = float64(v.Int64())
				default:
					f = twosComplementFloat(v.ByteArray())
				}
				return types.NewReal(f / scale), true
			}
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return types.Bool, func(v parquet.Value) (types.Value, bool) { return types.NewBool(v.Boolean()), true }
	case parquet.Int32:
		return types.Int, func(v parquet.Value) (types.Value, bool) {
			return types.Value{Type: types.Int, I: int64(v.Int32())}, true
		}
	case parquet.Int64:
		return types.Long, func(v parquet.Value) (types.Value, bool) { return types.NewLong(v.Int64()), true }
	case parquet.Int96:
		return types.DateTime, func(v parquet.Value) (types.Value, bool) {
			i := v.Int96()
			nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
			ticks := (int64(i[2])-julianUnixEpoch)*types.TicksPerDay + nanos/100 + types.UnixEpochTicks
			return types.NewDateTime(ticks), ticks >= 0 && ticks <= types.MaxDateTimeTicks
		}
	case parquet.Float:
		return types.Real, func(v parquet.Value) (types.Value, bool) { return types.NewReal(float64(v.Float())), true }
	case parquet.Double:
		return types.Real, func(v parquet.Value) (types.Value, bool) { return types.NewReal(v.Double()), true }
	}
	return types.String, func(v parquet.Value) (types.Value, bool) { return types.NewString(string(v.ByteArray())), true }
}

// unitTicks converts a count of a Parquet time unit to ticks; ok is false on overflow.
func unitTicks(u format.TimeUnit) func(int64) (int64, bool) {
	per := int64(types.TicksPerMillisecond) // the default when the unit is missing
	if u.Value != nil {
		d := u.Value.Duration()
		if d < 100*time.Nanosecond {
			div := int64(100 * time.Nanosecond / d)
			return func(x int64) (int64, bool) { return x / div, true }
		}
		per = int64(d / (100 * time.Nanosecond))
	}
	return func(x int64) (int64, bool) {
		if x > math.MaxInt64/per || x < math.MinInt64/per {
			return 0, false
		}
		return x * per, true
	}
}

// twosComplementFloat reads a big-endian two's complement integer (a Parquet decimal's unscaled value).
func twosComplementFloat(b []byte) float64 {
	if len(b) == 0 {
		return 0
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	return f
}
