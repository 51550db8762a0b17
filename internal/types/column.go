package types

// Bitmap marks rows; a nil Bitmap has no bits set.
type Bitmap []uint64

// Get reports whether bit i is set.
func (b Bitmap) Get(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

// Set sets bit i, growing the bitmap as needed.
func (b *Bitmap) Set(i int) {
	w := i >> 6
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}

// Clear clears bit i.
func (b Bitmap) Clear(i int) {
	w := i >> 6
	if w < len(b) {
		b[w] &^= 1 << (uint(i) & 63)
	}
}

// Any reports whether any bit is set.
func (b Bitmap) Any() bool {
	for _, w := range b {
		if w != 0 {
			return true
		}
	}
	return false
}

// Column is one typed vector of values. Exactly one of Ints, Reals, Strs or Dyns is used, chosen by
// Type.Physical(). Nulls marks null rows (string columns never have nulls; dynamic null is also a nil Dyns entry).
type Column struct {
	Type  Type
	Ints  []int64
	Reals []float64
	Strs  []string
	Dyns  []any
	Nulls Bitmap
}

// NewColumn returns an empty column of type t with room for n values.
func NewColumn(t Type, n int) *Column {
	c := &Column{Type: t}
	switch t.Physical() {
	case PhysInt:
		c.Ints = make([]int64, 0, n)
	case PhysReal:
		c.Reals = make([]float64, 0, n)
	case PhysStr:
		c.Strs = make([]string, 0, n)
	case PhysDyn:
		c.Dyns = make([]any, 0, n)
	}
	return c
}

// Len returns the number of rows.
func (c *Column) Len() int {
	switch c.Type.Physical() {
	case PhysInt:
		return len(c.Ints)
	case PhysReal:
		return len(c.Reals)
	case PhysStr:
		return len(c.Strs)
	}
	return len(c.Dyns)
}

// IsNull reports whether row i is null. Empty strings are not null.
func (c *Column) IsNull(i int) bool {
	if c.Type == Dynamic {
		return c.Dyns[i] == nil
	}
	return c.Nulls.Get(i)
}

// Value returns row i as a Value.
func (c *Column) Value(i int) Value {
	if c.IsNull(i) {
		return NullOf(c.Type)
	}
	v := Value{Type: c.Type}
	switch c.Type.Physical() {
	case PhysInt:
		v.I = c.Ints[i]
	case PhysReal:
		v.F = c.Reals[i]
	case PhysStr:
		v.S = c.Strs[i]
	case PhysDyn:
		v.D = c.Dyns[i]
	}
	return v
}

// Append adds v, which must be of the column's type (or null).
func (c *Column) Append(v Value) {
	n := c.Len()
	null := v.Null && c.Type != String
	switch c.Type.Physical() {
	case PhysInt:
		c.Ints = append(c.Ints, v.I)
	case PhysReal:
		c.Reals = append(c.Reals, v.F)
	case PhysStr:
		c.Strs = append(c.Strs, v.S)
	case PhysDyn:
		if v.Null {
			c.Dyns = append(c.Dyns, nil)
		} else {
			c.Dyns = append(c.Dyns, v.D)
		}
		return
	}
	if null {
		c.Nulls.Set(n)
	}
}

// AppendNull adds a null (the empty string for string columns).
func (c *Column) AppendNull() { c.Append(NullOf(c.Type)) }

// Gather returns a new column holding rows idx of c, in that order. An index of -1 yields null.
func (c *Column) Gather(idx []int) *Column {
	out := &Column{Type: c.Type}
	switch c.Type.Physical() {
	case PhysInt:
		out.Ints = make([]int64, len(idx))
		for j, i := range idx {
			if i < 0 {
				out.Nulls.Set(j)
				continue
			}
			out.Ints[j] = c.Ints[i]
			if c.Nulls != nil && c.Nulls.Get(i) {
				out.Nulls.Set(j)
			}
		}
	case PhysReal:
		out.Reals = make([]float64, len(idx))
		for j, i := range idx {
			if i < 0 {
				out.Nulls.Set(j)
				continue
			}
			out.Reals[j] = c.Reals[i]
			if c.Nulls != nil && c.Nulls.Get(i) {
				out.Nulls.Set(j)
			}
		}
	case PhysStr:
		out.Strs = make([]string, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Strs[j] = c.Strs[i]
			} else if c.Type != String {
				out.Nulls.Set(j)
			}
			if i >= 0 && c.Nulls != nil && c.Nulls.Get(i) {
				out.Nulls.Set(j)
			}
		}
	case PhysDyn:
		out.Dyns = make([]any, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.Dyns[j] = c.Dyns[i]
			}
		}
	}
	return out
}

// Slice returns rows [from, to) of c; the result shares memory with c except for the null bitmap.
func (c *Column) Slice(from, to int) *Column {
	out := &Column{Type: c.Type}
	switch c.Type.Physical() {
	case PhysInt:
		out.Ints = c.Ints[from:to]
	case PhysReal:
		out.Reals = c.Reals[from:to]
	case PhysStr:
		out.Strs = c.Strs[from:to]
	case PhysDyn:
		out.Dyns = c.Dyns[from:to]
	}
	if c.Nulls != nil {
		for i := from; i < to; i++ {
			if c.Nulls.Get(i) {
				out.Nulls.Set(i - from)
			}
		}
	}
	return out
}

// Field names and types one column of a table.
type Field struct {
	Name string
	Type Type
}

// Visualization is what a query's render operator asked for (Kusto returns it beside the result).
type Visualization struct {
	Kind       string            // timechart, columnchart, ...
	Properties map[string]string // with (...) properties, values as written (lists comma-joined)
	Order      []string          // property names in the order written
}

// Table is a set of equally long columns with names; also used as a batch flowing between operators.
type Table struct {
	Fields        []Field
	Cols          []*Column
	Visualization *Visualization
}

// NumRows returns the number of rows.
func (t *Table) NumRows() int {
	if len(t.Cols) == 0 {
		return 0
	}
	return t.Cols[0].Len()
}

// ColumnIndex returns the index of the column named name, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// NewTable returns an empty table with the given fields.
func NewTable(fields []Field) *Table {
	t := &Table{Fields: fields, Cols: make([]*Column, len(fields))}
	for i, f := range fields {
		t.Cols[i] = NewColumn(f.Type, 0)
	}
	return t
}

// AppendRow adds one row of values, in field order.
func (t *Table) AppendRow(vals []Value) {
	for i, v := range vals {
		t.Cols[i].Append(v)
	}
}
