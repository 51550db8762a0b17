package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// SlidingWindowCounts is evaluate sliding_window_counts: for every Bin-wide period from Start to End, and every
// combination of the dimension columns, the count and distinct count of ID over the Lookback window ending
// with the period.
type SlidingWindowCounts struct {
	schema
	In                        Node
	ID, Time                  int
	Dims                      []int
	Start, End, Lookback, Bin Expr // scalars evaluated once: datetime, datetime, timespan, timespan
}

// slidingWindowCounts binds sliding_window_counts(IdColumn, TimelineColumn, Start, End, LookbackWindow, Bin
// [, dim1, ...]).
func (c *checker) slidingWindowCounts(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 6 {
		c.errorf(callSpan(o.Call), "sliding_window_counts expects IdColumn, TimelineColumn, Start, End, LookbackWindow and Bin")
		return nil
	}
	column := func(x syntax.Expr) int {
		id, ok := x.(*syntax.Ident)
		if !ok || fieldIndex(in.Schema(), id.Name) < 0 {
			c.errorf(x.Span(), "sliding_window_counts: a column of the input was expected")
			return -1
		}
		return fieldIndex(in.Schema(), id.Name)
	}
	node := &SlidingWindowCounts{In: in, ID: column(args[0]), Time: column(args[1])}
	if node.ID < 0 || node.Time < 0 {
		return nil
	}
	if t := in.Schema()[node.Time].Type; t != types.DateTime {
		c.errorf(args[1].Span(), "sliding_window_counts: the timeline column must be a datetime, but it is of type %s", t)
		return nil
	}
	scalars := []*Expr{&node.Start, &node.End, &node.Lookback, &node.Bin}
	want := []types.Type{types.DateTime, types.DateTime, types.TimeSpan, types.TimeSpan}
	for i, dst := range scalars {
		x := c.scalar(env{sc: e.sc}, args[2+i])
		if x == nil {
			return nil
		}
		if x.Type() != want[i] {
			c.errorf(args[2+i].Span(), "sliding_window_counts: argument %d must be a %s, but it is of type %s", 3+i, want[i], x.Type())
			return nil
		}
		*dst = x
	}
	fields := []types.Field{in.Schema()[node.Time]}
	for _, a := range args[6:] {
		d := column(a)
		if d < 0 {
			return nil
		}
		node.Dims = append(node.Dims, d)
		fields = append(fields, in.Schema()[d])
	}
	fields = append(fields, types.Field{Name: "Count", Type: types.Long}, types.Field{Name: "Dcount", Type: types.Long})
	node.schema = schema{fields, o.Span()}
	return node
}
