package kernel

import (
	"math"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Aggregates that pick one row per group: arg_max, arg_min and take_any (with their deprecated names).

func init() {
	for _, c := range []struct {
		name, prefix string
		aliases      []string
		max          bool
	}{{"arg_max", "max", []string{"argmax"}, true}, {"arg_min", "min", []string{"argmin"}, false}} {
		RegisterAggregate(&Aggregate{
			Name: c.name, Aliases: c.aliases, MinArgs: 1, MaxArgs: -1,
			Results: func(args []ArgInfo) ([]types.Type, error) {
				if err := checkArgs(c.name, args, 1, -1, tNumber|tDateTime|tTimeSpan|tString|tBool|tGUID, tScalar); err != nil {
					return nil, err
				}
				return argTypes(args), nil
			},
			New: func(args []ArgInfo) Accumulator { return &argBestAcc{max: c.max, outTypes: argTypes(args)} },
			DefaultName: func(argNames []string) string {
				if len(argNames) > 0 && argNames[0] != "" {
					return argNames[0]
				}
				return c.prefix + "_"
			},
			OutputNames: func(args []ArgInfo, argNames []string) []string {
				names := make([]string, len(args))
				primary := ""
				if len(argNames) > 0 {
					primary = argNames[0]
				}
				for i := range args {
					switch {
					case i < len(argNames) && argNames[i] != "":
						names[i] = argNames[i]
					case i == 0:
						names[i] = c.prefix + "_"
					default:
						names[i] = c.prefix + "_" + primary + "_arg" + strconv.Itoa(i)
					}
				}
				return names
			},
		})
	}
	registerTakeAny("take_any", "")
	// any() is take_any's deprecated name; its single-argument result is named any_<column>.
	registerTakeAny("any", "any_")
	registerTakeAnyIf("take_anyif", "")
	registerTakeAnyIf("anyif", "anyif_")
}

func registerTakeAny(name, singlePrefix string) {
	RegisterAggregate(&Aggregate{
		Name: name, MinArgs: 1, MaxArgs: -1,
		Results: func(args []ArgInfo) ([]types.Type, error) {
			if err := checkArgs(name, args, 1, -1, tScalar); err != nil {
				return nil, err
			}
			return argTypes(args), nil
		},
		New: func(args []ArgInfo) Accumulator { return &takeAnyAcc{outTypes: argTypes(args)} },
		DefaultName: func(argNames []string) string {
			if len(argNames) > 0 && argNames[0] != "" {
				return singlePrefix + argNames[0]
			}
			return "any_arg0"
		},
		OutputNames: func(args []ArgInfo, argNames []string) []string {
			names := make([]string, len(args))
			for i := range args {
				switch {
				case i < len(argNames) && argNames[i] != "" && len(args) == 1:
					names[i] = singlePrefix + argNames[i]
				case i < len(argNames) && argNames[i] != "":
					names[i] = argNames[i]
				default:
					names[i] = "any_arg" + strconv.Itoa(i)
				}
			}
			return names
		},
	})
}

func registerTakeAnyIf(name, prefix string) {
	RegisterAggregate(&Aggregate{
		Name: name, MinArgs: 2, MaxArgs: 2,
		Results: aggResult(name, 2, 2, func(a []ArgInfo) types.Type { return argType(a, 0) }, tScalar, tBool),
		New: func(args []ArgInfo) Accumulator {
			return &takeAnyAcc{outTypes: []types.Type{argType(args, 0)}, cond: true}
		},
		DefaultName: func(argNames []string) string {
			if len(argNames) > 0 && argNames[0] != "" {
				return prefix + argNames[0]
			}
			return "anyif_"
		},
	})
}

func argTypes(args []ArgInfo) []types.Type {
	ts := make([]types.Type, len(args))
	for i := range args {
		ts[i] = argType(args, i)
	}
	return ts
}

// compareValues orders two non-null values of one type (reals with NaN first, as the smallest).
func compareValues(a, b types.Value) int {
	switch a.Type.Physical() {
	case types.PhysInt:
		switch {
		case a.I < b.I:
			return -1
		case a.I > b.I:
			return 1
		}
		return 0
	case types.PhysReal:
		an, bn := math.IsNaN(a.F), math.IsNaN(b.F)
		switch {
		case an || bn:
			return b2n(bn) - b2n(an)
		case a.F < b.F:
			return -1
		case a.F > b.F:
			return 1
		}
		return 0
	case types.PhysStr:
		return strings.Compare(a.S, b.S)
	}
	return 0
}

// argBestAcc is arg_max/arg_min: per group, the row with the greatest (least) first argument; rows where it is
// null only count when the group has no other row (then the group's first row is returned).
type argBestAcc struct {
	max      bool
	outTypes []types.Type
	has      []bool
	rows     [][]types.Value // per group: the chosen row's values of every argument
}

func (a *argBestAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	for i := 0; i < n; i++ {
		g := groups[i]
		a.has = growTo(a.has, g)
		a.rows = growTo(a.rows, g)
		v := args[0].Value(i)
		take := false
		switch {
		case !a.has[g]:
			take = true
		case v.Null:
		case a.rows[g][0].Null:
			take = true
		default:
			c := compareValues(v, a.rows[g][0])
			take = (a.max && c > 0) || (!a.max && c < 0)
		}
		if !take {
			continue
		}
		if a.rows[g] == nil {
			a.rows[g] = make([]types.Value, len(args))
		}
		row := a.rows[g]
		row[0] = v
		for j := 1; j < len(args); j++ {
			row[j] = args[j].Value(i)
		}
		a.has[g] = true
	}
	return nil
}

func (a *argBestAcc) Result(numGroups int) []*types.Column {
	return rowsResult(a.outTypes, a.rows, numGroups)
}

// rowsResult builds one column per output from per-group chosen rows (nil rows give nulls).
func rowsResult(outTypes []types.Type, rows [][]types.Value, numGroups int) []*types.Column {
	cols := make([]*types.Column, len(outTypes))
	for j, t := range outTypes {
		c := newCol(t, numGroups)
		for g := 0; g < numGroups; g++ {
			row := at(rows, g)
			if row == nil {
				setNull(c, g)
				continue
			}
			setValue(c, g, castValue(row[j], t))
		}
		cols[j] = c
	}
	return cols
}

// takeAnyAcc is take_any: with one argument, the first non-null, non-empty value of the group; with several,
// the values of the group's first row.
type takeAnyAcc struct {
	outTypes []types.Type
	cond     bool
	rows     [][]types.Value
}

func (a *takeAnyAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	width := len(args)
	if a.cond {
		width = 1
	}
	for i := 0; i < n; i++ {
		if a.cond && !predTrue(args[1], i) {
			continue
		}
		g := groups[i]
		a.rows = growTo(a.rows, g)
		row := a.rows[g]
		switch {
		case row == nil:
		case width == 1 && row[0].IsNullOrEmpty() && !args[0].Value(i).IsNullOrEmpty():
		default:
			continue
		}
		if row == nil {
			row = make([]types.Value, width)
			a.rows[g] = row
		}
		for j := 0; j < width; j++ {
			row[j] = args[j].Value(i)
		}
	}
	return nil
}

func (a *takeAnyAcc) Result(numGroups int) []*types.Column {
	return rowsResult(a.outTypes, a.rows, numGroups)
}
