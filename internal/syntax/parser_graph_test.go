package syntax

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// TestParseGraphOperators checks the graph operators' parsed shape and their printed form.
func TestParseGraphOperators(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		printed string
	}{
		{"make-graph with nodes", "E | make-graph a --> b with N on name, (M | take 1) on id",
			"E | make-graph a --> b with N on name, (M | take 1) on id"},
		{"make-graph node id", "E | make-graph a -- b with_node_id=station", "E | make-graph a -- b with_node_id=station"},
		{"match variable edge", "G | graph-match cycles=none (a)-[e*1..3]->(b) where a.x == 1 project y = b.z",
			"G | graph-match cycles=none (a)-[e*1..3]->(b) where a.x == 1 project y = b.z"},
		{"match left and any edges", "G | graph-match (a)<-[e]-(b)-[f*2]-(c), (a)-->(d) project a.n",
			"G | graph-match (a)<-[e]-(b)-[f*2..2]-(c), (a)-[]->(d) project a.n"},
		{"anonymous nodes", "G | graph-match ()<--(b)--() project b.n", "G | graph-match ()<-[]-(b)-[]-() project b.n"},
		{"shortest paths", "G | graph-shortest-paths output=all (s)-[e*1..5]->(d) where s.x == 1 project d.x",
			"G | graph-shortest-paths output=all (s)-[e*1..5]->(d) where s.x == 1 project d.x"},
		{"to table", "G | graph-to-table edges with_source_id=S with_target_id=T",
			"G | graph-to-table edges with_source_id=S with_target_id=T"},
		{"mark components", "G | graph-mark-components kind=weak with_component_id=c | graph-to-table nodes",
			"G | graph-mark-components kind=weak with_component_id=c | graph-to-table nodes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, diags := Parse(source.New("q", tc.query))
			if err := diags.Err(); err != nil {
				t.Fatalf("parse: %v", err)
			}
			// the printer starts each pipe on a new line
			if got := strings.ReplaceAll(Format(q), "\n|", " |"); got != tc.printed {
				t.Errorf("printed %q, want %q", got, tc.printed)
			}
			checkRoundTrip(t, tc.name, tc.query)
		})
	}
}

// TestParseGraphPatternShape checks the pattern's nodes, edge directions and path lengths.
func TestParseGraphPatternShape(t *testing.T) {
	q, diags := Parse(source.New("q", "G | graph-match (a)-[e*2..4]->(b)<-[f]-(c)-[g]-(d)"))
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	var m *GraphMatchOp
	Inspect(q, func(n Node) bool {
		if x, ok := n.(*GraphMatchOp); ok {
			m = x
		}
		return true
	})
	if m == nil || len(m.Patterns) != 1 {
		t.Fatalf("no graph-match with one pattern in %s", Format(q))
	}
	pat := m.Patterns[0]
	if len(pat.Nodes) != 4 || len(pat.Edges) != 3 {
		t.Fatalf("got %d nodes and %d edges", len(pat.Nodes), len(pat.Edges))
	}
	want := []struct {
		name     string
		dir      GraphEdgeDirection
		variable bool
		min, max int64
	}{{"e", EdgeRight, true, 2, 4}, {"f", EdgeLeft, false, 1, 1}, {"g", EdgeAny, false, 1, 1}}
	for i, w := range want {
		e := pat.Edges[i]
		if e.Name.Name != w.name || e.Dir != w.dir || e.Variable != w.variable || e.Min != w.min || e.Max != w.max {
			t.Errorf("edge %d = %+v, want %+v", i, *e, w)
		}
	}
}

// TestParseGraphErrors checks malformed graph operators report errors with positions instead of panicking.
func TestParseGraphErrors(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"missing arrow", "E | make-graph a b", "'-->' or '--'"},
		{"empty range", "G | graph-match (a)-[e*3..1]->(b)", "is empty"},
		{"no edge", "G | graph-match (a) project a.x", "at least one edge"},
		{"bad length", "G | graph-match (a)-[e*x]->(b)", "path length"},
		{"unclosed node", "G | graph-match (a-[e]->(b)", "expected"},
		{"to table kind", "G | graph-to-table things", "'nodes' or 'edges'"},
		{"make-graph without columns", "| make-graph", "expected"},
		{"pattern path parameter without type", "declare pattern P = (a:string)[p] { (\"x\") = { print 1 } }; P(\"x\")", "expected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, diags := Parse(source.New("q", tc.query))
			_ = Format(q) // a partial tree prints without panicking
			err := diags.Err()
			if err == nil {
				t.Fatalf("no error for %q", tc.query)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "q:1:") {
				t.Errorf("error %q does not contain %q with a position", err, tc.want)
			}
		})
	}
}

// TestParsePatternDef checks a declared pattern's parameters and cases are parsed (the statement still
// prints from its text).
func TestParsePatternDef(t *testing.T) {
	q, diags := Parse(source.New("q", `declare pattern P = (a:string, b:long)[path:string] { ("x", 1).["p"] = { print v = 1 }; ("y", 2) = { let k = 2; print v = k } };
P("x", 1)`))
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	st, ok := q.Stmts[0].(*DeclarePatternStmt)
	if !ok || st.Def == nil {
		t.Fatalf("first statement is %T without a definition", q.Stmts[0])
	}
	d := st.Def
	if len(d.Params) != 2 || d.PathParam == nil || d.PathParam.Name.Name != "path" || len(d.Cases) != 2 {
		t.Fatalf("definition %s: %d params, %d cases", Format(d), len(d.Params), len(d.Cases))
	}
	if got := Format(d.Cases[0]); got != `("x", 1).["p"] = { print v = 1 }` {
		t.Errorf("first case prints %q", got)
	}
	if n := len(d.Cases[1].Body.Body); d.Cases[1].Path != nil || n != 2 {
		t.Errorf("second case: path %v, %d statements", d.Cases[1].Path, n)
	}
	for _, bad := range []string{"declare pattern P = (a:string) { (\"x\" = { print 1 } }; P(\"x\")", "declare pattern P = (a:string) { (\"x\") { print 1 } }; P(\"x\")"} {
		if _, diags := Parse(source.New("q", bad)); diags.Err() == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}
