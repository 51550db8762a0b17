package sema

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// RollingPercentile is evaluate rolling_percentile: per bin of Index (and combination of Dims), the
// nearest-rank percentile of Value over the window of the last Window bins.
type RollingPercentile struct {
	schema
	In           Node
	Value, Index int
	Percentile   float64
	Bin          Expr // a constant of the index's kind: timespan for datetime or timespan indexes, a number otherwise
	Window       int64
	Dims         []int
}

// rollingPercentile binds rolling_percentile(ValueColumn, Percentile, IndexColumn, Bin, BinsPerWindow [, dim1, ...]).
func (c *checker) rollingPercentile(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 5 {
		c.errorf(callSpan(o.Call), "rolling_percentile expects ValueColumn, Percentile, IndexColumn, Bin and BinsPerWindow")
		return nil
	}
	column := func(x syntax.Expr) int {
		id, ok := x.(*syntax.Ident)
		if !ok || fieldIndex(in.Schema(), id.Name) < 0 {
			c.errorf(x.Span(), "rolling_percentile: a column of the input was expected")
			return -1
		}
		return fieldIndex(in.Schema(), id.Name)
	}
	constant := func(x syntax.Expr) (types.Value, bool) {
		v := c.scalar(env{sc: e.sc}, x)
		k, ok := v.(*Const)
		if v != nil && !ok {
			c.errorf(x.Span(), "rolling_percentile: a constant was expected")
		}
		if !ok || k.Val.Null {
			return types.Value{}, false
		}
		return k.Val, true
	}
	node := &RollingPercentile{In: in, Value: column(args[0]), Index: column(args[2])}
	if node.Value < 0 || node.Index < 0 {
		return nil
	}
	vt, it := in.Schema()[node.Value].Type, in.Schema()[node.Index].Type
	if !vt.IsNumeric() {
		c.errorf(args[0].Span(), "rolling_percentile: the value column must be numeric, but it is of type %s", vt)
		return nil
	}
	p, ok := constant(args[1])
	if !ok || !p.Type.IsNumeric() {
		return nil
	}
	node.Percentile = p.F
	if p.Type.IsIntegral() {
		node.Percentile = float64(p.I)
	}
	bin := c.scalar(env{sc: e.sc}, args[3])
	if bin == nil {
		return nil
	}
	if wantSpan := it == types.DateTime || it == types.TimeSpan; wantSpan != (bin.Type() == types.TimeSpan) || (!wantSpan && !it.IsNumeric()) {
		c.errorf(args[3].Span(), "rolling_percentile: the bin (%s) does not fit the index column's type %s", bin.Type(), it)
		return nil
	}
	node.Bin = bin
	w, ok := constant(args[4])
	if !ok || !w.Type.IsIntegral() || w.I < 1 {
		c.errorf(args[4].Span(), "rolling_percentile: BinsPerWindow must be a positive integer constant")
		return nil
	}
	node.Window = w.I
	fields := []types.Field{in.Schema()[node.Index]}
	for _, a := range args[5:] {
		d := column(a)
		if d < 0 {
			return nil
		}
		node.Dims = append(node.Dims, d)
		fields = append(fields, in.Schema()[d])
	}
	name := "rolling_" + strconv.FormatInt(node.Window, 10) + "_percentile_" + in.Schema()[node.Value].Name + "_" +
		strconv.FormatFloat(node.Percentile, 'f', -1, 64)
	fields = append(fields, types.Field{Name: name, Type: vt})
	node.schema = schema{fields, o.Span()}
	return node
}
