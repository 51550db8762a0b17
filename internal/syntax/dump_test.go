package syntax

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// dumpTree prints a node's structure without spans, so trees from different texts can be compared.
func dumpTree(n any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var (
	spanType  = reflect.TypeOf(source.Span{})
	baseType  = reflect.TypeOf(Base{})
	valueType = reflect.TypeOf(types.Value{})
)

func dumpValue(b *strings.Builder, v reflect.Value, indent int) {
	pad := strings.Repeat("  ", indent)
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if v.Kind() == reflect.Pointer && v.Type().Elem() == reflect.TypeOf(types.Bag{}) {
			fmt.Fprintf(b, "%s", types.FormatJSON(v.Interface()))
			return
		}
		dumpValue(b, v.Elem(), indent)
	case reflect.Struct:
		if v.Type() == valueType {
			val := v.Interface().(types.Value)
			f := val.F
			fs := fmt.Sprint(f)
			if math.IsNaN(f) {
				fs = "NaN"
			}
			fmt.Fprintf(b, "Value{%s null=%v I=%d F=%s S=%q D=%s}", val.Type, val.Null, val.I, fs, val.S, dynText(val.D))
			return
		}
		b.WriteString(v.Type().Name() + "{")
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Type == baseType || f.Type == spanType {
				continue
			}
			fmt.Fprintf(b, "\n%s  %s: ", pad, f.Name)
			dumpValue(b, v.Field(i), indent+1)
		}
		b.WriteString("}")
	case reflect.Slice:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			fmt.Fprintf(b, "\n%s  ", pad)
			dumpValue(b, v.Index(i), indent+1)
		}
		b.WriteString("]")
	default:
		fmt.Fprintf(b, "%#v", v.Interface())
	}
}

func dynText(d any) string {
	if d == nil {
		return "nil"
	}
	return fmt.Sprintf("%T:%s", d, types.FormatJSON(d))
}
