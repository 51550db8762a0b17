package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// testNow is the now() of every test query.
var testNow = time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)

// runQuery runs q and returns its result formatted by formatTable, or the error text.
func runQuery(t *testing.T, cat catalog.Catalog, q string) (string, error) {
	t.Helper()
	res, err := Run(context.Background(), source.New("", q), Options{Now: testNow, Catalog: cat})
	if err != nil {
		return "", err
	}
	return formatTable(res.Table), nil
}

// formatTable prints a header of name:type and one line per row, cells separated by " | ".
func formatTable(tab *types.Table) string {
	var b strings.Builder
	for i, f := range tab.Fields {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(f.Name + ":" + f.Type.String())
	}
	b.WriteString("\n")
	for r := 0; r < tab.NumRows(); r++ {
		for c := range tab.Fields {
			if c > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(formatCell(tab.Cols[c].Value(r)))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func formatCell(v types.Value) string {
	if v.Null {
		return "null"
	}
	switch v.Type {
	case types.Bool:
		if v.Bool() {
			return "true"
		}
		return "false"
	case types.Int, types.Long:
		return strings.TrimSpace(strings.Replace(types.FormatJSON(v.I), "\n", "", -1))
	case types.Real, types.Decimal:
		return types.FormatRealJSON(v.F)
	case types.DateTime:
		return types.FormatDateTime(v.I)
	case types.TimeSpan:
		return types.FormatTimeSpan(v.I)
	case types.Dynamic:
		return types.FormatJSON(v.D)
	case types.String:
		return `"` + v.S + `"`
	}
	return v.S
}

func sourceOf(q string) *source.Source { return source.New("", q) }

// runResult runs q without formatting the result.
func runResult(t *testing.T, q string) (*Result, error) {
	t.Helper()
	return Run(context.Background(), sourceOf(q), Options{Now: testNow})
}
