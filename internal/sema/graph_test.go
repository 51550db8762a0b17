package sema

import (
	"strings"
	"testing"
)

// TestGraphNodeFilters checks which where conjuncts become per-node filters of graph-match: those reading
// one node variable only, and not bare names a node property would capture.
func TestGraphNodeFilters(t *testing.T) {
	const graph = `datatable(s:string, d:string, w:long)["a","b",1] | make-graph s --> d with_node_id=n `
	tests := []struct {
		name  string
		query string
		want  []int // the variable of each node filter
		edges []int // the variable of each edge filter
	}{
		{"one per variable", graph + `| graph-match (x)-[e]->(y) where x.n == "a" and y.n != "c" project x.n`, []int{0, 2}, nil},
		{"degree", graph + `| graph-match (x)-[e]->(y) where node_degree_out(x) > 1 project x.n`, []int{0}, nil},
		{"two variables in one conjunct", graph + `| graph-match (x)-[e]->(y) where x.n == y.n project x.n`, nil, nil},
		{"edge property", graph + `| graph-match (x)-[e]->(y) where e.w == 1 project x.n`, nil, []int{1}},
		{"all over a path", graph + `| graph-match (x)-[e*1..2]->(y) where all(e, w == 1) project x.n`, nil, []int{1}},
		{"any over a path", graph + `| graph-match (x)-[e*1..2]->(y) where any(e, w == 1) project x.n`, nil, nil},
		{"all over inner nodes", graph + `| graph-match (x)-[e*1..2]->(y) where all(inner_nodes(e), n == "a") project x.n`, nil, nil},
		{"property of a variable-length edge", graph + `| graph-match (x)-[e*1..2]->(y) where e.w == 1 project x.n`, nil, nil},
		{"or is one conjunct", graph + `| graph-match (x)-[e]->(y) where x.n == "a" or y.n == "b" project x.n`, nil, nil},
		{"shadowed let name", `let n = "a"; ` + graph + `| graph-match (x)-[e]->(y) where x.n == n project x.n`, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, diags := check(t, tc.query)
			if diags.HasErrors() {
				t.Fatalf("check: %v", diags)
			}
			var m *GraphMatch
			var find func(Node)
			find = func(n Node) {
				if x, ok := n.(*GraphMatch); ok {
					m = x
				}
				for _, c := range Children(n) {
					find(c)
				}
			}
			find(prog.Result)
			if m == nil {
				t.Fatal("no GraphMatch in the plan")
			}
			vars := func(fs []GraphNodeFilter) string {
				var out []string
				for _, f := range fs {
					out = append(out, itoa(f.Var))
				}
				return strings.Join(out, ",")
			}
			want := func(vs []int) string {
				var out []string
				for _, v := range vs {
					out = append(out, itoa(v))
				}
				return strings.Join(out, ",")
			}
			if got := vars(m.NodeFilters); got != want(tc.want) {
				t.Errorf("node filters on variables %q, want %q", got, want(tc.want))
			}
			if got := vars(m.EdgeFilters); got != want(tc.edges) {
				t.Errorf("edge filters on variables %q, want %q", got, want(tc.edges))
			}
		})
	}
}

// TestDeclarePattern checks a pattern call expands the case its arguments select, and the errors.
func TestDeclarePattern(t *testing.T) {
	const decl = `declare pattern P = (a:string, n:long) { ("x", 1) = { print v = 1 }; ("x", 2) = { let k = "two"; print w = k } };
`
	tests := []struct {
		name    string
		query   string
		schema  string
		wantErr string
	}{
		{"first case", decl + `P("x", 1)`, "v:long", ""},
		{"second case with a let", decl + `P("x", 2)`, "w:string", ""},
		{"argument converted to the parameter type", decl + `P("x", int(2))`, "w:string", ""},
		{"no case", decl + `P("y", 1)`, "", "no definition for these arguments"},
		{"argument count", decl + `P("x")`, "", "expects 2 arguments"},
		{"not constant", decl + `range i from 1 to 2 step 1 | extend z = toscalar(P(tostring(now()), 1))`, "", "must be constants"},
		{"path parameter", `declare pattern Q = (a:string)[p:string] { ("x").["y"] = { print 1 } }; print 1`, "", "path parameter"},
		{"case arity", `declare pattern Q = (a:string) { ("x", 2) = { print 1 } }; print 1`, "", "takes 1 argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, diags := check(t, tc.query)
			if tc.wantErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.wantErr) {
					t.Fatalf("errors %v, want one containing %q", diags, tc.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("check: %v", diags)
			}
			if got := schemaString(prog.Result.Schema()); got != tc.schema {
				t.Errorf("schema %q, want %q", got, tc.schema)
			}
		})
	}
}

// TestGraphShortestOnly checks when graph-shortest-paths may walk shortest paths only.
func TestGraphShortestOnly(t *testing.T) {
	const graph = `datatable(s:string, d:string, w:long)["a","b",1] | make-graph s --> d with_node_id=n `
	tests := []struct {
		name  string
		query string
		want  bool
	}{
		{"ends and edges", graph + `| graph-shortest-paths (x)-[e*1..5]->(y) where x.n == "a" and all(e, w > 0) project y.n`, true},
		{"no where", graph + `| graph-shortest-paths (x)-[e*1..5]->(y) project y.n`, true},
		{"path condition", graph + `| graph-shortest-paths (x)-[e*1..5]->(y) where any(e, w > 0) project y.n`, false},
		{"minimum above one", graph + `| graph-shortest-paths (x)-[e*2..5]->(y) project y.n`, false},
		{"cycle", graph + `| graph-shortest-paths (x)-[e*1..5]->(x) project x.n`, false},
		{"graph-match", graph + `| graph-match (x)-[e*1..5]->(y) project y.n`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prog, diags := check(t, tc.query)
			if diags.HasErrors() {
				t.Fatalf("check: %v", diags)
			}
			var m *GraphMatch
			var find func(Node)
			find = func(n Node) {
				if x, ok := n.(*GraphMatch); ok {
					m = x
				}
				for _, c := range Children(n) {
					find(c)
				}
			}
			find(prog.Result)
			if m == nil || m.ShortestOnly != tc.want {
				t.Errorf("ShortestOnly is not %v", tc.want)
			}
		})
	}
}
