// Package engine is the facade over the query pipeline: parse, check, and run a KQL query against a catalog.
package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Options configure one query run.
type Options struct {
	Now     time.Time       // zero: the wall clock at query start. now()/ago() use one value for the whole query.
	Catalog catalog.Catalog // the tables a query can read (may be nil: only datatable/print/range/let work)
	// Explain makes Run put the plan text (as Explain returns it) in Result.Plan.
	Explain bool
}

// Result is what a query returns.
type Result struct {
	Table *types.Table // the primary result; Table.Visualization is set when the query ends in render
	Plan  string       // the plan, when Options.Explain is set
}

// Run parses, checks and executes a query. Errors located in the query are *source.DiagnosticList
// (syntax, semantic and runtime errors alike, each with its span).
func Run(ctx context.Context, src *source.Source, opts Options) (res *Result, err error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	nowTicks := types.TimeToTicks(now)
	// operators whose columns depend on the data (bag_unpack) run their input while being checked
	probe := func(n sema.Node) (*types.Table, error) {
		return exec.Run(exec.NewContext(ctx, nowTicks), n)
	}
	prog, diags := compile(src, opts.Catalog, probe)
	if diags.HasErrors() {
		return nil, diags
	}
	var plan string
	if opts.Explain {
		plan = exec.Explain(exec.NewContext(ctx, nowTicks), prog.Result, src.Text)
	}
	ectx := exec.NewContext(ctx, nowTicks)
	table, err := exec.Run(ectx, prog.Result)
	if err != nil {
		var rt *exec.RuntimeError
		if errors.As(err, &rt) {
			l := &source.DiagnosticList{}
			l.Addf(src, rt.Span, "%s", rt.Msg)
			return nil, l
		}
		return nil, err
	}
	return &Result{Table: table, Plan: plan}, nil
}

// Explain parses and checks a query and describes its plan without reading any table: one operator a line,
// indented under the operator that reads it, and for every scan the columns and time range pushed down to it.
func Explain(src *source.Source, opts Options) (plan string, err error) {
	defer func() {
		if r := recover(); r != nil {
			plan, err = "", fmt.Errorf("internal error while explaining: %v", r)
		}
	}()
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	prog, diags := compile(src, opts.Catalog, nil)
	if diags.HasErrors() {
		return "", diags
	}
	return exec.Explain(exec.NewContext(context.Background(), types.TimeToTicks(now)), prog.Result, src.Text), nil
}

// Check parses and checks without running (for `kqlhunt check`).
func Check(src *source.Source, cat catalog.Catalog) (diags *source.DiagnosticList) {
	defer func() {
		if r := recover(); r != nil {
			diags = &source.DiagnosticList{}
			diags.Addf(src, source.Span{}, "internal error while checking: %v", r)
		}
	}()
	_, diags = compile(src, cat, nil)
	return diags
}

// compile parses and checks src; diagnostics hold errors when the program is nil.
func compile(src *source.Source, cat catalog.Catalog, probe func(sema.Node) (*types.Table, error)) (*sema.Program, *source.DiagnosticList) {
	q, diags := syntax.Parse(src)
	if diags == nil {
		diags = &source.DiagnosticList{}
	}
	if diags.HasErrors() || q == nil {
		if !diags.HasErrors() {
			diags.Addf(src, source.Span{}, "the query could not be parsed")
		}
		return nil, diags
	}
	prog, sd := sema.CheckWith(q, src, cat, sema.Options{Probe: probe})
	for _, d := range sd.Items {
		diags.Add(d)
	}
	diags.Dropped += sd.Dropped
	if prog == nil && !diags.HasErrors() {
		diags.Addf(src, q.Span(), "the query has no result")
	}
	return prog, diags
}
