package kernel

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// parse_xml, parse_command_line and other text helpers hunting queries use: translate, indexof_regex,
// jaccard_index, ipv6_is_in_any_range, rand, new_guid.

// maxXMLInput is the longest text parse_xml reads; longer input gives null, as in Kusto.
const maxXMLInput = 1 << 20

func init() {
	registerRowFunc("parse_xml", nil, types.Dynamic, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		if len(v[0].S) > maxXMLInput {
			return nullV(types.Dynamic)
		}
		d, ok := parseXML(v[0].S)
		if !ok {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(d)
	})
	registerRowFunc("parse_command_line", nil, types.Dynamic, 2, 2, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		if !strings.EqualFold(v[1].S, "windows") {
			return nullV(types.Dynamic)
		}
		args := parseWindowsCommandLine(v[0].S)
		out := make([]any, len(args))
		for i, a := range args {
			out[i] = a
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("translate", nil, types.String, 3, 3, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewString(translate(v[0].S, v[1].S, v[2].S))
	})
	RegisterScalar(&Scalar{
		Name: "indexof_regex", MinArgs: 2, MaxArgs: 5,
		Result: fixedResult("indexof_regex", types.Long, 2, 5, tString, tString, tInteger, tInteger, tInteger),
		Eval:   evalIndexOfRegex,
	})
	registerRowFunc("jaccard_index", nil, types.Real, 2, 2, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		a, ok1 := v[0].D.([]any)
		b, ok2 := v[1].D.([]any)
		if !ok1 || !ok2 {
			return nullV(types.Real)
		}
		inA := map[groupKey]bool{}
		for _, e := range a {
			inA[dynKey(0, e)] = true
		}
		union := len(inA)
		inter := 0
		seenB := map[groupKey]bool{}
		for _, e := range b {
			k := dynKey(0, e)
			if seenB[k] {
				continue
			}
			seenB[k] = true
			if inA[k] {
				inter++
			} else {
				union++
			}
		}
		if union == 0 {
			return nullV(types.Real)
		}
		return types.NewReal(float64(inter) / float64(union))
	})
	registerRowFunc("ipv6_is_in_any_range", nil, types.Bool, 2, -1, paramTypes(tString, tScalar), func(_ *Context, v []types.Value) types.Value {
		ip, ok := parseIPv6(v[0].S)
		if !ok {
			return nullV(types.Bool)
		}
		var ranges []string
		for _, r := range v[1:] {
			ranges = appendTexts(ranges, r)
		}
		for _, r := range ranges {
			rng, ok := parseIPv6(r)
			if !ok {
				return nullV(types.Bool)
			}
			p := minInt(ip.prefix, rng.prefix)
			if maskIPv6(ip.addr, p) == maskIPv6(rng.addr, p) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	})
	// rand() and new_guid() are not deterministic, as in Kusto.
	RegisterScalar(&Scalar{
		Name: "rand", MinArgs: 0, MaxArgs: 1,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("rand", args, 0, 1, tInteger); err != nil {
				return types.Unknown, err
			}
			if len(args) == 1 {
				return types.Long, nil
			}
			return types.Real, nil
		},
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			if len(args) == 0 {
				out := newCol(types.Real, n)
				for i := range out.Reals {
					out.Reals[i] = float64(randUint64()>>11) / (1 << 53)
				}
				return out, nil
			}
			out := newCol(types.Long, n)
			for i := 0; i < n; i++ {
				if args[0].IsNull(i) || args[0].Int(i) <= 0 {
					setNull(out, i)
					continue
				}
				out.Ints[i] = int64(randUint64() % uint64(args[0].Int(i)))
			}
			return out, nil
		},
	})
	registerRowFunc("new_guid", nil, types.GUID, 0, 0, nil, func(*Context, []types.Value) types.Value {
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:8], randUint64())
		binary.LittleEndian.PutUint64(b[8:], randUint64())
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
		h := hex.EncodeToString(b[:])
		return types.NewGUID(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32])
	})
}

func randUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// xmlNode is an element being read: its attributes and its children and text in document order.
type xmlNode struct {
	name  string
	attrs []xml.Attr
	items []xmlItem
}

type xmlItem struct {
	child *xmlNode
	text  string
}

// parseXML converts XML to dynamic the way parse_xml documents: an element is null when empty, its text when it
// has only text, otherwise a bag of "@attribute", "#text" and child elements (repeated children become arrays).
func parseXML(s string) (any, bool) {
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.items = append(parent.items, xmlItem{child: n})
			} else if root != nil {
				return nil, false // a second root element
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				if text := strings.TrimSpace(string(t)); text != "" {
					top := stack[len(stack)-1]
					top.items = append(top.items, xmlItem{text: text})
				}
			}
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, false
	}
	bag := types.NewBag()
	bag.Set(root.name, xmlValue(root))
	return bag, true
}

func xmlValue(n *xmlNode) any {
	hasChild := false
	var texts []string
	for _, it := range n.items {
		if it.child != nil {
			hasChild = true
		} else {
			texts = append(texts, it.text)
		}
	}
	if len(n.attrs) == 0 && !hasChild {
		if len(texts) == 0 {
			return nil
		}
		return strings.Join(texts, "")
	}
	bag := types.NewBag()
	for _, a := range n.attrs {
		name := a.Name.Local
		if a.Name.Space == "xmlns" {
			name = "xmlns:" + name
		}
		bag.Set("@"+name, a.Value)
	}
	for _, it := range n.items {
		if it.child == nil {
			if _, done := bag.Get("#text"); !done {
				bag.Set("#text", strings.Join(texts, ""))
			}
			continue
		}
		v := xmlValue(it.child)
		prev, exists := bag.Get(it.child.name)
		switch {
		case !exists:
			bag.Set(it.child.name, v)
		case isXMLList(prev):
			bag.Set(it.child.name, append(prev.(xmlList), v))
		default:
			bag.Set(it.child.name, xmlList{prev, v})
		}
	}
	// Repeated children were collected as xmlList; expose them as plain arrays.
	for _, k := range bag.Keys {
		if l, ok := bag.Vals[k].(xmlList); ok {
			bag.Vals[k] = []any(l)
		}
	}
	return bag
}

// xmlList marks an array built from repeated child elements while a bag is being filled.
type xmlList []any

func isXMLList(v any) bool { _, ok := v.(xmlList); return ok }

// parseWindowsCommandLine splits a command line the way CommandLineToArgvW does: the program name ends at the
// first whitespace (or its closing quote); later arguments honour quotes, "" inside quotes, and backslashes
// before quotes (2n backslashes + quote: n backslashes and a quote toggle; 2n+1: n backslashes and a literal quote).
func parseWindowsCommandLine(s string) []string {
	var args []string
	i := 0
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i >= len(s) {
		return args
	}
	// Program name.
	if s[i] == '"' {
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			args = append(args, s[i+1:])
			return args
		}
		args = append(args, s[i+1:i+1+end])
		i += end + 2
	} else {
		start := i
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		args = append(args, s[start:i])
	}
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return args
		}
		var b strings.Builder
		inQuotes := false
		for i < len(s) && (inQuotes || !isSpace(s[i])) {
			c := s[i]
			switch {
			case c == '\\':
				n := 0
				for i < len(s) && s[i] == '\\' {
					n++
					i++
				}
				if i < len(s) && s[i] == '"' {
					b.WriteString(strings.Repeat(`\`, n/2))
					if n%2 == 1 {
						b.WriteByte('"')
						i++
					}
				} else {
					b.WriteString(strings.Repeat(`\`, n))
				}
			case c == '"':
				if inQuotes && i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				inQuotes = !inQuotes
				i++
			default:
				b.WriteByte(c)
				i++
			}
		}
		args = append(args, b.String())
	}
}

// translate replaces each character of from found in s with the character at the same place in to (the last
// one when to is shorter); with an empty to, those characters are removed.
func translate(from, to, s string) string {
	src := []rune(from)
	dst := []rune(to)
	if len(src) == 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		idx := -1
		for i, x := range src {
			if x == r {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			b.WriteRune(r)
		case len(dst) == 0:
		case idx < len(dst):
			b.WriteRune(dst[idx])
		default:
			b.WriteRune(dst[len(dst)-1])
		}
	}
	return b.String()
}

// evalIndexOfRegex is indexof_regex(text, regex[, start[, length[, occurrence]]]) with indexof()'s window rules,
// in characters.
func evalIndexOfRegex(_ *Context, args []Arg, n int) (*types.Column, error) {
	out := newCol(types.Long, n)
	ra, err := newRegexArg(args[1], n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		re, err := ra.at(i)
		if err != nil {
			return nil, err
		}
		nullArg := false
		for _, a := range args[2:] {
			nullArg = nullArg || a.IsNull(i)
		}
		if nullArg {
			setNull(out, i)
			continue
		}
		text := args[0].Str(i)
		runes := int64(utf8.RuneCountInString(text))
		start, length, occurrence := int64(0), int64(-1), int64(1)
		if len(args) > 2 {
			start = args[2].Int(i)
		}
		if len(args) > 3 {
			length = args[3].Int(i)
		}
		if len(args) > 4 {
			occurrence = args[4].Int(i)
		}
		if length < -1 || occurrence < 0 {
			setNull(out, i)
			continue
		}
		if start < 0 {
			start = max(0, start+runes)
		}
		if occurrence == 0 {
			occurrence = 1
		}
		found := int64(-1)
		for k := int64(0); k < occurrence && start <= runes; k++ {
			end := runes
			if length >= 0 && start+length < runes {
				end = start + length
			}
			window := runeSlice(text, start, end)
			loc := re.FindStringIndex(window)
			if loc == nil {
				found = -1
				break
			}
			found = start + int64(utf8.RuneCountInString(window[:loc[0]]))
			start = found + 1
		}
		out.Ints[i] = found
	}
	return out, nil
}

// runeSlice returns the characters [from, to) of s.
func runeSlice(s string, from, to int64) string {
	var i int64
	startByte, endByte := len(s), len(s)
	for pos := range s {
		if i == from {
			startByte = pos
		}
		if i == to {
			endByte = pos
			break
		}
		i++
	}
	if from >= i && startByte == len(s) {
		return ""
	}
	return s[startByte:endByte]
}

func init() {
	// ingestion_time() is null when a table has no ingestion-time policy, which is always the case for local files.
	registerRowFunc("ingestion_time", nil, types.DateTime, 0, 0, nil, func(*Context, []types.Value) types.Value {
		return nullV(types.DateTime)
	})
	// geo_info_from_ip_address needs a geolocation database that kqlhunt does not ship; say so instead of guessing.
	RegisterScalar(&Scalar{
		Name: "geo_info_from_ip_address", MinArgs: 1, MaxArgs: 1,
		Result: fixedResult("geo_info_from_ip_address", types.Dynamic, 1, 1, tString),
		Eval: func(_ *Context, _ []Arg, n int) (*types.Column, error) {
			if n == 0 {
				return newCol(types.Dynamic, 0), nil
			}
			return nil, errors.New("geo_info_from_ip_address() needs IP geolocation data, which kqlhunt does not have; " +
				"remove the call or join with your own location table")
		},
	})
}
