package sema

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// multiOutputs is a bound call of a multi-output scalar function (series_stats, series_fit_line,
// series_decompose*): one expression per output, with Kusto's name suffix for each.
type multiOutputs struct {
	exprs    []Expr
	suffixes []string
	argName  string   // the column name of the first argument, for generated names ("" when not a column)
	argNames []string // the column names of every argument (array_sort names each output after its own)
	fn       string
}

// multiCallOf returns the multi-output function a call names, unless a let-bound function shadows it.
func (c *checker) multiCallOf(e env, x syntax.Expr) (*syntax.CallExpr, *kernel.MultiScalar) {
	for {
		p, ok := x.(*syntax.ParenExpr)
		if !ok {
			break
		}
		x = p.X
	}
	call, ok := x.(*syntax.CallExpr)
	if !ok {
		return nil, nil
	}
	id, ok := call.Fn.(*syntax.Ident)
	if !ok {
		return nil, nil
	}
	if b := e.sc.lookup(id.Name); b != nil && b.kind == bindFunction {
		return nil, nil
	}
	m, ok := kernel.LookupMultiScalar(id.Name)
	if !ok {
		if m := arraySortTuple(id.Name, call); m != nil {
			return call, m
		}
		return nil, nil
	}
	return call, m
}

// multiCall binds the arguments of a multi-output call and returns its outputs. Each output is an ordinary
// kernel call whose kernel evaluates the function and keeps one output, so the expression compiler needs
// nothing new (the price: the function runs once per output that the query keeps).
func (c *checker) multiCall(e env, call *syntax.CallExpr, m *kernel.MultiScalar) *multiOutputs {
	args := make([]Expr, len(call.Args))
	ok := true
	for i, a := range call.Args {
		args[i] = c.scalar(e, a)
		if args[i] == nil {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	if err := kernel.CheckArity(m.Name, m.MinArgs, m.MaxArgs, len(args)); err != nil {
		c.errorf(callSpan(call), "%s", err.Error())
		return nil
	}
	infos := argInfos(args, call.Args)
	outs, suffixes, err := m.Results(infos)
	if err != nil {
		at := callSpan(call)
		if ae, ok := err.(*kernel.ArgError); ok && ae.Index >= 0 && ae.Index < len(args) {
			at = args[ae.Index].Span()
		}
		c.errorf(at, "%s", err.Error())
		return nil
	}
	if len(outs) == 0 || len(outs) != len(suffixes) {
		c.errorf(callSpan(call), "internal error: %s describes its outputs inconsistently", m.Name)
		return nil
	}
	mo := &multiOutputs{fn: m.Name, suffixes: suffixes}
	if len(call.Args) > 0 {
		mo.argName = derivedName(call.Args[0])
	}
	for _, a := range call.Args {
		mo.argNames = append(mo.argNames, derivedName(a))
	}
	for i, t := range outs {
		mo.exprs = append(mo.exprs, &Call{spanned{callSpan(call)}, m.Name, outputKernel(m, i, len(outs)), args, infos, t})
	}
	return mo
}

// outputKernel is a scalar kernel computing output i of m.
func outputKernel(m *kernel.MultiScalar, i, count int) *kernel.Scalar {
	return &kernel.Scalar{
		Name: m.Name, MinArgs: m.MinArgs, MaxArgs: m.MaxArgs,
		Eval: func(ctx *kernel.Context, args []kernel.Arg, n int) (*types.Column, error) {
			cols, err := m.Eval(ctx, args, n)
			if err != nil {
				return nil, err
			}
			if len(cols) != count {
				return nil, fmt.Errorf("internal error: %s returned %d outputs, want %d", m.Name, len(cols), count)
			}
			return cols[i], nil
		},
	}
}

// names returns the output column names: the tuple's names when given (`(a, b) = f(x)`; fewer names than
// outputs keep the first outputs only, so `extend anomalies = series_decompose_anomalies(y)` is the flags),
// otherwise Kusto's generated names <function>_<argument column>_<suffix> (series_fit_line_y_rsquare).
func (mo *multiOutputs) names(given []*syntax.Ident) []string {
	if len(given) > 0 {
		out := make([]string, 0, len(given))
		for _, g := range given {
			out = append(out, g.Name)
		}
		return out
	}
	if _, isSort := arraySortTuples[mo.fn]; isSort {
		return sortedArrayNames(mo.argNames, len(mo.exprs))
	}
	out := make([]string, len(mo.exprs))
	for i := range mo.exprs {
		if mo.argName != "" {
			out[i] = mo.fn + "_" + mo.argName + "_" + mo.suffixes[i]
		} else {
			out[i] = mo.fn + "_" + mo.suffixes[i]
		}
	}
	return out
}
