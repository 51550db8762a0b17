package exec

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// scanOp reads a catalog table, asking it only for what the query needs.
type scanOp struct {
	need   []bool // columns read above the scan; nil: all
	node   *sema.Scan
	req    catalog.ScanRequest
	reader catalog.BatchReader
}

func (ctx *Context) newScan(n *sema.Scan, req *catalog.ScanRequest) *scanOp {
	op := &scanOp{node: n, need: ctx.needed[n]}
	if req != nil {
		op.req = *req
	}
	if op.need != nil {
		op.req.Columns = []string{}
		for i, f := range n.Fields {
			if op.need[i] {
				op.req.Columns = append(op.req.Columns, f.Name)
			}
		}
	}
	return op
}

func (o *scanOp) Open(ctx *Context) error {
	r, err := o.node.Table.Scan(ctx.Ctx, o.req)
	if err != nil {
		return &RuntimeError{Span: o.node.Span(), Msg: fmt.Sprintf("reading table %s: %v", o.node.Table.Name(), err)}
	}
	o.reader = r
	return nil
}

func (o *scanOp) Next(ctx *Context) (*types.Table, error) {
	if err := ctx.Ctx.Err(); err != nil {
		return nil, err
	}
	b, err := o.reader.Next(ctx.Ctx)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if ctxErr := ctx.Ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, ctxErr // a cancelled query, not a broken table
		}
		return nil, &RuntimeError{Span: o.node.Span(), Msg: fmt.Sprintf("reading table %s: %v", o.node.Table.Name(), err)}
	}
	if b == nil {
		b = &types.Table{}
	}
	return alignBatch(b, o.node.Fields, o.need)
}

// alignBatch returns b with exactly the schema's columns, in order (readers may return more or reorder).
// Columns not in need (when need is set) are left nil.
func alignBatch(b *types.Table, fields []types.Field, need []bool) (*types.Table, error) {
	if len(b.Fields) == len(fields) && need == nil {
		same := true
		for i, f := range fields {
			if b.Fields[i] != f {
				same = false
				break
			}
		}
		if same {
			return b, nil
		}
	}
	n := numRows(b)
	out := &types.Table{Fields: fields, Cols: make([]*types.Column, len(fields))}
	for i, f := range fields {
		if need != nil && !need[i] {
			continue
		}
		j := b.ColumnIndex(f.Name)
		switch {
		case j >= 0 && b.Fields[j].Type == f.Type:
			out.Cols[i] = b.Cols[j]
		default:
			out.Cols[i] = nullColumn(f.Type, n)
		}
	}
	return out, nil
}

// nullColumn returns n nulls of type t ("" for strings).
func nullColumn(t types.Type, n int) *types.Column {
	c := newFilled(t, n)
	if t != types.String && t != types.Dynamic {
		for i := 0; i < n; i++ {
			c.Nulls.Set(i)
		}
	}
	return c
}

func (o *scanOp) Close() error {
	if o.reader == nil {
		return nil
	}
	r := o.reader
	o.reader = nil
	return r.Close()
}

func (ctx *Context) buildDatatable(x *sema.Datatable) (Operator, error) {
	t := types.NewTable(x.Fields)
	row := make([]types.Value, len(x.Fields))
	for _, r := range x.Rows {
		for j, e := range r {
			v, err := ctx.constValue(e)
			if err != nil {
				return nil, err
			}
			if v.Type != x.Fields[j].Type {
				col := types.NewColumn(v.Type, 1)
				col.Append(v)
				conv, err := ctx.castColumn(col, x.Fields[j].Type)
				if err != nil {
					return nil, err
				}
				v = conv.Value(0)
			}
			row[j] = v
		}
		t.AppendRow(row)
	}
	return &tableOp{t: t}, nil
}

func (ctx *Context) buildPrint(x *sema.Print) (Operator, error) {
	t := types.NewTable(x.Fields)
	row := make([]types.Value, len(x.Exprs))
	for i, e := range x.Exprs {
		v, err := ctx.constValue(e)
		if err != nil {
			return nil, err
		}
		row[i] = v
	}
	t.AppendRow(row)
	return &tableOp{t: t}, nil
}

// maxRangeRows bounds range so that a typo cannot exhaust memory.
const maxRangeRows = 100_000_000

type rangeOp struct {
	fields         []types.Field
	t              types.Type
	from, to, step types.Value
	i, count       int64
}

func (ctx *Context) buildRange(x *sema.Range) (Operator, error) {
	vals := make([]types.Value, 3)
	for i, e := range []sema.Expr{x.From, x.To, x.Step} {
		v, err := ctx.constValue(e)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	o := &rangeOp{fields: x.Fields, t: x.Fields[0].Type, from: vals[0], to: vals[1], step: vals[2]}
	if vals[0].Null || vals[1].Null || vals[2].Null {
		return o, nil
	}
	var count float64
	if o.t.Physical() == types.PhysReal {
		if vals[2].F == 0 {
			return nil, &RuntimeError{Span: x.Step.Span(), Msg: "range: step must not be zero"}
		}
		count = math.Floor((vals[1].F-vals[0].F)/vals[2].F) + 1
	} else {
		if vals[2].I == 0 {
			return nil, &RuntimeError{Span: x.Step.Span(), Msg: "range: step must not be zero"}
		}
		count = math.Floor(float64(vals[1].I-vals[0].I)/float64(vals[2].I)) + 1
		if d := vals[1].I - vals[0].I; (d >= 0) == (vals[2].I > 0) {
			count = float64(d/vals[2].I) + 1
		}
	}
	if count < 0 || math.IsNaN(count) {
		count = 0
	}
	if count > maxRangeRows {
		return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("range: %.0f rows is more than the limit of %d", count, maxRangeRows)}
	}
	o.count = int64(count)
	return o, nil
}

func (o *rangeOp) Open(*Context) error { o.i = 0; return nil }
func (o *rangeOp) Next(ctx *Context) (*types.Table, error) {
	if o.i >= o.count {
		return nil, io.EOF
	}
	// range is the source of its rows: operators that pull many batches in one loop stop through it
	if err := ctx.Ctx.Err(); err != nil {
		return nil, err
	}
	n := o.count - o.i
	if n > BatchSize {
		n = BatchSize
	}
	col := newFilled(o.t, int(n))
	for k := int64(0); k < n; k++ {
		idx := o.i + k
		if o.t.Physical() == types.PhysReal {
			col.Reals[k] = o.from.F + float64(idx)*o.step.F
		} else {
			col.Ints[k] = o.from.I + idx*o.step.I
		}
	}
	o.i += n
	return &types.Table{Fields: o.fields, Cols: []*types.Column{col}}, nil
}
func (o *rangeOp) Close() error { return nil }

// filterOp keeps rows whose predicates are all true. A chain of where operators runs as one filterOp: every
// predicate narrows one selection vector over the batch, and the rows are gathered once, only in the columns
// read above. Aggregating consumers read the selection itself (nextSelected) and gather nothing.
type filterOp struct {
	in     Operator
	preds  []selectFn
	need   []bool          // output columns read above; nil: all
	sel    []int           // per-batch scratch
	simple bool            // every predicate reads only its batch (see isSimpleSelect)
	par    *parallelSelect // set when batches of a scan are filtered on several cores
	first  denseSelectFn   // the first predicate over every row, when it has such a form
}

func (ctx *Context) buildFilter(x *sema.Filter) (Operator, error) {
	chain, below := filterChain(x)
	var in Operator
	var err error
	if scan, ok := below.(*sema.Scan); ok {
		preds := make([]sema.Expr, len(chain))
		for i, f := range chain {
			preds[i] = f.Pred
		}
		in = ctx.newScan(scan, ctx.scanRequest(scan, preds, ""))
	} else if in, err = ctx.Build(below); err != nil {
		return nil, err
	}
	o := &filterOp{in: in, need: ctx.needed[x], simple: true}
	for _, f := range chain {
		pred, err := ctx.compileSelect(f.Pred)
		if err != nil {
			return nil, err
		}
		o.preds = append(o.preds, pred)
		o.simple = o.simple && isSimpleSelect(f.Pred)
	}
	o.first = ctx.compileDenseSelect(chain[0].Pred)
	if _, fromScan := in.(*scanOp); fromScan && o.simple {
		if w := parallelWorkers(); w > 0 {
			o.par = newParallelSelect(o, w)
		}
	}
	return o, nil
}

func (o *filterOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *filterOp) Close() error {
	if o.par != nil {
		o.par.close()
	}
	return o.in.Close()
}

// nextSelected returns the next input batch, cut down to the columns read above, with the ascending rows that
// pass every predicate. The selection is scratch storage, valid until the next call.
func (o *filterOp) nextSelected(ctx *Context) (*types.Table, []int, error) {
	var b *types.Table
	var sel []int
	var err error
	if o.par != nil {
		b, sel, err = o.par.next(ctx)
	} else if b, err = o.in.Next(ctx); err == nil {
		sel, err = o.selectRows(ctx, b, o.sel)
		o.sel = sel[:0]
	}
	if err != nil {
		return nil, nil, err
	}
	out := b
	if o.need != nil {
		out = &types.Table{Fields: b.Fields, Cols: make([]*types.Column, len(b.Cols))}
		for i, c := range b.Cols {
			if o.need[i] {
				out.Cols[i] = c
			}
		}
	}
	return out, sel, nil
}

// selectRows runs the predicates over b, with buf as storage for the selection.
func (o *filterOp) selectRows(ctx *Context, b *types.Table, buf []int) ([]int, error) {
	preds := o.preds
	n := numRows(b)
	var sel []int
	dense := false
	if o.first != nil {
		if sel, dense = o.first(b, grow(buf, n)); dense {
			preds = preds[1:]
		}
	}
	if !dense {
		sel = allRows(buf, n)
	}
	for _, pred := range preds {
		if len(sel) == 0 {
			break
		}
		var err error
		if sel, err = pred(ctx, b, sel); err != nil {
			return sel, err
		}
	}
	return sel, nil
}

func (o *filterOp) Next(ctx *Context) (*types.Table, error) {
	b, sel, err := o.nextSelected(ctx)
	if err != nil {
		return nil, err
	}
	if len(sel) == numRows(b) {
		return b, nil
	}
	return gatherTable(b, sel), nil
}

func emptyLike(b *types.Table) *types.Table {
	return gatherTable(b, nil)
}

// gatherTable returns rows idx of b.
func gatherTable(b *types.Table, idx []int) *types.Table {
	out := &types.Table{Fields: b.Fields, Cols: make([]*types.Column, len(b.Cols))}
	for i, c := range b.Cols {
		if c != nil {
			out.Cols[i] = c.Gather(idx)
		}
	}
	return out
}

// timeRange derives the scan's time range from conjuncts `col >= c`, `col > c`, `col < c`, `col <= c` and
// `col between (a .. b)` on one datetime column, with constant bounds. The filter still runs afterwards.
func (ctx *Context) timeRange(scan *sema.Scan, preds []sema.Expr) *catalog.ScanRequest {
	req := &catalog.ScanRequest{}
	col := -1
	var lo, hi int64 = math.MinInt64, math.MaxInt64
	var visit func(e sema.Expr)
	consider := func(ref *sema.ColRef, op string, bound sema.Expr) {
		if ref.T != types.DateTime || !sema.IsConstant(bound) || bound.Type() != types.DateTime {
			return
		}
		if col >= 0 && ref.Index != col {
			return
		}
		v, err := ctx.constValue(bound)
		if err != nil || v.Null {
			return
		}
		col = ref.Index
		switch op {
		case ">=":
			lo = max(lo, v.I)
		case ">":
			lo = max(lo, v.I+1)
		case "<":
			hi = min(hi, v.I)
		case "<=":
			hi = min(hi, v.I+1)
		case "==":
			lo, hi = max(lo, v.I), min(hi, v.I+1)
		}
	}
	flip := map[string]string{">=": "<=", ">": "<", "<": ">", "<=": ">=", "==": "=="}
	visit = func(e sema.Expr) {
		switch t := e.(type) {
		case *sema.Binary:
			if t.Op == "and" {
				visit(t.X)
				visit(t.Y)
				return
			}
			if _, ok := flip[t.Op]; !ok {
				return
			}
			if ref, ok := t.X.(*sema.ColRef); ok {
				consider(ref, t.Op, t.Y)
			} else if ref, ok := t.Y.(*sema.ColRef); ok {
				consider(ref, flip[t.Op], t.X)
			}
		case *sema.Between:
			ref, ok := t.X.(*sema.ColRef)
			if !ok || t.Not {
				return
			}
			consider(ref, ">=", t.Lo)
			if t.Hi.Type() == types.DateTime {
				consider(ref, "<=", t.Hi)
			}
		}
	}
	for _, p := range preds {
		visit(p)
	}
	if col < 0 {
		return req
	}
	req.TimeColumn = scan.Fields[col].Name
	if lo != math.MinInt64 && lo > 0 {
		req.MinTime = lo
	}
	if hi != math.MaxInt64 && hi > 0 {
		req.MaxTime = hi
	}
	if req.MinTime == 0 && req.MaxTime == 0 {
		req.TimeColumn = ""
	}
	return req
}

// projectOp computes new columns per batch.
type projectOp struct {
	in     Operator
	fields []types.Field
	fns    []evalFn
}

func (ctx *Context) buildProject(x *sema.Project) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	fns, err := ctx.compileAll(x.Exprs)
	if err != nil {
		return nil, err
	}
	if need := ctx.needed[x]; need != nil {
		for i := range fns {
			if !need[i] {
				fns[i] = nil
			}
		}
	}
	return &projectOp{in: in, fields: x.Fields, fns: fns}, nil
}

func (o *projectOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *projectOp) Close() error            { return o.in.Close() }
func (o *projectOp) Next(ctx *Context) (*types.Table, error) {
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	n := numRows(b)
	cols := make([]*types.Column, len(o.fns))
	for i, f := range o.fns {
		if f == nil {
			continue // nobody reads this column
		}
		a, err := f(ctx, b)
		if err != nil {
			return nil, err
		}
		if a.Const {
			cols[i] = a.Col.Gather(make([]int, n))
		} else {
			cols[i] = a.Col
		}
	}
	return &types.Table{Fields: o.fields, Cols: cols}, nil
}

type takeOp struct {
	in     Operator
	limit  int64
	served int64
}

func (ctx *Context) buildTake(x *sema.Take) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	n, err := ctx.rowCount(x.N)
	if err != nil {
		return nil, err
	}
	return &takeOp{in: in, limit: n}, nil
}

// rowCount evaluates the constant row count of take/top (negative counts as zero).
func (ctx *Context) rowCount(e sema.Expr) (int64, error) {
	v, err := ctx.constValue(e)
	if err != nil {
		return 0, err
	}
	if v.Null {
		return 0, &RuntimeError{Span: e.Span(), Msg: "the row count is null"}
	}
	n := v.I
	if v.Type.Physical() == types.PhysReal {
		n = int64(v.F)
	}
	if n < 0 {
		n = 0
	}
	return n, nil
}

func (o *takeOp) Open(ctx *Context) error { o.served = 0; return o.in.Open(ctx) }
func (o *takeOp) Close() error            { return o.in.Close() }
func (o *takeOp) Next(ctx *Context) (*types.Table, error) {
	if o.served >= o.limit {
		return nil, io.EOF
	}
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	n := int64(numRows(b))
	if o.served+n <= o.limit {
		o.served += n
		return b, nil
	}
	keep := o.limit - o.served
	o.served = o.limit
	idx := make([]int, keep)
	for i := range idx {
		idx[i] = i
	}
	return gatherTable(b, idx), nil
}

type unionOp struct {
	need   []bool
	inputs []Operator
	node   *sema.Union
	cur    int
}

func (ctx *Context) buildUnion(x *sema.Union) (Operator, error) {
	o := &unionOp{node: x, need: ctx.needed[x]}
	for _, in := range x.Inputs {
		op, err := ctx.Build(in)
		if err != nil {
			return nil, err
		}
		o.inputs = append(o.inputs, op)
	}
	return o, nil
}

func (o *unionOp) Open(ctx *Context) error {
	o.cur = 0
	for _, in := range o.inputs {
		if err := in.Open(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (o *unionOp) Close() error {
	var first error
	for _, in := range o.inputs {
		if err := in.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (o *unionOp) Next(ctx *Context) (*types.Table, error) {
	for o.cur < len(o.inputs) {
		b, err := o.inputs[o.cur].Next(ctx)
		if errors.Is(err, io.EOF) {
			o.cur++
			continue
		}
		if err != nil {
			return nil, err
		}
		n := numRows(b)
		m := o.node.Maps[o.cur]
		out := &types.Table{Fields: o.node.Fields, Cols: make([]*types.Column, len(o.node.Fields))}
		for j, f := range o.node.Fields {
			switch {
			case j == 0 && o.node.SourceColumn:
				c := newFilled(types.String, n)
				for i := range c.Strs {
					c.Strs[i] = o.node.SourceNames[o.cur]
				}
				out.Cols[j] = c
			case m[j] >= 0:
				out.Cols[j] = b.Cols[m[j]]
			case o.need != nil && !o.need[j]:
			default:
				out.Cols[j] = nullColumn(f.Type, n)
			}
		}
		return out, nil
	}
	return nil, io.EOF
}

func (ctx *Context) buildGetSchema(x *sema.GetSchema) (Operator, error) {
	t := types.NewTable(x.Fields)
	for i, f := range x.In.Schema() {
		t.AppendRow([]types.Value{types.NewString(f.Name), types.NewInt(int64(i)), types.NewString(dataTypeName(f.Type)), types.NewString(f.Type.String())})
	}
	return &tableOp{t: t}, nil
}

// dataTypeName is the .NET type name getschema reports for a KQL type.
func dataTypeName(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.SByte"
	case types.Int:
		return "System.Int32"
	case types.Long:
		return "System.Int64"
	case types.Real:
		return "System.Double"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case types.String:
		return "System.String"
	case types.DateTime:
		return "System.DateTime"
	case types.TimeSpan:
		return "System.TimeSpan"
	case types.GUID:
		return "System.Guid"
	}
	return "System.Object"
}
