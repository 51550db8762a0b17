package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ingestSteps are the failure points of an ingest, in the order it reaches them.
var ingestSteps = []string{
	"part-written", "part-synced", "part-renamed",
	"sources-written", "sources-synced",
	"quarantine-written", "quarantine-synced",
	"manifest-written", "manifest-synced",
	"state-written", "state-synced",
}

// secondIngest is the ingest the atomicity tests interrupt: two tables (one new), several days, problems.
func secondIngest(t *testing.T, srcDir string) (*sliceSource, IngestOptions) {
	t.Helper()
	src := writeSourceFile(t, srcDir, "second.json", "second export")
	return &sliceSource{files: []SourceFile{src}, batches: []SourceBatch{
			{Table: "UrlClickEvents", Rows: eventsTable(900, 3, 5)},
			{Table: "EmailEvents", Rows: eventsTable(300, 2, 6)},
		}}, IngestOptions{
			Problems:     []Problem{{File: src.Path, Line: 4, Reason: "bad record"}},
			RowGroupRows: 200,
			Now:          func() time.Time { return time.Date(2024, 3, 5, 1, 2, 3, 0, time.UTC) },
		}
}

// firstIngest fills a store with the data the interrupted ingest must leave alone.
func firstIngest(t *testing.T, dir, srcDir string) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := writeSourceFile(t, srcDir, "first.json", "first export")
	mustIngest(t, s, &sliceSource{files: []SourceFile{src}, batches: []SourceBatch{{Table: "UrlClickEvents", Rows: eventsTable(500, 2, 1)}}}, IngestOptions{RowGroupRows: 200})
}

// checkComplete checks that a store holds both ingests, and no file its state does not name.
func checkComplete(t *testing.T, dir string) {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	infos := s.Tables()
	got := map[string]int64{}
	for _, i := range infos {
		got[i.Name] = i.Rows
	}
	if got["UrlClickEvents"] != 1400 || got["EmailEvents"] != 300 || len(got) != 2 {
		t.Errorf("rows per table %v, want UrlClickEvents 1400, EmailEvents 300", got)
	}
	checkNoStrayFiles(t, s)
}

// checkNoStrayFiles checks that every file in the store is named by its committed state.
func checkNoStrayFiles(t *testing.T, s *Store) {
	t.Helper()
	want := []string{stateFileName}
	for _, name := range s.TableNames() {
		want = append(want, filepath.ToSlash(s.state.Tables[name]))
		for _, f := range s.tables[name].files {
			want = append(want, filepath.ToSlash(filepath.Join(s.tables[name].dir, f.Path)))
		}
	}
	for _, ing := range s.state.Ingests {
		if ing.Quarantine != "" {
			want = append(want, ing.Quarantine)
		}
		if ing.SourcesFile != "" {
			want = append(want, ing.SourcesFile)
		}
	}
	slices.Sort(want)
	if got := storeFiles(t, s.dir); !slices.Equal(got, want) {
		t.Errorf("store files\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestIngestFailureAtEachStepLeavesStoreUnchanged(t *testing.T) {
	errInjected := errors.New("injected failure")
	for _, step := range ingestSteps {
		t.Run(step, func(t *testing.T) {
			dir, srcDir := t.TempDir(), t.TempDir()
			firstIngest(t, dir, srcDir)
			before := snapshot(t, dir)
			filesBefore := storeFiles(t, dir)

			s, _ := Open(dir)
			var reached atomic.Bool // part writers run concurrently
			failHook = func(at string) error {
				if at == step {
					reached.Store(true)
					return errInjected
				}
				return nil
			}
			src, opts := secondIngest(t, srcDir)
			_, err := s.Ingest(context.Background(), src, opts)
			failHook = nil
			if !reached.Load() {
				t.Fatalf("the ingest never reached %s", step)
			}
			if !errors.Is(err, errInjected) {
				t.Fatalf("err %v, want the injected failure", err)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("store changed by a failed ingest")
			}
			if got := storeFiles(t, dir); !slices.Equal(got, filesBefore) {
				t.Errorf("files after the failure\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(filesBefore, "\n"))
			}
			// The same ingest run again completes.
			src, opts = secondIngest(t, srcDir)
			mustIngest(t, s, src, opts)
			checkComplete(t, dir)
		})
	}
}

// The child half of TestKilledIngestLeavesStoreUnchanged: ingest into $STORAGE_KILL_DIR, stopping at step
// $STORAGE_KILL_STEP to say so on stdout and wait to be killed.
func TestKilledIngestChild(t *testing.T) {
	dir, step := os.Getenv("STORAGE_KILL_DIR"), os.Getenv("STORAGE_KILL_STEP")
	if dir == "" {
		t.Skip("run by TestKilledIngestLeavesStoreUnchanged")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	failHook = func(at string) error {
		if at == step {
			once.Do(func() { fmt.Println("AT " + step) })
			os.Stdout.Sync()
			time.Sleep(time.Minute)
		}
		return nil
	}
	src, opts := secondIngest(t, os.Getenv("STORAGE_KILL_SRC"))
	mustIngest(t, s, src, opts)
}

func TestKilledIngestLeavesStoreUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	for _, step := range append(slices.Clone(ingestSteps), "committed") {
		t.Run(step, func(t *testing.T) {
			dir, srcDir := t.TempDir(), t.TempDir()
			firstIngest(t, dir, srcDir)
			before := snapshot(t, dir)

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, exe, "-test.run=^TestKilledIngestChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "STORAGE_KILL_DIR="+dir, "STORAGE_KILL_STEP="+step, "STORAGE_KILL_SRC="+srcDir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			reached := false
			for sc.Scan() {
				if sc.Text() == "AT "+step {
					reached = true
					break
				}
			}
			cmd.Process.Kill() // SIGKILL: no deferred code runs in the child
			cmd.Wait()
			if !reached {
				t.Fatalf("the child never reached %s", step)
			}
			if step == "committed" {
				// Killed after the commit: the ingest is complete, and its garbage goes with the next ingest.
				s, _ := Open(dir)
				mustIngest(t, s, &sliceSource{}, IngestOptions{})
				checkComplete(t, dir)
				return
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("store changed by a killed ingest")
			}
			// A re-run removes what the killed ingest left and completes.
			s, _ := Open(dir)
			src, opts := secondIngest(t, srcDir)
			mustIngest(t, s, src, opts)
			checkComplete(t, dir)
		})
	}
}
