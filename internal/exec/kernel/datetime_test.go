package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestDateTimeFunctions(t *testing.T) {
	cases := []scalarCase{
		{"now", "now", args(), DT("2026-12-03T15:00:00Z")},
		{"now offset", "now", args(TS("-1d")), DT("2026-12-02T15:00:00Z")},
		{"ago", "ago", args(TS("30d")), DT("2026-11-03T15:00:00Z")},
		{"ago null", "ago", args(N(types.TimeSpan)), N(types.DateTime)},
		{"ago overflow", "ago", args(types.NewTimeSpan(math.MaxInt64)), N(types.DateTime)},
		{"startofday", "startofday", args(DT("2026-11-03T15:00:00Z")), DT("2026-11-03")},
		{"startofday offset", "startofday", args(DT("2026-11-03T15:00:00Z"), L(-2)), DT("2026-11-01")},
		{"startofweek", "startofweek", args(DT("2017-01-01 10:10:17")), DT("2017-01-01")},
		{"startofweek -1", "startofweek", args(DT("2017-01-01 10:10:17"), L(-1)), DT("2016-12-25")},
		{"startofweek +1", "startofweek", args(DT("2017-01-01 10:10:17"), L(1)), DT("2017-01-08")},
		{"startofweek midweek", "startofweek", args(DT("2025-06-18 10:00")) /* Wednesday */, DT("2025-06-15")},
		{"startofmonth", "startofmonth", args(DT("2017-01-31 10:10:17"), L(1)), DT("2017-02-01")},
		{"startofyear -1", "startofyear", args(DT("2017-01-01 10:10:17"), L(-1)), DT("2016-01-01")},
		{"endofday", "endofday", args(DT("2017-01-01 10:10:17")), DT("2017-01-01 23:59:59.9999999")},
		{"endofweek", "endofweek", args(DT("2025-06-14")), DT("2025-06-14 23:59:59.9999999")},
		{"endofmonth february", "endofmonth", args(DT("2024-02-10")), DT("2024-02-29 23:59:59.9999999")},
		{"endofyear -1", "endofyear", args(DT("2017-01-01 10:10:17"), L(-1)), DT("2016-12-31 23:59:59.9999999")},
		{"endofyear last year", "endofyear", args(DT("9999-06-01")), DT("9999-12-31 23:59:59.9999999")},
		{"startofyear out of range", "startofyear", args(DT("9999-06-01"), L(1)), N(types.DateTime)},
		{"startofday null", "startofday", args(N(types.DateTime)), N(types.DateTime)},
		// conformance core/bin_rounding.txtar
		{"bin real", "bin", args(R(4.5), L(1)), R(4)},
		{"bin negative real", "bin", args(R(-4.5), L(1)), R(-5)},
		{"bin timespan", "bin", args(TS("16d"), TS("7d")), TS("14d")},
		{"bin datetime day", "bin", args(DT("1970-05-11 13:45:07"), TS("1d")), DT("1970-05-11")},
		{"bin negative size", "bin", args(L(10), L(-1)), N(types.Long)},
		{"bin zero size", "bin", args(L(10), L(0)), N(types.Long)},
		{"bin pre-1970", "bin", args(DT("1969-12-31 23:30:00"), TS("1h")), DT("1969-12-31 23:00:00")},
		{"bin long by real", "bin", args(L(10), R(1.5)), R(9)},
		{"bin negative long", "bin", args(L(-7), L(5)), L(-10)},
		{"bin int", "bin", args(I(17), I(5)), I(15)},
		{"bin null value", "bin", args(N(types.Long), L(5)), N(types.Long)},
		{"bin huge long", "bin", args(L(math.MinInt64), L(3)), N(types.Long)},
		{"bin datetime zero size", "bin", args(DT("2020-01-01"), TS("0s")), N(types.DateTime)},
		{"floor alias", "floor", args(R(-4.5), L(1)), R(-5)},
		{"bin_at real", "bin_at", args(R(6.5), R(2.5), L(7)), R(4.5)},
		{"bin_at timespan", "bin_at", args(TS("1h"), TS("1d"), TS("12h")), TS("-12h")},
		{"bin_at datetime", "bin_at", args(DT("2018-02-23T16:14"), TS("1d"), DT("2018-02-24 15:14")), DT("2018-02-23T15:14")},
		{"bin_at datetime after", "bin_at", args(DT("2018-02-26T15:14"), TS("1d"), DT("2018-02-24 15:14")), DT("2018-02-26T15:14")},
		{"datetime_add year", "datetime_add", args(S("year"), L(-5), DT("2017-01-01")), DT("2012-01-01")},
		{"datetime_add quarter", "datetime_add", args(S("quarter"), L(12), DT("2017-01-01")), DT("2020-01-01")},
		{"datetime_add month", "datetime_add", args(S("month"), L(-15), DT("2017-01-01")), DT("2015-10-01")},
		{"datetime_add week", "datetime_add", args(S("week"), L(100), DT("2017-01-01")), DT("2018-12-02")},
		{"datetime_add month clamps", "datetime_add", args(S("month"), L(1), DT("2017-01-31")), DT("2017-02-28")},
		{"datetime_add day", "datetime_add", args(S("day"), L(-8), DT("2025-06-16")), DT("2025-06-08")},
		{"datetime_add keeps ticks", "datetime_add", args(S("month"), L(1), DT("2017-01-15 01:02:03.1234567")), DT("2017-02-15 01:02:03.1234567")},
		{"datetime_add overflow", "datetime_add", args(S("day"), L(math.MaxInt64), DT("2017-01-01")), N(types.DateTime)},
		{"datetime_add out of range", "datetime_add", args(S("year"), L(9000), DT("2017-01-01")), N(types.DateTime)},
		{"datetime_add bad part", "datetime_add", args(S("fortnight"), L(1), DT("2017-01-01")), N(types.DateTime)},
		{"datetime_diff year", "datetime_diff", args(S("year"), DT("2017-01-01"), DT("2000-12-31")), L(17)},
		{"datetime_diff quarter", "datetime_diff", args(S("quarter"), DT("2017-07-01"), DT("2017-03-30")), L(2)},
		{"datetime_diff month", "datetime_diff", args(S("month"), DT("2017-01-01"), DT("2015-12-30")), L(13)},
		{"datetime_diff week", "datetime_diff", args(S("week"), DT("2017-10-29 00:00"), DT("2017-09-30 23:59")), L(5)},
		{"datetime_diff day", "datetime_diff", args(S("day"), DT("2017-10-29 00:00"), DT("2017-09-30 23:59")), L(29)},
		{"datetime_diff hour", "datetime_diff", args(S("hour"), DT("2017-10-31 01:00"), DT("2017-10-30 23:59")), L(2)},
		{"datetime_diff minute", "datetime_diff", args(S("minute"), DT("2017-10-30 23:05:01"), DT("2017-10-30 23:00:59")), L(5)},
		{"datetime_diff second", "datetime_diff", args(S("second"), DT("2017-10-30 23:00:10.100"), DT("2017-10-30 23:00:00.900")), L(10)},
		{"datetime_diff millisecond", "datetime_diff", args(S("millisecond"), DT("2017-10-30 23:00:00.200100"), DT("2017-10-30 23:00:00.100900")), L(100)},
		{"datetime_diff microsecond", "datetime_diff", args(S("microsecond"), DT("2017-10-30 23:00:00.1009001"), DT("2017-10-30 23:00:00.1008009")), L(100)},
		{"datetime_diff nanosecond", "datetime_diff", args(S("nanosecond"), DT("2017-10-30 23:00:00.0000000"), DT("2017-10-30 23:00:00.0000007")), L(-700)},
		{"datetime_part year", "datetime_part", args(S("year"), DT("2017-10-30 01:02:03.7654321")), I(2017)},
		{"datetime_part quarter", "datetime_part", args(S("quarter"), DT("2017-10-30 01:02:03.7654321")), I(4)},
		{"datetime_part week_of_year", "datetime_part", args(S("week_of_year"), DT("2017-10-30 01:02:03.7654321")), I(44)},
		{"datetime_part dayOfYear", "datetime_part", args(S("dayOfYear"), DT("2017-10-30 01:02:03.7654321")), I(303)},
		{"datetime_part millisecond", "datetime_part", args(S("millisecond"), DT("2017-10-30 01:02:03.7654321")), I(765)},
		{"datetime_part microsecond", "datetime_part", args(S("microsecond"), DT("2017-10-30 01:02:03.7654321")), I(765432)},
		{"datetime_part nanosecond", "datetime_part", args(S("nanosecond"), DT("2017-10-30 01:02:03.7654321")), I(765432100)},
		{"dayofweek sunday", "dayofweek", args(DT("1947-11-30 10:00:05")), TS("0d")},
		{"dayofweek friday", "dayofweek", args(DT("1970-05-15")), TS("5d")},
		{"dayofmonth", "dayofmonth", args(DT("2015-12-14")), I(14)},
		{"getyear", "getyear", args(DT("2015-10-12")), I(2015)},
		{"getmonth", "getmonth", args(DT("2015-10-12")), I(10)},
		{"monthofyear", "monthofyear", args(DT("2015-12-14")), I(12)},
		{"hourofday", "hourofday", args(DT("2015-12-14 18:54")), I(18)},
		{"format_datetime", "format_datetime", args(DT("2017-01-29 09:00:05"), S("yyyy-M-dd [H:mm:ss]")), S("2017-1-29 [9:00:05]")},
		{"format_datetime full", "format_datetime", args(DT("2015-12-14 02:03:04.1234500"), S("yy-MM-dd hh:mm:ss.fffffff tt")), S("15-12-14 02:03:04.1234500 AM")},
		{"format_datetime F trims", "format_datetime", args(DT("2015-12-14 14:03:04.12"), S("HH:mm:ss.FFFF")), S("14:03:04.12")},
		{"format_timespan", "format_timespan", args(TS("1.02:03:04.5"), S("d.hh:mm:ss.ff")), S("1.02:03:04.50")},
		{"format_timespan FF", "format_timespan", args(TS("29.09:00:05.12345"), S("dd.hh:mm:ss:FF")), S("29.09:00:05:12")},
		{"format_timespan padded days", "format_timespan", args(TS("29.09:00:05.12345"), S("ddd.h:mm:ss [fffffff]")), S("029.9:00:05 [1234500]")},
		{"format_timespan F empty", "format_timespan", args(TS("00:00:01"), S("ss.FFF")), S("01.")},
		{"format_timespan negative", "format_timespan", args(TS("-00:30:00"), S("hh:mm")), S("-00:30")},
		{"make_datetime date", "make_datetime", args(L(2017), L(10), L(1)), DT("2017-10-01")},
		{"make_datetime fraction", "make_datetime", args(L(2017), L(10), L(1), L(12), L(11), R(0.1234567)), DT("2017-10-01 12:11:00.1234567")},
		{"make_datetime invalid", "make_datetime", args(L(2017), L(2), L(30)), N(types.DateTime)},
		{"make_timespan hm", "make_timespan", args(L(1), L(30)), TS("01:30:00")},
		{"make_timespan dhms", "make_timespan", args(L(2), L(1), L(30), R(1.5)), TS("2.01:30:01.5")},
		{"unixtime seconds", "unixtime_seconds_todatetime", args(L(1546300800)), DT("2019-01-01")},
		{"unixtime seconds real", "unixtime_seconds_todatetime", args(R(1546300800.5)), DT("2019-01-01 00:00:00.5")},
		{"unixtime milliseconds", "unixtime_milliseconds_todatetime", args(L(1546300800000)), DT("2019-01-01")},
		{"unixtime microseconds", "unixtime_microseconds_todatetime", args(L(1546300800000000)), DT("2019-01-01")},
		{"unixtime nanoseconds", "unixtime_nanoseconds_todatetime", args(L(1546300800000000000)), DT("2019-01-01")},
		{"unixtime negative", "unixtime_seconds_todatetime", args(L(-86400)), DT("1969-12-31")},
		{"unixtime huge", "unixtime_seconds_todatetime", args(L(math.MaxInt64)), N(types.DateTime)},
		{"unixtime huge real", "unixtime_seconds_todatetime", args(R(1e300)), N(types.DateTime)},
	}
	runScalarCases(t, cases)
}

func TestBinOverColumn(t *testing.T) {
	s, _ := LookupScalar("bin")
	vals := colArg(types.DateTime, DT("2026-11-03T00:00:00Z"), DT("2026-11-03T18:30:00Z"), N(types.DateTime), DT("0001-01-01"))
	out, err := s.Eval(testCtx(), []Arg{vals, constArg(TS("1d"))}, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []types.Value{DT("2026-11-03"), DT("2026-11-03"), N(types.DateTime), DT("0001-01-01")}
	for i, w := range want {
		if !sameValue(out.Value(i), w) {
			t.Errorf("row %d = %s, want %s", i, show(out.Value(i)), show(w))
		}
	}
}

func TestBinResultTypes(t *testing.T) {
	cases := []struct {
		name    string
		args    []types.Type
		want    types.Type
		wantErr bool
	}{
		{"long long", []types.Type{types.Long, types.Long}, types.Long, false},
		{"long real", []types.Type{types.Long, types.Real}, types.Real, false},
		{"int int", []types.Type{types.Int, types.Int}, types.Int, false},
		{"datetime timespan", []types.Type{types.DateTime, types.TimeSpan}, types.DateTime, false},
		{"timespan timespan", []types.Type{types.TimeSpan, types.TimeSpan}, types.TimeSpan, false},
		{"string", []types.Type{types.String, types.Long}, types.Unknown, true},
		{"datetime long", []types.Type{types.DateTime, types.Long}, types.Unknown, true},
	}
	s, _ := LookupScalar("bin")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := []ArgInfo{{Type: c.args[0]}, {Type: c.args[1]}}
			got, err := s.Result(in)
			if (err != nil) != c.wantErr || got != c.want {
				t.Errorf("bin(%v) = %v, %v; want %v, error %v", c.args, got, err, c.want, c.wantErr)
			}
		})
	}
}
