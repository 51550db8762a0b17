package exec

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func longCol(vals ...any) *types.Column {
	c := types.NewColumn(types.Long, len(vals))
	for _, v := range vals {
		if v == nil {
			c.AppendNull()
		} else {
			c.Append(types.NewLong(int64(v.(int))))
		}
	}
	return c
}

func boolCells(c *types.Column) []string {
	out := make([]string, c.Len())
	for i := range out {
		switch {
		case c.IsNull(i):
			out[i] = "null"
		case c.Ints[i] != 0:
			out[i] = "true"
		default:
			out[i] = "false"
		}
	}
	return out
}

// TestCompareNullRules checks Kusto's null rules column-wise: == and != treat one null as unequal, two nulls
// as null; ordering comparisons with a null are null.
func TestCompareNullRules(t *testing.T) {
	ctx := NewContext(context.Background(), 0)
	l := kernel.Arg{Col: longCol(1, nil, nil, 2)}
	r := kernel.Arg{Col: longCol(1, 1, nil, 3)}
	batch := &types.Table{Cols: []*types.Column{l.Col}}
	tests := []struct {
		op   string
		want []string
	}{
		{"==", []string{"true", "false", "null", "false"}},
		{"!=", []string{"false", "true", "null", "true"}},
		{"<", []string{"false", "null", "null", "true"}},
		{">=", []string{"true", "null", "null", "false"}},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			got, err := compare(ctx, tc.op, l, r, batch)
			if err != nil {
				t.Fatal(err)
			}
			if g := boolCells(got.Col); !equal(g, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.op, g, tc.want)
			}
		})
	}
}

// TestArithmetic checks integer division by zero, int wrap-around and mixed int/real promotion.
func TestArithmetic(t *testing.T) {
	ctx := NewContext(context.Background(), 0)
	batch := &types.Table{Cols: []*types.Column{longCol(7, -7, 7)}}
	l := kernel.Arg{Col: longCol(7, -7, 7)}
	r := kernel.Arg{Col: longCol(2, 2, 0)}
	got, err := arith(ctx, "/", l, r, types.Long, batch)
	if err != nil {
		t.Fatal(err)
	}
	if got.Col.Ints[0] != 3 || got.Col.Ints[1] != -3 || !got.Col.IsNull(2) {
		t.Errorf("7/2, -7/2, 7/0 = %v (nulls %v)", got.Col.Ints, got.Col.Nulls)
	}
	half := types.NewColumn(types.Real, 1)
	half.Append(types.NewReal(0.5))
	got, err = arith(ctx, "*", l, kernel.Arg{Col: half, Const: true}, types.Real, batch)
	if err != nil {
		t.Fatal(err)
	}
	if got.Col.Reals[0] != 3.5 || got.Col.Reals[1] != -3.5 {
		t.Errorf("x * 0.5 = %v", got.Col.Reals)
	}
	big := types.NewColumn(types.Int, 1)
	big.Append(types.NewInt(2147483647))
	got, err = arith(ctx, "+", kernel.Arg{Col: big, Const: true}, kernel.Arg{Col: big, Const: true}, types.Int, &types.Table{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Col.Ints[0] != -2 {
		t.Errorf("int overflow = %d, want -2 (32-bit wrap)", got.Col.Ints[0])
	}
}

// TestGrouper checks dense group numbers over single and composite keys, nulls included.
func TestGrouper(t *testing.T) {
	g := newGrouper([]types.Type{types.Long})
	out := make([]uint32, 5)
	g.assign([]*types.Column{longCol(5, nil, 5, 7, nil)}, 5, out)
	if want := []uint32{0, 1, 0, 2, 1}; !equalU32(out, want) {
		t.Errorf("single key groups %v, want %v", out, want)
	}
	s := types.NewColumn(types.String, 3)
	for _, v := range []string{"a", "a", "b"} {
		s.Append(types.NewString(v))
	}
	g2 := newGrouper([]types.Type{types.String, types.Long})
	out2 := make([]uint32, 3)
	g2.assign([]*types.Column{s, longCol(1, 2, 1)}, 3, out2)
	if want := []uint32{0, 1, 2}; !equalU32(out2, want) || g2.count != 3 {
		t.Errorf("composite key groups %v (count %d), want %v", out2, g2.count, want)
	}
	if g2.keys[0].Strs[2] != "b" || g2.keys[1].Ints[1] != 2 {
		t.Errorf("group keys kept wrongly: %v %v", g2.keys[0].Strs, g2.keys[1].Ints)
	}
}

// TestConcatKeepsPrunedColumnsNil checks that concatenating batches leaves pruned (nil) columns nil.
func TestConcatKeepsPrunedColumnsNil(t *testing.T) {
	fields := []types.Field{{Name: "a", Type: types.Long}, {Name: "b", Type: types.String}}
	b1 := &types.Table{Fields: fields, Cols: []*types.Column{longCol(1, nil), nil}}
	b2 := &types.Table{Fields: fields, Cols: []*types.Column{longCol(3), nil}}
	out := concat(fields, []*types.Table{b1, b2})
	if out.Cols[1] != nil {
		t.Error("pruned column materialized")
	}
	if numRows(out) != 3 || !out.Cols[0].IsNull(1) || out.Cols[0].Ints[2] != 3 {
		t.Errorf("concat: rows %d, values %v", numRows(out), out.Cols[0].Ints)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalU32(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
