package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Column pruning: before running, every node learns which of its output columns anything above it reads.
// Scans then ask the table only for those columns, and streaming operators carry a nil *types.Column in the
// place of a column nobody reads (so column indexes stay those of the plan). A node absent from the map
// needs all its columns.

// numRows is the row count of a batch whose pruned columns are nil.
func numRows(b *types.Table) int {
	for _, c := range b.Cols {
		if c != nil {
			return c.Len()
		}
	}
	return 0
}

// neededColumns computes the columns each node of the plan under root must produce.
func neededColumns(root sema.Node) map[sema.Node][]bool {
	m := map[sema.Node][]bool{}
	all := make([]bool, len(root.Schema()))
	for i := range all {
		all[i] = true
	}
	require(m, root, all)
	return m
}

// require records that n must produce the columns in need (merged with earlier requirements) and
// propagates what that takes to n's inputs.
func require(m map[sema.Node][]bool, n sema.Node, need []bool) {
	cur, seen := m[n]
	if !seen {
		cur = make([]bool, len(n.Schema()))
	}
	grew := !seen
	for i, v := range need {
		if v && i < len(cur) && !cur[i] {
			cur[i] = true
			grew = true
		}
	}
	// every node keeps at least one column so that its batches know their row count
	keepsOne := false
	for _, v := range cur {
		keepsOne = keepsOne || v
	}
	if !keepsOne && len(cur) > 0 {
		cur[cheapestColumn(n.Schema())] = true
	}
	m[n] = cur
	if !grew {
		return
	}
	if !seen {
		// subqueries (x in (T ...), toscalar(T ...)) are separate plans that need all their columns
		for _, e := range nodeExprs(n) {
			sema.WalkExpr(e, func(x sema.Expr) {
				var sub sema.Node
				switch t := x.(type) {
				case *sema.In:
					sub = t.Sub
				case *sema.ScalarSub:
					sub = t.Plan
				case *sema.ColumnList:
					sub = t.Plan
				}
				if sub != nil {
					full := make([]bool, len(sub.Schema()))
					for i := range full {
						full[i] = true
					}
					require(m, sub, full)
				}
			})
		}
	}
	allOf := func(x sema.Node) []bool {
		out := make([]bool, len(x.Schema()))
		for i := range out {
			out[i] = true
		}
		return out
	}
	withRefs := func(base []bool, width int, es ...sema.Expr) []bool {
		out := make([]bool, width)
		copy(out, base)
		for _, e := range es {
			markRefs(out, e)
		}
		return out
	}
	switch x := n.(type) {
	case *sema.Filter:
		require(m, x.In, withRefs(cur, len(x.In.Schema()), x.Pred))
	case *sema.Take:
		require(m, x.In, cur)
	case *sema.Sort:
		require(m, x.In, withRefs(cur, len(x.In.Schema()), sortExprs(x.Keys)...))
	case *sema.Top:
		require(m, x.In, withRefs(cur, len(x.In.Schema()), sortExprs(x.Keys)...))
	case *sema.Project:
		var used []sema.Expr
		for i, e := range x.Exprs {
			if cur[i] {
				used = append(used, e)
			}
		}
		require(m, x.In, withRefs(nil, len(x.In.Schema()), used...))
	case *sema.Summarize:
		es := append([]sema.Expr(nil), x.By...)
		for _, a := range x.Aggs {
			es = append(es, a.Args...)
		}
		require(m, x.In, withRefs(nil, len(x.In.Schema()), es...))
	case *sema.MakeSeries:
		es := append([]sema.Expr{x.Axis}, x.By...)
		for _, a := range x.Aggs {
			es = append(es, a.Args...)
		}
		require(m, x.In, withRefs(nil, len(x.In.Schema()), es...))
	case *sema.Count:
		require(m, x.In, make([]bool, len(x.In.Schema())))
	case *sema.Render:
		require(m, x.In, cur)
	case *sema.Union:
		for i, in := range x.Inputs {
			need := make([]bool, len(in.Schema()))
			for j, src := range x.Maps[i] {
				if src >= 0 && cur[j] {
					need[src] = true
				}
			}
			require(m, in, need)
		}
	case *sema.MvApply:
		require(m, x.In, allOf(x.In))
		require(m, x.Sub, allOf(x.Sub))
	case *sema.Partition:
		require(m, x.In, allOf(x.In))
		require(m, x.Sub, allOf(x.Sub))
	default:
		// join, mv-expand, parse, materialize, getschema: every input column
		for _, in := range sema.Children(n) {
			require(m, in, allOf(in))
		}
	}
}

func sortExprs(keys []sema.SortKey) []sema.Expr {
	out := make([]sema.Expr, len(keys))
	for i, k := range keys {
		out[i] = k.X
	}
	return out
}

// markRefs marks the input columns e reads.
func markRefs(need []bool, e sema.Expr) {
	sema.WalkExpr(e, func(x sema.Expr) {
		if r, ok := x.(*sema.ColRef); ok && r.Index < len(need) {
			need[r.Index] = true
		}
	})
}

// cheapestColumn picks a column that is cheap to read (a fixed-width one when there is one).
func cheapestColumn(fields []types.Field) int {
	for i, f := range fields {
		if f.Type.Physical() == types.PhysInt {
			return i
		}
	}
	return 0
}

// nodeExprs returns every expression a node evaluates.
func nodeExprs(n sema.Node) []sema.Expr {
	var es []sema.Expr
	add := func(x ...sema.Expr) {
		for _, e := range x {
			if e != nil {
				es = append(es, e)
			}
		}
	}
	switch x := n.(type) {
	case *sema.Filter:
		add(x.Pred)
	case *sema.Project:
		add(x.Exprs...)
	case *sema.Summarize:
		add(x.By...)
		for _, a := range x.Aggs {
			add(a.Args...)
		}
	case *sema.MakeSeries:
		add(x.Axis, x.From, x.To, x.Step)
		add(x.By...)
		for _, a := range x.Aggs {
			add(a.Args...)
		}
	case *sema.Take:
		add(x.N)
	case *sema.Sort:
		add(sortExprs(x.Keys)...)
	case *sema.Top:
		add(x.N)
		add(sortExprs(x.Keys)...)
	case *sema.Parse:
		add(x.Source)
	case *sema.MvExpand:
		add(x.Limit)
	case *sema.Range:
		add(x.From, x.To, x.Step)
	case *sema.Print:
		add(x.Exprs...)
	case *sema.Datatable:
		for _, r := range x.Rows {
			add(r...)
		}
	}
	return es
}
