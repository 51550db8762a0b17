package rules

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Tuning is one tuning file: exclusions for the rules it selects, so that upstream rule files stay untouched.
type Tuning struct {
	Path string
	// RuleIDs and RuleNames select the rules the exclusions apply to; a name may use * wildcards.
	RuleIDs    []string
	RuleNames  []string
	Exclusions []*Exclusion
}

// Exclusion removes false-positive rows from a rule's source table before the rule aggregates them.
type Exclusion struct {
	Name   string
	Reason string
	Table  string // the source table it applies to; "" means every table the rule reads that has its columns
	// predicate builds, for a table, the KQL condition a row must meet to be removed.
	predicate func(table string) (string, error)
	// Line and Col locate the exclusion in its file.
	Path      string
	Line, Col int
	// Lookups are the tables the predicate reads besides the source table (EmailEvents for senders).
	Lookups []string
}

// tableColumns say which column each kind of matcher reads in the tables exclusions are usually written for.
var tableColumns = map[string]map[string]string{
	"UrlClickEvents":      {"url": "Url", "ip": "IPAddress", "account": "AccountUpn", "time": "Timestamp", "message": "NetworkMessageId"},
	"EmailEvents":         {"ip": "SenderIPv4", "account": "RecipientEmailAddress", "sender": "SenderFromAddress", "time": "Timestamp", "message": "NetworkMessageId", "domain": "SenderFromDomain"},
	"EmailUrlInfo":        {"url": "Url", "time": "Timestamp", "message": "NetworkMessageId", "domain": "UrlDomain"},
	"EmailAttachmentInfo": {"account": "RecipientEmailAddress", "sender": "SenderFromAddress", "time": "Timestamp", "message": "NetworkMessageId"},
	"DeviceNetworkEvents": {"url": "RemoteUrl", "ip": "RemoteIP", "account": "InitiatingProcessAccountUpn", "time": "Timestamp"},
	"CloudAppEvents":      {"ip": "IPAddress", "account": "AccountObjectId", "time": "Timestamp"},
	"IdentityLogonEvents": {"ip": "IPAddress", "account": "AccountUpn", "time": "Timestamp"},
}

// defaultShorteners are URL-shortening services, for `urlShorteners: true`.
var defaultShorteners = []string{"bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at", "tiny.cc"}

// TuningOptions say where exclusions find their outside data.
type TuningOptions struct {
	WatchlistDir string // folder of NAME.csv watchlists, for `watchlist: {name: NAME}`
}

// LoadTuning reads a tuning file.
func LoadTuning(p string, opts TuningOptions) (*Tuning, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return ParseTuning(p, data, opts)
}

// tuningError is a problem in a tuning file, positioned.
func tuningError(file string, n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", file, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// ParseTuning parses a tuning file's YAML.
func ParseTuning(file string, data []byte, opts TuningOptions) (*Tuning, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:1:1: a tuning file is a mapping with rules: and exclusions:", file)
	}
	root := doc.Content[0]
	t := &Tuning{Path: file}
	var excl *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "rules":
			if v.Kind != yaml.SequenceNode {
				return nil, tuningError(file, v, "rules must be a list of {id: ...} or {name: ...}")
			}
			for _, item := range v.Content {
				if item.Kind != yaml.MappingNode {
					return nil, tuningError(file, item, "each rules entry is {id: GUID} or {name: PATTERN}")
				}
				for j := 0; j+1 < len(item.Content); j += 2 {
					switch item.Content[j].Value {
					case "id":
						t.RuleIDs = append(t.RuleIDs, scalar(item.Content[j+1]))
					case "name":
						t.RuleNames = append(t.RuleNames, scalar(item.Content[j+1]))
					default:
						return nil, tuningError(file, item.Content[j], "unknown key %s in a rules entry (id or name)", item.Content[j].Value)
					}
				}
			}
		case "exclusions":
			excl = v
		default:
			return nil, tuningError(file, k, "unknown key %s (a tuning file has rules: and exclusions:)", k.Value)
		}
	}
	if len(t.RuleIDs) == 0 && len(t.RuleNames) == 0 {
		return nil, tuningError(file, root, "the tuning file selects no rules (add rules: [{id: ...}] or [{name: ...}])")
	}
	if excl == nil {
		return nil, tuningError(file, root, "the tuning file has no exclusions:")
	}
	ex, err := parseExclusions(file, excl, opts)
	if err != nil {
		return nil, err
	}
	t.Exclusions = ex
	return t, nil
}

// parseExclusions reads an exclusions: list (of a tuning file or inline in a rule).
func parseExclusions(file string, list *yaml.Node, opts TuningOptions) ([]*Exclusion, error) {
	if list.Kind != yaml.SequenceNode {
		return nil, tuningError(file, list, "exclusions must be a list")
	}
	var out []*Exclusion
	names := map[string]bool{}
	for _, item := range list.Content {
		e, err := parseExclusion(file, item, opts)
		if err != nil {
			return nil, err
		}
		if names[e.Name] {
			return nil, tuningError(file, item, "exclusion name %q is used twice", e.Name)
		}
		names[e.Name] = true
		out = append(out, e)
	}
	return out, nil
}

// matcher is one condition of an exclusion; column is the kind of column it reads (url, ip, ...), "" for a
// predicate that names its own columns.
type matcher struct {
	node   *yaml.Node
	kind   string
	column string // explicit column, or "" to use the table's
	build  func(col string) string
}

func parseExclusion(file string, n *yaml.Node, opts TuningOptions) (*Exclusion, error) {
	if n.Kind != yaml.MappingNode {
		return nil, tuningError(file, n, "an exclusion is a mapping with name, reason and matchers")
	}
	e := &Exclusion{Path: file, Line: n.Line, Col: n.Column}
	var matchers []matcher
	combine := " and "
	columns := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			e.Name = scalar(v)
		case "reason":
			e.Reason = scalar(v)
		case "table":
			e.Table = scalar(v)
		case "match":
			switch scalar(v) {
			case "all":
			case "any":
				combine = " or "
			default:
				return nil, tuningError(file, v, "match must be all or any")
			}
		case "columns":
			if v.Kind != yaml.MappingNode {
				return nil, tuningError(file, v, "columns maps a matcher (url, ip, account, sender, time, message) to a column")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				columns[v.Content[j].Value] = scalar(v.Content[j+1])
			}
		case "where":
			pred := strings.TrimSpace(scalar(v))
			if pred == "" {
				return nil, tuningError(file, v, "where is an empty predicate")
			}
			if err := checkPredicateSyntax(pred); err != nil {
				return nil, tuningError(file, v, "where: %v", err)
			}
			matchers = append(matchers, matcher{node: v, build: func(string) string { return "(" + pred + ")" }})
		case "domains", "urlShorteners":
			var domains []string
			if k.Value == "urlShorteners" && v.Kind == yaml.ScalarNode && v.Value == "true" {
				domains = defaultShorteners
			} else {
				list, err := stringItems(file, k.Value, v)
				if err != nil {
					return nil, err
				}
				domains = list
			}
			for _, d := range domains {
				if strings.Contains(strings.TrimPrefix(d, "*."), "*") || strings.ContainsAny(d, "/ \"'") {
					return nil, tuningError(file, v, "domain %q: only a leading *. wildcard is allowed", d)
				}
			}
			matchers = append(matchers, matcher{node: v, kind: "url", build: func(col string) string { return domainPredicate(col, domains) }})
		case "ipRanges":
			list, err := stringItems(file, k.Value, v)
			if err != nil {
				return nil, err
			}
			var v4, v6 []string
			for _, r := range list {
				p, err := netip.ParsePrefix(r)
				if err != nil {
					if a, aerr := netip.ParseAddr(r); aerr == nil {
						p = netip.PrefixFrom(a, a.BitLen())
					} else {
						return nil, tuningError(file, v, "%q is not a CIDR range or an IP address", r)
					}
				}
				if p.Addr().Is4() {
					v4 = append(v4, p.String())
				} else {
					v6 = append(v6, p.String())
				}
			}
			matchers = append(matchers, matcher{node: v, kind: "ip", build: func(col string) string { return ipPredicate(col, v4, v6) }})
		case "accounts":
			list, err := stringItems(file, k.Value, v)
			if err != nil {
				return nil, err
			}
			matchers = append(matchers, matcher{node: v, kind: "account", build: func(col string) string { return col + " in~ (" + kqlStrings(list) + ")" }})
		case "senders":
			list, err := stringItems(file, k.Value, v)
			if err != nil {
				return nil, err
			}
			matchers = append(matchers, matcher{node: v, kind: "sender", build: func(col string) string {
				if col == "" {
					return ""
				}
				return col + " in~ (" + kqlStrings(list) + ")"
			}})
		case "timeWindows":
			if v.Kind != yaml.SequenceNode {
				return nil, tuningError(file, v, "timeWindows is a list of {start, end} or {daily: {from, to}}")
			}
			var parts []string
			for _, w := range v.Content {
				p, err := timeWindowPredicate(file, w)
				if err != nil {
					return nil, err
				}
				parts = append(parts, p)
			}
			matchers = append(matchers, matcher{node: v, kind: "time", build: func(col string) string {
				out := make([]string, len(parts))
				for i, p := range parts {
					out[i] = strings.ReplaceAll(p, "{col}", col)
				}
				return "(" + strings.Join(out, " or ") + ")"
			}})
		case "watchlist":
			values, kind, err := readWatchlist(file, v, opts)
			if err != nil {
				return nil, err
			}
			matchers = append(matchers, matcher{node: v, kind: kind, build: func(col string) string { return col + " in~ (" + kqlStrings(values) + ")" }})
		default:
			return nil, tuningError(file, k, "unknown exclusion key %s", k.Value)
		}
	}
	if e.Name == "" {
		return nil, tuningError(file, n, "the exclusion has no name")
	}
	if e.Reason == "" {
		return nil, tuningError(file, n, "exclusion %q has no reason (say why these rows are false positives)", e.Name)
	}
	if len(matchers) == 0 {
		return nil, tuningError(file, n, "exclusion %q has no matcher (where, domains, ipRanges, accounts, senders, urlShorteners, timeWindows, watchlist)", e.Name)
	}
	combineWith := combine
	e.predicate = func(table string) (string, error) {
		var parts []string
		for _, m := range matchers {
			col := ""
			if m.kind != "" {
				col = columns[m.kind]
				if col == "" {
					col = tableColumns[table][m.kind]
				}
				if m.kind == "sender" && col == "" {
					// The table has no sender column: resolve senders through EmailEvents on NetworkMessageId.
					msg := columns["message"]
					if msg == "" {
						msg = tableColumns[table]["message"]
					}
					if msg == "" {
						return "", tuningError(file, m.node, "exclusion %q: %s has neither a sender nor a NetworkMessageId column; name one under columns:", e.Name, table)
					}
					parts = append(parts, fmt.Sprintf("%s in ((EmailEvents | where %s | project NetworkMessageId))", msg, m.build("SenderFromAddress")))
					continue
				}
				if col == "" {
					return "", tuningError(file, m.node, "exclusion %q: which column of %s holds the %s? Name it under columns: {%s: COLUMN}", e.Name, table, m.kind, m.kind)
				}
			}
			parts = append(parts, m.build(col))
		}
		pred := strings.Join(parts, combineWith)
		if len(parts) > 1 {
			pred = "(" + pred + ")"
		}
		return pred, nil
	}
	for _, m := range matchers {
		if m.kind == "sender" {
			e.Lookups = append(e.Lookups, "EmailEvents")
		}
	}
	return e, nil
}

// checkPredicateSyntax parses a predicate as the condition of a where.
func checkPredicateSyntax(pred string) error {
	_, diags := syntax.Parse(source.New("", "print 1 | where "+pred))
	if diags != nil && diags.HasErrors() {
		return errors.New(diags.Items[0].Message)
	}
	return nil
}

func stringItems(file, key string, v *yaml.Node) ([]string, error) {
	if v.Kind == yaml.ScalarNode && v.Value != "" {
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, tuningError(file, v, "%s must be a non-empty list", key)
	}
	out := make([]string, 0, len(v.Content))
	for _, item := range v.Content {
		if item.Kind != yaml.ScalarNode || item.Value == "" {
			return nil, tuningError(file, item, "%s entries must be non-empty strings", key)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

// kqlStrings quotes values as KQL string literals, comma-separated.
func kqlStrings(values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = kqlString(v)
	}
	return strings.Join(out, ", ")
}

// kqlString quotes s as a KQL string literal.
func kqlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// domainPredicate matches a URL column's host: "d" matches d and its subdomains, "*.d" only d's subdomains.
func domainPredicate(col string, domains []string) string {
	host := fmt.Sprintf("tolower(tostring(parse_url(%s).Host))", col)
	var exact, suffixes []string
	for _, d := range domains {
		d = strings.ToLower(d)
		if rest, ok := strings.CutPrefix(d, "*."); ok {
			suffixes = append(suffixes, "."+rest)
			continue
		}
		exact = append(exact, d)
		suffixes = append(suffixes, "."+d)
	}
	var parts []string
	if len(exact) > 0 {
		parts = append(parts, host+" in ("+kqlStrings(exact)+")")
	}
	for _, s := range suffixes {
		parts = append(parts, host+" endswith "+kqlString(s))
	}
	return "(" + strings.Join(parts, " or ") + ")"
}

// ipPredicate matches an IP column against IPv4 and IPv6 ranges; a v4 range never matches a v6 address.
func ipPredicate(col string, v4, v6 []string) string {
	var parts []string
	if len(v4) > 0 {
		parts = append(parts, fmt.Sprintf("ipv4_is_in_any_range(%s, dynamic([%s]))", col, kqlStrings(v4)))
	}
	if len(v6) > 0 {
		parts = append(parts, fmt.Sprintf("(%s contains \":\" and ipv6_is_in_any_range(%s, dynamic([%s])))", col, col, kqlStrings(v6)))
	}
	return "(" + strings.Join(parts, " or ") + ")"
}

// timeWindowPredicate reads {start, end} (absolute, end exclusive) or {daily: {from: "HH:MM", to: "HH:MM"}} (UTC).
func timeWindowPredicate(file string, w *yaml.Node) (string, error) {
	if w.Kind != yaml.MappingNode {
		return "", tuningError(file, w, "a time window is {start, end} or {daily: {from, to}}")
	}
	vals := map[string]*yaml.Node{}
	for i := 0; i+1 < len(w.Content); i += 2 {
		vals[w.Content[i].Value] = w.Content[i+1]
	}
	if d := vals["daily"]; d != nil {
		dv := map[string]*yaml.Node{}
		for i := 0; i+1 < len(d.Content); i += 2 {
			dv[d.Content[i].Value] = d.Content[i+1]
		}
		from, err := clockTicks(file, dv["from"], d)
		if err != nil {
			return "", err
		}
		to, err := clockTicks(file, dv["to"], d)
		if err != nil {
			return "", err
		}
		tod := "({col} - startofday({col}))"
		f := fmt.Sprintf("%s >= timespan(%s)", tod, types.FormatTimeSpan(from))
		t := fmt.Sprintf("%s < timespan(%s)", tod, types.FormatTimeSpan(to))
		if from <= to {
			return "(" + f + " and " + t + ")", nil
		}
		return "(" + f + " or " + t + ")", nil // a window across midnight
	}
	start, end := vals["start"], vals["end"]
	if start == nil || end == nil {
		return "", tuningError(file, w, "a time window needs start and end (ISO 8601) or daily: {from, to}")
	}
	s, ok1 := types.ParseDateTime(scalar(start))
	e, ok2 := types.ParseDateTime(scalar(end))
	if !ok1 {
		return "", tuningError(file, start, "start %q is not a datetime", scalar(start))
	}
	if !ok2 {
		return "", tuningError(file, end, "end %q is not a datetime", scalar(end))
	}
	if e <= s {
		return "", tuningError(file, end, "end must be after start")
	}
	return fmt.Sprintf("({col} >= datetime(%s) and {col} < datetime(%s))", types.FormatDateTime(s), types.FormatDateTime(e)), nil
}

// clockTicks reads "HH:MM" as a time of day in ticks.
func clockTicks(file string, n, parent *yaml.Node) (int64, error) {
	if n == nil {
		return 0, tuningError(file, parent, "daily needs from and to (HH:MM, UTC)")
	}
	var h, m int
	if _, err := fmt.Sscanf(scalar(n), "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, tuningError(file, n, "%q is not a time of day HH:MM", scalar(n))
	}
	return int64(h*60+m) * 60 * 10_000_000, nil
}

// readWatchlist reads the values of a watchlist CSV: {name: N} from the watchlist folder or {file: PATH},
// the column to read (default SearchKey) and the kind of column it matches (default account).
func readWatchlist(file string, v *yaml.Node, opts TuningOptions) ([]string, string, error) {
	vals := map[string]*yaml.Node{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		vals[v.Content[i].Value] = v.Content[i+1]
	}
	var csvPath string
	switch {
	case vals["file"] != nil:
		csvPath = scalar(vals["file"])
		if !filepath.IsAbs(csvPath) {
			csvPath = filepath.Join(filepath.Dir(file), csvPath)
		}
	case vals["name"] != nil:
		if opts.WatchlistDir == "" {
			return nil, "", tuningError(file, v, "watchlist %q: give the folder of watchlist CSV files with --watchlists", scalar(vals["name"]))
		}
		csvPath = filepath.Join(opts.WatchlistDir, scalar(vals["name"])+".csv")
	default:
		return nil, "", tuningError(file, v, "watchlist needs name: (a CSV in --watchlists) or file:")
	}
	column := "SearchKey"
	if c := vals["column"]; c != nil {
		column = scalar(c)
	}
	kind := "account"
	if m := vals["matches"]; m != nil {
		kind = scalar(m)
		switch kind {
		case "url", "ip", "account", "sender":
		default:
			return nil, "", tuningError(file, m, "matches must be url, ip, account or sender")
		}
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, "", tuningError(file, v, "watchlist: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, "", fmt.Errorf("%s:1: %v", csvPath, err)
	}
	idx := -1
	for i, h := range header {
		if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == column {
			idx = i
		}
	}
	if idx < 0 {
		return nil, "", fmt.Errorf("%s:1: the watchlist has no column %s (it has %s)", csvPath, column, strings.Join(header, ", "))
	}
	var values []string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s: %v", csvPath, err)
		}
		if idx < len(rec) && strings.TrimSpace(rec[idx]) != "" {
			values = append(values, strings.TrimSpace(rec[idx]))
		}
	}
	if len(values) == 0 {
		return nil, "", fmt.Errorf("%s: the watchlist's %s column is empty", csvPath, column)
	}
	return values, kind, nil
}

// Applies reports whether the tuning file selects the rule.
func (t *Tuning) Applies(r *Rule) bool {
	for _, id := range t.RuleIDs {
		if strings.EqualFold(id, r.ID) {
			return true
		}
	}
	for _, pattern := range t.RuleNames {
		if ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(r.Name)); ok {
			return true
		}
	}
	return false
}

// FindTunings loads the *.tuning.yaml files of the rule's folder, plus extra files or folders, and returns the
// exclusions that apply to the rule (and those written in the rule file), in file then list order.
func FindTunings(r *Rule, extra []string, opts TuningOptions) ([]*Exclusion, error) {
	candidates := append([]string{filepath.Dir(r.Path)}, extra...)
	seen := map[string]bool{}
	var files []string
	for i, c := range candidates {
		st, err := os.Stat(c)
		if err != nil {
			if i >= 1 {
				return nil, err // an explicit --tuning path must exist
			}
			continue
		}
		if !st.IsDir() {
			files = append(files, c)
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(c, "*.tuning.yaml"))
		sort.Strings(matches)
		files = append(files, matches...)
	}
	var out []*Exclusion
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		if seen[abs] {
			continue
		}
		seen[abs] = true
		t, err := LoadTuning(f, opts)
		if err != nil {
			return nil, err
		}
		if t.Applies(r) {
			out = append(out, t.Exclusions...)
		}
	}
	inline, err := inlineExclusions(r, opts)
	if err != nil {
		return nil, err
	}
	return append(out, inline...), nil
}

// inlineExclusions reads an exclusions: block written in the rule file itself.
func inlineExclusions(r *Rule, opts TuningOptions) ([]*Exclusion, error) {
	data, err := os.ReadFile(r.Path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "exclusions" {
			return parseExclusions(r.Path, root.Content[i+1], opts)
		}
	}
	return nil, nil
}

// Predicate returns the KQL condition that selects the rows the exclusion removes from table.
func (e *Exclusion) Predicate(table string) (string, error) { return e.predicate(table) }

// exclusionFilters returns, per table the query reads, the predicates of the exclusions that apply to it: an
// exclusion with table: applies to that table, one without to every table whose columns its matchers find.
func exclusionFilters(exclusions []*Exclusion, queryTables []string) (map[string][]tablePredicate, error) {
	out := map[string][]tablePredicate{}
	for _, e := range exclusions {
		tables := queryTables
		if e.Table != "" {
			tables = []string{e.Table}
		}
		applied := false
		var firstErr error
		for _, t := range tables {
			p, err := e.Predicate(t)
			if err != nil {
				if e.Table != "" {
					return nil, err
				}
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			out[t] = append(out[t], tablePredicate{e, p})
			applied = true
		}
		if !applied && firstErr != nil {
			return nil, firstErr
		}
	}
	return out, nil
}

// tablePredicate is an exclusion's predicate for one table.
type tablePredicate struct {
	exclusion *Exclusion
	predicate string
}

// SourceTables returns the known or custom tables a query names, sorted.
func SourceTables(src *source.Source) []string {
	q, diags := syntax.Parse(src)
	if diags != nil && diags.HasErrors() {
		return nil
	}
	set := map[string]bool{}
	syntax.Inspect(q, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			if _, known := catalog.KnownSchema(id.Name); known || strings.HasSuffix(id.Name, "_CL") {
				set[id.Name] = true
			}
		}
		return true
	})
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// ApplyExclusions rewrites the query so that each reference to a table an exclusion applies to reads
// (Table | where not(P1) | where not(P2) ...) instead: the rows are removed before any of the rule's operators.
// A predicate that is null for a row (a v4 range tested on a v6 address) keeps the row.
func ApplyExclusions(src *source.Source, exclusions []*Exclusion) (*source.Source, error) {
	if len(exclusions) == 0 {
		return src, nil
	}
	q, diags := syntax.Parse(src)
	if diags != nil && diags.HasErrors() {
		return nil, diags
	}
	filters, err := exclusionFilters(exclusions, SourceTables(src))
	if err != nil {
		return nil, err
	}
	type edit struct {
		span source.Span
		text string
	}
	var edits []edit
	syntax.Inspect(q, func(n syntax.Node) bool {
		id, ok := n.(*syntax.Ident)
		if !ok || len(filters[id.Name]) == 0 {
			return true
		}
		var b strings.Builder
		b.WriteString("(")
		b.WriteString(src.Text[id.Span().Start:id.Span().End])
		for _, p := range filters[id.Name] {
			fmt.Fprintf(&b, " | where not(coalesce(%s, false))", p.predicate)
		}
		b.WriteString(")")
		edits = append(edits, edit{id.Span(), b.String()})
		return true
	})
	if len(edits) == 0 {
		return src, nil
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].span.Start > edits[j].span.Start })
	text := src.Text
	for _, e := range edits {
		text = text[:e.span.Start] + e.text + text[e.span.End:]
	}
	// The filters are inserted within lines, so lines keep their numbers in diagnostics.
	return &source.Source{Name: src.Name, Text: text, LineOffset: src.LineOffset, ColOffset: src.ColOffset}, nil
}

// ExclusionCount is how many rows of a table one exclusion removed.
type ExclusionCount struct {
	Exclusion *Exclusion
	Table     string
	Removed   int64
}

// CountExcluded counts, per exclusion and table, the rows it removes from the table's rows that the
// exclusions before it kept (so the counts add up to the rows all of them remove).
func CountExcluded(ctx context.Context, cat catalog.Catalog, queryTables []string, exclusions []*Exclusion) ([]ExclusionCount, error) {
	queries, err := ExclusionCountQueries(queryTables, exclusions)
	if err != nil {
		return nil, err
	}
	var out []ExclusionCount
	for _, q := range queries {
		e := q.Exclusion
		if _, ok := cat.Table(q.Table); !ok {
			out = append(out, ExclusionCount{Exclusion: e, Table: q.Table})
			continue
		}
		res, err := engine.Run(ctx, q.Query, engine.Options{Catalog: cat})
		if err != nil {
			return nil, fmt.Errorf("%s:%d:%d: exclusion %q: %w", e.Path, e.Line, e.Col, e.Name, err)
		}
		var n int64
		if res.Table != nil && res.Table.NumRows() == 1 && len(res.Table.Cols) == 1 {
			if v := res.Table.Cols[0].Value(0); !v.Null {
				n = v.I
			}
		}
		out = append(out, ExclusionCount{Exclusion: e, Table: q.Table, Removed: n})
	}
	return out, nil
}

// ExclusionCountQuery is the query CountExcluded runs to count the rows one exclusion removes from a table.
type ExclusionCountQuery struct {
	Exclusion *Exclusion
	Table     string
	Query     *source.Source
}

// ExclusionCountQueries returns the queries CountExcluded runs, by table name, then in the exclusions' order.
func ExclusionCountQueries(queryTables []string, exclusions []*Exclusion) ([]ExclusionCountQuery, error) {
	filters, err := exclusionFilters(exclusions, queryTables)
	if err != nil {
		return nil, err
	}
	tables := make([]string, 0, len(filters))
	for t := range filters {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	var out []ExclusionCountQuery
	for _, t := range tables {
		var before strings.Builder
		before.WriteString(t)
		for _, f := range filters[t] {
			e := f.exclusion
			q := fmt.Sprintf("%s | where coalesce(%s, false) | count", before.String(), f.predicate)
			out = append(out, ExclusionCountQuery{Exclusion: e, Table: t, Query: source.New(e.Path+": exclusion "+e.Name, q)})
			fmt.Fprintf(&before, " | where not(coalesce(%s, false))", f.predicate)
		}
	}
	return out, nil
}
