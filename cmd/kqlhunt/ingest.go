package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/storage"
)

// ingestGroupBytes is about how much input one load step of `kqlhunt ingest` reads: small enough that the
// progress bar moves often, large enough to keep every core busy.
const ingestGroupBytes = ingest.DefaultStreamGroupBytes

func newIngestCommand(s *streams) *cobra.Command {
	var into, timeFormat string
	cmd := &cobra.Command{
		Use:   "ingest PATH... --into STORE",
		Short: "Store exported data in a kqlhunt store (Parquet by table and day) for fast repeated queries",
		Long: `Read data files and folders (the formats --data reads) and store their rows in STORE, a folder of Parquet
files partitioned by table and day. Queries then read the store with --data STORE, touching only the days and
columns they need. Ingest is idempotent: a source file already stored (same size and content) is skipped.
Records that cannot be read go to a quarantine file in STORE/_quarantine; the summary reconciles
records read = stored + quarantined + already ingested.`,
		Example: `  kqlhunt ingest examples/data --into hunt.store
  kqlhunt run examples/rules/blocked-clicks-trend.yaml --data hunt.store --now 2026-12-03T12:00:00Z`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if into == "" {
				return usagef("--into STORE is required")
			}
			for _, p := range args {
				if _, err := os.Stat(p); err != nil {
					return usagef("%s: no such file or folder", p)
				}
			}
			return ingestInto(cmd.Context(), s, into, args, ingest.Options{TimeFormat: timeFormat, KeepFileBatches: true, HashFiles: true})
		},
	}
	cmd.Flags().StringVar(&into, "into", "", "the store folder (created when missing)")
	cmd.Flags().StringVar(&timeFormat, "time-format", "", "day/month order of ambiguous CSV times: dmy, mdy, a locale (en-GB) or a Go layout")
	_ = cmd.RegisterFlagCompletionFunc("into", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return cmd
}

// ingestInto stores the files under paths in the store at dir, with a progress bar when stderr is a terminal,
// and prints the reconciled summary.
func ingestInto(ctx context.Context, s *streams, dir string, paths []string, opts ingest.Options) error {
	st, err := storage.Open(dir)
	if err != nil {
		return err
	}
	start := time.Now()
	pending, skipped, err := st.PendingFiles(paths)
	if err != nil {
		return err
	}
	var totalBytes int64
	for _, f := range pending {
		totalBytes += f.Size
	}
	bar := newIngestBar(s, totalBytes)
	var warnings []ingest.Problem // repaired values: the rows are stored, so they are not quarantined
	groups := groupFiles(pending, ingestGroupBytes)
	next := 0
	source := storage.FromSteps(pending, func(ctx context.Context) (storage.LoadStep, error) {
		if next == len(groups) {
			return storage.LoadStep{}, io.EOF
		}
		group := groups[next]
		next++
		files := make([]string, len(group))
		var size int64
		for i, f := range group {
			files[i] = f.Path
			size += f.Size
		}
		ds, err := ingest.Load(ctx, files, opts)
		if err != nil {
			return storage.LoadStep{}, err
		}
		step := storage.LoadStep{Catalog: ds.Catalog, Hashes: stepHashes(ds)}
		for _, p := range ds.Problems {
			if p.Skipped {
				step.Problems = append(step.Problems, storage.Problem{File: p.File, Line: p.Line, Reason: p.Message})
			} else {
				warnings = append(warnings, p)
			}
		}
		bar.addBytes(size)
		return step, nil
	})
	sum, err := st.Ingest(ctx, source, storage.IngestOptions{Progress: bar.progress})
	source.Close() // a failed ingest leaves the next group loading: stop it before reading what loads report
	bar.finish()
	if err != nil {
		return err
	}
	printIngestSummary(s.errOut, st.Dir(), sum, len(pending), totalBytes, skipped, warnings, time.Since(start))
	return nil
}

// groupFiles splits files into consecutive groups of about limit bytes (at least one file each).
func groupFiles(files []storage.SourceFile, limit int64) [][]storage.SourceFile {
	var groups [][]storage.SourceFile
	for i := 0; i < len(files); {
		end, size := i, int64(0)
		for end < len(files) && (end == i || size+files[end].Size <= limit) {
			size += files[end].Size
			end++
		}
		groups = append(groups, files[i:end])
		i = end
	}
	return groups
}

// ingestBar is the progress bar of an ingest: input bytes loaded against the total, with bytes/s, rows stored
// and rows/s in its description. Without a terminal it draws nothing.
type ingestBar struct {
	mu         sync.Mutex // the loader and the store's progress callback may report from different goroutines
	bar        *progressbar.ProgressBar
	start      time.Time
	totalBytes int64
	bytes      int64 // input bytes loaded so far
	rows       int64 // rows taken from the source so far
}

func newIngestBar(s *streams, totalBytes int64) *ingestBar {
	b := &ingestBar{start: time.Now(), totalBytes: totalBytes}
	if !s.errIsTerminal || totalBytes == 0 {
		return b
	}
	b.bar = progressbar.NewOptions64(totalBytes,
		progressbar.OptionSetWriter(s.errOut),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionClearOnFinish(),
	)
	b.describe()
	return b
}

// addBytes moves the bar by n input bytes, loaded.
func (b *ingestBar) addBytes(n int64) {
	if b.bar == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bytes += n
	b.describe()
	_ = b.bar.Add64(n)
}

// progress is storage's Progress callback: rows taken from the source so far.
func (b *ingestBar) progress(p storage.Progress) {
	if b.bar == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rows = p.Rows
	b.describe()
}

// describe sets the bar's description from the counts; the caller holds b.mu (or is still constructing b).
func (b *ingestBar) describe() {
	secs := max(time.Since(b.start).Seconds(), 1e-3)
	b.bar.Describe(fmt.Sprintf("%s of %s, %s/s; %d rows, %.0f rows/s", ingest.FormatBytes(b.bytes), ingest.FormatBytes(b.totalBytes),
		ingest.FormatBytes(int64(float64(b.bytes)/secs)), b.rows, float64(b.rows)/secs))
}

func (b *ingestBar) finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}

// printIngestSummary prints what an ingest read and where it went, reconciling the record counts.
func printIngestSummary(w io.Writer, dir string, sum *storage.IngestSummary, files int, inputBytes int64, skipped []storage.SourceFile, warnings []ingest.Problem, took time.Duration) {
	if files == 0 {
		fmt.Fprintf(w, "Nothing new to ingest into %s: the %d source files are already in the store\n", dir, len(skipped))
		return
	}
	fmt.Fprintf(w, "Ingested %d files (%s) into %s in %s\n", files, ingest.FormatBytes(inputBytes), dir, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  records read %d = stored %d + quarantined %d + already ingested %d\n",
		sum.RecordsRead, sum.Stored, sum.Quarantined, sum.AlreadyIngested)
	names := make([]string, 0, len(sum.Tables))
	for name := range sum.Tables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %s: %d rows\n", name, sum.Tables[name])
	}
	if sum.PartFiles > 0 {
		fmt.Fprintf(w, "  wrote %d Parquet files (%s)\n", sum.PartFiles, ingest.FormatBytes(sum.Bytes))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "  skipped %d source files already in the store\n", len(skipped))
	}
	if sum.QuarantineFile != "" {
		fmt.Fprintf(w, "  quarantined records: %s\n", sum.QuarantineFile)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(w, "warning: %d problems that did not stop the records from being stored (values stored as null or repaired):\n", len(warnings))
		for i, p := range warnings {
			if i == maxProblemsShown {
				fmt.Fprintf(w, "  ... and %d more\n", len(warnings)-maxProblemsShown)
				break
			}
			fmt.Fprintf(w, "  %s\n", p.String())
		}
	}
}

// stepHashes hands the digests the load made of its files (ingest.Options.HashFiles) to the store, which
// records them as the sources' identity without reading the files again.
func stepHashes(ds *ingest.Dataset) map[string]storage.SourceFile {
	out := make(map[string]storage.SourceFile, len(ds.Hashes))
	for path, d := range ds.Hashes {
		out[path] = storage.SourceFile{Path: path, Size: d.Size, SHA256: d.SHA256}
	}
	return out
}
