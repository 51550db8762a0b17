package syntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

func TestInspectVisitsInSourceOrder(t *testing.T) {
	q := "let x = 1; T | where a > x | project b = c, d"
	tree, diags := Parse(source.New("", q))
	if diags.Err() != nil {
		t.Fatal(diags)
	}
	var idents []string
	Inspect(tree, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			idents = append(idents, id.Name)
		}
		return true
	})
	if got, want := strings.Join(idents, " "), "x T a x b c d"; got != want {
		t.Errorf("idents = %q, want %q", got, want)
	}
	// returning false prunes the subtree
	count := 0
	Inspect(tree, func(n Node) bool {
		count++
		_, isLet := n.(*LetStmt)
		return !isLet
	})
	all := 0
	Inspect(tree, func(Node) bool { all++; return true })
	if count >= all {
		t.Errorf("pruning visited %d of %d nodes", count, all)
	}
}

// checkSpans requires every node's span to lie inside the text and inside its parent's span.
func checkSpans(t *testing.T, name, q string, tree Node) {
	t.Helper()
	var walk func(n Node, parent source.Span, path string)
	walk = func(n Node, parent source.Span, path string) {
		sp := n.Span()
		here := fmt.Sprintf("%s/%T", path, n)
		if sp.Start < 0 || sp.End < sp.Start || int(sp.End) > len(q) {
			t.Errorf("%s: %s span %v outside the text (len %d)", name, here, sp, len(q))
			return
		}
		if sp.Start < parent.Start || sp.End > parent.End {
			t.Errorf("%s: %s span %v %q not inside its parent %v", name, here, sp, q[sp.Start:sp.End], parent)
			return
		}
		for _, c := range Children(n) {
			walk(c, sp, here)
		}
	}
	walk(tree, source.Span{Start: 0, End: source.Pos(len(q))}, "")
}

func TestSpansNestConformance(t *testing.T) {
	for _, dir := range []string{"core", "docs"} {
		for name, q := range conformanceQueries(t, dir) {
			tree, _ := Parse(source.New(name, q))
			checkSpans(t, name, q, tree)
		}
	}
}

func TestSpansNestCorpus(t *testing.T) {
	for _, q := range readCorpus(t) {
		tree, _ := Parse(source.New(q.ID, q.Query))
		checkSpans(t, q.ID, q.Query, tree)
	}
}

func TestUnparen(t *testing.T) {
	tree, diags := Parse(source.New("", "T | join ((U | take 1)) on k"))
	if diags.Err() != nil {
		t.Fatal(diags)
	}
	join := tree.Stmts[0].(*ExprStmt).X.(*PipeExpr).Op.(*JoinOp)
	inner, ok := Unparen(join.Right).(*PipeExpr)
	if !ok {
		t.Fatalf("Unparen gave %T, want *PipeExpr", Unparen(join.Right))
	}
	if got := Format(inner); got != "U\n| take 1" {
		t.Errorf("inner = %q", got)
	}
	if id := Unparen(&Ident{Name: "x"}); id.(*Ident).Name != "x" {
		t.Error("Unparen changed a bare name")
	}
}
