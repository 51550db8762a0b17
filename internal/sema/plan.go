package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Node is a bound tabular operator with its output schema.
type Node interface {
	Schema() []types.Field
	Span() source.Span
}

// schema carries a node's output fields and span.
type schema struct {
	Fields []types.Field
	Sp     source.Span
}

// Schema returns the output columns.
func (s *schema) Schema() []types.Field { return s.Fields }

// Span returns the query span of the operator.
func (s *schema) Span() source.Span { return s.Sp }

// Scan reads a catalog table.
type Scan struct {
	schema
	Table catalog.Table
}

// Datatable is an inline table; Rows hold constant expressions already converted to the column types.
type Datatable struct {
	schema
	Rows [][]Expr
}

// Print is a one-row table of constant expressions.
type Print struct {
	schema
	Exprs []Expr
}

// Range generates one column from From to To (inclusive) by Step.
type Range struct {
	schema
	From, To, Step Expr
}

// Filter keeps the rows where Pred is true.
type Filter struct {
	schema
	In   Node
	Pred Expr
}

// Project computes a new set of columns from each input row (project, extend, project-away/-rename/-reorder).
type Project struct {
	schema
	In    Node
	Exprs []Expr
}

// Summarize groups rows by By and folds Aggs per group. Its output is the group columns then every output of
// every aggregate, in order.
type Summarize struct {
	schema
	In   Node
	By   []Expr
	Aggs []*AggCall
}

// MakeSeries builds one row per group with a dynamic array per aggregate over a regular axis.
type MakeSeries struct {
	schema
	In       Node
	By       []Expr
	Aggs     []*AggCall
	Defaults []types.Value // per aggregate, already of the aggregate's type
	Axis     Expr
	From, To Expr // nil when absent (taken from the data)
	Step     Expr
	Nonempty bool
}

// Count returns one row with the number of input rows.
type Count struct {
	schema
	In Node
}

// Take keeps the first N rows.
type Take struct {
	schema
	In Node
	N  Expr
}

// SortKey is one ordering key.
type SortKey struct {
	X          Expr
	Asc        bool
	NullsFirst bool
}

// Sort orders all rows (stable).
type Sort struct {
	schema
	In   Node
	Keys []SortKey
}

// Top keeps the first N rows in the order of Keys.
type Top struct {
	schema
	In   Node
	N    Expr
	Keys []SortKey
}

// JoinKind is a join flavour as written after kind=.
type JoinKind string

// The join kinds Kusto supports.
const (
	JoinInnerUnique JoinKind = "innerunique"
	JoinInner       JoinKind = "inner"
	JoinLeftOuter   JoinKind = "leftouter"
	JoinRightOuter  JoinKind = "rightouter"
	JoinFullOuter   JoinKind = "fullouter"
	JoinLeftAnti    JoinKind = "leftanti"
	JoinRightAnti   JoinKind = "rightanti"
	JoinLeftSemi    JoinKind = "leftsemi"
	JoinRightSemi   JoinKind = "rightsemi"
)

// Join matches rows of Left and Right on equal keys. For the kinds that return both sides the output is
// every left column then every right column; semi and anti kinds return one side.
type Join struct {
	schema
	Left, Right         Node
	Kind                JoinKind
	LeftKeys, RightKeys []int
	// RightOut lists the right columns in the output (after all left columns) for the kinds returning both sides.
	RightOut []int
}

// Union concatenates inputs; Maps[i][c] is the column of input i feeding output column c, or -1 (null).
// When SourceColumn is set, output column 0 holds SourceNames[i] for rows of input i.
type Union struct {
	schema
	Inputs       []Node
	Maps         [][]int
	SourceColumn bool
	SourceNames  []string
}

// MvExpand expands the dynamic arrays (or bags) in Cols into one row per element, in parallel.
type MvExpand struct {
	schema
	In        Node
	Cols      []int
	To        []types.Type // per expanded column (dynamic when not cast)
	Limit     Expr         // nil when absent
	ItemIndex bool         // last output column is the item index
	BagArray  bool         // bagexpansion=array
}

// ParseField is one piece of a parse pattern: a literal to match, a skip (*), or an output column.
type ParseField struct {
	Literal string
	Star    bool
	Column  int // output column index, -1 for literals and stars
	Type    types.Type
}

// Parse extracts columns from a string expression with a simple or regex pattern.
type Parse struct {
	schema
	In       Node
	Source   Expr
	Parts    []ParseField
	Regex    bool
	Flags    string // kind=regex flags= (U ungreedy, i, m, s)
	Where    bool   // parse-where: drop rows that do not match
	Relaxed  bool   // kind=relaxed: a typed column that does not convert is null alone; the rest of the row stays
	NumInput int    // output columns [0, NumInput) are the input's; parsed columns follow or replace
	Outputs  []int
}

// Render passes rows through and attaches the visualization.
type Render struct {
	schema
	In  Node
	Vis *types.Visualization
}

// Materialize caches its input so that several uses run it once.
type Materialize struct {
	schema
	In Node
}

// GetSchema returns one row per input column describing it.
type GetSchema struct {
	schema
	In Node
}

// Children returns the direct tabular inputs of n.
func Children(n Node) []Node {
	switch x := n.(type) {
	case *Filter:
		return []Node{x.In}
	case *Project:
		return []Node{x.In}
	case *Summarize:
		return []Node{x.In}
	case *MakeSeries:
		return []Node{x.In}
	case *Count:
		return []Node{x.In}
	case *Take:
		return []Node{x.In}
	case *Sort:
		return []Node{x.In}
	case *Top:
		return []Node{x.In}
	case *Join:
		return []Node{x.Left, x.Right}
	case *Union:
		return x.Inputs
	case *MvExpand:
		return []Node{x.In}
	case *Parse:
		return []Node{x.In}
	case *Render:
		return []Node{x.In}
	case *Materialize:
		return []Node{x.In}
	case *GetSchema:
		return []Node{x.In}
	case *MvApply:
		return []Node{x.In}
	case *ParseKv:
		return []Node{x.In}
	case *BagUnpack:
		return []Node{x.In}
	case *Pivot:
		return []Node{x.In}
	case *TopNested:
		return []Node{x.In}
	case *Partition:
		return []Node{x.In}
	case *RowWindow:
		return []Node{x.In}
	case *ScanSteps:
		return []Node{x.In}
	case *IPLookup:
		return []Node{x.In, x.Lookup}
	case *GeoLookup:
		return []Node{x.In, x.Lookup}
	case *SlidingWindowCounts:
		return []Node{x.In}
	case *DcountIntersect:
		return []Node{x.In}
	case *Reduce:
		return []Node{x.In}
	case *RollingPercentile:
		return []Node{x.In}
	case *ActivityCountsMetrics:
		return []Node{x.In}
	case *RowsNear:
		return []Node{x.In}
	case *ActiveUsersCount:
		return []Node{x.In}
	}
	return graphChildren(n)
}

// MvApply expands arrays of each input row into a subtable (as mv-expand does), runs Sub over it, and returns
// the union of the results with the row's other columns added.
type MvApply struct {
	schema
	In        Node
	Exprs     []Expr       // the arrays to expand, over In's rows
	To        []types.Type // per array: the element type (dynamic when not cast)
	ItemIndex bool         // the subtable ends with a long item index column
	Limit     Expr         // nil when absent
	Keep      []int        // In columns passed to the subtable first (those not expanded)
	Input     *ApplyInput  // the subtable: Keep columns, the expanded columns, then the item index
	Sub       Node
	Extra     []int // Keep columns (indexes into In) put before Sub's columns in the output
}

// ApplyInput is the implicit input of a sub-pipeline (mv-apply's subtable); exec sets its rows.
type ApplyInput struct {
	schema
}

// ExternalData reads rows from files named by URIs (local paths or file:// URLs).
type ExternalData struct {
	schema
	URIs            []string
	Format          string // csv (default), tsv, txt, json/multijson
	IgnoreFirstLine bool
	AllowHTTP       bool // http(s) URIs are fetched (Options.AllowHTTP); otherwise they are refused
}

// ParseKv extracts the values of Keys from key/value text into new columns.
type ParseKv struct {
	schema
	In     Node
	Source Expr
	Keys   []types.Field
	// Delimiters as given in with (...); all empty means the delimiters are detected (`key: value, ...`).
	PairDelim, KvDelim string
	QuoteOpen          string // characters that open a quoted value; QuoteClose closes the one at the same index
	QuoteClose         string
	Escape             string
	Greedy             bool
}

// Values is a table already computed (the input of an operator whose schema depends on its data).
type Values struct {
	schema
	Table *types.Table
}

// BagUnpack turns the keys of the property bags in column Bag into columns (evaluate bag_unpack).
type BagUnpack struct {
	schema
	In   Node
	Bag  int      // the bag column of In, dropped from the output
	Keep []int    // In columns kept, in order
	Keys []string // the bag key of each added column (after Keep's columns)
}

// Pivot turns the distinct values of one column into columns holding an aggregate per group
// (evaluate pivot).
type Pivot struct {
	schema
	In       Node
	Group    []int    // In columns that group the rows (output first)
	PivotCol int      // the In column whose values become columns
	Values   []string // the pivot values (as text), one output column each, in output order
	Agg      *AggCall
	// Default fills a cell with no rows: 0 for count-like aggregates, null otherwise.
	Default types.Value
}

// TopNested is hierarchical top-N: each level groups the rows of its parent's value by Of, aggregates, and
// keeps the N best values (all when N is nil), optionally adding an Others row for the rest.
type TopNested struct {
	schema
	In     Node
	Levels []*NestedLevel
}

// NestedLevel is one top-nested clause; its output columns are the Of value then the aggregate.
type NestedLevel struct {
	N      Expr // nil: all values
	Of     Expr
	Others *types.Value
	Agg    *AggCall
	Asc    bool
}

// Partition runs Sub once per distinct value of column By over the rows with that value, and returns the
// union of the results (in order of first appearance of the values).
type Partition struct {
	schema
	In    Node
	By    int
	Input *ApplyInput
	Sub   Node
	// PerPartition: Sub (the { } form) reads the key through toscalar, so it is planned again per partition
	PerPartition bool
}
