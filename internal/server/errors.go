package server

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// apiError is one error in Kusto's OneApiErrors shape: `{"error":{"code","message","@type","@message",
// "@context","@permanent",...}}`. HTTP is the status it is sent with when it fails the whole request.
type apiError struct {
	HTTP int
	Body apiErrorBody
}

type apiErrorBody struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Type      string       `json:"@type"`
	Detail    string       `json:"@message"`
	Context   errorContext `json:"@context"`
	Permanent bool         `json:"@permanent"`
	// Located query errors (syntax and semantic) carry where the error is, as Kusto's parser exceptions do.
	ErrorCode string `json:"@errorCode,omitempty"`
	Line      int    `json:"@line,omitempty"`
	Column    int    `json:"@characterPositionInLine,omitempty"`
	Errors    []diag `json:"@diagnostics,omitempty"`
}

// diag is one located message of a query that failed to compile or run.
type diag struct {
	Message string `json:"message"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Start   int    `json:"start"` // byte offsets in csl, so an editor can mark the span
	End     int    `json:"end"`
}

type errorContext struct {
	Timestamp       string `json:"timestamp"`
	ServiceAlias    string `json:"serviceAlias"`
	MachineName     string `json:"machineName"`
	ProcessName     string `json:"processName"`
	ProcessID       int    `json:"processId"`
	ClientRequestID string `json:"clientRequestId"`
	ActivityID      string `json:"activityId"`
}

func (e *apiError) Error() string { return e.Body.Code + ": " + e.Body.Detail }

// newAPIError builds an error with the request's correlation context.
func newAPIError(req *requestInfo, status int, code, message, typ, detail string) *apiError {
	return &apiError{HTTP: status, Body: apiErrorBody{
		Code: code, Message: message, Type: typ, Detail: detail, Permanent: status < 500 || status == http.StatusNotImplemented,
		Context: errorContext{
			Timestamp:       types.FormatDateTime(types.TimeToTicks(req.received)),
			ServiceAlias:    "KQLHUNT",
			MachineName:     req.machine,
			ProcessName:     "kqlhunt",
			ProcessID:       req.pid,
			ClientRequestID: req.clientRequestID,
			ActivityID:      req.activityID,
		},
	}}
}

// badRequest is Kusto's error for a request it cannot execute.
func badRequest(req *requestInfo, detail string) *apiError {
	return newAPIError(req, http.StatusBadRequest, "General_BadRequest", "Request is invalid and cannot be executed.",
		"Kusto.Data.Exceptions.KustoBadRequestException", detail)
}

// queryError turns a query's diagnostics into Kusto's error: a syntax error when parsing failed, else a semantic
// error, located by the first diagnostic (line and column, 1-based) and listing all of them.
func queryError(req *requestInfo, src *source.Source, diags *source.DiagnosticList, syntax bool) *apiError {
	kind, typ, code := "Semantic error", "Kusto.Data.Exceptions.SemanticException", "SEM0001"
	if syntax {
		kind, typ, code = "Syntax error", "Kusto.Data.Exceptions.SyntaxException", "SYN0002"
	}
	var first *source.Diagnostic
	var ds []diag
	for _, d := range diags.Items {
		if d.Severity != source.Error {
			continue
		}
		l, c := src.LineCol(d.Span.Start)
		ds = append(ds, diag{Message: d.Message, Line: l, Column: c, Start: int(d.Span.Start), End: int(d.Span.End)})
		if first == nil {
			first = d
		}
	}
	if first == nil {
		return badRequest(req, kind+": the query could not be compiled")
	}
	l, c := src.LineCol(first.Span.Start)
	detail := fmt.Sprintf("%s: %s: %s at line [%d,%d]", kind, code, first.Message, l, c)
	if len(ds) > 1 {
		detail += fmt.Sprintf(" (and %d more errors)", len(ds)-1)
	}
	e := newAPIError(req, http.StatusBadRequest, "General_BadRequest", "Request is invalid and cannot be executed.", typ, detail)
	e.Body.ErrorCode, e.Body.Line, e.Body.Column, e.Body.Errors = code, l, c, ds
	return e
}

// timeoutError is Kusto's answer when a query runs past its allowed time.
func timeoutError(req *requestInfo, limit time.Duration) *apiError {
	return newAPIError(req, http.StatusRequestTimeout, "Request_ExecutionTimeout", "Request execution timeout",
		"Kusto.Data.Exceptions.KustoRequestExecutionTimeoutException",
		fmt.Sprintf("Query execution has exceeded the allowed limits (80DA0001): the query ran longer than its timeout %s (E_QUERY_TIMEOUT).",
			types.FormatTimeSpan(int64(limit/100))))
}

// lowMemoryError is Kusto's answer when a query is stopped because the server ran short of memory.
func lowMemoryError(req *requestInfo, used, limit int64) *apiError {
	return newAPIError(req, http.StatusBadRequest, "LimitsExceeded", "Request is invalid and cannot be executed.",
		"Kusto.Data.Exceptions.KustoServicePartialQueryFailureLowMemoryConditionException",
		fmt.Sprintf("Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION): queries were using %d MB, over the server's limit of %d MB, "+
			"while the query ran; it was cancelled. Filter earlier, summarize, or take fewer rows.", used>>20, limit>>20))
}

// cancelledError is Kusto's answer when the client gave up on the request.
func cancelledError(req *requestInfo) *apiError {
	return newAPIError(req, 499, "Request_Cancelled", "Request was cancelled",
		"Kusto.Data.Exceptions.KustoRequestCanceledException", "The request was cancelled by the client.")
}

// truncationError is the partial-failure error Kusto reports in the result when it cut the rows short.
func truncationError(req *requestInfo, lim rowLimit) *apiError {
	what := fmt.Sprintf("the set limit of %d records", lim.MaxRows)
	if lim.MaxBytes > 0 {
		what += fmt.Sprintf(" or %d bytes", lim.MaxBytes)
	}
	e := newAPIError(req, http.StatusOK, "LimitsExceeded", "Request is invalid and cannot be executed.",
		"Kusto.Data.Exceptions.KustoServicePartialQueryFailureLimitsExceededException",
		fmt.Sprintf("Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed %s, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). Use the notruncation request property, or summarize or take fewer rows.", what))
	e.Body.Permanent = true
	return e
}

// writeAPIError sends err as the whole response.
func writeAPIError(w http.ResponseWriter, err *apiError) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err.HTTP == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kqlhunt"`)
	}
	w.WriteHeader(err.HTTP)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": err.Body})
}

// newActivityID returns a random UUID (version 4) for x-ms-activity-id.
func newActivityID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
