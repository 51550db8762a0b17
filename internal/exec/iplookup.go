package exec

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// buildIPLookup runs evaluate ipv4_lookup/ipv6_lookup: the lookup table is indexed by prefix length, and
// each input row takes the most specific prefix holding its address (with equal extra keys).
func (ctx *Context) buildIPLookup(x *sema.IPLookup) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		lookup, err := ctx.runToTable(x.Lookup)
		if err != nil {
			return nil, err
		}
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		idx := newPrefixIndex(x, lookup)
		inW := len(x.In.Schema())
		lookW := len(x.Lookup.Schema())
		out := types.NewTable(x.Fields)
		row := make([]types.Value, inW+lookW)
		for r := 0; r < numRows(t); r++ {
			for c := 0; c < inW; c++ {
				row[c] = t.Cols[c].Value(r)
			}
			match := -1
			if addr, ok := parseLookupAddr(textOf(row[x.SourceKey]), x.IPv6); ok {
				match = idx.find(addr, func(l int) bool {
					for _, k := range x.ExtraKeys {
						if sema.ValueText(row[k[0]]) != sema.ValueText(lookup.Cols[k[1]].Value(l)) {
							return false
						}
					}
					return true
				})
			}
			if match < 0 && !x.ReturnUnmatched {
				continue
			}
			for c := 0; c < lookW; c++ {
				if match < 0 {
					row[inW+c] = types.NullOf(x.Lookup.Schema()[c].Type)
				} else {
					row[inW+c] = lookup.Cols[c].Value(match)
				}
			}
			if x.IPv6 {
				out.AppendRow(append(append([]types.Value(nil), row[inW:]...), row[:inW]...))
			} else {
				out.AppendRow(row)
			}
		}
		return out, nil
	}}, nil
}

// prefixIndex maps, per prefix length (longest first), each masked prefix to the lookup rows holding it.
type prefixIndex struct {
	bits  []int
	byLen map[int]map[netip.Prefix][]int
}

func newPrefixIndex(x *sema.IPLookup, lookup *types.Table) *prefixIndex {
	idx := &prefixIndex{byLen: map[int]map[netip.Prefix][]int{}}
	for r := 0; r < numRows(lookup); r++ {
		p, ok := parseLookupPrefix(textOf(lookup.Cols[x.LookupKey].Value(r)), x.IPv6)
		if !ok {
			continue
		}
		m := idx.byLen[p.Bits()]
		if m == nil {
			m = map[netip.Prefix][]int{}
			idx.byLen[p.Bits()] = m
			idx.bits = append(idx.bits, p.Bits())
		}
		m[p] = append(m[p], r)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(idx.bits)))
	return idx
}

// find returns the first lookup row of the longest prefix holding addr that ok accepts, or -1.
func (idx *prefixIndex) find(addr netip.Addr, ok func(int) bool) int {
	for _, b := range idx.bits {
		p, err := addr.Prefix(b)
		if err != nil {
			continue
		}
		for _, r := range idx.byLen[b][p] {
			if ok(r) {
				return r
			}
		}
	}
	return -1
}

func textOf(v types.Value) string {
	if v.Null {
		return ""
	}
	return sema.ValueText(v)
}

// parseLookupAddr reads an address; IPv4 addresses are kept as IPv4 for ipv4_lookup and mapped into IPv6
// for ipv6_lookup (where the table holds IPv6 prefixes).
func parseLookupAddr(s string, v6 bool) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	if !v6 {
		a = a.Unmap()
		return a, a.Is4()
	}
	if a.Is4() {
		a = netip.AddrFrom16(a.As16())
	}
	return a, true
}

// parseLookupPrefix reads a CIDR prefix or a single address (a full-length prefix), masked.
func parseLookupPrefix(s string, v6 bool) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, ok := parseLookupAddr(s, v6)
		if !ok {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a, bits := p.Addr(), p.Bits()
	if !v6 {
		if !a.Unmap().Is4() {
			return netip.Prefix{}, false
		}
		if a.Is4In6() {
			a, bits = a.Unmap(), bits-96
		}
	} else if a.Is4() {
		a, bits = netip.AddrFrom16(a.As16()), bits+96
	}
	if bits < 0 {
		return netip.Prefix{}, false
	}
	p, err = a.Prefix(bits)
	return p, err == nil
}
