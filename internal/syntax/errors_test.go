package syntax

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []string // Diagnostic.Error() of each item, in order
	}{
		{"unknown operator", "T | wher x > 1", []string{"1:5: error: unknown operator 'wher' (did you mean 'where'?)"}},
		{"missing right operand at end", "datatable(x:long)[1]\n| where x >", []string{"2:12: error: expected an expression after '>'"}},
		{"unclosed paren", "T | where (x > 1", []string{"1:17: error: expected ')' but found end of query"}},
		{"trailing comma in project", "T | project a,", []string{"1:15: error: expected an expression after ','"}},
		{"empty by", "T | summarize count() by", []string{"1:25: error: expected an expression after 'by'"}},
		{"unterminated string", `print x = "abc`, []string{"1:11: error: unterminated string literal"}},
		{"take without count", "T | take", []string{"1:9: error: expected an expression after 'take'"}},
		{"join without on", "T | join kind=inner (U)", []string{"1:24: error: expected 'on' after the right side of 'join' but found end of query"}},
		{"sort without by", "T | sort x", []string{"1:10: error: expected 'by' after 'sort' but found 'x'"}},
		{"let without name", "let = 5; T", []string{"1:5: error: expected a name after 'let' but found '='"}},
		{"bad datetime", "T | where x == datetime(2020-13-01)", []string{"1:16: error: invalid datetime literal '2020-13-01'"}},
		{"several errors collected", "T | wher x | take | project-away", []string{
			"1:5: error: unknown operator 'wher' (did you mean 'where'?)",
			"1:19: error: expected an expression after 'take' but found '|'",
			"1:33: error: expected a column name after 'project-away'",
		}},
		{"unclosed in list", `T | where x in ("a", "b"`, []string{"1:25: error: expected ')' but found end of query"}},
		{"unclosed datatable", "datatable(x:long)[1,2", []string{"1:22: error: expected ']' but found end of query"}},
		{"stray paren", "T | where x > 1 )", []string{"1:17: error: expected '|' or ';' but found ')'"}},
		{"single equals in where", "T | where x = 1", []string{"1:13: error: unexpected '=' after the where operator (use '==' to compare)"}},
		{"has_any without list", `T | where x has_any "a"`, []string{`1:21: error: expected '(' after 'has_any' but found string literal "a"`}},
		{"between with comma", "T | where x between (1, 2)", []string{"1:23: error: expected '..' but found ','"}},
		{"trailing comma in call", "print f(1,)", []string{"1:11: error: expected an expression after ',' but found ')'"}},
		{"operand missing before next pipe", "T | extend a = 1 + \n| summarize", []string{
			"2:1: error: expected an expression after '+' but found '|'",
		}},
		{"long overflow", "print 99999999999999999999", []string{"1:7: error: integer literal 99999999999999999999 is out of range for long"}},
		{"bad typed literals", "print guid(xyz), int(3000000000), time(abc)", []string{
			"1:7: error: invalid guid literal 'xyz'",
			"1:18: error: invalid int literal '3000000000'",
			"1:35: error: invalid timespan literal 'abc'",
		}},
		{"make-series without step value", "T | make-series count() on ts step", []string{"1:35: error: expected an expression after 'step'"}},
		{"make-series without step", "T | make-series count() on ts from 1 to 2", []string{"1:42: error: expected 'step' after the axis of 'make-series' but found end of query"}},
		{"render without chart", "T | render", []string{"1:11: error: expected a chart type after 'render' but found end of query"}},
		{"top without by", "T | top 10 x", []string{"1:12: error: expected 'by' after the row count of 'top' but found 'x'"}},
		{"pipe at end", "T |", []string{"1:4: error: expected an operator after '|' but found end of query"}},
		{"and followed by or", "T | where a and or b", []string{"1:17: error: expected an expression after 'and' but found 'or'"}},
		{"bad escape", `print "a\qb"`, []string{`1:9: error: invalid escape sequence '\q' in string literal`}},
		{"hyphenated typo", "T | project-awy a", []string{"1:5: error: unknown operator 'project-awy' (did you mean 'project-away'?)"}},
		{"error on a later line and column with tabs", "T\n| where a == 1\n|\twhere b >", []string{"3:12: error: expected an expression after '>'"}},
		{"non-ascii columns counted in characters", "print 'é' == 'é' +", []string{"1:19: error: expected an expression after '+'"}},
		{"unexpected character", "T | where a == 1 ` b", []string{"1:18: error: unexpected character '`'"}},
		{"empty query", "   // only a comment\n", []string{"2:1: error: expected a query but found end of query"}},
		{"errors in two statements", "let a = ;\nT | where", []string{
			"1:9: error: expected an expression after '=' but found ';'",
			"2:10: error: expected an expression after 'where'",
		}},
		{"unterminated multi-line string", "print ```abc", []string{"1:7: error: unterminated multi-line string literal"}},
		{"dynamic missing value", "print dynamic({\"a\": })", []string{"1:21: error: expected a value in the dynamic literal but found '}'"}},
		{"bracket in a parse pattern (once a hang)", `T | parse s with "a" x["b" y`, []string{"1:23: error: unexpected '[' after the parse operator"}},
		{"invalid number unit", "print 1.5xyz", []string{"1:7: error: invalid number or time unit '1.5xyz'"}},
		{"unknown escape ends the string as Kusto does", `print "a\/b"`, []string{`1:9: error: invalid escape sequence '\/' in string literal`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := Parse(source.New("", tc.query))
			var got []string
			for _, d := range diags.Items {
				got = append(got, d.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("query %q\ngot:\n%s\nwant:\n%s", tc.query, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if diags.Err() == nil {
				t.Errorf("Err() is nil for an invalid query")
			}
		})
	}
}

func TestSyntaxErrorPretty(t *testing.T) {
	_, diags := Parse(source.New("rule.kql", "T\n| where x >"))
	want := "rule.kql:2:12: error: expected an expression after '>'\n  | where x >\n             ^"
	if got := diags.Pretty(); got != want {
		t.Errorf("Pretty =\n%s\nwant\n%s", got, want)
	}
}

func TestErrorsAreCapped(t *testing.T) {
	q := strings.Repeat("T | wher x;\n", 100)
	_, diags := Parse(source.New("", q))
	if len(diags.Items) != source.MaxDiagnostics || diags.Dropped != 100-source.MaxDiagnostics {
		t.Errorf("got %d items and %d dropped, want %d and %d", len(diags.Items), diags.Dropped, source.MaxDiagnostics, 100-source.MaxDiagnostics)
	}
}

func TestParseExpr(t *testing.T) {
	tests := []struct {
		name, expr, want, wantErr string
	}{
		{"predicate", `Url has "internal.corp" and ipv4_is_private(IP)`, `Url has "internal.corp" and ipv4_is_private(IP)`, ""},
		{"trailing text", `a == 1 b`, "", "1:8: error: unexpected 'b' after the expression"},
		{"empty", ``, "", "1:1: error: expected an expression but found end of query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, diags := ParseExpr(source.New("", tc.expr))
			if tc.wantErr != "" {
				if diags.Err() == nil || diags.Items[0].Error() != tc.wantErr {
					t.Fatalf("error = %v, want %s", diags.Err(), tc.wantErr)
				}
				return
			}
			if diags.Err() != nil {
				t.Fatal(diags)
			}
			if got := Format(x); got != tc.want {
				t.Errorf("Format = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDeepNestingDoesNotOverflow feeds deeply nested input through every recursive path of the parser.
func TestDeepNestingDoesNotOverflow(t *testing.T) {
	const n = 20000
	tests := []struct{ name, query string }{
		{"parentheses", strings.Repeat("(", n) + "1" + strings.Repeat(")", n)},
		{"unary minus", "print " + strings.Repeat("-", n) + "1"},
		{"function bodies", strings.Repeat("let f = () { ", n) + "T" + strings.Repeat(" }", n)},
		{"union legs", strings.Repeat("union (", n) + "T" + strings.Repeat(")", n)},
		{"fork branches", "T | " + strings.Repeat("fork (", n) + "take 1" + strings.Repeat(")", n)},
		{"tabular parameter types", "let f = (T:" + strings.Repeat("(a:", n) + "long" + strings.Repeat(")", n) + ") { T }; f(U)"},
		{"dynamic arrays", "print dynamic(" + strings.Repeat("[", n) + strings.Repeat("]", n) + ")"},
		{"calls", strings.Repeat("f(", n) + strings.Repeat(")", n)},
		{"member chain", "print a" + strings.Repeat(".b", n)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree, diags := Parse(source.New("", tc.query))
			if tree == nil {
				t.Fatal("nil tree")
			}
			if tc.name != "member chain" && diags.Err() == nil {
				t.Errorf("no error for nesting %d deep", n)
			}
		})
	}
}
