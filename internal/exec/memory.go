package exec

import (
	"fmt"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// memAccount counts the bytes a query's blocking operators hold (groups, buffered rows, series cells,
// results) against its limit, so that a query over too much data fails with a clear error instead of being
// killed by the system.
type memAccount struct {
	limit int64
	used  atomic.Int64
}

// SetMemoryLimit makes ctx fail queries whose held state passes limit bytes (limit <= 0: no limit).
func (ctx *Context) SetMemoryLimit(limit int64) {
	if limit <= 0 {
		ctx.mem = nil
		return
	}
	ctx.mem = &memAccount{limit: limit}
}

// MemoryUsed returns the bytes charged so far (0 without a limit).
func (ctx *Context) MemoryUsed() int64 {
	if ctx.mem == nil {
		return 0
	}
	return ctx.mem.used.Load()
}

// charge adds n bytes held by the operator `what` at sp, failing when that passes the limit.
func (ctx *Context) charge(n int64, what string, sp source.Span) error {
	if ctx.mem == nil || n <= 0 {
		return nil
	}
	if ctx.mem.used.Add(n) > ctx.mem.limit {
		return &RuntimeError{Span: sp, Msg: fmt.Sprintf("query exceeded the memory limit of %s in %s; raise --max-memory", FormatBytes(ctx.mem.limit), what)}
	}
	return nil
}

// release returns n bytes an operator no longer holds.
func (ctx *Context) release(n int64) {
	if ctx.mem != nil && n > 0 {
		ctx.mem.used.Add(-n)
	}
}

// FormatBytes writes a byte count the way a user is likely to have given it: a whole number of decimal units when it
// is one (10 kB for --max-memory 10KB), else a binary unit (512 B, 1.5 KiB, 2.0 GiB).
func FormatBytes(n int64) string {
	if n >= 1000 && n%1000 == 0 {
		v, i := n/1000, 0
		for v%1000 == 0 && i < 4 {
			v /= 1000
			i++
		}
		return fmt.Sprintf("%d %s", v, []string{"kB", "MB", "GB", "TB", "PB"}[i])
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}

// tableBytes estimates the memory a batch's present columns hold.
func tableBytes(t *types.Table) int64 {
	var n int64
	for _, c := range t.Cols {
		if c != nil {
			n += columnBytes(c)
		}
	}
	return n
}

// columnBytes estimates a column's memory: its values, string bytes and headers, and dynamic values by
// a flat 32 bytes each (their exact size would cost a walk of every value).
func columnBytes(c *types.Column) int64 {
	n := int64(len(c.Ints)*8+len(c.Reals)*8+len(c.Nulls)*8) + int64(len(c.Dyns))*32
	for _, s := range c.Strs {
		n += 16 + int64(len(s))
	}
	return n
}
