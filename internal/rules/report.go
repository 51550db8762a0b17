package rules

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/render"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// ReportOptions configure a report run.
type ReportOptions struct {
	Now     time.Time
	Tuning  []string // extra tuning files or folders
	Tuning2 TuningOptions
	MaxRows int // rows shown per rule; 0 means 20
}

// ReportEntry is one rule's section of the report.
type ReportEntry struct {
	Path       string
	Rule       *Rule
	Columns    []string
	Rows       [][]string
	TotalRows  int
	ChartSVG   template.HTML // the chart the query renders, as inline SVG
	ChartError string
	Exclusions []ExclusionCount
	Error      string
}

// BuildReport runs every rule file on the catalog and collects what the report shows.
func BuildReport(ctx context.Context, files []string, cat catalog.Catalog, opts ReportOptions) []*ReportEntry {
	maxRows := opts.MaxRows
	if maxRows <= 0 {
		maxRows = 20
	}
	var out []*ReportEntry
	for _, f := range files {
		e := &ReportEntry{Path: f}
		out = append(out, e)
		rule, err := Load(f)
		if err != nil {
			e.Error = err.Error()
			continue
		}
		e.Rule = rule
		src := rule.QuerySource
		runCat := cat
		exclusions, err := FindTunings(rule, opts.Tuning, opts.Tuning2)
		if err != nil {
			e.Error = err.Error()
			continue
		}
		if len(exclusions) > 0 {
			tables := SourceTables(src)
			var lookups []string
			for _, x := range exclusions {
				lookups = append(lookups, x.Lookups...)
			}
			runCat, _ = WithEmptyKnownTables(cat, lookups)
			if e.Exclusions, err = CountExcluded(ctx, runCat, tables, exclusions); err != nil {
				e.Error = err.Error()
				continue
			}
			if src, err = ApplyExclusions(src, exclusions); err != nil {
				e.Error = err.Error()
				continue
			}
		}
		res, err := engine.Run(ctx, src, engine.Options{Now: opts.Now, Catalog: runCat})
		if err != nil {
			e.Error = err.Error()
			continue
		}
		tbl := res.Table
		for _, f := range tbl.Fields {
			e.Columns = append(e.Columns, f.Name)
		}
		e.TotalRows = tbl.NumRows()
		for i := 0; i < tbl.NumRows() && i < maxRows; i++ {
			row := make([]string, len(tbl.Cols))
			for j, c := range tbl.Cols {
				row[j] = render.CellText(c, i)
			}
			e.Rows = append(e.Rows, row)
		}
		if tbl.Visualization != nil {
			svg, err := chartSVG(tbl)
			if err != nil {
				e.ChartError = err.Error()
			} else {
				// the SVG is kqlhunt's own output, with the data's text escaped by the chart writer
				e.ChartSVG = template.HTML(svg)
			}
		}
	}
	return out
}

// chartSVG draws the table's chart; a failure of the chart writer costs the chart, not the report.
func chartSVG(tbl *types.Table) (svg string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error while drawing the %s: %v", tbl.Visualization.Kind, r)
		}
	}()
	var b bytes.Buffer
	if err := render.Chart(&b, tbl, tbl.Visualization, "svg", render.ChartOptions{Width: 900, Height: 360}); err != nil {
		return "", err
	}
	return b.String(), nil
}

var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kqlhunt report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.meta { color: #555; } .error { color: #a00; white-space: pre-wrap; font-family: monospace; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td { font-family: monospace; max-width: 40em; overflow-wrap: anywhere; }
nav li { margin: 0.2em 0; } .ok { color: #070; } .bad { color: #a00; }
</style>
</head>
<body>
<h1>kqlhunt report</h1>
<p class="meta">{{len .Entries}} rules · now() = {{.Now}} · data: {{.Data}}</p>
<nav><ul>
{{range $i, $e := .Entries}}<li><a href="#rule-{{$i}}">{{if $e.Rule}}{{$e.Rule.Name}}{{else}}{{$e.Path}}{{end}}</a>
{{if $e.Error}}<span class="bad">error</span>{{else}}<span class="ok">{{$e.TotalRows}} rows</span>{{end}}</li>
{{end}}</ul></nav>
{{range $i, $e := .Entries}}
<section id="rule-{{$i}}">
<h2>{{if $e.Rule}}{{$e.Rule.Name}}{{else}}{{$e.Path}}{{end}}</h2>
<p class="meta">{{$e.Path}}{{if $e.Rule}}{{if $e.Rule.ID}} · id {{$e.Rule.ID}}{{end}}{{if $e.Rule.Version}} · version {{$e.Rule.Version}}{{end}}{{end}}</p>
{{if $e.Rule}}<p class="meta">{{if $e.Rule.Tactics}}Tactics: {{range $j, $t := $e.Rule.Tactics}}{{if $j}}, {{end}}{{$t}}{{end}}{{end}}
{{if $e.Rule.RelevantTechniques}} · Techniques: {{range $j, $t := $e.Rule.RelevantTechniques}}{{if $j}}, {{end}}{{$t}}{{end}}{{end}}</p>
<p>{{$e.Rule.Description}}</p>{{end}}
{{if $e.Exclusions}}<h3>Exclusions applied</h3>
<table><tr><th>Exclusion</th><th>Table</th><th>Rows removed</th><th>Reason</th></tr>
{{range $e.Exclusions}}<tr><td>{{.Exclusion.Name}}</td><td>{{.Table}}</td><td>{{.Removed}}</td><td>{{.Exclusion.Reason}}</td></tr>
{{end}}</table>{{end}}
{{if $e.Error}}<p class="error">{{$e.Error}}</p>{{else}}
{{if $e.ChartSVG}}<figure>{{$e.ChartSVG}}</figure>{{end}}
{{if $e.ChartError}}<p class="error">chart: {{$e.ChartError}}</p>{{end}}
<p class="meta">{{$e.TotalRows}} rows{{if lt (len $e.Rows) $e.TotalRows}}, the first {{len $e.Rows}} shown{{end}}</p>
{{if $e.Rows}}<table><tr>{{range $e.Columns}}<th>{{.}}</th>{{end}}</tr>
{{range $e.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}{{end}}
</section>
{{end}}
</body>
</html>
`))

// WriteReportHTML writes the report as one self-contained HTML page (inline CSS and SVG, no scripts).
func WriteReportHTML(w io.Writer, entries []*ReportEntry, now time.Time, data string) error {
	return reportTemplate.Execute(w, struct {
		Entries []*ReportEntry
		Now     string
		Data    string
	}{entries, types.FormatDateTime(types.TimeToTicks(now)), data})
}
