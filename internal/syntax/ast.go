// Package syntax turns KQL text into an abstract syntax tree: tokens, lexer, parser, AST and printer.
package syntax

import (
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Node is any AST node; it knows its span in the query text.
type Node interface {
	Span() source.Span
}

// Expr is a scalar or tabular expression. KQL does not tell the two apart by syntax (a bare name may be a
// table, a let-bound table, or a column), so they share one interface; sema decides.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a query statement.
type Stmt interface {
	Node
	stmtNode()
}

// Operator is a tabular operator after a pipe (or one that starts a pipeline, such as print or union).
type Operator interface {
	Node
	operatorNode()
}

// Base carries the span of a node; embedded in every node.
type Base struct{ Sp source.Span }

// Span returns the node's byte range.
func (b Base) Span() source.Span { return b.Sp }

// Query is a whole query: statements separated by semicolons.
type Query struct {
	Base
	Stmts []Stmt
}

// ---- statements ----

// LetStmt binds a name: `let Name = Expr` or `let Name = (params) { body }`.
type LetStmt struct {
	Base
	Name  *Ident
	Value Expr // an expression, or a *FuncLit for a function
}

// ExprStmt is a tabular (or scalar) expression statement: the query's result.
type ExprStmt struct {
	Base
	X Expr
}

// SetStmt is `set name [= value]` (a request option).
type SetStmt struct {
	Base
	Name  *Ident
	Value Expr // nil when absent
}

// DeclareParamsStmt is `declare query_parameters(name:type [= default], ...)`.
type DeclareParamsStmt struct {
	Base
	Params []*Param
}

// AliasStmt is `alias database X = cluster(...).database(...)` (kept so such queries parse).
type AliasStmt struct {
	Base
	Name  *Ident
	Value Expr
}

func (*LetStmt) stmtNode()           {}
func (*ExprStmt) stmtNode()          {}
func (*SetStmt) stmtNode()           {}
func (*DeclareParamsStmt) stmtNode() {}
func (*AliasStmt) stmtNode()         {}

// ---- scalar expressions ----

// Ident is a name: a column, table, let binding or function. Quoted names (['a b'], ["x"]) are unquoted in Name.
// `$left` and `$right` are idents with those names.
type Ident struct {
	Base
	Name string
}

// Literal is a constant written in the query. Value holds the parsed value (typed nulls such as long(null)
// have Value.Null set). Raw is the original text, for printing.
type Literal struct {
	Base
	Value types.Value
	Raw   string
}

// BinaryExpr is `X Op Y` for arithmetic, comparison, logical and string operators. Op is the operator as
// written in lower case: + - * / % == != < <= > >= and or =~ !~ has !has has_cs !has_cs hasprefix
// !hasprefix hasprefix_cs !hasprefix_cs hassuffix !hassuffix hassuffix_cs !hassuffix_cs contains !contains
// contains_cs !contains_cs startswith !startswith startswith_cs !startswith_cs endswith !endswith endswith_cs
// !endswith_cs "matches regex" like notlike likecs notlikecs, and ":" (a search term, `Col : "x"`).
// Deprecated spellings are normalised by the parser: <> is !=, notcontains is !contains, containscs is
// contains_cs, notcontainscs is !contains_cs.
type BinaryExpr struct {
	Base
	Op    string
	OpPos source.Span
	X, Y  Expr
}

// UnaryExpr is `-X` or `+X`. (`not(x)` is a call.)
type UnaryExpr struct {
	Base
	Op string
	X  Expr
}

// InExpr is `X in (a, b, ...)`, also !in, in~, !in~, has_any, has_all, has_any_cs... with a list.
// The list may hold a single tabular expression (`X in (T | project c)`) or a dynamic array.
type InExpr struct {
	Base
	Op   string // in, !in, in~, !in~, has_any, has_all
	X    Expr
	List []Expr
}

// BetweenExpr is `X between (Lo .. Hi)` or `X !between (Lo .. Hi)`.
type BetweenExpr struct {
	Base
	X, Lo, Hi Expr
	Not       bool
}

// CallExpr is a function call `Fn(args)`. Fn is usually an *Ident; for `a.b(x)` style calls
// (`cluster('x').database('y')`) it may be a member expression.
type CallExpr struct {
	Base
	Fn   Expr
	Args []Expr
}

// MemberExpr is `X.Name` (property access on dynamic, or a dotted name such as `$left.col`).
type MemberExpr struct {
	Base
	X    Expr
	Name *Ident
}

// IndexExpr is `X[Index]` (array element or bag key).
type IndexExpr struct {
	Base
	X, Index Expr
}

// ParenExpr is `(X)`; kept so printing round-trips and spans stay accurate.
type ParenExpr struct {
	Base
	X Expr
}

// StarExpr is `*` where a column list may be written (count(*), project-away *, union *).
type StarExpr struct{ Base }

// WildcardName is a column name pattern with `*` (project-away Col*, union Device*).
type WildcardName struct {
	Base
	Pattern string
}

// TypeExpr names a type: the argument of typeof(...), or the type in a column declaration.
// For a tabular schema type `(*)` or `(a:long, ...)`, Columns is set and Star tells `*`. In a plugin schema
// `typeof(*, score:real)` the `*` is a TypeExpr with Name "*" and Star set, and `score:real` a *ColumnDecl.
type TypeExpr struct {
	Base
	Type    types.Type
	Name    string // as written
	Columns []*ColumnDecl
	Star    bool
	Tabular bool
}

// NamedExpr is `Name = X` (or `(A, B) = X` for functions returning several columns) in an argument list:
// project, extend, summarize, print, make-series, and named arguments to some calls.
type NamedExpr struct {
	Base
	Names []*Ident
	X     Expr
}

// FuncLit is a lambda `(params) { body }`; the body is statements ending in an expression statement.
type FuncLit struct {
	Base
	Params []*Param
	Body   []Stmt
}

// Param is a function or query parameter `name: type [= default]`.
type Param struct {
	Base
	Name    *Ident
	Type    *TypeExpr
	Default Expr // nil when absent
}

// ColumnDecl is `name: type` in datatable, parse patterns, externaldata and tabular parameter schemas.
type ColumnDecl struct {
	Base
	Name *Ident
	Type *TypeExpr
}

// PipeExpr is `Input | Op`. For an operator that starts a pipeline (print, range, datatable, union as a
// source, externaldata, find, search, evaluate), Input is nil.
type PipeExpr struct {
	Base
	Input Expr
	Op    Operator
}

// BadExpr stands where the parser could not read an expression; an error was reported for it.
type BadExpr struct{ Base }

func (*Ident) exprNode()        {}
func (*Literal) exprNode()      {}
func (*BinaryExpr) exprNode()   {}
func (*UnaryExpr) exprNode()    {}
func (*InExpr) exprNode()       {}
func (*BetweenExpr) exprNode()  {}
func (*CallExpr) exprNode()     {}
func (*MemberExpr) exprNode()   {}
func (*IndexExpr) exprNode()    {}
func (*ParenExpr) exprNode()    {}
func (*StarExpr) exprNode()     {}
func (*WildcardName) exprNode() {}
func (*TypeExpr) exprNode()     {}
func (*NamedExpr) exprNode()    {}
func (*FuncLit) exprNode()      {}
func (*PipeExpr) exprNode()     {}
func (*BadExpr) exprNode()      {}

// ---- tabular operators ----

// OpParam is an operator option written `name=value` before the operator's main arguments
// (kind=inner, hint.strategy=shuffle, withsource=T, isfuzzy=true, with_itemindex=i, bagexpansion=array).
type OpParam struct {
	Base
	Name  string
	Value Expr // an *Ident for bare words such as inner, a *Literal otherwise
}

// WhereOp is `where Pred` (also `filter`).
type WhereOp struct {
	Base
	Pred Expr
}

// ProjectOp is `project a, b = x, ...`.
type ProjectOp struct {
	Base
	Columns []Expr // *Ident, *NamedExpr or any expression (named by Kusto's rules)
}

// ExtendOp is `extend b = x, ...`.
type ExtendOp struct {
	Base
	Columns []Expr
}

// ProjectAwayOp is `project-away a, b*`.
type ProjectAwayOp struct {
	Base
	Columns []Expr // *Ident or *WildcardName
}

// ProjectKeepOp is `project-keep a, b*`.
type ProjectKeepOp struct {
	Base
	Columns []Expr
}

// ProjectRenameOp is `project-rename new = old, ...`.
type ProjectRenameOp struct {
	Base
	Renames []*NamedExpr // Names[0] is the new name, X the old column (*Ident)
}

// ProjectReorderOp is `project-reorder a, b* [asc|desc|granny-asc|granny-desc]`.
type ProjectReorderOp struct {
	Base
	Columns []Expr
	Order   []string // per column: "" or asc/desc/granny-asc/granny-desc
}

// SummarizeOp is `summarize [hints] aggs [by groups]`.
type SummarizeOp struct {
	Base
	Params []*OpParam
	Aggs   []Expr // aggregate calls, possibly named
	By     []Expr // group expressions, possibly named
}

// MakeSeriesAgg is one aggregation of make-series with its default.
type MakeSeriesAgg struct {
	Base
	Agg     Expr // an aggregate call, possibly a *NamedExpr
	Default Expr // nil when absent (default is 0 ... per type)
}

// MakeSeriesOp is `make-series [kind=nonempty] aggs on Axis [from F] [to T] step S [by groups]`,
// or the older `... on Axis in range(F, T, S) ...`.
type MakeSeriesOp struct {
	Base
	Params   []*OpParam
	Aggs     []*MakeSeriesAgg
	On       Expr
	From, To Expr // nil when absent
	Step     Expr
	By       []Expr
}

// CountOp is `count`, optionally `count as Name`.
type CountOp struct {
	Base
	As *Ident
}

// DistinctOp is `distinct a, b` or `distinct *`.
type DistinctOp struct {
	Base
	Params  []*OpParam
	Columns []Expr
}

// TakeOp is `take N` or `limit N`.
type TakeOp struct {
	Base
	Count Expr
}

// SortKey is one key of sort, top, top-nested: `Expr [asc|desc] [nulls first|last]`.
type SortKey struct {
	Base
	X          Expr
	Asc        bool  // written asc; default is desc
	NullsFirst *bool // nil when not written
}

// TopOp is `top N by keys`.
type TopOp struct {
	Base
	Count Expr
	By    []*SortKey
}

// SortOp is `sort by keys` (also `order by`).
type SortOp struct {
	Base
	Params []*OpParam
	Keys   []*SortKey
}

// JoinOp is `join [kind=K] [hints] (Right) on keys`. Right is usually a *ParenExpr around the right pipeline
// (or a bare name); On is empty only for the legacy `where` form or after a reported error. Each On entry is an *Ident (same name on both sides)
// or a BinaryExpr `$left.a == $right.b` (possibly combined with `and`).
type JoinOp struct {
	Base
	Params []*OpParam
	Right  Expr
	On     []Expr
}

// LookupOp is `lookup [kind=leftouter|inner] (Right) on keys`.
type LookupOp struct {
	Base
	Params []*OpParam
	Right  Expr
	On     []Expr
}

// UnionOp is `union [kind=inner|outer] [withsource=Col] [isfuzzy=true] T1, T2, ...`.
type UnionOp struct {
	Base
	Params []*OpParam
	Tables []Expr // tabular expressions, idents, or *WildcardName
}

// MvExpandOp is `mv-expand [bagexpansion=...] [with_itemindex=Name] Col [to typeof(T)], ... [limit N]`.
type MvExpandOp struct {
	Base
	Params  []*OpParam
	Columns []*MvExpandColumn
	Limit   Expr // nil when absent
}

// MvExpandColumn is one expanded expression, possibly named, possibly cast `to typeof(T)`.
type MvExpandColumn struct {
	Base
	X  Expr // *Ident, *NamedExpr or an expression
	To *TypeExpr
}

// ParseOp is `parse [kind=simple|regex|relaxed] [flags=...] Source with pattern`, also `parse-where`.
type ParseOp struct {
	Base
	Where   bool // parse-where: drop rows that do not match
	Params  []*OpParam
	Source  Expr
	Pattern []*ParsePart
}

// ParsePart is one piece of a parse pattern: a string literal, a `*`, or a column `name[:type]`.
type ParsePart struct {
	Base
	Literal *Literal // a string to match
	Star    bool
	Column  *ColumnDecl // Type may be nil (string)
}

// RenderOp is `render Chart [with (name = value, ...)]`.
type RenderOp struct {
	Base
	Chart *Ident
	Props []*NamedExpr // values are literals, idents, or lists of idents (ycolumns = a, b) as *CallExpr-free ListExpr
}

// ListExpr is a bare comma-separated list (render's `ycolumns = a, b`, a join's on-clause when grouped).
type ListExpr struct {
	Base
	Items []Expr
}

func (*ListExpr) exprNode() {}

// PrintOp is `print a = x, ...`.
type PrintOp struct {
	Base
	Columns []Expr
}

// DatatableOp is `datatable (a: long, ...) [v1, v2, ...]`.
type DatatableOp struct {
	Base
	Columns []*ColumnDecl
	Values  []Expr
}

// RangeOp is `range Col from A to B step S`.
type RangeOp struct {
	Base
	Column         *Ident
	From, To, Step Expr
}

// AsOp is `as [hint.materialized=true] Name`.
type AsOp struct {
	Base
	Params []*OpParam
	Name   *Ident
}

// InvokeOp is `invoke fn(args)`.
type InvokeOp struct {
	Base
	Call *CallExpr
}

// EvaluateOp is `evaluate [hints] plugin(args) [: (output schema)]`.
type EvaluateOp struct {
	Base
	Params []*OpParam
	Call   *CallExpr
	Schema *TypeExpr // the declared output schema `: (a:long, ...)` (Tabular; Star for `(*, ...)`); nil when absent
}

// GenericOp is an operator kqlhunt parses but models only as text plus its parsed parts
// (for operators not yet given a node of their own).
type GenericOp struct {
	Base
	Name string // e.g. "make-graph"
	Args []Expr // what could be parsed as expressions (nil when Text is set)
	Text string // the operator's arguments as written (tokens joined by single spaces), for operators whose
	// grammar kqlhunt does not model (graph patterns such as (a)-[e]->(b))
}

func (*WhereOp) operatorNode()          {}
func (*ProjectOp) operatorNode()        {}
func (*ExtendOp) operatorNode()         {}
func (*ProjectAwayOp) operatorNode()    {}
func (*ProjectKeepOp) operatorNode()    {}
func (*ProjectRenameOp) operatorNode()  {}
func (*ProjectReorderOp) operatorNode() {}
func (*SummarizeOp) operatorNode()      {}
func (*MakeSeriesOp) operatorNode()     {}
func (*CountOp) operatorNode()          {}
func (*DistinctOp) operatorNode()       {}
func (*TakeOp) operatorNode()           {}
func (*TopOp) operatorNode()            {}
func (*SortOp) operatorNode()           {}
func (*JoinOp) operatorNode()           {}
func (*LookupOp) operatorNode()         {}
func (*UnionOp) operatorNode()          {}
func (*MvExpandOp) operatorNode()       {}
func (*ParseOp) operatorNode()          {}
func (*RenderOp) operatorNode()         {}
func (*PrintOp) operatorNode()          {}
func (*DatatableOp) operatorNode()      {}
func (*RangeOp) operatorNode()          {}
func (*AsOp) operatorNode()             {}
func (*InvokeOp) operatorNode()         {}
func (*EvaluateOp) operatorNode()       {}
func (*GenericOp) operatorNode()        {}

// ---- nodes added by the front end for operators beyond the first slice ----

// DeclarePatternStmt is `declare pattern Name [= (params) { ... }]`: printed from Text, evaluated from Def.
type DeclarePatternStmt struct {
	Base
	Name *Ident
	Text string      // what follows the name, tokens joined by single spaces; "" when only declared
	Def  *PatternDef // the parsed definition; nil when only declared
}

func (*DeclarePatternStmt) stmtNode() {}

// ExternalDataOp is `externaldata (a:type, ...) [ "uri", ... ] [with (name = value, ...)]`.
type ExternalDataOp struct {
	Base
	Columns []*ColumnDecl
	URIs    []Expr       // string literals, usually one
	Props   []*NamedExpr // the with (...) properties: format="csv", ignoreFirstRecord=true
}

func (*ExternalDataOp) operatorNode() {}

// Sub-pipelines of mv-apply, fork, facet and partition start with an operator that has no input written:
// their innermost *PipeExpr has Input nil and means "the operator's implicit input" (the expanded rows, the
// forked table, the partition).

// SerializeOp is `serialize [Name = Expr, ...]`.
type SerializeOp struct {
	Base
	Params  []*OpParam
	Columns []Expr // possibly empty
}

// GetSchemaOp is `getschema [kind=csl]`.
type GetSchemaOp struct {
	Base
	Params []*OpParam
}

// SampleOp is `sample N`.
type SampleOp struct {
	Base
	Params []*OpParam
	Count  Expr
}

// SampleDistinctOp is `sample-distinct N of Column`.
type SampleDistinctOp struct {
	Base
	Params []*OpParam
	Count  Expr
	Of     Expr
}

// TopNestedOp is `top-nested [N] of Expr [with others = Literal] by Agg [asc|desc], top-nested ...`.
type TopNestedOp struct {
	Base
	Levels []*TopNestedLevel
}

// TopNestedLevel is one `top-nested` clause.
type TopNestedLevel struct {
	Base
	Count  Expr // nil: all values
	Of     Expr // the grouping expression, possibly a *NamedExpr
	Others Expr // the `with others = Literal` value; nil when absent
	By     *SortKey
}

// TopHittersOp is `top-hitters N of Expr [by Expr]`.
type TopHittersOp struct {
	Base
	Count Expr
	Of    Expr
	By    Expr // nil when absent
}

// MvApplyOp is `mv-apply [with_itemindex=I] Items [limit N] on (SubQuery)`.
type MvApplyOp struct {
	Base
	Params []*OpParam
	Items  []*MvExpandColumn
	Limit  Expr // nil when absent
	Body   Expr // the sub-pipeline inside the parentheses (see above)
}

// ParseKvOp is `parse-kv Source as (key:type, ...) [with (pair_delimiter=..., ...)]`.
type ParseKvOp struct {
	Base
	Source Expr
	Keys   []*ColumnDecl
	Props  []*NamedExpr
}

// ForkOp is `fork [name=](SubQuery) ...`.
type ForkOp struct {
	Base
	Branches []*ForkBranch
}

// ForkBranch is one branch of fork.
type ForkBranch struct {
	Base
	Name *Ident // nil when not named
	Body Expr   // the sub-pipeline inside the parentheses
}

// FacetOp is `facet by Col, ... [with (SubQuery)]` (or `with Operator`).
type FacetOp struct {
	Base
	Columns []Expr
	With    Expr // the sub-pipeline (with or without parentheses in the text); nil when absent
}

// ReduceOp is `reduce [kind=source] by Expr [with threshold=0.1, characters="..."]`.
type ReduceOp struct {
	Base
	Params []*OpParam
	By     Expr
	With   []*NamedExpr
}

// ScanOp is `scan [with_match_id=Id] [order by ...] [partition by ...] [declare (c:type [= default], ...)]
// with (step ...; ...)`.
type ScanOp struct {
	Base
	Params      []*OpParam
	OrderBy     []*SortKey
	PartitionBy []Expr
	Declare     []*Param
	Steps       []*ScanStep
}

// ScanStep is `step Name [output=all|last|none]: Condition [=> Col = Expr, ...];`.
type ScanStep struct {
	Base
	Name    *Ident
	Output  string // "" when not written
	Cond    Expr
	Assigns []*NamedExpr
}

// SearchOp is `search [kind=case_sensitive] [in (T, ...)] Predicate`.
type SearchOp struct {
	Base
	Params []*OpParam
	Tables []Expr // nil when no in clause
	Pred   Expr
}

// FindOp is `find [withsource=C] [in (T, ...)] where Predicate [project Col, ... | project-smart]`.
type FindOp struct {
	Base
	Params       []*OpParam
	Tables       []Expr
	Pred         Expr
	Project      []Expr // *Ident, *ColumnDecl (`Col:type`), *StarExpr, or a pack(*) call
	ProjectSmart bool
}

// PartitionOp is `partition [hints] by Col (SubQuery)` or `partition by Col { Query }`.
type PartitionOp struct {
	Base
	Params []*OpParam
	By     Expr
	Body   Expr // the sub-pipeline in parentheses, or the query in braces
	Braces bool // the body was written in braces: a full query rather than a sub-pipeline
}

// ConsumeOp is `consume [decodeblocks=true]`.
type ConsumeOp struct {
	Base
	Params []*OpParam
}

// AssertSchemaOp is `assert-schema (a:type, ...)`.
type AssertSchemaOp struct {
	Base
	Columns []*ColumnDecl
}

// ColumnDecl is also an expression where a typed column stands in a list (find ... project Col:string).
func (*ColumnDecl) exprNode() {}

func (*SerializeOp) operatorNode()      {}
func (*GetSchemaOp) operatorNode()      {}
func (*SampleOp) operatorNode()         {}
func (*SampleDistinctOp) operatorNode() {}
func (*TopNestedOp) operatorNode()      {}
func (*TopHittersOp) operatorNode()     {}
func (*MvApplyOp) operatorNode()        {}
func (*ParseKvOp) operatorNode()        {}
func (*ForkOp) operatorNode()           {}
func (*FacetOp) operatorNode()          {}
func (*ReduceOp) operatorNode()         {}
func (*ScanOp) operatorNode()           {}
func (*SearchOp) operatorNode()         {}
func (*FindOp) operatorNode()           {}
func (*PartitionOp) operatorNode()      {}
func (*ConsumeOp) operatorNode()        {}
func (*AssertSchemaOp) operatorNode()   {}
