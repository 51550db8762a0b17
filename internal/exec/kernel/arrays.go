package kernel

import (
	"math"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// More array, set and bag functions: sorting, shifting, rotating, splitting, zipping, set algebra, bag edits.

// maxRangeLen is the longest array range() builds (Kusto's cap).
const maxRangeLen = 1048576

func init() {
	for _, c := range []struct {
		name string
		desc bool
	}{{"array_sort_asc", false}, {"array_sort_desc", true}} {
		registerRowFunc(c.name, nil, types.Dynamic, 1, 64, paramTypes(tDynamic, tDynamic|tBool), func(_ *Context, v []types.Value) types.Value {
			return arraySort(v, c.desc)
		})
	}
	shift := func(name string, dir int64, rotate bool) {
		max := 3
		if rotate {
			max = 2
		}
		registerRowFunc(name, nil, types.Dynamic, 2, max, paramTypes(tDynamic, tInteger, tScalar), func(_ *Context, v []types.Value) types.Value {
			arr, ok := v[0].D.([]any)
			if !ok || v[1].Null {
				return nullV(types.Dynamic)
			}
			var fill any
			if len(v) > 2 {
				fill = v[2].Dynamic()
			}
			return types.NewDynamic(shiftArray(arr, v[1].I*dir, rotate, fill))
		})
	}
	shift("array_shift_left", 1, false)
	shift("array_shift_right", -1, false)
	shift("array_rotate_left", 1, true)
	shift("array_rotate_right", -1, true)
	registerRowFunc("array_split", nil, types.Dynamic, 2, 2, paramTypes(tDynamic, tDynamic|tInteger), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok || v[1].Null {
			return nullV(types.Dynamic)
		}
		var idx []int64
		if v[1].Type == types.Dynamic {
			list, ok := v[1].D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			for _, e := range list {
				i, ok := toLongValue(types.NewDynamic(e))
				if !ok {
					return nullV(types.Dynamic)
				}
				idx = append(idx, i)
			}
		} else {
			idx = []int64{v[1].I}
		}
		n := int64(len(arr))
		var out []any
		prev := int64(0)
		for _, i := range idx {
			if i < 0 {
				i += n
			}
			i = max(prev, min(i, n))
			out = append(out, append([]any{}, arr[prev:i]...))
			prev = i
		}
		return types.NewDynamic(append(out, append([]any{}, arr[prev:]...)))
	})
	registerRowFunc("array_iff", []string{"array_iif"}, types.Dynamic, 3, 3, paramTypes(tDynamic, tScalar, tScalar), func(_ *Context, v []types.Value) types.Value {
		conds, ok := v[0].D.([]any)
		if !ok {
			return nullV(types.Dynamic)
		}
		pick := func(x types.Value, i int) any {
			if arr, ok := x.D.([]any); ok && x.Type == types.Dynamic {
				if i < len(arr) {
					return arr[i]
				}
				return nil
			}
			return x.Dynamic()
		}
		out := make([]any, len(conds))
		for i, c := range conds {
			b, ok := toBoolValue(types.NewDynamic(c))
			switch {
			case !ok:
				out[i] = nil
			case b:
				out[i] = pick(v[1], i)
			default:
				out[i] = pick(v[2], i)
			}
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("zip", nil, types.Dynamic, 2, 16, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		arrs := make([][]any, len(v))
		longest := 0
		for i, x := range v {
			arr, ok := x.D.([]any)
			if !ok {
				return nullV(types.Dynamic)
			}
			arrs[i] = arr
			longest = max(longest, len(arr))
		}
		out := make([]any, longest)
		for i := range out {
			row := make([]any, len(arrs))
			for j, arr := range arrs {
				if i < len(arr) {
					row[j] = arr[i]
				}
			}
			out[i] = row
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("bag_zip", nil, types.Dynamic, 2, 2, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		keys, ok1 := v[0].D.([]any)
		vals, ok2 := v[1].D.([]any)
		if !ok1 || !ok2 {
			return nullV(types.Dynamic)
		}
		bag := types.NewBag()
		for i, k := range keys {
			ks, ok := k.(string)
			if !ok {
				continue
			}
			var val any
			if i < len(vals) {
				val = vals[i]
			}
			bag.Set(ks, val)
		}
		return types.NewDynamic(bag)
	})
	registerRowFunc("range", nil, types.Dynamic, 2, 3, paramTypes(tNumber|tDateTime|tTimeSpan, tNumber|tDateTime|tTimeSpan, tNumber|tTimeSpan), evalRangeArray)
	for _, c := range []struct {
		name string
		op   int
	}{{"set_union", 0}, {"set_intersect", 1}, {"set_difference", 2}} {
		registerRowFunc(c.name, nil, types.Dynamic, 2, 64, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
			return setOp(v, c.op)
		})
	}
	registerRowFunc("bag_merge", nil, types.Dynamic, 2, 64, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		out := types.NewBag()
		for _, x := range v {
			b, ok := x.D.(*types.Bag)
			if !ok {
				return nullV(types.Dynamic)
			}
			for _, k := range b.Keys {
				if _, dup := out.Get(k); !dup {
					out.Set(k, b.Vals[k])
				}
			}
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("bag_remove_keys", nil, types.Dynamic, 2, 2, paramTypes(tDynamic), func(_ *Context, v []types.Value) types.Value {
		b, ok := v[0].D.(*types.Bag)
		keys, ok2 := v[1].D.([]any)
		if !ok || !ok2 {
			return nullV(types.Dynamic)
		}
		out := cloneDyn(b).(*types.Bag)
		for _, k := range keys {
			if ks, ok := k.(string); ok {
				removePath(out, ks)
			}
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("bag_set_key", nil, types.Dynamic, 3, 3, paramTypes(tDynamic, tString, tScalar), func(_ *Context, v []types.Value) types.Value {
		b, ok := v[0].D.(*types.Bag)
		if !ok {
			return nullV(types.Dynamic)
		}
		out := cloneDyn(b).(*types.Bag)
		if !setPath(out, v[1].S, v[2].Dynamic()) {
			return nullV(types.Dynamic)
		}
		return types.NewDynamic(out)
	})
	registerRowFunc("strcat_array", []string{"array_strcat"}, types.String, 2, 2, paramTypes(tDynamic, tScalar), func(_ *Context, v []types.Value) types.Value {
		arr, ok := v[0].D.([]any)
		if !ok {
			return types.NewString("")
		}
		parts := make([]string, len(arr))
		for i, e := range arr {
			parts[i] = dynText(e)
		}
		return types.NewString(strings.Join(parts, valueText(v[1])))
	})
	// any scalar, as Kusto.Language declares it; a value that is not dynamic is written as its dynamic form
	registerRowFunc("dynamic_to_json", nil, types.String, 1, 1, paramTypes(tScalar), func(_ *Context, v []types.Value) types.Value {
		if v[0].Null {
			return types.NewString("null")
		}
		return types.NewString(types.FormatJSON(sortKeys(v[0].Dynamic())))
	})
}

// arraySort sorts the first array (nulls last unless a trailing false says first) and reorders the other arrays
// the same way. With one array the result is the sorted array; with several, an array of the sorted arrays.
func arraySort(v []types.Value, desc bool) types.Value {
	nullsLast := true
	if last := v[len(v)-1]; len(v) > 1 && last.Type == types.Bool {
		nullsLast = last.Null || last.I != 0
		v = v[:len(v)-1]
	}
	var arrs [][]any
	for _, x := range v {
		arr, ok := x.D.([]any)
		if !ok || (len(arrs) > 0 && len(arr) != len(arrs[0])) {
			return nullV(types.Dynamic)
		}
		arrs = append(arrs, arr)
	}
	if len(arrs) == 0 {
		return nullV(types.Dynamic)
	}
	key := arrs[0]
	perm := make([]int, len(key))
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool {
		x, y := key[perm[a]], key[perm[b]]
		if x == nil || y == nil {
			if x == nil && y == nil {
				return false
			}
			return (y == nil) == nullsLast
		}
		c := compareDyn(x, y)
		if desc {
			return c > 0
		}
		return c < 0
	})
	sorted := make([]any, len(arrs))
	for j, arr := range arrs {
		out := make([]any, len(arr))
		for i, p := range perm {
			out[i] = arr[p]
		}
		sorted[j] = out
	}
	if len(sorted) == 1 {
		return types.NewDynamic(sorted[0])
	}
	return types.NewDynamic(sorted)
}

// compareDyn orders dynamic scalars: numbers together, then strings, then everything else by type and JSON.
func compareDyn(a, b any) int {
	fa, an := dynNumber(a)
	fb, bn := dynNumber(b)
	switch {
	case an && bn:
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	sa, as := a.(string)
	sb, bs := b.(string)
	switch {
	case as && bs:
		return strings.Compare(sa, sb)
	case as:
		return -1
	case bs:
		return 1
	}
	ka, kb := dynKey(0, a), dynKey(0, b)
	return strings.Compare(ka.text, kb.text)
}

// shiftArray moves elements by k (positive: left); shifted-in slots take fill, or the wrapped elements when rotating.
func shiftArray(arr []any, k int64, rotate bool, fill any) []any {
	n := int64(len(arr))
	out := make([]any, n)
	if n == 0 {
		return out
	}
	if rotate {
		k = ((k % n) + n) % n
		for i := int64(0); i < n; i++ {
			out[i] = arr[(i+k)%n]
		}
		return out
	}
	for i := int64(0); i < n; i++ {
		src := i + k
		if k > n || k < -n || src < 0 || src >= n {
			out[i] = fill
			continue
		}
		out[i] = arr[src]
	}
	return out
}

// evalRangeArray is range(start, stop[, step]): the values from start to stop inclusive, at most 1,048,576.
func evalRangeArray(_ *Context, v []types.Value) types.Value {
	if anyNull(v) {
		return nullV(types.Dynamic)
	}
	kind := v[0].Type
	if kind.Physical() == types.PhysInt && v[1].Type.Physical() == types.PhysInt && (len(v) < 3 || v[2].Type.Physical() == types.PhysInt) {
		start, stop, step := v[0].I, v[1].I, int64(1)
		if kind == types.DateTime {
			step = types.TicksPerDay
		}
		if len(v) > 2 {
			step = v[2].I
		}
		if step == 0 {
			return nullV(types.Dynamic)
		}
		var out []any
		for x := start; len(out) < maxRangeLen && ((step > 0 && x <= stop) || (step < 0 && x >= stop)); x += step {
			switch kind {
			case types.DateTime:
				out = append(out, types.DynDateTime(x))
			case types.TimeSpan:
				out = append(out, types.DynTimeSpan(x))
			default:
				out = append(out, x)
			}
			if (step > 0 && x > math.MaxInt64-step) || (step < 0 && x < math.MinInt64-step) {
				break
			}
		}
		if out == nil {
			out = []any{}
		}
		return types.NewDynamic(out)
	}
	start, _ := toRealValue(v[0])
	stop, _ := toRealValue(v[1])
	step := 1.0
	if len(v) > 2 {
		step, _ = toRealValue(v[2])
	}
	if step == 0 || math.IsNaN(step) {
		return nullV(types.Dynamic)
	}
	out := []any{}
	for i := 0; i < maxRangeLen; i++ {
		x := start + float64(i)*step
		if (step > 0 && x > stop) || (step < 0 && x < stop) || math.IsNaN(x) {
			break
		}
		out = append(out, x)
	}
	return types.NewDynamic(out)
}

// setOp is set_union (0), set_intersect (1) or set_difference (2) over dynamic arrays; results hold distinct values
// in first-seen order.
func setOp(v []types.Value, op int) types.Value {
	var arrs [][]any
	for _, x := range v {
		arr, ok := x.D.([]any)
		if !ok {
			return nullV(types.Dynamic)
		}
		arrs = append(arrs, arr)
	}
	member := func(arr []any) map[groupKey]bool {
		m := map[groupKey]bool{}
		for _, e := range arr {
			m[dynKey(0, e)] = true
		}
		return m
	}
	var rest []map[groupKey]bool
	for _, arr := range arrs[1:] {
		rest = append(rest, member(arr))
	}
	seen := map[groupKey]bool{}
	out := []any{}
	add := func(e any) {
		k := dynKey(0, e)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	for _, e := range arrs[0] {
		k := dynKey(0, e)
		keep := true
		for _, m := range rest {
			switch op {
			case 1:
				keep = keep && m[k]
			case 2:
				keep = keep && !m[k]
			}
		}
		if keep {
			add(e)
		}
	}
	if op == 0 {
		for _, arr := range arrs[1:] {
			for _, e := range arr {
				add(e)
			}
		}
	}
	return types.NewDynamic(out)
}

// cloneDyn deep-copies arrays and bags so edits do not change shared values.
func cloneDyn(d any) any {
	switch t := d.(type) {
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneDyn(e)
		}
		return out
	case *types.Bag:
		out := types.NewBag()
		for _, k := range t.Keys {
			out.Set(k, cloneDyn(t.Vals[k]))
		}
		return out
	}
	return d
}

// pathKeys splits a key or a $.a.b / $['a'] path into bag keys; ok is false for array indexes or bad syntax.
func pathKeys(path string) ([]string, bool) {
	if !strings.HasPrefix(path, "$") {
		return []string{path}, true
	}
	var keys []string
	rest := path[1:]
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return nil, false
			}
			keys = append(keys, rest[:end])
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 3 || (rest[1] != '\'' && rest[1] != '"') || rest[end-1] != rest[1] {
				return nil, false
			}
			keys = append(keys, rest[2:end-1])
			rest = rest[end+1:]
		default:
			return nil, false
		}
	}
	return keys, len(keys) > 0
}

func removePath(b *types.Bag, path string) {
	keys, ok := pathKeys(path)
	if !ok {
		return
	}
	for _, k := range keys[:len(keys)-1] {
		next, ok := b.Vals[k].(*types.Bag)
		if !ok {
			return
		}
		b = next
	}
	b.Delete(keys[len(keys)-1])
}

func setPath(b *types.Bag, path string, val any) bool {
	keys, ok := pathKeys(path)
	if !ok {
		return false
	}
	for _, k := range keys[:len(keys)-1] {
		next, ok := b.Vals[k].(*types.Bag)
		if !ok {
			next = types.NewBag()
			b.Set(k, next)
		}
		b = next
	}
	b.Set(keys[len(keys)-1], val)
	return true
}

// sortKeys returns a copy of d whose bags list their keys in ordinal order (dynamic_to_json's canonical form).
func sortKeys(d any) any {
	switch t := d.(type) {
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = sortKeys(e)
		}
		return out
	case *types.Bag:
		keys := append([]string{}, t.Keys...)
		sort.Strings(keys)
		out := types.NewBag()
		for _, k := range keys {
			out.Set(k, sortKeys(t.Vals[k]))
		}
		return out
	}
	return d
}
