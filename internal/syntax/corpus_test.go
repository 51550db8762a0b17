package syntax

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

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

// readInvalidList returns id → reason for corpus queries that are not valid KQL.
func readInvalidList(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	data, err := os.ReadFile("testdata/corpus_invalid.txt")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, "\t")
		out[id] = reason
	}
	return out
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
