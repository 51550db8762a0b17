package exec

import (
	"sort"
	"strings"
	"unicode"

	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// reduce groups strings by similarity after Vaarandi's SLCT, which the reduce docs name as its basis: each string
// is cut into terms at the separator characters; a term at a given position is kept when at least
// (1 - threshold) × rows strings have it there, and replaced by * otherwise; the kept (position, term) pairs of a
// string are its cluster candidate, and a candidate shared by at least (1 - threshold) × rows strings is a
// cluster. Its pattern is its first string with every other term replaced by * (a run of them by one *); a
// string in no cluster is one of the "others".
//
// The threshold works the way the reduce operator page describes it, not as SLCT's support: a smaller one groups
// more values together into fewer groups, a larger one gives more groups. Its examples: 1000 strings
// MachineLearningX0 ..
// MachineLearningX9 split at X give one group, MachineLearning* of 1000, with threshold=0.001, and a group per
// digit (about a tenth of the rows each) with threshold=0.9; with the default 0.1, fooZ1 .. fooZ10 split at Z
// give foo* of 10, and unsplit all fall in others.

// reduceOthers is the pattern of the strings that fall in no cluster.
const reduceOthers = "others"

func (ctx *Context) buildReduce(x *sema.Reduce) (Operator, error) {
	in, err := ctx.Build(x.In)
	if err != nil {
		return nil, err
	}
	by, err := ctx.compileExpr(x.By)
	if err != nil {
		return nil, err
	}
	return &lazyOp{inputs: []Operator{in}, compute: func(ctx *Context) (*types.Table, error) {
		t, err := drain(ctx, in, x.In.Schema())
		if err != nil {
			return nil, err
		}
		n := numRows(t)
		a, err := by(ctx, t)
		if err != nil {
			return nil, err
		}
		texts := broadcast(a, n).Strs
		patterns, assign := reduceStrings(texts, x.Threshold, x.Characters)
		if x.Source {
			col := &types.Column{Type: types.String, Strs: make([]string, n)}
			for r, c := range assign {
				col.Strs[r] = reduceOthers
				if c >= 0 {
					col.Strs[r] = patterns[c].pattern
				}
			}
			out := &types.Table{Fields: x.Fields, Cols: append(append([]*types.Column(nil), t.Cols...), col)}
			return out, nil
		}
		out := types.NewTable(x.Fields)
		others := 0
		for _, c := range assign {
			if c < 0 {
				others++
			}
		}
		for _, p := range patterns {
			out.AppendRow([]types.Value{types.NewString(p.pattern), types.NewLong(int64(p.count)), types.NewString(texts[p.first])})
		}
		if others > 0 {
			out.AppendRow([]types.Value{types.NewString(reduceOthers), types.NewLong(int64(others)), types.NewString("")})
		}
		return out, nil
	}}, nil
}

// reducePattern is one cluster: its pattern, how many strings it holds, and the first of them.
type reducePattern struct {
	pattern string
	count   int
	first   int
}

// reduceTerms is a string cut into terms: seps[i] is the separator text before terms[i], tail the text after the
// last term.
type reduceTerms struct {
	terms, seps []string
	tail        string
}

func splitReduceTerms(s, characters string) reduceTerms {
	isSep := func(r rune) bool {
		if characters != "" {
			return strings.ContainsRune(characters, r)
		}
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}
	var out reduceTerms
	start, sepStart := -1, 0
	for i, r := range s {
		if isSep(r) {
			if start >= 0 {
				out.terms = append(out.terms, s[start:i])
				start, sepStart = -1, i
			}
			continue
		}
		if start < 0 {
			out.seps = append(out.seps, s[sepStart:i])
			start = i
		}
	}
	if start >= 0 {
		out.terms = append(out.terms, s[start:])
	} else {
		out.tail = s[sepStart:]
	}
	return out
}

// reduceStrings clusters texts; assign[i] is the index in patterns of text i's cluster, or -1 for the others.
// Patterns come by count, largest first (ties in order of their first string).
func reduceStrings(texts []string, threshold float64, characters string) ([]reducePattern, []int) {
	// frequent reports whether n strings reach (1 - threshold) × rows, with a little slack for the rounding of
	// the product (0.1 × 1000 strings must admit a term that 100 strings have)
	need := (1 - threshold) * float64(len(texts))
	frequent := func(n int) bool { return float64(n) >= need-1e-9*float64(len(texts)) && n > 0 }
	type posTerm struct {
		pos  int
		term string
	}
	split := make([]reduceTerms, len(texts))
	freq := map[posTerm]int{}
	for i, s := range texts {
		split[i] = splitReduceTerms(s, characters)
		for p, term := range split[i].terms {
			freq[posTerm{p, term}]++
		}
	}
	// a string's candidate: the positions of its frequent terms, as a key
	keys := make([]string, len(texts))
	candidates := map[string]int{}
	for i, st := range split {
		var b strings.Builder
		for p, term := range st.terms {
			if frequent(freq[posTerm{p, term}]) {
				b.WriteString(itoaPos(p))
				b.WriteByte(0)
				b.WriteString(term)
				b.WriteByte(1)
			}
		}
		keys[i] = b.String()
		if keys[i] != "" {
			candidates[keys[i]]++
		}
	}
	assign := make([]int, len(texts))
	index := map[string]int{}
	var patterns []reducePattern
	for i, k := range keys {
		assign[i] = -1
		if k == "" || !frequent(candidates[k]) {
			continue
		}
		c, seen := index[k]
		if !seen {
			c = len(patterns)
			index[k] = c
			kept := func(p int) bool { return frequent(freq[posTerm{p, split[i].terms[p]}]) }
			patterns = append(patterns, reducePattern{pattern: reducePatternText(split[i], kept), first: i})
		}
		patterns[c].count++
		assign[i] = c
	}
	order := make([]int, len(patterns))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return patterns[order[a]].count > patterns[order[b]].count })
	rank := make([]int, len(patterns))
	sorted := make([]reducePattern, len(patterns))
	for r, c := range order {
		rank[c] = r
		sorted[r] = patterns[c]
	}
	for i, c := range assign {
		if c >= 0 {
			assign[i] = rank[c]
		}
	}
	return sorted, assign
}

// reducePatternText writes the terms that are kept and a * for each run of the others. A wildcard stands for
// arbitrary text, so it takes in the separator characters around it, except whitespace (San Bernard gives San *,
// fooZ1 split at Z gives foo*).
func reducePatternText(st reduceTerms, kept func(p int) bool) string {
	var b strings.Builder
	wild := false
	for p, term := range st.terms {
		sep := st.seps[p]
		if kept(p) {
			if wild {
				sep = whitespaceOf(sep)
			}
			b.WriteString(sep)
			b.WriteString(term)
			wild = false
			continue
		}
		if !wild {
			if p > 0 {
				b.WriteString(whitespaceOf(sep))
			} else {
				b.WriteString(sep)
			}
			b.WriteByte('*')
			wild = true
		}
	}
	if wild {
		b.WriteString(whitespaceOf(st.tail))
	} else {
		b.WriteString(st.tail)
	}
	return b.String()
}

func whitespaceOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return r
		}
		return -1
	}, s)
}

func itoaPos(p int) string {
	const digits = "0123456789"
	if p < 10 {
		return digits[p : p+1]
	}
	return itoaPos(p/10) + digits[p%10:p%10+1]
}
