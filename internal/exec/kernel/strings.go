package kernel

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// String functions. Non-string arguments are turned into text with tostring() semantics where Kusto does so.

func init() {
	RegisterScalar(&Scalar{
		Name: "strcat", MinArgs: 1, MaxArgs: 64,
		Result: fixedResult("strcat", types.String, 1, 64, tScalar),
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			out := newCol(types.String, n)
			var b strings.Builder
			for i := 0; i < n; i++ {
				b.Reset()
				for _, a := range args {
					b.WriteString(argText(a, i))
				}
				out.Strs[i] = b.String()
			}
			return out, nil
		},
	})
	RegisterScalar(&Scalar{
		Name: "strcat_delim", MinArgs: 3, MaxArgs: 64,
		Result: fixedResult("strcat_delim", types.String, 3, 64, tScalar),
		Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
			out := newCol(types.String, n)
			var b strings.Builder
			for i := 0; i < n; i++ {
				b.Reset()
				delim := argText(args[0], i)
				for j, a := range args[1:] {
					if j > 0 {
						b.WriteString(delim)
					}
					b.WriteString(argText(a, i))
				}
				out.Strs[i] = b.String()
			}
			return out, nil
		},
	})
	textFunc := func(name string, fn func(string) string, accepts typeSet) {
		RegisterScalar(&Scalar{
			Name: name, MinArgs: 1, MaxArgs: 1,
			Result: fixedResult(name, types.String, 1, 1, accepts),
			Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
				out := newCol(types.String, n)
				if args[0].Const && n > 0 {
					s := fn(argText(args[0], 0))
					for i := range out.Strs {
						out.Strs[i] = s
					}
					return out, nil
				}
				for i := 0; i < n; i++ {
					out.Strs[i] = fn(argText(args[0], i))
				}
				return out, nil
			},
		})
	}
	textFunc("tolower", strings.ToLower, tScalar)
	textFunc("toupper", strings.ToUpper, tScalar)
	textFunc("reverse", reverseRunes, tScalar)
	textFunc("url_encode", urlEncode, tString)
	textFunc("url_encode_component", urlEncodeComponent, tString)
	textFunc("url_decode", urlDecode, tString)
	textFunc("base64_encode_tostring", base64Encode, tString)
	textFunc("base64_encodestring", base64Encode, tString)
	textFunc("hash_sha256", hashSHA256, tScalar&^tDynamic)
	textFunc("hash_md5", hashMD5, tScalar&^tDynamic)
	registerRowFunc("base64_decode_tostring", []string{"base64_decodestring"}, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		s, _ := base64Decode(v[0].S)
		return types.NewString(s)
	})
	registerRowFunc("strlen", nil, types.Long, 1, 1, paramTypes(tString|tDynamic), func(_ *Context, v []types.Value) types.Value {
		return types.NewLong(int64(utf8.RuneCountInString(valueText(v[0]))))
	})
	registerRowFunc("substring", nil, types.String, 2, 3, paramTypes(tScalar, tInteger, tInteger), func(_ *Context, v []types.Value) types.Value {
		if v[1].Null || (len(v) > 2 && v[2].Null) {
			return types.NewString("")
		}
		length := int64(-1)
		if len(v) > 2 {
			length = v[2].I
		}
		return types.NewString(substring(valueText(v[0]), v[1].I, length))
	})
	registerRowFunc("strrep", nil, types.String, 2, 3, paramTypes(tScalar, tInteger, tScalar), func(_ *Context, v []types.Value) types.Value {
		if v[1].Null || v[1].I <= 0 {
			return types.NewString("")
		}
		s, delim := valueText(v[0]), ""
		if len(v) > 2 {
			delim = valueText(v[2])
		}
		count := v[1].I
		// Kusto caps the result at 1,048,576 characters; refuse rather than build a huge string.
		if count > 1<<20 || int64(len(s)+len(delim))*count > 1<<20 {
			return types.NewString("")
		}
		parts := make([]string, count)
		for i := range parts {
			parts[i] = s
		}
		return types.NewString(strings.Join(parts, delim))
	})
	RegisterScalar(&Scalar{
		Name: "split", MinArgs: 2, MaxArgs: 3,
		Result: fixedResult("split", types.Dynamic, 2, 3, tScalar, tString, tInteger),
		Eval: evalRows(fixedType(types.Dynamic), func(_ *Context, v []types.Value) types.Value {
			parts := splitText(valueText(v[0]), v[1].S)
			if len(v) > 2 {
				if v[2].Null {
					return types.NewDynamic(nil)
				}
				idx := v[2].I
				if idx < 0 || idx >= int64(len(parts)) {
					return types.NewDynamic([]any{})
				}
				return types.NewDynamic([]any{parts[idx]})
			}
			arr := make([]any, len(parts))
			for i, p := range parts {
				arr[i] = p
			}
			return types.NewDynamic(arr)
		}),
	})
	registerRowFunc("replace_string", []string{"replace_strings_single"}, types.String, 3, 3, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		text, lookup := valueText(v[0]), valueText(v[1])
		if lookup == "" {
			return types.NewString(text)
		}
		return types.NewString(strings.ReplaceAll(text, lookup, valueText(v[2])))
	})
	registerRowFunc("indexof", nil, types.Long, 2, 5, paramTypes(tScalar, tScalar, tInteger, tInteger, tInteger), evalIndexOf)
	RegisterScalar(&Scalar{
		Name: "countof", MinArgs: 2, MaxArgs: 3,
		Result: fixedResult("countof", types.Long, 2, 3, tString, tString, tString),
		Eval:   evalCountOf,
	})
	RegisterScalar(&Scalar{
		Name: "extract", MinArgs: 3, MaxArgs: 4,
		Result: func(args []ArgInfo) (types.Type, error) {
			if err := checkArgs("extract", args, 3, 4, tString, tInteger, tScalar, tScalar); err != nil {
				return types.Unknown, err
			}
			if len(args) == 4 {
				if !args[3].TypeOf {
					return types.Unknown, &ArgError{Index: 3, Msg: "The expression must be a typeof() literal."}
				}
				return args[3].Type, nil
			}
			return types.String, nil
		},
		Eval: evalExtract,
	})
	RegisterScalar(&Scalar{
		Name: "extract_all", MinArgs: 2, MaxArgs: 3,
		Result: func(args []ArgInfo) (types.Type, error) {
			if len(args) == 3 {
				return types.Dynamic, checkArgs("extract_all", args, 2, 3, tString, tDynamic, tScalar)
			}
			return types.Dynamic, checkArgs("extract_all", args, 2, 3, tString, tScalar)
		},
		Eval: evalExtractAll,
	})
	RegisterScalar(&Scalar{
		Name: "replace_regex", MinArgs: 3, MaxArgs: 3,
		Result: fixedResult("replace_regex", types.String, 3, 3, tScalar, tString, tString),
		Eval:   evalReplaceRegex,
	})
	// replace() is the deprecated form with the arguments in another order: (regex, rewrite, source).
	RegisterScalar(&Scalar{
		Name: "replace", MinArgs: 3, MaxArgs: 3,
		Result: fixedResult("replace", types.String, 3, 3, tString, tString, tScalar),
		Eval: func(ctx *Context, args []Arg, n int) (*types.Column, error) {
			return evalReplaceRegex(ctx, []Arg{args[2], args[0], args[1]}, n)
		},
	})
	trimFunc := func(name string, leading, trailing bool) {
		RegisterScalar(&Scalar{
			Name: name, MinArgs: 2, MaxArgs: 2,
			Result: fixedResult(name, types.String, 2, 2, tString, tScalar),
			Eval: func(_ *Context, args []Arg, n int) (*types.Column, error) {
				return evalTrim(args, n, leading, trailing)
			},
		})
	}
	trimFunc("trim", true, true)
	trimFunc("trim_start", true, false)
	trimFunc("trim_end", false, true)
}

func reverseRunes(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

// substring takes length runes (all when negative) from start; a negative start counts from the end.
func substring(s string, start, length int64) string {
	rs := []rune(s)
	n := int64(len(rs))
	if start < 0 {
		start += n
		if start < 0 {
			start = 0
		}
	}
	if start >= n {
		return ""
	}
	end := n
	if length >= 0 && length < n-start {
		end = start + length
	}
	return string(rs[start:end])
}

// splitText splits s on delim; an empty delimiter leaves s whole.
func splitText(s, delim string) []string {
	if delim == "" {
		return []string{s}
	}
	return strings.Split(s, delim)
}

// evalIndexOf is indexof(text, match[, start[, length[, occurrence]]]) over runes. Each further occurrence is
// searched from one past the previous one with the same length window, which gives the documented results.
func evalIndexOf(_ *Context, v []types.Value) types.Value {
	for _, x := range v[2:] {
		if x.Null {
			return nullV(types.Long)
		}
	}
	text, match := []rune(valueText(v[0])), []rune(valueText(v[1]))
	n := int64(len(text))
	start, length, occurrence := int64(0), int64(-1), int64(1)
	if len(v) > 2 {
		start = v[2].I
	}
	if len(v) > 3 {
		length = v[3].I
	}
	if len(v) > 4 {
		occurrence = v[4].I
	}
	if length < -1 || occurrence < 0 {
		return nullV(types.Long)
	}
	if start < 0 {
		start += n
		if start < 0 {
			start = 0
		}
	}
	if start > n {
		return types.NewLong(-1)
	}
	if occurrence == 0 {
		occurrence = 1
	}
	found := int64(-1)
	for k := int64(0); k < occurrence; k++ {
		end := n
		if length >= 0 && start+length < n {
			end = start + length
		}
		found = indexRunes(text[start:end], match)
		if found < 0 {
			return types.NewLong(-1)
		}
		found += start
		start = found + 1
		if start > n {
			if k+1 < occurrence {
				return types.NewLong(-1)
			}
			break
		}
	}
	return types.NewLong(found)
}

func indexRunes(hay, needle []rune) int64 {
	if len(needle) == 0 {
		return 0
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		match := true
		for j, r := range needle {
			if hay[i+j] != r {
				match = false
				break
			}
		}
		if match {
			return int64(i)
		}
	}
	return -1
}

// evalCountOf is countof(text, search[, kind]): "normal" counts overlapping occurrences, "regex" counts
// the regex's non-overlapping matches.
func evalCountOf(_ *Context, args []Arg, n int) (*types.Column, error) {
	out := newCol(types.Long, n)
	for i := 0; i < n; i++ {
		kind := "normal"
		if len(args) > 2 {
			kind = args[2].Str(i)
		}
		text, search := args[0].Str(i), args[1].Str(i)
		switch kind {
		case "normal", "":
			if search == "" {
				continue
			}
			count := int64(0)
			for off := 0; ; {
				j := strings.Index(text[off:], search)
				if j < 0 {
					break
				}
				count++
				_, size := utf8.DecodeRuneInString(text[off+j:])
				off += j + size
			}
			out.Ints[i] = count
		case "regex":
			re, err := compileRegex(search)
			if err != nil {
				return nil, err
			}
			out.Ints[i] = int64(len(re.FindAllStringIndex(text, -1)))
		default:
			return nil, &ArgError{Index: 2, Msg: "countof(): kind must be 'normal' or 'regex', got '" + kind + "'"}
		}
	}
	return out, nil
}

// evalExtract is extract(regex, group, text[, typeof(T)]): the group's text of the first match, converted to T.
// No match gives "" for string results and null for others.
func evalExtract(_ *Context, args []Arg, n int) (*types.Column, error) {
	t := types.String
	if len(args) == 4 {
		t = args[3].Col.Type
	}
	out := newCol(t, n)
	ra, err := newRegexArg(args[0], n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		re, err := ra.at(i)
		if err != nil {
			return nil, err
		}
		setNull(out, i)
		if args[1].IsNull(i) {
			continue
		}
		group := args[1].Int(i)
		if group < 0 || group > int64(re.NumSubexp()) {
			continue
		}
		m := re.FindStringSubmatchIndex(argText(args[2], i))
		if m == nil || m[2*group] < 0 {
			continue
		}
		s := argText(args[2], i)[m[2*group]:m[2*group+1]]
		setValue(out, i, convertText(s, t))
	}
	return out, nil
}

// convertText converts extracted text to type t with the to<type>() rules.
func convertText(s string, t types.Type) types.Value {
	v := types.NewString(s)
	switch t {
	case types.String:
		return v
	case types.Int:
		if i, ok := toLongValue(v); ok && int64(int32(i)) == i {
			return types.NewInt(i)
		}
	case types.Long:
		if i, ok := toLongValue(v); ok {
			return types.NewLong(i)
		}
	case types.Real, types.Decimal:
		if f, ok := toRealValue(v); ok {
			return types.Value{Type: t, F: f}
		}
	case types.Bool:
		if b, ok := toBoolValue(v); ok {
			return types.NewBool(b)
		}
	case types.DateTime:
		if d, ok := toDateTimeValue(v); ok {
			return types.NewDateTime(d)
		}
	case types.TimeSpan:
		if d, ok := toTimeSpanValue(v); ok {
			return types.NewTimeSpan(d)
		}
	case types.GUID:
		if g, ok := parseGUIDText(s); ok {
			return types.NewGUID(g)
		}
	case types.Dynamic:
		return types.NewDynamic(parseJSONText(s))
	}
	return types.NullOf(t)
}

// evalExtractAll is extract_all(regex, [groups,] text): every match as its groups (one group: strings;
// several: arrays; none: the whole match). No match gives null.
func evalExtractAll(_ *Context, args []Arg, n int) (*types.Column, error) {
	out := newCol(types.Dynamic, n)
	ra, err := newRegexArg(args[0], n)
	if err != nil {
		return nil, err
	}
	textArg := args[len(args)-1]
	for i := 0; i < n; i++ {
		re, err := ra.at(i)
		if err != nil {
			return nil, err
		}
		var groups []int
		if len(args) == 3 {
			arr, ok := args[1].Dyn(i).([]any)
			if !ok {
				continue
			}
			for _, g := range arr {
				gi, ok := toLongValue(types.NewDynamic(g))
				if !ok || gi < 0 || gi > int64(re.NumSubexp()) {
					return nil, &ArgError{Index: 1, Msg: "extract_all(): capture group indexes must refer to groups of the regular expression"}
				}
				groups = append(groups, int(gi))
			}
		} else {
			for g := 1; g <= re.NumSubexp(); g++ {
				groups = append(groups, g)
			}
		}
		text := argText(textArg, i)
		matches := re.FindAllStringSubmatchIndex(text, -1)
		if len(matches) == 0 {
			continue
		}
		res := make([]any, 0, len(matches))
		for _, m := range matches {
			switch {
			case len(groups) == 0:
				res = append(res, text[m[0]:m[1]])
			case len(groups) == 1 && len(args) == 2:
				res = append(res, groupText(text, m, groups[0]))
			default:
				row := make([]any, len(groups))
				for k, g := range groups {
					row[k] = groupText(text, m, g)
				}
				res = append(res, row)
			}
		}
		out.Dyns[i] = res
	}
	return out, nil
}

func groupText(text string, m []int, g int) string {
	if m[2*g] < 0 {
		return ""
	}
	return text[m[2*g]:m[2*g+1]]
}

// rewriteTemplate turns Kusto's \1 group references into Go's ${1}, escaping literal dollars.
func rewriteTemplate(rewrite string) string {
	var b strings.Builder
	for i := 0; i < len(rewrite); i++ {
		c := rewrite[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(rewrite) && rewrite[i+1] >= '0' && rewrite[i+1] <= '9':
			j := i + 1
			for j < len(rewrite) && rewrite[j] >= '0' && rewrite[j] <= '9' {
				j++
			}
			b.WriteString("${" + rewrite[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func evalReplaceRegex(_ *Context, args []Arg, n int) (*types.Column, error) {
	out := newCol(types.String, n)
	ra, err := newRegexArg(args[1], n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		re, err := ra.at(i)
		if err != nil {
			return nil, err
		}
		out.Strs[i] = re.ReplaceAllString(argText(args[0], i), rewriteTemplate(args[2].Str(i)))
	}
	return out, nil
}

// evalTrim removes leading and/or trailing runs of regex matches.
func evalTrim(args []Arg, n int, leading, trailing bool) (*types.Column, error) {
	out := newCol(types.String, n)
	type pair struct{ head, tail *regexp.Regexp }
	cache := map[string]pair{}
	for i := 0; i < n; i++ {
		pattern := args[0].Str(i)
		p, ok := cache[pattern]
		if !ok {
			if _, err := compileRegex(pattern); err != nil {
				return nil, err
			}
			head, err1 := compileRegex(`^(?:` + pattern + `)+`)
			tail, err2 := compileRegex(`(?:` + pattern + `)+$`)
			if err1 != nil || err2 != nil {
				return nil, &ArgError{Index: 0, Msg: "invalid regular expression " + strconv.Quote(pattern)}
			}
			p = pair{head, tail}
			cache[pattern] = p
		}
		s := argText(args[1], i)
		if leading {
			if loc := p.head.FindStringIndex(s); loc != nil {
				s = s[loc[1]:]
			}
		}
		if trailing {
			if loc := p.tail.FindStringIndex(s); loc != nil {
				s = s[:loc[0]]
			}
		}
		out.Strs[i] = s
	}
	return out, nil
}
