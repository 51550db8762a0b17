package server

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/exec/kernel"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/web"
)

// maxRuleFiles bounds how many rule files /api/rules reads from Config.RulesDir.
const maxRuleFiles = 2000

// exclusionCountTimeout bounds the queries that count what each tuning exclusion removes.
const exclusionCountTimeout = time.Minute

// officeTables are the Defender for Office 365 tables: rules that read one and render a chart make the dashboard.
var officeTables = map[string]bool{
	"UrlClickEvents": true, "EmailEvents": true, "EmailUrlInfo": true, "EmailAttachmentInfo": true,
	"EmailPostDeliveryEvents": true,
}

// mountUI serves the embedded workbench at "/" and its JSON endpoints under /api/. The endpoints check the bearer
// token like the REST API; the static files carry no data, so they are served to anyone who can reach the server.
func (s *Server) mountUI() {
	s.mux.Handle("GET /api/schema", s.authorized(s.recovered(s.handleSchema)))
	s.mux.Handle("POST /api/check", s.authorized(s.recovered(s.handleCheck)))
	s.mux.Handle("GET /api/rules", s.authorized(s.recovered(s.handleRules)))
	s.mux.Handle("GET /", UIHandler())
}

// UIHandler serves the embedded workbench files (index.html and its hashed assets).
func UIHandler() http.Handler {
	files := http.FileServerFS(web.Dist())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// CodeMirror and ECharts set inline styles; scripts come only from the server itself.
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "+
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(r.URL.Path, "/assets/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable") // names carry a content hash
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// schemaColumn is one column in /api/schema.
type schemaColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// schemaTableJSON is one table in /api/schema.
type schemaTableJSON struct {
	Name    string         `json:"name"`
	Columns []schemaColumn `json:"columns"`
}

// handleSchema answers the catalog (tables and columns) and the built-in function names, for the editor's completion.
func (s *Server) handleSchema(w http.ResponseWriter, r *http.Request) {
	tables := []schemaTableJSON{}
	for _, name := range s.cfg.Catalog.TableNames() {
		tab, ok := s.cfg.Catalog.Table(name)
		if !ok {
			continue
		}
		cols := []schemaColumn{}
		for _, f := range tab.Schema() {
			cols = append(cols, schemaColumn{Name: f.Name, Type: f.Type.String()})
		}
		tables = append(tables, schemaTableJSON{Name: name, Columns: cols})
	}
	scalars := append(kernel.ScalarNames(), kernel.MultiScalarNames()...)
	sort.Strings(scalars)
	writeJSON(w, http.StatusOK, map[string]any{
		"database":   s.cfg.Database,
		"tables":     tables,
		"functions":  scalars,
		"aggregates": kernel.AggregateNames(),
	})
}

// checkDiagnostic is one located message of /api/check; Start and End are byte offsets in the query's UTF-8 text.
type checkDiagnostic struct {
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// handleCheck parses and checks a query against the catalog without running it, for the editor's inline errors.
func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	var body struct {
		CSL string `json:"csl"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "request body: " + err.Error()})
		return
	}
	src := source.New("", body.CSL)
	out := []checkDiagnostic{}
	if diags := engine.Check(src, s.cfg.Catalog); diags != nil {
		diags.Sort()
		for _, d := range diags.Items {
			line, col := src.LineCol(d.Span.Start)
			out = append(out, checkDiagnostic{Severity: d.Severity.String(), Message: d.Message, Line: line, Column: col,
				Start: int(d.Span.Start), End: int(d.Span.End)})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"diagnostics": out})
}

// ruleExclusion is one tuning exclusion of a rule and the rows it removes from the served data.
type ruleExclusion struct {
	Name    string `json:"name"`
	Reason  string `json:"reason"`
	Table   string `json:"table"`
	Removed int64  `json:"removed"`
	File    string `json:"file"`
	Line    int    `json:"line"`
}

// ruleJSON is one rule file in /api/rules.
type ruleJSON struct {
	File        string          `json:"file"` // relative to the rules folder
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	Kind        string          `json:"kind,omitempty"`
	Severity    string          `json:"severity,omitempty"`
	Tactics     []string        `json:"tactics"`
	Techniques  []string        `json:"techniques"`
	Tables      []string        `json:"tables"`
	Query       string          `json:"query,omitempty"`
	Dashboard   bool            `json:"dashboard"`
	Exclusions  []ruleExclusion `json:"exclusions"`
	// TuningError says why the exclusions could not be read or counted.
	TuningError string `json:"tuningError,omitempty"`
	// Error says why the rule file could not be read (it is still listed, so the library shows it).
	Error string `json:"error,omitempty"`
}

// handleRules lists the rule files of Config.RulesDir with their tactics, techniques and tuning exclusions (with
// how many served rows each removes). The dashboard rules (Defender for Office 365 charts) come first, blocked
// clicks trend leading.
func (s *Server) handleRules(w http.ResponseWriter, r *http.Request) {
	if s.cfg.RulesDir == "" {
		writeJSON(w, http.StatusOK, map[string]any{"dir": "", "rules": []ruleJSON{}})
		return
	}
	files, err := ruleFiles(s.cfg.RulesDir)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), exclusionCountTimeout)
	defer cancel()
	out := make([]ruleJSON, 0, len(files))
	for _, f := range files {
		out = append(out, s.describeRule(ctx, f))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Dashboard != b.Dashboard {
			return a.Dashboard
		}
		if ab, bb := isBlockedClicksTrend(a), isBlockedClicksTrend(b); ab != bb {
			return ab
		}
		if at, bt := isTrend(a), isTrend(b); at != bt {
			return at
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	writeJSON(w, http.StatusOK, map[string]any{"dir": s.cfg.RulesDir, "rules": out})
}

// isBlockedClicksTrend tells the blocked clicks trend rule, which the dashboard shows first.
func isBlockedClicksTrend(r ruleJSON) bool {
	name := strings.ToLower(r.Name)
	return strings.Contains(name, "blocked click") && strings.Contains(name, "trend")
}

// isTrend tells a rule that charts over time; the dashboard shows those before the other charts.
func isTrend(r ruleJSON) bool {
	return strings.Contains(r.Query, "render timechart") || strings.Contains(r.Query, "render linechart") ||
		strings.Contains(r.Query, "render areachart")
}

// ruleFiles lists the rule YAML files under dir (recursively), leaving out tuning and test files.
func ruleFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		name := strings.ToLower(d.Name())
		// tuning and rule test files sit beside the rules but are not rules
		if strings.HasSuffix(name, ".tuning.yaml") || strings.HasSuffix(name, ".tests.yaml") || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil
		}
		if len(files) >= maxRuleFiles {
			return errors.New("stop")
		}
		files = append(files, p)
		return nil
	})
	if err != nil && err.Error() != "stop" {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// describeRule reads one rule file and counts what its tuning exclusions remove from the served data.
func (s *Server) describeRule(ctx context.Context, path string) ruleJSON {
	rel, err := filepath.Rel(s.cfg.RulesDir, path)
	if err != nil {
		rel = path
	}
	out := ruleJSON{File: filepath.ToSlash(rel), Tactics: []string{}, Techniques: []string{}, Tables: []string{}, Exclusions: []ruleExclusion{}}
	rule, err := rules.Load(path)
	if err != nil {
		out.Error = err.Error()
		if errors.Is(err, os.ErrNotExist) {
			out.Error = "the file went away while listing"
		}
		return out
	}
	out.ID, out.Name, out.Description, out.Kind, out.Severity = rule.ID, rule.Name, rule.Description, rule.Kind, rule.Severity
	out.Query = rule.Query
	out.Tactics = append(out.Tactics, rule.Tactics...)
	out.Techniques = append(out.Techniques, rule.RelevantTechniques...)
	out.Tables = append(out.Tables, rules.SourceTables(source.New(path, rule.Query))...)
	for _, t := range out.Tables {
		if officeTables[t] && strings.Contains(rule.Query, "render") {
			out.Dashboard = true
		}
	}
	exclusions, err := rules.FindTunings(rule, s.cfg.TuningPaths, rules.TuningOptions{WatchlistDir: s.cfg.WatchlistDir})
	if err != nil {
		out.TuningError = err.Error()
		return out
	}
	if len(exclusions) == 0 {
		return out
	}
	var lookups []string
	for _, e := range exclusions {
		lookups = append(lookups, e.Lookups...)
	}
	// A lookup table the data lacks is empty: its matchers match nothing, as `kqlhunt run` counts them.
	cat, _ := rules.WithEmptyKnownTables(catalog.Catalog(s.cfg.Catalog), lookups)
	counts, err := rules.CountExcluded(ctx, cat, out.Tables, exclusions)
	if err != nil {
		out.TuningError = err.Error()
		return out
	}
	for _, c := range counts {
		out.Exclusions = append(out.Exclusions, ruleExclusion{Name: c.Exclusion.Name, Reason: c.Exclusion.Reason, Table: c.Table,
			Removed: c.Removed, File: filepath.ToSlash(c.Exclusion.Path), Line: c.Exclusion.Line})
	}
	return out
}
