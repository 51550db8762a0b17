package sema

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// corpusPath is the public hunting corpus, next to the repository when present.
const corpusPath = "../../../shared/corpus/queries.jsonl"

// knownTables is a catalog of the built-in Defender XDR and Sentinel schemas (checking only: no rows).
type knownTables struct{}

func (knownTables) Table(name string) (catalog.Table, bool) {
	fields, ok := catalog.KnownSchema(name)
	if !ok {
		return nil, false
	}
	return &catalog.MemTable{TableName: name, Fields: fields}, true
}

func (knownTables) TableNames() []string { return catalog.KnownTables() }

var (
	causeQuotedRe = regexp.MustCompile(`'[^']*'`)
	causeNumberRe = regexp.MustCompile(`\b\d+\b`)
)

// needsOutside reports errors that `kqlhunt corpus check` counts apart from failures (corpus.Classify): a
// Defender or remote service, a network fetch, or a table or function that only a user's workspace defines.
func needsOutside(msg string) bool {
	return corpus.Classify(msg) != corpus.NeedsNothing
}

// semaInvalidList is the list of corpus queries that parse but are not valid KQL; the parser's is
// ../syntax/testdata/corpus_invalid.txt.
const semaInvalidList = "testdata/corpus_invalid.txt"

// updateInvalid rewrites the error each listed query fails with from this run (check each against its reason).
var updateInvalid = flag.Bool("update-invalid", false, "record in testdata/corpus_invalid.txt the first error each listed query fails with today")

// invalidListed returns the ids of the corpus queries listed as invalid KQL (the parser's and sema's lists).
func invalidListed(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, p := range []string{"../syntax/testdata/corpus_invalid.txt", semaInvalidList} {
		list, err := corpus.ReadInvalidList(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range list {
			out[inv.ID] = true
		}
	}
	return out
}

// TestCorpusCheckRate checks every corpus query that parses against the built-in schemas and reports the
// share that checks, apart from those listed as invalid KQL and those needing something outside kqlhunt (as
// `kqlhunt corpus check` counts them), with the most frequent causes of failure.
func TestCorpusCheckRate(t *testing.T) {
	f, err := os.Open(corpusPath)
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	defer f.Close()
	invalid := invalidListed(t)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var total, parsed, listed, checked, outside int
	causes := map[string]int{}
	examples := map[string]string{}
	var failed []string
	for sc.Scan() {
		var rec struct {
			ID    string `json:"id"`
			Query string `json:"query"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		total++
		src := source.New(rec.ID, rec.Query)
		q, diags := syntax.Parse(src)
		if q == nil || diags != nil && diags.HasErrors() {
			continue
		}
		parsed++
		f, fails := checkOne(q, src)
		msg := f.Message
		switch {
		case invalid[rec.ID]:
			listed++
		case !fails:
			checked++
		case needsOutside(msg):
			outside++
		default:
			failed = append(failed, rec.ID+": "+firstLine(msg))
			cause := causeNumberRe.ReplaceAllString(causeQuotedRe.ReplaceAllString(msg, "'X'"), "N")
			causes[cause]++
			if _, ok := examples[cause]; !ok {
				examples[cause] = rec.ID + ": " + msg
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	rate := float64(checked) / float64(max(1, checked+len(failed)))
	t.Logf("%d queries, %d parse, %d listed invalid, %d check, %d need something outside kqlhunt, %d fail: %.1f%% of the checkable queries check",
		total, parsed, listed, checked, outside, len(failed), 100*rate)
	keys := make([]string, 0, len(causes))
	for k := range causes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if causes[keys[i]] != causes[keys[j]] {
			return causes[keys[i]] > causes[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for i, k := range keys {
		if i == 25 {
			break
		}
		t.Logf("%4d  %s\n        e.g. %s", causes[k], k, firstLine(examples[k]))
	}
	// the floor this suite has reached: every checkable query checks (issue 3); a query that stops checking is
	// either a regression or, when Kusto rejects it too, a line for testdata/corpus_invalid.txt
	if rate < 1 {
		t.Errorf("only %.2f%% of the checkable corpus queries check, want all of them; failing:\n%s", 100*rate, strings.Join(failed, "\n"))
	}
}

// checkOne checks q and returns its first error, false when it checks; it never panics (a panic is the error).
func checkOne(q *syntax.Query, src *source.Source) (f corpus.Failure, failed bool) {
	defer func() {
		if r := recover(); r != nil {
			f, failed = corpus.Failure{Message: "panic: " + strings.SplitN(strings.TrimSpace(fmtAny(r)), "\n", 2)[0]}, true
		}
	}()
	_, diags := CheckWith(q, src, knownTables{}, Options{})
	return corpus.FirstFailure(diags)
}

func fmtAny(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if e, ok := v.(error); ok {
		return e.Error()
	}
	return types.FormatJSON(v)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// BenchmarkParseCheckCorpus times parsing and checking every query of the public corpus against the built-in
// table schemas (issue 3's figure); it skips when ../shared/corpus is absent.
func BenchmarkParseCheckCorpus(b *testing.B) {
	data, err := os.ReadFile(corpusPath)
	if err != nil {
		b.Skipf("corpus not present: %v", err)
	}
	var queries []string
	for _, line := range strings.Split(string(data), "\n") {
		var rec struct {
			Query string `json:"query"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Query != "" {
			queries = append(queries, rec.Query)
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		checked := 0
		for _, text := range queries {
			src := source.New("q", text)
			q, diags := syntax.Parse(src)
			if q == nil || diags != nil && diags.HasErrors() {
				continue
			}
			if _, failed := checkOne(q, src); !failed {
				checked++
			}
		}
		if checked == 0 {
			b.Fatal("no corpus query checked")
		}
	}
	b.ReportMetric(float64(len(queries)), "queries/op")
}

// TestCorpusInvalidListed keeps testdata/corpus_invalid.txt honest: every listed query is in the corpus, parses,
// and fails check with the error the list records (position and message prefix), so a new error in a listed
// query is a failure, not hidden by the listing; a listed query that starts to check must leave the list.
// -update-invalid records today's errors.
func TestCorpusInvalidListed(t *testing.T) {
	data, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	queries := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		var rec struct {
			ID    string `json:"id"`
			Query string `json:"query"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil {
			queries[rec.ID] = rec.Query
		}
	}
	list, err := corpus.ReadInvalidList(semaInvalidList)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("the list is empty")
	}
	got := map[string]corpus.Failure{}
	for _, inv := range list {
		text, ok := queries[inv.ID]
		if !ok {
			t.Errorf("line %d: %s is not in the corpus", inv.Line, inv.ID)
			continue
		}
		src := source.New(inv.ID, text)
		q, diags := syntax.Parse(src)
		if q == nil || diags != nil && diags.HasErrors() {
			t.Errorf("line %d: %s does not parse; it belongs in the syntax list", inv.Line, inv.ID)
			continue
		}
		f, failed := checkOne(q, src)
		if !failed {
			t.Errorf("line %d: %s checks now; remove it from the list", inv.Line, inv.ID)
			continue
		}
		got[inv.ID] = f
		switch {
		case *updateInvalid:
		case inv.Want == corpus.Failure{}:
			t.Errorf("line %d: %s names no error; it fails with %s (record it with -update-invalid)", inv.Line, inv.ID, f.Expected())
		case !inv.Matches(f):
			t.Errorf("line %d: %s fails with %s, not the listed %s: a regression, or a new error to check against the reason and record with -update-invalid", inv.Line, inv.ID, f, inv.Want)
		}
	}
	if *updateInvalid {
		if err := corpus.UpdateInvalidList(semaInvalidList, got); err != nil {
			t.Fatal(err)
		}
	}
}
