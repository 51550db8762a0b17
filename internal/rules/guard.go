package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// guardRule is one of kql-guard's cost warnings [RULES.md §5], kept as a kqlhunt check of the same ID.
type guardRule struct {
	id          string
	description string
}

// guardRules are the kql-guard warnings kqlhunt reports, KQL002 to KQL014.
var guardRules = []guardRule{
	{"KQL002", "Prefer has over contains: has uses the term index, contains scans every string."},
	{"KQL003", "The query filters on time (ago() or between), so it does not scan the table's whole retention."},
	{"KQL004", "search names the tables it reads (search in (T) or T | search) instead of scanning every table."},
	{"KQL005", "union names its tables instead of a wildcard."},
	{"KQL006", "The right side of a join is limited in time, so the join does not build over all of it."},
	{"KQL007", "Regular expressions (matches regex, extract, parse kind=regex) are costly; prefer has, parse or split."},
	{"KQL008", "The query reduces its output with project, summarize, take or top."},
	{"KQL009", "mv-expand has a limit, so one large array cannot multiply the rows without bound."},
	{"KQL010", "The query stays in its own cluster or workspace (cluster(), workspace(), app(), adx() reach others)."},
	{"KQL011", "A sort over unaggregated rows is followed by take or top, so it does not order every row."},
	{"KQL012", "Case-insensitive equality uses =~ rather than tolower()/toupper() ==."},
	{"KQL013", "take follows a sort (or top is used), so the rows it returns are not arbitrary."},
	{"KQL014", "An extend computes fewer than 6 columns; split or project what is needed."},
}

func init() {
	for _, r := range guardRules {
		checkDescriptions[r.id] = r.description
	}
}

// maxExtendColumns is how many computed columns one extend may have before KQL014 warns.
const maxExtendColumns = 6

// guardFinding is a kql-guard warning before suppression comments are applied.
type guardFinding struct {
	pos     source.Pos
	rule    string
	message string
}

// guardQuery reports kql-guard's warnings for a parsed query. analytic rules have their time window set by
// queryPeriod, so KQL003 (no time filter) does not apply to them.
func (c *checker) guardQuery(src *source.Source, q *syntax.Query, analytic bool) {
	sup := parseSuppressions(src, q)
	for _, f := range guardFindings(q, analytic) {
		line, col := src.LineCol(f.pos)
		if sup.suppressed(f.rule, line) {
			continue
		}
		c.add(line, col, "warning", f.rule, "%s", f.message)
	}
}

// guardFindings walks the query's AST for kql-guard's patterns.
func guardFindings(q *syntax.Query, analytic bool) []guardFinding {
	var out []guardFinding
	report := func(n syntax.Node, rule, format string, args ...any) {
		out = append(out, guardFinding{pos: n.Span().Start, rule: rule, message: fmt.Sprintf(format, args...)})
	}
	lets := map[string]syntax.Expr{}
	inputs := map[*syntax.PipeExpr]bool{} // pipes that are the input of another pipe (not the head of a chain)
	reduces := false
	syntax.Inspect(q, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.LetStmt:
			if n.Name != nil {
				lets[n.Name.Name] = n.Value
			}
		case *syntax.PipeExpr:
			if in, ok := n.Input.(*syntax.PipeExpr); ok {
				inputs[in] = true
			}
		case *syntax.BinaryExpr:
			switch n.Op {
			case "contains", "!contains", "contains_cs", "!contains_cs":
				report(opNode{n.OpPos}, "KQL002", "%s scans every string; prefer %s, which uses the term index, when matching whole terms", n.Op, strings.Replace(n.Op, "contains", "has", 1))
			case "matches regex":
				report(opNode{n.OpPos}, "KQL007", "matches regex evaluates a regular expression on every row; prefer has, startswith or parse when they can express it")
			case "==", "!=":
				if fn := caseFold(n.X); fn != "" {
					report(opNode{n.OpPos}, "KQL012", "%s() %s compares case-insensitively by converting every value; use %s", fn, n.Op, map[string]string{"==": "=~", "!=": "!~"}[n.Op])
				} else if fn := caseFold(n.Y); fn != "" {
					report(opNode{n.OpPos}, "KQL012", "%s %s() compares case-insensitively by converting every value; use %s", n.Op, fn, map[string]string{"==": "=~", "!=": "!~"}[n.Op])
				}
			}
		case *syntax.CallExpr:
			switch callName(n) {
			case "extract", "extract_all":
				report(n, "KQL007", "%s() evaluates a regular expression on every row; prefer parse or split when they can express it", callName(n))
			case "cluster", "workspace", "app", "adx":
				report(n, "KQL010", "%s() queries another cluster or workspace; cross-resource queries are slower and cost more", callName(n))
			}
		case *syntax.ParseOp:
			if paramValue(n.Params, "kind") == "regex" {
				report(n, "KQL007", "parse kind=regex evaluates a regular expression on every row; prefer parse's simple kind when it can express it")
			}
		case *syntax.UnionOp:
			for _, t := range n.Tables {
				switch t.(type) {
				case *syntax.WildcardName, *syntax.StarExpr:
					report(n, "KQL005", "union with a wildcard reads every matching table; name the tables")
				}
			}
		case *syntax.MvExpandOp:
			if n.Limit == nil {
				report(n, "KQL009", "mv-expand has no limit; add limit N so one large array cannot multiply the rows without bound")
			}
		case *syntax.ExtendOp:
			if len(n.Columns) >= maxExtendColumns {
				report(n, "KQL014", "extend computes %d columns (%d or more); compute only what is needed, or split it", len(n.Columns), maxExtendColumns)
			}
		case *syntax.JoinOp:
			if !hasTimeFilter(n.Right, lets, 0) {
				report(n, "KQL006", "the right side of the join has no time filter (ago() or between); limit it in time so the join does not build over all of it")
			}
		case *syntax.ProjectOp, *syntax.ProjectAwayOp, *syntax.ProjectKeepOp, *syntax.SummarizeOp, *syntax.TakeOp,
			*syntax.TopOp, *syntax.CountOp, *syntax.DistinctOp, *syntax.MakeSeriesOp, *syntax.TopNestedOp,
			*syntax.TopHittersOp, *syntax.SampleOp, *syntax.SampleDistinctOp:
			reduces = true
		}
		return true
	})
	var firstSource syntax.Node // where the query first reads a table, for the query-wide warnings
	syntax.Inspect(q, func(n syntax.Node) bool {
		pipe, ok := n.(*syntax.PipeExpr)
		if !ok || inputs[pipe] {
			return true
		}
		src, ops := chain(pipe)
		if firstSource == nil {
			if id, ok := src.(*syntax.Ident); ok {
				firstSource = id // a table, or a let-bound name that stands for one
			} else if src == nil && len(ops) > 0 {
				switch ops[0].(type) {
				case *syntax.UnionOp, *syntax.SearchOp, *syntax.FindOp:
					firstSource = ops[0]
				}
			}
		}
		out = append(out, chainFindings(src, ops)...)
		return true
	})
	if firstSource != nil {
		if !analytic && !hasTimeFilter(q, nil, 0) {
			out = append(out, guardFinding{pos: firstSource.Span().Start, rule: "KQL003",
				message: "the query has no time filter (ago() or between); add e.g. | where TimeGenerated > ago(1d) so it does not scan the whole retention"})
		}
		if !reduces {
			out = append(out, guardFinding{pos: firstSource.Span().Start, rule: "KQL008",
				message: "the query returns every column of every row; reduce it with project, summarize, take or top"})
		}
	}
	return out
}

// chainFindings are the warnings that depend on the order of one pipeline's operators.
func chainFindings(src syntax.Expr, ops []syntax.Operator) []guardFinding {
	var out []guardFinding
	sorted := false
	aggregated := false // rows after an aggregation are few, so sorting them costs little
	for i, op := range ops {
		switch op := op.(type) {
		case *syntax.SearchOp:
			if i == 0 && src == nil && op.Tables == nil {
				out = append(out, guardFinding{pos: op.Span().Start, rule: "KQL004", message: "search without in (...) reads every table; name the tables: search in (T1, T2) ..."})
			}
		case *syntax.SortOp:
			sorted = true
			bounded := false
			for _, later := range ops[i+1:] {
				switch later.(type) {
				case *syntax.TakeOp, *syntax.TopOp:
					bounded = true
				}
			}
			if !bounded && !aggregated {
				out = append(out, guardFinding{pos: op.Span().Start, rule: "KQL011", message: "sort orders every row and is not followed by take or top; use top N by ... when only the first rows matter"})
			}
		case *syntax.TopOp:
			sorted = true
		case *syntax.TakeOp:
			if !sorted {
				out = append(out, guardFinding{pos: op.Span().Start, rule: "KQL013", message: "take without a sort returns arbitrary rows, different from run to run; use top N by ... for a deterministic result"})
			}
		case *syntax.SummarizeOp, *syntax.CountOp, *syntax.DistinctOp, *syntax.MakeSeriesOp, *syntax.TopNestedOp, *syntax.TopHittersOp:
			sorted = false // an aggregation loses the order: a take after it is arbitrary again
			aggregated = true
		}
	}
	return out
}

// chain flattens a pipeline into its source expression (nil when it starts with an operator such as union) and
// its operators in order.
func chain(p *syntax.PipeExpr) (syntax.Expr, []syntax.Operator) {
	var ops []syntax.Operator
	var x syntax.Expr = p
	for {
		pipe, ok := x.(*syntax.PipeExpr)
		if !ok {
			break
		}
		ops = append(ops, pipe.Op)
		x = pipe.Input
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	if x == nil {
		return nil, ops
	}
	return x, ops
}

// maxLetDepth bounds how far hasTimeFilter follows let-bound names, which may refer to each other.
const maxLetDepth = 8

// hasTimeFilter reports whether n (or a let-bound name it uses) calls ago() or uses between.
func hasTimeFilter(n syntax.Node, lets map[string]syntax.Expr, depth int) bool {
	found := false
	syntax.Inspect(n, func(n syntax.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *syntax.BetweenExpr:
			found = true
		case *syntax.CallExpr:
			if callName(n) == "ago" {
				found = true
			}
		case *syntax.Ident:
			if v, ok := lets[n.Name]; ok && depth < maxLetDepth && hasTimeFilter(v, lets, depth+1) {
				found = true
			}
		}
		return !found
	})
	return found
}

// callName is the name of a called function, "" for calls of other expressions.
func callName(c *syntax.CallExpr) string {
	if id, ok := c.Fn.(*syntax.Ident); ok {
		return id.Name
	}
	return ""
}

// caseFold is tolower or toupper when x calls one of them, "".
func caseFold(x syntax.Expr) string {
	if c, ok := x.(*syntax.CallExpr); ok {
		if name := callName(c); name == "tolower" || name == "toupper" {
			return name
		}
	}
	return ""
}

// paramValue is the value of an operator option as written (kind=regex gives "regex"), "" when absent.
func paramValue(params []*syntax.OpParam, name string) string {
	for _, p := range params {
		if strings.EqualFold(p.Name, name) {
			switch v := p.Value.(type) {
			case *syntax.Ident:
				return v.Name
			case *syntax.Literal:
				return v.Raw
			}
		}
	}
	return ""
}

// opNode locates a finding at an operator token inside an expression.
type opNode struct{ sp source.Span }

func (o opNode) Span() source.Span { return o.sp }

// suppressionRe matches a kql-guard suppression comment and the rule IDs after it.
var suppressionRe = regexp.MustCompile(`//\s*kql-guard:(disable-next-line|disable-file|disable)\b([ \t,A-Za-z0-9]*)`)

// suppressions are the kql-guard comments of one query: `disable` (same line), `disable-next-line` and
// `disable-file`, each for the rules listed after it (comma or space separated), or all rules when none is.
type suppressions struct {
	lines map[int]map[string]bool // file line -> suppressed rules ("*" for all)
	file  map[string]bool
}

func parseSuppressions(src *source.Source, q *syntax.Query) suppressions {
	s := suppressions{lines: map[int]map[string]bool{}, file: map[string]bool{}}
	var literals []source.Span // a "// kql-guard:..." inside a string literal is no comment
	syntax.Inspect(q, func(n syntax.Node) bool {
		if lit, ok := n.(*syntax.Literal); ok {
			literals = append(literals, lit.Span())
		}
		return true
	})
	for _, m := range suppressionRe.FindAllStringSubmatchIndex(src.Text, -1) {
		inLiteral := false
		for _, sp := range literals {
			inLiteral = inLiteral || (source.Pos(m[0]) >= sp.Start && source.Pos(m[0]) < sp.End)
		}
		if inLiteral {
			continue
		}
		line, _ := src.LineCol(source.Pos(m[0]))
		rules := map[string]bool{}
		for _, f := range strings.FieldsFunc(src.Text[m[4]:m[5]], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if strings.HasPrefix(strings.ToUpper(f), "KQL") {
				rules[strings.ToUpper(f)] = true
			}
		}
		if len(rules) == 0 {
			rules["*"] = true
		}
		var into map[string]bool
		switch src.Text[m[2]:m[3]] {
		case "disable-file":
			into = s.file
		case "disable-next-line":
			line++
			fallthrough
		default:
			if s.lines[line] == nil {
				s.lines[line] = map[string]bool{}
			}
			into = s.lines[line]
		}
		for r := range rules {
			into[r] = true
		}
	}
	return s
}

func (s suppressions) suppressed(rule string, line int) bool {
	return s.file["*"] || s.file[rule] || s.lines[line]["*"] || s.lines[line][rule]
}
