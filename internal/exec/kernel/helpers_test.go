package kernel

import (
	"context"
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Shorthands for values in test tables.
func S(s string) types.Value  { return types.NewString(s) }
func L(i int64) types.Value   { return types.NewLong(i) }
func I(i int64) types.Value   { return types.NewInt(i) }
func R(f float64) types.Value { return types.NewReal(f) }
func B(b bool) types.Value    { return types.NewBool(b) }
func TS(s string) types.Value {
	t, ok := types.ParseTimeSpan(s)
	if !ok {
		panic("bad timespan in test: " + s)
	}
	return types.NewTimeSpan(t)
}
func DT(s string) types.Value {
	t, ok := types.ParseDateTime(s)
	if !ok {
		panic("bad datetime in test: " + s)
	}
	return types.NewDateTime(t)
}
func J(s string) types.Value {
	if s == "null" {
		return types.NewDynamic(nil)
	}
	d, err := types.ParseJSON(s)
	if err != nil {
		panic("bad JSON in test: " + s)
	}
	return types.NewDynamic(d)
}
func N(t types.Type) types.Value { return types.NullOf(t) }

// typeofMarker marks a test argument standing for typeof(T).
const typeofMarker = "\x00typeof"

// TypeOf is the argument typeof(t).
func TypeOf(t types.Type) types.Value { return types.Value{Type: t, Null: true, S: typeofMarker} }
func G(s string) types.Value          { return types.NewGUID(s) }

var testNow = DT("2026-12-03T15:00:00Z").I

func testCtx() *Context { return &Context{Ctx: context.Background(), Now: testNow} }

// constArg makes a constant argument.
func constArg(v types.Value) Arg {
	c := types.NewColumn(v.Type, 1)
	c.Append(v)
	return Arg{Col: c, Const: true}
}

// colArg makes a column argument of type t from values.
func colArg(t types.Type, vals ...types.Value) Arg {
	c := types.NewColumn(t, len(vals))
	for _, v := range vals {
		c.Append(v)
	}
	return Arg{Col: c}
}

func infos(vals []types.Value) []ArgInfo {
	out := make([]ArgInfo, len(vals))
	for i := range vals {
		v := vals[i]
		out[i] = ArgInfo{Type: v.Type, Const: &v, TypeOf: v.Null && v.S == typeofMarker}
	}
	return out
}

// evalScalar runs scalar name over constant arguments (one row), after checking Result's type.
func evalScalar(t *testing.T, name string, vals ...types.Value) (types.Value, error) {
	t.Helper()
	s, ok := LookupScalar(name)
	if !ok {
		t.Fatalf("scalar %q not registered", name)
	}
	rt, err := s.Result(infos(vals))
	if err != nil {
		return types.Value{}, err
	}
	args := make([]Arg, len(vals))
	for i, v := range vals {
		args[i] = constArg(v)
	}
	col, err := s.Eval(testCtx(), args, 1)
	if err != nil {
		return types.Value{}, err
	}
	if col.Len() != 1 {
		t.Fatalf("%s: got %d rows, want 1", name, col.Len())
	}
	if col.Type != rt {
		t.Errorf("%s: Eval type %s differs from Result type %s", name, col.Type, rt)
	}
	return col.Value(0), nil
}

// sameValue compares values by type and content; reals with a relative tolerance; dynamic as JSON.
func sameValue(a, b types.Value) bool {
	if a.Type != b.Type || a.Null != b.Null {
		return false
	}
	if a.Null {
		return true
	}
	switch a.Type.Physical() {
	case types.PhysInt:
		return a.I == b.I
	case types.PhysReal:
		if math.IsNaN(a.F) || math.IsNaN(b.F) {
			return math.IsNaN(a.F) && math.IsNaN(b.F)
		}
		return a.F == b.F || math.Abs(a.F-b.F) <= 1e-9*math.Max(math.Abs(a.F), math.Abs(b.F))
	case types.PhysStr:
		return a.S == b.S
	}
	return types.FormatJSON(a.D) == types.FormatJSON(b.D)
}

func show(v types.Value) string {
	if v.Null {
		return v.Type.String() + "(null)"
	}
	if v.Type == types.Dynamic {
		return "dynamic(" + types.FormatJSON(v.D) + ")"
	}
	return v.Type.String() + "(" + valueText(v) + ")"
}

// scalarCase is one call of a scalar over constant arguments and its expected result.
type scalarCase struct {
	name string
	fn   string
	args []types.Value
	want types.Value
}

func runScalarCases(t *testing.T, cases []scalarCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evalScalar(t, c.fn, c.args...)
			if err != nil {
				t.Fatalf("%s: unexpected error: %v", c.fn, err)
			}
			if !sameValue(got, c.want) {
				t.Errorf("%s(%v) = %s, want %s", c.fn, c.args, show(got), show(c.want))
			}
		})
	}
}

// args is shorthand for an argument list.
func args(v ...types.Value) []types.Value { return v }
