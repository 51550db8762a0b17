package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Reduce is `reduce [kind=source] by Expr [with threshold=T, characters="..."]`: it groups the strings of Expr by
// similarity into patterns (exec/reduce.go). Without kind=source the output is one row per pattern (Pattern,
// Count, Representative); with it, the input rows with their Pattern appended.
type Reduce struct {
	schema
	In         Node
	By         Expr    // string
	Threshold  float64 // the fraction of rows a term must exceed to be kept in patterns
	Characters string  // the term separators; "" means every character that is not an ASCII letter or digit
	Source     bool
}

// reduceDefaultThreshold is reduce's threshold when the query gives none.
const reduceDefaultThreshold = 0.1

func (c *checker) reduce(e env, in Node, o *syntax.ReduceOp) Node {
	node := &Reduce{In: in, Threshold: reduceDefaultThreshold}
	for _, p := range o.Params {
		if !strings.EqualFold(p.Name, "kind") {
			continue
		}
		if id, ok := p.Value.(*syntax.Ident); ok && strings.EqualFold(id.Name, "source") {
			node.Source = true
		} else {
			c.errorf(p.Span(), "reduce: kind must be 'source'")
			return nil
		}
	}
	by := c.scalar(e.withRow(in.Schema()), o.By)
	if by == nil {
		return nil
	}
	if by.Type() != types.String {
		c.errorf(o.By.Span(), "reduce: the expression to reduce must be a string, but it is of type %s", by.Type())
		return nil
	}
	node.By = by
	for _, w := range o.With {
		if len(w.Names) != 1 {
			c.errorf(w.Span(), "reduce: expected threshold= or characters=")
			return nil
		}
		v := c.scalar(env{sc: e.sc}, w.X)
		if v == nil {
			return nil
		}
		k, isConst := v.(*Const)
		switch strings.ToLower(w.Names[0].Name) {
		case "threshold":
			t, ok := 0.0, isConst && !k.Val.Null
			switch {
			case ok && k.Val.Type == types.Real:
				t = k.Val.F
			case ok && k.Val.Type.IsIntegral():
				t = float64(k.Val.I)
			default:
				ok = false
			}
			if !ok || t < 0 || t > 1 {
				c.errorf(w.X.Span(), "reduce: threshold must be a constant real between 0 and 1")
				return nil
			}
			node.Threshold = t
		case "characters":
			if !isConst || k.Val.Type != types.String {
				c.errorf(w.X.Span(), "reduce: characters must be a constant string")
				return nil
			}
			node.Characters = k.Val.S
		default:
			c.errorf(w.Names[0].Span(), "reduce: unknown parameter '%s' (threshold and characters are allowed)", w.Names[0].Name)
			return nil
		}
	}
	if node.Source {
		// the appended column takes the next free name when the input has a Pattern already (Pattern1), as
		// Kusto names every column an operator adds next to the input's
		taken := map[string]bool{}
		for _, f := range in.Schema() {
			taken[f.Name] = true
		}
		fields := append(append([]types.Field(nil), in.Schema()...), types.Field{Name: uniqueName(taken, "Pattern"), Type: types.String})
		node.schema = schema{fields, o.Span()}
	} else {
		node.schema = schema{[]types.Field{{Name: "Pattern", Type: types.String}, {Name: "Count", Type: types.Long},
			{Name: "Representative", Type: types.String}}, o.Span()}
	}
	return node
}
