package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/render"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

// rawLoadData generates 60 days of UrlClickEvents and EmailEvents as the Streaming API writes them, ending on
// the day of pinnedNow.
func rawLoadData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	end := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, g := range []gen.Options{
		{Table: "UrlClickEvents", Days: 60, Rows: 3000, Seed: 5, End: end, Out: dir},
		{Table: "EmailEvents", Days: 60, Rows: 1000, Seed: 5, End: end, Out: dir},
	} {
		if _, err := gen.Generate(context.Background(), g); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var blobPath = regexp.MustCompile(`insights-logs-advancedhunting-(\w+)/.*y=(\d+)/m=(\d+)/d=(\d+)/h=(\d+)/`)

// blobsBefore counts, per table, the blobs under dir and those whose hour ends at or before minTime (a time of
// the query's window, as the test computes it apart from kqlhunt), reading only their paths.
func blobsBefore(t *testing.T, dir string, minTime time.Time) (all, before map[string]int) {
	t.Helper()
	all, before = map[string]int{}, map[string]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		m := blobPath.FindStringSubmatch(filepath.ToSlash(path))
		if m == nil {
			t.Fatalf("%s is not a Streaming API blob", path)
		}
		var v [4]int
		for i := range v {
			v[i], _ = strconv.Atoi(m[i+2])
		}
		all[m[1]]++
		if end := time.Date(v[0], time.Month(v[1]), v[2], v[3]+1, 0, 0, 0, time.UTC); !end.After(minTime) {
			before[m[1]]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all, before
}

// fullLoadResult runs src over every column of every file, as kqlhunt did before it read only what a query
// needs, and returns the result as --format json prints it.
func fullLoadResult(t *testing.T, dir string, src *source.Source, now time.Time) string {
	t.Helper()
	ds, err := ingest.Load(context.Background(), []string{dir}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), src, engine.Options{Now: now, Catalog: ds.Catalog})
	if err != nil {
		t.Fatalf("over the full load: %v", err)
	}
	var b bytes.Buffer
	if err := render.WriteTable(&b, res.Table, "json"); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// batchColumnNames returns the sorted names of the columns the batches of a loaded table hold.
func batchColumnNames(t *testing.T, cat catalog.Catalog, table string) []string {
	t.Helper()
	tab, ok := cat.Table(table)
	if !ok {
		t.Fatalf("no table %s", table)
	}
	set := map[string]bool{}
	for _, b := range tab.(*catalog.MemTable).Batches {
		for _, f := range b.Fields {
			set[f.Name] = true
		}
	}
	var names []string
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// TestRunReadsWhatTheQueryNeeds runs queries over generated Streaming API data: reading only the columns and
// the blobs a query needs gives the result of reading every column of every file, and reads what the query
// needs and no more.
func TestRunReadsWhatTheQueryNeeds(t *testing.T) {
	dir := rawLoadData(t)
	now, _ := time.Parse(time.RFC3339, pinnedNow)
	day := 24 * time.Hour
	today := now.Truncate(day)
	seed, err := rules.Load(exampleRule)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		query string // "" runs the seed rule with kqlhunt run
		// columns are the columns asked of each table read in part, sorted, and alsoRead those read with them;
		// minTime the start of its time range (zero: every blob); whole the tables read whole, readAll set when
		// every file is read whole
		columns  map[string][]string
		alsoRead []string
		minTime  map[string]time.Time
		whole    []string
		readAll  string
	}{
		{
			name:    "the seed rule",
			columns: map[string][]string{"UrlClickEvents": {"ActionType", "Timestamp"}},
			minTime: map[string]time.Time{"UrlClickEvents": today.Add(-30 * day)},
		},
		{
			name: "the table read twice with different time ranges",
			query: `let recent = UrlClickEvents | where Timestamp > ago(3d) | summarize Recent = count() by AccountUpn;
UrlClickEvents | where Timestamp >= ago(20d) | summarize Older = count() by AccountUpn
| join kind=leftouter recent on AccountUpn | project AccountUpn, Older, Recent = coalesce(Recent, 0)
| sort by Older desc, AccountUpn asc | take 10`,
			columns: map[string][]string{"UrlClickEvents": {"AccountUpn", "Timestamp"}},
			minTime: map[string]time.Time{"UrlClickEvents": now.Add(-20 * day)},
		},
		{
			name: "a join of two tables with their own time ranges",
			query: `UrlClickEvents | where Timestamp > ago(7d) | where ActionType == "ClickBlocked" | project NetworkMessageId, Url
| join kind=inner (EmailEvents | where Timestamp > ago(10d) | project NetworkMessageId, Subject) on NetworkMessageId
| summarize n = count() by Subject | sort by n desc, Subject asc`,
			columns: map[string][]string{"UrlClickEvents": {"ActionType", "NetworkMessageId", "Timestamp", "Url"}, "EmailEvents": {"NetworkMessageId", "Subject", "Timestamp"}},
			minTime: map[string]time.Time{"UrlClickEvents": now.Add(-7 * day), "EmailEvents": now.Add(-10 * day)},
		},
		{
			name:    "no time filter",
			query:   `UrlClickEvents | summarize n = count() by Workload, ActionType | sort by Workload asc, ActionType asc`,
			columns: map[string][]string{"UrlClickEvents": {"ActionType", "Workload"}},
		},
		{
			name:     "project-away names a column it does not read",
			query:    `UrlClickEvents | where TimeGenerated >= ago(5d) | project-away Url | summarize n = count() by bin(TimeGenerated, 1d) | sort by TimeGenerated asc`,
			columns:  map[string][]string{"UrlClickEvents": {"TimeGenerated"}},
			alsoRead: []string{"Timestamp"}, // TimeGenerated is derived from it
			minTime:  map[string]time.Time{"UrlClickEvents": now.Add(-5 * day)},
		},
		{
			name:    "an undocumented column the data holds",
			query:   `UrlClickEvents | where Timestamp > ago(7d) | summarize n = count() by AppName | sort by AppName asc`,
			readAll: "the query does not check against the built-in schemas (1:71: error: Failed to resolve scalar expression named 'AppName')",
		},
		{
			name:    "an undocumented column looked up by name",
			query:   `UrlClickEvents | where Timestamp > ago(7d) | summarize n = count() by tostring(column_ifexists("IsFirstContact", "")) | sort by n desc`,
			whole:   []string{"UrlClickEvents"},
			columns: map[string][]string{},
		},
		{
			name:    "every column",
			query:   `UrlClickEvents | take 3`,
			whole:   []string{"UrlClickEvents"},
			columns: map[string][]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := seed.QuerySource
			args := []string{"run", exampleRule}
			if tc.query != "" {
				src = source.New("", tc.query)
				args = []string{"query", tc.query}
			}
			code, stdout, stderr := cli(t, append(args, "--data", dir, "--now", pinnedNow, "--format", "json")...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if want := fullLoadResult(t, dir, src, now); stdout != want {
				t.Errorf("result\n%s\nwith every column of every file\n%s", stdout, want)
			}

			// What was read: the load the command made, made again.
			ds, err := ingest.LoadFor(context.Background(), []string{dir}, ingest.Options{}, queryPlanner([]*source.Source{src}, engine.Options{Now: now}, nil))
			if err != nil {
				t.Fatal(err)
			}
			if ds.ReadAll != tc.readAll {
				t.Fatalf("ReadAll = %q, want %q", ds.ReadAll, tc.readAll)
			}
			all, _ := blobsBefore(t, dir, time.Time{})
			total := all["urlclickevents"] + all["emailevents"]
			if tc.readAll != "" {
				if ds.Pruned != nil || ds.Files != total {
					t.Errorf("read %d of %d files, pruned %+v", ds.Files, total, ds.Pruned)
				}
				if line := "Read every column of every file: " + tc.readAll; !strings.Contains(stderr, line) {
					t.Errorf("stderr lacks %q:\n%s", line, stderr)
				}
				return
			}
			var summary []string
			for _, table := range tc.whole {
				summary = append(summary, "every column of "+table)
			}
			wantFiles, notOpened := total, 0
			for _, table := range []string{"EmailEvents", "UrlClickEvents"} {
				folder := strings.ToLower(table)
				cols, inPart := tc.columns[table]
				if !inPart && !slices.Contains(tc.whole, table) {
					wantFiles -= all[folder]
					if got := ds.Pruned.Unread[table]; got != all[folder] {
						t.Errorf("%d files of %s not opened, want all %d", got, table, all[folder])
					}
					continue
				}
				if !inPart {
					continue
				}
				read := slices.Sorted(slices.Values(append(slices.Clone(cols), tc.alsoRead...)))
				if got := batchColumnNames(t, ds.Catalog, table); !slices.Equal(got, read) {
					t.Errorf("read %v of %s, want %v", got, table, read)
				}
				if _, before := blobsBefore(t, dir, tc.minTime[table]); !tc.minTime[table].IsZero() {
					wantFiles -= before[folder]
					notOpened += before[folder]
				}
			}
			if ds.Files != wantFiles || ds.BeforeRange != notOpened {
				t.Errorf("read %d files and left %d out for the time range, want %d and %d", ds.Files, ds.BeforeRange, wantFiles, notOpened)
			}
			if notOpened == 0 && len(tc.minTime) > 0 {
				t.Fatal("no blob ends before the time range: the test proves nothing")
			}
			// The summary on stderr says the same.
			for _, table := range slices.Sorted(maps.Keys(tc.columns)) {
				fields, _ := catalog.KnownSchema(table)
				summary = append(summary, fmt.Sprintf("%d of %d documented columns of %s", len(tc.columns[table]), len(fields), table))
			}
			if notOpened > 0 {
				summary = append(summary, fmt.Sprintf("%d files not opened, ending before the query's time range", notOpened))
			}
			if _, inPart := tc.columns["EmailEvents"]; !inPart {
				summary = append(summary, fmt.Sprintf("%d files of EmailEvents not opened, the query does not read it", all["emailevents"]))
			}
			loaded := fmt.Sprintf("Loaded %d rows from %d files: ", rowsOf(ds), wantFiles)
			if !strings.Contains(stderr, loaded) {
				t.Errorf("stderr lacks %q:\n%s", loaded, stderr)
			}
			re := regexp.MustCompile(`Read only what the query needs: (.*)`)
			m := re.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("no summary of what was read:\n%s", stderr)
			}
			// the columns are listed after their count: compare without them
			got := regexp.MustCompile(` \([^)]*\)`).ReplaceAllString(m[1], "")
			if want := strings.Join(summary, "; "); got != want {
				t.Errorf("summary %q, want %q", got, want)
			}
		})
	}
}

// rowsOf is the number of rows a load read.
func rowsOf(ds *ingest.Dataset) int {
	n := 0
	for _, r := range ds.Rows {
		n += r
	}
	return n
}

// TestLoadForPlansExclusionCounts checks that a tuned rule reads what its exclusion counts read too: every
// blob, since they count over the whole table.
func TestLoadForPlansExclusionCounts(t *testing.T) {
	dir := rawLoadData(t)
	code, _, stderr := cli(t, "run", exampleRule, "--data", dir, "--now", pinnedNow, "--tuning", exampleTuning)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	all, _ := blobsBefore(t, dir, time.Time{})
	if strings.Contains(stderr, "ending before the query's time range") || !strings.Contains(stderr, fmt.Sprintf("Loaded %d rows from %d files", 3000+1000, all["urlclickevents"]+all["emailevents"])) {
		t.Errorf("the exclusions count over every row, so every blob is read:\n%s", stderr)
	}
	if !regexp.MustCompile(`Read only what the query needs: \d+ of \d+ documented columns of EmailEvents \([^)]*\); \d+ of \d+ documented columns of UrlClickEvents`).MatchString(stderr) {
		t.Errorf("stderr lacks the columns read:\n%s", stderr)
	}
}
