package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ActivityCountsMetrics is evaluate activity_counts_metrics: per Window-wide period from Start to End (and
// combination of Dims) the row count, the distinct ids, the ids not seen in earlier periods, and the
// distinct ids seen so far.
type ActivityCountsMetrics struct {
	schema
	In                 Node
	ID, Time           int
	Dims               []int
	Start, End, Window Expr // datetime, datetime, timespan
}

// activityCountsMetrics binds activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Window [, dim1, ...]).
func (c *checker) activityCountsMetrics(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 5 {
		c.errorf(callSpan(o.Call), "activity_counts_metrics expects IdColumn, TimelineColumn, Start, End and Window")
		return nil
	}
	column := func(x syntax.Expr) int {
		id, ok := x.(*syntax.Ident)
		if !ok || fieldIndex(in.Schema(), id.Name) < 0 {
			c.errorf(x.Span(), "activity_counts_metrics: a column of the input was expected")
			return -1
		}
		return fieldIndex(in.Schema(), id.Name)
	}
	node := &ActivityCountsMetrics{In: in, ID: column(args[0]), Time: column(args[1])}
	if node.ID < 0 || node.Time < 0 {
		return nil
	}
	if t := in.Schema()[node.Time].Type; t != types.DateTime {
		c.errorf(args[1].Span(), "activity_counts_metrics: the timeline column must be a datetime, but it is of type %s", t)
		return nil
	}
	want := []types.Type{types.DateTime, types.DateTime, types.TimeSpan}
	for i, dst := range []*Expr{&node.Start, &node.End, &node.Window} {
		x := c.scalar(env{sc: e.sc}, args[2+i])
		if x == nil {
			return nil
		}
		if x.Type() != want[i] {
			c.errorf(args[2+i].Span(), "activity_counts_metrics: argument %d must be a %s, but it is of type %s", 3+i, want[i], x.Type())
			return nil
		}
		*dst = x
	}
	fields := []types.Field{in.Schema()[node.Time]}
	for _, a := range args[5:] {
		d := column(a)
		if d < 0 {
			return nil
		}
		node.Dims = append(node.Dims, d)
		fields = append(fields, in.Schema()[d])
	}
	for _, n := range []string{"count", "dcount", "new_dcount", "aggregated_dcount"} {
		fields = append(fields, types.Field{Name: n, Type: types.Long})
	}
	node.schema = schema{fields, o.Span()}
	return node
}
