package exec

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// grouper assigns dense group numbers to the distinct key tuples it sees and keeps each group's key values.
type grouper struct {
	types []types.Type
	// fast paths for one key column
	intIDs map[int64]uint32
	strIDs map[string]uint32
	nullID int64 // group of the null key for a single int key, -1 when unseen
	// two int or string keys: each string is numbered by its column's dictionary, and the pair of numbers
	// (or int values) is looked up as one fixed-size key; two string keys fit one word
	pairIDs    map[pairKey]uint32
	strPairIDs map[uint64]uint32
	densePairs []uint32 // group+1 of the string pair (a, b) at a*densePairSide+b, for small dictionaries
	dicts      [2]*strDict
	ids        map[string]uint32
	keys       []*types.Column
	count      int
	scratch    []byte
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
	case len(ts) == 2 && pairable(ts[0]) && pairable(ts[1]):
		g.pairIDs, g.strPairIDs = map[pairKey]uint32{}, map[uint64]uint32{}
		for k, t := range ts {
			if t == types.String {
				g.dicts[k] = newStrDict()
			}
		}
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
	case g.dicts[0] != nil && g.dicts[1] != nil:
		a, b := cols[0].Strs, cols[1].Strs
		lastKey, lastID := uint64(math.MaxUint64), uint32(0)
		for i := 0; i < n; i++ {
			k0, k1 := g.dicts[0].id(a[i]), g.dicts[1].id(b[i])
			key := uint64(k0)<<32 | uint64(k1)
			if key == lastKey {
				out[i] = lastID
				continue
			}
			// small dictionaries: the pair indexes a dense table instead of a map
			dense := k0 < densePairSide && k1 < densePairSide
			slot := int(k0*densePairSide + k1)
			if dense && slot < len(g.densePairs) && g.densePairs[slot] != 0 {
				out[i] = g.densePairs[slot] - 1
				lastKey, lastID = key, out[i]
				continue
			}
			id, ok := g.strPairIDs[key]
			if !ok {
				id = g.newGroup(cols, i)
				g.strPairIDs[key] = id
			}
			if dense {
				if slot >= len(g.densePairs) {
					g.densePairs = append(g.densePairs, make([]uint32, slot+1-len(g.densePairs))...)
				}
				g.densePairs[slot] = id + 1
			}
			out[i] = id
			lastKey, lastID = key, id
		}
	case g.pairIDs != nil:
		for i := 0; i < n; i++ {
			var key pairKey
			for k := 0; k < 2; k++ {
				c := cols[k]
				switch {
				case g.dicts[k] != nil:
					key.parts[k] = uint64(g.dicts[k].id(c.Strs[i]))
				case c.Nulls != nil && c.Nulls.Get(i):
					key.nulls |= 1 << k
				default:
					key.parts[k] = uint64(c.Ints[i])
				}
			}
			id, ok := g.pairIDs[key]
			if !ok {
				id = g.newGroup(cols, i)
				g.pairIDs[key] = id
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

// densePairSide bounds the dictionary numbers whose pairs index grouper.densePairs (at most 4 MiB).
const densePairSide = 1024

// pairable reports whether a key column of type t can be part of a pairKey.
func pairable(t types.Type) bool { return t == types.String || t.Physical() == types.PhysInt }

// pairKey is two key columns' values: int values as they are, strings as their dictionary numbers.
type pairKey struct {
	parts [2]uint64
	nulls uint8 // bit k: part k is null
}

// strDict numbers distinct strings. Strings decoded from one dictionary (or copied from one literal) share
// their bytes, so a small cache indexed by the bytes' address answers most lookups without hashing the string.
type strDict struct {
	ids   map[string]uint32
	cache [256]strDictEntry
}

type strDictEntry struct {
	data *byte
	n    int
	id   uint32
}

func newStrDict() *strDict { return &strDict{ids: map[string]uint32{}} }

// id returns the number of s, giving it the next number when new.
func (d *strDict) id(s string) uint32 {
	p := unsafe.StringData(s)
	// Fibonacci hashing of address and length: short strings packed next to each other get apart
	h := (uint64(uintptr(unsafe.Pointer(p))) + uint64(len(s))) * 0x9E3779B97F4A7C15 >> 56
	e := &d.cache[h]
	if e.data == p && e.n == len(s) && p != nil {
		return e.id
	}
	id, ok := d.ids[s]
	if !ok {
		id = uint32(len(d.ids))
		d.ids[s] = id
	}
	*e = strDictEntry{data: p, n: len(s), id: id}
	return id
}
