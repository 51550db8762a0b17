package exec

import (
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// scanRequest is what a chain of where clauses directly over scan asks of its table: the time range of its
// datetime bounds and the conjuncts that test one string column. The filters still run afterwards, so a
// table that ignores the request returns the same result.
func (ctx *Context) scanRequest(scan *sema.Scan, preds []sema.Expr, text string) *catalog.ScanRequest {
	req := ctx.timeRange(scan, preds)
	for _, p := range preds {
		for _, c := range conjuncts(p, nil) {
			if f, ok := ctx.stringFilter(scan, c, text); ok {
				req.Filters = append(req.Filters, f)
			}
		}
	}
	return req
}

// conjuncts appends the operands of e's top-level `and`s to out.
func conjuncts(e sema.Expr, out []sema.Expr) []sema.Expr {
	if b, ok := e.(*sema.Binary); ok && b.Op == "and" {
		return conjuncts(b.Y, conjuncts(b.X, out))
	}
	return append(out, e)
}

// stringFilter turns a predicate that reads one string column and otherwise only constants into a filter a
// table can run over distinct values. The predicate is compiled anew, in a context of its own, so that the
// reader's goroutines share no state with the query's own filter.
func (ctx *Context) stringFilter(scan *sema.Scan, pred sema.Expr, text string) (catalog.StringFilter, bool) {
	col, ok := singleStringColumn(pred)
	if !ok || col < 0 || col >= len(scan.Fields) || scan.Fields[col].Type != types.String {
		return catalog.StringFilter{}, false
	}
	own := &Context{Ctx: ctx.Ctx, Now: ctx.Now, kctx: ctx.kctx, materialized: map[*sema.Materialize]*types.Table{}}
	sel, err := own.compileSelect(pred)
	if err != nil {
		return catalog.StringFilter{}, false
	}
	fields := scan.Fields
	var mu sync.Mutex // the compiled predicate may keep scratch state between calls
	keep := func(values []string, keep []bool) {
		mu.Lock()
		defer mu.Unlock()
		b := &types.Table{Fields: fields, Cols: make([]*types.Column, len(fields))}
		b.Cols[col] = &types.Column{Type: types.String, Strs: values}
		rows, err := sel(own, b, allRows(make([]int, 0, len(values)), len(values)))
		if err != nil {
			// The query's own filter reports the error where it is; here every value is kept.
			for i := range keep {
				keep[i] = true
			}
			return
		}
		clear(keep)
		for _, r := range rows {
			keep[r] = true
		}
	}
	return catalog.StringFilter{Column: fields[col].Name, Text: spanText(text, int(pred.Span().Start), int(pred.Span().End)), Keep: keep}, true
}

// singleStringColumn returns the one column pred reads when the rest of it is constants and deterministic
// functions (rand() and new_guid() give another value each time, subqueries run plans of their own).
func singleStringColumn(pred sema.Expr) (int, bool) {
	col, ok := -1, true
	sema.WalkExpr(pred, func(e sema.Expr) {
		switch x := e.(type) {
		case *sema.ColRef:
			if col >= 0 && x.Index != col {
				ok = false
			}
			col = x.Index
		case *sema.Call:
			if strings.EqualFold(x.Name, "rand") || strings.EqualFold(x.Name, "new_guid") {
				ok = false
			}
		case *sema.In:
			if x.Sub != nil {
				ok = false
			}
		case *sema.Const, *sema.Now, *sema.Unary, *sema.Binary, *sema.Between, *sema.Cast, *sema.Member, *sema.Index:
		default: // subqueries (toscalar, has_any over a table) and anything new
			ok = false
		}
	})
	return col, ok && col >= 0 && pred.Type() == types.Bool
}
