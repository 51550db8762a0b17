// Package kernel holds the scalar-function, string-operator and aggregate kernels the executor calls,
// registered by name with their signatures. Kernels work on whole columns, not single values.
package kernel

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Arg is one evaluated argument: a column, or a constant (a one-row column standing for every row).
type Arg struct {
	Col   *types.Column
	Const bool
}

// Row maps row i to the row of Col that holds its value.
func (a Arg) Row(i int) int {
	if a.Const {
		return 0
	}
	return i
}

// IsNull reports whether row i is null.
func (a Arg) IsNull(i int) bool { return a.Col.IsNull(a.Row(i)) }

// Int returns row i of an int-backed column (bool, int, long, datetime, timespan).
func (a Arg) Int(i int) int64 { return a.Col.Ints[a.Row(i)] }

// Real returns row i of a real column.
func (a Arg) Real(i int) float64 { return a.Col.Reals[a.Row(i)] }

// Str returns row i of a string or guid column.
func (a Arg) Str(i int) string { return a.Col.Strs[a.Row(i)] }

// Dyn returns row i of a dynamic column.
func (a Arg) Dyn(i int) any { return a.Col.Dyns[a.Row(i)] }

// Value returns row i as a Value.
func (a Arg) Value(i int) types.Value { return a.Col.Value(a.Row(i)) }

// ArgInfo is what is known of an argument before evaluation.
type ArgInfo struct {
	Type types.Type
	// Const holds the value when the argument is a constant expression (literals, now(), let-bound scalars).
	Const *types.Value
	// TypeOf is set when the argument is `typeof(T)`; Type is then T.
	TypeOf bool
	// Star is set when the argument is `*` (count(*), arg_max(x, *) after expansion is done by the caller).
	Star bool
}

// Context carries per-query state into kernels.
type Context struct {
	Ctx context.Context
	Now int64 // now() in ticks, fixed once per query
}

// Scalar is a scalar function or operator kernel.
type Scalar struct {
	Name    string
	Aliases []string // deprecated or alternative names (parsejson, iif, ...)
	MinArgs int
	MaxArgs int // -1: any number
	// Result returns the result type for the given arguments, or an error in Kusto's words
	// (without position: the caller adds it).
	Result func(args []ArgInfo) (types.Type, error)
	// Eval computes n rows. It must not panic on any input; bad values give null (as in Kusto)
	// or an error for what Kusto reports as an error.
	Eval func(ctx *Context, args []Arg, n int) (*types.Column, error)
}

// Accumulator folds rows into per-group states.
type Accumulator interface {
	// Add folds n rows; groups[i] is the group of row i (groups are numbered densely from 0 and may grow).
	Add(ctx *Context, groups []uint32, args []Arg, n int) error
	// Result returns one column per output of the aggregate, with numGroups rows each.
	Result(numGroups int) []*types.Column
}

// Aggregate is an aggregation function (count, sum, make_set, arg_max, ...).
type Aggregate struct {
	Name    string
	Aliases []string
	MinArgs int
	MaxArgs int // -1: any number
	// Results returns the output types: one for most aggregates, several for arg_max(x, a, b) and the like.
	Results func(args []ArgInfo) ([]types.Type, error)
	// New returns a fresh accumulator for a query.
	New func(args []ArgInfo) Accumulator
	// DefaultName returns Kusto's name for an unnamed result column: count() is count_, sum(y) is sum_y,
	// countif(p) is countif_. argNames are the column names of simple column arguments ("" otherwise).
	DefaultName func(argNames []string) string
	// OutputNames, when set, names every output of a multi-output aggregate (percentiles(x, 50, 95) gives
	// percentile_x_50 and percentile_x_95; take_any(a, b) gives a and b). It needs the arguments' constant values,
	// so it takes the ArgInfos as well; it takes precedence over DefaultName.
	OutputNames func(args []ArgInfo, argNames []string) []string
}

// MultiScalar is a scalar function with several outputs (series_stats, series_fit_line). `extend (a, b) = f(x)`
// names the outputs; otherwise each is named <function>_<argument column>_<suffix>, as Kusto does
// (series_fit_line(y) gives series_fit_line_y_rsquare, series_fit_line_y_slope, ...).
type MultiScalar struct {
	Name    string
	MinArgs int
	MaxArgs int
	// Results returns the output types and their name suffixes, or an error in Kusto's words.
	Results func(args []ArgInfo) ([]types.Type, []string, error)
	// Eval computes n rows of every output.
	Eval func(ctx *Context, args []Arg, n int) ([]*types.Column, error)
}

var (
	scalars      = map[string]*Scalar{}
	aggregates   = map[string]*Aggregate{}
	multiScalars = map[string]*MultiScalar{}
)

// RegisterMultiScalar adds a multi-output scalar function; it panics on a duplicate.
func RegisterMultiScalar(m *MultiScalar) {
	if _, dup := multiScalars[m.Name]; dup {
		panic(fmt.Sprintf("kernel: multi-output scalar %q registered twice", m.Name))
	}
	multiScalars[m.Name] = m
}

// LookupMultiScalar finds a multi-output scalar function by name.
func LookupMultiScalar(name string) (*MultiScalar, bool) {
	m, ok := multiScalars[name]
	return m, ok
}

// RegisterScalar adds a scalar kernel under its name and aliases; it panics on a duplicate (a programming error).
func RegisterScalar(s *Scalar) {
	for _, n := range append([]string{s.Name}, s.Aliases...) {
		if _, dup := scalars[n]; dup {
			panic(fmt.Sprintf("kernel: scalar %q registered twice", n))
		}
		scalars[n] = s
	}
}

// RegisterAggregate adds an aggregate under its name and aliases.
func RegisterAggregate(a *Aggregate) {
	for _, n := range append([]string{a.Name}, a.Aliases...) {
		if _, dup := aggregates[n]; dup {
			panic(fmt.Sprintf("kernel: aggregate %q registered twice", n))
		}
		aggregates[n] = a
	}
}

// LookupScalar finds a scalar kernel by name (function names are case-sensitive in KQL).
func LookupScalar(name string) (*Scalar, bool) {
	s, ok := scalars[name]
	return s, ok
}

// LookupAggregate finds an aggregate by name.
func LookupAggregate(name string) (*Aggregate, bool) {
	a, ok := aggregates[name]
	return a, ok
}

// ScalarNames returns every registered scalar name, sorted.
func ScalarNames() []string { return sortedKeys(scalars) }

// MultiScalarNames returns every registered multi-output scalar name, sorted.
func MultiScalarNames() []string { return sortedKeys(multiScalars) }

// AggregateNames returns every registered aggregate name, sorted.
func AggregateNames() []string { return sortedKeys(aggregates) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckArity returns Kusto's error for a wrong argument count, or nil.
func CheckArity(name string, min, max, got int) error {
	if got >= min && (max < 0 || got <= max) {
		return nil
	}
	switch {
	case max < 0:
		return fmt.Errorf("The function '%s' expects at least %d argument%s.", name, min, plural(min))
	case min == max && min == 0:
		return fmt.Errorf("The function '%s' expects no arguments.", name)
	case min == max:
		return fmt.Errorf("The function '%s' expects %d argument%s.", name, min, plural(min))
	}
	return fmt.Errorf("The function '%s' expects between %d and %d arguments.", name, min, max)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ArgError is an error about one argument (its type or value); the caller reports it at that argument's position.
type ArgError struct {
	Index int // 0-based argument index
	Msg   string
}

func (e *ArgError) Error() string { return e.Msg }

// lowerASCII is a fast ASCII lower-casing used by case-insensitive string kernels.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
