package catalog

import (
	_ "embed"
	"regexp"
	"strings"
	"sync"
)

// notIncluded is the list of the names the built-in catalog leaves out, and why.
//
//go:embed schemas/NOT_INCLUDED.md
var notIncluded string

// workspaceLine matches a "- `Name`: reason" line of NOT_INCLUDED.md.
var workspaceLine = regexp.MustCompile("^- `([A-Za-z0-9_]+)`: (.*)$")

var (
	workspaceOnce  sync.Once
	workspaceNames map[string]string
)

// workspaceSection is the heading of NOT_INCLUDED.md's section of names that only a user's workspace defines.
const workspaceSection = "## Only in a user's workspace"

// parseWorkspaceNames reads the "- `Name`: reason" lines of the workspace section of md; a reason may go on over
// indented lines.
func parseWorkspaceNames(md string) map[string]string {
	out := map[string]string{}
	in := false
	last := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			in = strings.TrimSpace(line) == workspaceSection
			last = ""
		case !in:
		case workspaceLine.MatchString(line):
			m := workspaceLine.FindStringSubmatch(line)
			last = m[1]
			out[last] = strings.TrimSpace(m[2])
		case last != "" && strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "":
			out[last] += " " + strings.TrimSpace(line)
		default:
			last = ""
		}
	}
	return out
}

// WorkspaceOnly reports whether name, used by queries as a table or a function, exists only in a user's workspace
// (a saved function, a parser or a custom table: schemas/NOT_INCLUDED.md), and why.
func WorkspaceOnly(name string) (why string, ok bool) {
	workspaceOnce.Do(func() { workspaceNames = parseWorkspaceNames(notIncluded) })
	why, ok = workspaceNames[name]
	return why, ok
}
