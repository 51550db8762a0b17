package gen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// TestEveryKnownTableGenerates checks that gen writes every built-in table and that ingest reads it back under
// the same name with the built-in schema and all the rows.
func TestEveryKnownTableGenerates(t *testing.T) {
	tables := Tables()
	for _, name := range catalog.KnownTables() {
		found := false
		for _, g := range tables {
			found = found || g == name
		}
		if !found {
			t.Errorf("gen has no generator for the built-in table %s", name)
		}
	}
	for _, name := range tables {
		t.Run(name, func(t *testing.T) {
			const rows = 37
			sum, dir := generate(t, Options{Table: name, Days: 3, Rows: rows, Seed: 11, End: testEnd})
			if sum.Rows != rows {
				t.Fatalf("Summary.Rows = %d, want %d", sum.Rows, rows)
			}
			ds, err := ingest.Load(context.Background(), []string{dir}, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ds.Problems {
				t.Errorf("ingest problem: %s", p)
			}
			if len(ds.Catalog) != 1 {
				t.Fatalf("ingest found tables %v, want only %s", ds.Catalog.TableNames(), name)
			}
			tab, ok := ds.Catalog.Table(name)
			if !ok {
				t.Fatalf("ingest found tables %v, want %s", ds.Catalog.TableNames(), name)
			}
			want, _ := catalog.KnownSchema(name)
			got := tab.Schema()
			if _, schemaDriven := generators[strings.ToLower(name)].(*schemaTable); !schemaDriven && len(got) > len(want) {
				got = got[:len(want)] // hand-written generators also write the undocumented columns real exports carry
			}
			if !sameFields(got, want) {
				t.Errorf("schema after ingest:\n got %v\nwant %v", got, want)
			}
			if ds.Rows[name] != rows {
				t.Errorf("ingest read %d rows, want %d", ds.Rows[name], rows)
			}
			checkNonNullShare(t, tab, want)
		})
	}
}

func sameFields(a, b []types.Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkNonNullShare asserts that TimeGenerated is always set (from Timestamp for Defender tables).
func checkNonNullShare(t *testing.T, tab catalog.Table, fields []types.Field) {
	t.Helper()
	mem, ok := tab.(*catalog.MemTable)
	if !ok {
		return
	}
	for _, b := range mem.Batches {
		for _, col := range []string{"TimeGenerated"} {
			idx := -1
			for i, f := range fields {
				if f.Name == col {
					idx = i
				}
			}
			if idx < 0 || idx >= len(b.Cols) {
				continue
			}
			c := b.Cols[idx]
			for i := 0; i < c.Len(); i++ {
				if c.Nulls.Get(i) {
					t.Errorf("%s row %d is null", col, i)
					break
				}
			}
		}
	}
}

func TestSchemaTableDeterministic(t *testing.T) {
	tests := []struct {
		name  string
		table string
		file  string // a file the layout must contain
	}{
		{name: "Log Analytics table as JSON lines", table: "SigninLogs", file: "SigninLogs.json"},
		{name: "Defender table in the storage layout", table: "DeviceProcessEvents", file: "insights-logs-advancedhunting-deviceprocessevents"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := catalog.KnownSchema(tc.table); !ok {
				t.Skipf("%s is not a built-in table", tc.table)
			}
			opts := Options{Table: tc.table, Days: 4, Rows: 300, Seed: 5, End: testEnd}
			_, dirA := generate(t, opts)
			_, dirB := generate(t, opts)
			a, b := readTree(t, dirA), readTree(t, dirB)
			if len(a) == 0 || len(a) != len(b) {
				t.Fatalf("file counts differ or zero: %d vs %d", len(a), len(b))
			}
			for p, data := range a {
				if !bytes.Equal(data, b[p]) {
					t.Fatalf("%s differs between two runs with the same seed", p)
				}
			}
			if _, err := os.Stat(filepath.Join(dirA, tc.file)); err != nil {
				t.Errorf("layout has no %s: %v", tc.file, err)
			}
			opts.Seed = 6
			_, dirC := generate(t, opts)
			c := readTree(t, dirC)
			same := true
			for p, data := range a {
				same = same && bytes.Equal(data, c[p])
			}
			if same {
				t.Error("a different seed gave the same data")
			}
		})
	}
}

// TestHuntingFiltersMatch checks that typical hunting filters find rows in generated data.
func TestHuntingFiltersMatch(t *testing.T) {
	tests := []struct {
		name    string
		table   string
		needles []string // each must occur in the generated text
	}{
		{name: "encoded PowerShell", table: "DeviceProcessEvents", needles: []string{`"FileName":"powershell.exe"`, "-enc", `"ActionType":"ProcessCreated"`}},
		{name: "sign-in successes and bad passwords", table: "SigninLogs", needles: []string{`"ResultType":"0"`, `"ResultType":"50126"`, `"Type":"SigninLogs"`}},
		{name: "network connections", table: "DeviceNetworkEvents", needles: []string{`"ActionType":"ConnectionSuccess"`, `"RemotePort":443`}},
		{name: "failed logons", table: "SecurityEvent", needles: []string{`"EventID":4625`, `"EventID":4624`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := catalog.KnownSchema(tc.table); !ok {
				t.Skipf("%s is not a built-in table", tc.table)
			}
			// The rarest needle ("-enc") is in about 1 row of 600, so 20000 rows find it whatever the
			// seed and whatever columns the schema adds to the random stream.
			_, dir := generate(t, Options{Table: tc.table, Days: 7, Rows: 20000, Seed: 3, End: testEnd})
			var all strings.Builder
			for _, data := range readTree(t, dir) {
				all.Write(data)
			}
			for _, n := range tc.needles {
				if !strings.Contains(all.String(), n) {
					t.Errorf("generated %s has no %s", tc.table, n)
				}
			}
		})
	}
}

func TestIdentityInfoKeepsItsOwnType(t *testing.T) {
	if _, ok := catalog.KnownSchema("IdentityInfo"); !ok {
		t.Skip("IdentityInfo is not a built-in table")
	}
	_, dir := generate(t, Options{Table: "IdentityInfo", Days: 2, Rows: 200, Seed: 9, End: testEnd})
	var all strings.Builder
	for _, data := range readTree(t, dir) {
		all.Write(data)
	}
	for _, want := range []string{`"Type":"User"`, `"Type":"ServiceAccount"`} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("generated IdentityInfo has no %s", want)
		}
	}
	if strings.Contains(all.String(), `"Type":"IdentityInfo"`) {
		t.Error(`IdentityInfo's Type holds the table name, want the kind of identity`)
	}
}
