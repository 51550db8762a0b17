// Package exec runs checked KQL plans: expressions are compiled once into functions over whole columns, and
// tabular operators are pipelines over batches (Open / Next / Close), streaming where Kusto's semantics allow.
package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// BatchSize is the number of rows generated operators (range, datatable) put in one batch.
const BatchSize = 8192

// Context is the per-query state shared by every operator.
type Context struct {
	Ctx context.Context
	// Now is now() in ticks, fixed once per query.
	Now          int64
	kctx         *kernel.Context
	materialized map[*sema.Materialize]*types.Table
	// applyInputs holds the current subtable of each running mv-apply
	applyInputs map[*sema.ApplyInput]*types.Table
	// needed lists, per plan node, the output columns read above it (see prune.go); nil: all
	needed map[sema.Node][]bool
	// mem accounts the memory held by blocking operators; nil: no limit (see memory.go)
	mem *memAccount
	// planOnly is set while ScanRequests reads the plan: a subquery that would have to run fails instead
	planOnly bool
}

// NewContext returns a query context with now() fixed at nowTicks.
func NewContext(ctx context.Context, nowTicks int64) *Context {
	return &Context{Ctx: ctx, Now: nowTicks, kctx: &kernel.Context{Ctx: ctx, Now: nowTicks}, materialized: map[*sema.Materialize]*types.Table{}}
}

func (ctx *Context) kernelCtx() *kernel.Context { return ctx.kctx }

// Operator is one running tabular operator.
type Operator interface {
	// Open prepares the operator (and its inputs) to produce rows.
	Open(ctx *Context) error
	// Next returns the next batch, or io.EOF after the last. Batches may be empty.
	Next(ctx *Context) (*types.Table, error)
	// Close releases resources; it is safe to call more than once.
	Close() error
}

// Run executes a plan and returns its whole result as one table (with the visualization of a final render).
func Run(ctx *Context, root sema.Node) (*types.Table, error) {
	ctx.needed = neededColumns(root)
	out, err := ctx.runToTable(root)
	if err != nil {
		return nil, err
	}
	if r, ok := root.(*sema.Render); ok {
		out.Visualization = r.Vis
	}
	return out, nil
}

// runToTable executes n and concatenates its batches.
func (ctx *Context) runToTable(n sema.Node) (*types.Table, error) {
	if ctx.planOnly {
		return nil, errPlanOnly
	}
	op, err := ctx.Build(n)
	if err != nil {
		return nil, err
	}
	return drain(ctx, op, n.Schema())
}

// drain opens op, reads every batch and closes it.
func drain(ctx *Context, op Operator, fields []types.Field) (*types.Table, error) {
	if err := op.Open(ctx); err != nil {
		op.Close()
		return nil, err
	}
	defer op.Close()
	var batches []*types.Table
	for {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if b != nil && numRows(b) > 0 {
			if err := ctx.charge(tableBytes(b), "collecting rows", source.Span{}); err != nil {
				return nil, err
			}
			batches = append(batches, b)
		}
	}
	return concat(fields, batches), nil
}

// concat joins batches with the same fields into one table.
func concat(fields []types.Field, batches []*types.Table) *types.Table {
	if len(batches) == 1 {
		t := *batches[0]
		t.Fields = fields
		return &t
	}
	out := &types.Table{Fields: fields, Cols: make([]*types.Column, len(fields))}
	total := 0
	for _, b := range batches {
		total += numRows(b)
	}
	for c, f := range fields {
		if len(batches) > 0 && batches[0].Cols[c] == nil {
			continue // a pruned column
		}
		col := types.NewColumn(f.Type, total)
		base := 0
		for _, b := range batches {
			src := b.Cols[c]
			n := src.Len()
			switch col.Type.Physical() {
			case types.PhysInt:
				col.Ints = append(col.Ints, src.Ints...)
			case types.PhysReal:
				col.Reals = append(col.Reals, src.Reals...)
			case types.PhysStr:
				col.Strs = append(col.Strs, src.Strs...)
			case types.PhysDyn:
				col.Dyns = append(col.Dyns, src.Dyns...)
			}
			if len(src.Nulls) > 0 {
				for i := 0; i < n; i++ {
					if src.Nulls.Get(i) {
						col.Nulls.Set(base + i)
					}
				}
			}
			base += n
		}
		out.Cols[c] = col
	}
	return out
}

// scalarSub runs toscalar(T): the first column of the first row, or null.
func (ctx *Context) scalarSub(x *sema.ScalarSub) (types.Value, error) {
	t, err := ctx.runToTable(x.Plan)
	if err != nil {
		return types.Value{}, err
	}
	if len(t.Cols) == 0 || numRows(t) == 0 {
		return types.NullOf(x.T), nil
	}
	return t.Cols[0].Value(0), nil
}

// Build turns a plan node into a runnable operator tree.
func (ctx *Context) Build(n sema.Node) (Operator, error) {
	switch x := n.(type) {
	case *sema.Scan:
		return ctx.newScan(x, nil), nil
	case *sema.Datatable:
		return ctx.buildDatatable(x)
	case *sema.Print:
		return ctx.buildPrint(x)
	case *sema.Range:
		return ctx.buildRange(x)
	case *sema.Filter:
		return ctx.buildFilter(x)
	case *sema.Project:
		return ctx.buildProject(x)
	case *sema.Summarize:
		return ctx.buildSummarize(x)
	case *sema.MakeSeries:
		return ctx.buildMakeSeries(x)
	case *sema.Count:
		in, err := ctx.Build(x.In)
		if err != nil {
			return nil, err
		}
		return &countOp{in: in, fields: x.Fields}, nil
	case *sema.Take:
		return ctx.buildTake(x)
	case *sema.Sort:
		return ctx.buildSort(x.In, x.Keys, nil, x.Fields)
	case *sema.Top:
		return ctx.buildSort(x.In, x.Keys, x.N, x.Fields)
	case *sema.Join:
		return ctx.buildJoin(x)
	case *sema.Union:
		return ctx.buildUnion(x)
	case *sema.MvExpand:
		return ctx.buildMvExpand(x)
	case *sema.Parse:
		return ctx.buildParse(x)
	case *sema.Render:
		return ctx.Build(x.In)
	case *sema.Materialize:
		return &materializeOp{node: x}, nil
	case *sema.GetSchema:
		return ctx.buildGetSchema(x)
	case *sema.MvApply:
		return ctx.buildMvApply(x)
	case *sema.ExternalData:
		return ctx.buildExternalData(x)
	case *sema.ParseKv:
		return ctx.buildParseKv(x)
	case *sema.Values:
		return &tableOp{t: x.Table}, nil
	case *sema.Pivot:
		return ctx.buildPivot(x)
	case *sema.TopNested:
		return ctx.buildTopNested(x)
	case *sema.Partition:
		return ctx.buildPartition(x)
	case *sema.RowWindow:
		return ctx.buildRowWindow(x)
	case *sema.ScanSteps:
		return ctx.buildScanSteps(x)
	case *sema.IPLookup:
		return ctx.buildIPLookup(x)
	case *sema.GeoLookup:
		return ctx.buildGeoLookup(x)
	case *sema.SlidingWindowCounts:
		return ctx.buildSlidingWindowCounts(x)
	case *sema.DcountIntersect:
		return ctx.buildDcountIntersect(x)
	case *sema.Reduce:
		return ctx.buildReduce(x)
	case *sema.RollingPercentile:
		return ctx.buildRollingPercentile(x)
	case *sema.ActivityCountsMetrics:
		return ctx.buildActivityCountsMetrics(x)
	case *sema.RowsNear:
		return ctx.buildRowsNear(x)
	case *sema.ActiveUsersCount:
		return ctx.buildActiveUsersCount(x)
	case *sema.BagUnpack:
		in, err := ctx.Build(x.In)
		if err != nil {
			return nil, err
		}
		return &bagUnpackOp{in: in, node: x}, nil
	case *sema.ApplyInput:
		return &applyInputOp{node: x}, nil
	}
	if op, ok, err := ctx.buildGraphNode(n); ok {
		return op, err
	}
	return nil, fmt.Errorf("internal error: no operator for %T", n)
}

// tableOp yields one precomputed table.
type tableOp struct {
	t    *types.Table
	done bool
}

func (o *tableOp) Open(*Context) error { o.done = false; return nil }
func (o *tableOp) Next(*Context) (*types.Table, error) {
	if o.done || o.t == nil {
		return nil, io.EOF
	}
	o.done = true
	return o.t, nil
}
func (o *tableOp) Close() error { return nil }

// lazyOp computes its whole result when opened (for blocking operators) and yields it as one batch.
type lazyOp struct {
	inputs  []Operator
	compute func(ctx *Context) (*types.Table, error)
	out     *types.Table
	done    bool
}

func (o *lazyOp) Open(ctx *Context) error {
	t, err := o.compute(ctx)
	if err != nil {
		return err
	}
	o.out, o.done = t, false
	return nil
}
func (o *lazyOp) Next(*Context) (*types.Table, error) {
	if o.done || o.out == nil {
		return nil, io.EOF
	}
	o.done = true
	return o.out, nil
}
func (o *lazyOp) Close() error {
	var first error
	for _, in := range o.inputs {
		if err := in.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

type materializeOp struct {
	node *sema.Materialize
	tableOp
}

func (o *materializeOp) Open(ctx *Context) error {
	t, ok := ctx.materialized[o.node]
	if !ok {
		var err error
		t, err = ctx.runToTable(o.node.In)
		if err != nil {
			return err
		}
		ctx.materialized[o.node] = t
	}
	o.t, o.done = t, false
	return nil
}

type countOp struct {
	in     Operator
	fields []types.Field
	done   bool
}

func (o *countOp) Open(ctx *Context) error { o.done = false; return o.in.Open(ctx) }
func (o *countOp) Next(ctx *Context) (*types.Table, error) {
	if o.done {
		return nil, io.EOF
	}
	var n int64
	for {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		b, err := o.in.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n += int64(numRows(b))
	}
	o.done = true
	out := types.NewTable(o.fields)
	out.AppendRow([]types.Value{types.NewLong(n)})
	return out, nil
}
func (o *countOp) Close() error { return o.in.Close() }

// evalColumns evaluates fns over b and returns full columns.
func evalColumns(ctx *Context, fns []evalFn, b *types.Table) ([]*types.Column, error) {
	n := batchLen(b)
	cols := make([]*types.Column, len(fns))
	for i, f := range fns {
		a, err := f(ctx, b)
		if err != nil {
			return nil, err
		}
		cols[i] = broadcast(a, n)
	}
	return cols, nil
}

func (ctx *Context) compileAll(es []sema.Expr) ([]evalFn, error) {
	fns := make([]evalFn, len(es))
	for i, e := range es {
		f, err := ctx.compileExpr(e)
		if err != nil {
			return nil, err
		}
		fns[i] = f
	}
	return fns, nil
}

// readAll drains an already opened operator into batches.
func readAll(ctx *Context, op Operator) ([]*types.Table, error) {
	var out []*types.Table
	for {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if numRows(b) > 0 {
			if err := ctx.charge(tableBytes(b), "buffering rows", source.Span{}); err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	}
}
