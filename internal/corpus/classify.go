package corpus

import (
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
)

// Need is what a query's error says the query needs besides kqlhunt.
type Need string

// The needs Classify tells apart.
const (
	NeedsNothing   Need = "error"     // nothing: the query or kqlhunt is wrong
	NeedsWorkspace Need = "workspace" // a table or function only a user's workspace has
	NeedsService   Need = "service"   // a Microsoft service: Defender XDR, Azure Resource Graph, another cluster
	NeedsNetwork   Need = "network"   // externaldata over http(s), which kqlhunt fetches only when told to
)

var (
	unknownTableRe    = regexp.MustCompile(`^Failed to resolve table or column expression named '([^']*)'`)
	unknownFunctionRe = regexp.MustCompile(`^Unknown function: '([^']*)'`)
	scalarNameRe      = regexp.MustCompile(`^Failed to resolve scalar expression named '([^']*)'`)
	serviceRe         = regexp.MustCompile(`needs the Microsoft Defender XDR service`)
	// remoteServiceRe matches sema's error for a table of another service (arg(), cluster(), workspace(), ...).
	remoteServiceRe = regexp.MustCompile(`\(\) reads the .*, which needs the remote service`)
	// unmatchedWildcardRe matches sema's error for a union table wildcard that matches no table.
	unmatchedWildcardRe = regexp.MustCompile(`: no table matches the wildcard$`)
	// externalHTTPRe matches the refusal of externaldata to fetch an http(s) URL without --allow-http. It may
	// come wrapped (bag_unpack: computing the input to find its keys: externaldata: ...).
	externalHTTPRe = regexp.MustCompile(`(^|: )externaldata: https?://\S+ is not fetched: .*--allow-http`)
)

// defenderServiceFunctions are the functions only the Defender XDR service provides.
var defenderServiceFunctions = map[string]bool{
	"FileProfile": true, "DeviceFromIP": true, "SeenBy": true, "AssignedIPAddresses": true,
}

// workspaceFunctions are built-in functions whose data lives in the user's workspace.
var workspaceFunctions = map[string]bool{"_GetWatchlist": true}

// Classify returns what the error message msg (of engine.Check or engine.Run) says the query needs: a remote
// service (arg(), cluster(), Defender-only functions), the network (externaldata over http(s)), a workspace
// (a union wildcard matching no built-in table, or a name as ClassifyName says), or nothing.
func Classify(msg string) Need {
	switch {
	case remoteServiceRe.MatchString(msg):
		return NeedsService
	case externalHTTPRe.MatchString(msg):
		return NeedsNetwork
	case unmatchedWildcardRe.MatchString(msg):
		return NeedsWorkspace // union Easm*: tables the built-in schemas do not have, as a workspace's custom tables
	}
	return ClassifyName(msg)
}

// ClassifyName tells an error about a name that exists only in a user's workspace (custom _CL tables, ASIM
// parsers, saved functions, watchlists) or only in the Defender service from any other error; an unknown column
// is never one of them.
func ClassifyName(msg string) Need {
	if serviceRe.MatchString(msg) {
		return NeedsService
	}
	if m := unknownTableRe.FindStringSubmatch(msg); m != nil && (IsWorkspaceTable(m[1]) || workspaceFunctions[m[1]]) {
		return NeedsWorkspace
	}
	if m := scalarNameRe.FindStringSubmatch(msg); m != nil && IsWorkspaceTable(m[1]) {
		return NeedsWorkspace
	}
	if m := unknownFunctionRe.FindStringSubmatch(msg); m != nil {
		if defenderServiceFunctions[m[1]] {
			return NeedsService
		}
		if isWorkspaceFunction(m[1]) || workspaceFunctions[m[1]] {
			return NeedsWorkspace
		}
	}
	return NeedsNothing
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
