package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

const corpusFile = "testdata/corpus.jsonl"

func TestCorpusCheckText(t *testing.T) {
	code, out, errOut := cli(t, "corpus", "check", corpusFile)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := `ok    ok-count
FAIL  syntax-error: 2:20: unexpected '=' after the where operator (use '==' to compare)
FAIL  unknown-table: 1:1: Failed to resolve table or column expression named 'UrlClikEvents'
WSPC  custom-table: 1:1: Failed to resolve table or column expression named 'MyAppLogs_CL'
WSPC  asim-parser: 1:1: Failed to resolve table or column expression named '_Im_Dns'
ok    ok-datatable
BAD   line 7: the object needs string fields "id" and "query"
BAD   line 8: malformed JSON: invalid character 'h' in literal true (expecting 'r')
FAIL  unknown-column: 1:24: Failed to resolve scalar expression named 'NoSuchColumn'

check: 9 queries: 2 ok, 3 failed, 0 invalid KQL (listed), 2 need the user's workspace, 0 need a Microsoft service (Defender XDR, Azure Resource Graph, a remote cluster), 0 need network (externaldata over http(s); --allow-http), 2 malformed lines
failures by cause:
      2  malformed JSON line
      1  Failed to resolve scalar expression named 'X'
      1  Failed to resolve table or column expression named 'X'
      1  unexpected '=' after the where operator (use '==' to compare)
workspace, service and network needs by cause:
      2  Failed to resolve table or column expression named 'X'
         (MyAppLogs_CL 1, _Im_Dns 1)
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

// corpusJSON runs a corpus command with --format json and decodes the outcome lines and the summary.
func corpusJSON(t *testing.T, args ...string) ([]corpusOutcome, corpusSummary) {
	t.Helper()
	code, out, errOut := cli(t, append(args, "--format", "json")...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var outcomes []corpusOutcome
	for _, l := range lines[:len(lines)-1] {
		var o corpusOutcome
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		outcomes = append(outcomes, o)
	}
	var last struct {
		Summary *corpusSummary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Summary == nil {
		t.Fatalf("last line %q is not the summary: %v", lines[len(lines)-1], err)
	}
	return outcomes, *last.Summary
}

func TestCorpusJSON(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantKinds []string // per line of the corpus
		wantSum   corpusSummary
	}{
		{
			name:      "parse reports only syntax errors",
			args:      []string{"corpus", "parse", corpusFile},
			wantKinds: []string{"ok", "error", "ok", "ok", "ok", "ok", "malformed", "malformed", "ok"},
			wantSum:   corpusSummary{Mode: "parse", Total: 9, OK: 6, Failed: 1, Malformed: 2},
		},
		{
			name:      "check finds unknown tables and columns",
			args:      []string{"corpus", "check", corpusFile},
			wantKinds: []string{"ok", "error", "error", "workspace", "workspace", "ok", "malformed", "malformed", "error"},
			wantSum:   corpusSummary{Mode: "check", Total: 9, OK: 2, Failed: 3, Workspace: 2, Malformed: 2},
		},
		{
			name:      "run on the example data",
			args:      []string{"corpus", "run", corpusFile, "--data", exampleData, "--now", pinnedNow},
			wantKinds: []string{"ok", "error", "error", "workspace", "workspace", "ok", "malformed", "malformed", "error"},
			wantSum: corpusSummary{Mode: "run", Total: 9, OK: 2, Failed: 3, Workspace: 2, Malformed: 2,
				Run: &runFigure{Checked: 2, OK: 2, Ratio: 1, Plain: 1}},
		},
		{
			name:      "listed invalid queries count apart",
			args:      []string{"corpus", "check", corpusFile, "--invalid-list", "testdata/corpus_invalid.txt"},
			wantKinds: []string{"ok", "invalid", "error", "workspace", "workspace", "ok", "malformed", "malformed", "error"},
			wantSum:   corpusSummary{Mode: "check", Total: 9, OK: 2, Failed: 2, Invalid: 1, Workspace: 2, Malformed: 2},
		},
		{
			name:      "a timeout fails every query but not the run",
			args:      []string{"corpus", "parse", corpusFile, "--timeout", "1ns"},
			wantKinds: []string{"error", "error", "error", "error", "error", "error", "malformed", "malformed", "error"},
			wantSum:   corpusSummary{Mode: "parse", Total: 9, Failed: 7, Malformed: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcomes, sum := corpusJSON(t, tt.args...)
			if len(outcomes) != len(tt.wantKinds) {
				t.Fatalf("%d outcome lines, want %d", len(outcomes), len(tt.wantKinds))
			}
			for i, o := range outcomes {
				if o.Kind != tt.wantKinds[i] {
					t.Errorf("line %d (%s): kind %s, want %s (error %q)", i+1, o.ID, o.Kind, tt.wantKinds[i], o.Error)
				}
				if o.OK != (o.Kind == kindOK) || o.OK != (o.Error == "") {
					t.Errorf("line %d: ok=%v kind=%s error=%q disagree", i+1, o.OK, o.Kind, o.Error)
				}
			}
			got := sum
			got.Causes, got.WorkspaceCauses = nil, nil
			if !reflect.DeepEqual(got, tt.wantSum) {
				t.Errorf("summary %+v, want %+v", got, tt.wantSum)
			}
		})
	}
}

func TestCorpusTimeoutMessage(t *testing.T) {
	outcomes, sum := corpusJSON(t, "corpus", "check", corpusFile, "--timeout", "1ns")
	if outcomes[0].Error != "timed out after 1ns" {
		t.Errorf("error %q, want the timeout", outcomes[0].Error)
	}
	if len(sum.Causes) == 0 || !reflect.DeepEqual(sum.Causes[0], causeCount{Cause: "timed out after 1ns", Count: 7}) {
		t.Errorf("causes %+v", sum.Causes)
	}
}

func TestCorpusUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "missing file", args: []string{"corpus", "parse", "testdata/no-such.jsonl"}, wantCode: exitError, wantErr: "no-such.jsonl"},
		{name: "bad format", args: []string{"corpus", "parse", corpusFile, "--format", "csv"}, wantCode: exitUsage, wantErr: "--format must be text or json"},
		{name: "no file", args: []string{"corpus", "check"}, wantCode: exitUsage, wantErr: "accepts 1 arg"},
		{name: "bad now", args: []string{"corpus", "run", corpusFile, "--now", "yesterday"}, wantCode: exitUsage, wantErr: "--now"},
		{name: "bad timeout", args: []string{"corpus", "run", corpusFile, "--timeout", "0s"}, wantCode: exitUsage, wantErr: "--timeout must be positive"},
		{name: "missing invalid list", args: []string{"corpus", "check", corpusFile, "--invalid-list", "testdata/no-such.txt"}, wantCode: exitError, wantErr: "no-such.txt"},
		{name: "malformed invalid list", args: []string{"corpus", "check", corpusFile, "--invalid-list", corpusFile}, wantCode: exitError, wantErr: "expected id<TAB>reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d stderr %q, want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestNormaliseCause(t *testing.T) {
	tests := []struct{ name, msg, want string }{
		{name: "name", msg: "Unknown function: 'foo'.", want: "Unknown function: 'X'."},
		{name: "punctuation kept", msg: "expected ')' but found 'where'", want: "expected ')' but found 'X'"},
		{name: "did you mean dropped", msg: "unknown operator 'summarise' (did you mean 'summarize'?)", want: "unknown operator 'X'"},
		{name: "numbers", msg: "expects 2 arguments, got 3", want: "expects N arguments, got N"},
		{name: "unterminated quote", msg: "found string literal 'Authorization: Bearer ab...", want: "found string literal 'X'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normaliseCause(tt.msg); got != tt.want {
				t.Errorf("normaliseCause(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

func TestClassifyError(t *testing.T) {
	tests := []struct{ name, msg, want string }{
		{name: "custom log table", msg: "Failed to resolve table or column expression named 'Foo_CL'", want: kindWorkspace},
		{name: "ASIM parser", msg: "Failed to resolve table or column expression named 'imNetworkSession'", want: kindWorkspace},
		{name: "documented table missing from the catalog", msg: "Failed to resolve table or column expression named 'SigninLogs'", want: kindError},
		{name: "saved function", msg: "Unknown function: 'GetVIPUsers'.", want: kindWorkspace},
		{name: "builtin not implemented", msg: "Unknown function: 'series_fit_2lines'.", want: kindError},
		{name: "Defender function", msg: "Unknown function: 'DeviceFromIP'.", want: kindService},
		{name: "important word", msg: "Failed to resolve table or column expression named 'important'", want: kindError},
		{name: "externaldata over https", msg: "externaldata: https://example.com/a.txt is not fetched: kqlhunt runs queries offline unless --allow-http is given; download the file", want: kindNetwork},
		{name: "externaldata over https under bag_unpack", msg: "bag_unpack: computing the input to find its keys: externaldata: https://example.com/b.json is not fetched: kqlhunt runs queries offline unless --allow-http is given", want: kindNetwork},
		{name: "union wildcard matching no table", msg: "Failed to resolve table or column expression named 'Easm*': no table matches the wildcard", want: kindWorkspace},
		{name: "Azure Resource Graph", msg: "arg() reads the Azure Resource Graph, which needs the remote service and cannot run locally", want: kindService},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classifyError(tt.msg); got != tt.want {
				t.Errorf("classifyError(%q) = %s, want %s", tt.msg, got, tt.want)
			}
		})
	}
}

func TestCorpusRealFile(t *testing.T) {
	const path = "../../../shared/corpus/queries.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skip("the shared corpus is absent")
	}
	if testing.Short() {
		t.Skip("short")
	}
	_, sum := corpusJSON(t, "corpus", "parse", path)
	if sum.Total != 2906 || sum.Malformed != 0 || sum.OK+sum.Failed != sum.Total {
		t.Errorf("summary %+v", sum)
	}
}

func TestCorpusRunFigureText(t *testing.T) {
	code, out, errOut := cli(t, "corpus", "run", corpusFile, "--data", exampleData, "--now", pinnedNow)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "run figure: 2 of the 2 queries that check ran to completion: 100.0% of the 2 that need nothing outside kqlhunt (0 need network, 0 the workspace, 0 a service); plain ratio 100.0%\n"
	if !strings.Contains(out, want) {
		t.Errorf("stdout:\n%s\nwant a line %q", out, want)
	}
}

func TestCorpusInvalidListText(t *testing.T) {
	code, out, errOut := cli(t, "corpus", "parse", corpusFile, "--invalid-list", "testdata/corpus_invalid.txt")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"INVL  syntax-error: 2:20: unexpected '=' after the where operator (use '==' to compare) (listed: '=' where '==' is meant)\n",
		"ok    ok-count\n", // listed, but it passes: ok stays ok
		"parse: 9 queries: 6 ok, 0 failed, 1 invalid KQL (listed),",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout:\n%s\nwant %q", out, want)
		}
	}
}

// TestCorpusWarnsWithoutDefaultLists checks that a run where the default invalid-query lists are not found (the
// package directory is not the repository root) says so on stderr instead of changing the summary silently, and
// that naming a list on the command line silences it.
func TestCorpusWarnsWithoutDefaultLists(t *testing.T) {
	code, _, errOut := cli(t, "corpus", "parse", corpusFile)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.Contains(errOut, "warning: no invalid-query list at internal/syntax/testdata/corpus_invalid.txt") {
		t.Errorf("stderr lacks the missing-list warning:\n%s", errOut)
	}
	code, _, errOut = cli(t, "corpus", "parse", corpusFile, "--invalid-list", "testdata/corpus_invalid.txt")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if strings.Contains(errOut, "no invalid-query list") {
		t.Errorf("warning printed although the list was named:\n%s", errOut)
	}
}

// TestCorpusRunFigureNamesUncheckedOK checks that a query which runs on the data but fails the check against the
// built-in schemas (the data has a column the documented schema lacks) is told apart from the run figure's count.
func TestCorpusRunFigureNamesUncheckedOK(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := `{"Timestamp":"2026-11-20T08:00:00Z","ActionType":"ClickBlocked","Extra":1}` + "\n"
	if err := os.WriteFile(filepath.Join(data, "UrlClickEvents.json"), []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "q.jsonl")
	lines := `{"id":"checks","query":"UrlClickEvents | count"}` + "\n" +
		`{"id":"unchecked","query":"UrlClickEvents | where Extra == 1 | count"}` + "\n"
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "corpus", "run", file, "--data", data, "--now", pinnedNow)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"run: 2 queries: 2 ok,",
		"run figure: 1 of the 1 queries that check ran to completion",
		"(1 of the 2 ok queries ran on the data but do not check against the built-in schemas, so the run figure leaves them out)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout:\n%s\nwant %q", out, want)
		}
	}
}

// TestCorpusRunCheckerHangFailsAlone checks that in run mode the check against the built-in schemas runs within
// the query's --timeout: a query the checker hangs on times out alone and the next query still runs.
func TestCorpusRunCheckerHangFailsAlone(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	builtin := checkBuiltin
	checkBuiltin = func(src *source.Source) *source.DiagnosticList {
		if strings.Contains(src.Text, "hang-the-checker") {
			select {
			case <-release:
			case <-time.After(10 * time.Second): // without the timeout the run would wait this long
			}
		}
		return builtin(src)
	}
	defer func() { checkBuiltin = builtin }()
	file := filepath.Join(t.TempDir(), "q.jsonl")
	lines := `{"id":"hangs","query":"print s = 'hang-the-checker'"}` + "\n" + `{"id":"after","query":"print n = 1"}` + "\n"
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	outcomes, sum := corpusJSON(t, "corpus", "run", file, "--timeout", "200ms", "--invalid-list", "testdata/corpus_invalid.txt")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("corpus run took %v with a 200ms timeout", d)
	}
	if len(outcomes) != 2 || outcomes[0].OK || !strings.Contains(outcomes[0].Error, "timed out after 200ms") || outcomes[0].Checked {
		t.Errorf("outcomes %+v: want the first to time out unchecked", outcomes)
	}
	if len(outcomes) == 2 && (!outcomes[1].OK || !outcomes[1].Checked) {
		t.Errorf("the query after the hang: %+v, want ok and checked", outcomes[1])
	}
	if sum.OK != 1 || sum.Failed != 1 {
		t.Errorf("summary %+v", sum)
	}
}

// TestCorpusListedFailsOnlyAsListed checks that a query on an invalid-query list counts as invalid only when it
// fails with the error the list records (position and message prefix), in each mode; failing otherwise makes it
// a failure that names the listed error, so a new error in a listed query is not hidden by the listing. In run
// mode the list's error is the check's (against the built-in schemas), whatever the data makes of the query.
func TestCorpusListedFailsOnlyAsListed(t *testing.T) {
	list := filepath.Join(t.TempDir(), "invalid.txt")
	lines := "syntax-error\t'=' where '==' is meant\t2:20 unexpected '=' after the where operator\n" +
		"unknown-table\tlisted with another name\t1:1 Failed to resolve table or column expression named 'UrlClickEvent'\n" +
		"unknown-column\tno table has it\t1:24 Failed to resolve scalar expression named 'NoSuchColumn'\n" +
		"asim-parser\tlisted at another position\t2:1 Failed to resolve table or column expression named '_Im_Dns'\n"
	if err := os.WriteFile(list, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		wantKinds []string
	}{
		{name: "check", args: []string{"corpus", "check", corpusFile, "--invalid-list", list},
			wantKinds: []string{"ok", "invalid", "error", "workspace", "error", "ok", "malformed", "malformed", "invalid"}},
		{name: "parse", args: []string{"corpus", "parse", corpusFile, "--invalid-list", list},
			wantKinds: []string{"ok", "invalid", "ok", "ok", "ok", "ok", "malformed", "malformed", "ok"}},
		{name: "run", args: []string{"corpus", "run", corpusFile, "--data", exampleData, "--now", pinnedNow, "--invalid-list", list},
			wantKinds: []string{"ok", "invalid", "error", "workspace", "error", "ok", "malformed", "malformed", "invalid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			outcomes, _ := corpusJSON(t, tc.args...)
			var kinds []string
			for _, o := range outcomes {
				kinds = append(kinds, o.Kind)
				if o.ID == "unknown-table" && o.Kind == kindError && o.Listed != "1:1 Failed to resolve table or column expression named 'UrlClickEvent'" {
					t.Errorf("unknown-table: listed %q, want the list's error", o.Listed)
				}
			}
			if !reflect.DeepEqual(kinds, tc.wantKinds) {
				t.Errorf("kinds %v, want %v", kinds, tc.wantKinds)
			}
		})
	}
	code, out, _ := cli(t, "corpus", "check", corpusFile, "--invalid-list", list)
	want := "FAIL  unknown-table: 1:1: Failed to resolve table or column expression named 'UrlClikEvents' (listed as invalid KQL failing with 1:1 Failed to resolve table or column expression named 'UrlClickEvent')\n"
	if code != exitOK || !strings.Contains(out, want) {
		t.Errorf("exit %d, stdout:\n%s\nwant a line %q", code, out, want)
	}
}
