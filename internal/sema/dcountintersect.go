package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// DcountIntersect is evaluate dcount_intersect(hll_1, hll_2, ...): per input row, the row's columns followed by
// the distinct counts of S1, S1∩S2, ..., S1∩...∩Sn from the hll() sketches of the sets, in columns s0 .. s<n-1>
// (Kusto.Language's PlugIns.cs: the row scope's columns, then s0 ..; the docs' example projects the s columns).
type DcountIntersect struct {
	schema
	In   Node
	Args []Expr // dynamic expressions over the input row, one sketch each
}

// dcountIntersect binds dcount_intersect(hll_1, hll_2 [, hll_3, ...]) (2 to 16 sketches).
func (c *checker) dcountIntersect(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 2 || len(args) > kernel.MaxIntersectSets {
		c.errorf(callSpan(o.Call), "dcount_intersect expects 2 to %d hll values", kernel.MaxIntersectSets)
		return nil
	}
	row := e.withRow(in.Schema())
	node := &DcountIntersect{In: in}
	fields := append([]types.Field(nil), in.Schema()...)
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	for i, a := range args {
		x := c.scalar(row, a)
		if x == nil {
			return nil
		}
		if x.Type() != types.Dynamic {
			c.errorf(a.Span(), "dcount_intersect: argument %d must be an hll() value (dynamic), but it is of type %s", i+1, x.Type())
			return nil
		}
		node.Args = append(node.Args, x)
		name := uniqueName(taken, "s"+itoa(i)) // an input column s0 keeps its name; the count becomes s01
		taken[name] = true
		fields = append(fields, types.Field{Name: name, Type: types.Long})
	}
	node.schema = schema{fields, o.Span()}
	return node
}
