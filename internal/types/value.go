package types

// Value is one scalar KQL value. Which field holds the value follows Type.Physical():
// I for bool (0/1), int, long, datetime and timespan (100 ns ticks); F for real and decimal;
// S for string and guid; D for dynamic. A null value has Null set (strings are never null in KQL).
type Value struct {
	Type Type
	Null bool
	I    int64
	F    float64
	S    string
	D    any
}

// NullOf returns the null value of type t (the empty string for string).
func NullOf(t Type) Value {
	if t == String {
		return Value{Type: String}
	}
	return Value{Type: t, Null: true}
}

// NewBool returns a bool value.
func NewBool(b bool) Value {
	v := Value{Type: Bool}
	if b {
		v.I = 1
	}
	return v
}

// NewInt returns an int value.
func NewInt(i int64) Value { return Value{Type: Int, I: int64(int32(i))} }

// NewLong returns a long value.
func NewLong(i int64) Value { return Value{Type: Long, I: i} }

// NewReal returns a real value.
func NewReal(f float64) Value { return Value{Type: Real, F: f} }

// NewString returns a string value.
func NewString(s string) Value { return Value{Type: String, S: s} }

// NewDateTime returns a datetime value from ticks.
func NewDateTime(ticks int64) Value { return Value{Type: DateTime, I: ticks} }

// NewTimeSpan returns a timespan value from ticks.
func NewTimeSpan(ticks int64) Value { return Value{Type: TimeSpan, I: ticks} }

// NewGUID returns a guid value from its canonical text.
func NewGUID(s string) Value { return Value{Type: GUID, S: s} }

// NewDynamic returns a dynamic value; nil is dynamic null.
func NewDynamic(d any) Value {
	if d == nil {
		return Value{Type: Dynamic, Null: true}
	}
	return Value{Type: Dynamic, D: d}
}

// Bool returns the value as a Go bool (false for null).
func (v Value) Bool() bool { return !v.Null && v.I != 0 }

// IsNullOrEmpty reports KQL emptiness: null, or the empty string.
func (v Value) IsNullOrEmpty() bool { return v.Null || (v.Type == String && v.S == "") }

// Dynamic returns the value as a dynamic value: nil for null; datetime, timespan and guid keep their type inside
// dynamic (DynDateTime, DynTimeSpan, DynGUID), as in Kusto.
func (v Value) Dynamic() any {
	if v.Null {
		return nil
	}
	switch v.Type {
	case Bool:
		return v.I != 0
	case Int, Long:
		return v.I
	case Real, Decimal:
		return v.F
	case String:
		return v.S
	case DateTime:
		return DynDateTime(v.I)
	case TimeSpan:
		return DynTimeSpan(v.I)
	case GUID:
		return DynGUID(v.S)
	case Dynamic:
		return v.D
	}
	return nil
}
