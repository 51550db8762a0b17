package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// graph is the value made by make-graph: node and edge property tables, and the edges' endpoints as node
// indexes. It only lives between graph operators; a query's result is always a table.
type graph struct {
	nodes    *types.Table
	edges    *types.Table
	keys     []types.Value // the key of each node
	src, dst []int         // per edge
	out, in  [][]int       // per node: the edges leaving it, the edges entering it
	directed bool
}

// graphPlan computes a graph when run; inputs are the table operators it reads (closed with its reader).
type graphPlan struct {
	compute func(ctx *Context) (*graph, error)
	inputs  []Operator
}

// maxGraphMatches bounds the matches graph-match collects before its where clause runs, so that a pattern
// with long variable-length edges over a large graph fails with a message instead of exhausting memory.
const maxGraphMatches = 4_000_000

// maxGraphSearchSteps bounds the nodes and edges the pattern search visits (cycles=all over a dense graph
// has exponentially many paths).
const maxGraphSearchSteps = 200_000_000

// buildGraphNode builds the table-valued graph operators; ok is false for other nodes.
func (ctx *Context) buildGraphNode(n sema.Node) (op Operator, ok bool, err error) {
	switch x := n.(type) {
	case *sema.GraphToTable:
		op, err = ctx.buildGraphToTable(x)
	case *sema.GraphMatch:
		op, err = ctx.buildGraphMatch(x)
	case *sema.GraphShortest:
		op, err = ctx.buildGraphShortest(x)
	case *sema.MakeGraph, *sema.GraphMarkComponents:
		err = &RuntimeError{Span: n.Span(), Msg: "a graph is not a table; follow it with graph-match, graph-shortest-paths or graph-to-table"}
	default:
		return nil, false, nil
	}
	return op, true, err
}

// buildGraph returns the plan of a graph-valued node.
func (ctx *Context) buildGraph(n sema.GraphSource) (*graphPlan, error) {
	switch x := n.(type) {
	case *sema.MakeGraph:
		return ctx.buildMakeGraph(x)
	case *sema.GraphMarkComponents:
		in, err := ctx.buildGraph(x.In)
		if err != nil {
			return nil, err
		}
		return &graphPlan{inputs: in.inputs, compute: func(ctx *Context) (*graph, error) {
			g, err := in.compute(ctx)
			if err != nil {
				return nil, err
			}
			return markComponents(g, x.Strong, x.NodeFields), nil
		}}, nil
	}
	return nil, fmt.Errorf("internal error: no graph for %T", n)
}

func (ctx *Context) buildMakeGraph(x *sema.MakeGraph) (*graphPlan, error) {
	edgesOp, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	inputs := []Operator{edgesOp}
	nodeOps := make([]Operator, len(x.Nodes))
	for i, t := range x.Nodes {
		if nodeOps[i], err = ctx.Build(t.In); err != nil {
			return nil, err
		}
		inputs = append(inputs, nodeOps[i])
	}
	return &graphPlan{inputs: inputs, compute: func(ctx *Context) (*graph, error) {
		edges, err := drain(ctx, edgesOp, x.In.Schema())
		if err != nil {
			return nil, err
		}
		g := &graph{directed: x.Directed}
		index := map[graphKey]int{}
		var rows [][]types.Value
		addNode := func(k types.Value, row []types.Value) int {
			if i, ok := index[keyOf(k)]; ok {
				// a node in several nodes tables merges their properties (the first value wins)
				for j, v := range row {
					if old := rows[i][j]; old.IsNullOrEmpty() && !v.IsNullOrEmpty() {
						rows[i][j] = v
					}
				}
				return i
			}
			i := len(g.keys)
			index[keyOf(k)] = i
			g.keys = append(g.keys, k)
			if row == nil {
				row = make([]types.Value, len(x.NodeFields))
				for j, f := range x.NodeFields {
					row[j] = types.NullOf(f.Type)
				}
				if x.KeyField >= 0 {
					row[x.KeyField] = k
				}
			}
			rows = append(rows, row)
			return i
		}
		for i, t := range x.Nodes {
			nt, err := drain(ctx, nodeOps[i], t.In.Schema())
			if err != nil {
				return nil, err
			}
			for r := 0; r < numRows(nt); r++ {
				k := nt.Cols[t.Key].Value(r)
				if k.Null {
					continue
				}
				row := make([]types.Value, len(x.NodeFields))
				for j, c := range t.Map {
					if c < 0 {
						row[j] = types.NullOf(x.NodeFields[j].Type)
					} else {
						row[j] = nt.Cols[c].Value(r)
					}
				}
				addNode(k, row)
			}
		}
		var keep []int
		for r := 0; r < numRows(edges); r++ {
			s, d := edges.Cols[x.Source].Value(r), edges.Cols[x.Target].Value(r)
			if s.Null || d.Null {
				continue // an edge without both ends joins nothing
			}
			keep = append(keep, r)
			g.src = append(g.src, addNode(s, nil))
			g.dst = append(g.dst, addNode(d, nil))
		}
		g.nodes = types.NewTable(x.NodeFields)
		for _, row := range rows {
			g.nodes.AppendRow(row)
		}
		if len(keep) == numRows(edges) {
			g.edges = edges
		} else {
			g.edges = gatherTable(edges, keep)
		}
		g.out, g.in = make([][]int, len(g.keys)), make([][]int, len(g.keys))
		for e := range g.src {
			g.out[g.src[e]] = append(g.out[g.src[e]], e)
			g.in[g.dst[e]] = append(g.in[g.dst[e]], e)
		}
		return g, nil
	}}, nil
}

// graphKey identifies a node key value (keys of one graph share one type).
type graphKey struct {
	null bool
	i    int64
	f    float64
	s    string
}

func keyOf(v types.Value) graphKey {
	if v.Type == types.Dynamic {
		return graphKey{null: v.D == nil, s: types.FormatJSON(v.D)}
	}
	return graphKey{null: v.Null, i: v.I, f: v.F, s: v.S}
}

// markComponents returns g with each node's component number added as the last node property; components
// are numbered in the order of their first node.
func markComponents(g *graph, strong bool, fields []types.Field) *graph {
	n := len(g.keys)
	comp := make([]int, n)
	if strong {
		comp = strongComponents(g)
	} else {
		parent := make([]int, n)
		for i := range parent {
			parent[i] = i
		}
		var find func(int) int
		find = func(i int) int {
			for parent[i] != i {
				parent[i] = parent[parent[i]]
				i = parent[i]
			}
			return i
		}
		for e := range g.src {
			a, b := find(g.src[e]), find(g.dst[e])
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
		for i := range comp {
			comp[i] = find(i)
		}
	}
	number := map[int]int64{}
	col := types.NewColumn(types.Long, n)
	for i := 0; i < n; i++ {
		id, ok := number[comp[i]]
		if !ok {
			id = int64(len(number))
			number[comp[i]] = id
		}
		col.Append(types.NewLong(id))
	}
	out := *g
	out.nodes = &types.Table{Fields: fields, Cols: append(append([]*types.Column(nil), g.nodes.Cols...), col)}
	return &out
}

// strongComponents labels each node with its strongly connected component (Tarjan's algorithm, iterative so
// that long chains do not exhaust the stack).
func strongComponents(g *graph) []int {
	n := len(g.keys)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	type frame struct{ v, e int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		calls := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			if f.e < len(g.out[f.v]) {
				w := g.dst[g.out[f.v][f.e]]
				f.e++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, 0})
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				p := calls[len(calls)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = v
					if w == v {
						break
					}
				}
			}
		}
	}
	// label each component by its smallest node so numbering follows node order
	smallest := map[int]int{}
	for i := 0; i < n; i++ {
		if _, ok := smallest[comp[i]]; !ok {
			smallest[comp[i]] = i
		}
	}
	for i := range comp {
		comp[i] = smallest[comp[i]]
	}
	return comp
}

func (ctx *Context) buildGraphToTable(x *sema.GraphToTable) (Operator, error) {
	gp, err := ctx.buildGraph(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: gp.inputs, compute: func(ctx *Context) (*types.Table, error) {
		g, err := gp.compute(ctx)
		if err != nil {
			return nil, err
		}
		base := g.nodes
		if x.Edges {
			base = g.edges
		}
		var cols []*types.Column
		if x.IDs {
			if x.Edges {
				cols = append(cols, longColumn(g.src), longColumn(g.dst))
			} else {
				ids := make([]int, len(g.keys))
				for i := range ids {
					ids[i] = i
				}
				cols = append(cols, longColumn(ids))
			}
		}
		cols = append(cols, base.Cols...)
		return &types.Table{Fields: x.Fields, Cols: cols}, nil
	}}, nil
}

func longColumn(xs []int) *types.Column {
	c := types.NewColumn(types.Long, len(xs))
	for _, v := range xs {
		c.Append(types.NewLong(int64(v)))
	}
	return c
}
