package exec

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// cycleEdges is a directed cycle a→b→c→a with a tail c→d; w numbers the edges.
const cycleEdges = `let E = datatable(s:string, d:string, w:long) ["a","b",1, "b","c",2, "c","a",3, "c","d",4];
E | make-graph s --> d with_node_id=n `

// TestGraphOperators runs graph queries and checks their rows (order as produced: matches in node order,
// then depth-first along the edges in input order).
func TestGraphOperators(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"variable length edge", cycleEdges + `| graph-match (x)-[e*1..2]->(y) where x.n == "a" project y.n, p = map(e, w)`,
			[]string{`b|[1]`, `c|[1,2]`}},
		{"unique edges closes the cycle once", cycleEdges + `| graph-match (x)-[e*1..6]->(x) where x.n == "a" project p = map(e, w)`,
			[]string{`[1,2,3]`}},
		{"cycles all walks it twice", cycleEdges + `| graph-match cycles=all (x)-[e*1..6]->(x) where x.n == "a" project p = map(e, w)`,
			[]string{`[1,2,3]`, `[1,2,3,1,2,3]`}},
		{"cycles unique_edges reaches the start again", cycleEdges + `| graph-match (x)-[e*1..6]->(y) where x.n == "a" project y.n`,
			[]string{"b", "c", "a", "d"}},
		{"cycles none visits no node twice", cycleEdges + `| graph-match cycles=none (x)-[e*1..6]->(y) where x.n == "a" project y.n`,
			[]string{"b", "c", "d"}},
		{"all over a path", cycleEdges + `| graph-match (x)-[e*1..3]->(y) where x.n == "a" and all(e, w < 3) project y.n`,
			[]string{"b", "c"}},
		{"any over a path", cycleEdges + `| graph-match (x)-[e*1..3]->(y) where x.n == "a" and any(e, w == 4) project y.n`,
			[]string{"d"}},
		{"inner nodes", cycleEdges + `| graph-match (x)-[e*1..3]->(y) where x.n == "a" project y.n, m = map(inner_nodes(e), n)`,
			[]string{`b|[]`, `c|["b"]`, `a|["b","c"]`, `d|["b","c"]`}},
		{"inner node degrees", cycleEdges + `| graph-match (x)-[e*2]->(y) where x.n == "b" project y.n, m = map(inner_nodes(e), node_degree_out())`,
			[]string{`a|[2]`, `d|[2]`}},
		{"node degrees and ids", cycleEdges + `| graph-match (x)-->(y) where x.n == "c" project node_id(x), node_degree_out(x), node_degree_in(y), y.n`,
			[]string{"c|2|1|a", "c|2|1|d"}},
		{"left edge", cycleEdges + `| graph-match (x)<-[e]-(y) where x.n == "a" project y.n, e.w`,
			[]string{"c|3"}},
		{"any direction edge", cycleEdges + `| graph-match (x)-[e]-(y) where x.n == "c" project y.n, e.w`,
			[]string{"a|3", "d|4", "b|2"}},
		{"variable edge property is an array", cycleEdges + `| graph-match (x)-[e*2]->(y) where x.n == "a" project e.w`,
			[]string{"[1,2]"}},
		{"two patterns share a node", cycleEdges + `| graph-match (x)-->(y), (y)-[f]->(z) where x.n == "b" project y.n, z.n, f.w`,
			[]string{"c|a|3", "c|d|4"}},
		{"undirected graph", `datatable(s:string, d:string)["a","b", "b","c"] | make-graph s -- d with_node_id=n
			| graph-match (x)-->(y) where x.n == "b" project y.n`, []string{"c", "a"}},
		{"nodes table with missing nodes", `let N = datatable(n:string, age:long)["a",30, "z",1];
			datatable(s:string, d:string)["a","b"] | make-graph s --> d with N on n | graph-to-table nodes`,
			[]string{"a|30", "z|1", "b|"}},
		{"two nodes tables merge a node's properties", `let N1 = datatable(n:string, age:long)["a",30, "b",long(null)];
			let N2 = datatable(id:string, role:string, age:long)["b","admin",40, "a","user",31];
			datatable(s:string, d:string)["a","b"] | make-graph s --> d with N1 on n, N2 on id | graph-to-table nodes`,
			[]string{"a|30|a|user", "b|40|b|admin"}},
		{"edges table with ids", cycleEdges + `| graph-to-table edges with_source_id=S with_target_id=T`,
			[]string{"0|1|a|b|1", "1|2|b|c|2", "2|0|c|a|3", "2|3|c|d|4"}},
		{"shortest path", `datatable(s:string, d:string, w:long)["a","b",1, "b","c",2, "c","d",3, "a","d",9]
			| make-graph s --> d with_node_id=n
			| graph-shortest-paths (x)-[e*1..5]->(y) where x.n == "a" and y.n in ("c", "d") project y.n, p = map(e, w)`,
			[]string{"c|[1,2]", "d|[9]"}},
		{"shortest paths output any and all", `let E = datatable(s:string, d:string, w:long)["a","b",1, "a","c",2, "b","d",3, "c","d",4];
			union (E | make-graph s --> d with_node_id=n | graph-shortest-paths (x)-[e*1..5]->(y) where x.n == "a" and y.n == "d" project k = "any", p = map(e, w)),
			(E | make-graph s --> d with_node_id=n | graph-shortest-paths output=all (x)-[e*1..5]->(y) where x.n == "a" and y.n == "d" project k = "all", p = map(e, w))
			| order by k desc, tostring(p) asc`,
			[]string{"any|[1,3]", "all|[1,3]", "all|[2,4]"}},
		{"shortest path longer than the distance", `datatable(s:string, d:string, w:long)["a","b",1, "b","c",2, "c","d",3, "a","d",9]
			| make-graph s --> d with_node_id=n
			| graph-shortest-paths (x)-[e*2..5]->(y) where x.n == "a" and y.n == "d" project p = map(e, w)`,
			[]string{"[1,2,3]"}},
		{"shortest cycle", cycleEdges + `| graph-shortest-paths (x)-[e*1..5]->(x) where x.n == "b" project p = map(e, w)`,
			[]string{"[2,3,1]"}},
		{"shortest path with a path condition", `datatable(s:string, d:string, w:long)["a","b",1, "b","c",2, "c","d",3, "a","d",9]
			| make-graph s --> d with_node_id=n
			| graph-shortest-paths (x)-[e*1..5]->(y) where x.n == "a" and y.n == "d" and any(e, w == 2) project p = map(e, w)`,
			[]string{"[1,2,3]"}},
		{"weak components", `datatable(s:string, d:string)["a","b", "c","d", "d","c"] | make-graph s --> d with_node_id=n
			| graph-mark-components | graph-to-table nodes`, []string{"a|0", "b|0", "c|1", "d|1"}},
		{"strong components", `datatable(s:string, d:string)["a","b", "c","d", "d","c"] | make-graph s --> d with_node_id=n
			| graph-mark-components kind=strong with_component_id=k | graph-match (x)-->(y) project x.n, x.k, y.k`,
			[]string{"a|0|1", "c|2|2", "d|2|2"}},
		{"where on a node degree", cycleEdges + `| graph-match (x)-->(y) where node_degree_out(x) == 2 and y.n != "b" project x.n, y.n`,
			[]string{"c|a", "c|d"}},
		{"let name shadowed by a node property", `let n = "b";` + cycleEdges + `| graph-match (x)-->(y) where x.n == n project y.n`,
			[]string{"c"}},
		{"let scalar in a node filter", `let start = "c";` + cycleEdges + `| graph-match (x)-->(y) where x.n == start and strlen(y.n) == 1 project y.n`,
			[]string{"a", "d"}},
		{"where on a single edge", cycleEdges + `| graph-match (x)-[e]->(y)-[f]->(z) where e.w == 3 and f.w != 2 project x.n, y.n, z.n`,
			[]string{"c|a|b"}},
		{"all over a path prunes the walk", cycleEdges + `| graph-match cycles=all (x)-[e*1..4]->(y) where x.n == "b" and all(e, w != 3) project y.n, p = map(e, w)`,
			[]string{"c|[2]", "d|[2,4]"}},
		{"no match", cycleEdges + `| graph-match (x)-->(y) where x.n == "zz" project y.n`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runQuery(t, tc.query, nil, sema.Options{})
			if err != nil {
				t.Fatalf("query failed: %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestGraphErrors checks misuse of graphs is reported (by the checker, or at run time for a graph result).
func TestGraphErrors(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"graph-match over a table", `datatable(s:string)["a"] | graph-match (a)-->(b) project a.x`, "needs a graph"},
		{"table operator over a graph", cycleEdges + `| where s == "a"`, "input of this operator is a graph"},
		{"unknown property", cycleEdges + `| graph-match (x)-->(y) project x.zz`, "'zz' is not a property of the node variable 'x'"},
		{"missing project", cycleEdges + `| graph-match (x)-->(y) where x.n == "a"`, "needs a project clause"},
		{"bare variable", cycleEdges + `| graph-match (x)-->(y) project x`, "must be used with a property"},
		{"inner_nodes alone", cycleEdges + `| graph-match (x)-[e*1..2]->(y) project inner_nodes(e)`, "only allowed as the first argument"},
		{"edge variable twice", cycleEdges + `| graph-match (x)-[e]->(y)-[e]->(z) project x.n`, "used twice"},
		{"unknown edge column", `datatable(s:string)["a"] | make-graph s --> t with_node_id=n | graph-to-table nodes`, "no column 't'"},
		{"graph as the result", cycleEdges, "a graph is not a table"},
		{"predicate not bool", cycleEdges + `| graph-match (x)-[e*1..2]->(y) where all(e, w) project x.n`, "must be a bool"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runQuery(t, tc.query, nil, sema.Options{})
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}
