// Package sema binds the names of a parsed KQL query (columns, let bindings, functions, catalog tables),
// infers the type of every expression and the schema of every tabular operator, and reports Kusto-style
// errors with spans. Its output is a tree of typed expressions and plan nodes that internal/exec runs.
package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Expr is a bound, typed scalar expression.
type Expr interface {
	Type() types.Type
	Span() source.Span
}

// spanned carries the query span of a bound node.
type spanned struct{ Sp source.Span }

// Span returns the query span the node came from.
func (s spanned) Span() source.Span { return s.Sp }

// ColRef reads column Index of the operator's input.
type ColRef struct {
	spanned
	Index int
	Name  string
	T     types.Type
}

// Type returns the column's type.
func (e *ColRef) Type() types.Type { return e.T }

// Const is a constant value (a literal, or a folded constant).
type Const struct {
	spanned
	Val types.Value
}

// Type returns the constant's type.
func (e *Const) Type() types.Type { return e.Val.Type }

// Now is now() (and the basis of ago()): one value for the whole query.
type Now struct{ spanned }

// Type returns datetime.
func (e *Now) Type() types.Type { return types.DateTime }

// Unary is `-X` (Op "-") or `not(X)` (Op "not").
type Unary struct {
	spanned
	Op string
	X  Expr
	T  types.Type
}

// Type returns the result type.
func (e *Unary) Type() types.Type { return e.T }

// Binary is an arithmetic (+ - * / %), comparison (== != < <= > >=) or logical (and or) operator.
type Binary struct {
	spanned
	Op   string
	X, Y Expr
	T    types.Type
}

// Type returns the result type.
func (e *Binary) Type() types.Type { return e.T }

// Call is a scalar kernel call (functions and the string operators implemented as kernels).
type Call struct {
	spanned
	Name   string
	Kernel *kernel.Scalar
	Args   []Expr
	Infos  []kernel.ArgInfo
	T      types.Type
}

// Type returns the result type.
func (e *Call) Type() types.Type { return e.T }

// In is `X in (list)` and its variants. Items are scalars (a dynamic array item contributes its elements);
// Sub, when set, is a tabular subquery whose first column holds the values.
type In struct {
	spanned
	X               Expr
	Items           []Expr
	Sub             Node
	Negate          bool
	CaseInsensitive bool
}

// Type returns bool.
func (e *In) Type() types.Type { return types.Bool }

// Between is `X between (Lo .. Hi)`; a timespan Hi on a datetime X is relative to Lo.
type Between struct {
	spanned
	X, Lo, Hi Expr
	Not       bool
}

// Type returns bool.
func (e *Between) Type() types.Type { return types.Bool }

// Member is `X.Key` or `X["Key"]` on a dynamic value.
type Member struct {
	spanned
	X   Expr
	Key string
}

// Type returns dynamic.
func (e *Member) Type() types.Type { return types.Dynamic }

// Index is `X[I]` on a dynamic value with a computed index (a number for arrays, a string for bags).
type Index struct {
	spanned
	X, I Expr
}

// Type returns dynamic.
func (e *Index) Type() types.Type { return types.Dynamic }

// ScalarSub is toscalar(T): the first column of the first row of a tabular expression, computed once.
type ScalarSub struct {
	spanned
	Plan Node
	T    types.Type
}

// Type returns the type of the subquery's first column.
func (e *ScalarSub) Type() types.Type { return e.T }

// ColumnList is the first column of a tabular expression as a dynamic array, computed once
// (`x has_any (T | project c)`).
type ColumnList struct {
	spanned
	Plan Node
}

// Type returns dynamic.
func (e *ColumnList) Type() types.Type { return types.Dynamic }

// Cast converts X to T (used where Kusto converts implicitly, e.g. datatable values and int to long).
type Cast struct {
	spanned
	X Expr
	T types.Type
}

// Type returns the target type.
func (e *Cast) Type() types.Type { return e.T }

// AggCall is one aggregate of summarize or make-series.
type AggCall struct {
	Sp        source.Span
	Name      string
	Aggregate *kernel.Aggregate
	Args      []Expr
	Infos     []kernel.ArgInfo
	Out       []types.Type
}

// IsConstant reports whether e depends on no column (it can be computed once per query).
func IsConstant(e Expr) bool {
	switch x := e.(type) {
	case *ColRef:
		return false
	case *Const, *Now, *ScalarSub, *ColumnList:
		return true
	case *Unary:
		return IsConstant(x.X)
	case *Binary:
		return IsConstant(x.X) && IsConstant(x.Y)
	case *Call:
		for _, a := range x.Args {
			if !IsConstant(a) {
				return false
			}
		}
		return true
	case *In:
		if !IsConstant(x.X) {
			return false
		}
		for _, a := range x.Items {
			if !IsConstant(a) {
				return false
			}
		}
		return true
	case *Between:
		return IsConstant(x.X) && IsConstant(x.Lo) && IsConstant(x.Hi)
	case *Member:
		return IsConstant(x.X)
	case *Index:
		return IsConstant(x.X) && IsConstant(x.I)
	case *Cast:
		return IsConstant(x.X)
	}
	return false
}

// WalkExpr calls fn for e and every expression below it (not descending into subquery plans).
func WalkExpr(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *Unary:
		WalkExpr(x.X, fn)
	case *Binary:
		WalkExpr(x.X, fn)
		WalkExpr(x.Y, fn)
	case *Call:
		for _, a := range x.Args {
			WalkExpr(a, fn)
		}
	case *In:
		WalkExpr(x.X, fn)
		for _, a := range x.Items {
			WalkExpr(a, fn)
		}
	case *Between:
		WalkExpr(x.X, fn)
		WalkExpr(x.Lo, fn)
		WalkExpr(x.Hi, fn)
	case *Member:
		WalkExpr(x.X, fn)
	case *Index:
		WalkExpr(x.X, fn)
		WalkExpr(x.I, fn)
	case *Cast:
		WalkExpr(x.X, fn)
	}
}
