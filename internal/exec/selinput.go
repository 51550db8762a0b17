package exec

import "github.com/kqlhunt/kqlhunt/internal/types"

// selectedInput reads an operator's batches together with the rows of each batch to use, so that an
// aggregation above a where reads the filter's selection vector instead of a gathered copy of the rows.
type selectedInput struct {
	op     Operator
	filter *filterOp // op as a filter, or nil
	all    []int     // scratch selection for inputs that are not filters
	// a batch with more than maxSelectedChunk selected rows (a join's or materialize's whole result) is
	// handed out in chunks, so that the aggregation above sees a cancelled query between two chunks
	pending    *types.Table
	pendingSel []int
}

// maxSelectedChunk is the most selected rows selectedInput returns at once.
const maxSelectedChunk = 8 * BatchSize

func newSelectedInput(op Operator) *selectedInput {
	s := &selectedInput{op: op}
	s.filter, _ = op.(*filterOp)
	return s
}

// next returns the next batch and its selected rows (ascending; scratch storage valid until the next call).
func (s *selectedInput) next(ctx *Context) (*types.Table, []int, error) {
	if len(s.pendingSel) == 0 {
		b, sel, err := s.read(ctx)
		if err != nil || len(sel) <= maxSelectedChunk {
			return b, sel, err
		}
		s.pending, s.pendingSel = b, sel
	} else if err := ctx.Ctx.Err(); err != nil {
		return nil, nil, err
	}
	n := min(len(s.pendingSel), maxSelectedChunk)
	b, sel := s.pending, s.pendingSel[:n:n]
	s.pendingSel = s.pendingSel[n:]
	if len(s.pendingSel) == 0 {
		s.pending = nil
	}
	return b, sel, nil
}

// read returns the input's next batch and its selected rows.
func (s *selectedInput) read(ctx *Context) (*types.Table, []int, error) {
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
