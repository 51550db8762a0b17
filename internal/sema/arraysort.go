package sema

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// array_sort_asc(a1, a2, ...) and array_sort_desc over several arrays return one column per array when they are
// a whole project, extend or print item: a1 sorted, and the others in the same order, named <argument>_sorted
// (array<i>_sorted for an argument without a name), as Kusto's language service types them (a tuple). Inside an
// expression the call stays the scalar kernel's array of the sorted arrays (array_sort_desc(a, b)[1]).

// arraySortTuples are the tuple forms of the array sorting functions, built from their scalar kernels.
var arraySortTuples = map[string]*kernel.MultiScalar{}

func init() {
	for _, name := range []string{"array_sort_asc", "array_sort_desc"} {
		scalar, ok := kernel.LookupScalar(name)
		if !ok {
			continue
		}
		arraySortTuples[name] = &kernel.MultiScalar{
			Name: name, MinArgs: scalar.MinArgs, MaxArgs: scalar.MaxArgs,
			Results: func(args []kernel.ArgInfo) ([]types.Type, []string, error) {
				if _, err := scalar.Result(args); err != nil {
					return nil, nil, err
				}
				n := sortedArrayCount(args)
				outs := make([]types.Type, n)
				suffixes := make([]string, n)
				for i := range outs {
					outs[i], suffixes[i] = types.Dynamic, "sorted"
				}
				return outs, suffixes, nil
			},
			Eval: func(ctx *kernel.Context, args []kernel.Arg, n int) ([]*types.Column, error) {
				sorted, err := scalar.Eval(ctx, args, n)
				if err != nil {
					return nil, err
				}
				infos := make([]kernel.ArgInfo, len(args))
				for i, a := range args {
					infos[i] = kernel.ArgInfo{Type: a.Col.Type}
				}
				return splitSortedArrays(sorted, sortedArrayCount(infos), n)
			},
		}
	}
}

// sortedArrayCount is the number of arrays a sorting call sorts: every argument but a trailing bool (nulls_last).
func sortedArrayCount(args []kernel.ArgInfo) int {
	if n := len(args); n > 1 && args[n-1].Type == types.Bool {
		return n - 1
	}
	return len(args)
}

// splitSortedArrays turns the kernel's per-row array of k sorted arrays into k columns (null where the row's
// arrays could not be sorted).
func splitSortedArrays(sorted *types.Column, k, n int) ([]*types.Column, error) {
	if k == 1 {
		return []*types.Column{sorted}, nil
	}
	if sorted.Type != types.Dynamic || len(sorted.Dyns) < n {
		return nil, fmt.Errorf("internal error: the array sort kernel returned %s", sorted.Type)
	}
	outs := make([]*types.Column, k)
	for i := range outs {
		outs[i] = &types.Column{Type: types.Dynamic, Dyns: make([]any, n)}
	}
	for r := 0; r < n; r++ {
		arrs, ok := sorted.Dyns[r].([]any)
		for i, out := range outs {
			if ok && len(arrs) == k && !sorted.IsNull(r) {
				out.Dyns[r] = arrs[i]
				continue
			}
			out.Dyns[r] = nil
			out.Nulls.Set(r)
		}
	}
	return outs, nil
}

// arraySortTuple returns the tuple form of an array sorting call that sorts several arrays, or nil. Only such
// calls are tuples here: a call over one array keeps its ordinary single column.
func arraySortTuple(name string, call *syntax.CallExpr) *kernel.MultiScalar {
	m, ok := arraySortTuples[name]
	if !ok {
		return nil
	}
	arrays := len(call.Args)
	if arrays > 1 && isBoolLiteral(call.Args[arrays-1]) {
		arrays--
	}
	if arrays < 2 {
		return nil
	}
	return m
}

func isBoolLiteral(x syntax.Expr) bool {
	lit, ok := x.(*syntax.Literal)
	return ok && lit.Value.Type == types.Bool
}

// sortedArrayNames names the outputs of a tuple array sort: <argument>_sorted, or array<i>_sorted.
func sortedArrayNames(argNames []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		if i < len(argNames) && argNames[i] != "" {
			out[i] = argNames[i] + "_sorted"
		} else {
			out[i] = "array" + itoa(i) + "_sorted"
		}
	}
	return out
}
