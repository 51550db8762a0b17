package rules

import "github.com/kqlhunt/kqlhunt/internal/corpus"

// Kinds of query error, as ClassifyQueryError tells them apart.
const (
	QueryErrorEngine    = string(corpus.NeedsNothing)   // the parser or the engine rejected the query
	QueryErrorWorkspace = string(corpus.NeedsWorkspace) // a table or function that exists only in a user's workspace
	QueryErrorService   = string(corpus.NeedsService)   // a function only the Defender XDR service provides
)

// ClassifyQueryError tells an engine error from one caused by a name that exists only in a user's workspace
// (custom _CL tables, ASIM parsers, saved functions, watchlists) or only in the Defender service, as
// corpus.ClassifyName does. msg is a diagnostic message of engine.Check or engine.Run.
func ClassifyQueryError(msg string) string {
	return string(corpus.ClassifyName(msg))
}
