package exec

import (
	"errors"
	"reflect"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
)

// TableScan is what one scan of a plan asks of its table.
type TableScan struct {
	Table   string
	Request catalog.ScanRequest
}

// errPlanOnly is the error of a subquery that ScanRequests would have to run.
var errPlanOnly = errors.New("a subquery's value is not computed while reading the plan")

// ScanRequests returns the request every scan of a table under root makes when the plan runs (the columns read
// above it, and what a chain of where clauses right over it asks, as Build asks them), in plan order, without
// running anything: a time bound that only a subquery can compute (toscalar) is left out, since computing it
// would read a table. A table read several times (let, join, union, subqueries) has a request per scan; a
// part of the plan that several operators read (a let used twice) counts once.
func ScanRequests(ctx *Context, root sema.Node) []TableScan {
	ctx.needed = neededColumns(root)
	ctx.planOnly = true
	defer func() { ctx.planOnly = false }()
	w := &scanWalk{ctx: ctx, seen: map[sema.Node]bool{}}
	w.walk(root)
	return w.out
}

// scanWalk collects the scan requests of a plan.
type scanWalk struct {
	ctx  *Context
	seen map[sema.Node]bool
	out  []TableScan
}

func (w *scanWalk) walk(n sema.Node) {
	if w.seen[n] {
		return
	}
	w.seen[n] = true
	switch x := n.(type) {
	case *sema.Scan:
		w.add(x, nil)
		return
	case *sema.Filter:
		// a chain of where over a scan runs as one pass, and its time bounds go to the scan (see buildFilter)
		chain, below := filterChain(x)
		if scan, ok := below.(*sema.Scan); ok {
			preds := make([]sema.Expr, len(chain))
			for i, f := range chain {
				preds[i] = f.Pred
			}
			w.add(scan, w.ctx.scanRequest(scan, preds, ""))
			for _, f := range chain {
				for _, in := range planInputs(f) {
					if in != f.In { // the plans of subqueries in the predicate
						w.walk(in)
					}
				}
			}
			return
		}
	}
	for _, in := range planInputs(n) {
		w.walk(in)
	}
}

// add records the request of scan (req: what a chain of where clauses over it asks).
func (w *scanWalk) add(scan *sema.Scan, req *catalog.ScanRequest) {
	w.out = append(w.out, TableScan{Table: scan.Table.Name(), Request: w.ctx.newScan(scan, req).req})
}

// filterChain returns the where clauses of the chain that starts at top, innermost first, and the node below
// the innermost one.
func filterChain(top *sema.Filter) ([]*sema.Filter, sema.Node) {
	var chain []*sema.Filter
	var below sema.Node = top
	for {
		f, ok := below.(*sema.Filter)
		if !ok {
			return chain, below
		}
		chain = append([]*sema.Filter{f}, chain...)
		below = f.In
	}
}

// planInputs returns the plan nodes n holds: its inputs, and the plans of the subqueries of its expressions
// (x in (T), toscalar(T), mv-apply's and partition's subqueries). They are found by reflection over the fields
// of n and of the sema values it holds, so that no kind of node or expression can be missed; values of other
// packages (tables, constants, types) hold no plan and are not looked into.
func planInputs(n sema.Node) []sema.Node {
	var out []sema.Node
	seen := map[uintptr]bool{}
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		if !mayHoldPlan(v.Type()) {
			return
		}
		switch v.Kind() {
		case reflect.Interface:
			if v.IsNil() {
				return
			}
			if in, ok := v.Interface().(sema.Node); ok {
				out = append(out, in)
				return
			}
			visit(v.Elem())
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			if in, ok := v.Interface().(sema.Node); ok {
				out = append(out, in)
				return
			}
			visit(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				visit(it.Key())
				visit(it.Value())
			}
		}
	}
	root := reflect.ValueOf(n)
	if root.Kind() != reflect.Pointer || root.IsNil() {
		return nil
	}
	seen[root.Pointer()] = true
	visit(root.Elem())
	return out
}

// semaPath is the import path of package sema, whose types are the only ones that hold plans.
var semaPath = reflect.TypeFor[sema.Filter]().PkgPath()

// mayHoldPlan reports whether a value of type t can hold a plan node: t is a type of package sema (a node, an
// expression, an interface of them, a struct they hold), or a pointer, slice, array or map of such types.
func mayHoldPlan(t reflect.Type) bool {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			t = t.Elem()
			continue
		case reflect.Map:
			return mayHoldPlan(t.Key()) || mayHoldPlan(t.Elem())
		case reflect.Interface, reflect.Struct:
			return t.PkgPath() == semaPath
		}
		return false
	}
}
