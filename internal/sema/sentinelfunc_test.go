package sema

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// sentinelCatalog holds the built-in SentinelHealth and SentinelAudit tables.
func sentinelCatalog(t *testing.T) catalog.Catalog {
	t.Helper()
	m := catalog.Map{}
	for _, name := range []string{"SentinelHealth", "SentinelAudit"} {
		fields, ok := catalog.KnownSchema(name)
		if !ok {
			t.Fatalf("%s is not built in", name)
		}
		m[name] = &catalog.MemTable{TableName: name, Fields: fields}
	}
	return m
}

// TestSentinelFunctions checks that _SentinelHealth() and _SentinelAudit() read their tables, wherever a table
// may stand, and the errors for a wrong call or a catalog without the table.
func TestSentinelFunctions(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		cat     func(*testing.T) catalog.Catalog
		want    string // result schema, or the first error
		wantErr bool
	}{
		{
			name:  "audit rows with the documented columns",
			query: `_SentinelAudit() | where SentinelResourceType == "Analytic Rule" | project TimeGenerated, SentinelResourceName, Caller = tostring(ExtendedProperties.CallerName)`,
			cat:   sentinelCatalog,
			want:  "TimeGenerated:datetime, SentinelResourceName:string, Caller:string",
		},
		{
			name:  "health through a let",
			query: `let h = _SentinelHealth(); h | where Status != "Success" | summarize n = count() by Reason`,
			cat:   sentinelCatalog,
			want:  "Reason:string, n:long",
		},
		{
			name:  "as a union operand",
			query: `union _SentinelHealth(), _SentinelAudit() | summarize count() by Type`,
			cat:   sentinelCatalog,
			want:  "Type:string, count_:long",
		},
		{
			name:  "a let of the same name wins",
			query: `let _SentinelAudit = () { print Only = 1 }; _SentinelAudit()`,
			cat:   sentinelCatalog,
			want:  "Only:long",
		},
		{
			name:    "arguments are refused",
			query:   `_SentinelAudit(1d)`,
			cat:     sentinelCatalog,
			want:    "1:1: error: The function '_SentinelAudit' expects no arguments.",
			wantErr: true,
		},
		{
			name:    "the table is not loaded",
			query:   `_SentinelHealth() | count`,
			cat:     func(*testing.T) catalog.Catalog { return testCatalog() },
			want:    "1:1: error: Failed to resolve table or column expression named '_SentinelHealth': it reads the SentinelHealth table, which is not loaded",
			wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := source.New("", tc.query)
			parsed, diags := syntax.Parse(src)
			if diags != nil && diags.HasErrors() {
				t.Fatalf("parse: %v", diags)
			}
			prog, diags := Check(parsed, src, tc.cat(t))
			if tc.wantErr {
				if !diags.HasErrors() {
					t.Fatal("no error")
				}
				if got := diags.Items[0].Error(); got != tc.want {
					t.Errorf("error\n got %s\nwant %s", got, tc.want)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("check: %v", diags)
			}
			if got := schemaString(prog.Result.Schema()); got != tc.want {
				t.Errorf("schema\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
