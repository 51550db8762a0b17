package syntax

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

// corpusParseFloor is the share of valid corpus queries that must parse; raise it as the parser grows.
const corpusParseFloor = 1.0

type corpusQuery struct {
	ID    string `json:"id"`
	Query string `json:"query"`
}

// readCorpus returns the shared hunting-query corpus, skipping the test when it is absent.
func readCorpus(t testing.TB) []corpusQuery {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedDir, "corpus", "queries.jsonl"))
	if err != nil {
		t.Skip("shared corpus not present")
	}
	defer f.Close()
	var out []corpusQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var q corpusQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("corpus line: %v", err)
		}
		out = append(out, q)
	}
	return out
}

// invalidListPath is the list of corpus queries that are not valid KQL (syntax errors).
const invalidListPath = "testdata/corpus_invalid.txt"

// updateInvalid rewrites the error each listed query fails with from this run (check each against its reason).
var updateInvalid = flag.Bool("update-invalid", false, "record in testdata/corpus_invalid.txt the first error each listed query fails with today")

// readInvalidList returns id → line of the corpus queries listed as not valid KQL.
func readInvalidList(t testing.TB) map[string]corpus.Invalid {
	t.Helper()
	list, err := corpus.ReadInvalidList(invalidListPath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]corpus.Invalid{}
	for _, inv := range list {
		out[inv.ID] = inv
	}
	return out
}

// TestCorpusInvalidListed keeps testdata/corpus_invalid.txt honest: every listed query is in the corpus and
// fails to parse with the error the list records (position and message prefix), so a new error in a listed
// query is a failure, not hidden by the listing. -update-invalid records today's errors.
func TestCorpusInvalidListed(t *testing.T) {
	queries := map[string]string{}
	for _, q := range readCorpus(t) {
		queries[q.ID] = q.Query
	}
	list, err := corpus.ReadInvalidList(invalidListPath)
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
		_, diags := Parse(source.New(inv.ID, text))
		f, failed := corpus.FirstFailure(diags)
		if !failed {
			t.Errorf("line %d: %s parses now; remove it from the list", inv.Line, inv.ID)
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
		if err := corpus.UpdateInvalidList(invalidListPath, got); err != nil {
			t.Fatal(err)
		}
	}
}

var quotedPart = regexp.MustCompile(`'[^']*'|string literal .*`)

func TestCorpusParseRate(t *testing.T) {
	queries := readCorpus(t)
	invalid := readInvalidList(t)
	causes := map[string]int{}
	examples := map[string]string{}
	ok, valid := 0, 0
	for _, q := range queries {
		_, diags := Parse(source.New(q.ID, q.Query))
		_, isInvalid := invalid[q.ID]
		if diags.Err() == nil {
			if isInvalid {
				t.Errorf("%s is listed as invalid but parses", q.ID)
			}
			ok++
			valid++
			continue
		}
		if isInvalid {
			continue
		}
		valid++
		first := diags.Items[0]
		cause := first.Message
		if !strings.HasPrefix(cause, "unknown operator") {
			cause = quotedPart.ReplaceAllStringFunc(cause, func(s string) string {
				if strings.HasPrefix(s, "'") && len(s) <= 14 {
					return s
				}
				return "…"
			})
		}
		causes[cause]++
		if _, seen := examples[cause]; !seen {
			examples[cause] = first.Pretty()
		}
	}
	rate := float64(ok) / float64(max(valid, 1))
	t.Logf("parsed %d of %d valid corpus queries (%.2f%%); %d listed invalid", ok, valid, 100*rate, len(invalid))
	type kv struct {
		k string
		n int
	}
	var list []kv
	for k, n := range causes {
		list = append(list, kv{k, n})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n > list[j].n || list[i].n == list[j].n && list[i].k < list[j].k })
	for i, c := range list {
		if i >= 40 {
			break
		}
		t.Logf("%4d  %s\n%s", c.n, c.k, examples[c.k])
	}
	if rate < corpusParseFloor {
		t.Errorf("parse rate %.4f fell below the floor %.4f", rate, corpusParseFloor)
	}
}

// BenchmarkParseCorpus times parsing every corpus query once per iteration.
func BenchmarkParseCorpus(b *testing.B) {
	queries := readCorpus(b)
	var bytes int64
	for _, q := range queries {
		bytes += int64(len(q.Query))
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range queries {
			Parse(source.New(q.ID, q.Query))
		}
	}
}
