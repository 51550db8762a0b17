package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// bagUnpackOp turns bag keys into columns (evaluate bag_unpack); sema found the keys.
type bagUnpackOp struct {
	in   Operator
	node *sema.BagUnpack
}

func (o *bagUnpackOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *bagUnpackOp) Close() error            { return o.in.Close() }

func (o *bagUnpackOp) Next(ctx *Context) (*types.Table, error) {
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	x := o.node
	n := numRows(b)
	out := &types.Table{Fields: x.Fields}
	for _, c := range x.Keep {
		out.Cols = append(out.Cols, b.Cols[c])
	}
	bags := b.Cols[x.Bag]
	for k, key := range x.Keys {
		col := newFilled(types.Dynamic, n)
		for r := 0; r < n; r++ {
			col.Dyns[r] = member(bags.Dyns[r], key)
		}
		if t := x.Fields[len(x.Keep)+k].Type; t != types.Dynamic {
			if col, err = ctx.castColumn(col, t); err != nil {
				return nil, err
			}
		}
		out.Cols = append(out.Cols, col)
	}
	return out, nil
}
