package syntax

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// timeUnits maps KQL timespan unit suffixes (case-sensitive, as Kusto's lexer reads them) to ticks per unit.
var timeUnits = map[string]float64{
	"d": 864e9, "day": 864e9, "days": 864e9,
	"h": 36e9, "hr": 36e9, "hrs": 36e9, "hour": 36e9, "hours": 36e9,
	"m": 6e8, "min": 6e8, "minute": 6e8, "minutes": 6e8,
	"s": 1e7, "sec": 1e7, "second": 1e7, "seconds": 1e7,
	"ms": 1e4, "milli": 1e4, "millis": 1e4, "millisec": 1e4, "millisecond": 1e4, "milliseconds": 1e4,
	"micro": 10, "micros": 10, "microsec": 10, "microsecond": 10, "microseconds": 10,
	"nano": 0.01, "nanos": 0.01, "nanosec": 0.01, "nanosecond": 0.01, "nanoseconds": 0.01,
	"tick": 1, "ticks": 1,
}

// timeUnitTicks returns the ticks of one unit.
func timeUnitTicks(unit string) (float64, bool) {
	t, ok := timeUnits[unit]
	return t, ok
}

// parseTimeSpanText parses "1.5h", "15 seconds", "1tick" into ticks.
func parseTimeSpanText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
		i++
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	per, ok := timeUnitTicks(unit)
	if !ok || num == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	t := f * per
	if math.IsNaN(t) || math.Abs(t) >= math.MaxInt64 {
		return 0, false
	}
	ticks := int64(math.Round(t))
	if neg {
		ticks = -ticks
	}
	return ticks, true
}

// parseLong parses a decimal or 0x hex integer literal.
func parseLong(s string) (int64, bool) {
	if len(s) > 2 && (s[1] == 'x' || s[1] == 'X') {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return int64(u), err == nil
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}

// typedLiteralValue turns the raw body of type(body) into a value, or reports why it cannot.
func typedLiteralValue(typeName, body string) (types.Value, string) {
	t, ok := types.ParseType(typeName)
	if !ok {
		return types.Value{}, "unknown type '" + typeName + "'"
	}
	if unq, ok := unquoteSimple(body); ok {
		body = unq
	}
	if strings.EqualFold(strings.TrimSpace(body), "null") {
		return types.NullOf(t), ""
	}
	bad := func() (types.Value, string) {
		return types.Value{}, "invalid " + t.String() + " literal '" + clip(body) + "'"
	}
	switch t {
	case types.DateTime:
		ticks, ok := types.ParseDateTime(body)
		if !ok {
			ticks, ok = parseUSDateTime(body)
		}
		if !ok {
			ticks, ok = parseLooseYMD(body)
		}
		if !ok {
			return bad()
		}
		return types.NewDateTime(ticks), ""
	case types.TimeSpan:
		if ticks, ok := parseTimeSpanText(body); ok {
			return types.NewTimeSpan(ticks), ""
		}
		ticks, ok := types.ParseTimeSpan(body)
		if !ok {
			return bad()
		}
		return types.NewTimeSpan(ticks), ""
	case types.GUID:
		g, ok := canonicalGUID(body)
		if !ok {
			return bad()
		}
		return types.NewGUID(g), ""
	case types.Long, types.Int:
		s := strings.ReplaceAll(body, " ", "")
		neg := false
		if strings.HasPrefix(s, "-") {
			neg, s = true, s[1:]
		} else if strings.HasPrefix(s, "+") {
			s = s[1:]
		}
		i, ok := parseLong(s)
		if !ok {
			return bad()
		}
		if neg {
			i = -i
		}
		if t == types.Int {
			if i < math.MinInt32 || i > math.MaxInt32 {
				return bad()
			}
			return types.NewInt(i), ""
		}
		return types.NewLong(i), ""
	case types.Real, types.Decimal:
		s := strings.ToLower(strings.ReplaceAll(body, " ", ""))
		var f float64
		switch s {
		case "nan":
			f = math.NaN()
		case "inf", "+inf":
			f = math.Inf(1)
		case "-inf":
			f = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || strings.ContainsAny(s, "xpn") {
				return bad()
			}
			f = v
		}
		return types.Value{Type: t, F: f}, ""
	case types.Bool:
		switch strings.ToLower(body) {
		case "true", "1":
			return types.NewBool(true), ""
		case "false", "0":
			return types.NewBool(false), ""
		}
		return bad()
	}
	return bad()
}

// usDateLayouts are the month/day/year forms Kusto accepts in datetime literals (parsed with the invariant
// culture, month first).
var usDateLayouts = []string{"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 PM", "1/2/2006"}

func parseUSDateTime(s string) (int64, bool) {
	for _, layout := range usDateLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return types.TimeToTicks(t), true
		}
	}
	return 0, false
}

// looseYMD matches a year-first date with spaces or commas around its separators ("2017 - 08 - 01",
// "2025, 6, 14"), which Kusto's lenient .NET date parsing accepts; an optional time may follow.
var looseYMD = regexp.MustCompile(`^(\d{4})\s*[-/,]\s*(\d{1,2})\s*[-/,]\s*(\d{1,2})(?:[ T]+(.*))?$`)

func parseLooseYMD(s string) (int64, bool) {
	m := looseYMD.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	iso := fmt.Sprintf("%s-%02s-%02s", m[1], m[2], m[3])
	if m[4] != "" {
		iso += " " + m[4]
	}
	return types.ParseDateTime(iso)
}

// unquoteSimple strips one pair of matching quotes (no escapes inside), as in datetime("2020-01-01").
func unquoteSimple(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return s, false
}

// canonicalGUID checks 8-4-4-4-12 hex (or 32 bare hex digits) and returns the lower-case dashed form.
func canonicalGUID(s string) (string, bool) {
	h := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	h = strings.TrimSuffix(strings.TrimPrefix(h, "{"), "}")
	if len(h) != 32 {
		return "", false
	}
	for i := 0; i < len(h); i++ {
		if hexVal(h[i]) < 0 {
			return "", false
		}
	}
	h = strings.ToLower(h)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}
