package exec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

type mvExpandOp struct {
	in    Operator
	node  *sema.MvExpand
	limit int64
}

func (ctx *Context) buildMvExpand(x *sema.MvExpand) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	limit := int64(-1)
	if x.Limit != nil {
		if limit, err = ctx.rowCount(x.Limit); err != nil {
			return nil, err
		}
	}
	return &mvExpandOp{in: in, node: x, limit: limit}, nil
}

func (o *mvExpandOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *mvExpandOp) Close() error            { return o.in.Close() }

// elements returns what one cell expands to: array elements, bag entries, or the value itself.
// A null cell expands to one null; an empty array or bag to nothing.
func (o *mvExpandOp) elements(d any) []any {
	switch t := d.(type) {
	case nil:
		return []any{nil}
	case []any:
		return t
	case *types.Bag:
		out := make([]any, 0, t.Len())
		for _, k := range t.Keys {
			if o.node.BagArray {
				out = append(out, []any{k, t.Vals[k]})
			} else {
				b := types.NewBag()
				b.Set(k, t.Vals[k])
				out = append(out, b)
			}
		}
		return out
	}
	return []any{d}
}

func (o *mvExpandOp) Next(ctx *Context) (*types.Table, error) {
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	n := numRows(b)
	x := o.node
	var rowIdx []int
	var itemIdx []int64
	expanded := make([][]any, len(x.Cols))
	elems := make([][]any, len(x.Cols))
	meter := newWorkMeter(ctx)
	for r := 0; r < n; r++ {
		count := 0
		for k, c := range x.Cols {
			elems[k] = o.elements(b.Cols[c].Dyns[r])
			count = max(count, len(elems[k]))
		}
		if o.limit >= 0 && int64(count) > o.limit {
			count = int(o.limit)
		}
		for j := 0; j < count; j++ {
			if err := meter.add(1); err != nil {
				return nil, err
			}
			rowIdx = append(rowIdx, r)
			itemIdx = append(itemIdx, int64(j))
			for k := range x.Cols {
				var v any
				if j < len(elems[k]) {
					v = elems[k][j]
				}
				expanded[k] = append(expanded[k], v)
			}
		}
	}
	out := &types.Table{Fields: x.Fields, Cols: make([]*types.Column, len(x.Fields))}
	inCols := len(b.Cols)
	for c := 0; c < inCols; c++ {
		out.Cols[c] = b.Cols[c].Gather(rowIdx)
	}
	for k, c := range x.Cols {
		col := &types.Column{Type: types.Dynamic, Dyns: expanded[k]}
		if col.Dyns == nil {
			col.Dyns = []any{}
		}
		if x.To[k] != types.Dynamic {
			conv, err := ctx.castColumn(col, x.To[k])
			if err != nil {
				return nil, err
			}
			col = conv
		}
		out.Cols[c] = col
	}
	if x.ItemIndex {
		col := &types.Column{Type: types.Long, Ints: itemIdx}
		if col.Ints == nil {
			col.Ints = []int64{}
		}
		out.Cols[inCols] = col
	}
	return out, nil
}

type parseOp struct {
	in   Operator
	node *sema.Parse
	src  evalFn
	re   *regexp.Regexp
	// groups[k] is the output column the k-th pattern column fills, from capture group groupIdx[k] (named
	// groups, since a regex literal of the pattern may hold groups of its own)
	groups   []int
	groupIdx []int
	types    []types.Type
}

// typedPattern is the regular expression a typed parse column matches in simple mode.
func typedPattern(t types.Type, last bool) string {
	switch t {
	case types.Int, types.Long:
		return `(-?\d+)`
	case types.Real, types.Decimal:
		return `(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)`
	case types.Bool:
		return `(true|false|True|False|TRUE|FALSE|0|1)`
	}
	if last {
		return `(.*)`
	}
	return `(.*?)`
}

func (ctx *Context) buildParse(x *sema.Parse) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	src, err := ctx.compileExpr(x.Source)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if !x.Regex {
		b.WriteString(`^(?s)`)
	} else if x.Flags != "" {
		b.WriteString(`(?` + x.Flags + `)`)
	}
	o := &parseOp{in: in, node: x, src: src}
	lastCol := -1
	for i, p := range x.Parts {
		if p.Column >= 0 {
			lastCol = i
		}
	}
	for i, p := range x.Parts {
		switch {
		case p.Column >= 0:
			last := i == lastCol && i == len(x.Parts)-1
			// in regex mode a string column matches greedily (the U flag makes it lazy), as the reference's
			// examples show
			pat := typedPattern(p.Type, last || x.Regex)
			pat = pat[1 : len(pat)-1]
			if loose := typedPattern(types.String, last || x.Regex); x.Relaxed && pat != loose[1:len(loose)-1] {
				// relaxed: a typed column takes its type's text when it is there, else any text up to the next
				// delimiter, which then fails to convert and is null (leftmost-first: the typed branch wins)
				pat = pat + "|" + loose[1:len(loose)-1]
			}
			fmt.Fprintf(&b, "(?P<kqlcol%d>%s)", len(o.groups), pat)
			o.groups = append(o.groups, p.Column)
			o.types = append(o.types, p.Type)
		case p.Star:
			b.WriteString(`.*?`)
		default:
			if x.Regex {
				b.WriteString(p.Literal)
			} else {
				b.WriteString(regexp.QuoteMeta(p.Literal))
			}
		}
	}
	re, err := regexp.Compile(kernel.GoRegexSyntax(b.String()))
	if err != nil {
		return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("parse: invalid pattern: %v", err)}
	}
	o.re = re
	for k := range o.groups {
		o.groupIdx = append(o.groupIdx, re.SubexpIndex(fmt.Sprintf("kqlcol%d", k)))
	}
	return o, nil
}

func (o *parseOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *parseOp) Close() error            { return o.in.Close() }

func (o *parseOp) Next(ctx *Context) (*types.Table, error) {
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	n := numRows(b)
	a, err := o.src(ctx, b)
	if err != nil {
		return nil, err
	}
	srcCol := broadcast(a, n)
	if srcCol.Type != types.String {
		if srcCol, err = ctx.castColumn(srcCol, types.String); err != nil {
			return nil, err
		}
	}
	texts := make([][]string, len(o.groups))
	for k := range texts {
		texts[k] = make([]string, n)
	}
	matched := make([]bool, n)
	var keep []int
	for r := 0; r < n; r++ {
		m := o.re.FindStringSubmatch(srcCol.Strs[r])
		if m == nil {
			continue
		}
		matched[r] = true
		keep = append(keep, r)
		for k, g := range o.groupIdx {
			if g > 0 && g < len(m) {
				texts[k][r] = m[g]
			}
		}
	}
	x := o.node
	out := &types.Table{Fields: x.Fields, Cols: make([]*types.Column, len(x.Fields))}
	copy(out.Cols, b.Cols)
	var failed []int // rows that matched but whose typed values do not all convert
	for k, c := range o.groups {
		col := &types.Column{Type: types.String, Strs: texts[k]}
		if o.types[k] != types.String {
			conv, err := ctx.castColumn(col, o.types[k])
			if err != nil {
				return nil, err
			}
			for r := 0; r < n; r++ {
				if !matched[r] {
					conv.Nulls.Set(r)
				} else if conv.IsNull(r) && !x.Relaxed {
					// simple and regex modes are strict: a typed value that does not convert fails the whole
					// match (parse-where drops the row, parse empties every parsed column of it)
					matched[r] = false
					failed = append(failed, r)
				}
			}
			col = conv
		}
		out.Cols[c] = col
	}
	if len(failed) > 0 && !x.Where {
		for k, c := range o.groups {
			col := out.Cols[c]
			for _, r := range failed {
				if o.types[k] == types.String {
					col.Strs[r] = ""
				} else {
					col.Nulls.Set(r)
					if col.Dyns != nil {
						col.Dyns[r] = nil
					}
				}
			}
		}
	}
	if x.Where {
		keep = keep[:0]
		for r, m := range matched {
			if m {
				keep = append(keep, r)
			}
		}
		if len(keep) < n {
			return gatherTable(out, keep), nil
		}
	}
	return out, nil
}
