// Package rules loads Sentinel-style rule files (hunting queries and analytics rules written in YAML).
// Positions are kept: a YAML error and an error in the rule's query both point at line:col of the rule file.
package rules

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// Rule is one Sentinel rule file.
type Rule struct {
	Path                   string
	ID                     string
	Name                   string
	Description            string
	Version                string
	Kind                   string // Scheduled, NRT, or "" for hunting queries
	Severity               string
	QueryFrequency         string
	QueryPeriod            string
	TriggerOperator        string
	TriggerThreshold       *int
	RequiredDataConnectors []DataConnector
	Tactics                []string
	RelevantTechniques     []string
	Tags                   []string
	// Query is the KQL text as YAML reads it.
	Query string
	// QuerySource is the query positioned in the rule file: its diagnostics print the file's line:col.
	QuerySource *source.Source
}

// DataConnector is one entry of requiredDataConnectors.
type DataConnector struct {
	ConnectorID string
	DataTypes   []string
}

// Load reads and parses the rule file at path.
func Load(path string) (*Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// yamlLine finds the line number yaml.v3 puts in its error text ("yaml: line 4: ...").
var yamlLine = regexp.MustCompile(`line (\d+): `)

// Parse parses rule YAML read from the file named name. Errors are a *source.DiagnosticList positioned in the file.
func Parse(name string, data []byte) (*Rule, error) {
	text := string(data)
	file := source.New(name, text)
	p := &parser{file: file, text: text}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.yamlError(err)
		return nil, p.diags.Err()
	}
	if len(doc.Content) == 0 {
		p.errorAt(1, 1, "the rule file is empty")
		return nil, p.diags.Err()
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorAt(root.Line, root.Column, "a rule must be a YAML mapping (key: value lines), found %s", kindName(root))
		return nil, p.diags.Err()
	}
	r := &Rule{Path: name}
	var queryNode *yaml.Node
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		if line, dup := seen[key.Value]; dup {
			p.errorAt(key.Line, key.Column, "%s is already set at line %d", key.Value, line)
			continue
		}
		seen[key.Value] = key.Line
		switch key.Value {
		case "id":
			r.ID = p.scalar(key, val)
		case "name":
			r.Name = p.scalar(key, val)
		case "description":
			r.Description = p.scalar(key, val)
		case "version":
			r.Version = p.scalar(key, val)
		case "kind":
			r.Kind = p.scalar(key, val)
		case "severity":
			r.Severity = p.scalar(key, val)
		case "queryFrequency":
			r.QueryFrequency = p.scalar(key, val)
		case "queryPeriod":
			r.QueryPeriod = p.scalar(key, val)
		case "triggerOperator":
			r.TriggerOperator = p.scalar(key, val)
		case "triggerThreshold":
			s := p.scalar(key, val)
			if n, err := strconv.Atoi(s); err == nil {
				r.TriggerThreshold = &n
			} else if s != "" {
				p.errorAt(val.Line, val.Column, "triggerThreshold must be an integer, found %q", s)
			}
		case "tactics":
			r.Tactics = p.stringList(key, val)
		case "relevantTechniques":
			r.RelevantTechniques = p.stringList(key, val)
		case "tags":
			r.Tags = p.stringList(key, val)
		case "requiredDataConnectors":
			r.RequiredDataConnectors = p.connectors(key, val)
		case "query":
			r.Query = p.scalar(key, val)
			queryNode = val
		}
		// Other keys (entityMappings, customDetails, metadata, ...) are valid Sentinel fields that running
		// a rule does not need; they are accepted as they are.
	}
	switch {
	case queryNode == nil:
		p.errorAt(root.Line, root.Column, "the rule has no query: field")
	case strings.TrimSpace(r.Query) == "":
		p.errorAt(queryNode.Line, queryNode.Column, "the rule's query is empty")
	default:
		r.QuerySource = p.querySource(queryNode)
	}
	if err := p.diags.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

type parser struct {
	file       *source.Source
	text       string
	diags      source.DiagnosticList
	lineStarts []int // byte offsets of line starts, built on the first error
}

// offset converts a 1-based line and column (in characters) to a byte offset in the file.
func (p *parser) offset(line, col int) source.Pos {
	if p.lineStarts == nil {
		p.lineStarts = []int{0}
		for i := 0; i < len(p.text); i++ {
			if p.text[i] == '\n' {
				p.lineStarts = append(p.lineStarts, i+1)
			}
		}
	}
	if line > len(p.lineStarts) {
		return source.Pos(len(p.text))
	}
	pos := p.lineStarts[line-1]
	for c := 1; c < col && pos < len(p.text) && p.text[pos] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(p.text[pos:])
		pos += size
	}
	return source.Pos(pos)
}

func (p *parser) errorAt(line, col int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	start := p.offset(line, col)
	p.diags.Addf(p.file, source.Span{Start: start, End: start + 1}, format, args...)
}

// yamlError turns a yaml.v3 error ("yaml: line 4: did not find expected key") into a positioned diagnostic.
// yaml.v3 reports only the line of a syntax error, so the caret sits at the line's first non-blank character.
func (p *parser) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	col := 1
	lineText := p.file.Line(line)
	col += len([]rune(lineText)) - len([]rune(strings.TrimLeft(lineText, " \t")))
	p.errorAt(line, col, "invalid YAML: %s", msg)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a scalar"
}

func (p *parser) scalar(key, val *yaml.Node) string {
	if val.Kind != yaml.ScalarNode {
		p.errorAt(val.Line, val.Column, "%s must be a single value, found %s", key.Value, kindName(val))
		return ""
	}
	if val.Tag == "!!null" {
		return ""
	}
	return val.Value
}

func (p *parser) stringList(key, val *yaml.Node) []string {
	if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
		return nil
	}
	if val.Kind != yaml.SequenceNode {
		p.errorAt(val.Line, val.Column, "%s must be a list (lines starting with -), found %s", key.Value, kindName(val))
		return nil
	}
	out := make([]string, 0, len(val.Content))
	for _, item := range val.Content {
		if item.Kind != yaml.ScalarNode {
			p.errorAt(item.Line, item.Column, "%s entries must be single values, found %s", key.Value, kindName(item))
			continue
		}
		out = append(out, item.Value)
	}
	return out
}

func (p *parser) connectors(key, val *yaml.Node) []DataConnector {
	if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
		return nil
	}
	if val.Kind != yaml.SequenceNode {
		p.errorAt(val.Line, val.Column, "%s must be a list of {connectorId, dataTypes}, found %s", key.Value, kindName(val))
		return nil
	}
	var out []DataConnector
	for _, item := range val.Content {
		if item.Kind != yaml.MappingNode {
			p.errorAt(item.Line, item.Column, "each of %s must be a mapping with connectorId and dataTypes, found %s", key.Value, kindName(item))
			continue
		}
		var dc DataConnector
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			switch k.Value {
			case "connectorId":
				dc.ConnectorID = p.scalar(k, v)
			case "dataTypes":
				dc.DataTypes = p.stringList(k, v)
			}
		}
		if dc.ConnectorID == "" {
			p.errorAt(item.Line, item.Column, "%s entry has no connectorId", key.Value)
		}
		out = append(out, dc)
	}
	return out
}

// querySource positions the query in the rule file. For a block scalar (query: |) the Source holds the
// file's own lines, indentation included (whitespace is insignificant in KQL), so that every line and column
// of a diagnostic is the file's. For a one-line scalar it holds the value, shifted to where it starts.
func (p *parser) querySource(n *yaml.Node) *source.Source {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		if text, firstLine, ok := p.blockLines(n); ok {
			return &source.Source{Name: p.file.Name, Text: text, LineOffset: firstLine - 1}
		}
	}
	col := n.Column - 1
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++ // past the opening quote
	}
	return &source.Source{Name: p.file.Name, Text: n.Value, LineOffset: n.Line - 1, ColOffset: col}
}

// blockLines returns the raw lines of the block scalar n (from the line after its | or > indicator while
// lines are blank or indented at least as much as the first), and the file line the text starts on.
// ok is false when the raw lines, de-indented, are not the value YAML read (for a literal block), so
// that the caller falls back to the value.
func (p *parser) blockLines(n *yaml.Node) (string, int, bool) {
	lines := strings.Split(p.text, "\n")
	first := n.Line // 1-based line of the indicator; the content starts on the next line
	if first >= len(lines) {
		return "", 0, false
	}
	indent := -1
	var kept []string
	for _, raw := range lines[first:] {
		line := strings.TrimRight(raw, "\r")
		body := strings.TrimLeft(line, " ")
		if body == "" {
			kept = append(kept, line)
			continue
		}
		ind := len(line) - len(body)
		if indent < 0 {
			indent = ind
		}
		if ind < indent {
			break
		}
		kept = append(kept, line)
	}
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "" {
		kept = kept[:len(kept)-1]
	}
	if indent <= 0 || len(kept) == 0 {
		return "", 0, false
	}
	text := strings.Join(kept, "\n")
	if n.Style&yaml.LiteralStyle != 0 {
		dedented := make([]string, len(kept))
		for i, l := range kept {
			if len(l) >= indent {
				dedented[i] = l[indent:]
			} else {
				dedented[i] = ""
			}
		}
		if strings.TrimRight(strings.Join(dedented, "\n"), "\n") != strings.TrimRight(n.Value, "\n") {
			return "", 0, false
		}
	}
	return text, first + 1, true
}

// Header returns the lines describing the rule, printed before its results.
func (r *Rule) Header() string {
	var b strings.Builder
	name := r.Name
	if name == "" {
		name = r.Path
	}
	fmt.Fprintf(&b, "Rule: %s", name)
	if r.ID != "" {
		fmt.Fprintf(&b, " (id %s", r.ID)
		if r.Version != "" {
			fmt.Fprintf(&b, ", version %s", r.Version)
		}
		b.WriteString(")")
	}
	b.WriteString("\n")
	if len(r.Tactics) > 0 {
		fmt.Fprintf(&b, "Tactics: %s\n", strings.Join(r.Tactics, ", "))
	}
	if len(r.RelevantTechniques) > 0 {
		fmt.Fprintf(&b, "Techniques: %s\n", strings.Join(r.RelevantTechniques, ", "))
	}
	var tables []string
	for _, dc := range r.RequiredDataConnectors {
		tables = append(tables, dc.DataTypes...)
	}
	if len(tables) > 0 {
		fmt.Fprintf(&b, "Data: %s\n", strings.Join(tables, ", "))
	}
	return b.String()
}
