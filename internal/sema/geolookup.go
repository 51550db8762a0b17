package sema

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// GeoLookup is evaluate geo_polygon_lookup / geo_line_lookup: each input row (a point given by its longitude
// and latitude columns) is joined with every lookup row whose polygon holds the point, or whose polygon or
// line lies within the radius of it. Unmatched rows are dropped unless ReturnUnmatched. The output is the
// input's columns then the lookup table's, without the lookup key column unless ReturnLookupKey.
type GeoLookup struct {
	schema
	In, Lookup      Node
	Lines           bool    // geo_line_lookup: the key holds lines and a radius is required
	Key             int     // Lookup column with the polygon or line (GeoJSON)
	Lng, Lat        int     // In columns with the point
	HasRadius       bool    // false: containment (polygons only)
	Radius          float64 // the radius in meters when RadiusColumn is -1
	RadiusColumn    int     // a Lookup column with each shape's radius, or -1
	ReturnUnmatched bool
	LookupColumns   []int // the Lookup columns in the output, in order
}

// geoLookup binds evaluate geo_polygon_lookup(LookupTable, LookupPolygonKey, SourceLongitude,
// SourceLatitude [, radius] [, return_unmatched] [, lookup_area_radius] [, return_lookup_key]) and
// geo_line_lookup, whose radius is required. The optional arguments are positional or named.
func (c *checker) geoLookup(e env, in Node, o *syntax.EvaluateOp, lines bool) Node {
	name := "geo_polygon_lookup"
	if lines {
		name = "geo_line_lookup"
	}
	args := o.Call.Args
	required := 4
	if lines {
		required = 5
	}
	if len(args) < required || len(args) > 8 {
		c.errorf(callSpan(o.Call), "The plugin '%s' expects %d to 8 arguments, got %d", name, required, len(args))
		return nil
	}
	lookup := c.tabular(env{sc: e.sc}, args[0])
	if lookup == nil {
		return nil
	}
	node := &GeoLookup{In: in, Lookup: lookup, Lines: lines, RadiusColumn: -1}
	if node.Key = c.pluginColumn(name, args[1], lookup.Schema(), "lookup table"); node.Key < 0 {
		return nil
	}
	if lookup.Schema()[node.Key].Type != types.Dynamic {
		c.errorf(args[1].Span(), "%s: the lookup key column '%s' must be dynamic, got %s", name, lookup.Schema()[node.Key].Name, lookup.Schema()[node.Key].Type)
		return nil
	}
	if node.Lng = c.pluginColumn(name, args[2], in.Schema(), "input"); node.Lng < 0 {
		return nil
	}
	if node.Lat = c.pluginColumn(name, args[3], in.Schema(), "input"); node.Lat < 0 {
		return nil
	}
	for _, i := range []int{node.Lng, node.Lat} {
		if !in.Schema()[i].Type.IsNumeric() {
			c.errorf(args[i-node.Lng+2].Span(), "%s: the coordinate column '%s' must be numeric, got %s", name, in.Schema()[i].Name, in.Schema()[i].Type)
			return nil
		}
	}
	positional := []string{"radius", "return_unmatched", "lookup_area_radius", "return_lookup_key"}
	returnKey := false
	for i, a := range args[4:] {
		param := positional[i]
		if names, x := splitNamed(a); len(names) == 1 {
			param, a = strings.ToLower(names[0].Name), x
		}
		switch param {
		case "radius":
			if id, isIdent := a.(*syntax.Ident); isIdent && fieldIndex(lookup.Schema(), id.Name) >= 0 {
				node.RadiusColumn = fieldIndex(lookup.Schema(), id.Name)
				if !lookup.Schema()[node.RadiusColumn].Type.IsNumeric() {
					c.errorf(a.Span(), "%s: the radius column '%s' must be numeric", name, id.Name)
					return nil
				}
				node.HasRadius = true
				continue
			}
			k, ok := c.scalar(env{sc: e.sc}, a).(*Const)
			r, isNum := constReal(k, ok)
			if !isNum {
				c.errorf(a.Span(), "%s: radius must be a constant number or a column of the lookup table", name)
				return nil
			}
			node.HasRadius, node.Radius = true, r
		case "return_unmatched", "return_lookup_key":
			k, ok := c.scalar(env{sc: e.sc}, a).(*Const)
			if !ok || k.Val.Type != types.Bool {
				c.errorf(a.Span(), "%s: %s must be a constant bool", name, param)
				return nil
			}
			if param == "return_unmatched" {
				node.ReturnUnmatched = !k.Val.Null && k.Val.Bool()
			} else {
				returnKey = !k.Val.Null && k.Val.Bool()
			}
		case "lookup_area_radius":
			// A performance hint for Kusto's matching; the result does not depend on it.
			if k, ok := c.scalar(env{sc: e.sc}, a).(*Const); !ok || !k.Val.Type.IsNumeric() {
				c.errorf(a.Span(), "%s: lookup_area_radius must be a constant number", name)
				return nil
			}
		default:
			c.errorf(a.Span(), "%s: unknown argument '%s'", name, param)
			return nil
		}
	}
	if lines && !node.HasRadius {
		c.errorf(callSpan(o.Call), "%s: the radius argument is required", name)
		return nil
	}
	fields := append([]types.Field(nil), in.Schema()...)
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	for i, f := range lookup.Schema() {
		if i == node.Key && !returnKey {
			continue
		}
		n := uniqueName(taken, f.Name)
		taken[n] = true
		fields = append(fields, types.Field{Name: n, Type: f.Type})
		node.LookupColumns = append(node.LookupColumns, i)
	}
	node.schema = schema{fields, o.Span()}
	return node
}

// constReal reads a numeric constant as a real; false when it is not one (or is null).
func constReal(k *Const, ok bool) (float64, bool) {
	if !ok || k.Val.Null {
		return 0, false
	}
	switch k.Val.Type {
	case types.Int, types.Long:
		return float64(k.Val.I), true
	case types.Real:
		return k.Val.F, true
	}
	return 0, false
}
