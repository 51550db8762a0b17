package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ScanSteps is the scan operator: it matches the serialized input against steps, each with a condition over
// the current record and the state of the earlier steps, and outputs the matching records extended with the
// declared columns (and the match id).
//
// Step expressions read a wide row: the current record (the input columns, then the declared columns), then
// for every step j the same columns as step j's record in the state (`s_j.col`); Width is the record width.
type ScanSteps struct {
	schema
	In       Node
	Width    int           // input columns + declared columns
	Defaults []types.Value // per declared column: its value when not assigned
	Steps    []*ScanStep
	MatchID  bool // the output ends with a long match id column
}

// ScanStep is one bound step.
type ScanStep struct {
	Name    string
	Output  string // all (default), last or none
	Cond    Expr
	Assigns []ScanAssign
}

// ScanAssign sets a declared column (Col indexes the record) when its step matches.
type ScanAssign struct {
	Col int
	X   Expr
}

// scanOp binds `scan [with_match_id=C] [declare (...)] with (step ...)`.
func (c *checker) scanOp(e env, in Node, o *syntax.ScanOp) Node {
	sp := o.Span()
	if len(o.OrderBy) > 0 || len(o.PartitionBy) > 0 {
		c.errorf(sp, "scan: order by and partition by are not supported; sort (or partition) the input before scan")
		return nil
	}
	matchID := ""
	for _, p := range o.Params {
		if strings.EqualFold(p.Name, "with_match_id") {
			if id, ok := p.Value.(*syntax.Ident); ok {
				matchID = id.Name
			} else {
				c.errorf(p.Span(), "scan: with_match_id expects a column name")
				return nil
			}
		}
	}
	record := append([]types.Field(nil), in.Schema()...)
	var defaults []types.Value
	for _, d := range o.Declare {
		if d.Type == nil {
			c.errorf(d.Span(), "scan: the declared column '%s' needs a type", d.Name.Name)
			return nil
		}
		if fieldIndex(record, d.Name.Name) >= 0 {
			c.errorf(d.Name.Span(), "scan: the column '%s' is already defined", d.Name.Name)
			return nil
		}
		t := d.Type.Type
		def := types.NullOf(t)
		if d.Default != nil {
			x := c.scalar(env{sc: e.sc}, d.Default)
			if x == nil {
				return nil
			}
			k, ok := c.convert(x, t).(*Const)
			if !ok {
				c.errorf(d.Default.Span(), "scan: the default of '%s' must be a constant of type %s", d.Name.Name, t)
				return nil
			}
			def = k.Val
		}
		record = append(record, types.Field{Name: d.Name.Name, Type: t})
		defaults = append(defaults, def)
	}
	width := len(record)
	wide := append([]types.Field(nil), record...)
	steps := map[string]int{}
	for j, st := range o.Steps {
		if _, dup := steps[st.Name.Name]; dup {
			c.errorf(st.Name.Span(), "scan: the step name '%s' is used twice", st.Name.Name)
			return nil
		}
		steps[st.Name.Name] = width * (1 + j)
		for _, f := range record {
			wide = append(wide, types.Field{Name: "$" + st.Name.Name + "." + f.Name, Type: f.Type})
		}
	}
	se := env{sc: e.sc, row: wide, open: e.open, scanSteps: steps, scanWidth: width, scanRecord: record}
	node := &ScanSteps{In: in, Width: width, Defaults: defaults, MatchID: matchID != ""}
	for _, st := range o.Steps {
		step := &ScanStep{Name: st.Name.Name, Output: strings.ToLower(st.Output)}
		switch step.Output {
		case "":
			step.Output = "all"
		case "all", "last", "none":
		default:
			c.errorf(st.Span(), "scan: output must be all, last or none")
			return nil
		}
		cond := c.scalar(se, st.Cond)
		if cond == nil {
			return nil
		}
		if t := cond.Type(); t != types.Bool && t != types.Dynamic {
			c.errorf(st.Cond.Span(), "scan: the condition of step '%s' must be a bool, but it is of type %s", st.Name.Name, t)
			return nil
		}
		step.Cond = cond
		for _, a := range st.Assigns {
			if len(a.Names) != 1 {
				c.errorf(a.Span(), "scan: an assignment names one declared column")
				return nil
			}
			col := fieldIndex(record, a.Names[0].Name)
			if col < len(in.Schema()) {
				c.errorf(a.Names[0].Span(), "scan: '%s' is not a declared column; only declared columns can be assigned", a.Names[0].Name)
				return nil
			}
			x := c.scalar(se, a.X)
			if x == nil {
				return nil
			}
			t := record[col].Type
			if x.Type() != t && !(x.Type().IsNumeric() && t.IsNumeric()) && x.Type() != types.Dynamic && t != types.Dynamic {
				c.errorf(a.X.Span(), "scan: '%s' is of type %s, but the assigned value is of type %s", record[col].Name, t, x.Type())
				return nil
			}
			step.Assigns = append(step.Assigns, ScanAssign{Col: col, X: c.convert(x, t)})
		}
		node.Steps = append(node.Steps, step)
	}
	out := append([]types.Field(nil), record...)
	if matchID != "" {
		out = append(out, types.Field{Name: matchID, Type: types.Long})
	}
	node.schema = schema{out, sp}
	return node
}

// scanStateRef binds `step.column` inside scan steps to the state column it names; ok is false when m is not
// such a reference.
func (c *checker) scanStateRef(e env, m *syntax.MemberExpr) (Expr, bool) {
	id, isIdent := m.X.(*syntax.Ident)
	if !isIdent || e.scanSteps == nil {
		return nil, false
	}
	base, isStep := e.scanSteps[id.Name]
	if !isStep || fieldIndex(e.scanRecord, id.Name) >= 0 {
		return nil, false
	}
	col := fieldIndex(e.scanRecord, m.Name.Name)
	if col < 0 {
		c.errorf(m.Name.Span(), "Failed to resolve scalar expression named '%s'", m.Name.Name)
		return nil, true
	}
	i := base + col
	return &ColRef{spanned{m.Span()}, i, e.row[i].Name, e.row[i].Type}, true
}
