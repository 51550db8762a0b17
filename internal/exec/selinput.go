package exec

import "github.com/kqlhunt/kqlhunt/internal/types"

// selectedInput reads an operator's batches together with the rows of each batch to use, so that an
// aggregation above a where reads the filter's selection vector instead of a gathered copy of the rows.
type selectedInput struct {
	op     Operator
	filter *filterOp // op as a filter, or nil
	all    []int     // scratch selection for inputs that are not filters
}

func newSelectedInput(op Operator) *selectedInput {
	s := &selectedInput{op: op}
	s.filter, _ = op.(*filterOp)
	return s
}

// next returns the next batch and its selected rows (ascending; scratch storage valid until the next call).
func (s *selectedInput) next(ctx *Context) (*types.Table, []int, error) {
	if s.filter != nil {
		return s.filter.nextSelected(ctx)
	}
	b, err := s.op.Next(ctx)
	if err != nil {
		return nil, nil, err
	}
	if b == nil {
		b = &types.Table{}
	}
	s.all = allRows(s.all, numRows(b))
	return b, s.all, nil
}

// gatherSelected returns b itself when sel is every row, else the selected rows of b's present columns.
func gatherSelected(b *types.Table, sel []int) *types.Table {
	if len(sel) == numRows(b) {
		return b
	}
	return gatherTable(b, sel)
}
