package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ActiveUsersCount is evaluate active_users_count: per Bin-wide period from Start to End (and combination of
// Dims), the distinct ids with an appearance in the period that is active: the id appeared in at least
// ActivePeriods distinct Period-wide periods within the Lookback window ending with that appearance.
type ActiveUsersCount struct {
	schema
	In                                Node
	ID, Time                          int
	Dims                              []int
	Start, End, Lookback, Period, Bin Expr // datetime, datetime, timespan, timespan, timespan
	ActivePeriods                     Expr // long
}

// activeUsersCount binds active_users_count(IdColumn, TimelineColumn, Start, End, LookbackWindow, Period,
// ActivePeriodsCount, Bin [, dim1, ...]).
func (c *checker) activeUsersCount(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 8 {
		c.errorf(callSpan(o.Call), "active_users_count expects IdColumn, TimelineColumn, Start, End, LookbackWindow, Period, ActivePeriodsCount and Bin")
		return nil
	}
	column := func(x syntax.Expr) int {
		id, ok := x.(*syntax.Ident)
		if !ok || fieldIndex(in.Schema(), id.Name) < 0 {
			c.errorf(x.Span(), "active_users_count: a column of the input was expected")
			return -1
		}
		return fieldIndex(in.Schema(), id.Name)
	}
	node := &ActiveUsersCount{In: in, ID: column(args[0]), Time: column(args[1])}
	if node.ID < 0 || node.Time < 0 {
		return nil
	}
	if t := in.Schema()[node.Time].Type; t != types.DateTime {
		c.errorf(args[1].Span(), "active_users_count: the timeline column must be a datetime, but it is of type %s", t)
		return nil
	}
	dsts := []*Expr{&node.Start, &node.End, &node.Lookback, &node.Period, &node.ActivePeriods, &node.Bin}
	want := []types.Type{types.DateTime, types.DateTime, types.TimeSpan, types.TimeSpan, types.Long, types.TimeSpan}
	for i, dst := range dsts {
		x := c.scalar(env{sc: e.sc}, args[2+i])
		if x == nil {
			return nil
		}
		if x.Type() != want[i] && !(want[i] == types.Long && x.Type().IsIntegral()) {
			c.errorf(args[2+i].Span(), "active_users_count: argument %d must be a %s, but it is of type %s", 3+i, want[i], x.Type())
			return nil
		}
		*dst = x
	}
	fields := []types.Field{in.Schema()[node.Time]}
	for _, a := range args[8:] {
		d := column(a)
		if d < 0 {
			return nil
		}
		node.Dims = append(node.Dims, d)
		fields = append(fields, in.Schema()[d])
	}
	fields = append(fields, types.Field{Name: "dcount", Type: types.Long})
	node.schema = schema{fields, o.Span()}
	return node
}
