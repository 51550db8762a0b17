package kernel

import (
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Date and time functions. datetime and timespan are int64 ticks (100 ns); datetimes outside
// 0001-01-01..9999-12-31 and timespans that overflow become null.

func init() {
	RegisterScalar(&Scalar{
		Name: "now", MinArgs: 0, MaxArgs: 1,
		Result: fixedResult("now", types.DateTime, 0, 1, tTimeSpan),
		Eval: evalRows(fixedType(types.DateTime), func(ctx *Context, v []types.Value) types.Value {
			if len(v) == 0 {
				return types.NewDateTime(ctx.Now)
			}
			if v[0].Null {
				return nullV(types.DateTime)
			}
			return addTicks(ctx.Now, v[0].I)
		}),
	})
	registerRowFunc("ago", nil, types.DateTime, 1, 1, paramTypes(tTimeSpan), func(ctx *Context, v []types.Value) types.Value {
		if v[0].Null || v[0].I == math.MinInt64 {
			return nullV(types.DateTime)
		}
		return addTicks(ctx.Now, -v[0].I)
	})
	for _, p := range []struct {
		unit string
		fn   func(t time.Time, offset int64) (time.Time, bool)
	}{
		{"day", func(t time.Time, k int64) (time.Time, bool) {
			return addCalendar(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), 0, 0, k)
		}},
		{"week", func(t time.Time, k int64) (time.Time, bool) {
			d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			return addCalendar(d, 0, 0, k*7-int64(d.Weekday()))
		}},
		{"month", func(t time.Time, k int64) (time.Time, bool) {
			return addCalendar(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), 0, k, 0)
		}},
		{"year", func(t time.Time, k int64) (time.Time, bool) {
			return addCalendar(time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC), k, 0, 0)
		}},
	} {
		registerPeriod("startof"+p.unit, p.fn, false)
		next := p.fn
		registerPeriod("endof"+p.unit, func(t time.Time, k int64) (time.Time, bool) { return next(t, k+1) }, true)
	}
	for _, name := range []string{"bin", "floor"} {
		RegisterScalar(&Scalar{
			Name: name, MinArgs: 2, MaxArgs: 2,
			Result: binResult(name),
			Eval:   evalBin,
		})
	}
	RegisterScalar(&Scalar{
		Name: "bin_at", MinArgs: 3, MaxArgs: 3,
		Result: binAtResult,
		Eval:   evalBinAt,
	})
	registerRowFunc("datetime_add", nil, types.DateTime, 3, 3, paramTypes(tString, tInteger, tDateTime), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return nullV(types.DateTime)
		}
		return datetimeAdd(v[0].S, v[1].I, v[2].I)
	})
	registerRowFunc("datetime_diff", nil, types.Long, 3, 3, paramTypes(tString, tDateTime, tDateTime), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return nullV(types.Long)
		}
		return datetimeDiff(v[0].S, v[1].I, v[2].I)
	})
	registerRowFunc("datetime_part", nil, types.Int, 2, 2, paramTypes(tString, tDateTime), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return nullV(types.Int)
		}
		return datetimePart(v[0].S, v[1].I)
	})
	for _, p := range []struct {
		name    string
		aliases []string
		part    string
	}{
		{"getyear", nil, "year"},
		{"getmonth", []string{"monthofyear"}, "month"},
		{"dayofmonth", nil, "day"},
		{"dayofyear", nil, "dayofyear"},
		{"hourofday", nil, "hour"},
		{"week_of_year", []string{"weekofyear"}, "week_of_year"},
	} {
		part := p.part
		registerRowFunc(p.name, p.aliases, types.Int, 1, 1, paramTypes(tDateTime), func(_ *Context, v []types.Value) types.Value {
			if v[0].Null {
				return nullV(types.Int)
			}
			return datetimePart(part, v[0].I)
		})
	}
	registerRowFunc("dayofweek", nil, types.TimeSpan, 1, 1, paramTypes(tDateTime), func(_ *Context, v []types.Value) types.Value {
		t, ok := ticksToTime(v[0].I)
		if v[0].Null || !ok {
			return nullV(types.TimeSpan)
		}
		return types.NewTimeSpan(int64(t.Weekday()) * types.TicksPerDay)
	})
	registerRowFunc("format_datetime", nil, types.String, 2, 2, paramTypes(tDateTime, tString), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return types.NewString("")
		}
		return types.NewString(formatDateTime(v[0].I, v[1].S))
	})
	registerRowFunc("format_timespan", nil, types.String, 2, 2, paramTypes(tTimeSpan, tString), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return types.NewString("")
		}
		return types.NewString(formatTimeSpan(v[0].I, v[1].S))
	})
	registerRowFunc("make_datetime", nil, types.DateTime, 3, 6, paramTypes(tInteger, tInteger, tInteger, tInteger, tInteger, tNumber),
		func(_ *Context, v []types.Value) types.Value {
			if anyNull(v) {
				return nullV(types.DateTime)
			}
			return makeDateTime(v)
		})
	registerRowFunc("make_timespan", nil, types.TimeSpan, 2, 4, paramTypes(tInteger, tInteger, tNumber, tNumber),
		func(_ *Context, v []types.Value) types.Value {
			if anyNull(v) {
				return nullV(types.TimeSpan)
			}
			return makeTimeSpan(v)
		})
	for _, u := range []struct {
		name  string
		ticks float64
	}{
		{"unixtime_seconds_todatetime", float64(types.TicksPerSecond)},
		{"unixtime_milliseconds_todatetime", float64(types.TicksPerMillisecond)},
		{"unixtime_microseconds_todatetime", float64(types.TicksPerMicrosecond)},
		{"unixtime_nanoseconds_todatetime", 0.01},
	} {
		perUnit := u.ticks
		registerRowFunc(u.name, nil, types.DateTime, 1, 1, paramTypes(tNumber), func(_ *Context, v []types.Value) types.Value {
			f, ok := toRealValue(v[0])
			if !ok {
				return nullV(types.DateTime)
			}
			if v[0].Type.IsIntegral() && perUnit >= 1 {
				// Exact integer arithmetic where it is possible.
				hi, lo := bits.Mul64(uint64(abs64(v[0].I)), uint64(perUnit))
				if hi != 0 || lo > math.MaxInt64 {
					return nullV(types.DateTime)
				}
				d := int64(lo)
				if v[0].I < 0 {
					d = -d
				}
				return addTicks(types.UnixEpochTicks, d)
			}
			t := f * perUnit
			if math.IsNaN(t) || math.Abs(t) > float64(types.MaxDateTimeTicks) {
				return nullV(types.DateTime)
			}
			return addTicks(types.UnixEpochTicks, int64(math.Floor(t)))
		})
	}
}

func abs64(i int64) int64 {
	if i < 0 {
		return -i
	}
	return i
}

// addTicks returns dt + d as a datetime, or null when it overflows or leaves the datetime range.
func addTicks(dt, d int64) types.Value {
	r, ok := addInt64(dt, d)
	if !ok || !validDateTime(r) {
		return nullV(types.DateTime)
	}
	return types.NewDateTime(r)
}

func addInt64(a, b int64) (int64, bool) {
	r := a + b
	if (b > 0 && r < a) || (b < 0 && r > a) {
		return 0, false
	}
	return r, true
}

func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	r := a * b
	if r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return r, true
}

// addCalendar adds years, months and days to a date, clamping the day to the target month's length (as .NET's
// AddMonths does) and reporting false outside the datetime range.
func addCalendar(t time.Time, years, months, days int64) (time.Time, bool) {
	if abs64(years) > 10000 || abs64(months) > 120000 || abs64(days) > 3700000 {
		return time.Time{}, false
	}
	total := int64(t.Year())*12 + int64(t.Month()) - 1 + years*12 + months
	y, m := total/12, total%12+1
	if y < 1 || y > 9999 {
		return time.Time{}, false
	}
	d := t.Day()
	if last := daysIn(int(y), time.Month(m)); d > last {
		d = last
	}
	r := time.Date(int(y), time.Month(m), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	r = r.AddDate(0, 0, int(days))
	if r.Year() < 1 || r.Year() > 9999 {
		return time.Time{}, false
	}
	return r, true
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// timeTicks converts a Go time back to ticks, keeping sub-microsecond precision (Go keeps nanoseconds).
func timeTicks(t time.Time) int64 { return types.TimeToTicks(t) }

// registerPeriod registers startof*/endof* (datetime[, offset]); end variants return the last tick of the period.
func registerPeriod(name string, fn func(time.Time, int64) (time.Time, bool), end bool) {
	registerRowFunc(name, nil, types.DateTime, 1, 2, paramTypes(tDateTime, tInteger), func(_ *Context, v []types.Value) types.Value {
		if anyNull(v) {
			return nullV(types.DateTime)
		}
		t, ok := ticksToTime(v[0].I)
		if !ok {
			return nullV(types.DateTime)
		}
		offset := int64(0)
		if len(v) > 1 {
			offset = v[1].I
		}
		r, ok := fn(t, offset)
		if !ok {
			if end {
				// The period after 9999-12 does not exist: its end is the last representable tick.
				if s, ok2 := fn(t, offset-1); ok2 && timeTicks(s) > 0 {
					return types.NewDateTime(types.MaxDateTimeTicks)
				}
			}
			return nullV(types.DateTime)
		}
		ticks := timeTicks(r)
		if end {
			ticks--
		}
		if !validDateTime(ticks) {
			return nullV(types.DateTime)
		}
		return types.NewDateTime(ticks)
	})
}

// binResult types bin(value, size): numbers give the wider numeric type; timespans a timespan; datetimes a datetime.
func binResult(name string) func([]ArgInfo) (types.Type, error) {
	return func(args []ArgInfo) (types.Type, error) {
		if err := CheckArity(name, 2, 2, len(args)); err != nil {
			return types.Unknown, err
		}
		v, s := args[0].Type, args[1].Type
		switch {
		case v == types.DateTime:
			if !setOf(types.TimeSpan, types.DateTime).has(s) {
				return types.Unknown, typeError(1, tTimeSpan)
			}
			return types.DateTime, nil
		case v == types.TimeSpan:
			if !tTimeSpan.has(s) {
				return types.Unknown, typeError(1, tTimeSpan)
			}
			return types.TimeSpan, nil
		case v == types.Unknown || v.IsNumeric():
			if !tNumber.has(s) {
				return types.Unknown, typeError(1, tNumber)
			}
			t := widerNumeric(v, s)
			if t == types.Unknown {
				t = types.Long
			}
			return t, nil
		}
		return types.Unknown, typeError(0, tNumber|tDateTime|tTimeSpan)
	}
}

func binAtResult(args []ArgInfo) (types.Type, error) {
	if err := CheckArity("bin_at", 3, 3, len(args)); err != nil {
		return types.Unknown, err
	}
	v := args[0].Type
	switch {
	case v == types.DateTime || v == types.TimeSpan:
		// A numeric bin size counts ticks.
		if !(tTimeSpan | tNumber).has(args[1].Type) {
			return types.Unknown, typeError(1, tTimeSpan)
		}
		if !setOf(v).has(args[2].Type) {
			return types.Unknown, typeError(2, setOf(v))
		}
		return v, nil
	case v == types.Unknown || v.IsNumeric():
		for i := 1; i < 3; i++ {
			if !tNumber.has(args[i].Type) {
				return types.Unknown, typeError(i, tNumber)
			}
		}
		t := widerNumeric(widerNumeric(v, args[1].Type), args[2].Type)
		if t == types.Unknown {
			t = types.Long
		}
		return t, nil
	}
	return types.Unknown, typeError(0, tNumber|tDateTime|tTimeSpan)
}

// binType is the output type of bin over evaluated columns.
func binType(v, s types.Type) types.Type {
	switch v {
	case types.DateTime, types.TimeSpan:
		return v
	}
	return widerNumeric(v, s)
}

func evalBin(_ *Context, args []Arg, n int) (*types.Column, error) {
	t := binType(args[0].Col.Type, args[1].Col.Type)
	out := newCol(t, n)
	val, size := args[0], args[1]
	if t.Physical() == types.PhysInt && size.Const && n > 0 && !size.IsNull(0) && size.Col.Type.Physical() == types.PhysInt {
		// The common case, bin(Timestamp, 1d): one constant size over a whole column.
		sz := size.Int(0)
		if sz <= 0 {
			for i := 0; i < n; i++ {
				setNull(out, i)
			}
			return out, nil
		}
		nulls := val.Col.Nulls
		for i := 0; i < n; i++ {
			row := val.Row(i)
			if nulls != nil && nulls.Get(row) {
				setNull(out, i)
				continue
			}
			r, ok := binInt(val.Col.Ints[row], sz, 0)
			if !ok || (t == types.DateTime && !validDateTime(r)) {
				setNull(out, i)
				continue
			}
			if t == types.Int {
				r = int64(int32(r))
			}
			out.Ints[i] = r
		}
		return out, nil
	}
	if t.Physical() == types.PhysInt {
		// Integer path: datetime, timespan, int and long values with an integral size.
		intSize := size.Col.Type.Physical() == types.PhysInt
		for i := 0; i < n; i++ {
			if val.IsNull(i) || size.IsNull(i) {
				setNull(out, i)
				continue
			}
			var sz int64
			if intSize {
				sz = size.Int(i)
			} else {
				f := size.Real(i)
				if f != math.Trunc(f) || f > math.MaxInt64 {
					setNull(out, i)
					continue
				}
				sz = int64(f)
			}
			r, ok := binInt(val.Int(i), sz, 0)
			if !ok || (t == types.DateTime && !validDateTime(r)) {
				setNull(out, i)
				continue
			}
			if t == types.Int {
				r = int64(int32(r))
			}
			out.Ints[i] = r
		}
		return out, nil
	}
	for i := 0; i < n; i++ {
		v, ok1 := toRealValue(val.Value(i))
		s, ok2 := toRealValue(size.Value(i))
		r, ok3 := binReal(v, s, 0)
		if !ok1 || !ok2 || !ok3 {
			setNull(out, i)
			continue
		}
		out.Reals[i] = r
	}
	return out, nil
}

func evalBinAt(_ *Context, args []Arg, n int) (*types.Column, error) {
	t := binType(args[0].Col.Type, args[1].Col.Type)
	if t.IsNumeric() {
		t = widerNumeric(t, args[2].Col.Type)
	}
	out := newCol(t, n)
	for i := 0; i < n; i++ {
		if args[0].IsNull(i) || args[1].IsNull(i) || args[2].IsNull(i) {
			setNull(out, i)
			continue
		}
		if t.Physical() == types.PhysInt {
			sz, ok := toLongValue(args[1].Value(i))
			if args[1].Col.Type.Physical() == types.PhysReal {
				f := args[1].Real(i)
				ok = ok && f == math.Trunc(f)
			}
			at, ok2 := toLongValue(args[2].Value(i))
			if !ok || !ok2 {
				setNull(out, i)
				continue
			}
			r, ok := binInt(args[0].Int(i), sz, at)
			if !ok || (t == types.DateTime && !validDateTime(r)) {
				setNull(out, i)
				continue
			}
			if t == types.Int {
				r = int64(int32(r))
			}
			out.Ints[i] = r
			continue
		}
		v, _ := toRealValue(args[0].Value(i))
		s, _ := toRealValue(args[1].Value(i))
		at, _ := toRealValue(args[2].Value(i))
		r, ok := binReal(v, s, at)
		if !ok {
			setNull(out, i)
			continue
		}
		out.Reals[i] = r
	}
	return out, nil
}

// binInt rounds v down to a multiple of size counted from at; size <= 0 or overflow gives false.
func binInt(v, size, at int64) (int64, bool) {
	if size <= 0 {
		return 0, false
	}
	if at == 0 && v >= 0 {
		return v - v%size, true // the usual case: no overflow is possible
	}
	d, ok := addInt64(v, -at)
	if !ok || at == math.MinInt64 {
		return 0, false
	}
	q := d / size
	if d%size != 0 && d < 0 {
		q--
	}
	r, ok := mulInt64(q, size)
	if !ok {
		return 0, false
	}
	return addInt64(r, at)
}

// binReal rounds v down to a multiple of size counted from at.
func binReal(v, size, at float64) (float64, bool) {
	if !(size > 0) || math.IsInf(size, 0) {
		return 0, false
	}
	r := math.Floor((v-at)/size)*size + at
	if math.IsNaN(r) {
		return r, !math.IsNaN(v)
	}
	return r, true
}

// unitTicks maps the fixed-length parts of datetime_add/diff to ticks (nanosecond is handled apart).
var unitTicks = map[string]int64{
	"day": types.TicksPerDay, "hour": types.TicksPerHour, "minute": types.TicksPerMinute,
	"second": types.TicksPerSecond, "millisecond": types.TicksPerMillisecond, "microsecond": types.TicksPerMicrosecond,
	"week": 7 * types.TicksPerDay,
}

// normPart lower-cases a part name and maps Kusto's accepted spellings to one name.
func normPart(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "years":
		return "year"
	case "quarters":
		return "quarter"
	case "months":
		return "month"
	case "weeks", "week_of_year", "weekofyear":
		if p == "weeks" {
			return "week"
		}
		return "week_of_year"
	case "days":
		return "day"
	case "hours":
		return "hour"
	case "minutes":
		return "minute"
	case "seconds":
		return "second"
	case "milliseconds":
		return "millisecond"
	case "microseconds":
		return "microsecond"
	case "nanoseconds":
		return "nanosecond"
	}
	return p
}

func datetimeAdd(part string, amount, dt int64) types.Value {
	p := normPart(part)
	switch p {
	case "year", "quarter", "month":
		t, ok := ticksToTime(dt)
		if !ok {
			return nullV(types.DateTime)
		}
		months := amount
		if p == "year" {
			months, ok = mulInt64(amount, 12)
		} else if p == "quarter" {
			months, ok = mulInt64(amount, 3)
		}
		if !ok {
			return nullV(types.DateTime)
		}
		r, ok := addCalendar(t, 0, months, 0)
		if !ok {
			return nullV(types.DateTime)
		}
		// Keep the sub-second ticks exactly.
		return types.NewDateTime(timeTicks(r))
	case "nanosecond":
		return addTicks(dt, amount/100)
	}
	unit, ok := unitTicks[p]
	if !ok {
		return nullV(types.DateTime)
	}
	d, ok := mulInt64(amount, unit)
	if !ok {
		return nullV(types.DateTime)
	}
	return addTicks(dt, d)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// datetimeDiff counts the boundaries of part crossed from dt2 to dt1 (positive when dt1 is later).
func datetimeDiff(part string, dt1, dt2 int64) types.Value {
	p := normPart(part)
	t1, ok1 := ticksToTime(dt1)
	t2, ok2 := ticksToTime(dt2)
	if !ok1 || !ok2 {
		return nullV(types.Long)
	}
	switch p {
	case "year":
		return types.NewLong(int64(t1.Year() - t2.Year()))
	case "quarter":
		q := func(t time.Time) int64 { return int64(t.Year())*4 + int64(t.Month()-1)/3 }
		return types.NewLong(q(t1) - q(t2))
	case "month":
		m := func(t time.Time) int64 { return int64(t.Year())*12 + int64(t.Month()) - 1 }
		return types.NewLong(m(t1) - m(t2))
	case "week":
		// Weeks start on Sunday; tick 0 (0001-01-01) is a Monday, so shift by one day.
		w := func(d int64) int64 { return floorDiv(d+types.TicksPerDay, 7*types.TicksPerDay) }
		return types.NewLong(w(dt1) - w(dt2))
	case "nanosecond":
		return types.NewLong((dt1 - dt2) * 100)
	}
	unit, ok := unitTicks[p]
	if !ok {
		return nullV(types.Long)
	}
	return types.NewLong(floorDiv(dt1, unit) - floorDiv(dt2, unit))
}

func datetimePart(part string, dt int64) types.Value {
	t, ok := ticksToTime(dt)
	if !ok {
		return nullV(types.Int)
	}
	frac := dt % types.TicksPerSecond
	var r int64
	switch normPart(part) {
	case "year":
		r = int64(t.Year())
	case "quarter":
		r = int64(t.Month()-1)/3 + 1
	case "month":
		r = int64(t.Month())
	case "week_of_year", "week":
		_, w := t.ISOWeek()
		r = int64(w)
	case "day":
		r = int64(t.Day())
	case "dayofyear":
		r = int64(t.YearDay())
	case "hour":
		r = int64(t.Hour())
	case "minute":
		r = int64(t.Minute())
	case "second":
		r = int64(t.Second())
	case "millisecond":
		r = frac / types.TicksPerMillisecond
	case "microsecond":
		r = frac / types.TicksPerMicrosecond
	case "nanosecond":
		r = frac * 100
	default:
		return nullV(types.Int)
	}
	return types.NewInt(r)
}

func makeDateTime(v []types.Value) types.Value {
	parts := [5]int64{}
	for i := 0; i < 5 && i < len(v); i++ {
		parts[i], _ = toLongValue(v[i])
	}
	sec := 0.0
	if len(v) > 5 {
		sec, _ = toRealValue(v[5])
	}
	y, mo, d, h, mi := parts[0], parts[1], parts[2], parts[3], parts[4]
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > int64(daysIn(int(y), time.Month(mo))) ||
		h < 0 || h > 23 || mi < 0 || mi > 59 || !(sec >= 0 && sec < 60) {
		return nullV(types.DateTime)
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), 0, 0, time.UTC)
	return types.NewDateTime(timeTicks(t) + int64(math.Round(sec*float64(types.TicksPerSecond))))
}

// makeTimeSpan is make_timespan(hour, minute), (hour, minute, second) or (day, hour, minute, second).
func makeTimeSpan(v []types.Value) types.Value {
	var day, hour, minute int64
	sec := 0.0
	switch len(v) {
	case 2:
		hour, minute = v[0].I, v[1].I
	case 3:
		hour, minute = v[0].I, v[1].I
		sec, _ = toRealValue(v[2])
	default:
		day, hour = v[0].I, v[1].I
		minute, _ = toLongValue(v[2])
		sec, _ = toRealValue(v[3])
	}
	total := float64(day)*float64(types.TicksPerDay) + float64(hour)*float64(types.TicksPerHour) +
		float64(minute)*float64(types.TicksPerMinute) + sec*float64(types.TicksPerSecond)
	if math.IsNaN(total) || math.Abs(total) >= math.MaxInt64 {
		return nullV(types.TimeSpan)
	}
	return types.NewTimeSpan(int64(math.Round(total)))
}

// formatDateTime implements format_datetime's .NET-style specifiers: y..yyyy, M/MM, d/dd, h/hh, H/HH, m/mm,
// s/ss, f..fffffff, F..FFFFFFF and tt; other characters are copied.
func formatDateTime(ticks int64, format string) string {
	t, ok := ticksToTime(ticks)
	if !ok {
		return ""
	}
	frac := ticks % types.TicksPerSecond
	var b strings.Builder
	for i := 0; i < len(format); {
		c := format[i]
		j := i
		for j < len(format) && format[j] == c {
			j++
		}
		k := j - i
		switch c {
		case 'y':
			y := t.Year()
			switch {
			case k <= 2:
				y %= 100
				if k == 1 {
					b.WriteString(itoa(int64(y)))
				} else {
					b.WriteString(pad(int64(y), 2))
				}
			default:
				b.WriteString(pad(int64(y), k))
			}
		case 'M':
			writeNum(&b, int64(t.Month()), k)
		case 'd':
			writeNum(&b, int64(t.Day()), k)
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			writeNum(&b, int64(h), k)
		case 'H':
			writeNum(&b, int64(t.Hour()), k)
		case 'm':
			writeNum(&b, int64(t.Minute()), k)
		case 's':
			writeNum(&b, int64(t.Second()), k)
		case 'f', 'F':
			writeFraction(&b, frac, k, c == 'F')
		case 't':
			if t.Hour() < 12 {
				b.WriteString("AM"[:min(k, 2)])
			} else {
				b.WriteString("PM"[:min(k, 2)])
			}
		default:
			b.WriteString(format[i:j])
		}
		i = j
	}
	return b.String()
}

// formatTimeSpan implements format_timespan's specifiers: d..dddddddd, h/hh and H/HH (hours of the day),
// m/mm, s/ss, f..fffffff and F..FFFFFFF; other characters are copied.
func formatTimeSpan(ticks int64, format string) string {
	neg := ticks < 0
	u := uint64(ticks)
	if neg {
		u = -u
	}
	days := u / uint64(types.TicksPerDay)
	rem := u % uint64(types.TicksPerDay)
	hours := rem / uint64(types.TicksPerHour)
	rem %= uint64(types.TicksPerHour)
	minutes := rem / uint64(types.TicksPerMinute)
	rem %= uint64(types.TicksPerMinute)
	seconds := rem / uint64(types.TicksPerSecond)
	frac := int64(rem % uint64(types.TicksPerSecond))
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(format); {
		c := format[i]
		j := i
		for j < len(format) && format[j] == c {
			j++
		}
		k := j - i
		switch c {
		case 'd':
			writeNum(&b, int64(days), k)
		case 'h', 'H':
			writeNum(&b, int64(hours), k)
		case 'm':
			writeNum(&b, int64(minutes), k)
		case 's':
			writeNum(&b, int64(seconds), k)
		case 'f', 'F':
			writeFraction(&b, frac, k, c == 'F')
		default:
			b.WriteString(format[i:j])
		}
		i = j
	}
	return b.String()
}

func writeNum(b *strings.Builder, v int64, width int) {
	if width <= 1 {
		b.WriteString(itoa(v))
		return
	}
	b.WriteString(pad(v, width))
}

// writeFraction writes the first k of seven fractional digits; F drops trailing zeros (and writes nothing for zero).
func writeFraction(b *strings.Builder, frac int64, k int, trim bool) {
	if k > 7 {
		k = 7
	}
	s := pad(frac, 7)[:k]
	if trim {
		s = strings.TrimRight(s, "0")
	}
	b.WriteString(s)
}

func itoa(v int64) string { return pad(v, 1) }

func pad(v int64, width int) string {
	s := []byte{}
	neg := v < 0
	if neg {
		v = -v
	}
	for v > 0 {
		s = append(s, byte('0'+v%10))
		v /= 10
	}
	for len(s) < width {
		s = append(s, '0')
	}
	if neg {
		s = append(s, '-')
	}
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return string(s)
}
