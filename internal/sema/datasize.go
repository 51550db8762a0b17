package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// estimateDataSize binds estimate_data_size(columns): each argument is a column (or any scalar expression), and
// `*` stands for every column of the row.
func (c *checker) estimateDataSize(e env, call *syntax.CallExpr) Expr {
	sp := callSpan(call)
	var args []Expr
	var syn []syntax.Expr
	for _, a := range call.Args {
		if _, star := a.(*syntax.StarExpr); star {
			if e.row == nil {
				c.errorf(a.Span(), "estimate_data_size(*) can only be used where the row's columns are known")
				return nil
			}
			for i, f := range e.row {
				if len(f.Name) > 0 && f.Name[0] == '$' {
					continue // a hidden row-window column
				}
				args = append(args, &ColRef{spanned{a.Span()}, i, f.Name, f.Type})
				syn = append(syn, nil)
			}
			continue
		}
		x := c.scalar(e, a)
		if x == nil {
			return nil
		}
		args = append(args, x)
		syn = append(syn, a)
	}
	if len(args) == 0 {
		c.errorf(sp, "The function 'estimate_data_size' expects at least 1 argument.")
		return nil
	}
	return c.kernelCall(sp, sp, "estimate_data_size", args, syn)
}
