package kernel

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones for datetime_utc_to_local on machines without a zone database
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Further string, binary, encoding, IPv6, JSON-path and time-zone functions.

func init() {
	registerRowFunc("replace_strings", nil, types.String, 3, 3, paramTypes(tString, tDynamic, tDynamic), func(_ *Context, v []types.Value) types.Value {
		lookups, ok1 := v[1].D.([]any)
		rewrites, ok2 := v[2].D.([]any)
		if !ok1 || !ok2 {
			return types.NewString(v[0].S)
		}
		return types.NewString(replaceStrings(v[0].S, lookups, rewrites))
	})
	registerRowFunc("format_bytes", nil, types.String, 1, 4, paramTypes(tNumber, tInteger, tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return types.NewString("")
		}
		return types.NewString(formatBytes(v))
	})
	registerRowFunc("string_size", nil, types.Long, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewLong(int64(len(v[0].S)))
	})
	registerRowFunc("isascii", nil, types.Bool, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(isASCII(v[0].S))
	})
	registerRowFunc("isutf8", nil, types.Bool, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewBool(utf8.ValidString(v[0].S))
	})
	registerRowFunc("strcmp", nil, types.Int, 2, 2, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewInt(int64(strings.Compare(v[0].S, v[1].S)))
	})
	registerRowFunc("unicode_codepoints_from_string", nil, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		out := []any{}
		for _, r := range v[0].S {
			out = append(out, int64(r))
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("unicode_codepoints_to_string", []string{"make_string"}, types.String, 1, -1, paramTypes(tInteger|tDynamic), func(_ *Context, v []types.Value) types.Value {
		var b strings.Builder
		add := func(x types.Value) bool {
			i, ok := toLongValue(x)
			if !ok || i < 0 || i > utf8.MaxRune {
				return false
			}
			b.WriteRune(rune(i))
			return true
		}
		for _, x := range v {
			if arr, ok := x.D.([]any); ok && x.Type == types.Dynamic {
				for _, e := range arr {
					if !add(types.NewDynamic(e)) {
						return types.NewString("")
					}
				}
				continue
			}
			if !add(x) {
				return types.NewString("")
			}
		}
		return types.NewString(b.String())
	})
	registerRowFunc("tohex", nil, types.String, 1, 2, paramTypes(tInteger, tInteger), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return types.NewString("")
		}
		x := v[0].I
		var s string
		if v[0].Type == types.Int {
			s = strconv.FormatUint(uint64(uint32(x)), 16)
		} else {
			s = strconv.FormatUint(uint64(x), 16)
		}
		if len(v) > 1 && v[1].I > int64(len(s)) && v[1].I <= 64 {
			s = strings.Repeat("0", int(v[1].I)-len(s)) + s
		}
		return types.NewString(s)
	})
	binary := func(name string, fn func(a, b int64) int64) {
		registerRowFunc(name, nil, types.Long, 2, 2, paramTypes(tInteger), func(_ *Context, v []types.Value) types.Value {
			if anyNull(v) {
				return nullV(types.Long)
			}
			return types.NewLong(fn(v[0].I, v[1].I))
		})
	}
	binary("binary_and", func(a, b int64) int64 { return a & b })
	binary("binary_or", func(a, b int64) int64 { return a | b })
	binary("binary_xor", func(a, b int64) int64 { return a ^ b })
	binary("binary_shift_left", func(a, b int64) int64 {
		if b < 0 || b >= 64 {
			return 0
		}
		return a << uint(b)
	})
	binary("binary_shift_right", func(a, b int64) int64 {
		if b < 0 || b >= 64 {
			return 0
		}
		return int64(uint64(a) >> uint(b))
	})
	registerRowFunc("binary_not", nil, types.Long, 1, 1, paramTypes(tInteger), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return nullV(types.Long)
		}
		return types.NewLong(^v[0].I)
	})
	registerRowFunc("bitset_count_ones", nil, types.Long, 1, 1, paramTypes(tInteger), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return nullV(types.Long)
		}
		return types.NewLong(int64(bits.OnesCount64(uint64(v[0].I))))
	})
	registerRowFunc("base64_decode_toarray", nil, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		b, ok := base64Bytes(v[0].S)
		if !ok {
			return nullV(types.Dynamic)
		}
		out := make([]any, len(b))
		for i, x := range b {
			out[i] = int64(x)
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("base64_encode_fromarray", nil, types.String, 1, 1, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return types.NewString("")
		}
		buf := make([]byte, len(arr))
		for i, e := range arr {
			x, ok := toLongValue(types.NewDynamic(e))
			if !ok || x < 0 || x > 255 {
				return types.NewString("")
			}
			buf[i] = byte(x)
		}
		return types.NewString(base64.StdEncoding.EncodeToString(buf))
	})
	registerRowFunc("base64_encode_fromguid", nil, types.String, 1, 1, paramTypes(tGUID), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return types.NewString("")
		}
		b, ok := guidBytes(v[0].S)
		if !ok {
			return types.NewString("")
		}
		return types.NewString(base64.StdEncoding.EncodeToString(b))
	})
	registerRowFunc("base64_decode_toguid", nil, types.GUID, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		b, ok := base64Bytes(v[0].S)
		if !ok || len(b) != 16 {
			return nullV(types.GUID)
		}
		return types.NewGUID(guidFromBytes(b))
	})
	registerRowFunc("hash_sha1", nil, types.String, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		h := sha1.Sum([]byte(valueText(v[0])))
		return types.NewString(hex.EncodeToString(h[:]))
	})
	registerRowFunc("parse_ipv6", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		ip, ok := parseIPv6(v[0].S)
		if !ok {
			return types.NewString("")
		}
		return types.NewString(formatIPv6(maskIPv6(ip.addr, ip.prefix)))
	})
	registerRowFunc("parse_ipv6_mask", nil, types.String, 2, 2, paramTypes(tString, tInteger), func(_ *Context, v []types.Value) types.Value {
		ip, ok := parseIPv6(v[0].S)
		if !ok || v[1].Null || v[1].I < 0 || v[1].I > 128 {
			return types.NewString("")
		}
		return types.NewString(formatIPv6(maskIPv6(ip.addr, minInt(ip.prefix, int(v[1].I)))))
	})
	registerRowFunc("ipv6_is_in_range", nil, types.Bool, 2, 2, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		ip, ok1 := parseIPv6(v[0].S)
		rng, ok2 := parseIPv6(v[1].S)
		if !ok1 || !ok2 {
			return nullV(types.Bool)
		}
		p := minInt(ip.prefix, rng.prefix)
		return types.NewBool(maskIPv6(ip.addr, p) == maskIPv6(rng.addr, p))
	})
	registerRowFunc("has_any_index", nil, types.Long, 2, 2, paramTypes(tString, tDynamic), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[1].D.([]any)
		if !ok {
			return nullV(types.Long)
		}
		for i, e := range arr {
			if e != nil && hasTerm(v[0].S, lowerASCII(dynText(e)), false) {
				return types.NewLong(int64(i))
			}
		}
		return types.NewLong(-1)
	})
	registerRowFunc("parse_csv", nil, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewDynamic(parseCSVRecord(v[0].S))
	})
	RegisterScalar(&Scalar{
		Name: "extract_json", Aliases: []string{"extractjson"}, MinArgs: 2, MaxArgs: 3,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("extract_json", args, 2, 3, tString, tString, tScalar); err != nil {
				return types.Unknown, err
			}
			if len(args) == 3 {
				if !args[2].TypeOf {
					return types.Unknown, &ArgError{Index: 2, Msg: "The expression must be a typeof() literal."}
				}
				return args[2].Type, nil
			}
			return types.String, nil
		},
		Eval: func(ctx *Context, args []Arg, n int) (*types.Column, error) {
			t := types.String
			if len(args) == 3 {
				t = args[2].Col.Type
			}
			return evalRows(fixedType(t), func(_ *Context, v []types.Value) types.Value {
				return extractJSON(v[0].S, v[1].S, t)
			})(ctx, args, n)
		},
	})
	realFunc := func(name string, fn func(float64) float64) {
		registerRowFunc(name, nil, types.Real, 1, 1, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
			x, ok := toRealValue(v[0])
			if !ok {
				return nullV(types.Real)
			}
			return types.NewReal(fn(x))
		})
	}
	realFunc("erf", math.Erf)
	realFunc("erfc", math.Erfc)
	realFunc("gamma", math.Gamma)
	realFunc("loggamma", func(x float64) float64 { r, _ := math.Lgamma(x); return r })
	for _, c := range []struct {
		name    string
		toLocal bool
	}{{"datetime_utc_to_local", true}, {"datetime_local_to_utc", false}} {
		registerRowFunc(c.name, nil, types.DateTime, 2, 2, paramTypes(tDateTime, tString), func(_ *Context, v []types.Value) types.Value {
			if v[0].Null {
				return nullV(types.DateTime)
			}
			return convertTimeZone(v[0].I, v[1].S, c.toLocal)
		})
	}
}

// replaceStrings replaces every lookup with its rewrite in one pass: earlier lookups claim their (non-overlapping)
// matches first, later lookups only match text no earlier lookup claimed, and replacements are never rescanned.
func replaceStrings(text string, lookups, rewrites []any) string {
	type match struct {
		start, end int
		with       string
	}
	var claimed []match
	overlaps := func(s, e int) bool {
		for _, m := range claimed {
			if s < m.end && m.start < e {
				return true
			}
		}
		return false
	}
	for i, l := range lookups {
		look := dynText(l)
		if look == "" {
			continue
		}
		with := ""
		if i < len(rewrites) {
			with = dynText(rewrites[i])
		}
		for from := 0; from <= len(text)-len(look); {
			j := strings.Index(text[from:], look)
			if j < 0 {
				break
			}
			s, e := from+j, from+j+len(look)
			if overlaps(s, e) {
				from = s + 1
				continue
			}
			claimed = append(claimed, match{s, e, with})
			from = e
		}
	}
	if len(claimed) == 0 {
		return text
	}
	// Sort claimed matches by position (insertion sort: few matches).
	for i := 1; i < len(claimed); i++ {
		for j := i; j > 0 && claimed[j].start < claimed[j-1].start; j-- {
			claimed[j], claimed[j-1] = claimed[j-1], claimed[j]
		}
	}
	var b strings.Builder
	prev := 0
	for _, m := range claimed {
		b.WriteString(text[prev:m.start])
		b.WriteString(m.with)
		prev = m.end
	}
	b.WriteString(text[prev:])
	return b.String()
}

var byteUnits = []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}

// formatBytes is format_bytes(size[, precision[, units[, base]]]): the largest unit the size reaches unless one
// is given, rounded to precision digits.
func formatBytes(v []types.Value) string {
	size, _ := toRealValue(v[0])
	precision := int64(0)
	if len(v) > 1 {
		precision = v[1].I
	}
	base := 1024.0
	if len(v) > 3 && v[3].I == 1000 {
		base = 1000
	}
	unit := -1
	if len(v) > 2 && v[2].S != "" {
		for i, u := range byteUnits {
			if strings.EqualFold(u, v[2].S) || (i == 0 && strings.EqualFold(v[2].S, "bytes")) {
				unit = i
			}
		}
	}
	if unit < 0 {
		unit = 0
		for x := math.Abs(size); x >= base && unit < len(byteUnits)-1; x /= base {
			unit++
		}
	}
	val := size / math.Pow(base, float64(unit))
	if precision < 0 || precision > 15 {
		precision = 0
	}
	return strconv.FormatFloat(roundTo(val, precision), 'f', -1, 64) + " " + byteUnits[unit]
}

// base64Bytes decodes standard, padded base64 (unpadded text is invalid, as in Kusto: decoding
// "U3RyaW5n0KHR0tGA0L7Rh9C60LA" gives nothing in the reference).
func base64Bytes(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	return b, err == nil
}

// guidBytes returns a guid's 16 bytes in .NET's order (the first three groups little-endian).
func guidBytes(g string) ([]byte, bool) {
	h := strings.ReplaceAll(g, "-", "")
	raw, err := hex.DecodeString(h)
	if err != nil || len(raw) != 16 {
		return nil, false
	}
	out := make([]byte, 16)
	out[0], out[1], out[2], out[3] = raw[3], raw[2], raw[1], raw[0]
	out[4], out[5] = raw[5], raw[4]
	out[6], out[7] = raw[7], raw[6]
	copy(out[8:], raw[8:])
	return out, true
}

func guidFromBytes(b []byte) string {
	raw := make([]byte, 16)
	raw[0], raw[1], raw[2], raw[3] = b[3], b[2], b[1], b[0]
	raw[4], raw[5] = b[5], b[4]
	raw[6], raw[7] = b[7], b[6]
	copy(raw[8:], b[8:])
	h := hex.EncodeToString(raw)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func maskIPv6(a [16]byte, prefix int) [16]byte {
	for i := range a {
		switch {
		case prefix >= 8:
			prefix -= 8
		case prefix <= 0:
			a[i] = 0
		default:
			a[i] &= ^byte(0) << (8 - prefix)
			prefix = 0
		}
	}
	return a
}

// formatIPv6 prints all eight groups with four hex digits, as parse_ipv6 does.
func formatIPv6(a [16]byte) string {
	var b strings.Builder
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02x%02x", a[i], a[i+1])
	}
	return b.String()
}

// parseCSVRecord returns the fields of the first CSV record (quotes may wrap fields; "" is a quote).
func parseCSVRecord(s string) []any {
	out := []any{}
	var field strings.Builder
	inQuotes := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuotes && c == '"' && i+1 < len(s) && s[i+1] == '"':
			field.WriteByte('"')
			i++
		case c == '"' && (inQuotes || field.Len() == 0):
			inQuotes = !inQuotes
		case !inQuotes && c == ',':
			out = append(out, field.String())
			field.Reset()
		case !inQuotes && (c == '\n' || c == '\r'):
			return append(out, field.String())
		default:
			field.WriteByte(c)
		}
	}
	return append(out, field.String())
}

// extractJSON evaluates a JSONPath ($.a.b, $['a'], $.a[0]) on JSON text and converts the result to t.
func extractJSON(path, text string, t types.Type) types.Value {
	d, err := types.ParseJSON(strings.TrimSpace(text))
	if err != nil || !strings.HasPrefix(path, "$") {
		return types.NullOf(t)
	}
	var found any = d
	if path != "$" {
		wrapper := types.NewBag()
		wrapper.Set("", d)
		var ok bool
		found, ok = lookupPath(wrapper, "$['']"+path[1:])
		if !ok {
			return types.NullOf(t)
		}
	}
	if t == types.Dynamic {
		return types.NewDynamic(found)
	}
	if found == nil {
		return types.NullOf(t)
	}
	return convertText(dynText(found), t)
}

var zoneCache sync.Map // name → *time.Location or error

func loadZone(name string) (*time.Location, bool) {
	if v, ok := zoneCache.Load(name); ok {
		loc, ok := v.(*time.Location)
		return loc, ok
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		zoneCache.Store(name, err)
		return nil, false
	}
	zoneCache.Store(name, loc)
	return loc, true
}

// convertTimeZone shifts a datetime between UTC and a named zone's wall clock.
func convertTimeZone(ticks int64, zone string, toLocal bool) types.Value {
	loc, ok := loadZone(zone)
	t, ok2 := ticksToTime(ticks)
	if !ok || !ok2 {
		return nullV(types.DateTime)
	}
	if toLocal {
		l := t.In(loc)
		wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
		return addTicks(timeTicks(wall), 0)
	}
	local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	return addTicks(timeTicks(local.UTC()), 0)
}
