// Package types holds KQL's scalar types, values, dynamic values, and columnar tables.
package types

import "strings"

// Type is a KQL scalar type.
type Type uint8

const (
	Unknown Type = iota // not yet inferred; never a column's final type
	Bool
	Int
	Long
	Real
	Decimal
	String
	DateTime
	TimeSpan
	GUID
	Dynamic
)

var typeNames = [...]string{"unknown", "bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic"}

// String returns the Kusto name of the type, as gettype() and result schemas print it.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// ParseType maps a KQL type name or alias (boolean, int32, int64, double, date, time, uniqueid, ...) to a Type.
func ParseType(name string) (Type, bool) {
	switch strings.ToLower(name) {
	case "bool", "boolean":
		return Bool, true
	case "int", "int32":
		return Int, true
	case "long", "int64":
		return Long, true
	case "real", "double", "float":
		return Real, true
	case "decimal":
		return Decimal, true
	case "string":
		return String, true
	case "datetime", "date":
		return DateTime, true
	case "timespan", "time":
		return TimeSpan, true
	case "guid", "uniqueid":
		return GUID, true
	case "dynamic":
		return Dynamic, true
	}
	return Unknown, false
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool { return t == Int || t == Long || t == Real || t == Decimal }

// IsIntegral reports whether t is int or long.
func (t Type) IsIntegral() bool { return t == Int || t == Long }

// Physical says which slice of a Column holds values of type t.
type Physical uint8

const (
	PhysInt  Physical = iota // Ints: bool (0/1), int, long, datetime, timespan (ticks)
	PhysReal                 // Reals: real, decimal
	PhysStr                  // Strs: string, guid (canonical lower-case text)
	PhysDyn                  // Dyns: dynamic
)

// Physical returns the storage class of t.
func (t Type) Physical() Physical {
	switch t {
	case Real, Decimal:
		return PhysReal
	case String, GUID:
		return PhysStr
	case Dynamic:
		return PhysDyn
	}
	return PhysInt
}
