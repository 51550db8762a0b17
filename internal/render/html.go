package render

import (
	"bufio"
	"fmt"
	"html"
	"io"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// htmlTableRows is how many result rows the HTML page lists under the chart.
const htmlTableRows = 50

// sortScript makes the result table sortable by clicking a column header (numbers numerically, other cells as text).
const sortScript = `<script>
(function () {
  var table = document.querySelector("table");
  if (!table) { return; }
  var heads = table.querySelectorAll("th");
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny) && a.cells[col].className === "num") ? nx - ny : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
</script>
`

// writeHTML writes a self-contained page: the chart as inline SVG and the first rows of the result as a table.
// It loads nothing from elsewhere (no scripts, fonts or style sheets by URL); an inline script sorts the table.
func writeHTML(w io.Writer, t *types.Table, kind string, props chartProps, svg []byte) error {
	title := props.title
	if title == "" {
		title = kind
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
<style>
body{font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:16px;color:#323130;background:#fff}
h1{font-size:18px;font-weight:600}
.chart svg{width:100%%;max-width:1200px;height:auto;border:1px solid #edebe9}
table{border-collapse:collapse;font-size:12px;margin-top:12px}
th,td{border:1px solid #edebe9;padding:3px 8px;text-align:left;vertical-align:top;max-width:40em;overflow-wrap:anywhere}
th{background:#f3f2f1;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
td.num{text-align:right}
.note{font-size:12px;color:#605e5c}
</style>
</head>
<body>
<h1>%s</h1>
<div class="chart">
`, html.EscapeString(escapeControls(title)), html.EscapeString(escapeControls(title)))
	bw.Write(svg)
	bw.WriteString("\n</div>\n<table>\n<thead><tr>")
	for _, f := range t.Fields {
		fmt.Fprintf(bw, `<th title="%s">%s</th>`, html.EscapeString(f.Type.String()), html.EscapeString(escapeControls(f.Name)))
	}
	bw.WriteString("</tr></thead>\n<tbody>\n")
	n := t.NumRows()
	shown := min(n, htmlTableRows)
	for r := 0; r < shown; r++ {
		bw.WriteString("<tr>")
		for ci, c := range t.Cols {
			class := ""
			if t.Fields[ci].Type.IsNumeric() {
				class = ` class="num"`
			}
			fmt.Fprintf(bw, "<td%s>%s</td>", class, html.EscapeString(escapeControls(CellText(c, r))))
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</tbody>\n</table>\n")
	if shown < n {
		fmt.Fprintf(bw, "<p class=\"note\">First %d of %d rows.</p>\n", shown, n)
	} else {
		fmt.Fprintf(bw, "<p class=\"note\">%d rows.</p>\n", n)
	}
	bw.WriteString(sortScript)
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}
