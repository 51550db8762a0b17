package exec

import (
	"fmt"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// aggPlan is one aggregate ready to run: its argument functions and a fresh accumulator.
type aggPlan struct {
	call *sema.AggCall
	args []evalFn
	acc  kernel.Accumulator
}

func (ctx *Context) compileAggs(calls []*sema.AggCall) ([]*aggPlan, error) {
	out := make([]*aggPlan, len(calls))
	for i, c := range calls {
		fns, err := ctx.compileAll(c.Args)
		if err != nil {
			return nil, err
		}
		out[i] = &aggPlan{call: c, args: fns, acc: c.Aggregate.New(c.Infos)}
	}
	return out, nil
}

// add folds the n rows of b into the accumulators, row i into group groups[i].
func addAggs(ctx *Context, aggs []*aggPlan, groups []uint32, b *types.Table, n int) error {
	for _, a := range aggs {
		args := make([]kernel.Arg, len(a.args))
		for j, f := range a.args {
			v, err := f(ctx, b)
			if err != nil {
				return err
			}
			args[j] = v
		}
		if err := a.acc.Add(ctx.kernelCtx(), groups, args, n); err != nil {
			return &RuntimeError{Span: a.call.Sp, Msg: fmt.Sprintf("%s: %v", a.call.Name, err)}
		}
	}
	return nil
}

func (ctx *Context) buildSummarize(x *sema.Summarize) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	byFns, err := ctx.compileAll(x.By)
	if err != nil {
		return nil, err
	}
	byTypes := make([]types.Type, len(x.By))
	for i, e := range x.By {
		byTypes[i] = e.Type()
	}
	compute := func(ctx *Context) (*types.Table, error) {
		aggs, err := ctx.compileAggs(x.Aggs)
		if err != nil {
			return nil, err
		}
		if err := in.Open(ctx); err != nil {
			return nil, err
		}
		g := newGrouper(byTypes)
		var groups []uint32
		src := newSelectedInput(in)
		for {
			b, sel, err := src.next(ctx)
			if err != nil {
				if isEOF(err) {
					break
				}
				return nil, err
			}
			n := len(sel)
			if n == 0 {
				continue
			}
			b = gatherSelected(b, sel)
			if cap(groups) < n {
				groups = make([]uint32, n)
			}
			groups = groups[:n]
			if len(byFns) > 0 {
				keys, err := evalColumns(ctx, byFns, b)
				if err != nil {
					return nil, err
				}
				before := g.count
				g.assign(keys, n, groups)
				if err := ctx.charge(int64(g.count-before)*groupBytes(len(byFns), len(aggs)), "summarize", x.Span()); err != nil {
					return nil, err
				}
			} else {
				clear(groups)
			}
			if err := addAggs(ctx, aggs, groups, b, n); err != nil {
				return nil, err
			}
			if err := ctx.Ctx.Err(); err != nil {
				return nil, err
			}
		}
		numGroups := g.count
		if len(byFns) == 0 {
			numGroups = 1 // summarize without by always returns one row, defaults over empty input
		}
		out := &types.Table{Fields: x.Fields}
		out.Cols = append(out.Cols, g.keys...)
		for _, a := range aggs {
			out.Cols = append(out.Cols, a.acc.Result(numGroups)...)
		}
		if len(out.Cols) != len(x.Fields) {
			return nil, &RuntimeError{Span: x.Span(), Msg: "internal error: summarize produced the wrong number of columns"}
		}
		for i, c := range out.Cols {
			if c.Type != x.Fields[i].Type {
				conv, err := ctx.castColumn(c, x.Fields[i].Type)
				if err != nil {
					return nil, err
				}
				out.Cols[i] = conv
			}
		}
		return out, nil
	}
	return &lazyOp{inputs: []Operator{in}, compute: compute}, nil
}

func (ctx *Context) buildMakeSeries(x *sema.MakeSeries) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	byFns, err := ctx.compileAll(x.By)
	if err != nil {
		return nil, err
	}
	axisFn, err := ctx.compileExpr(x.Axis)
	if err != nil {
		return nil, err
	}
	byTypes := make([]types.Type, len(x.By))
	for i, e := range x.By {
		byTypes[i] = e.Type()
	}
	compute := func(ctx *Context) (*types.Table, error) {
		return ctx.makeSeries(x, in, byFns, byTypes, axisFn)
	}
	return &lazyOp{inputs: []Operator{in}, compute: compute}, nil
}

// groupBytes estimates what one summarize group holds: its keys and its aggregates' states.
func groupBytes(keys, aggs int) int64 { return int64(48 + 24*keys + 48*aggs) }

// maxSeriesBins bounds the length of one make-series array.
const maxSeriesBins = 10_000_000

func (ctx *Context) makeSeries(x *sema.MakeSeries, in Operator, byFns []evalFn, byTypes []types.Type, axisFn evalFn) (*types.Table, error) {
	aggs, err := ctx.compileAggs(x.Aggs)
	if err != nil {
		return nil, err
	}
	if err := in.Open(ctx); err != nil {
		return nil, err
	}
	src := newSelectedInput(in)
	axisReal := x.Axis.Type().Physical() == types.PhysReal
	// the axis as float64 for numbers and int64 ticks otherwise; from/to/step likewise
	num := func(v types.Value) float64 {
		if v.Type.Physical() == types.PhysReal {
			return v.F
		}
		return float64(v.I)
	}
	stepV, err := ctx.constValue(x.Step)
	if err != nil {
		return nil, err
	}
	if stepV.Null || num(stepV) <= 0 {
		return nil, &RuntimeError{Span: x.Step.Span(), Msg: "make-series: step must be positive"}
	}
	var fromV, toV types.Value
	fromSet, toSet := x.From != nil, x.To != nil
	if fromSet {
		if fromV, err = ctx.constValue(x.From); err != nil {
			return nil, err
		}
		fromSet = !fromV.Null
	}
	if toSet {
		if toV, err = ctx.constValue(x.To); err != nil {
			return nil, err
		}
		toSet = !toV.Null
	}
	axisRef, _ := x.Axis.(*sema.ColRef)
	// axisOf returns the batch to aggregate from, the axis column over it and the rows to use: the input
	// batch and its selection when the axis is a column, else the selected rows gathered.
	axisOf := func(b *types.Table, sel []int) (*types.Table, *types.Column, []int, error) {
		if axisRef != nil && b.Cols[axisRef.Index] != nil {
			return b, b.Cols[axisRef.Index], sel, nil
		}
		sub := gatherSelected(b, sel)
		a, err := axisFn(ctx, sub)
		if err != nil {
			return nil, nil, nil, err
		}
		n := numRows(sub)
		return sub, broadcast(a, n), allRows(nil, n), nil
	}
	// without both bounds the bins depend on the data: hold the batches and find the axis range first
	type heldBatch struct {
		b    *types.Table
		axis *types.Column
		rows []int
	}
	var held []heldBatch
	lo, hi := math.Inf(1), math.Inf(-1)
	var loI, hiI int64 = math.MaxInt64, math.MinInt64
	if !fromSet || !toSet {
		for {
			if err := ctx.Ctx.Err(); err != nil {
				return nil, err
			}
			b, sel, err := src.next(ctx)
			if err != nil {
				if isEOF(err) {
					break
				}
				return nil, err
			}
			if len(sel) == 0 {
				continue
			}
			b, col, rows, err := axisOf(b, sel)
			if err != nil {
				return nil, err
			}
			batchBytes := tableBytes(b)
			if len(held) > 0 && held[len(held)-1].b == b {
				batchBytes = 0 // a further chunk of a batch already held
			}
			if err := ctx.charge(batchBytes+int64(8*len(rows)), "make-series", x.Span()); err != nil {
				return nil, err
			}
			held = append(held, heldBatch{b: b, axis: col, rows: append([]int(nil), rows...)})
			for _, r := range rows {
				if col.IsNull(r) {
					continue
				}
				if axisReal {
					lo, hi = math.Min(lo, col.Reals[r]), math.Max(hi, col.Reals[r])
				} else {
					loI, hiI = min(loI, col.Ints[r]), max(hiI, col.Ints[r])
				}
			}
		}
	}
	haveData := loI <= hiI || lo <= hi
	// bins are [from + k*step, from + (k+1)*step); to is exclusive
	var fromI, stepI int64
	var fromF, stepF float64
	nBins := 0
	if axisReal {
		stepF = num(stepV)
		fromF = lo
		if fromSet {
			fromF = num(fromV)
		}
		switch {
		case toSet:
			nBins = int(math.Ceil((num(toV) - fromF) / stepF))
		case haveData:
			nBins = int(math.Floor((hi-fromF)/stepF)) + 1
		}
	} else {
		stepI = stepV.I
		if stepV.Type.Physical() == types.PhysReal {
			stepI = int64(stepV.F)
		}
		if stepI <= 0 {
			return nil, &RuntimeError{Span: x.Step.Span(), Msg: "make-series: step must be positive"}
		}
		fromI = loI
		if fromSet {
			fromI = int64(num(fromV))
			if fromV.Type.Physical() == types.PhysInt {
				fromI = fromV.I
			}
		}
		switch {
		case toSet:
			toI := toV.I
			if toV.Type.Physical() == types.PhysReal {
				toI = int64(toV.F)
			}
			if toI > fromI {
				nBins = int((toI - fromI + stepI - 1) / stepI)
			}
		case haveData:
			if hiI >= fromI {
				nBins = int((hiI-fromI)/stepI) + 1
			}
		}
	}
	if nBins < 0 {
		nBins = 0
	}
	if nBins > maxSeriesBins {
		return nil, &RuntimeError{Span: x.Span(), Msg: fmt.Sprintf("make-series: %d bins is more than the limit of %d", nBins, maxSeriesBins)}
	}
	g := newGrouper(byTypes)
	// cellOf[group][bin] is the accumulator group of that cell plus one (0: no row yet); cells are numbered
	// in the order rows first reach them
	var cellOf [][]uint32
	numCells := 0
	needRows := len(byFns) > 0
	for _, a := range aggs {
		needRows = needRows || len(a.args) > 0
	}
	var keep, binOf []int
	var groups, cellIDs []uint32
	addBatch := func(b *types.Table, axis *types.Column, rows []int) error {
		keep, binOf = keep[:0], binOf[:0]
		hasNulls := axis.Nulls.Any() || axis.Type == types.Dynamic
		if !axisReal && !hasNulls {
			ints := axis.Ints
			for _, r := range rows {
				d := ints[r] - fromI
				if d < 0 {
					continue
				}
				k := d / stepI
				if k >= int64(nBins) {
					continue
				}
				keep = append(keep, r)
				binOf = append(binOf, int(k))
			}
		} else {
			for _, r := range rows {
				if axis.IsNull(r) {
					continue
				}
				var k int
				if axisReal {
					f := math.Floor((axis.Reals[r] - fromF) / stepF)
					if f < 0 || f >= float64(nBins) {
						continue
					}
					k = int(f)
				} else {
					d := axis.Ints[r] - fromI
					if d < 0 {
						continue
					}
					k64 := d / stepI
					if k64 >= int64(nBins) {
						continue
					}
					k = int(k64)
				}
				keep = append(keep, r)
				binOf = append(binOf, k)
			}
		}
		if len(keep) == 0 {
			return nil
		}
		m := len(keep)
		sub := &types.Table{} // count()-like aggregates read no column
		if needRows {
			sub = gatherSelected(b, keep)
		}
		groups = grow(groups, m)
		if len(byFns) > 0 {
			keys, err := evalColumns(ctx, byFns, sub)
			if err != nil {
				return err
			}
			g.assign(keys, m, groups)
		} else {
			clear(groups)
			if g.count == 0 {
				g.count = 1
			}
		}
		for len(cellOf) < g.count {
			cellOf = append(cellOf, nil)
		}
		cellIDs = grow(cellIDs, m)
		for i := 0; i < m; i++ {
			bins := cellOf[groups[i]]
			if bins == nil {
				// a group's bins cost nBins cells each: look at the context before allocating them
				if err := ctx.Ctx.Err(); err != nil {
					return err
				}
				// the cell numbers, and the series arrays of this group's output row
				if err := ctx.charge(int64(nBins)*int64(4+16*(len(aggs)+1)), "make-series", x.Span()); err != nil {
					return err
				}
				bins = make([]uint32, nBins)
				cellOf[groups[i]] = bins
			}
			id := bins[binOf[i]]
			if id == 0 {
				numCells++
				id = uint32(numCells)
				bins[binOf[i]] = id
			}
			cellIDs[i] = id - 1
		}
		return addAggs(ctx, aggs, cellIDs, sub, m)
	}
	if fromSet && toSet {
		for {
			if err := ctx.Ctx.Err(); err != nil {
				return nil, err
			}
			b, sel, err := src.next(ctx)
			if err != nil {
				if isEOF(err) {
					break
				}
				return nil, err
			}
			if len(sel) == 0 {
				continue
			}
			b, col, rows, err := axisOf(b, sel)
			if err != nil {
				return nil, err
			}
			if err := addBatch(b, col, rows); err != nil {
				return nil, err
			}
		}
	}
	for i, h := range held {
		if err := ctx.Ctx.Err(); err != nil {
			return nil, err
		}
		if err := addBatch(h.b, h.axis, h.rows); err != nil {
			return nil, err
		}
		held[i] = heldBatch{}
	}
	numGroups := g.count
	if numGroups == 0 && x.Nonempty {
		numGroups = 1
		for k, t := range byTypes {
			g.keys[k] = nullColumn(t, 1)
		}
	}
	out := &types.Table{Fields: x.Fields}
	if numGroups == 0 {
		return concat(x.Fields, nil), nil
	}
	if len(byTypes) > 0 {
		out.Cols = append(out.Cols, g.keys...)
	}
	meter := newWorkMeter(ctx) // the series arrays hold numGroups * nBins cells per aggregate
	for ai, a := range aggs {
		res := a.acc.Result(numCells)
		vals := res[0]
		def := seriesDefault(x.Defaults[ai], a.call.Out[0])
		col := newFilled(types.Dynamic, numGroups)
		for gi := 0; gi < numGroups; gi++ {
			if err := meter.add(nBins); err != nil {
				return nil, err
			}
			arr := make([]any, nBins)
			var bins []uint32
			if gi < len(cellOf) {
				bins = cellOf[gi]
			}
			for k := 0; k < nBins; k++ {
				if bins == nil || bins[k] == 0 {
					arr[k] = def
					continue
				}
				v := vals.Value(int(bins[k] - 1))
				if v.Null {
					arr[k] = def
				} else {
					arr[k] = v.Dynamic()
				}
			}
			col.Dyns[gi] = arr
		}
		out.Cols = append(out.Cols, col)
	}
	axisCol := newFilled(types.Dynamic, numGroups)
	for gi := 0; gi < numGroups; gi++ {
		if err := meter.add(nBins); err != nil {
			return nil, err
		}
		arr := make([]any, nBins)
		for k := 0; k < nBins; k++ {
			switch {
			case axisReal:
				arr[k] = fromF + float64(k)*stepF
			case x.Axis.Type() == types.DateTime:
				arr[k] = types.DynDateTime(fromI + int64(k)*stepI)
			case x.Axis.Type() == types.TimeSpan:
				arr[k] = types.DynTimeSpan(fromI + int64(k)*stepI)
			default:
				arr[k] = fromI + int64(k)*stepI
			}
		}
		axisCol.Dyns[gi] = arr
	}
	out.Cols = append(out.Cols, axisCol)
	return out, nil
}

// seriesDefault converts a make-series default to the aggregate's type, as a dynamic element.
func seriesDefault(v types.Value, t types.Type) any {
	if v.Null {
		return nil
	}
	switch {
	case (t == types.Real || t == types.Decimal) && v.Type.IsIntegral():
		return float64(v.I)
	case t.IsIntegral() && (v.Type == types.Real || v.Type == types.Decimal) && v.F == math.Trunc(v.F):
		return int64(v.F)
	}
	return v.Dynamic()
}

// grow returns s resized to n elements, reusing its storage when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (ctx *Context) buildPivot(x *sema.Pivot) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	inSchema := x.In.Schema()
	groupTypes := make([]types.Type, len(x.Group))
	for i, g := range x.Group {
		groupTypes[i] = inSchema[g].Type
	}
	valueIndex := map[string]int{}
	for i, v := range x.Values {
		valueIndex[v] = i
	}
	compute := func(ctx *Context) (*types.Table, error) {
		aggs, err := ctx.compileAggs([]*sema.AggCall{x.Agg})
		if err != nil {
			return nil, err
		}
		if err := in.Open(ctx); err != nil {
			return nil, err
		}
		batches, err := readAll(ctx, in)
		if err != nil {
			return nil, err
		}
		g := newGrouper(groupTypes)
		cells := map[[2]int]uint32{}
		for _, b := range batches {
			n := numRows(b)
			keys := make([]*types.Column, len(x.Group))
			for i, c := range x.Group {
				keys[i] = b.Cols[c]
			}
			groups := make([]uint32, n)
			if len(keys) > 0 {
				g.assign(keys, n, groups)
			} else if g.count == 0 {
				g.count = 1
			}
			cellIDs := make([]uint32, n)
			pivot := b.Cols[x.PivotCol]
			for r := 0; r < n; r++ {
				k := [2]int{int(groups[r]), valueIndex[sema.ValueText(pivot.Value(r))]}
				id, ok := cells[k]
				if !ok {
					id = uint32(len(cells))
					cells[k] = id
				}
				cellIDs[r] = id
			}
			if err := addAggs(ctx, aggs, cellIDs, b, n); err != nil {
				return nil, err
			}
		}
		out := &types.Table{Fields: x.Fields}
		out.Cols = append(out.Cols, g.keys...)
		res := aggs[0].acc.Result(len(cells))[0]
		for v := range x.Values {
			col := types.NewColumn(x.Agg.Out[0], g.count)
			for gi := 0; gi < g.count; gi++ {
				if id, ok := cells[[2]int{gi, v}]; ok {
					col.Append(res.Value(int(id)))
				} else {
					col.Append(x.Default)
				}
			}
			out.Cols = append(out.Cols, col)
		}
		return out, nil
	}
	return &lazyOp{inputs: []Operator{in}, compute: compute}, nil
}
