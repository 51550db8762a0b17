package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// dateOrder is the order of day and month in a numeric date such as 05/12/2024.
type dateOrder uint8

const (
	orderUnknown dateOrder = iota
	orderDMY
	orderMDY
)

func (o dateOrder) String() string {
	switch o {
	case orderDMY:
		return "day/month/year"
	case orderMDY:
		return "month/day/year"
	}
	return "unknown"
}

// timeHint is the parsed Options.TimeFormat.
type timeHint struct {
	order  dateOrder
	layout string // a Go time layout tried before detection
}

// mdyLocales are the locales whose short dates put the month first.
var mdyLocales = map[string]bool{"en-us": true, "us": true, "en-ph": true, "es-us": true, "en-ca": false, "fil": true, "en-bz": true}

// parseTimeHint reads Options.TimeFormat: "dmy"/"mdy" (also written "d/m/y", "DD/MM/YYYY"...), a locale
// ("en-US" is month first, other locales day first), or a Go layout (it contains "2006").
func parseTimeHint(s string) (timeHint, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return timeHint{}, nil
	}
	if strings.Contains(s, "2006") {
		return timeHint{layout: s}, nil
	}
	compact := strings.ToLower(strings.NewReplacer("/", "", "-", "", ".", "", " ", "").Replace(s))
	switch compact {
	case "dmy", "ddmmyyyy", "ddmmyy", "dmyyyy":
		return timeHint{order: orderDMY}, nil
	case "mdy", "mmddyyyy", "mmddyy", "mdyyyy":
		return timeHint{order: orderMDY}, nil
	}
	loc := strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	if mdy, ok := mdyLocales[loc]; ok && mdy {
		return timeHint{order: orderMDY}, nil
	}
	if len(loc) >= 2 && len(loc) <= 10 && isLocaleTag(loc) {
		return timeHint{order: orderDMY}, nil
	}
	return timeHint{}, fmt.Errorf("time format hint %q is not dmy, mdy, a locale such as en-GB, or a Go layout", s)
}

func isLocaleTag(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

const timeOfDayRe = `(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?(?:\s*([aApP])\.?\s*[mM]\.?)?`

var (
	numericDateRe = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:,?\s+` + timeOfDayRe + `)?\s*(?:Z|UTC|GMT)?$`)
	monthFirstRe  = regexp.MustCompile(`^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+` + timeOfDayRe + `)?\s*(?:Z|UTC|GMT)?$`)
	dayFirstRe    = regexp.MustCompile(`^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+` + timeOfDayRe + `)?\s*(?:Z|UTC|GMT)?$`)
)

var monthFull = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

func monthFromName(w string) (int, bool) {
	w = strings.ToLower(w)
	if w == "sept" {
		return 9, true
	}
	for i, m := range monthFull {
		if len(w) >= 3 && strings.HasPrefix(m, w) {
			return i + 1, true
		}
	}
	return 0, false
}

// timeOfDay converts the captured hour, minute, second, fraction and am/pm to ticks.
func timeOfDay(g []string) (int64, bool) {
	if g[0] == "" {
		return 0, true // date only
	}
	h, _ := strconv.Atoi(g[0])
	m, _ := strconv.Atoi(g[1])
	sec := 0
	if g[2] != "" {
		sec, _ = strconv.Atoi(g[2])
	}
	var frac int64
	if g[3] != "" {
		f, _ := strconv.ParseInt(g[3], 10, 64)
		for i := len(g[3]); i < 7; i++ {
			f *= 10
		}
		frac = f
	}
	switch strings.ToLower(g[4]) {
	case "a":
		if h < 1 || h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
	case "p":
		if h < 1 || h > 12 {
			return 0, false
		}
		if h < 12 {
			h += 12
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return int64(h)*types.TicksPerHour + int64(m)*types.TicksPerMinute + int64(sec)*types.TicksPerSecond + frac, true
}

func dateTicks(year, month, day int) (int64, bool) {
	if year < 1 || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return 0, false
	}
	return types.TimeToTicks(t), true
}

// localTime is one CSV cell read as a time. Times without a zone are taken as UTC (the portal exports UTC
// unless the user changed the display zone; nothing in the file says otherwise).
type localTime struct {
	valid bool
	ticks int64
	// numeric is set for d/m/y-or-m/d/y dates; first and second are the first two numbers as written.
	numeric       bool
	first, second int
	year          int
	tod           int64
}

// proves is the day/month order a numeric date can only be read in (unknown when either works).
func (lt localTime) proves() dateOrder {
	switch {
	case lt.first > 12 && lt.second <= 12:
		return orderDMY
	case lt.second > 12 && lt.first <= 12:
		return orderMDY
	}
	return orderUnknown
}

// resolve reads a numeric date in the given order.
func (lt localTime) resolve(o dateOrder) (int64, bool) {
	day, month := lt.first, lt.second
	if o == orderMDY {
		day, month = lt.second, lt.first
	}
	d, ok := dateTicks(lt.year, month, day)
	return d + lt.tod, ok
}

// parseLocalTime reads the time forms of Advanced Hunting exports: ISO 8601 and RFC 1123 (as Kusto reads them),
// "Nov 19, 2026 5:02:06 PM", "19 Nov 2026 17:02", and numeric "20/11/2026, 8:13:11.512 am" or
// "05/12/2024 18:41:25" whose day/month order may need the column or a hint to settle.
func parseLocalTime(s string, hint timeHint) localTime {
	s = strings.TrimSpace(s)
	if ticks, ok := types.ParseDateTime(s); ok {
		return localTime{valid: true, ticks: ticks}
	}
	if hint.layout != "" {
		if t, err := time.Parse(hint.layout, s); err == nil {
			return localTime{valid: true, ticks: types.TimeToTicks(t)}
		}
	}
	if len(s) > 64 {
		return localTime{}
	}
	if g := numericDateRe.FindStringSubmatch(s); g != nil {
		a, _ := strconv.Atoi(g[1])
		b, _ := strconv.Atoi(g[2])
		y, _ := strconv.Atoi(g[3])
		tod, ok := timeOfDay(g[4:9])
		if !ok {
			return localTime{}
		}
		return localTime{valid: true, numeric: true, first: a, second: b, year: y, tod: tod}
	}
	var month, day, year int
	var tg []string
	if g := monthFirstRe.FindStringSubmatch(s); g != nil {
		m, ok := monthFromName(g[1])
		if !ok {
			return localTime{}
		}
		month = m
		day, _ = strconv.Atoi(g[2])
		year, _ = strconv.Atoi(g[3])
		tg = g[4:9]
	} else if g := dayFirstRe.FindStringSubmatch(s); g != nil {
		m, ok := monthFromName(g[2])
		if !ok {
			return localTime{}
		}
		month = m
		day, _ = strconv.Atoi(g[1])
		year, _ = strconv.Atoi(g[3])
		tg = g[4:9]
	} else {
		return localTime{}
	}
	d, ok := dateTicks(year, month, day)
	if !ok {
		return localTime{}
	}
	tod, ok := timeOfDay(tg)
	if !ok {
		return localTime{}
	}
	return localTime{valid: true, ticks: d + tod}
}

// csvTimes converts a column of time texts. Numeric dates take their day/month order from the hint, else from
// the column itself when some value can only be read one way (20/11/2026); values that stay ambiguous are
// left null and reported together, never guessed.
func (fl *fileLoader) csvTimes(cb *colBuilder, vals []string, lines []int, hint timeHint) {
	parsed := make([]localTime, len(vals))
	var dmy, mdy int
	for i, v := range vals {
		if strings.TrimSpace(v) == "" {
			continue
		}
		lt := parseLocalTime(v, hint)
		parsed[i] = lt
		if lt.numeric {
			switch lt.proves() {
			case orderDMY:
				dmy++
			case orderMDY:
				mdy++
			}
		}
	}
	order := hint.order
	if order == orderUnknown {
		switch {
		case dmy > 0 && mdy == 0:
			order = orderDMY
		case mdy > 0 && dmy == 0:
			order = orderMDY
		}
	}
	ambiguous, firstAmbiguous := 0, -1
	for i, v := range vals {
		lt := parsed[i]
		if strings.TrimSpace(v) == "" {
			cb.appendNull()
			continue
		}
		if !lt.valid {
			fl.problem(lines[i], "column %s: %q is not a valid datetime; stored as null", cb.name, shorten(v))
			cb.appendNull()
			continue
		}
		if !lt.numeric {
			cb.col.Append(types.NewDateTime(lt.ticks))
			continue
		}
		o := order
		if o == orderUnknown {
			o = lt.proves()
			if o == orderUnknown && lt.first == lt.second {
				o = orderDMY // 05/05/2024 reads the same either way
			}
		}
		if o == orderUnknown {
			ambiguous++
			if firstAmbiguous < 0 {
				firstAmbiguous = i
			}
			cb.appendNull()
			continue
		}
		ticks, ok := lt.resolve(o)
		if !ok {
			fl.problem(lines[i], "column %s: %q is not a valid %s date; stored as null", cb.name, shorten(v), o)
			cb.appendNull()
			continue
		}
		cb.col.Append(types.NewDateTime(ticks))
	}
	if ambiguous > 0 {
		fl.problem(lines[firstAmbiguous], "column %s: %d value(s) could not be parsed because day and month order is ambiguous (first: %q); stored as null; give the time format (dmy or mdy, or a locale such as en-GB or en-US)",
			cb.name, ambiguous, shorten(vals[firstAmbiguous]))
	}
}
