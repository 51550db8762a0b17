package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// RowsNear is evaluate rows_near: the rows where Cond holds, with Before rows before and After rows after
// each of them, in input order (each row once).
type RowsNear struct {
	schema
	In            Node
	Cond          Expr
	Before, After int64
}

// rowsNear binds rows_near(Condition, NumRows [, RowsAfter]).
func (c *checker) rowsNear(e env, in Node, o *syntax.EvaluateOp) Node {
	args := o.Call.Args
	if len(args) < 2 || len(args) > 3 {
		c.errorf(callSpan(o.Call), "rows_near expects a condition, the number of rows around it, and optionally the number of rows after it")
		return nil
	}
	cond := c.scalar(e.withRow(in.Schema()), args[0])
	if cond == nil {
		return nil
	}
	if t := cond.Type(); t != types.Bool && t != types.Dynamic {
		c.errorf(args[0].Span(), "rows_near: the condition must be a bool, but it is of type %s", t)
		return nil
	}
	counts := make([]int64, 0, 2)
	for _, a := range args[1:] {
		k, ok := c.scalar(env{sc: e.sc}, a).(*Const)
		if !ok || !k.Val.Type.IsIntegral() || k.Val.Null || k.Val.I < 0 {
			c.errorf(a.Span(), "rows_near: the number of rows must be a constant non-negative integer")
			return nil
		}
		counts = append(counts, k.Val.I)
	}
	n := &RowsNear{schema: schema{in.Schema(), o.Span()}, In: in, Cond: cond, Before: counts[0], After: counts[0]}
	if len(counts) > 1 {
		n.After = counts[1]
	}
	return n
}
