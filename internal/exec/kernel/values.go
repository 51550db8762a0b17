package kernel

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// newCol returns a column of type t with n rows, all zero and non-null.
func newCol(t types.Type, n int) *types.Column {
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
	}
	if n > 0 && t.Physical() != types.PhysDyn && t != types.String {
		c.Nulls = make(types.Bitmap, 0, (n+63)/64)
	}
	return c
}

// setNull makes row i of c null (the empty string for string columns, nil for dynamic).
func setNull(c *types.Column, i int) {
	switch c.Type.Physical() {
	case types.PhysDyn:
		c.Dyns[i] = nil
	case types.PhysStr:
		c.Strs[i] = ""
		if c.Type != types.String {
			c.Nulls.Set(i)
		}
	default:
		c.Nulls.Set(i)
	}
}

// setValue stores v (of c's type, or null) in row i.
func setValue(c *types.Column, i int, v types.Value) {
	if v.Null {
		setNull(c, i)
		return
	}
	c.Nulls.Clear(i)
	switch c.Type.Physical() {
	case types.PhysInt:
		c.Ints[i] = v.I
	case types.PhysReal:
		c.Reals[i] = v.F
	case types.PhysStr:
		c.Strs[i] = v.S
	case types.PhysDyn:
		c.Dyns[i] = v.D
	}
}

// boolCol returns a bool column of n rows.
func boolCol(n int) *types.Column { return newCol(types.Bool, n) }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// formatReal prints a real the way Kusto's tostring does (.NET shortest round-trip form):
// plain notation for decimal exponents in [-5, 15), otherwise E notation with a signed two-digit exponent.
func formatReal(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	if exp >= -5 && exp < 15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	sign := "+"
	if exp < 0 {
		sign = "-"
		exp = -exp
	}
	es := strconv.Itoa(exp)
	if len(es) < 2 {
		es = "0" + es
	}
	return mant + "E" + sign + es
}

// formatDateTimeText is tostring() of a datetime: ISO 8601 UTC with all seven fractional digits
// (reverse(datetime(2017-10-15 12:00)) is "Z0000000.00:00:21T51-01-7102" in the reference).
func formatDateTimeText(ticks int64) string { return types.FormatDateTime(ticks) }

// dynText is tostring() of a dynamic value: strings without quotes, scalars in their text form, arrays and bags as JSON.
func dynText(d any) string {
	switch t := d.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		if t {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case float64:
		return formatReal(t)
	case types.DynDateTime:
		return formatDateTimeText(int64(t))
	case types.DynTimeSpan:
		return types.FormatTimeSpan(int64(t))
	case types.DynGUID:
		return string(t)
	}
	return types.FormatJSON(d)
}

// valueText is tostring() of a value: the empty string for null.
func valueText(v types.Value) string {
	if v.Null {
		return ""
	}
	switch v.Type {
	case types.String, types.GUID:
		return v.S
	case types.Bool:
		if v.I != 0 {
			return "true"
		}
		return "false"
	case types.Int, types.Long:
		return strconv.FormatInt(v.I, 10)
	case types.Real, types.Decimal:
		return formatReal(v.F)
	case types.DateTime:
		return formatDateTimeText(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		return dynText(v.D)
	}
	return ""
}

// argText returns row i of a as text with tostring() semantics, avoiding a Value for string columns.
func argText(a Arg, i int) string {
	if a.Col.Type == types.String {
		return a.Str(i)
	}
	return valueText(a.Value(i))
}

// dynToValue converts a dynamic scalar to a value of its natural KQL type; arrays and bags stay dynamic.
func dynToValue(d any) types.Value {
	switch t := d.(type) {
	case nil:
		return types.NullOf(types.Dynamic)
	case bool:
		return types.NewBool(t)
	case int64:
		return types.NewLong(t)
	case int:
		return types.NewLong(int64(t))
	case float64:
		return types.NewReal(t)
	case string:
		return types.NewString(t)
	case types.DynDateTime:
		return types.NewDateTime(int64(t))
	case types.DynTimeSpan:
		return types.NewTimeSpan(int64(t))
	case types.DynGUID:
		return types.NewGUID(string(t))
	}
	return types.NewDynamic(d)
}

// dynTypeName is gettype() of a dynamic value.
func dynTypeName(d any) string {
	switch d.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64, int:
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case types.DynDateTime:
		return "datetime"
	case types.DynTimeSpan:
		return "timespan"
	case types.DynGUID:
		return "guid"
	case []any:
		return "array"
	case *types.Bag:
		return "dictionary"
	}
	return "dynamic"
}

// parseLongText parses integer text as tolong() does: optional sign, digits, surrounding spaces allowed;
// a real-looking text is truncated toward zero when it fits.
func parseLongText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, true
	}
	f, ok := parseRealText(s)
	if !ok {
		return 0, false
	}
	return realToLong(f)
}

// realToLong truncates f toward zero; NaN, infinities and values outside long's range give false.
func realToLong(f float64) (int64, bool) {
	if math.IsNaN(f) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return 0, false
	}
	return int64(f), true
}

// parseRealText parses real text: decimal or exponent notation, and NaN/Infinity/-Infinity (case-insensitive).
func parseRealText(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), true
	case "-infinity", "-inf":
		return math.Inf(-1), true
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
		return 0, false
	}
	// strconv accepts hex floats and underscores; Kusto does not.
	if strings.ContainsAny(s, "xX_pP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// toLongValue converts v with tolong() semantics.
func toLongValue(v types.Value) (int64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return v.I, true
	case types.Real, types.Decimal:
		return realToLong(v.F)
	case types.String:
		return parseLongText(v.S)
	case types.Dynamic:
		switch t := v.D.(type) {
		case bool:
			return b2i(t), true
		case int64:
			return t, true
		case int:
			return int64(t), true
		case float64:
			return realToLong(t)
		case string:
			return parseLongText(t)
		case types.DynDateTime:
			return int64(t), true
		case types.DynTimeSpan:
			return int64(t), true
		}
	}
	return 0, false
}

// toRealValue converts v with toreal() semantics.
func toRealValue(v types.Value) (float64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return float64(v.I), true
	case types.Real, types.Decimal:
		return v.F, true
	case types.String:
		return parseRealText(v.S)
	case types.Dynamic:
		switch t := v.D.(type) {
		case bool:
			return float64(b2i(t)), true
		case int64:
			return float64(t), true
		case int:
			return float64(t), true
		case float64:
			return t, true
		case string:
			return parseRealText(t)
		case types.DynDateTime:
			return float64(t), true
		case types.DynTimeSpan:
			return float64(t), true
		}
	}
	return 0, false
}

// parseBoolText parses "true"/"false" in any case, and the integers 1 and 0.
func parseBoolText(s string) (bool, bool) {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i != 0, true
	}
	return false, false
}

// toBoolValue converts v with tobool() semantics.
func toBoolValue(v types.Value) (bool, bool) {
	if v.Null {
		return false, false
	}
	switch v.Type {
	case types.Bool, types.Int, types.Long:
		return v.I != 0, true
	case types.Real, types.Decimal:
		if math.IsNaN(v.F) {
			return false, false
		}
		return v.F != 0, true
	case types.String:
		return parseBoolText(v.S)
	case types.Dynamic:
		switch t := v.D.(type) {
		case bool:
			return t, true
		case int64:
			return t != 0, true
		case float64:
			return t != 0, true
		case string:
			return parseBoolText(t)
		}
	}
	return false, false
}

// toDateTimeValue converts v with todatetime() semantics.
func toDateTimeValue(v types.Value) (int64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.DateTime:
		return v.I, true
	case types.String:
		return parseDateTimeText(v.S)
	case types.Dynamic:
		switch t := v.D.(type) {
		case types.DynDateTime:
			return int64(t), true
		case string:
			return parseDateTimeText(t)
		}
	}
	return 0, false
}

// usDateTimeLayouts are the invariant-culture forms (month first) that Kusto's todatetime() also reads,
// as in the reference's parse examples ("02/17/2016 08:40:01").
var usDateTimeLayouts = []string{"1/2/2006 15:04:05", "1/2/2006 3:04:05 PM", "1/2/2006 15:04", "1/2/2006 3:04 PM", "1/2/2006"}

// parseDateTimeText reads datetime text: the ISO and RFC forms, then the month-first invariant forms.
func parseDateTimeText(s string) (int64, bool) {
	if t, ok := types.ParseDateTime(s); ok {
		return t, true
	}
	s = strings.TrimSpace(s)
	for _, layout := range usDateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return types.TimeToTicks(t), true
		}
	}
	return 0, false
}

// toTimeSpanValue converts v with totimespan() semantics; numbers are ticks.
func toTimeSpanValue(v types.Value) (int64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.Type {
	case types.TimeSpan:
		return v.I, true
	case types.Int, types.Long:
		return v.I, true
	case types.Real, types.Decimal:
		return realToLong(v.F)
	case types.String:
		return types.ParseTimeSpan(v.S)
	case types.Dynamic:
		switch t := v.D.(type) {
		case types.DynTimeSpan:
			return int64(t), true
		case int64:
			return t, true
		case float64:
			return realToLong(t)
		case string:
			return types.ParseTimeSpan(t)
		}
	}
	return 0, false
}

// parseGUIDText parses a guid in its usual text forms (with or without hyphens and braces) to canonical lower case.
func parseGUIDText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	hex := make([]byte, 0, 32)
	switch len(s) {
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return "", false
		}
		for i := 0; i < 36; i++ {
			if i != 8 && i != 13 && i != 18 && i != 23 {
				hex = append(hex, s[i])
			}
		}
	case 32:
		hex = append(hex, s...)
	default:
		return "", false
	}
	for i, c := range hex {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			hex[i] = c + 'a' - 'A'
		default:
			return "", false
		}
	}
	h := string(hex)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], true
}

// ticksToTime converts datetime ticks to a Go time; ok is false when ticks are outside Kusto's datetime range.
func ticksToTime(ticks int64) (time.Time, bool) {
	if ticks < 0 || ticks > types.MaxDateTimeTicks {
		return time.Time{}, false
	}
	return types.TicksToTime(ticks), true
}

// validDateTime reports whether ticks lie in Kusto's datetime range.
func validDateTime(ticks int64) bool { return ticks >= 0 && ticks <= types.MaxDateTimeTicks }

// typeSet is a set of argument types a parameter accepts.
type typeSet uint32

func setOf(ts ...types.Type) typeSet {
	var s typeSet
	for _, t := range ts {
		s |= 1 << t
	}
	return s
}

var (
	tBool     = setOf(types.Bool)
	tString   = setOf(types.String)
	tDateTime = setOf(types.DateTime)
	tTimeSpan = setOf(types.TimeSpan)
	tDynamic  = setOf(types.Dynamic)
	tGUID     = setOf(types.GUID)
	tInteger  = setOf(types.Int, types.Long)
	tNumber   = setOf(types.Int, types.Long, types.Real, types.Decimal)
	tScalar   = setOf(types.Bool, types.Int, types.Long, types.Real, types.Decimal, types.String, types.DateTime,
		types.TimeSpan, types.GUID, types.Dynamic)
	tSummable = tNumber | tDateTime | tTimeSpan
)

func (s typeSet) has(t types.Type) bool { return t == types.Unknown || s&(1<<t) != 0 }

// names lists the set's types for an error message, in Kusto's "a, b or c" style.
func (s typeSet) names() string {
	var ns []string
	for t := types.Bool; t <= types.Dynamic; t++ {
		if s&(1<<t) != 0 {
			ns = append(ns, t.String())
		}
	}
	if len(ns) == 1 {
		return "the type " + ns[0]
	}
	return "one of the types: " + strings.Join(ns[:len(ns)-1], ", ") + " or " + ns[len(ns)-1]
}

// checkArgs checks the argument count and each argument's type; the last set repeats for extra arguments.
func checkArgs(name string, args []ArgInfo, min, max int, sets ...typeSet) error {
	if err := CheckArity(name, min, max, len(args)); err != nil {
		return err
	}
	for i, a := range args {
		if len(sets) == 0 {
			break
		}
		s := sets[len(sets)-1]
		if i < len(sets) {
			s = sets[i]
		}
		if !s.has(a.Type) {
			return typeError(i, s)
		}
	}
	return nil
}

// typeError is Kusto's error for an argument of the wrong type.
func typeError(i int, s typeSet) error {
	return &ArgError{Index: i, Msg: "The expression must have " + s.names() + "."}
}

// constString returns the constant string value of an argument known before evaluation.
func constString(a ArgInfo) (string, bool) {
	if a.Const == nil || a.Const.Null || a.Const.Type != types.String {
		return "", false
	}
	return a.Const.S, true
}
