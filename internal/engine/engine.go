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
	// MaxMemory bounds, in bytes, what the query's blocking operators hold (summarize groups, make-series
	// cells, sort and join buffers, materialized and result rows); passing it fails the query with a located
	// error. 0: DefaultMaxMemory(); negative: no limit.
	MaxMemory int64
	// MaxRows, when positive, cuts the result to its first MaxRows rows and sets Result.Truncated.
	MaxRows int
	// AllowHTTP lets externaldata fetch http(s) URIs; without it they are refused with a message naming --allow-http.
	AllowHTTP bool
	// WatchlistDir is a folder of NAME.csv files that _GetWatchlist('NAME') reads ("" : no watchlists).
	WatchlistDir string
}

// catalog returns the tables a query sees: Options.Catalog, plus the watchlists of WatchlistDir.
func (o Options) catalog() catalog.Catalog {
	if o.WatchlistDir == "" {
		return o.Catalog
	}
	return &exec.WatchlistCatalog{Catalog: o.Catalog, Dir: o.WatchlistDir}
}

// Result is what a query returns.
type Result struct {
	Table *types.Table // the primary result; Table.Visualization is set when the query ends in render
	Plan  string       // the plan, when Options.Explain is set
	// Truncated is set when the result had more than Options.MaxRows rows and was cut to them.
	Truncated bool
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
		pctx := exec.NewContext(ctx, nowTicks)
		pctx.SetMemoryLimit(opts.memoryLimit())
		return exec.Run(pctx, n)
	}
	prog, diags := compile(src, opts.catalog(), sema.Options{Probe: probe, AllowHTTP: opts.AllowHTTP})
	if diags.HasErrors() {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("query stopped: %w", ctxErr) // a probe (bag_unpack's input) was cut short
		}
		return nil, diags
	}
	var plan string
	if opts.Explain {
		plan = exec.Explain(exec.NewContext(ctx, nowTicks), prog.Result, src.Text)
	}
	ectx := exec.NewContext(ctx, nowTicks)
	ectx.SetMemoryLimit(opts.memoryLimit())
	table, err := exec.Run(ectx, prog.Result)
	if err == nil {
		// a query cancelled or timed out has no result, even when its last operator finished anyway
		err = ctx.Err()
	}
	if err != nil {
		// once the query is cancelled or timed out, any error may be the cancellation seen from below
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("query stopped: %w", ctxErr)
		}
		var rt *exec.RuntimeError
		if errors.As(err, &rt) {
			l := &source.DiagnosticList{}
			l.Addf(src, rt.Span, "%s", rt.Msg)
			return nil, l
		}
		return nil, err
	}
	res = &Result{Table: table, Plan: plan}
	if opts.MaxRows > 0 && numRows(table) > opts.MaxRows {
		res.Table, res.Truncated = firstRows(table, opts.MaxRows), true
	}
	return res, nil
}

// numRows returns the row count of t.
func numRows(t *types.Table) int {
	for _, c := range t.Cols {
		if c != nil {
			return c.Len()
		}
	}
	return 0
}

// firstRows returns the first n rows of t, keeping its visualization.
func firstRows(t *types.Table, n int) *types.Table {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	out := *t
	out.Cols = make([]*types.Column, len(t.Cols))
	for i, c := range t.Cols {
		if c != nil {
			out.Cols[i] = c.Gather(idx)
		}
	}
	return &out
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
	prog, diags := compile(src, opts.catalog(), sema.Options{AllowHTTP: opts.AllowHTTP})
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
	_, diags = compile(src, cat, sema.Options{})
	return diags
}

// compile parses and checks src; diagnostics hold errors when the program is nil.
func compile(src *source.Source, cat catalog.Catalog, opts sema.Options) (*sema.Program, *source.DiagnosticList) {
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
	prog, sd := sema.CheckWith(q, src, cat, opts)
	for _, d := range sd.Items {
		diags.Add(d)
	}
	diags.Dropped += sd.Dropped
	if prog == nil && !diags.HasErrors() {
		diags.Addf(src, q.Span(), "the query has no result")
	}
	return prog, diags
}
