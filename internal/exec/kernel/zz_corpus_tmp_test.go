package kernel_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

func TestTmpCorpus(t *testing.T) {
	f, err := os.Open("/work/shared/corpus/queries.jsonl")
	if err != nil {
		t.Skip()
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	counts := map[string]int{}
	for sc.Scan() {
		var q struct{ ID, Query string }
		if json.Unmarshal(sc.Bytes(), &q) != nil {
			continue
		}
		diags := engine.Check(source.New(q.ID, q.Query), catalog.Map{})
		if diags == nil {
			continue
		}
		for _, d := range diags.Items {
			m := d.Message
			if strings.Contains(m, "must have") || strings.Contains(m, "expects") || strings.Contains(m, "must be") || strings.Contains(m, "invalid regular") {
				start := int(d.Span.Start)
				end := min(start+50, len(q.Query))
				counts[m+" @ "+strings.ReplaceAll(q.Query[start:end], "\n", " ")]++
			}
		}
	}
	for k, v := range counts {
		fmt.Println(v, k)
	}
}
