package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// maxJoinRows bounds a join's result so that a key matching everything fails instead of exhausting memory.
const maxJoinRows = 100_000_000

// buildJoin builds a hash join: the right side is read whole and hashed on its keys, then the left side is
// probed batch by batch.
func (ctx *Context) buildJoin(x *sema.Join) (Operator, error) {
	left, err := ctx.Build(x.Left)
	if err != nil {
		return nil, err
	}
	right, err := ctx.Build(x.Right)
	if err != nil {
		return nil, err
	}
	compute := func(ctx *Context) (*types.Table, error) {
		return ctx.join(x, left, right)
	}
	return &lazyOp{inputs: []Operator{left, right}, compute: compute}, nil
}

// joinKeyColumns returns the key columns of t, converting a side's key to real when the other side's is real
// (so that 1 and 1.0 match). sema lets only keys of one type (int and long alike) join, as Kusto.Language's
// on-clause check does, so keys of different domains never reach here.
func (ctx *Context) joinKeyColumns(t *types.Table, keys []int, other []types.Type) ([]*types.Column, error) {
	cols := make([]*types.Column, len(keys))
	for i, k := range keys {
		c := t.Cols[k]
		if c.Type != other[i] && c.Type.IsNumeric() && other[i].IsNumeric() &&
			(c.Type.Physical() == types.PhysReal || other[i].Physical() == types.PhysReal) {
			conv, err := ctx.castColumn(c, types.Real)
			if err != nil {
				return nil, err
			}
			c = conv
		} else if c.Type != other[i] && !(c.Type.IsNumeric() && other[i].IsNumeric()) {
			return nil, fmt.Errorf("join: inconsistent data types for join keys: (%s, %s)", c.Type, other[i])
		}
		cols[i] = c
	}
	return cols, nil
}

func hasNullKey(cols []*types.Column, i int) bool {
	for _, c := range cols {
		if c.Type != types.String && c.IsNull(i) {
			return true
		}
	}
	return false
}

func (ctx *Context) join(x *sema.Join, left, right Operator) (*types.Table, error) {
	if err := right.Open(ctx); err != nil {
		return nil, err
	}
	rb, err := readAll(ctx, right)
	if err != nil {
		return nil, err
	}
	rt := concat(x.Right.Schema(), rb)
	ls, rs := x.Left.Schema(), x.Right.Schema()
	lTypes := make([]types.Type, len(x.LeftKeys))
	rTypes := make([]types.Type, len(x.RightKeys))
	for i := range x.LeftKeys {
		lTypes[i] = ls[x.LeftKeys[i]].Type
		rTypes[i] = rs[x.RightKeys[i]].Type
	}
	rKeys, err := ctx.joinKeyColumns(rt, x.RightKeys, lTypes)
	if err != nil {
		return nil, err
	}
	table := map[string][]int{}
	var buf []byte
	meter := newWorkMeter(ctx)
	for i := 0; i < numRows(rt); i++ {
		if err := meter.add(1); err != nil {
			return nil, err
		}
		if hasNullKey(rKeys, i) {
			continue
		}
		buf = encodeKey(buf[:0], rKeys, i)
		table[string(buf)] = append(table[string(buf)], i)
	}
	if err := left.Open(ctx); err != nil {
		return nil, err
	}
	lb, err := readAll(ctx, left)
	if err != nil {
		return nil, err
	}
	lt := concat(ls, lb)
	lKeys, err := ctx.joinKeyColumns(lt, x.LeftKeys, rTypes)
	if err != nil {
		return nil, err
	}
	var li, ri []int
	rightMatched := make([]bool, numRows(rt))
	seenLeft := map[string]bool{}
	for i := 0; i < numRows(lt); i++ {
		// a key matching many rows makes one left row cost as much as its output rows
		if err := meter.add(1); err != nil {
			return nil, err
		}
		var matches []int
		if !hasNullKey(lKeys, i) {
			buf = encodeKey(buf[:0], lKeys, i)
			if x.Kind == sema.JoinInnerUnique {
				if seenLeft[string(buf)] {
					continue
				}
				seenLeft[string(buf)] = true
			}
			matches = table[string(buf)]
		}
		switch x.Kind {
		case sema.JoinLeftSemi:
			if len(matches) > 0 {
				li = append(li, i)
			}
			continue
		case sema.JoinLeftAnti:
			if len(matches) == 0 {
				li = append(li, i)
			}
			continue
		}
		for _, m := range matches {
			rightMatched[m] = true
		}
		switch x.Kind {
		case sema.JoinRightSemi, sema.JoinRightAnti:
			continue
		}
		for _, m := range matches {
			li, ri = append(li, i), append(ri, m)
		}
		if err := meter.add(len(matches)); err != nil {
			return nil, err
		}
		if len(li) > maxJoinRows {
			return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("join: the result has more than %d rows; narrow the inputs or the keys", maxJoinRows)}
		}
		if len(matches) == 0 && (x.Kind == sema.JoinLeftOuter || x.Kind == sema.JoinFullOuter) {
			li, ri = append(li, i), append(ri, -1)
		}
	}
	switch x.Kind {
	case sema.JoinLeftSemi, sema.JoinLeftAnti:
		return gatherTable(lt, li), nil
	case sema.JoinRightSemi, sema.JoinRightAnti:
		var idx []int
		for r, m := range rightMatched {
			if m == (x.Kind == sema.JoinRightSemi) {
				idx = append(idx, r)
			}
		}
		return gatherTable(rt, idx), nil
	case sema.JoinRightOuter, sema.JoinFullOuter:
		for r, m := range rightMatched {
			if !m {
				li, ri = append(li, -1), append(ri, r)
			}
		}
	}
	if err := ctx.Ctx.Err(); err != nil {
		return nil, err
	}
	out := &types.Table{Fields: x.Fields}
	for _, c := range lt.Cols {
		out.Cols = append(out.Cols, c.Gather(li))
	}
	for _, r := range x.RightOut {
		out.Cols = append(out.Cols, rt.Cols[r].Gather(ri))
	}
	return out, nil
}
