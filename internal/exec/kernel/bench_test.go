package kernel

import (
	"strconv"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func benchColumn(n int) (*types.Column, *types.Column) {
	ts := types.NewColumn(types.DateTime, n)
	urls := types.NewColumn(types.String, n)
	base := DT("2026-11-01").I
	for i := 0; i < n; i++ {
		ts.Append(types.NewDateTime(base + int64(i)*37*types.TicksPerSecond))
		urls.Append(S("https://host" + strconv.Itoa(i%100) + ".example.com/path/Mimikatz_" + strconv.Itoa(i)))
	}
	return ts, urls
}

func BenchmarkBinDateTime(b *testing.B) {
	ts, _ := benchColumn(100000)
	s, _ := LookupScalar("bin")
	args := []Arg{{Col: ts}, constArg(TS("1d"))}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Eval(testCtx(), args, 100000); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHas(b *testing.B) {
	_, urls := benchColumn(100000)
	s, _ := LookupScalar("has")
	args := []Arg{{Col: urls}, constArg(S("mimikatz"))}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Eval(testCtx(), args, 100000); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCountByGroup(b *testing.B) {
	groups := make([]uint32, 100000)
	for i := range groups {
		groups[i] = uint32(i % 30)
	}
	a, _ := LookupAggregate("count")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acc := a.New(nil)
		_ = acc.Add(testCtx(), groups, nil, len(groups))
		_ = acc.Result(30)
	}
}
