package syntax

// moreNode prints nodes added beyond the first slice that are not operators.
func (pr *printer) moreNode(n Node) {
	switch n := n.(type) {
	case *TopNestedLevel:
		pr.topNestedLevel(n)
	case *ForkBranch:
		pr.forkBranch(n)
	case *ScanStep:
		pr.scanStep(n)
	default:
		if pr.graphNode(n) {
			return
		}
		pr.s("<unknown node>")
	}
}

func (pr *printer) topNestedLevel(l *TopNestedLevel) {
	pr.s("top-nested")
	if l.Count != nil {
		pr.s(" ")
		pr.node(l.Count)
	}
	pr.s(" of ")
	pr.node(l.Of)
	if l.Others != nil {
		pr.s(" with others = ")
		pr.expr(l.Others, precUnary)
	}
	if l.By != nil {
		pr.s(" by ")
		pr.node(l.By)
	}
}

func (pr *printer) forkBranch(b *ForkBranch) {
	if b.Name != nil {
		pr.s(quoteName(b.Name.Name), " = ")
	}
	pr.s("(")
	pr.node(b.Body)
	pr.s(")")
}

func (pr *printer) scanStep(st *ScanStep) {
	pr.s("step ", quoteName(st.Name.Name))
	if st.Output != "" {
		pr.s(" output=", st.Output)
	}
	pr.s(": ")
	pr.expr(st.Cond, precOr)
	if len(st.Assigns) > 0 {
		pr.s(" => ")
		for i, a := range st.Assigns {
			if i > 0 {
				pr.s(", ")
			}
			pr.s(scanTargetName(a.Names[0].Name), " = ")
			pr.expr(a.X, precOr)
		}
	}
	pr.s(";")
}

// scanTargetName prints a scan assignment target, which may be Step.Column.
func scanTargetName(name string) string {
	if isPlainDotted(name) {
		return name
	}
	return quoteName(name)
}

func isPlainDotted(name string) bool {
	if name == "" {
		return false
	}
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if !isPlainName(name[start:i]) || reservedNames[name[start:i]] {
				return false
			}
			start = i + 1
		}
	}
	return true
}

func (pr *printer) tables(ts []Expr) {
	if ts == nil {
		return
	}
	pr.s(" in (")
	for i, t := range ts {
		if i > 0 {
			pr.s(", ")
		}
		pr.tabularOperand(t)
	}
	pr.s(")")
}

// moreOperator prints operators added beyond the first slice.
func (pr *printer) moreOperator(op Operator) {
	switch o := op.(type) {
	case *ExternalDataOp:
		pr.s("externaldata(")
		pr.columnDecls(o.Columns)
		pr.s(")[")
		pr.exprList(o.URIs)
		pr.s("]")
		pr.withProps(o.Props)
	case *SerializeOp:
		pr.s("serialize")
		pr.params(o.Params)
		if len(o.Columns) > 0 {
			pr.s(" ")
			pr.exprList(o.Columns)
		}
	case *GetSchemaOp:
		pr.s("getschema")
		pr.params(o.Params)
	case *SampleOp:
		pr.s("sample")
		pr.params(o.Params)
		pr.s(" ")
		pr.expr(o.Count, precOr)
	case *SampleDistinctOp:
		pr.s("sample-distinct")
		pr.params(o.Params)
		pr.s(" ")
		pr.expr(o.Count, precOr)
		pr.s(" of ")
		pr.node(o.Of)
	case *TopNestedOp:
		for i, l := range o.Levels {
			if i > 0 {
				pr.s(", ")
			}
			pr.topNestedLevel(l)
		}
	case *TopHittersOp:
		pr.s("top-hitters ")
		pr.node(o.Count)
		pr.s(" of ")
		pr.node(o.Of)
		if o.By != nil {
			pr.s(" by ")
			pr.node(o.By)
		}
	case *MvApplyOp:
		pr.s("mv-apply")
		pr.params(o.Params)
		for i, c := range o.Items {
			if i > 0 {
				pr.s(",")
			}
			pr.s(" ")
			pr.node(c)
		}
		if o.Limit != nil {
			pr.s(" limit ")
			pr.expr(o.Limit, precOr)
		}
		pr.s(" on (")
		pr.node(o.Body)
		pr.s(")")
	case *ParseKvOp:
		pr.s("parse-kv ")
		pr.expr(o.Source, precOr)
		pr.s(" as (")
		pr.columnDecls(o.Keys)
		pr.s(")")
		pr.withProps(o.Props)
	case *ForkOp:
		pr.s("fork")
		for _, b := range o.Branches {
			pr.s(" ")
			pr.forkBranch(b)
		}
	case *FacetOp:
		pr.s("facet by ")
		pr.exprList(o.Columns)
		if o.With != nil {
			pr.s(" with (")
			pr.node(o.With)
			pr.s(")")
		}
	case *ReduceOp:
		pr.s("reduce")
		pr.params(o.Params)
		pr.s(" by ")
		pr.node(o.By)
		if len(o.With) > 0 {
			pr.s(" with ")
			for i, w := range o.With {
				if i > 0 {
					pr.s(", ")
				}
				pr.s(w.Names[0].Name, " = ")
				pr.expr(w.X, precOr)
			}
		}
	case *ScanOp:
		pr.s("scan")
		pr.params(o.Params)
		if len(o.OrderBy) > 0 {
			pr.s(" order by ")
			pr.sortKeys(o.OrderBy)
		}
		if len(o.PartitionBy) > 0 {
			pr.s(" partition by ")
			pr.exprList(o.PartitionBy)
		}
		if o.Declare != nil {
			pr.s(" declare (")
			pr.paramList(o.Declare)
			pr.s(")")
		}
		pr.s(" with (")
		for i, st := range o.Steps {
			if i > 0 {
				pr.s(" ")
			}
			pr.scanStep(st)
		}
		pr.s(")")
	case *SearchOp:
		pr.s("search")
		pr.params(o.Params)
		pr.tables(o.Tables)
		pr.s(" ")
		pr.expr(o.Pred, precOr)
	case *FindOp:
		pr.s("find")
		pr.params(o.Params)
		pr.tables(o.Tables)
		pr.s(" where ")
		pr.expr(o.Pred, precOr)
		if o.ProjectSmart {
			pr.s(" project-smart")
		} else if len(o.Project) > 0 {
			pr.s(" project ")
			pr.list(o.Project, ", ")
		}
	case *PartitionOp:
		pr.s("partition")
		pr.params(o.Params)
		pr.s(" by ")
		pr.expr(o.By, precPostfix)
		if o.Braces {
			pr.s(" { ")
			pr.node(o.Body)
			pr.s(" }")
		} else {
			pr.s(" (")
			pr.node(o.Body)
			pr.s(")")
		}
	case *ConsumeOp:
		pr.s("consume")
		pr.params(o.Params)
	case *AssertSchemaOp:
		pr.s("assert-schema (")
		pr.columnDecls(o.Columns)
		pr.s(")")
	default:
		if pr.graphNode(op) {
			return
		}
		pr.s("<unknown operator>")
	}
}
