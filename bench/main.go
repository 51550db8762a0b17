// Command bench times kqlhunt against DuckDB on generated UrlClickEvents data (issue 4): the seed rule over the
// raw JSON export (S1), over the stores (S2), the ingest itself (S3), and a hand-written loop over the two
// columns in memory (the physical limit). Each timed run is a child process, so that its peak memory (maxrss)
// is its own; kqlhunt and DuckDB runs alternate and the median of the repetitions is reported.
//
//	cd bench && go run . -rows 1000000,10000000 -out ../BENCHMARKS.md
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/storage"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// seedRule is the query of /work/shared/seed/blocked-clicks-trend.txt (the pinned seed rule).
const seedRule = `let TimeStart = startofday(ago(30d));
let TimeEnd = startofday(now());
UrlClickEvents
| where Timestamp >= TimeStart
| where ActionType == "ClickBlocked"
| make-series BlockedClicks = count() default = 0 on Timestamp from TimeStart to TimeEnd step 1d
| render timechart
`

const (
	genDays = 60 // twice the rule's window, so that half of the rows fall outside it
	bins    = 30
	// genChunk is the most rows one gen.Generate call makes (gen builds its rows in memory).
	genChunk = 2_500_000
)

// childResult is what a child process prints as its last line.
type childResult struct {
	Seconds float64 `json:"seconds"`
	Counts  []int64 `json:"counts,omitempty"`
	Rows    int64   `json:"rows,omitempty"`
	// PeakRSS is the child's own high-water mark (VmHWM), in bytes: rusage's maxrss would also count the
	// memory of the parent it was forked from, which Linux carries across exec.
	PeakRSS int64 `json:"peak_rss,omitempty"`
}

// peakRSS reads this process's resident-memory high-water mark from /proc/self/status (0 where unavailable).
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}

// config is what a child needs to know.
type config struct {
	raw, store, duckDB, now string
}

func main() {
	rowsFlag := flag.String("rows", "1000000", "comma-separated row counts to benchmark")
	reps := flag.Int("reps", 5, "timed repetitions per side (after one warm-up), median reported")
	work := flag.String("work", "/work/benchdata", "scratch folder for generated data and stores (removed at the end unless -keep)")
	out := flag.String("out", "", "write the results as Markdown to this file (BENCHMARKS.md)")
	keep := flag.Bool("keep", false, "keep the generated data")
	only := flag.String("only", "", "comma-separated scenarios to run (s1,s2,s3,limit); empty runs all")
	child := flag.String("child", "", "internal: run one timed side in this process")
	cpuProfile := flag.String("cpuprofile", "", "with -child: write a CPU profile of the run to this file")
	traceFile := flag.String("trace", "", "with -child: write an execution trace of the run to this file (go tool trace)")
	memProfile := flag.String("memprofile", "", "with -child: write a heap profile taken when the live heap was largest to this file")
	repeat := flag.Int("repeat", 1, "with -child: run the side this many times (to profile short runs); the last run is reported")
	var cfg config
	flag.StringVar(&cfg.raw, "raw", "", "internal: raw JSON folder")
	flag.StringVar(&cfg.store, "store", "", "internal: kqlhunt store folder")
	flag.StringVar(&cfg.duckDB, "duckdb", "", "internal: DuckDB database file")
	flag.StringVar(&cfg.now, "now", "", "internal: now() of the rule (RFC 3339)")
	flag.Parse()

	if *child != "" {
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fatalf("%v", err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fatalf("%v", err)
			}
		}
		if *traceFile != "" {
			f, err := os.Create(*traceFile)
			if err != nil {
				fatalf("%v", err)
			}
			if err := trace.Start(f); err != nil {
				fatalf("%v", err)
			}
			defer trace.Stop()
		}
		var stopHeap func() error
		if *memProfile != "" {
			stopHeap = profileLargestHeap(*memProfile)
		}
		res, err := runChild(*child, cfg)
		for i := 1; i < *repeat && err == nil; i++ {
			res, err = runChild(*child, cfg)
		}
		pprof.StopCPUProfile()
		trace.Stop()
		if stopHeap != nil {
			if err := stopHeap(); err != nil {
				fatalf("%v", err)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			os.Exit(1)
		}
		res.PeakRSS = peakRSS()
		enc, _ := json.Marshal(res)
		fmt.Println(string(enc))
		return
	}
	var sizes []int
	for _, s := range strings.Split(*rowsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatalf("bad -rows value %q", s)
		}
		sizes = append(sizes, n)
	}
	scenarios := map[string]bool{"s1": true, "s2": true, "s3": true, "limit": true}
	if *only != "" {
		clear(scenarios)
		for _, s := range strings.Split(*only, ",") {
			scenarios[strings.TrimSpace(s)] = true
		}
	}
	var reports []sizeReport
	for _, n := range sizes {
		rep, err := benchSize(n, *reps, *work, scenarios)
		if err != nil {
			fatalf("%d rows: %v", n, err)
		}
		reports = append(reports, rep)
		if !*keep {
			os.RemoveAll(filepath.Join(*work, strconv.Itoa(n)))
		}
	}
	md := markdown(reports, *reps)
	fmt.Print(md)
	if *out != "" {
		md = withNotes(md, *out)
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			fatalf("%v", err)
		}
	}
}

// profileLargestHeap samples the live heap every 50 ms and keeps a heap profile of the largest; the returned
// function stops sampling and writes that profile to path.
func profileLargestHeap(path string) func() error {
	stop := make(chan struct{})
	done := make(chan []byte)
	runtime.MemProfileRate = 64 << 10
	go func() {
		var largest uint64
		var best []byte
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				done <- best
				return
			case <-tick.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > largest {
				largest = ms.HeapInuse
				var buf strings.Builder
				if err := pprof.Lookup("heap").WriteTo(&buf, 0); err == nil {
					best = []byte(buf.String())
				}
			}
		}
	}()
	return func() error {
		close(stop)
		return os.WriteFile(path, <-done, 0o644)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

// measurement is the median of one side's timed runs.
type measurement struct {
	Name    string
	Seconds float64 // median
	All     []float64
	MaxRSS  int64 // bytes, the largest of the runs
}

type scenarioRow struct {
	Scenario string
	Kqlhunt  measurement
	DuckDB   []measurement // compared sides (S2 has two)
}

type sizeReport struct {
	Rows      int
	RawBytes  int64
	StoreSize int64
	DuckSize  int64
	GenSecs   float64
	Scenarios []scenarioRow
	LimitSecs float64
	LimitRows int
}

// benchSize generates n rows and runs every scenario on them.
func benchSize(n, reps int, work string, scenarios map[string]bool) (sizeReport, error) {
	rep := sizeReport{Rows: n}
	dir := filepath.Join(work, strconv.Itoa(n))
	raw := filepath.Join(dir, "raw")
	end := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	now := end.Add(36 * time.Hour) // TimeEnd = startofday(now) is the day after the last day generated
	cfg := config{raw: raw, store: filepath.Join(dir, "store"), duckDB: filepath.Join(dir, "duck.db"), now: now.Format(time.RFC3339)}

	if _, err := os.Stat(raw); err != nil {
		fmt.Fprintf(os.Stderr, "generating %d rows into %s\n", n, raw)
		start := time.Now()
		for part, done := 0, 0; done < n; part++ {
			rows := min(genChunk, n-done)
			_, err := gen.Generate(context.Background(), gen.Options{Table: "UrlClickEvents", Days: genDays, Rows: rows,
				Seed: int64(1 + part), End: end, Out: filepath.Join(raw, fmt.Sprintf("part%02d", part))})
			if err != nil {
				return rep, err
			}
			done += rows
			runtime.GC()
		}
		rep.GenSecs = time.Since(start).Seconds()
	}
	rep.RawBytes = dirSize(raw)

	// S3 first: its last runs leave the store and the DuckDB table that S2 reads.
	if scenarios["s3"] || scenarios["s2"] || scenarios["limit"] {
		row, err := compare("S3 ingest", reps, cfg, "s3-kqlhunt", "s3-duckdb")
		if err != nil {
			return rep, err
		}
		if scenarios["s3"] {
			rep.Scenarios = append(rep.Scenarios, row)
		}
	}
	rep.StoreSize, rep.DuckSize = dirSize(cfg.store), dirSize(cfg.duckDB)
	if scenarios["s1"] {
		if err := sameAnswer(cfg, "s1-kqlhunt", "s1-duckdb"); err != nil {
			return rep, err
		}
		row, err := compare("S1 raw JSON", reps, cfg, "s1-kqlhunt", "s1-duckdb")
		if err != nil {
			return rep, err
		}
		rep.Scenarios = append(rep.Scenarios, row)
	}
	if scenarios["s2"] {
		if err := sameAnswer(cfg, "s2-kqlhunt", "s2-duckdb-table", "s2-duckdb-parquet"); err != nil {
			return rep, err
		}
		row, err := compare("S2 stored", reps, cfg, "s2-kqlhunt", "s2-duckdb-table", "s2-duckdb-parquet")
		if err != nil {
			return rep, err
		}
		rep.Scenarios = append(rep.Scenarios, row)
	}
	if scenarios["limit"] {
		secs, rows, err := physicalLimit(cfg, reps)
		if err != nil {
			return rep, err
		}
		rep.LimitSecs, rep.LimitRows = secs, rows
	}
	return rep, nil
}

// sameAnswer runs each side once and checks that the 30 daily counts agree (and are not all zero).
func sameAnswer(cfg config, sides ...string) error {
	var want []int64
	for i, side := range sides {
		res, _, err := spawn(side, cfg)
		if err != nil {
			return err
		}
		if len(res.Counts) != bins {
			return fmt.Errorf("%s returned %d bins, want %d", side, len(res.Counts), bins)
		}
		if i == 0 {
			want = res.Counts
			var total int64
			for _, c := range want {
				total += c
			}
			if total == 0 {
				return fmt.Errorf("%s counted no blocked clicks: the data or the time window is wrong", side)
			}
			fmt.Fprintf(os.Stderr, "%s counts %v\n", side, want)
			continue
		}
		if !slices.Equal(res.Counts, want) {
			return fmt.Errorf("%s counts %v differ from %s counts %v", side, res.Counts, sides[0], want)
		}
	}
	return nil
}

// compare runs one warm-up and reps timed runs of each side, alternating sides.
func compare(name string, reps int, cfg config, kq string, duck ...string) (scenarioRow, error) {
	sides := append([]string{kq}, duck...)
	ms := make([]measurement, len(sides))
	for r := 0; r <= reps; r++ {
		for i, side := range sides {
			res, rss, err := spawn(side, cfg)
			if err != nil {
				return scenarioRow{}, err
			}
			fmt.Fprintf(os.Stderr, "%s %s run %d: %.3fs %d MB\n", name, side, r, res.Seconds, rss>>20)
			if r == 0 {
				continue // warm-up: file cache, first-run costs
			}
			ms[i].Name = side
			ms[i].All = append(ms[i].All, res.Seconds)
			ms[i].MaxRSS = max(ms[i].MaxRSS, rss)
		}
	}
	for i := range ms {
		s := slices.Clone(ms[i].All)
		slices.Sort(s)
		ms[i].Seconds = s[len(s)/2]
	}
	return scenarioRow{Scenario: name, Kqlhunt: ms[0], DuckDB: ms[1:]}, nil
}

// spawn runs one side in a child process and returns its result and peak resident memory in bytes.
func spawn(side string, cfg config) (childResult, int64, error) {
	exe, err := os.Executable()
	if err != nil {
		return childResult{}, 0, err
	}
	cmd := exec.Command(exe, "-child", side, "-raw", cfg.raw, "-store", cfg.store, "-duckdb", cfg.duckDB, "-now", cfg.now)
	cmd.Stderr = os.Stderr
	outp, err := cmd.Output()
	if err != nil {
		return childResult{}, 0, fmt.Errorf("%s: %w", side, err)
	}
	lines := strings.Split(strings.TrimSpace(string(outp)), "\n")
	var res childResult
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return childResult{}, 0, fmt.Errorf("%s: bad output %q: %w", side, outp, err)
	}
	rss := res.PeakRSS
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && rss == 0 {
		rss = int64(ru.Maxrss) * 1024 // Linux reports kilobytes; includes the parent's memory at fork
	}
	return res, rss, nil
}

// runChild runs one side once, timing only the work (not the process start).
func runChild(side string, cfg config) (childResult, error) {
	now, err := time.Parse(time.RFC3339, cfg.now)
	if err != nil {
		return childResult{}, err
	}
	ctx := context.Background()
	start := time.Now()
	var res childResult
	switch side {
	case "s1-kqlhunt":
		// As kqlhunt run reads raw files: the engine plans the rule against the files' tables, and the loader
		// reads what its scan asks for (two columns, the blobs from TimeStart on).
		src := source.New("seed.kql", seedRule)
		ds, err := ingest.LoadFor(ctx, []string{cfg.raw}, ingest.Options{}, func(cat catalog.Catalog) (map[string]ingest.TableNeeds, error) {
			reqs, err := engine.OpenScanRequests(src, engine.Options{Now: now, Catalog: cat})
			if err != nil {
				return nil, err
			}
			return ingest.NeedsOf(reqs), nil
		})
		if err != nil {
			return res, err
		}
		if ds.Pruned == nil {
			return res, fmt.Errorf("the raw files were read whole: %s", ds.ReadAll)
		}
		if len(ds.Problems) > 0 {
			return res, fmt.Errorf("loading the raw files: %v", ds.Problems[0])
		}
		res.Counts, err = runSeed(ctx, ds.Catalog, now)
		if err != nil {
			return res, err
		}
	case "s2-kqlhunt":
		st, err := storage.Open(cfg.store)
		if err != nil {
			return res, err
		}
		res.Counts, err = runSeed(ctx, st.Catalog(), now)
		if err != nil {
			return res, err
		}
	case "s3-kqlhunt":
		if err := os.RemoveAll(cfg.store); err != nil {
			return res, err
		}
		start = time.Now()
		st, err := storage.Open(cfg.store)
		if err != nil {
			return res, err
		}
		sum, err := ingestPaths(ctx, st, cfg.raw)
		if err != nil {
			return res, err
		}
		if sum.Quarantined > 0 {
			return res, fmt.Errorf("ingest quarantined %d records", sum.Quarantined)
		}
		res.Rows = int64(sum.Stored)
	case "s1-duckdb", "s2-duckdb-table", "s2-duckdb-parquet", "s3-duckdb":
		return runDuck(side, cfg, now)
	default:
		return res, fmt.Errorf("unknown side %q", side)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// ingestPaths is what `kqlhunt ingest PATH --into STORE` does with the store's API.
func ingestPaths(ctx context.Context, st *storage.Store, path string) (*storage.IngestSummary, error) {
	pending, _, err := st.PendingFiles([]string{path})
	if err != nil {
		return nil, err
	}
	files := make([]string, len(pending))
	for i, f := range pending {
		files[i] = f.Path
	}
	// The files are loaded a group at a time (ingest.Stream), so memory holds one group's rows.
	stream := ingest.NewStream(files, ingest.Options{KeepFileBatches: true, HashFiles: true})
	src := storage.FromSteps(pending, func(ctx context.Context) (storage.LoadStep, error) {
		ds, err := stream.Next(ctx)
		if err != nil {
			return storage.LoadStep{}, err
		}
		step := storage.LoadStep{Catalog: ds.Catalog, Hashes: map[string]storage.SourceFile{}}
		for path, d := range ds.Hashes {
			step.Hashes[path] = storage.SourceFile{Path: path, Size: d.Size, SHA256: d.SHA256}
		}
		for _, p := range ds.Problems {
			if p.Skipped { // a kept row with a repaired value is stored, not quarantined
				step.Problems = append(step.Problems, storage.Problem{File: p.File, Line: p.Line, Reason: p.Message})
			}
		}
		return step, nil
	})
	defer src.Close() // a failed ingest leaves the next group loading
	return st.Ingest(ctx, src, storage.IngestOptions{})
}

// runSeed runs the seed rule and returns its 30 daily counts.
func runSeed(ctx context.Context, cat catalog.Catalog, now time.Time) ([]int64, error) {
	res, err := engine.Run(ctx, source.New("seed.kql", seedRule), engine.Options{Now: now, Catalog: cat})
	if err != nil {
		return nil, err
	}
	t := res.Table
	for i, f := range t.Fields {
		if f.Name != "BlockedClicks" {
			continue
		}
		if t.NumRows() != 1 {
			return nil, fmt.Errorf("make-series returned %d rows, want 1", t.NumRows())
		}
		var counts []int64
		if err := json.Unmarshal([]byte(types.FormatJSON(t.Cols[i].Value(0).D)), &counts); err != nil {
			return nil, fmt.Errorf("BlockedClicks: %w", err)
		}
		return counts, nil
	}
	return nil, errors.New("the result has no BlockedClicks column")
}

// Day bounds of the rule, as DuckDB timestamp literals.
func ruleWindow(now time.Time) (start, end time.Time) {
	end = now.UTC().Truncate(24 * time.Hour)
	start = now.UTC().Add(-30 * 24 * time.Hour).Truncate(24 * time.Hour)
	return start, end
}

// duckSeedSQL is the seed rule over a relation with columns ts and a (ActionType); literal is the type of ts
// (TIMESTAMP, or TIMESTAMPTZ for the kqlhunt Parquet files, whose nanosecond UTC times DuckDB cannot cast to
// TIMESTAMP), so that the time filter compares the column as it is stored.
func duckSeedSQL(from, literal string, now time.Time) string {
	start, end := ruleWindow(now)
	const layout = "2006-01-02 15:04:05+00"
	return fmt.Sprintf(`SELECT (epoch_us(ts) - %d) // %d AS bin, count(*) AS n
FROM (%s) WHERE ts >= %s '%s' AND ts < %s '%s' AND a = 'ClickBlocked' GROUP BY bin ORDER BY bin`,
		start.UnixMicro(), int64(24*time.Hour/time.Microsecond), from, literal, start.Format(layout), literal, end.Format(layout))
}

// rawJSONGlob is every Streaming API blob under the raw folder.
func rawJSONGlob(raw string) string { return filepath.Join(raw, "**", "*.json") }

func runDuck(side string, cfg config, now time.Time) (childResult, error) {
	var res childResult
	dsn := ""
	switch side {
	case "s2-duckdb-table":
		dsn = cfg.duckDB
	case "s3-duckdb":
		for _, p := range []string{cfg.duckDB, cfg.duckDB + ".wal"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return res, err
			}
		}
		dsn = cfg.duckDB
	}
	start := time.Now()
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		return res, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	readJSON := fmt.Sprintf("read_json('%s', format = 'newline_delimited')", rawJSONGlob(cfg.raw))
	var query string
	switch side {
	case "s1-duckdb":
		query = duckSeedSQL(fmt.Sprintf("SELECT CAST(properties.Timestamp AS TIMESTAMP) AS ts, properties.ActionType AS a FROM %s", readJSON), "TIMESTAMP", now)
	case "s2-duckdb-table":
		query = duckSeedSQL("SELECT CAST(Timestamp AS TIMESTAMP) AS ts, ActionType AS a FROM UrlClickEvents", "TIMESTAMP", now)
	case "s2-duckdb-parquet":
		query = duckSeedSQL(fmt.Sprintf("SELECT CAST(Timestamp AS TIMESTAMPTZ) AS ts, ActionType AS a FROM read_parquet('%s')",
			filepath.Join(cfg.store, "**", "*.parquet")), "TIMESTAMPTZ", now)
	case "s3-duckdb":
		r, err := db.Exec(fmt.Sprintf("CREATE TABLE UrlClickEvents AS SELECT properties.* FROM %s", readJSON))
		if err != nil {
			return res, err
		}
		if _, err := db.Exec("CHECKPOINT"); err != nil {
			return res, err
		}
		res.Rows, _ = r.RowsAffected()
		res.Seconds = time.Since(start).Seconds()
		return res, nil
	}
	rows, err := db.Query(query)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	res.Counts = make([]int64, bins)
	for rows.Next() {
		var bin, n int64
		if err := rows.Scan(&bin, &n); err != nil {
			return res, err
		}
		if bin < 0 || bin >= bins {
			return res, fmt.Errorf("DuckDB returned day %d outside the window", bin)
		}
		res.Counts[bin] = n
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// physicalLimit loads Timestamp and ActionType from the store into two slices and times a plain loop that
// computes the rule's 30 counts on one core: the least work any engine must do over these columns.
func physicalLimit(cfg config, reps int) (float64, int, error) {
	now, _ := time.Parse(time.RFC3339, cfg.now)
	st, err := storage.Open(cfg.store)
	if err != nil {
		return 0, 0, err
	}
	tab, ok := st.Catalog().Table("UrlClickEvents")
	if !ok {
		return 0, 0, errors.New("no UrlClickEvents in the store")
	}
	r, err := tab.Scan(context.Background(), catalog.ScanRequest{Columns: []string{"Timestamp", "ActionType"}})
	if err != nil {
		return 0, 0, err
	}
	var ts []int64
	var actions []string
	for {
		b, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		ti, ai := -1, -1
		for i, f := range b.Fields {
			switch f.Name {
			case "Timestamp":
				ti = i
			case "ActionType":
				ai = i
			}
		}
		for row := 0; row < b.NumRows(); row++ {
			ts = append(ts, b.Cols[ti].Value(row).I)
			actions = append(actions, b.Cols[ai].Value(row).S)
		}
	}
	r.Close()
	start, end := ruleWindow(now)
	lo, hi := types.TimeToTicks(start), types.TimeToTicks(end)
	var best float64
	for i := 0; i < reps; i++ {
		var counts [bins]int64
		t0 := time.Now()
		for j, t := range ts {
			if t >= lo && t < hi && actions[j] == "ClickBlocked" {
				counts[(t-lo)/types.TicksPerDay]++
			}
		}
		secs := time.Since(t0).Seconds()
		if i == 0 || secs < best {
			best = secs
		}
		if counts == [bins]int64{} {
			return 0, 0, errors.New("the loop counted nothing")
		}
	}
	return best, len(ts), nil
}

func dirSize(path string) int64 {
	var n int64
	filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n
}
