// String methods for every node type of ast.go; TestEveryNodeHasString keeps the list complete.

package syntax

// String prints the node as KQL source (see Format).
func (n *Query) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *LetStmt) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ExprStmt) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SetStmt) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *DeclareParamsStmt) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *AliasStmt) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *Ident) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *Literal) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *BinaryExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *UnaryExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *InExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *BetweenExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *CallExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *MemberExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *IndexExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ParenExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *StarExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *WildcardName) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *TypeExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *NamedExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *FuncLit) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *Param) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ColumnDecl) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *PipeExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *BadExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *OpParam) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *WhereOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ProjectOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ExtendOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ProjectAwayOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ProjectKeepOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ProjectRenameOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ProjectReorderOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SummarizeOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *MakeSeriesAgg) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *MakeSeriesOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *CountOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *DistinctOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *TakeOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SortKey) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *TopOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SortOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *JoinOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *LookupOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *UnionOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *MvExpandOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *MvExpandColumn) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ParseOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ParsePart) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *RenderOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ListExpr) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *PrintOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *DatatableOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *RangeOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *AsOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *InvokeOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *EvaluateOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *GenericOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *DeclarePatternStmt) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ExternalDataOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SerializeOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *GetSchemaOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SampleOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SampleDistinctOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *TopNestedOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *TopNestedLevel) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *TopHittersOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *MvApplyOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ParseKvOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ForkOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ForkBranch) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *FacetOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ReduceOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ScanOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ScanStep) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *SearchOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *FindOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *PartitionOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *ConsumeOp) String() string { return Format(n) }

// String prints the node as KQL source (see Format).
func (n *AssertSchemaOp) String() string { return Format(n) }
