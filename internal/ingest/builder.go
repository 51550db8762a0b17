package ingest

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// colBuilder accumulates one column. A column whose type is fixed (by the built-in schema or by the type list
// of an API response) rejects values that do not fit; an inferred column takes its type from the first
// non-null value and widens when a later value does not fit (long → real, anything → string or dynamic),
// so no value is lost.
type colBuilder struct {
	name    string
	fixed   bool
	typ     types.Type // Unknown while an inferred column has seen only nulls
	pending int        // nulls seen before the type was known
	col     *types.Column
	intern  [internSlots]string // recent short values (see internBytes)
	arena   []byte              // backing store of copied strings (see copyString)
	skip    bool                // a column the caller did not ask for (see Options.Columns)
	capHint int                 // values to allocate room for when the column is made (see fileLoader.rowsHint)
	counted int                 // values counted against the load's budget (see tableBuilder.newBytes)
}

func (c *colBuilder) length() int {
	if c.col == nil {
		return c.pending
	}
	return c.col.Len()
}

func (c *colBuilder) setType(t types.Type) {
	c.typ = t
	c.col = types.NewColumn(t, max(c.pending+16, c.capHint))
	for i := 0; i < c.pending; i++ {
		c.col.AppendNull()
	}
	c.pending = 0
}

func (c *colBuilder) appendNull() {
	col := c.col
	if col == nil {
		c.pending++
		return
	}
	switch col.Type.Physical() {
	case types.PhysInt:
		col.Nulls.Set(len(col.Ints))
		col.Ints = append(col.Ints, 0)
	case types.PhysReal:
		col.Nulls.Set(len(col.Reals))
		col.Reals = append(col.Reals, 0)
	case types.PhysStr:
		if col.Type != types.String {
			col.Nulls.Set(len(col.Strs))
		}
		col.Strs = append(col.Strs, "")
	case types.PhysDyn:
		col.Dyns = append(col.Dyns, nil)
	}
}

// internBytes returns raw as a string, sharing one copy of short repeated values (action types, workloads,
// tenant ids) so that a million rows do not hold a million copies. The values seen are kept in a small
// direct-mapped cache (slot chosen by length and three bytes, no hashing of the whole value): a repeated value
// costs one comparison, a new one a copy into the arena, whatever the column's cardinality.
func (c *colBuilder) internBytes(raw []byte) string {
	if len(raw) == 0 || len(raw) > 64 {
		return c.copyString(raw)
	}
	slot := internSlot(raw)
	if s := c.intern[slot]; len(s) == len(raw) && s == string(raw) {
		return s
	}
	s := c.copyString(raw)
	c.intern[slot] = s
	return s
}

// internSlot picks the cache slot of a value (1 to 64 bytes).
func internSlot(b []byte) int {
	n := len(b)
	return int(uint(n)*7^uint(b[0])^uint(b[n/2])<<1^uint(b[n-1])<<2) % internSlots
}

// internSlots is the size of a column's intern cache.
const internSlots = 32

// arenaChunk is the size of the blocks short strings are copied into.
const arenaChunk = 64 << 10

// copyString copies b into the column's string arena: one allocation per block (of up to 64 KB) instead of one per value,
// which spares the allocator and the garbage collector. Arena bytes are never written again once a string
// points at them, so the strings stay immutable.
func (c *colBuilder) copyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaChunk/8 {
		return string(b)
	}
	if cap(c.arena)-len(c.arena) < len(b) {
		// The first block is sized for the rows expected (the first value's length times the hint), later ones
		// double: a small file's column does not pin a mostly empty 64 KB block for as long as its rows live.
		size := 2 * cap(c.arena)
		if size == 0 {
			size = c.capHint * len(b)
		}
		c.arena = make([]byte, 0, min(max(size, 256, len(b)), arenaChunk))
	}
	start := len(c.arena)
	c.arena = append(c.arena, b...)
	return unsafe.String(&c.arena[start], len(b))
}

// internString is internBytes for a string already decoded.
func (c *colBuilder) internString(s string) string {
	if len(s) == 0 || len(s) > 64 {
		return s
	}
	slot := internSlot(unsafe.Slice(unsafe.StringData(s), len(s)))
	if v := c.intern[slot]; v == s {
		return v
	}
	c.intern[slot] = s
	return s
}

// widen converts the values gathered so far to type t.
func (c *colBuilder) widen(t types.Type) {
	if c.col == nil {
		c.typ = t
		return
	}
	c.col = convertColumn(c.col, t)
	c.typ = t
}

// finish returns the column; a column that only ever held nulls becomes a string column of empty strings.
func (c *colBuilder) finish() *types.Column {
	if c.col == nil {
		t := c.typ
		if t == types.Unknown {
			t = types.String
		}
		c.setType(t)
	}
	return c.col
}

// tableBuilder accumulates the rows of one table read from one file.
type tableBuilder struct {
	name  string
	known bool // the built-in catalog has this table
	cols  []*colBuilder
	index map[string]int
	rows  int
	keep  map[string]bool // columns to read; nil reads all
	// asked are the columns the caller asked for (nil: all); keep also holds those they are derived from, which
	// are read when a file has them but not made when it has not (see keepSet)
	asked map[string]bool
	// fields are the built-in schema's columns, when the table is built in
	fields []types.Field
	// capHint is about how many rows the table will get (0: unknown), for its columns' first allocation.
	capHint int
	// byPosition remembers which column the i-th key of the last row named; rows of one source list their
	// keys in the same order, so this spares a map lookup per cell.
	byPosition []*colBuilder
}

// newTableBuilder starts a table; columns, when not nil, lists the only columns to read (see keepSet); capHint
// is about how many rows it will get (0: unknown).
func newTableBuilder(name string, columns []string, capHint int) *tableBuilder {
	tb := &tableBuilder{name: name, index: map[string]int{}, capHint: min(capHint, 1<<20)}
	fields, known := catalog.KnownSchema(name)
	if columns != nil {
		tb.keep, tb.asked = keepSet(columns, known)
	}
	if known {
		tb.known, tb.fields = true, fields
		for _, f := range fields {
			if tb.asks(f.Name) {
				tb.addColumn(f.Name, f.Type, true)
			}
		}
	}
	return tb
}

// keepSet turns a column list into the columns to read (keep) and those asked for. A column is read with those
// it is derived from where a row lacks it (see fillDerived), so that a column read alone has the values it has
// when every column is read: TimeGenerated with Timestamp (which is then asked for too), and in a built-in
// table Timestamp with TimeGenerated (read when a file has it).
func keepSet(columns []string, known bool) (keep, asked map[string]bool) {
	keep = make(map[string]bool, len(columns)+2)
	asked = make(map[string]bool, len(columns)+1)
	for _, c := range columns {
		keep[c], asked[c] = true, true
	}
	if asked["TimeGenerated"] {
		keep["Timestamp"], asked["Timestamp"] = true, true
	}
	if asked["Timestamp"] && known {
		keep["TimeGenerated"] = true
	}
	return keep, asked
}

// wants reports whether the column is read.
func (tb *tableBuilder) wants(name string) bool { return tb.keep == nil || tb.keep[name] }

// asks reports whether the column was asked for (it is in the table even when no row has it).
func (tb *tableBuilder) asks(name string) bool { return tb.asked == nil || tb.asked[name] }

// addColumn adds a column of type t. A column of the built-in schema keeps its documented type whatever the
// caller gives: a column read only to derive another is made when a file has it, as an inferred column would,
// and must have the type it has when every column is read.
func (tb *tableBuilder) addColumn(name string, t types.Type, fixed bool) *colBuilder {
	for _, f := range tb.fields {
		if f.Name == name {
			t, fixed = f.Type, true
			break
		}
	}
	cb := &colBuilder{name: name, fixed: fixed, pending: tb.rows, capHint: tb.capHint}
	if t != types.Unknown {
		cb.setType(t)
	}
	tb.index[name] = len(tb.cols)
	tb.cols = append(tb.cols, cb)
	return cb
}

// column returns the builder of the named column, adding an inferred column when it is new.
func (tb *tableBuilder) column(name []byte) *colBuilder {
	if i, ok := tb.index[string(name)]; ok {
		return tb.cols[i]
	}
	if tb.keep != nil && !tb.keep[string(name)] {
		return nil
	}
	return tb.addColumn(string(name), types.Unknown, false)
}

// columnAt is column for the i-th key of a row; a column that is not read comes back with skip set.
func (tb *tableBuilder) columnAt(i int, name []byte) *colBuilder {
	if cb := tb.cachedAt(i, name); cb != nil {
		return cb
	}
	cb := tb.column(name)
	if cb == nil {
		cb = &colBuilder{name: string(name), skip: true}
	}
	for len(tb.byPosition) <= i {
		tb.byPosition = append(tb.byPosition, nil)
	}
	tb.byPosition[i] = cb
	return cb
}

// cachedAt is the column the i-th key of the last row named, when name is that key again; nil otherwise.
func (tb *tableBuilder) cachedAt(i int, name []byte) *colBuilder {
	if i < len(tb.byPosition) {
		if cb := tb.byPosition[i]; cb != nil && cb.name == string(name) {
			return cb
		}
	}
	return nil
}

func (tb *tableBuilder) columnNamed(name string) *colBuilder {
	if i, ok := tb.index[name]; ok {
		return tb.cols[i]
	}
	return nil
}

// endRow pads the columns the row did not set with nulls.
func (tb *tableBuilder) endRow() {
	tb.rows++
	for _, c := range tb.cols {
		for c.length() < tb.rows {
			c.appendNull()
		}
	}
}

// dropRow removes whatever a rejected row had appended already.
func (tb *tableBuilder) dropRow() {
	for _, c := range tb.cols {
		if c.length() > tb.rows {
			truncateColumn(c, tb.rows)
		}
	}
}

func truncateColumn(c *colBuilder, n int) {
	if c.col == nil {
		c.pending = n
		return
	}
	col := c.col
	old := col.Len()
	switch col.Type.Physical() {
	case types.PhysInt:
		col.Ints = col.Ints[:n]
	case types.PhysReal:
		col.Reals = col.Reals[:n]
	case types.PhysStr:
		col.Strs = col.Strs[:n]
	case types.PhysDyn:
		col.Dyns = col.Dyns[:n]
	}
	for i := n; i < old; i++ {
		col.Nulls.Clear(i)
	}
}

// fillDerived sets the columns Sentinel derives: TimeGenerated from Timestamp where absent (and, for built-in
// tables, Timestamp from TimeGenerated), and Type = table name for built-in tables.
func (tb *tableBuilder) fillDerived() {
	ts := tb.columnNamed("Timestamp")
	if ts != nil && ts.typ == types.DateTime && ts.col != nil {
		tg := tb.columnNamed("TimeGenerated")
		if tg == nil && tb.asks("TimeGenerated") {
			tg = tb.addColumn("TimeGenerated", types.DateTime, true)
			for tg.length() < tb.rows {
				tg.appendNull()
			}
		}
		if tg != nil && tg.typ == types.DateTime && tg.col != nil {
			for i := 0; i < tb.rows; i++ {
				switch {
				case tg.col.Nulls.Get(i) && !ts.col.Nulls.Get(i):
					tg.col.Ints[i] = ts.col.Ints[i]
					tg.col.Nulls.Clear(i)
				case tb.known && ts.col.Nulls.Get(i) && !tg.col.Nulls.Get(i):
					// A Sentinel export of a Defender table may carry only TimeGenerated; Sentinel has both.
					ts.col.Ints[i] = tg.col.Ints[i]
					ts.col.Nulls.Clear(i)
				}
			}
		}
	}
	if tb.known {
		if typ := tb.columnNamed("Type"); typ != nil && typ.typ == types.String && typ.col != nil {
			for i, s := range typ.col.Strs {
				if s == "" {
					typ.col.Strs[i] = tb.name
				}
			}
		}
	}
}

// jsonTok is one JSON value read for a cell.
type jsonTok struct {
	kind tokKind
	b    bool
	num  []byte // number text
	str  string // decoded string
	dyn  any    // decoded array or object
}

type tokKind uint8

const (
	tokNull tokKind = iota
	tokBool
	tokNumber
	tokString
	tokContainer
)

// readTok reads the value at sc.pos into tok; strings are interned per column.
func readTok(sc *jsonScanner, cb *colBuilder, tok *jsonTok) error {
	switch c := sc.peek(); c {
	case 'n':
		tok.kind = tokNull
		return sc.literal("null")
	case 't':
		tok.kind, tok.b = tokBool, true
		return sc.literal("true")
	case 'f':
		tok.kind, tok.b = tokBool, false
		return sc.literal("false")
	case '"':
		tok.kind = tokString
		start := sc.pos
		raw, complex, err := sc.rawString()
		if err != nil {
			return err
		}
		if !complex {
			tok.str = cb.internBytes(raw)
			return nil
		}
		b, ok := sc.decodeBytes(raw)
		if !ok {
			sc.pos = start
			return sc.errorf("invalid escape in JSON string")
		}
		tok.str = cb.internBytes(b)
		return nil
	case '{', '[':
		tok.kind = tokContainer
		v, err := sc.decodeDynamic(1)
		tok.dyn = v
		return err
	default:
		tok.kind = tokNumber
		num, err := sc.number()
		tok.num = num
		return err
	}
}

// inferTokType is the type an inferred column takes from a value.
func inferTokType(tok *jsonTok) types.Type {
	switch tok.kind {
	case tokBool:
		return types.Bool
	case tokNumber:
		if isJSONInteger(tok.num) {
			if _, err := strconv.ParseInt(string(tok.num), 10, 64); err == nil {
				return types.Long
			}
		}
		return types.Real
	case tokString:
		if looksLikeISODateTime(tok.str) {
			return types.DateTime
		}
		return types.String
	case tokContainer:
		return types.Dynamic
	}
	return types.Unknown
}

// looksLikeISODateTime accepts only full ISO 8601 date-times ("2026-11-20T08:13:11Z"), so that inferred columns
// become datetime only when the text cannot mean anything else.
func looksLikeISODateTime(s string) bool {
	if len(s) < 19 || len(s) > 40 || (s[10] != 'T' && s[10] != ' ') || s[4] != '-' || s[13] != ':' {
		return false
	}
	_, ok := types.ParseDateTime(s)
	return ok
}

// accepts reports whether a column of type col can hold a value inferred as v without widening.
func accepts(col, v types.Type) bool {
	return col == v || col == types.String || col == types.Dynamic || (col == types.Real && v == types.Long)
}

// unify is the type two inferred types widen to.
func unify(a, b types.Type) types.Type {
	switch {
	case a == b:
		return a
	case a == types.Unknown:
		return b
	case b == types.Unknown:
		return a
	case a == types.Dynamic || b == types.Dynamic:
		return types.Dynamic
	case a.IsNumeric() && b.IsNumeric():
		if a == types.Int && b == types.Long || a == types.Long && b == types.Int {
			return types.Long
		}
		return types.Real
	}
	return types.String
}

// tokValue converts a JSON value to a value of type t; ok is false when it does not fit.
func tokValue(t types.Type, tok *jsonTok) (types.Value, bool) {
	if tok.kind == tokNull {
		return types.NullOf(t), true
	}
	switch t {
	case types.String:
		switch tok.kind {
		case tokString:
			return types.NewString(tok.str), true
		case tokBool:
			return types.NewString(strconv.FormatBool(tok.b)), true
		case tokNumber:
			return types.NewString(string(tok.num)), true
		default:
			return types.NewString(types.FormatJSON(tok.dyn)), true
		}
	case types.Dynamic:
		switch tok.kind {
		case tokString:
			// Kusto REST and Log Analytics send dynamic cells as JSON text; native JSON arrives decoded.
			if s := strings.TrimSpace(tok.str); len(s) > 0 && (s[0] == '{' || s[0] == '[') {
				if v, ok := parseDynamicText(s); ok {
					return types.NewDynamic(v), true
				}
			}
			return types.NewDynamic(tok.str), true
		case tokBool:
			return types.NewDynamic(tok.b), true
		case tokNumber:
			return types.NewDynamic(types.JSONNumber(string(tok.num))), true
		default:
			return types.NewDynamic(tok.dyn), true
		}
	case types.Bool:
		switch tok.kind {
		case tokBool:
			return types.NewBool(tok.b), true
		case tokNumber:
			switch string(tok.num) {
			case "0":
				return types.NewBool(false), true
			case "1":
				return types.NewBool(true), true
			}
			return types.Value{}, false
		case tokString:
			return textValue(t, tok.str)
		}
	case types.Int, types.Long, types.DateTime, types.TimeSpan, types.GUID, types.Real, types.Decimal:
		switch tok.kind {
		case tokNumber:
			switch t {
			case types.Real, types.Decimal:
				f, ok := parseJSONFloat(tok.num)
				return types.Value{Type: t, F: f}, ok
			case types.Int, types.Long:
				return textValue(t, string(tok.num))
			}
			return types.Value{}, false
		case tokString:
			return textValue(t, tok.str)
		case tokBool:
			if t == types.Int || t == types.Long {
				v := types.Value{Type: t}
				if tok.b {
					v.I = 1
				}
				return v, true
			}
		}
	}
	return types.Value{}, false
}

// textValue parses cell text as type t: the empty string is null, numbers and booleans in their usual forms
// (booleans also as 0/1), datetimes in the forms Kusto accepts. ok is false when the text does not fit.
func textValue(t types.Type, s string) (types.Value, bool) {
	if t == types.String {
		return types.NewString(s), true
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return types.NullOf(t), true
	}
	switch t {
	case types.Bool:
		switch strings.ToLower(s) {
		case "true", "1":
			return types.NewBool(true), true
		case "false", "0":
			return types.NewBool(false), true
		}
	case types.Int:
		if i, err := strconv.ParseInt(s, 10, 32); err == nil {
			return types.Value{Type: types.Int, I: i}, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f >= math.MinInt32 && f <= math.MaxInt32 {
			return types.Value{Type: types.Int, I: int64(f)}, true
		}
	case types.Long:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return types.NewLong(i), true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
			return types.NewLong(int64(f)), true
		}
	case types.Real, types.Decimal:
		switch s {
		case "NaN":
			return types.Value{Type: t, F: math.NaN()}, true
		case "Infinity", "+Infinity":
			return types.Value{Type: t, F: math.Inf(1)}, true
		case "-Infinity":
			return types.Value{Type: t, F: math.Inf(-1)}, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return types.Value{Type: t, F: f}, true
		}
	case types.DateTime:
		if ticks, ok := types.ParseDateTime(s); ok {
			return types.NewDateTime(ticks), true
		}
	case types.TimeSpan:
		if ticks, ok := types.ParseTimeSpan(s); ok {
			return types.NewTimeSpan(ticks), true
		}
	case types.GUID:
		if g, ok := canonicalGUID(s); ok {
			return types.NewGUID(g), true
		}
	case types.Dynamic:
		if v, ok := parseDynamicText(s); ok {
			return types.NewDynamic(v), true
		}
		return types.NewDynamic(s), true
	}
	return types.Value{}, false
}

// canonicalGUID checks the 8-4-4-4-12 hex form (optionally in braces) and lower-cases it.
func canonicalGUID(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return "", false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// valueText is the text of a value when its column widens to string.
func valueText(v types.Value) string {
	switch v.Type {
	case types.Bool:
		return strconv.FormatBool(v.I != 0)
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		if s, ok := v.D.(string); ok {
			return s
		}
		return types.FormatJSON(v.D)
	}
	return v.S
}

// dynamicOf is a value as a dynamic scalar, keeping its KQL type.
func dynamicOf(v types.Value) any {
	switch v.Type {
	case types.Bool:
		return v.I != 0
	case types.Int, types.Long:
		return v.I
	case types.Real, types.Decimal:
		return v.F
	case types.DateTime:
		return types.DynDateTime(v.I)
	case types.TimeSpan:
		return types.DynTimeSpan(v.I)
	case types.GUID:
		return types.DynGUID(v.S)
	case types.Dynamic:
		return v.D
	}
	return v.S
}

// convertColumn returns col's values as type to (only the widenings unify produces: numeric → real/long,
// anything → string or dynamic).
func convertColumn(col *types.Column, to types.Type) *types.Column {
	n := col.Len()
	out := types.NewColumn(to, n)
	for i := 0; i < n; i++ {
		v := col.Value(i)
		if v.Null {
			out.AppendNull()
			continue
		}
		switch to {
		case types.String:
			out.Append(types.NewString(valueText(v)))
		case types.Dynamic:
			out.Append(types.NewDynamic(dynamicOf(v)))
		case types.Real, types.Decimal:
			f := v.F
			if v.Type.IsIntegral() || v.Type == types.Bool {
				f = float64(v.I)
			}
			out.Append(types.Value{Type: to, F: f})
		default:
			out.Append(types.Value{Type: to, I: v.I})
		}
	}
	return out
}
