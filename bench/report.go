package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// markdown renders the results as BENCHMARKS.md.
func markdown(reports []sizeReport, reps int) string {
	var b strings.Builder
	b.WriteString("# Benchmarks: kqlhunt vs DuckDB (issue 4)\n\n")
	fmt.Fprintf(&b, "Produced by `bench/run.sh %s %d` (`cd bench && go run . -rows %s -reps %d -out ../BENCHMARKS.md`) on %s.\n\n",
		sizesList(reports), reps, sizesList(reports), reps, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Machine: %s, %d cores (GOMAXPROCS %d), %s memory, %s/%s, %s; DuckDB through github.com/duckdb/duckdb-go/v2 with its default threads.\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), memTotal(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "Load average at the end: %s (the machine is shared; figures are medians of %d alternating runs after one warm-up).\n\n", loadAvg(), reps)
	b.WriteString("Data: `kqlhunt gen` UrlClickEvents in the Streaming API storage layout (JSON lines, one record per line with the ")
	fmt.Fprintf(&b, "`properties` envelope), %d days; the seed rule (`blocked-clicks-trend`) covers the last 30, so about half the rows are in its window. ", genDays)
	b.WriteString("Before timing, every side's 30 daily counts are checked to be equal.\n\n")
	b.WriteString("Each side runs in its own process; time is measured inside it (no process start), memory is the process's own peak RSS (VmHWM, read by the child itself).\n\n")
	b.WriteString("- S1: kqlhunt loads the raw files as `kqlhunt run --data RAW` does: the engine plans the rule first, and the load reads only the columns it asks for (Timestamp and ActionType, with TimeGenerated derived from Timestamp) and skips the hourly blobs (y=/m=/d=/h= folders) that end before the rule's TimeStart; then it runs the rule. DuckDB runs the same SQL over `read_json(glob, format='newline_delimited')` (it reads every file).\n")
	b.WriteString("- S2: the rule over the kqlhunt store (Parquet partitioned by day) vs DuckDB over its own table and over the kqlhunt Parquet files (`read_parquet`).\n")
	b.WriteString("- S3: kqlhunt ingest into a new store (load + Parquet write + manifest) vs DuckDB `CREATE TABLE AS SELECT properties.* FROM read_json(...)` + CHECKPOINT into a new database file.\n")
	b.WriteString("- Physical limit: a plain Go loop over the two columns already in memory (one core, best of the runs).\n\n")
	for _, r := range reports {
		fmt.Fprintf(&b, "## %s rows\n\n", thousands(r.Rows))
		fmt.Fprintf(&b, "Raw JSON %s; kqlhunt store %s; DuckDB database %s.\n\n", mb(r.RawBytes), mb(r.StoreSize), mb(r.DuckSize))
		b.WriteString("| scenario | kqlhunt s | kqlhunt peak MB | DuckDB side | DuckDB s | DuckDB peak MB | ratio kqlhunt/DuckDB |\n")
		b.WriteString("|---|---:|---:|---|---:|---:|---:|\n")
		for _, s := range r.Scenarios {
			for _, d := range s.DuckDB {
				fmt.Fprintf(&b, "| %s | %.3f | %d | %s | %.3f | %d | **%.2f** |\n", s.Scenario, s.Kqlhunt.Seconds, s.Kqlhunt.MaxRSS>>20,
					strings.TrimPrefix(strings.TrimPrefix(d.Name, "s1-"), "s2-"), d.Seconds, d.MaxRSS>>20, s.Kqlhunt.Seconds/d.Seconds)
			}
		}
		if r.LimitRows > 0 {
			var s2 float64
			for _, s := range r.Scenarios {
				if strings.HasPrefix(s.Scenario, "S2") {
					s2 = s.Kqlhunt.Seconds
				}
			}
			fmt.Fprintf(&b, "\nPhysical limit: the loop over %s rows takes %.4f s", thousands(r.LimitRows), r.LimitSecs)
			if s2 > 0 {
				fmt.Fprintf(&b, "; kqlhunt S2 is %.0fx that", s2/r.LimitSecs)
			}
			b.WriteString(".\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// notesMarker starts the hand-written part of BENCHMARKS.md, which a new run keeps below its tables.
const notesMarker = "<!-- hand-written notes: the harness keeps everything from this line on -->"

// withNotes appends to md the hand-written notes of the file at path (from notesMarker on), if it has any.
func withNotes(md, path string) string {
	old, err := os.ReadFile(path)
	if err != nil {
		return md
	}
	i := strings.Index(string(old), notesMarker)
	if i < 0 {
		return md
	}
	return md + string(old[i:])
}

func sizesList(reports []sizeReport) string {
	var s []string
	for _, r := range reports {
		s = append(s, fmt.Sprint(r.Rows))
	}
	return strings.Join(s, ",")
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func mb(n int64) string { return fmt.Sprintf("%d MB", n>>20) }

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return "unknown"
}

func loadAvg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
