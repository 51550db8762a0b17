package exec

import (
	"encoding/binary"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// grouper assigns dense group numbers to the distinct key tuples it sees and keeps each group's key values.
type grouper struct {
	types []types.Type
	// fast paths for one key column
	intIDs  map[int64]uint32
	strIDs  map[string]uint32
	nullID  int64 // group of the null key for a single int key, -1 when unseen
	ids     map[string]uint32
	keys    []*types.Column
	count   int
	scratch []byte
}

func newGrouper(ts []types.Type) *grouper {
	g := &grouper{types: ts, nullID: -1}
	g.keys = make([]*types.Column, len(ts))
	for i, t := range ts {
		g.keys[i] = types.NewColumn(t, 0)
	}
	switch {
	case len(ts) == 1 && ts[0].Physical() == types.PhysInt:
		g.intIDs = map[int64]uint32{}
	case len(ts) == 1 && ts[0] == types.String:
		g.strIDs = map[string]uint32{}
	default:
		g.ids = map[string]uint32{}
	}
	return g
}

// assign writes the group of each of the n rows of cols into out (len n), creating groups as needed.
func (g *grouper) assign(cols []*types.Column, n int, out []uint32) {
	switch {
	case g.intIDs != nil:
		c := cols[0]
		hasNulls := len(c.Nulls) > 0
		for i := 0; i < n; i++ {
			if hasNulls && c.Nulls.Get(i) {
				if g.nullID < 0 {
					g.nullID = int64(g.newGroup(cols, i))
				}
				out[i] = uint32(g.nullID)
				continue
			}
			v := c.Ints[i]
			id, ok := g.intIDs[v]
			if !ok {
				id = g.newGroup(cols, i)
				g.intIDs[v] = id
			}
			out[i] = id
		}
	case g.strIDs != nil:
		c := cols[0]
		for i := 0; i < n; i++ {
			s := c.Strs[i]
			id, ok := g.strIDs[s]
			if !ok {
				id = g.newGroup(cols, i)
				g.strIDs[s] = id
			}
			out[i] = id
		}
	default:
		for i := 0; i < n; i++ {
			g.scratch = encodeKey(g.scratch[:0], cols, i)
			id, ok := g.ids[string(g.scratch)]
			if !ok {
				id = g.newGroup(cols, i)
				g.ids[string(g.scratch)] = id
			}
			out[i] = id
		}
	}
}

func (g *grouper) newGroup(cols []*types.Column, i int) uint32 {
	for k, c := range cols {
		g.keys[k].Append(c.Value(i))
	}
	g.count++
	return uint32(g.count - 1)
}

// encodeKey appends a byte encoding of row i of cols that is equal exactly when the values are equal.
func encodeKey(buf []byte, cols []*types.Column, i int) []byte {
	for _, c := range cols {
		if c.IsNull(i) {
			buf = append(buf, 0)
			continue
		}
		buf = append(buf, 1)
		switch c.Type.Physical() {
		case types.PhysInt:
			buf = binary.LittleEndian.AppendUint64(buf, uint64(c.Ints[i]))
		case types.PhysReal:
			f := c.Reals[i]
			if f == 0 {
				f = 0 // -0 and +0 are one key
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
		case types.PhysStr:
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(c.Strs[i])))
			buf = append(buf, c.Strs[i]...)
		case types.PhysDyn:
			s := types.FormatJSON(c.Dyns[i])
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
			buf = append(buf, s...)
		}
	}
	return buf
}
