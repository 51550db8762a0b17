package types

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Tick counts: datetime and timespan are int64 counts of 100 ns since 0001-01-01T00:00:00Z.
const (
	TicksPerMicrosecond int64 = 10
	TicksPerMillisecond int64 = 10_000
	TicksPerSecond      int64 = 10_000_000
	TicksPerMinute      int64 = 60 * TicksPerSecond
	TicksPerHour        int64 = 60 * TicksPerMinute
	TicksPerDay         int64 = 24 * TicksPerHour
	// UnixEpochTicks is 1970-01-01T00:00:00Z in ticks.
	UnixEpochTicks int64 = 621355968000000000
	// MaxDateTimeTicks is 9999-12-31T23:59:59.9999999Z.
	MaxDateTimeTicks int64 = 3155378975999999999
)

// TimeToTicks converts a Go time to datetime ticks.
func TimeToTicks(t time.Time) int64 {
	t = t.UTC()
	return UnixEpochTicks + t.Unix()*TicksPerSecond + int64(t.Nanosecond())/100
}

// TicksToTime converts datetime ticks to a Go time in UTC.
func TicksToTime(ticks int64) time.Time {
	d := ticks - UnixEpochTicks
	sec := d / TicksPerSecond
	rem := d % TicksPerSecond
	if rem < 0 {
		rem += TicksPerSecond
		sec--
	}
	return time.Unix(sec, rem*100).UTC()
}

// FormatDateTime prints ticks as ISO 8601 UTC with seven fractional digits, as Kusto does.
func FormatDateTime(ticks int64) string {
	t := TicksToTime(ticks)
	frac := (ticks%TicksPerSecond + TicksPerSecond) % TicksPerSecond
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), frac)
}

// FormatTimeSpan prints ticks in Kusto form: [-][d.]hh:mm:ss[.fffffff].
func FormatTimeSpan(ticks int64) string {
	var b strings.Builder
	u := uint64(ticks)
	if ticks < 0 {
		b.WriteByte('-')
		u = uint64(-ticks)
		if ticks == math.MinInt64 {
			u = uint64(math.MaxInt64) + 1
		}
	}
	days := u / uint64(TicksPerDay)
	u %= uint64(TicksPerDay)
	if days > 0 {
		fmt.Fprintf(&b, "%d.", days)
	}
	h := u / uint64(TicksPerHour)
	u %= uint64(TicksPerHour)
	m := u / uint64(TicksPerMinute)
	u %= uint64(TicksPerMinute)
	s := u / uint64(TicksPerSecond)
	f := u % uint64(TicksPerSecond)
	fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, s)
	if f != 0 {
		fmt.Fprintf(&b, ".%07d", f)
	}
	return b.String()
}

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// ParseDateTime parses the datetime text forms Kusto accepts: ISO 8601 with a 'T' or a space, with or without
// seconds, 0 to 7 fractional digits, an optional 'Z' or numeric offset; a bare date; and RFC 822/1123-style
// "Sat, 8 Nov 2014 15:05:02 GMT". It reports false when s is none of these.
func ParseDateTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if ticks, ok := parseISODateTime(s); ok {
		return ticks, true
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC850, time.RFC822, time.RFC822Z,
		"2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700", "2006/01/02 15:04:05", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return TimeToTicks(t), true
		}
	}
	return 0, false
}

func parseISODateTime(s string) (int64, bool) {
	// date part: YYYY-MM-DD
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 || year < 1 {
		return 0, false
	}
	rest := s[10:]
	var hour, min, sec int
	var frac int64
	offset := 0
	if rest != "" {
		if rest[0] != 'T' && rest[0] != ' ' && rest[0] != 't' {
			return 0, false
		}
		rest = strings.TrimLeft(rest[1:], " ")
		if len(rest) < 5 || rest[2] != ':' {
			return 0, false
		}
		var ok bool
		if hour, ok = atoiN(rest[0:2]); !ok {
			return 0, false
		}
		if min, ok = atoiN(rest[3:5]); !ok {
			return 0, false
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' {
			if sec, ok = atoiN(rest[1:3]); !ok {
				return 0, false
			}
			rest = rest[3:]
			if len(rest) > 0 && rest[0] == '.' {
				rest = rest[1:]
				n := 0
				for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
					n++
				}
				if n == 0 {
					return 0, false
				}
				digits := rest[:n]
				if len(digits) > 7 {
					digits = digits[:7]
				}
				f, _ := strconv.ParseInt(digits, 10, 64)
				for i := len(digits); i < 7; i++ {
					f *= 10
				}
				frac = f
				rest = rest[n:]
			}
		}
		rest = strings.TrimSpace(rest)
		switch {
		case rest == "" || rest == "Z" || rest == "z":
		case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
			oh, ok1 := atoiN(rest[1:3])
			om, ok2 := atoiN(rest[4:6])
			if !ok1 || !ok2 {
				return 0, false
			}
			offset = oh*60 + om
			if rest[0] == '-' {
				offset = -offset
			}
		default:
			return 0, false
		}
		if hour > 23 || min > 59 || sec > 59 {
			return 0, false
		}
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC)
	if t.Day() != day {
		return 0, false // e.g. Feb 30
	}
	return TimeToTicks(t) + frac - int64(offset)*TicksPerMinute, true
}

func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// timespan unit suffixes of KQL literals, longest first where one is a prefix of another.
var timespanUnits = []struct {
	name  string
	ticks float64
}{
	{"microseconds", 10}, {"microsecond", 10}, {"milliseconds", 1e4}, {"millisecond", 1e4},
	{"nanoseconds", 0.01}, {"nanosecond", 0.01}, {"seconds", 1e7}, {"second", 1e7},
	{"minutes", 6e8}, {"minute", 6e8}, {"hours", 3.6e10}, {"hour", 3.6e10}, {"days", 8.64e11}, {"day", 8.64e11},
	{"ticks", 1}, {"tick", 1}, {"micros", 10}, {"micro", 10}, {"millis", 1e4}, {"milli", 1e4},
	{"ms", 1e4}, {"d", 8.64e11}, {"h", 3.6e10}, {"m", 6e8}, {"s", 1e7},
}

// ParseTimeSpanLiteral parses a timespan written as a number and a unit: 1d, 1.5h, 30m, 10s, 100ms,
// 10microsecond, 1tick. It reports false for other text.
func ParseTimeSpanLiteral(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	for _, u := range timespanUnits {
		if len(s) > len(u.name) && strings.EqualFold(s[len(s)-len(u.name):], u.name) {
			num := s[:len(s)-len(u.name)]
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || num == "" || !(num[0] >= '0' && num[0] <= '9' || num[0] == '.') {
				return 0, false
			}
			t := f * u.ticks
			if math.IsInf(t, 0) || math.Abs(t) > math.MaxInt64 {
				return 0, false
			}
			ticks := int64(math.Round(t))
			if neg {
				ticks = -ticks
			}
			return ticks, true
		}
	}
	return 0, false
}

// ParseTimeSpan parses the text forms totimespan() and time(...) accept: [-][d.]hh:mm[:ss[.fffffff]],
// a number-and-unit literal (1.5h), or a bare number of days ("2" is 2 days).
func ParseTimeSpan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if t, ok := ParseTimeSpanLiteral(s); ok {
		return t, true
	}
	neg := false
	body := s
	if body[0] == '-' {
		neg = true
		body = body[1:]
	}
	if !strings.Contains(body, ":") {
		f, err := strconv.ParseFloat(body, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e7 {
			return 0, false
		}
		t := int64(math.Round(f * float64(TicksPerDay)))
		if neg {
			t = -t
		}
		return t, true
	}
	var days int64
	if dot := strings.IndexByte(body, '.'); dot >= 0 && dot < strings.IndexByte(body, ':') {
		d, err := strconv.ParseInt(body[:dot], 10, 64)
		if err != nil || d > 10_675_199 {
			return 0, false
		}
		days = d
		body = body[dot+1:]
	}
	parts := strings.Split(body, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, ok1 := atoiN(parts[0])
	m, ok2 := atoiN(parts[1])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	var sec int
	var frac int64
	if len(parts) == 3 {
		sp := parts[2]
		fs := ""
		if dot := strings.IndexByte(sp, '.'); dot >= 0 {
			sp, fs = sp[:dot], sp[dot+1:]
		}
		var ok bool
		if sec, ok = atoiN(sp); !ok || sec > 59 {
			return 0, false
		}
		if fs != "" {
			if len(fs) > 7 {
				fs = fs[:7]
			}
			f, ok := atoiN(fs)
			if !ok {
				return 0, false
			}
			frac = int64(f)
			for i := len(fs); i < 7; i++ {
				frac *= 10
			}
		}
	}
	t := days*TicksPerDay + int64(h)*TicksPerHour + int64(m)*TicksPerMinute + int64(sec)*TicksPerSecond + frac
	if neg {
		t = -t
	}
	return t, true
}
