package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// scanStepFns is one step's compiled condition and assignments.
type scanStepFns struct {
	step    *sema.ScanStep
	cond    evalFn
	assigns []evalFn
}

// scanState is the state of one step: the records of the steps up to it (nil when that step has none yet) and
// the match id of its sequence; an inactive state is empty.
type scanState struct {
	active bool
	recs   [][]types.Value
	id     int64
}

// buildScanSteps runs the scan operator over the whole input in its order, following the matching logic of
// the KQL reference: each record is checked against the steps from the last to the first; Check 1 promotes the
// previous step's state, Check 2 extends the step's own active sequence (or starts one at the first step).
func (ctx *Context) buildScanSteps(x *sema.ScanSteps) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	steps := make([]scanStepFns, len(x.Steps))
	for i, st := range x.Steps {
		steps[i].step = st
		if steps[i].cond, err = ctx.compileExpr(st.Cond); err != nil {
			return nil, err
		}
		for _, a := range st.Assigns {
			f, err := ctx.compileExpr(a.X)
			if err != nil {
				return nil, err
			}
			steps[i].assigns = append(steps[i].assigns, f)
		}
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		return runScan(ctx, x, steps, t)
	}}, nil
}

func runScan(ctx *Context, x *sema.ScanSteps, steps []scanStepFns, t *types.Table) (*types.Table, error) {
	n := numRows(t)
	inputs := len(x.In.Schema())
	w := x.Width
	wideFields := make([]types.Field, w*(1+len(steps)))
	for j := range wideFields {
		wideFields[j] = x.Fields[j%w]
	}
	empty := make([]types.Value, w) // a step record not set yet: null input columns, declared defaults
	for c := 0; c < w; c++ {
		if c < inputs {
			empty[c] = types.NullOf(x.Fields[c].Type)
		} else {
			empty[c] = x.Defaults[c-inputs]
		}
	}
	out := types.NewTable(x.Fields)
	emit := func(rec []types.Value, id int64) {
		row := append([]types.Value(nil), rec...)
		if x.MatchID {
			row = append(row, types.NewLong(id))
		}
		out.AppendRow(row)
	}
	// eval computes fn over the current record and the state st (nil: no state)
	eval := func(fn evalFn, cur []types.Value, st *scanState) (types.Value, error) {
		b := &types.Table{Fields: wideFields, Cols: make([]*types.Column, len(wideFields))}
		for j := range wideFields {
			v := empty[j%w]
			switch step := j/w - 1; {
			case step < 0:
				v = cur[j]
			case st != nil && st.active && st.recs[step] != nil:
				v = st.recs[step][j%w]
			}
			col := types.NewColumn(wideFields[j].Type, 1)
			col.Append(v)
			b.Cols[j] = col
		}
		a, err := fn(ctx, b)
		if err != nil {
			return types.Value{}, err
		}
		return broadcast(a, 1).Value(0), nil
	}
	truth := func(v types.Value) bool {
		if v.Null {
			return false
		}
		if v.Type == types.Dynamic {
			b, ok := v.D.(bool)
			return ok && b
		}
		return v.Bool()
	}
	// extend returns the record extended by the step's assignments, computed with the state st
	extend := func(s *scanStepFns, cur []types.Value, st *scanState) ([]types.Value, error) {
		rec := append([]types.Value(nil), cur...)
		for i, f := range s.assigns {
			v, err := eval(f, cur, st)
			if err != nil {
				return nil, err
			}
			rec[s.step.Assigns[i].Col] = v
		}
		return rec, nil
	}
	states := make([]scanState, len(steps))
	pending := make([][]types.Value, len(steps)) // output=last: the latest match not output yet
	pendingID := make([]int64, len(steps))
	flush := func(k int) {
		if pending[k] != nil {
			emit(pending[k], pendingID[k])
			pending[k] = nil
		}
	}
	output := func(k int, rec []types.Value, id int64) {
		switch steps[k].step.Output {
		case "all":
			emit(rec, id)
		case "last":
			pending[k], pendingID[k] = rec, id
		}
	}
	var nextID int64
	cur := make([]types.Value, w)
	for r := 0; r < n; r++ {
		if r%1024 == 0 {
			if err := ctx.Ctx.Err(); err != nil {
				return nil, err
			}
		}
		for c := 0; c < w; c++ {
			if c < inputs {
				cur[c] = t.Cols[c].Value(r)
			} else {
				cur[c] = x.Defaults[c-inputs]
			}
		}
		for k := len(steps) - 1; k >= 0; k-- {
			s := &steps[k]
			if k > 0 && states[k-1].active {
				prev := &states[k-1]
				v, err := eval(s.cond, cur, prev)
				if err != nil {
					return nil, err
				}
				if truth(v) {
					rec, err := extend(s, cur, prev)
					if err != nil {
						return nil, err
					}
					flush(k)
					flush(k - 1)
					recs := make([][]types.Value, len(steps))
					copy(recs, prev.recs)
					recs[k] = rec
					id := prev.id
					states[k] = scanState{active: true, recs: recs, id: id}
					states[k-1] = scanState{}
					output(k, rec, id)
					continue
				}
			}
			st := &states[k]
			if !st.active && k > 0 {
				continue
			}
			v, err := eval(s.cond, cur, st)
			if err != nil {
				return nil, err
			}
			if !truth(v) {
				continue
			}
			rec, err := extend(s, cur, st)
			if err != nil {
				return nil, err
			}
			if !st.active {
				// the first step starts a new sequence
				*st = scanState{active: true, recs: make([][]types.Value, len(steps)), id: nextID}
				nextID++
			}
			st.recs[k] = rec
			output(k, rec, st.id)
		}
	}
	for k := range steps {
		flush(k)
	}
	return out, nil
}
