package rules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	goyaml "github.com/goccy/go-yaml"
	goyamlparser "github.com/goccy/go-yaml/parser"
	"gopkg.in/yaml.v3"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Finding is one problem `kqlhunt check` reports.
type Finding struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Col      int    `json:"column"`
	Severity string `json:"severity"` // error or warning
	Check    string `json:"check"`    // which check found it, e.g. "id-guid" (the SARIF ruleId)
	Message  string `json:"message"`
	RuleID   string `json:"ruleId,omitempty"` // the id of the Sentinel rule the finding is about
}

// String is the finding as one text line: file:line:col: severity: message [check].
func (f Finding) String() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.Path, f.Line, f.Col, f.Severity, f.Message, f.Check)
	return s
}

// CheckResult is what CheckPaths found.
type CheckResult struct {
	Findings []Finding
	Files    int // files checked (rules, .kql files, Markdown files with KQL fences)
	Rules    int // queries checked
}

// Errors counts the error findings.
func (r *CheckResult) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == "error" {
			n++
		}
	}
	return n
}

// CheckPaths checks every rule YAML, .kql file and Markdown KQL fence under paths (files or folders, recursively).
func CheckPaths(paths []string) (*CheckResult, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if checkedFileKind(path) != "" {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	c := &checker{ids: map[string]Finding{}}
	res := &CheckResult{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		n := c.checkFile(path, checkedFileKind(path), data)
		if n > 0 {
			res.Files++
			res.Rules += n
		}
	}
	sort.SliceStable(c.findings, func(i, j int) bool {
		a, b := c.findings[i], c.findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	res.Findings = c.findings
	return res, nil
}

// checkedFileKind is yaml, kql or md for the files check reads, "" for others.
func checkedFileKind(path string) string {
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".tuning.yaml"), strings.HasSuffix(lower, ".tests.yaml"):
		return "" // kqlhunt's own tuning and test files are not rules
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return "yaml"
	case strings.HasSuffix(lower, ".kql"), strings.HasSuffix(lower, ".kusto"), strings.HasSuffix(lower, ".csl"):
		return "kql"
	case strings.HasSuffix(lower, ".md"):
		return "md"
	}
	return ""
}

type checker struct {
	findings []Finding
	ids      map[string]Finding // lower-cased rule id -> where it was first seen
	path     string
	ruleID   string
}

func (c *checker) add(line, col int, severity, check, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	// a finding is one line of text output: newlines in a message (a quoted multi-line literal) are escaped
	msg := strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(fmt.Sprintf(format, args...))
	c.findings = append(c.findings, Finding{Path: c.path, Line: line, Col: col, Severity: severity, Check: check,
		Message: msg, RuleID: c.ruleID})
}

func (c *checker) errorAt(n *yaml.Node, check, format string, args ...any) {
	c.add(n.Line, n.Column, "error", check, format, args...)
}

func (c *checker) warnAt(n *yaml.Node, check, format string, args ...any) {
	c.add(n.Line, n.Column, "warning", check, format, args...)
}

// checkFile checks one file and returns how many queries it held.
func (c *checker) checkFile(path, kind string, data []byte) int {
	c.path, c.ruleID = path, ""
	switch kind {
	case "kql":
		c.checkQuery(source.New(path, string(data)), nil)
		return 1
	case "md":
		return c.checkMarkdown(path, string(data))
	}
	return c.checkRuleYAML(path, data)
}

// fenceRe matches a Markdown code fence that opens a KQL block.
var fenceRe = regexp.MustCompile("^\\s*(```+|~~~+)\\s*(?i:kql|kusto)\\b")

// checkMarkdown checks each ```kql (or ```kusto) fence of a Markdown file.
func (c *checker) checkMarkdown(path, text string) int {
	lines := strings.Split(text, "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		m := fenceRe.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		fence := m[1]
		start := i + 1
		end := start
		for end < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[end]), fence) {
			end++
		}
		body := strings.Join(lines[start:end], "\n")
		if strings.TrimSpace(body) != "" {
			c.checkQuery(&source.Source{Name: path, Text: body, LineOffset: start}, nil)
			n++
		}
		i = end
	}
	return n
}

// ruleFields are the keys Sentinel's hunting and analytic rule schemas define.
var ruleFields = map[string]bool{
	"id": true, "name": true, "description": true, "kind": true, "severity": true, "requiredDataConnectors": true,
	"queryFrequency": true, "queryPeriod": true, "triggerOperator": true, "triggerThreshold": true, "tactics": true,
	"relevantTechniques": true, "query": true, "entityMappings": true, "customDetails": true, "alertDetailsOverride": true,
	"version": true, "tags": true, "metadata": true, "status": true, "eventGroupingSettings": true,
	"incidentConfiguration": true, "suppressionEnabled": true, "suppressionDuration": true, "enabled": true,
	"sentinelEntitiesMappings": true, "techniques": true, "subTechniques": true, "alertRuleTemplateName": true,
	"templateVersion": true, "displayName": true, "exclusions": true, "tests": true,
}

// checkRuleYAML checks a Sentinel rule file. A YAML file without a query: key is not a rule and is skipped.
func (c *checker) checkRuleYAML(path string, data []byte) int {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fixed, line, ok := reindentQuery(data)
		var fixedDoc yaml.Node
		if ok && yaml.Unmarshal(fixed, &fixedDoc) == nil {
			c.add(line, 1, "warning", "yaml-indent", "the query: block is not indented consistently; it was read leniently (every line of a block scalar must be indented at least as much as its first line)")
			data, doc = fixed, fixedDoc
		} else if line, col, msg, ok := yamlSyntaxPosition(data); ok {
			c.add(line, col, "error", "yaml", "invalid YAML: %s", msg)
			return 1
		} else {
			rep := &parser{file: source.New(path, string(data)), text: string(data)}
			rep.yamlError(err)
			for _, d := range rep.diags.Items {
				l, col := d.Source.LineCol(d.Span.Start)
				c.add(l, col, "error", "yaml", "%s", d.Message)
			}
			return 1
		}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return 0
	}
	root := doc.Content[0]
	keys := map[string]*yaml.Node{}
	vals := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		keys[root.Content[i].Value] = root.Content[i]
		vals[root.Content[i].Value] = root.Content[i+1]
	}
	if vals["query"] == nil {
		return 0 // not a rule (a workbook, a parser, a tuning file, ...)
	}
	rule, perr := Parse(path, data)
	if perr != nil {
		if list, ok := perr.(*source.DiagnosticList); ok {
			for _, d := range list.Items {
				l, col := d.Source.LineCol(d.Span.Start)
				c.add(l, col, "error", "schema", "%s", d.Message)
			}
		} else {
			c.add(1, 1, "error", "schema", "%v", perr)
		}
	}
	if rule != nil {
		c.ruleID = rule.ID
	}
	m := &ruleMeta{c: c, root: root, keys: keys, vals: vals}
	m.check(path, data)
	if rule != nil && rule.QuerySource != nil {
		analytic := m.kind != ""
		info := c.checkQuery(rule.QuerySource, &queryContext{analytic: analytic})
		m.checkAgainstQuery(info)
	}
	return 1
}

// yamlSyntaxPosition locates a YAML syntax error at line and column: yaml.v3, which reads the rules, reports
// only a line (and for an unclosed quote, the line where the file ends), so the file is parsed again with
// goccy/go-yaml, whose errors carry the offending token's position.
func yamlSyntaxPosition(data []byte) (line, col int, msg string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := goyamlparser.ParseBytes(data, 0)
	var se *goyaml.SyntaxError
	if err == nil || !errors.As(err, &se) || se.GetToken() == nil || se.GetToken().Position == nil {
		return 0, 0, "", false
	}
	pos := se.GetToken().Position
	return pos.Line, pos.Column, se.GetMessage(), pos.Line >= 1 && pos.Column >= 1
}

// reindentQuery repairs the most common hand-editing mistake: a query: | block whose later lines are indented
// less than its first. It returns the file with the block's lines indented under the key (line count unchanged)
// and the line of the query: key.
func reindentQuery(data []byte) ([]byte, int, bool) {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if !regexp.MustCompile(`^query:\s*[|>][-+]?\s*$`).MatchString(strings.TrimRight(l, "\r")) {
			continue
		}
		end := i + 1
		minIndent := -1
		for end < len(lines) {
			t := strings.TrimRight(lines[end], "\r")
			if t != "" && t[0] != ' ' && t[0] != '\t' && regexp.MustCompile(`^[A-Za-z_]\w*:`).MatchString(t) {
				break
			}
			if strings.TrimSpace(t) != "" {
				ind := len(t) - len(strings.TrimLeft(t, " \t"))
				if minIndent < 0 || ind < minIndent {
					minIndent = ind
				}
			}
			end++
		}
		if minIndent < 0 {
			return nil, 0, false
		}
		for j := i + 1; j < end; j++ {
			t := strings.TrimRight(lines[j], "\r")
			if strings.TrimSpace(t) == "" {
				lines[j] = ""
				continue
			}
			lines[j] = "  " + strings.ReplaceAll(t[minIndent:], "\t", "  ")
		}
		// the first line sets a block's indentation: keep lines indented less than it as they now are,
		// then shift every line to the first line's indentation level or more
		first := ""
		for j := i + 1; j < end; j++ {
			if lines[j] != "" {
				first = lines[j]
				break
			}
		}
		firstIndent := len(first) - len(strings.TrimLeft(first, " "))
		for j := i + 1; j < end; j++ {
			if lines[j] == "" {
				continue
			}
			ind := len(lines[j]) - len(strings.TrimLeft(lines[j], " "))
			if ind < firstIndent {
				lines[j] = strings.Repeat(" ", firstIndent) + strings.TrimLeft(lines[j], " ")
			}
		}
		return []byte(strings.Join(lines, "\n")), i + 1, true
	}
	return nil, 0, false
}

// queryContext is what checkQuery needs to know about the rule around the query.
type queryContext struct {
	analytic bool
}

// queryInfo is what the query reads and returns, for the metadata checks that depend on it.
type queryInfo struct {
	parsed  bool
	checked bool            // the query passed the schema-aware check, so columns is complete
	tables  map[string]bool // known or custom tables the query names
	columns map[string]bool // the columns of the query's result
}

// checkQuery parses and checks a query against the built-in table schemas.
func (c *checker) checkQuery(src *source.Source, ctx *queryContext) queryInfo {
	info := queryInfo{tables: map[string]bool{}, columns: map[string]bool{}}
	if len(src.Text) > maxQueryChars {
		c.add(src.LineOffset+1, 1, "error", "query-length", "the query has %d characters; Sentinel allows at most %d", len(src.Text), maxQueryChars)
	}
	q, diags := syntax.Parse(src)
	if diags != nil && diags.HasErrors() {
		c.queryDiags(diags, "kql-syntax")
		return info
	}
	info.parsed = true
	c.guardQuery(src, q, ctx != nil && ctx.analytic)
	syntax.Inspect(q, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			if _, known := catalog.KnownSchema(id.Name); known || strings.HasSuffix(id.Name, "_CL") {
				info.tables[id.Name] = true
			}
		}
		return true
	})
	if ctx != nil && ctx.analytic {
		for _, bad := range []string{"search *", "union *"} {
			if i := strings.Index(src.Text, bad); i >= 0 {
				l, col := src.LineCol(source.Pos(i))
				c.add(l, col, "error", "kql-wildcard", "analytic rules must not use %q (Sentinel rejects it)", bad)
			}
		}
	}
	if ctx != nil {
		c.checkThreatIntelFreshness(src)
	}
	checkDiags := engine.Check(src, KnownCatalog())
	if checkDiags != nil && checkDiags.HasErrors() {
		c.queryDiags(checkDiags, "kql-check")
		return info
	}
	info.checked = true
	// Running the query over the empty known tables gives the result's columns without any data.
	ctxRun, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := engine.Run(ctxRun, src, engine.Options{Catalog: KnownCatalog(), Now: time.Unix(0, 0).UTC()})
	if err != nil || res == nil || res.Table == nil {
		info.checked = false
		return info
	}
	for _, col := range res.Table.Fields {
		info.columns[col.Name] = true
	}
	return info
}

var (
	tiTableRe  = regexp.MustCompile(`ThreatIntelligenceIndicator\s*\|`)
	tiAgoRe    = regexp.MustCompile(`ThreatIntelligenceIndicator\s*\|\s*where\s+TimeGenerated\s*>=\s*ago\(\w+\)`)
	tiLatestRe = regexp.MustCompile(`summarize\s+LatestIndicatorTime\s*=\s*arg_max\(\s*TimeGenerated\s*,\s*\*\s*\)\s*by\s+IndicatorId`)
	tiActiveRe = regexp.MustCompile(`where\s+(Active\s*==\s*true\s+and\s+ExpirationDateTime\s*>\s*now\(\)|ExpirationDateTime\s*>\s*now\(\)\s+and\s+Active\s*==\s*true)`)
)

// checkThreatIntelFreshness is Sentinel's CI check that a rule reading threat intelligence reads only recent,
// active indicators: a TimeGenerated >= ago(...) filter, or the latest version of each indicator that is active.
func (c *checker) checkThreatIntelFreshness(src *source.Source) {
	loc := tiTableRe.FindStringIndex(src.Text)
	if loc == nil || tiAgoRe.MatchString(src.Text) || (tiLatestRe.MatchString(src.Text) && tiActiveRe.MatchString(src.Text)) {
		return
	}
	l, col := src.LineCol(source.Pos(loc[0]))
	c.add(l, col, "warning", "ti-freshness", "the query reads ThreatIntelligenceIndicator without limiting it to recent (| where TimeGenerated >= ago(...)) or to the latest active indicators (arg_max(TimeGenerated, *) by IndicatorId, Active and ExpirationDateTime > now())")
}

// queryDiags reports a query's diagnostics; names that only a user's workspace defines are warnings.
func (c *checker) queryDiags(diags *source.DiagnosticList, check string) {
	for _, d := range diags.Items {
		l, col := d.Source.LineCol(d.Span.Start)
		sev, chk := d.Severity.String(), check
		if d.Severity == source.Error && check == "kql-check" {
			switch ClassifyQueryError(d.Message) {
			case QueryErrorWorkspace:
				sev, chk = "warning", "kql-workspace"
			case QueryErrorService:
				sev, chk = "warning", "kql-service"
			}
		}
		msg := d.Message
		if chk == "kql-check" && strings.Contains(msg, "'Timestamp'") {
			msg += " (Defender XDR tables have Timestamp; Sentinel's own tables have TimeGenerated)"
		} else if chk == "kql-check" && strings.Contains(msg, "'TimeGenerated'") {
			msg += " (Sentinel tables have TimeGenerated; in Defender XDR advanced hunting use Timestamp)"
		}
		c.add(l, col, sev, chk, "%s", msg)
	}
}

// Sentinel's limits [RULES.md §1-2].
const (
	maxQueryChars       = 10000
	maxNameChars        = 256
	maxDescriptionChars = 5000
	maxThreshold        = 10000
	maxEntityMappings   = 10
	maxFieldMappings    = 3
	maxCustomDetails    = 20
	maxCustomDetailKey  = 20
	maxColumnNameChars  = 500
	maxFormatParams     = 3
	maxDisplayNameChars = 256
	maxAlertDescChars   = 5000
)

var (
	guidRe          = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	techniqueRe     = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	versionRe       = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	columnNameRe    = regexp.MustCompile(`^[a-zA-Z_]+\w*$`)
	detailKeyRe     = regexp.MustCompile(`^[a-zA-Z]+\w*$`)
	placeholderRe   = regexp.MustCompile(`\{\{([^}]*)\}\}`)
	shortDurationRe = regexp.MustCompile(`^(\d+)([mhd])$`)
)

// tactics are the tactic names Sentinel's CI accepts [RULES.md §3].
var tactics = []string{"InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
	"CredentialAccess", "Discovery", "LateralMovement", "Collection", "Exfiltration", "CommandAndControl", "Impact",
	"Reconnaissance", "ResourceDevelopment", "ImpairProcessControl", "InhibitResponseFunction"}

var severities = []string{"Informational", "Low", "Medium", "High"}

var triggerOperators = []string{"gt", "lt", "eq", "ne", "GreaterThan", "LessThan", "Equal", "NotEqual"}

// entityIdentifiers lists, per entity type, the identifiers that satisfy the requirement (any one) and the others.
var entityIdentifiers = map[string]struct{ required, optional []string }{
	"Account":          {[]string{"FullName", "Sid", "Name", "AadUserId", "PUID", "ObjectGuid"}, []string{"NTDomain", "DnsDomain", "UPNSuffix", "AadTenantId", "IsDomainJoined", "DisplayName", "CloudAppAccountId"}},
	"Host":             {[]string{"FullName", "HostName", "NetBiosName", "AzureID", "OMSAgentID"}, []string{"DnsDomain", "NTDomain", "OSFamily", "OSVersion", "IsDomainJoined"}},
	"CloudApplication": {[]string{"AppId", "Name"}, []string{"InstanceName"}},
	"File":             {[]string{"Name"}, []string{"Directory"}},
	"FileHash":         {[]string{"Algorithm", "Value"}, nil},
	"Malware":          {[]string{"Name"}, []string{"Category"}},
	"Process":          {[]string{"CommandLine", "ProcessId"}, []string{"ElevationToken", "CreationTimeUtc"}},
	"RegistryKey":      {[]string{"Key", "Hive"}, nil},
	"RegistryValue":    {[]string{"Name"}, []string{"Value", "ValueType"}},
	"SecurityGroup":    {[]string{"DistinguishedName", "SID", "ObjectGuid"}, nil},
	"Mailbox":          {[]string{"MailboxPrimaryAddress"}, []string{"DisplayName", "Upn", "ExternalDirectoryObjectId", "RiskLevel"}},
	"MailCluster":      {[]string{"Query", "Source"}, []string{"NetworkMessageIds", "CountByDeliveryStatus", "Threats", "CountByThreatType", "CountByProtectionStatus", "ClusterSourceIdentifier", "ClusterSourceType", "ClusterQueryStartTime", "ClusterQueryEndTime", "ClusterGroup", "QueryTime", "IsVolumeAnomaly"}},
	"MailMessage":      {[]string{"NetworkMessageId", "Recipient"}, []string{"Files", "Urls", "Threats", "Sender", "P1Sender", "P1SenderDisplayName", "P1SenderDomain", "SenderIP", "P2Sender", "P2SenderDisplayName", "P2SenderDomain", "ReceivedDate", "InternetMessageId", "DeliveryAction", "DeliveryLocation", "Language", "Subject", "BodyFingerprintBin1", "BodyFingerprintBin2", "BodyFingerprintBin3", "BodyFingerprintBin4", "BodyFingerprintBin5", "AntispamDirection", "ThreatDetectionMethods"}},
	"SubmissionMail":   {[]string{"SubmissionId", "NetworkMessageId", "Recipient", "Submitter"}, []string{"SubmissionDate", "Timestamp", "Sender", "SenderIp", "Subject", "ReportType"}},
	"IoTDevice":        {[]string{"DeviceId"}, nil},
	"AzureResource":    {[]string{"ResourceId"}, nil},
	"DNS":              {[]string{"DomainName"}, nil},
	"IP":               {[]string{"Address"}, nil},
	"URL":              {[]string{"Url"}, nil},
}

// legacyEntityColumns are the pre-entityMappings column names that Sentinel's CI wants mapped.
var legacyEntityColumns = []string{"AccountCustomEntity", "HostCustomEntity", "IPCustomEntity", "URLCustomEntity",
	"FileHashCustomEntity", "ProcessCustomEntity", "MalwareCustomEntity", "DNSCustomEntity"}

// ruleMeta checks a rule's metadata fields.
type ruleMeta struct {
	c    *checker
	root *yaml.Node
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
	kind string // Scheduled, NRT or "" (hunting)
	// mappedColumns are the columns entityMappings, customDetails and alertDetailsOverride name, to be
	// checked against the query's result.
	mappedColumns []columnRef
	dataTypes     map[string]*yaml.Node
}

type columnRef struct {
	node  *yaml.Node
	name  string
	field string
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scalar returns the value of a scalar node, "" otherwise.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

func (m *ruleMeta) check(path string, data []byte) {
	c := m.c
	if k := m.vals["kind"]; k != nil {
		switch strings.ToLower(scalar(k)) {
		case "scheduled":
			m.kind = "Scheduled"
		case "nrt":
			m.kind = "NRT"
		default:
			c.errorAt(k, "kind", "kind %q is not a rule kind Sentinel knows (Scheduled or NRT)", scalar(k))
			m.kind = "Scheduled"
		}
	}
	required := []string{"id", "name", "description", "query"}
	if m.kind != "" {
		required = append(required, "severity")
	}
	if m.kind == "Scheduled" {
		required = append(required, "requiredDataConnectors", "queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold")
	}
	what := "a hunting query"
	switch m.kind {
	case "Scheduled":
		what = "a Scheduled analytic rule"
	case "NRT":
		what = "an NRT analytic rule"
	}
	for _, key := range required {
		if m.vals[key] == nil {
			c.add(m.root.Line, m.root.Column, "error", "required", "%s needs %s:", what, key)
		} else if key != "requiredDataConnectors" && scalar(m.vals[key]) == "" && m.vals[key].Kind == yaml.ScalarNode {
			c.errorAt(m.vals[key], "required", "%s is empty", key)
		}
	}
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		k := m.root.Content[i]
		if !ruleFields[k.Value] {
			c.warnAt(k, "unknown-field", "%s is not a field of Sentinel's rule schema (Sentinel ignores it)", k.Value)
		}
	}
	m.checkID()
	if n := m.vals["name"]; n != nil {
		name := scalar(n)
		if utf8.RuneCountInString(name) > maxNameChars {
			c.errorAt(n, "name", "name has %d characters; Sentinel allows at most %d", utf8.RuneCountInString(name), maxNameChars)
		}
		if strings.HasSuffix(name, ".") {
			c.warnAt(n, "name", "name ends with a period (Sentinel's style guide: no final period)")
		}
	}
	if d := m.vals["description"]; d != nil && utf8.RuneCountInString(scalar(d)) > maxDescriptionChars {
		c.errorAt(d, "description", "description has %d characters; Sentinel allows at most %d", utf8.RuneCountInString(scalar(d)), maxDescriptionChars)
	}
	if s := m.vals["severity"]; s != nil && scalar(s) != "" && !contains(severities, scalar(s)) {
		c.errorAt(s, "severity", "severity %q is not one of %s", scalar(s), strings.Join(severities, ", "))
	}
	if v := m.vals["version"]; v != nil {
		ver := scalar(v)
		if !versionRe.MatchString(ver) || len(ver) > 20 {
			c.errorAt(v, "version", "version %q should be in format X.Y.Z (all numbers)", ver)
		}
	}
	m.checkTactics()
	m.checkSchedule()
	m.checkConnectors()
	m.checkEntityMappings()
	m.checkCustomDetails()
	m.checkAlertDetails()
	if m.kind != "" && strings.HasSuffix(strings.ToLower(path), ".yml") {
		c.add(1, 1, "warning", "file-extension", "Sentinel's repository accepts analytic rules only as .yaml files, not .yml")
	}
	for i, r := range string(data) {
		if r > utf8.RuneSelf-1 {
			line := strings.Count(string(data[:i]), "\n") + 1
			col := utf8.RuneCountInString(string(data[strings.LastIndexByte(string(data[:i]), '\n')+1:i])) + 1
			c.add(line, col, "warning", "non-ascii", "non-ASCII character %q (Sentinel's repository CI rejects it)", r)
			break
		}
	}
}

func (m *ruleMeta) checkID() {
	c := m.c
	n := m.vals["id"]
	if n == nil {
		return
	}
	id := scalar(n)
	if id == "" {
		return
	}
	if !guidRe.MatchString(id) {
		c.errorAt(n, "id-guid", "id %q is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", id)
		return
	}
	key := strings.ToLower(id)
	if first, dup := c.ids[key]; dup {
		c.errorAt(n, "id-duplicate", "id %s is also the id of %s:%d", id, first.Path, first.Line)
		return
	}
	c.ids[key] = Finding{Path: c.path, Line: n.Line}
}

func (m *ruleMeta) checkTactics() {
	c := m.c
	if t := m.vals["tactics"]; t != nil && t.Kind == yaml.SequenceNode {
		for _, item := range t.Content {
			name := scalar(item)
			switch {
			case contains(tactics, name):
			case name == "PreAttack":
				c.warnAt(item, "tactic", "tactic PreAttack is the old name; Sentinel's CI now expects Reconnaissance or ResourceDevelopment")
			default:
				hint := ""
				for _, t := range tactics {
					if strings.EqualFold(strings.ReplaceAll(name, " ", ""), t) {
						hint = fmt.Sprintf(" (Sentinel spells it %s)", t)
					}
				}
				c.errorAt(item, "tactic", "%q is not a tactic name Sentinel accepts%s", name, hint)
			}
		}
	}
	if t := m.vals["relevantTechniques"]; t != nil && t.Kind == yaml.SequenceNode {
		for _, item := range t.Content {
			if !techniqueRe.MatchString(scalar(item)) {
				c.errorAt(item, "technique", "technique %q is not shaped T1234 or T1234.001", scalar(item))
			}
		}
		if tac := m.vals["tactics"]; len(t.Content) > 0 && (tac == nil || len(tac.Content) == 0) {
			c.errorAt(t, "technique", "relevantTechniques are listed but no tactics (Sentinel's CI wants the techniques' tactics)")
		}
	}
	m.checkTechniqueTactics()
}

// parseRuleDuration reads queryFrequency/queryPeriod as Sentinel's CI does: <int>m|h|d, or a .NET TimeSpan
// (d.hh:mm:ss, hh:mm:ss, hh:mm, or a bare integer meaning days).
func parseRuleDuration(s string) (time.Duration, bool) {
	if m := shortDurationRe.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 100000 {
			return 0, false
		}
		unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
		return time.Duration(n) * unit, true
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 100000 {
		return time.Duration(n) * 24 * time.Hour, true
	}
	days := 0
	rest := s
	if i := strings.IndexByte(s, '.'); i > 0 && i < strings.IndexByte(s+":", ':') {
		d, err := strconv.Atoi(s[:i])
		if err != nil || d < 0 || d > 100000 {
			return 0, false
		}
		days, rest = d, s[i+1:]
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	limits := []int{23, 59, 59}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > limits[i] {
			return 0, false
		}
		v[i] = n
	}
	return time.Duration(days)*24*time.Hour + time.Duration(v[0])*time.Hour + time.Duration(v[1])*time.Minute + time.Duration(v[2])*time.Second, true
}

func (m *ruleMeta) checkSchedule() {
	c := m.c
	if m.kind == "NRT" {
		for _, k := range []string{"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold"} {
			if n := m.keys[k]; n != nil {
				c.warnAt(n, "nrt", "%s has no effect on an NRT rule (it runs every minute)", k)
			}
		}
		return
	}
	durations := map[string]time.Duration{}
	for _, k := range []string{"queryFrequency", "queryPeriod"} {
		n := m.vals[k]
		if n == nil || scalar(n) == "" {
			continue
		}
		s := scalar(n)
		d, ok := parseRuleDuration(s)
		if !ok {
			hint := ""
			if strings.HasPrefix(strings.ToUpper(s), "P") {
				hint = " (ISO 8601 durations such as PT1H are the ARM form; rule YAML uses 1h)"
			}
			c.errorAt(n, "schedule", "%s %q: <number><m|h|d> format is expected, e.g. 5m, 1h, 14d%s", k, s, hint)
			continue
		}
		if d < 5*time.Minute || d > 14*24*time.Hour {
			c.errorAt(n, "schedule", "%s %s is outside Sentinel's limits (5m to 14d)", k, s)
			continue
		}
		durations[k] = d
	}
	freq, okF := durations["queryFrequency"]
	period, okP := durations["queryPeriod"]
	if okF && okP {
		if period < freq {
			c.errorAt(m.vals["queryPeriod"], "schedule", "queryPeriod %s should be greater than or equal to queryFrequency %s", scalar(m.vals["queryPeriod"]), scalar(m.vals["queryFrequency"]))
		}
		if period >= 48*time.Hour && freq < time.Hour {
			c.errorAt(m.vals["queryFrequency"], "schedule", "queryFrequency %s is too frequent for a queryPeriod of 2 days or more (at least 1h)", scalar(m.vals["queryFrequency"]))
		}
	}
	if n := m.vals["triggerOperator"]; n != nil && scalar(n) != "" && !contains(triggerOperators, scalar(n)) {
		c.errorAt(n, "trigger", "triggerOperator %q is not one of %s", scalar(n), strings.Join(triggerOperators, ", "))
	}
	if n := m.vals["triggerThreshold"]; n != nil && scalar(n) != "" {
		if v, err := strconv.Atoi(scalar(n)); err == nil && (v < 0 || v > maxThreshold) {
			c.errorAt(n, "trigger", "triggerThreshold %d is outside 0 to %d", v, maxThreshold)
		}
	}
	if m.kind == "" {
		for _, k := range []string{"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold", "severity"} {
			if n := m.keys[k]; n != nil {
				c.warnAt(n, "hunting", "%s is set but the rule has no kind:, so Sentinel reads it as a hunting query", k)
			}
		}
	}
}

func (m *ruleMeta) checkConnectors() {
	n := m.vals["requiredDataConnectors"]
	m.dataTypes = map[string]*yaml.Node{}
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			continue
		}
		var types *yaml.Node
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == "dataTypes" {
				types = item.Content[i+1]
			}
		}
		if types == nil {
			m.c.errorAt(item, "data-connectors", "requiredDataConnectors entry has no dataTypes")
			continue
		}
		for _, t := range types.Content {
			if name := scalar(t); name != "" {
				m.dataTypes[name] = t
			}
		}
	}
}

func (m *ruleMeta) checkEntityMappings() {
	c := m.c
	n := m.vals["entityMappings"]
	if n == nil {
		return
	}
	if n.Kind != yaml.SequenceNode {
		c.errorAt(n, "entity-mappings", "entityMappings must be a list")
		return
	}
	if len(n.Content) == 0 || len(n.Content) > maxEntityMappings {
		c.errorAt(n, "entity-mappings", "entityMappings has %d mappings; Sentinel allows 1 to %d", len(n.Content), maxEntityMappings)
	}
	for _, em := range n.Content {
		if em.Kind != yaml.MappingNode {
			c.errorAt(em, "entity-mappings", "each entity mapping must be a mapping with entityType and fieldMappings")
			continue
		}
		var typeNode, fields *yaml.Node
		for i := 0; i+1 < len(em.Content); i += 2 {
			switch em.Content[i].Value {
			case "entityType":
				typeNode = em.Content[i+1]
			case "fieldMappings":
				fields = em.Content[i+1]
			}
		}
		if typeNode == nil {
			c.errorAt(em, "entity-mappings", "the entity mapping has no entityType")
			continue
		}
		entity := scalar(typeNode)
		ids, known := entityIdentifiers[entity]
		if !known {
			c.errorAt(typeNode, "entity-mappings", "entityType %q is not an entity type Sentinel knows", entity)
		}
		if fields == nil || fields.Kind != yaml.SequenceNode || len(fields.Content) == 0 || len(fields.Content) > maxFieldMappings {
			count := 0
			if fields != nil {
				count = len(fields.Content)
			}
			c.errorAt(em, "entity-mappings", "the %s mapping has %d fieldMappings; Sentinel allows 1 to %d", entity, count, maxFieldMappings)
			if fields == nil {
				continue
			}
		}
		seen := map[string]bool{}
		hasRequired := false
		for _, fm := range fields.Content {
			var idNode, colNode *yaml.Node
			for i := 0; i+1 < len(fm.Content); i += 2 {
				switch fm.Content[i].Value {
				case "identifier":
					idNode = fm.Content[i+1]
				case "columnName":
					colNode = fm.Content[i+1]
				}
			}
			if idNode == nil || colNode == nil {
				c.errorAt(fm, "entity-mappings", "a field mapping needs identifier and columnName")
				continue
			}
			id := scalar(idNode)
			if seen[id] {
				c.errorAt(idNode, "entity-mappings", "identifier %s is mapped twice in the %s mapping", id, entity)
			}
			seen[id] = true
			if known {
				switch {
				case contains(ids.required, id):
					hasRequired = true
				case contains(ids.optional, id):
				default:
					c.errorAt(idNode, "entity-mappings", "%s is not an identifier of the %s entity (valid: %s)", id, entity, strings.Join(append(append([]string{}, ids.required...), ids.optional...), ", "))
				}
			}
			m.columnRef(colNode, "entityMappings")
		}
		if known && !hasRequired && len(fields.Content) > 0 {
			c.errorAt(typeNode, "entity-mappings", "the %s mapping needs one of the identifiers %s", entity, strings.Join(ids.required, ", "))
		}
	}
}

// columnRef records a column a field names, checking its shape now and its existence once the query's columns are known.
func (m *ruleMeta) columnRef(n *yaml.Node, field string) {
	col := scalar(n)
	if !columnNameRe.MatchString(col) || len(col) > maxColumnNameChars {
		m.c.errorAt(n, field, "%q is not a valid column name for %s", col, field)
		return
	}
	m.mappedColumns = append(m.mappedColumns, columnRef{node: n, name: col, field: field})
}

func (m *ruleMeta) checkCustomDetails() {
	c := m.c
	n := m.vals["customDetails"]
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		c.errorAt(n, "custom-details", "customDetails must be a mapping of detail name to column")
		return
	}
	if len(n.Content)/2 > maxCustomDetails {
		c.errorAt(n, "custom-details", "customDetails has %d entries; Sentinel allows at most %d", len(n.Content)/2, maxCustomDetails)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !detailKeyRe.MatchString(k.Value) || len(k.Value) > maxCustomDetailKey {
			c.errorAt(k, "custom-details", "custom detail name %q must start with a letter, hold only letters, digits and _, and be at most %d characters", k.Value, maxCustomDetailKey)
		}
		m.columnRef(v, "customDetails")
	}
}

func (m *ruleMeta) checkAlertDetails() {
	c := m.c
	n := m.vals["alertDetailsOverride"]
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		c.errorAt(n, "alert-details", "alertDetailsOverride must be a mapping")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "alertDisplayNameFormat", "alertDescriptionFormat":
			limit := maxDisplayNameChars
			if k.Value == "alertDescriptionFormat" {
				limit = maxAlertDescChars
			}
			text := scalar(v)
			if l := utf8.RuneCountInString(text); l == 0 || l > limit {
				c.errorAt(v, "alert-details", "%s has %d characters; Sentinel allows 1 to %d", k.Value, l, limit)
			}
			params := placeholderRe.FindAllStringSubmatch(text, -1)
			if len(params) > maxFormatParams {
				c.errorAt(v, "alert-details", "%s has %d {{column}} placeholders; Sentinel allows at most %d", k.Value, len(params), maxFormatParams)
			}
			for _, p := range params {
				m.mappedColumns = append(m.mappedColumns, columnRef{node: v, name: strings.TrimSpace(p[1]), field: k.Value})
			}
		case "alertTacticsColumnName", "alertSeverityColumnName":
			m.columnRef(v, k.Value)
		case "alertDynamicProperties":
			valid := []string{"AlertLink", "ConfidenceLevel", "ConfidenceScore", "ExtendedLinks", "ProductComponentName", "ProductName", "ProviderName", "RemediationSteps", "Techniques"}
			for _, item := range v.Content {
				for j := 0; j+1 < len(item.Content); j += 2 {
					if item.Content[j].Value == "alertProperty" && !contains(valid, scalar(item.Content[j+1])) {
						c.errorAt(item.Content[j+1], "alert-details", "alertProperty %q is not one of %s", scalar(item.Content[j+1]), strings.Join(valid, ", "))
					}
					if item.Content[j].Value == "value" {
						m.columnRef(item.Content[j+1], "alertDynamicProperties")
					}
				}
			}
		default:
			c.warnAt(k, "alert-details", "%s is not a field of alertDetailsOverride", k.Value)
		}
	}
}

// checkAgainstQuery checks the fields that name columns and tables against what the query returns and reads.
func (m *ruleMeta) checkAgainstQuery(info queryInfo) {
	c := m.c
	if info.checked {
		for _, ref := range m.mappedColumns {
			if !info.columns[ref.name] {
				c.errorAt(ref.node, "columns", "%s names column %s, which the query does not return", ref.field, ref.name)
			}
		}
		for _, legacy := range legacyEntityColumns {
			if !info.columns[legacy] {
				continue
			}
			mapped := false
			for _, ref := range m.mappedColumns {
				mapped = mapped || (ref.field == "entityMappings" && ref.name == legacy)
			}
			if !mapped {
				c.add(m.root.Line, m.root.Column, "error", "entity-mappings", "the query returns the old entity column %s, and no entityMappings entry maps it", legacy)
			}
		}
	}
	if !info.parsed || m.vals["requiredDataConnectors"] == nil {
		return
	}
	tables := make([]string, 0, len(info.tables))
	for t := range info.tables {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		if _, listed := m.dataTypes[t]; !listed {
			c.warnAt(m.vals["requiredDataConnectors"], "data-types", "the query reads %s, which no requiredDataConnectors dataTypes lists", t)
		}
	}
	names := make([]string, 0, len(m.dataTypes))
	for name := range m.dataTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !info.tables[name] {
			c.warnAt(m.dataTypes[name], "data-types", "dataTypes lists %s, which the query does not read", name)
		}
	}
}
