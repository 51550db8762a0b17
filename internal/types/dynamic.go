package types

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A dynamic value is one of: nil (null), bool, int64, float64, string, []any (array), *Bag (property bag),
// DynDateTime, DynTimeSpan, or DynGUID. Typed scalars keep their KQL type inside dynamic, as in Kusto
// (gettype(pack_array(now())[0]) is "datetime").

// DynDateTime is a datetime held inside a dynamic value (ticks).
type DynDateTime int64

// DynTimeSpan is a timespan held inside a dynamic value (ticks).
type DynTimeSpan int64

// DynGUID is a guid held inside a dynamic value (canonical text).
type DynGUID string

// Bag is a property bag that keeps its keys in insertion order.
type Bag struct {
	Keys []string
	Vals map[string]any
}

// NewBag returns an empty bag.
func NewBag() *Bag { return &Bag{Vals: map[string]any{}} }

// Set sets key to v, appending the key if it is new.
func (b *Bag) Set(key string, v any) {
	if _, ok := b.Vals[key]; !ok {
		b.Keys = append(b.Keys, key)
	}
	b.Vals[key] = v
}

// Get returns the value of key.
func (b *Bag) Get(key string) (any, bool) {
	v, ok := b.Vals[key]
	return v, ok
}

// Len returns the number of keys.
func (b *Bag) Len() int { return len(b.Keys) }

// Delete removes key.
func (b *Bag) Delete(key string) {
	if _, ok := b.Vals[key]; !ok {
		return
	}
	delete(b.Vals, key)
	for i, k := range b.Keys {
		if k == key {
			b.Keys = append(b.Keys[:i:i], b.Keys[i+1:]...)
			break
		}
	}
}

// ParseJSON decodes JSON text into a dynamic value: integers that fit become int64, other numbers float64,
// objects *Bag with key order kept. Trailing text after the value is an error.
func ParseJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeJSON(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected text after the JSON value at offset %d", dec.InputOffset())
	}
	return v, nil
}

// DecodeJSONValue reads one JSON value from dec (which must have UseNumber set) into a dynamic value.
func DecodeJSONValue(dec *json.Decoder) (any, error) { return decodeJSON(dec) }

func decodeJSON(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return decodeToken(dec, tok)
}

func decodeToken(dec *json.Decoder, tok json.Token) (any, error) {
	switch t := tok.(type) {
	case nil:
		return nil, nil
	case bool:
		return t, nil
	case string:
		return t, nil
	case json.Number:
		return JSONNumber(string(t)), nil
	case json.Delim:
		switch t {
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		case '{':
			bag := NewBag()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				bag.Set(key, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return bag, nil
		}
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// JSONNumber converts JSON number text to int64 when it is an integer that fits, else float64.
func JSONNumber(s string) any {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// FormatJSON encodes a dynamic value as compact JSON, the way Kusto prints dynamic cells.
func FormatJSON(v any) string {
	var b bytes.Buffer
	WriteJSON(&b, v)
	return b.String()
}

// WriteJSON appends the JSON form of dynamic value v to b.
func WriteJSON(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case int:
		b.WriteString(strconv.Itoa(t))
	case float64:
		b.WriteString(FormatRealJSON(t))
	case string:
		WriteJSONString(b, t)
	case DynDateTime:
		WriteJSONString(b, FormatDateTime(int64(t)))
	case DynTimeSpan:
		WriteJSONString(b, FormatTimeSpan(int64(t)))
	case DynGUID:
		WriteJSONString(b, string(t))
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			WriteJSON(b, e)
		}
		b.WriteByte(']')
	case *Bag:
		b.WriteByte('{')
		for i, k := range t.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			WriteJSONString(b, k)
			b.WriteByte(':')
			WriteJSON(b, t.Vals[k])
		}
		b.WriteByte('}')
	default:
		WriteJSONString(b, fmt.Sprint(t))
	}
}

// FormatRealJSON prints a real for JSON: NaN and infinities as strings (JSON has no such numbers).
func FormatRealJSON(f float64) string {
	switch {
	case math.IsNaN(f):
		return `"NaN"`
	case math.IsInf(f, 1):
		return `"Infinity"`
	case math.IsInf(f, -1):
		return `"-Infinity"`
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// WriteJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func WriteJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20:
				fmt.Fprintf(b, `\u%04x`, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
