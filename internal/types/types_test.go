package types

import (
	"math"
	"testing"
)

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // FormatDateTime of the result; "" means the text must be rejected
	}{
		{"iso with Z", "2026-11-02T23:59:59Z", "2026-11-02T23:59:59.0000000Z"},
		{"space, no seconds", "2007-07-30 10:00", "2007-07-30T10:00:00.0000000Z"},
		{"date only", "2017-01-01", "2017-01-01T00:00:00.0000000Z"},
		{"seven digits", "2026-11-19T17:02:06.1314605Z", "2026-11-19T17:02:06.1314605Z"},
		{"three digits", "2026-11-20T08:13:11.512Z", "2026-11-20T08:13:11.5120000Z"},
		{"more than seven digits truncate", "2026-11-20T08:13:11.123456789Z", "2026-11-20T08:13:11.1234567Z"},
		{"no zone is UTC", "2026-11-20T08:13:11.0000000", "2026-11-20T08:13:11.0000000Z"},
		{"offset", "2026-11-20T10:00:00+02:00", "2026-11-20T08:00:00.0000000Z"},
		{"before 1970", "1969-12-31T23:30:00Z", "1969-12-31T23:30:00.0000000Z"},
		{"rfc1123", "Sat, 08 Nov 2014 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"feb 30", "2026-02-30", ""},
		{"hour 24", "2026-01-01T24:00:00Z", ""},
		{"garbage", "yesterday", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ticks, ok := ParseDateTime(tc.in)
			if tc.want == "" {
				if ok {
					t.Fatalf("ParseDateTime(%q) = %s, want rejection", tc.in, FormatDateTime(ticks))
				}
				return
			}
			if !ok || FormatDateTime(ticks) != tc.want {
				t.Fatalf("ParseDateTime(%q) = %s (ok=%v), want %s", tc.in, FormatDateTime(ticks), ok, tc.want)
			}
		})
	}
}

func TestTimeSpanParseFormat(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		ticks int64
		text  string
	}{
		{"hours fraction", "1.5h", 54_000_000_000, "01:30:00"},
		{"minutes", "30m", 18_000_000_000, "00:30:00"},
		{"days", "2d", 2 * TicksPerDay, "2.00:00:00"},
		{"millis", "100ms", 1_000_000, "00:00:00.1000000"},
		{"ticks", "3tick", 3, "00:00:00.0000003"},
		{"microsecond word", "10microsecond", 100, "00:00:00.0000100"},
		{"clock form", "1.02:03:04.5", TicksPerDay + 2*TicksPerHour + 3*TicksPerMinute + 4*TicksPerSecond + 5_000_000, "1.02:03:04.5000000"},
		{"bare number is days", "2", 2 * TicksPerDay, "2.00:00:00"},
		{"negative", "-1h", -TicksPerHour, "-01:00:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseTimeSpan(tc.in)
			if !ok || got != tc.ticks {
				t.Fatalf("ParseTimeSpan(%q) = %d (ok=%v), want %d", tc.in, got, ok, tc.ticks)
			}
			if s := FormatTimeSpan(got); s != tc.text {
				t.Fatalf("FormatTimeSpan(%d) = %q, want %q", got, s, tc.text)
			}
		})
	}
	for _, bad := range []string{"", "abc", "25:00:00", "1e400d", "h"} {
		if v, ok := ParseTimeSpan(bad); ok {
			t.Errorf("ParseTimeSpan(%q) = %d, want rejection", bad, v)
		}
	}
	if s := FormatTimeSpan(math.MinInt64); s[0] != '-' {
		t.Errorf("FormatTimeSpan(MinInt64) = %q, want a negative span", s)
	}
}

func TestColumnAppendGatherSlice(t *testing.T) {
	c := NewColumn(Long, 0)
	c.Append(NewLong(10))
	c.AppendNull()
	c.Append(NewLong(30))
	g := c.Gather([]int{2, 1, -1, 0})
	want := []struct {
		null bool
		v    int64
	}{{false, 30}, {true, 0}, {true, 0}, {false, 10}}
	for i, w := range want {
		if g.IsNull(i) != w.null || (!w.null && g.Ints[i] != w.v) {
			t.Fatalf("Gather row %d = %v, want %+v", i, g.Value(i), w)
		}
	}
	s := c.Slice(1, 3)
	if s.Len() != 2 || !s.IsNull(0) || s.IsNull(1) || s.Ints[1] != 30 {
		t.Fatalf("Slice(1,3) wrong: len %d", s.Len())
	}

	str := NewColumn(String, 0)
	str.Append(NewString("a"))
	str.AppendNull() // strings are never null: the empty string
	if str.IsNull(1) || str.Strs[1] != "" {
		t.Fatal("a null string must be stored as the empty string")
	}
	if gs := str.Gather([]int{-1}); gs.IsNull(0) || gs.Strs[0] != "" {
		t.Fatal("a missing string row must be the empty string, not null")
	}

	d := NewColumn(Dynamic, 0)
	d.Append(NewDynamic(nil))
	d.Append(NewDynamic([]any{int64(1)}))
	if !d.IsNull(0) || d.IsNull(1) {
		t.Fatal("dynamic null is a nil entry")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	in := `{"b":1,"a":[1.5,"x",null,true,{"k":-2}],"big":12345678901234567890}`
	v, err := ParseJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	bag := v.(*Bag)
	if bag.Keys[0] != "b" || bag.Keys[1] != "a" {
		t.Fatalf("key order lost: %v", bag.Keys)
	}
	if _, ok := bag.Vals["b"].(int64); !ok {
		t.Fatalf("integer must decode as int64, got %T", bag.Vals["b"])
	}
	if _, ok := bag.Vals["big"].(float64); !ok {
		t.Fatalf("an integer too big for int64 must decode as float64, got %T", bag.Vals["big"])
	}
	got := FormatJSON(v)
	want := `{"b":1,"a":[1.5,"x",null,true,{"k":-2}],"big":1.2345678901234567e+19}`
	if got != want {
		t.Fatalf("FormatJSON = %s, want %s", got, want)
	}
	if _, err := ParseJSON(`{"a":1} trailing`); err == nil {
		t.Fatal("trailing text must be an error")
	}
	if s := FormatJSON([]any{DynDateTime(UnixEpochTicks), DynTimeSpan(TicksPerHour), math.NaN(), "bad\xffutf8"}); s != `["1970-01-01T00:00:00.0000000Z","01:00:00","NaN","bad\ufffdutf8"]` {
		t.Fatalf("typed dynamic values: %s", s)
	}
}

func TestParseType(t *testing.T) {
	for name, want := range map[string]Type{"boolean": Bool, "int64": Long, "double": Real, "date": DateTime, "time": TimeSpan, "uniqueid": GUID, "Dynamic": Dynamic} {
		if got, ok := ParseType(name); !ok || got != want {
			t.Errorf("ParseType(%q) = %v, want %v", name, got, want)
		}
	}
	if _, ok := ParseType("varchar"); ok {
		t.Error("varchar is not a KQL type")
	}
}

func TestValueDynamic(t *testing.T) {
	tests := []struct {
		name string
		in   Value
		want any
	}{
		{"null long", NullOf(Long), nil},
		{"bool", NewBool(true), true},
		{"int", NewInt(7), int64(7)},
		{"real", NewReal(1.5), 1.5},
		{"string", NewString("x"), "x"},
		{"datetime keeps its type", NewDateTime(UnixEpochTicks), DynDateTime(UnixEpochTicks)},
		{"timespan keeps its type", NewTimeSpan(TicksPerHour), DynTimeSpan(TicksPerHour)},
		{"guid keeps its type", NewGUID("00000000-0000-0000-0000-000000000001"), DynGUID("00000000-0000-0000-0000-000000000001")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.Dynamic(); got != tc.want {
				t.Fatalf("Dynamic() = %#v, want %#v", got, tc.want)
			}
		})
	}
}
