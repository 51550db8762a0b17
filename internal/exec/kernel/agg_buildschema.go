package kernel

import (
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildschema(DynamicExpr): the minimal schema that admits every value of the group. A schema is a primitive
// type name ("long", "double", "string", ...), a container (a bag of the property names seen, with the key
// "`indexer`" for array elements), or a union of those as an array in the order they were first seen (at most
// one container per union: every bag and array at one place merges into it). A single type is not wrapped.

// schemaIndexer is the container key buildschema gives array elements.
const schemaIndexer = "`indexer`"

func init() {
	RegisterAggregate(&Aggregate{
		Name: "buildschema", MinArgs: 1, MaxArgs: 1,
		Results:     aggResult("buildschema", 1, 1, fixedAggType(types.Dynamic), tDynamic),
		New:         func([]ArgInfo) Accumulator { return &buildSchemaAcc{} },
		DefaultName: prefixName("schema"),
	})
}

// schemaNode is the union of the types seen at one place of the values.
type schemaNode struct {
	prims     []string         // primitive type names, first seen first
	container *schemaContainer // nil until a bag or an array is seen here
	order     []any            // prims and the container in the order first seen (string or *schemaContainer)
}

type schemaContainer struct {
	keys  []string
	props map[string]*schemaNode
}

func (n *schemaNode) add(v any) {
	switch x := v.(type) {
	case nil:
		return // null admits every type: it adds none
	case []any:
		c := n.containerNode()
		for _, e := range x {
			if e != nil {
				c.prop(schemaIndexer).add(e)
			}
		}
	case *types.Bag:
		c := n.containerNode()
		for _, k := range x.Keys {
			if e := x.Vals[k]; e != nil {
				c.prop(k).add(e)
			}
		}
	default:
		name := schemaTypeName(x)
		for _, p := range n.prims {
			if p == name {
				return
			}
		}
		n.prims = append(n.prims, name)
		n.order = append(n.order, name)
	}
}

func (n *schemaNode) containerNode() *schemaContainer {
	if n.container == nil {
		n.container = &schemaContainer{props: map[string]*schemaNode{}}
		n.order = append(n.order, n.container)
	}
	return n.container
}

func (c *schemaContainer) prop(key string) *schemaNode {
	p, ok := c.props[key]
	if !ok {
		p = &schemaNode{}
		c.props[key] = p
		c.keys = append(c.keys, key)
	}
	return p
}

// value renders the node as a dynamic value: nil when nothing was seen, one type alone, or a union array.
func (n *schemaNode) value() any {
	render := func(e any) any {
		if c, ok := e.(*schemaContainer); ok {
			bag := types.NewBag()
			for _, k := range c.keys {
				if v := c.props[k].value(); v != nil {
					bag.Set(k, v)
				}
			}
			return bag
		}
		return e
	}
	switch len(n.order) {
	case 0:
		return nil
	case 1:
		return render(n.order[0])
	}
	out := make([]any, len(n.order))
	for i, e := range n.order {
		out[i] = render(e)
	}
	return out
}

// schemaTypeName is the primitive type name buildschema reports for a dynamic scalar.
func schemaTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case int64, int:
		return "long"
	case float64:
		return "double"
	case types.DynDateTime:
		return "datetime"
	case types.DynTimeSpan:
		return "timespan"
	case types.DynGUID:
		return "guid"
	}
	return "string"
}

type buildSchemaAcc struct {
	groups []*schemaNode
}

func (a *buildSchemaAcc) Add(_ *Context, groups []uint32, args []Arg, n int) error {
	for i := 0; i < n; i++ {
		g := groups[i]
		a.groups = growTo(a.groups, g)
		if a.groups[g] == nil {
			a.groups[g] = &schemaNode{}
		}
		if args[0].IsNull(i) {
			continue
		}
		a.groups[g].add(args[0].Dyn(i))
	}
	return nil
}

func (a *buildSchemaAcc) Result(numGroups int) []*types.Column {
	out := newCol(types.Dynamic, numGroups)
	for g := range out.Dyns {
		var v any
		if node := at(a.groups, g); node != nil {
			v = node.value()
		}
		out.Dyns[g] = v
		if v == nil {
			out.Nulls.Set(g)
		}
	}
	return []*types.Column{out}
}
