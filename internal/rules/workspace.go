package rules

import (
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
)

// Kinds of query error, as ClassifyQueryError tells them apart.
const (
	QueryErrorEngine    = "error"     // the parser or the engine rejected the query
	QueryErrorWorkspace = "workspace" // a table or function that exists only in a user's workspace
	QueryErrorService   = "service"   // a function only the Defender XDR service provides
)

var (
	unknownTableRe    = regexp.MustCompile(`^Failed to resolve table or column expression named '([^']*)'`)
	unknownFunctionRe = regexp.MustCompile(`^Unknown function: '([^']*)'`)
	scalarNameRe      = regexp.MustCompile(`^Failed to resolve scalar expression named '([^']*)'`)
	serviceRe         = regexp.MustCompile(`needs the Microsoft Defender XDR service`)
)

// defenderServiceFunctions are the functions only the Defender XDR service provides.
var defenderServiceFunctions = map[string]bool{
	"FileProfile": true, "DeviceFromIP": true, "SeenBy": true, "AssignedIPAddresses": true,
}

// workspaceFunctions are built-in functions whose data lives in the user's workspace.
var workspaceFunctions = map[string]bool{"_GetWatchlist": true}

// ClassifyQueryError tells an engine error from one caused by a name that exists only in a user's workspace
// (custom _CL tables, ASIM parsers, saved functions, watchlists) or only in the Defender service. msg is a
// diagnostic message of engine.Check or engine.Run.
func ClassifyQueryError(msg string) string {
	if serviceRe.MatchString(msg) {
		return QueryErrorService
	}
	if m := unknownTableRe.FindStringSubmatch(msg); m != nil && (IsWorkspaceTable(m[1]) || workspaceFunctions[m[1]]) {
		return QueryErrorWorkspace
	}
	if m := scalarNameRe.FindStringSubmatch(msg); m != nil && IsWorkspaceTable(m[1]) {
		return QueryErrorWorkspace
	}
	if m := unknownFunctionRe.FindStringSubmatch(msg); m != nil {
		if defenderServiceFunctions[m[1]] {
			return QueryErrorService
		}
		if isWorkspaceFunction(m[1]) || workspaceFunctions[m[1]] {
			return QueryErrorWorkspace
		}
	}
	return QueryErrorEngine
}

// IsWorkspaceTable reports names of custom log tables (_CL), ASIM parsers and the saved functions the built-in
// catalog lists as workspace-only (catalog.WorkspaceOnly), which only a workspace defines.
func IsWorkspaceTable(name string) bool {
	if _, ok := catalog.WorkspaceOnly(name); ok {
		return true
	}
	return strings.HasSuffix(name, "_CL") || isASIMName(name)
}

// isASIMName matches the ASIM parser families: _Im_Dns, _ASim_Dns, imDns, ASimDns, vimDns.
func isASIMName(name string) bool {
	for _, prefix := range []string{"_Im_", "_ASim_", "ASim", "im", "vim"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' {
			return true
		}
	}
	return false
}

// isWorkspaceFunction reports names of saved functions: Kusto's built-in functions are all lower case
// (snake_case), while saved functions and parsers are conventionally capitalised or ASIM names.
func isWorkspaceFunction(name string) bool {
	if isASIMName(name) || strings.HasSuffix(name, "_CL") {
		return true
	}
	return name != "" && name[0] >= 'A' && name[0] <= 'Z'
}
