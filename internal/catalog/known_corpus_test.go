package catalog

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// notIncludedLine matches a "- `Name`: reason" line of schemas/NOT_INCLUDED.md.
var notIncludedLine = regexp.MustCompile("^- `([A-Za-z0-9_]+)`: \\S")

// readNotIncluded returns the tables schemas/NOT_INCLUDED.md lists as deliberately left out.
func readNotIncluded(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("schemas", "NOT_INCLUDED.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := notIncludedLine.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNotIncludedListsNoKnownTable(t *testing.T) {
	left := readNotIncluded(t)
	if len(left) == 0 {
		t.Fatal("NOT_INCLUDED.md lists no table; the line format may have changed")
	}
	for name := range left {
		if _, ok := KnownSchema(name); ok {
			t.Errorf("%s is built in but also listed in NOT_INCLUDED.md", name)
		}
	}
}

// TestCorpusTablesAreKnown checks that every table the public corpus uses is built in, unless NOT_INCLUDED.md
// says why not. It needs ../shared/corpus next to the repository and is skipped without it.
func TestCorpusTablesAreKnown(t *testing.T) {
	index := filepath.Join("..", "..", "..", "shared", "corpus", "INDEX.tsv")
	f, err := os.Open(index)
	if err != nil {
		t.Skipf("corpus index not present: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range header {
		if h == "tables_used" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s has no tables_used column: %v", index, header)
	}
	left := readNotIncluded(t)
	seen := map[string]bool{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s:%d: %v", index, line, err)
		}
		if col >= len(rec) {
			continue
		}
		for _, name := range strings.FieldsFunc(rec[col], func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			if seen[name] {
				continue
			}
			seen[name] = true
			if _, ok := KnownSchema(name); !ok && !left[name] {
				t.Errorf("%s:%d: corpus table %s is neither built in nor listed in NOT_INCLUDED.md", index, line, name)
			}
		}
	}
	if len(seen) < 10 {
		t.Errorf("read only %d table names from %s", len(seen), index)
	}
}

func TestLogAnalyticsSchemas(t *testing.T) {
	tests := []struct {
		name   string
		table  string
		column string
		want   string
	}{
		{name: "SigninLogs Status is dynamic", table: "SigninLogs", column: "Status", want: "dynamic"},
		{name: "SigninLogs ResultType is a string", table: "SigninLogs", column: "ResultType", want: "string"},
		{name: "non-interactive sign-ins keep details as text", table: "AADNonInteractiveUserSignInLogs", column: "DeviceDetail", want: "string"},
		{name: "SecurityEvent EventID is int", table: "SecurityEvent", column: "EventID", want: "int"},
		{name: "billing column of Log Analytics tables", table: "AuditLogs", column: "_BilledSize", want: "real"},
		{name: "TVM table gets Sentinel's time column", table: "DeviceTvmSoftwareVulnerabilities", column: "TimeGenerated", want: "datetime"},
		{name: "IdentityInfo has one Type column", table: "IdentityInfo", column: "Type", want: "string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields, ok := KnownSchema(tc.table)
			if !ok {
				t.Fatalf("%s is not built in", tc.table)
			}
			n := 0
			for _, f := range fields {
				if f.Name == tc.column {
					n++
					if got := f.Type.String(); got != tc.want {
						t.Errorf("%s.%s is %s, want %s", tc.table, tc.column, got, tc.want)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s has %d columns named %s, want 1", tc.table, n, tc.column)
			}
		})
	}
}
