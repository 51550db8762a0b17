package kernel

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// From conformance core/has_vs_contains.txtar.
func TestHasVersusContains(t *testing.T) {
	texts := []string{"Invoke-Mimikatz", "mimikatz.exe", "MIMIKATZ_x64", "mimikatz2", "x mimikatz y", "mimi katz"}
	want := map[string][]bool{
		"contains mimikatz":  {true, true, true, true, true, false},
		"has mimikatz":       {true, true, true, false, true, false},
		"has mimi":           {false, false, false, false, false, true},
		"has_cs mimikatz":    {false, true, false, false, true, false},
		"hasprefix mimi":     {true, true, true, true, true, true},
		"!has mimikatz":      {false, false, false, true, false, true},
		"!contains mimikatz": {false, false, false, false, false, true},
	}
	col := make([]types.Value, len(texts))
	for i, s := range texts {
		col[i] = S(s)
	}
	for spec, exp := range want {
		t.Run(spec, func(t *testing.T) {
			op, needle, _ := strings.Cut(spec, " ")
			s, ok := LookupScalar(op)
			if !ok {
				t.Fatalf("operator %q not registered", op)
			}
			out, err := s.Eval(testCtx(), []Arg{colArg(types.String, col...), constArg(S(needle))}, len(texts))
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range exp {
				if got := out.Ints[i] != 0; got != w {
					t.Errorf("%q %s %q = %v, want %v", texts[i], op, needle, got, w)
				}
			}
		})
	}
}

// From conformance core/string_operator_matrix.txtar and the operator reference.
func TestStringOperators(t *testing.T) {
	cases := []scalarCase{
		{"has case-insensitive", "has", args(S("North America"), S("america")), B(true)},
		{"!has partial term", "!has", args(S("North America"), S("amer")), B(true)},
		{"has_cs wrong case", "has_cs", args(S("North America"), S("america")), B(false)},
		{"has_all", "has_all", args(S("North and South America"), S("south"), S("north")), B(true)},
		{"has_all missing", "has_all", args(S("North America"), S("south"), S("north")), B(false)},
		{"has_any", "has_any", args(S("North America"), S("south"), S("north")), B(true)},
		{"has_any dynamic array", "has_any", args(S("North America"), J(`["south","america"]`)), B(true)},
		{"has_any none", "has_any", args(S("North America"), J(`["south","east"]`)), B(false)},
		{"has_any empty list", "has_any", args(S("North America"), J(`[]`)), B(false)},
		{"hassuffix", "hassuffix", args(S("North America"), S("ica")), B(true)},
		{"hassuffix not at term end", "hassuffix", args(S("North America"), S("eric")), B(false)},
		{"hasprefix mid-term", "hasprefix", args(S("North America"), S("merica")), B(false)},
		{"=~", "=~", args(S("abc"), S("ABC")), B(true)},
		{"!~", "!~", args(S("abc"), S("ABC")), B(false)},
		{"=~ unicode", "=~", args(S("ÄBC"), S("äbc")), B(true)},
		{"contains_cs", "contains_cs", args(S("FabriKam"), S("kam")), B(false)},
		{"contains_cs match", "contains_cs", args(S("FabriKam"), S("Kam")), B(true)},
		{"!contains_cs", "!contains_cs", args(S("FabriKam"), S("kam")), B(true)},
		{"matches regex", "matches regex", args(S("Fabrikam"), S("b.*k")), B(true)},
		{"matches regex case-sensitive", "matches regex", args(S("Fabrikam"), S("B.*K")), B(false)},
		{"matches regex unanchored caret", "matches regex", args(S("Fabrikam"), S("^b")), B(false)},
		{"startswith", "startswith", args(S("Fabrikam"), S("FAB")), B(true)},
		{"startswith_cs", "startswith_cs", args(S("Fabrikam"), S("FAB")), B(false)},
		{"!startswith", "!startswith", args(S("Fabrikam"), S("fab")), B(false)},
		{"endswith", "endswith", args(S("evil.INTERNAL.corp"), S(".internal.corp")), B(true)},
		{"!endswith", "!endswith", args(S("evil.example.net"), S(".internal.corp")), B(true)},
		{"endswith longer needle", "endswith", args(S("a"), S("abc")), B(false)},
		{"has phrase with dot", "has", args(S("visit evil.com now"), S("evil.com")), B(true)},
		{"has phrase inside term", "has", args(S("visit myevil.com now"), S("evil.com")), B(false)},
		{"has empty needle", "has", args(S("abc"), S("")), B(true)},
		{"has on number", "has", args(L(12345), S("12345")), B(true)},
		{"contains on null", "contains", args(N(types.Long), S("1")), B(false)},
		{"!contains on null", "!contains", args(N(types.Long), S("1")), B(true)},
		{"contains unicode needle", "contains", args(S("ÉCOLE"), S("éco")), B(true)},
		{"has non-ASCII separates terms", "has", args(S("aéb"), S("a")), B(true)},
		{"hasprefix_cs", "hasprefix_cs", args(S("x Mimi"), S("Mim")), B(true)},
		{"!hassuffix_cs", "!hassuffix_cs", args(S("x Mimi"), S("MI")), B(true)},
	}
	runScalarCases(t, cases)
}

func TestMatchesRegexBadPattern(t *testing.T) {
	_, err := evalScalar(t, "matches regex", S("abc"), S("a(b"))
	if err == nil || !strings.Contains(err.Error(), "invalid regular expression") {
		t.Fatalf("got %v, want an invalid regular expression error", err)
	}
}

func TestMatchesRegexPerRowPattern(t *testing.T) {
	s, _ := LookupScalar("matches regex")
	out, err := s.Eval(testCtx(), []Arg{
		colArg(types.String, S("abc"), S("xyz"), S("a1")),
		colArg(types.String, S("^a"), S("^a"), S(`\d`)),
	}, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{1, 0, 1}
	for i, w := range want {
		if out.Ints[i] != w {
			t.Errorf("row %d = %d, want %d", i, out.Ints[i], w)
		}
	}
}
