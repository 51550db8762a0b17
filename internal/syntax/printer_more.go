package syntax

// moreNode prints nodes added beyond the first slice that are not operators.
func (pr *printer) moreNode(n Node) {
	pr.s("<unknown node>")
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
	default:
		pr.s("<unknown operator>")
	}
}
