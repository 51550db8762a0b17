package rules

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheckRule checks that no rule file makes the checker panic, and that every finding is positioned inside
// the file.
func FuzzCheckRule(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "rules", "broken", "*.yaml"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("query: |\n    T\n  | take 1\nentityMappings: [{entityType: IP, fieldMappings: [{identifier: Address, columnName: x}]}]\n"))
	f.Add([]byte("kind: Scheduled\nqueryFrequency: 1.02:00:00\nqueryPeriod: \"99999999999d\"\nquery: T\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &checker{ids: map[string]Finding{}}
		c.checkFile("f.yaml", "yaml", data)
		lines := 1
		for _, b := range data {
			if b == '\n' {
				lines++
			}
		}
		for _, fd := range c.findings {
			if fd.Line < 1 || fd.Line > lines+1 || fd.Col < 1 {
				t.Fatalf("finding outside the file (%d lines): %s", lines, fd)
			}
		}
	})
}
