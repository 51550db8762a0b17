package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

type parseKvOp struct {
	in   Operator
	node *sema.ParseKv
	src  evalFn
}

func (ctx *Context) buildParseKv(x *sema.ParseKv) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	src, err := ctx.compileExpr(x.Source)
	if err != nil {
		return nil, err
	}
	return &parseKvOp{in: in, node: x, src: src}, nil
}

func (o *parseKvOp) Open(ctx *Context) error { return o.in.Open(ctx) }
func (o *parseKvOp) Close() error            { return o.in.Close() }

func (o *parseKvOp) Next(ctx *Context) (*types.Table, error) {
	b, err := o.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	x := o.node
	n := numRows(b)
	a, err := o.src(ctx, b)
	if err != nil {
		return nil, err
	}
	text := broadcast(a, n)
	if text.Type != types.String {
		if text, err = ctx.castColumn(text, types.String); err != nil {
			return nil, err
		}
	}
	values := make([][]string, len(x.Keys))
	for k := range values {
		values[k] = make([]string, n)
	}
	for r := 0; r < n; r++ {
		var kv map[string]string
		if x.PairDelim == "" && x.KvDelim == "" {
			kv = relaxedPairs(text.Strs[r], x.Keys)
		} else {
			kv = splitPairs(text.Strs[r], x)
		}
		for k, f := range x.Keys {
			values[k][r] = kv[f.Name]
		}
	}
	out := &types.Table{Fields: x.Fields, Cols: make([]*types.Column, len(x.Fields))}
	copy(out.Cols, b.Cols)
	for k, f := range x.Keys {
		col := &types.Column{Type: types.String, Strs: values[k]}
		if f.Type != types.String {
			if col, err = ctx.castColumn(col, f.Type); err != nil {
				return nil, err
			}
		}
		out.Cols[fieldIndexOf(x.Fields, f.Name)] = col
	}
	return out, nil
}

func fieldIndexOf(fields []types.Field, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// splitPairs splits s into key/value pairs with the given delimiters, quotes and escape character.
func splitPairs(s string, x *sema.ParseKv) map[string]string {
	var tokens []string
	var cur strings.Builder
	var close byte
	inQuote := false
	for i := 0; i < len(s); {
		ch := s[i]
		if inQuote {
			if x.Escape != "" && ch == x.Escape[0] && i+1 < len(s) {
				cur.WriteByte(s[i+1])
				i += 2
				continue
			}
			if ch == close {
				inQuote = false
			}
			cur.WriteByte(ch)
			i++
			continue
		}
		if x.PairDelim != "" && strings.HasPrefix(s[i:], x.PairDelim) {
			tokens = append(tokens, cur.String())
			cur.Reset()
			i += len(x.PairDelim)
			continue
		}
		if j := strings.IndexByte(x.QuoteOpen, ch); j >= 0 && j < len(x.QuoteClose) {
			inQuote, close = true, x.QuoteClose[j]
		}
		cur.WriteByte(ch)
		i++
	}
	tokens = append(tokens, cur.String())
	kvDelim := x.KvDelim
	if kvDelim == "" {
		kvDelim = "="
	}
	out := map[string]string{}
	lastKey := ""
	for _, tok := range tokens {
		at := indexOutsideQuotes(tok, kvDelim, x)
		if at < 0 {
			if x.Greedy && lastKey != "" {
				out[lastKey] += x.PairDelim + tok
			}
			continue
		}
		key := unquote(strings.TrimSpace(tok[:at]), x)
		out[key] = unquote(strings.TrimSpace(tok[at+len(kvDelim):]), x)
		lastKey = key
	}
	return out
}

func indexOutsideQuotes(s, sep string, x *sema.ParseKv) int {
	var close byte
	inQuote := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inQuote:
			if ch == close {
				inQuote = false
			}
		case strings.HasPrefix(s[i:], sep):
			return i
		default:
			if j := strings.IndexByte(x.QuoteOpen, ch); j >= 0 && j < len(x.QuoteClose) {
				inQuote, close = true, x.QuoteClose[j]
			}
		}
	}
	return -1
}

func unquote(s string, x *sema.ParseKv) string {
	if len(s) >= 2 {
		if j := strings.IndexByte(x.QuoteOpen, s[0]); j >= 0 && j < len(x.QuoteClose) && s[len(s)-1] == x.QuoteClose[j] {
			return s[1 : len(s)-1]
		}
	}
	return s
}

// relaxedPairs finds `Key: value` or `Key=value` for each wanted key, the value ending at the next ',' or ';'.
func relaxedPairs(s string, keys []types.Field) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		from := 0
		for from < len(s) {
			i := strings.Index(s[from:], k.Name)
			if i < 0 {
				break
			}
			i += from
			from = i + len(k.Name)
			if i > 0 && isWordByte(s[i-1]) {
				continue
			}
			rest := strings.TrimLeft(s[from:], " ")
			if rest == "" || (rest[0] != ':' && rest[0] != '=') {
				continue
			}
			rest = strings.TrimLeft(rest[1:], " ")
			end := strings.IndexAny(rest, ",;")
			if end < 0 {
				end = len(rest)
			}
			out[k.Name] = strings.TrimSpace(rest[:end])
			break
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
