package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// IPLookup is evaluate ipv4_lookup / ipv6_lookup: each input row is joined with the lookup row whose IP
// prefix (a CIDR or single address in column LookupKey) holds the row's address, the most specific prefix
// winning; extra key columns must be equal too. Unmatched rows are dropped unless ReturnUnmatched. The output
// is the input's columns then the lookup table's (the other way round for ipv6_lookup).
type IPLookup struct {
	schema
	In, Lookup      Node
	SourceKey       int      // In column with the address
	LookupKey       int      // Lookup column with the prefix
	ExtraKeys       [][2]int // In column, Lookup column pairs that must be equal
	ReturnUnmatched bool
	IPv6            bool
}

// ipLookup binds evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey [, ExtraKey ...] [, return_unmatched]).
func (c *checker) ipLookup(e env, in Node, o *syntax.EvaluateOp, v6 bool) Node {
	name := "ipv4_lookup"
	if v6 {
		name = "ipv6_lookup"
	}
	args := o.Call.Args
	if len(args) < 3 {
		c.errorf(callSpan(o.Call), "%s expects a lookup table, the source address column and the lookup key column", name)
		return nil
	}
	lookup := c.tabular(env{sc: e.sc}, args[0])
	if lookup == nil {
		return nil
	}
	node := &IPLookup{In: in, Lookup: lookup, IPv6: v6}
	if node.SourceKey = c.pluginColumn(name, args[1], in.Schema(), "input"); node.SourceKey < 0 {
		return nil
	}
	if node.LookupKey = c.pluginColumn(name, args[2], lookup.Schema(), "lookup table"); node.LookupKey < 0 {
		return nil
	}
	for _, a := range args[3:] {
		if names, x := splitNamed(a); len(names) == 1 && strings.EqualFold(names[0].Name, "return_unmatched") {
			k, ok := c.scalar(env{sc: e.sc}, x).(*Const)
			if !ok || k.Val.Type != types.Bool {
				c.errorf(x.Span(), "%s: return_unmatched must be a constant bool", name)
				return nil
			}
			node.ReturnUnmatched = k.Val.Bool()
			continue
		}
		if lit, ok := a.(*syntax.Literal); ok && lit.Value.Type == types.Bool {
			node.ReturnUnmatched = lit.Value.Bool() // the positional form
			continue
		}
		l := c.pluginColumn(name, a, in.Schema(), "input")
		r := c.pluginColumn(name, a, lookup.Schema(), "lookup table")
		if l < 0 || r < 0 {
			return nil
		}
		node.ExtraKeys = append(node.ExtraKeys, [2]int{l, r})
	}
	// ipv4_lookup puts the input's columns first; ipv6_lookup the lookup table's (as the reference's
	// examples of each show)
	first, second := in.Schema(), lookup.Schema()
	if v6 {
		first, second = second, first
	}
	fields := append([]types.Field(nil), first...)
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	for _, f := range second {
		n := uniqueName(taken, f.Name)
		taken[n] = true
		fields = append(fields, types.Field{Name: n, Type: f.Type})
	}
	node.schema = schema{fields, o.Span()}
	return node
}

// pluginColumn is the index in fields of the column a plugin argument names (the lookup plugins' key and
// coordinate columns), or -1 after reporting that x is not a column name or that the side (the input, the
// lookup table) has no such column.
func (c *checker) pluginColumn(plugin string, x syntax.Expr, fields []types.Field, side string) int {
	id, ok := x.(*syntax.Ident)
	if !ok {
		c.errorf(x.Span(), "%s: a column name of the %s was expected", plugin, side)
		return -1
	}
	i := fieldIndex(fields, id.Name)
	if i < 0 {
		c.errorf(x.Span(), "%s: the %s has no column '%s'", plugin, side, id.Name)
	}
	return i
}
