package kernel

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// aggInput is one argument of an aggregate: a column of values, or a constant (maxSize, percentile).
type aggInput struct {
	t     types.Type
	vals  []types.Value
	konst *types.Value
}

func col(t types.Type, vals ...types.Value) aggInput { return aggInput{t: t, vals: vals} }
func konst(v types.Value) aggInput                   { return aggInput{t: v.Type, konst: &v} }

// runAgg folds the rows in two batches (to exercise group growth across Add calls) and returns the outputs.
func runAgg(t *testing.T, name string, groups []uint32, numGroups int, in ...aggInput) []*types.Column {
	t.Helper()
	a, ok := LookupAggregate(name)
	if !ok {
		t.Fatalf("aggregate %q not registered", name)
	}
	infos := make([]ArgInfo, len(in))
	for i, x := range in {
		infos[i] = ArgInfo{Type: x.t, Const: x.konst}
	}
	outTypes, err := a.Results(infos)
	if err != nil {
		t.Fatalf("%s: Results: %v", name, err)
	}
	acc := a.New(infos)
	half := len(groups) / 2
	for _, r := range [][2]int{{0, half}, {half, len(groups)}} {
		args := make([]Arg, len(in))
		for i, x := range in {
			if x.konst != nil {
				args[i] = constArg(*x.konst)
			} else {
				args[i] = colArg(x.t, x.vals[r[0]:r[1]]...)
			}
		}
		if err := acc.Add(testCtx(), groups[r[0]:r[1]], args, r[1]-r[0]); err != nil {
			t.Fatalf("%s: Add: %v", name, err)
		}
	}
	cols := acc.Result(numGroups)
	if len(cols) != len(outTypes) {
		t.Fatalf("%s: %d outputs, Results said %d", name, len(cols), len(outTypes))
	}
	for i, c := range cols {
		if c.Type != outTypes[i] || c.Len() != numGroups {
			t.Fatalf("%s: output %d is %s with %d rows, want %s with %d", name, i, c.Type, c.Len(), outTypes[i], numGroups)
		}
	}
	return cols
}

func checkCol(t *testing.T, what string, c *types.Column, want ...types.Value) {
	t.Helper()
	for g, w := range want {
		if got := c.Value(g); !sameValue(got, w) {
			t.Errorf("%s group %d = %s, want %s", what, g, show(got), show(w))
		}
	}
}

func TestAggregates(t *testing.T) {
	// Two groups; y has a null in group 0 (as in conformance core/aggregate_names_and_nulls.txtar).
	groups := []uint32{0, 0, 0, 0, 1, 1}
	y := col(types.Real, N(types.Real), R(5), R(5), R(5), R(1), R(3))
	x := col(types.Long, L(1), L(2), L(3), L(4), L(10), N(types.Long))
	pred := col(types.Bool, B(true), B(false), N(types.Bool), B(true), B(true), B(true))
	cases := []struct {
		name string
		fn   string
		in   []aggInput
		want []types.Value // one per group (first output)
	}{
		{"count", "count", nil, []types.Value{L(4), L(2)}},
		{"countif", "countif", []aggInput{pred}, []types.Value{L(2), L(2)}},
		{"count of column counts non-nulls", "count", []aggInput{x}, []types.Value{L(4), L(1)}},
		{"count of bool counts trues", "count", []aggInput{pred}, []types.Value{L(2), L(2)}},
		{"sum ignores nulls", "sum", []aggInput{y}, []types.Value{R(15), R(4)}},
		{"sum long", "sum", []aggInput{x}, []types.Value{L(10), L(10)}},
		{"sumif", "sumif", []aggInput{x, pred}, []types.Value{L(5), L(10)}},
		{"avg", "avg", []aggInput{y}, []types.Value{R(5), R(2)}},
		{"avg long is real", "avg", []aggInput{x}, []types.Value{R(2.5), R(10)}},
		{"avgif", "avgif", []aggInput{x, pred}, []types.Value{R(2.5), R(10)}},
		{"min", "min", []aggInput{x}, []types.Value{L(1), L(10)}},
		{"max", "max", []aggInput{y}, []types.Value{R(5), R(3)}},
		{"minif", "minif", []aggInput{x, pred}, []types.Value{L(1), L(10)}},
		{"maxif", "maxif", []aggInput{x, pred}, []types.Value{L(4), L(10)}},
		{"dcount ignores nulls", "dcount", []aggInput{y}, []types.Value{L(1), L(2)}},
		{"dcountif", "dcountif", []aggInput{x, pred}, []types.Value{L(2), L(1)}},
		{"make_set", "make_set", []aggInput{y}, []types.Value{J(`[5]`), J(`[1,3]`)}},
		{"make_set_if", "make_set_if", []aggInput{x, pred}, []types.Value{J(`[1,4]`), J(`[10]`)}},
		{"make_list", "make_list", []aggInput{x}, []types.Value{J(`[1,2,3,4]`), J(`[10]`)}},
		{"make_list max size", "make_list", []aggInput{x, konst(L(2))}, []types.Value{J(`[1,2]`), J(`[10]`)}},
		{"make_list_if", "make_list_if", []aggInput{x, pred}, []types.Value{J(`[1,4]`), J(`[10]`)}},
		{"makelist alias", "makelist", []aggInput{x}, []types.Value{J(`[1,2,3,4]`), J(`[10]`)}},
		{"stdev", "stdev", []aggInput{x}, []types.Value{R(1.2909944487358056), R(0)}},
		{"variance", "variance", []aggInput{x}, []types.Value{R(5.0 / 3), R(0)}},
		{"variancep", "variancep", []aggInput{x}, []types.Value{R(1.25), R(0)}},
		{"stdevp", "stdevp", []aggInput{x}, []types.Value{R(math.Sqrt(1.25)), R(0)}},
		{"percentile 50", "percentile", []aggInput{x, konst(L(50))}, []types.Value{L(2), L(10)}},
		{"percentile 100", "percentile", []aggInput{x, konst(L(100))}, []types.Value{L(4), L(10)}},
		{"percentile 0", "percentile", []aggInput{y, konst(L(0))}, []types.Value{R(5), R(1)}},
		{"take_any skips nulls", "take_any", []aggInput{y}, []types.Value{R(5), R(1)}},
		{"take_anyif", "take_anyif", []aggInput{x, pred}, []types.Value{L(1), L(10)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cols := runAgg(t, c.fn, groups, 2, c.in...)
			checkCol(t, c.fn, cols[0], c.want...)
		})
	}
}

func TestAggregatesOverNoRows(t *testing.T) {
	// conformance core/summarize_empty_no_by.txtar: one group that received no rows.
	empty := col(types.Long)
	cases := []struct {
		fn   string
		in   []aggInput
		want types.Value
	}{
		{"count", nil, L(0)},
		{"sum", []aggInput{empty}, L(0)},
		{"max", []aggInput{empty}, N(types.Long)},
		{"avg", []aggInput{empty}, N(types.Real)},
		{"make_set", []aggInput{empty}, J(`[]`)},
		{"make_bag", []aggInput{col(types.Dynamic)}, J(`{}`)},
		{"dcount", []aggInput{empty}, L(0)},
		{"stdev", []aggInput{empty}, N(types.Real)},
		{"percentile", []aggInput{empty, konst(L(50))}, N(types.Long)},
		{"arg_max", []aggInput{empty}, N(types.Long)},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			cols := runAgg(t, c.fn, nil, 1, c.in...)
			checkCol(t, c.fn, cols[0], c.want)
		})
	}
}

func TestArgMax(t *testing.T) {
	// From the arg_max reference: a group whose maximized values are all null returns its first row.
	groups := []uint32{0, 0, 1, 1, 2, 2}
	version := col(types.Int, I(1), N(types.Int), N(types.Int), N(types.Int), I(1), I(2))
	color := col(types.String, S("Red"), S("Green"), S("Yellow"), S("Green"), S("Brown"), S("Green"))
	cols := runAgg(t, "arg_max", groups, 3, version, color)
	checkCol(t, "arg_max version", cols[0], I(1), N(types.Int), I(2))
	checkCol(t, "arg_max color", cols[1], S("Red"), S("Yellow"), S("Green"))
	cols = runAgg(t, "arg_min", groups, 3, version, color)
	checkCol(t, "arg_min version", cols[0], I(1), N(types.Int), I(1))
	checkCol(t, "arg_min color", cols[1], S("Red"), S("Yellow"), S("Brown"))
	// Datetime maximized, a later null does not displace the best row.
	ts := col(types.DateTime, DT("2024-01-01"), DT("2024-03-01"), DT("2024-02-01"), N(types.DateTime))
	id := col(types.Long, L(1), L(2), L(3), L(4))
	cols = runAgg(t, "arg_max", []uint32{0, 0, 0, 0}, 1, ts, id)
	checkCol(t, "arg_max ts", cols[0], DT("2024-03-01"))
	checkCol(t, "arg_max id", cols[1], L(2))
}

func TestTakeAnySeveralOutputs(t *testing.T) {
	cols := runAgg(t, "take_any", []uint32{0, 1, 0}, 2,
		col(types.String, S("a"), S("b"), S("c")), col(types.Long, N(types.Long), L(2), L(3)))
	checkCol(t, "take_any first", cols[0], S("a"), S("b"))
	checkCol(t, "take_any second", cols[1], N(types.Long), L(2))
}

func TestMakeSetFlattensArrays(t *testing.T) {
	// From the make_set reference.
	arr := col(types.Dynamic, J(`["A1","A2","A3"]`), J(`["A2","C1"]`), J(`["C2","A3"]`), J(`["C2","A1"]`))
	cols := runAgg(t, "make_set", []uint32{0, 0, 0, 0}, 1, arr)
	checkCol(t, "make_set", cols[0], J(`["A1","A2","A3","C1","C2"]`))
	// make_list keeps arrays whole.
	cols = runAgg(t, "make_list", []uint32{0, 0}, 1, col(types.Dynamic, J(`[1,2]`), J(`[3]`)))
	checkCol(t, "make_list", cols[0], J(`[[1,2],[3]]`))
	// A set keeps 1 and "1" apart.
	cols = runAgg(t, "make_set", []uint32{0, 0, 0}, 1, col(types.Dynamic, J(`1`), J(`"1"`), J(`1`)))
	checkCol(t, "make_set types", cols[0], J(`[1,"1"]`))
}

func TestMakeBag(t *testing.T) {
	bags := col(types.Dynamic, J(`{"prop01":"val_a"}`), J(`{"prop02":"val_b"}`), J(`{"prop01":"other"}`), J(`"not a bag"`), J(`null`))
	cols := runAgg(t, "make_bag", []uint32{0, 0, 0, 0, 0}, 1, bags)
	checkCol(t, "make_bag", cols[0], J(`{"prop01":"val_a","prop02":"val_b"}`))
}

func TestPercentiles(t *testing.T) {
	vals := make([]types.Value, 0, 100)
	groups := make([]uint32, 0, 100)
	for i := 1; i <= 100; i++ {
		vals = append(vals, L(int64(i)))
		groups = append(groups, 0)
	}
	x := col(types.Long, vals...)
	cols := runAgg(t, "percentiles", groups, 1, x, konst(L(5)), konst(L(50)), konst(R(99.9)))
	checkCol(t, "p5", cols[0], L(5))
	checkCol(t, "p50", cols[1], L(50))
	checkCol(t, "p99.9", cols[2], L(100))
	cols = runAgg(t, "percentiles_array", groups, 1, x, konst(L(25)), konst(L(75)))
	checkCol(t, "percentiles_array", cols[0], J(`[25,75]`))
	a, _ := LookupAggregate("percentiles")
	names := a.OutputNames([]ArgInfo{{Type: types.Long}, {Type: types.Long, Const: ptr(L(50))}, {Type: types.Real, Const: ptr(R(99.9))}}, []string{"x"})
	if len(names) != 2 || names[0] != "percentile_x_50" || names[1] != "percentile_x_99_9" {
		t.Errorf("percentiles names = %v", names)
	}
	if _, err := a.Results([]ArgInfo{{Type: types.Long}, {Type: types.Long}}); err == nil {
		t.Error("a non-constant percentile should be an error")
	}
	if _, err := a.Results([]ArgInfo{{Type: types.Long}, {Type: types.Long, Const: ptr(L(150))}}); err == nil {
		t.Error("a percentile above 100 should be an error")
	}
}

func ptr(v types.Value) *types.Value { return &v }

func TestAggregateDefaultNames(t *testing.T) {
	cases := []struct {
		fn       string
		argNames []string
		want     string
	}{
		{"count", nil, "count_"},
		{"count", []string{"RemoteUrl"}, "count_RemoteUrl"},
		{"countif", []string{"IsBad"}, "countif_IsBad"},
		{"countif", []string{""}, "countif_"},
		{"sum", []string{"y"}, "sum_y"},
		{"avg", []string{"y"}, "avg_y"},
		{"dcount", []string{"User"}, "dcount_User"},
		{"make_set", []string{"y"}, "set_y"},
		{"makeset", []string{"y"}, "set_y"},
		{"make_list", []string{"x"}, "list_x"},
		{"make_bag", []string{"p"}, "bag_p"},
		{"min", []string{"x"}, "min_x"},
		{"stdev", []string{"x"}, "stdev_x"},
		{"sum", []string{""}, "sum_"},
		{"take_any", []string{"x"}, "x"},
		{"take_any", []string{""}, "any_arg0"},
		{"any", []string{"x"}, "any_x"},
		{"take_anyif", []string{"x"}, "x"},
		{"anyif", []string{"x"}, "anyif_x"},
	}
	for _, c := range cases {
		t.Run(c.fn+"/"+c.want, func(t *testing.T) {
			a, ok := LookupAggregate(c.fn)
			if !ok {
				t.Fatalf("%s not registered", c.fn)
			}
			if got := a.DefaultName(c.argNames); got != c.want {
				t.Errorf("DefaultName = %q, want %q", got, c.want)
			}
		})
	}
}

func TestAggregateTypeErrors(t *testing.T) {
	cases := []struct {
		fn   string
		args []ArgInfo
	}{
		{"sum", []ArgInfo{{Type: types.String}}},
		{"avg", []ArgInfo{{Type: types.Dynamic}}},
		{"countif", []ArgInfo{{Type: types.Long}}},
		{"count", []ArgInfo{{Type: types.Bool}, {Type: types.Bool}}},
		{"countif", []ArgInfo{{Type: types.String}}},
		{"make_bag", []ArgInfo{{Type: types.String}}},
		{"min", []ArgInfo{{Type: types.Dynamic}}},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			a, _ := LookupAggregate(c.fn)
			if _, err := a.Results(c.args); err == nil {
				t.Errorf("%s(%v) should be a type error", c.fn, c.args)
			}
		})
	}
}

func TestAverageOfDateTimes(t *testing.T) {
	cols := runAgg(t, "avg", []uint32{0, 0, 0, 0}, 1,
		col(types.DateTime, DT("2024-01-01"), DT("2024-01-03"), N(types.DateTime), DT("2024-01-05")))
	checkCol(t, "avg datetime", cols[0], DT("2024-01-03"))
}

func TestCountManyGroups(t *testing.T) {
	const n = 10000
	groups := make([]uint32, n)
	for i := range groups {
		groups[i] = uint32(i % 997)
	}
	a, _ := LookupAggregate("count")
	acc := a.New(nil)
	if err := acc.Add(testCtx(), groups, nil, n); err != nil {
		t.Fatal(err)
	}
	out := acc.Result(997)[0]
	total := int64(0)
	for _, c := range out.Ints {
		total += c
	}
	if total != n || out.Ints[0] != 11 || out.Ints[996] != 10 {
		t.Errorf("counts: total %d, first %d, last %d", total, out.Ints[0], out.Ints[996])
	}
}

func TestMoreAggregates(t *testing.T) {
	// From the reference pages of binary_all_xor, covariancepif and percentilesw_array.
	nums := col(types.Long, L(0x44404440), L(0x1E1E1E1E), L(0x90ABBA09), L(0x000B105A))
	cols := runAgg(t, "binary_all_xor", []uint32{0, 0, 0, 0}, 1, nums)
	checkCol(t, "binary_all_xor", cols[0], L(0xCAFEF00D))
	cols = runAgg(t, "binary_all_and", []uint32{0, 0}, 1, col(types.Long, L(6), L(3)))
	checkCol(t, "binary_all_and", cols[0], L(2))

	var xs, ys, ps []types.Value
	var groups []uint32
	for x := int64(1); x <= 100; x++ {
		y := x * 3
		if x%2 == 0 {
			y = x * 2
		}
		xs, ys, ps = append(xs, L(x)), append(ys, L(y)), append(ps, B(x%3 == 0))
		groups = append(groups, 0)
	}
	cols = runAgg(t, "covariancepif", groups, 1, col(types.Long, xs...), col(types.Long, ys...), col(types.Bool, ps...))
	checkCol(t, "covariancepif", cols[0], R(2077.09090909091))

	groups = []uint32{0, 0, 0, 0}
	latency := col(types.Long, L(10), L(20), L(30), L(40))
	count := col(types.Long, L(8), L(6), L(3), L(1))
	cols = runAgg(t, "percentilesw_array", groups, 1, latency, count, konst(L(50)), konst(L(75)), konst(R(99.9)))
	checkCol(t, "percentilesw_array", cols[0], J(`[20,20,40]`))
	cols = runAgg(t, "percentilew", groups, 1, latency, count, konst(L(50)))
	checkCol(t, "percentilew", cols[0], L(20))
}
