package exec

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Explain describes the plan under root as indented text, one operator a line with the query text it came
// from, and for every scan what is pushed down to the table: the columns read and the time range.
// text is the query source the plan's spans point into.
func Explain(ctx *Context, root sema.Node, text string) string {
	ctx.needed = neededColumns(root)
	var sb strings.Builder
	ctx.explainNode(&sb, root, text, 0, nil)
	return sb.String()
}

// explainNode writes n and its inputs; req is the scan request a filter chain above n derived, if any.
func (ctx *Context) explainNode(sb *strings.Builder, n sema.Node, text string, depth int, req *catalog.ScanRequest) {
	indent := strings.Repeat("  ", depth)
	name := strings.TrimPrefix(fmt.Sprintf("%T", n), "*sema.")
	fmt.Fprintf(sb, "%s%s", indent, name)
	if snippet := spanText(text, int(n.Span().Start), int(n.Span().End)); snippet != "" {
		fmt.Fprintf(sb, ": %s", snippet)
	}
	sb.WriteByte('\n')
	switch x := n.(type) {
	case *sema.Scan:
		ctx.explainScan(sb, x, indent+"    ", req)
		return
	case *sema.Filter:
		// a chain of where over a scan runs as one pass, and its time bounds and string conditions go to the
		// scan: the chain's top works out the request, the filters below it hand it on
		if req == nil {
			chain, below := filterChain(x)
			if scan, ok := below.(*sema.Scan); ok {
				preds := make([]sema.Expr, len(chain))
				for i, f := range chain {
					preds[i] = f.Pred
				}
				req = ctx.scanRequest(scan, preds, text)
			}
		}
		ctx.explainNode(sb, x.In, text, depth+1, req)
		return
	case *sema.Summarize, *sema.MakeSeries, *sema.Count:
		if f, ok := sema.Children(n)[0].(*sema.Filter); ok {
			fmt.Fprintf(sb, "%s    reads the where's selection of rows (no rows copied)\n", indent)
			ctx.explainNode(sb, f, text, depth+1, nil)
			return
		}
	}
	for _, c := range sema.Children(n) {
		ctx.explainNode(sb, c, text, depth+1, nil)
	}
}

// explainScan writes what a scan asks of its table.
func (ctx *Context) explainScan(sb *strings.Builder, x *sema.Scan, indent string, req *catalog.ScanRequest) {
	op := ctx.newScan(x, req)
	fmt.Fprintf(sb, "%stable: %s\n", indent, x.Table.Name())
	if op.req.Columns == nil {
		fmt.Fprintf(sb, "%scolumns: all %d\n", indent, len(x.Fields))
	} else {
		fmt.Fprintf(sb, "%scolumns: %s (%d of %d)\n", indent, strings.Join(op.req.Columns, ", "), len(op.req.Columns), len(x.Fields))
	}
	for _, f := range op.req.Filters {
		fmt.Fprintf(sb, "%sfilter on %s: %s\n", indent, f.Column, f.Text)
	}
	if op.req.TimeColumn == "" {
		fmt.Fprintf(sb, "%stime range: none\n", indent)
		return
	}
	lo, hi := "unbounded", "unbounded"
	if op.req.MinTime != 0 {
		lo = types.FormatDateTime(op.req.MinTime)
	}
	if op.req.MaxTime != 0 {
		hi = types.FormatDateTime(op.req.MaxTime)
	}
	fmt.Fprintf(sb, "%stime range: %s in [%s, %s)\n", indent, op.req.TimeColumn, lo, hi)
}

// spanText returns text[start:end] on one line (runs of white space as one space), cut to 100 characters.
func spanText(text string, start, end int) string {
	if start < 0 || end > len(text) || start >= end {
		return ""
	}
	s := strings.Join(strings.Fields(text[start:end]), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}
