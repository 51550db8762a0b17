package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseInvalidList(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []Invalid
		wantErr string
	}{
		{name: "two and three fields", text: "# comment\n\na\twhy\nb\twhy not\t3:14 expected ')' but found 'x'\r\n",
			want: []Invalid{{ID: "a", Reason: "why", Line: 3}, {ID: "b", Reason: "why not", Want: Failure{Pos: "3:14", Message: "expected ')' but found 'x'"}, Line: 4}}},
		{name: "no reason", text: "a\n", wantErr: "list.txt:1: expected id<TAB>reason"},
		{name: "empty reason", text: "a\t \n", wantErr: "list.txt:1:"},
		{name: "four fields", text: "a\tr\t1:1 m\textra\n", wantErr: "list.txt:1:"},
		{name: "third field without a position", text: "a\tr\tunexpected 'x'\n", wantErr: "list.txt:1: third field"},
		{name: "third field without a message", text: "a\tr\t1:2\n", wantErr: "list.txt:1: third field"},
		{name: "duplicate id", text: "a\tr\na\ts\n", wantErr: "list.txt:2: a is listed already on line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseInvalidList("list.txt", []byte(tc.text))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("line %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestInvalidMatches(t *testing.T) {
	listed := Invalid{ID: "q", Reason: "r", Want: Failure{Pos: "3:14", Message: "expected ')'"}}
	tests := []struct {
		name string
		inv  Invalid
		got  Failure
		want bool
	}{
		{name: "same error", inv: listed, got: Failure{Pos: "3:14", Message: "expected ')' but found 'x'"}, want: true},
		{name: "another position", inv: listed, got: Failure{Pos: "3:15", Message: "expected ')' but found 'x'"}},
		{name: "another message", inv: listed, got: Failure{Pos: "3:14", Message: "unknown operator 'x'"}},
		{name: "a run-time error", inv: listed, got: Failure{Message: "timed out after 10s"}},
		{name: "no error listed matches any failure", inv: Invalid{ID: "q", Reason: "r"}, got: Failure{Message: "anything"}, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.inv.Matches(tc.got); got != tc.want {
				t.Errorf("Matches(%+v) = %v, want %v", tc.got, got, tc.want)
			}
		})
	}
}

func TestFailureExpected(t *testing.T) {
	long := strings.Repeat("é", 60) // 120 bytes
	tests := []struct {
		name string
		msg  string
		want string
	}{
		{name: "short", msg: "Failed to resolve scalar expression named 'x'", want: "Failed to resolve scalar expression named 'x'"},
		{name: "suggestion dropped", msg: "unknown operator 'summarise' (did you mean 'summarize'?)", want: "unknown operator 'summarise'"},
		{name: "second line dropped", msg: "first\tsecond\nthird", want: "first"},
		{name: "cut at 100 bytes on a rune", msg: long, want: strings.Repeat("é", 50)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Failure{Pos: "1:2", Message: tc.msg}).Expected(); got.Message != tc.want || got.Pos != "1:2" {
				t.Errorf("Expected() = %+v, want message %q", got, tc.want)
			}
		})
	}
}

// TestUpdateInvalidList checks that an update rewrites only the third field of the lines it has a failure for,
// and keeps every other line (comments, lines without a failure, lines added since the list was read) as it was.
func TestUpdateInvalidList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.txt")
	before := "# header\r\na\told reason\t1:1 old message\nb\tno error yet\n\nc\tadded meanwhile\t9:9 kept\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	err := UpdateInvalidList(path, map[string]Failure{
		"a": {Pos: "2:3", Message: "expected ')' (did you mean ']'?)"},
		"b": {Pos: "4:5", Message: "unexpected 'x'"},
		"z": {Pos: "1:1", Message: "not listed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# header\r\na\told reason\t2:3 expected ')'\nb\tno error yet\t4:5 unexpected 'x'\n\nc\tadded meanwhile\t9:9 kept\n"
	if string(got) != want {
		t.Errorf("list after the update:\n%q\nwant:\n%q", got, want)
	}
	list, err := ReadInvalidList(path)
	if err != nil || len(list) != 3 {
		t.Fatalf("the updated list does not read back: %v %+v", err, list)
	}
}
