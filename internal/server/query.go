package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/engine"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// requestInfo is the correlation data of one request (echoed in headers and errors).
type requestInfo struct {
	clientRequestID string
	activityID      string
	received        time.Time // stamps status rows and errors
	machine         string
	pid             int
}

func (s *Server) newRequestInfo(w http.ResponseWriter, r *http.Request) *requestInfo {
	req := &requestInfo{clientRequestID: r.Header.Get("x-ms-client-request-id"), activityID: s.newID(), received: s.clock().UTC(), machine: s.machine, pid: s.pid}
	if req.clientRequestID == "" {
		req.clientRequestID = "KQLHUNT;" + req.activityID
	}
	w.Header().Set("x-ms-client-request-id", req.clientRequestID)
	w.Header().Set("x-ms-activity-id", req.activityID)
	return req
}

// queryBody is the JSON body of a query or management request.
type queryBody struct {
	DB         string          `json:"db"`
	CSL        string          `json:"csl"`
	Properties json.RawMessage `json:"properties"`
}

// queryOptions are the request properties kqlhunt honours (ClientRequestProperties.Options).
type queryOptions struct {
	now              time.Time
	timeout          time.Duration
	limit            rowLimit
	fragmentPrimary  bool   // results_v2_fragment_primary_tables
	errorPlacement   string // results_error_reporting_placement
	newlinesBetween  bool   // results_v2_newlines_between_frames (frames are always one per line)
	progressiveAsked bool
	parameters       map[string]string // query parameter values as KQL literals, for `declare query_parameters`
}

// readQueryBody reads and decodes the request body within the size limit.
func (s *Server) readQueryBody(w http.ResponseWriter, r *http.Request, req *requestInfo) (*queryBody, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			e := newAPIError(req, http.StatusRequestEntityTooLarge, "General_BadRequest", "Request is invalid and cannot be executed.",
				"Kusto.Data.Exceptions.KustoBadRequestException",
				fmt.Sprintf("the request body is larger than the server's limit of %d bytes", s.cfg.MaxBodyBytes))
			return nil, e
		}
		return nil, badRequest(req, "could not read the request body: "+err.Error())
	}
	var q queryBody
	if err := json.Unmarshal(body, &q); err != nil {
		return nil, badRequest(req, "the request body is not the JSON object {\"db\", \"csl\", \"properties\"}: "+jsonErrorAt(body, err))
	}
	if strings.TrimSpace(q.CSL) == "" {
		return nil, badRequest(req, "the request has no query text (csl is empty)")
	}
	if q.DB != "" && !strings.EqualFold(q.DB, s.cfg.Database) && q.DB != "NetDefaultDB" {
		return nil, newAPIError(req, http.StatusBadRequest, "BadRequest_EntityNotFound", "Request is invalid and cannot be executed.",
			"Kusto.Data.Exceptions.EntityNotFoundException",
			fmt.Sprintf("Entity ID '%s' of kind 'Database' was not found: this server has one database, '%s'", q.DB, s.cfg.Database))
	}
	return &q, nil
}

// jsonErrorAt describes a JSON decoding error with its byte offset.
func jsonErrorAt(body []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("at byte %d: %v", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("at byte %d: field %q: %v", te.Offset, te.Field, err)
	}
	return err.Error()
}

// parseOptions reads the request properties: either an object `{"Options":{...},"Parameters":{...}}` or the same
// object serialized into a JSON string (as Kusto.Data sends it).
func (s *Server) parseOptions(req *requestInfo, raw json.RawMessage) (*queryOptions, *apiError) {
	o := &queryOptions{
		timeout:        s.cfg.QueryTimeout,
		limit:          rowLimit{MaxRows: s.cfg.MaxResultRows, MaxBytes: s.cfg.MaxResultBytes},
		errorPlacement: "in_data",
	}
	if s.cfg.Now != nil {
		o.now = s.cfg.Now()
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return o, nil
	}
	if raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, badRequest(req, "properties: "+err.Error())
		}
		raw = json.RawMessage(text)
		if strings.TrimSpace(text) == "" {
			return o, nil
		}
	}
	var props struct {
		Options    map[string]any    `json:"Options"`
		Parameters map[string]string `json:"Parameters"`
	}
	if err := json.Unmarshal(raw, &props); err != nil {
		return nil, badRequest(req, "properties: not {\"Options\":{...}}: "+jsonErrorAt(raw, err))
	}
	o.parameters = props.Parameters
	for key, val := range props.Options {
		switch strings.ToLower(key) {
		case "query_now":
			text, _ := val.(string)
			ticks, ok := types.ParseDateTime(text)
			if !ok {
				return nil, badRequest(req, fmt.Sprintf("properties: query_now: %v is not a datetime", val))
			}
			o.now = types.TicksToTime(ticks)
		case "servertimeout":
			d, ok := optionDuration(val)
			if !ok {
				return nil, badRequest(req, fmt.Sprintf("properties: servertimeout: %v is not a timespan", val))
			}
			if d > 0 && d < o.timeout {
				o.timeout = d
			}
		case "truncationmaxrecords":
			n, ok := optionInt(val)
			if !ok || n < 0 {
				return nil, badRequest(req, fmt.Sprintf("properties: truncationmaxrecords: %v is not a record count", val))
			}
			if n > 0 && n < int64(o.limit.MaxRows) {
				o.limit.MaxRows = int(n)
			}
		case "truncationmaxsize":
			n, ok := optionInt(val)
			if !ok || n < 0 {
				return nil, badRequest(req, fmt.Sprintf("properties: truncationmaxsize: %v is not a size in bytes", val))
			}
			if n > 0 && n < o.limit.MaxBytes {
				o.limit.MaxBytes = n
			}
		case "results_v2_fragment_primary_tables":
			o.fragmentPrimary = optionBool(val)
		case "results_v2_newlines_between_frames":
			o.newlinesBetween = optionBool(val)
		case "results_progressive_enabled":
			o.progressiveAsked = optionBool(val)
		case "results_error_reporting_placement":
			p, _ := val.(string)
			switch p = strings.ToLower(p); p {
			case "in_data", "end_of_table", "end_of_dataset":
				o.errorPlacement = p
			default:
				return nil, badRequest(req, fmt.Sprintf("properties: results_error_reporting_placement: %q is not in_data, end_of_table or end_of_dataset", p))
			}
		}
	}
	return o, nil
}

func optionBool(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return strings.EqualFold(t, "true")
	}
	return false
}

func optionInt(v any) (int64, bool) {
	switch t := v.(type) {
	case float64:
		return int64(t), t == float64(int64(t))
	case string:
		n, err := strconv.ParseInt(t, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// optionDuration reads a timespan option: Kusto text ("00:04:00", "1.00:00:00") or a KQL literal ("30s").
func optionDuration(v any) (time.Duration, bool) {
	text, ok := v.(string)
	if !ok {
		return 0, false
	}
	if ticks, ok := types.ParseTimeSpan(text); ok {
		return time.Duration(ticks) * 100, true
	}
	if ticks, ok := types.ParseTimeSpanLiteral(text); ok {
		return time.Duration(ticks) * 100, true
	}
	return 0, false
}

// runQuery runs csl under the concurrency and time limits and returns its result table.
func (s *Server) runQuery(ctx context.Context, req *requestInfo, csl string, opts *queryOptions) (*types.Table, *apiError) {
	if strings.HasPrefix(strings.TrimSpace(csl), ".") {
		return nil, badRequest(req, "control commands (starting with '.') go to /v1/rest/mgmt, not to a query endpoint")
	}
	if len(opts.parameters) > 0 {
		bound, aerr := bindParameters(req, csl, opts.parameters)
		if aerr != nil {
			return nil, aerr
		}
		csl = bound
	}
	src := source.New("", csl)
	if !s.cfg.AllowExternalData {
		if aerr := refuseExternalData(req, src); aerr != nil {
			return nil, aerr
		}
	}
	release, aerr := s.acquire(ctx, req)
	if aerr != nil {
		return nil, aerr
	}
	qctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()

	type outcome struct {
		res *engine.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		// The slot is held until the engine really stops, so abandoned queries still count against the limit.
		defer release()
		res, err := engine.Run(qctx, src, engine.Options{Now: opts.now, Catalog: s.cfg.Catalog,
			AllowHTTP: s.cfg.AllowHTTP, WatchlistDir: s.cfg.WatchlistDir})
		done <- outcome{res, err}
	}()
	var out outcome
	var memTick <-chan time.Time
	if s.cfg.MaxHeapBytes > 0 {
		ticker := time.NewTicker(memoryCheckInterval)
		defer ticker.Stop()
		memTick = ticker.C
	}
wait:
	for {
		select {
		case out = <-done:
			break wait
		case <-qctx.Done():
			break wait
		case <-memTick:
			if used := heapBytes() - s.baseHeap; used > s.cfg.MaxHeapBytes {
				cancel() // the engine stops at its next cancellation check
				return nil, lowMemoryError(req, used, s.cfg.MaxHeapBytes)
			}
		}
	}
	if ctxErr := qctx.Err(); ctxErr != nil && (out.err != nil || out.res == nil) {
		if ctx.Err() != nil {
			return nil, cancelledError(req)
		}
		return nil, timeoutError(req, opts.timeout)
	}
	if out.err != nil {
		var diags *source.DiagnosticList
		if errors.As(out.err, &diags) {
			_, parseDiags := syntax.Parse(src)
			return nil, queryError(req, src, diags, parseDiags != nil && parseDiags.HasErrors())
		}
		return nil, newAPIError(req, http.StatusInternalServerError, "Internal_Error", "Internal service error",
			"Kusto.Data.Exceptions.KustoServiceException", firstLine(out.err.Error()))
	}
	if out.res == nil || out.res.Table == nil {
		return types.NewTable(nil), nil
	}
	return out.res.Table, nil
}

// refuseExternalData rejects a query that uses externaldata: over the network it would let clients read the
// server's files (and the engine's local-path support would read any path the server process can).
func refuseExternalData(req *requestInfo, src *source.Source) *apiError {
	q, _ := syntax.Parse(src)
	if q == nil {
		return nil // the engine reports the parse errors
	}
	var found *syntax.ExternalDataOp
	syntax.Inspect(q, func(n syntax.Node) bool {
		if op, ok := n.(*syntax.ExternalDataOp); ok && found == nil {
			found = op
		}
		return found == nil
	})
	if found == nil {
		return nil
	}
	diags := &source.DiagnosticList{}
	diags.Addf(src, found.Span(), "externaldata is disabled on this server: it would read files on the server's machine (start the server with external data allowed to use it)")
	return queryError(req, src, diags, false)
}

// bindParameters gives each parameter the query declares with `declare query_parameters(...)` the value the
// request sends for it (a KQL literal such as "text", long(5), datetime(2026-01-01)), as its default. Values for
// parameters the query does not declare are ignored, as Kusto does.
func bindParameters(req *requestInfo, csl string, values map[string]string) (string, *apiError) {
	for name, v := range values {
		if !isSingleExpression(v) {
			return "", badRequest(req, fmt.Sprintf("properties: Parameters: the value of %q is not one KQL literal: %s", name, v))
		}
	}
	q, _ := syntax.Parse(source.New("", csl))
	if q == nil {
		return csl, nil
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, st := range q.Stmts {
		decl, ok := st.(*syntax.DeclareParamsStmt)
		if !ok {
			continue
		}
		for _, p := range decl.Params {
			if p.Name == nil {
				continue
			}
			v, ok := values[p.Name.Name]
			if !ok {
				continue
			}
			switch {
			case p.Default != nil:
				sp := p.Default.Span()
				edits = append(edits, edit{int(sp.Start), int(sp.End), v})
			case p.Type != nil:
				end := int(p.Type.Span().End)
				edits = append(edits, edit{end, end, " = " + v})
			default:
				end := int(p.Name.Span().End)
				edits = append(edits, edit{end, end, " = " + v})
			}
		}
	}
	// Apply from the end so earlier offsets stay valid.
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		if e.start < 0 || e.end > len(csl) || e.start > e.end {
			continue
		}
		csl = csl[:e.start] + e.text + csl[e.end:]
	}
	return csl, nil
}

// isSingleExpression reports whether text parses as exactly one scalar expression (so a parameter value cannot
// change the query around it): `print __value = TEXT` must be a lone print of one column.
func isSingleExpression(text string) bool {
	q, diags := syntax.Parse(source.New("", "print __value = "+text))
	if q == nil || (diags != nil && diags.HasErrors()) || len(q.Stmts) != 1 {
		return false
	}
	st, ok := q.Stmts[0].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	pipe, ok := st.X.(*syntax.PipeExpr)
	if !ok || pipe.Input != nil {
		return false
	}
	pr, ok := pipe.Op.(*syntax.PrintOp)
	return ok && len(pr.Columns) == 1
}

// memoryCheckInterval is how often a running query checks the server's heap against Config.MaxHeapBytes.
const memoryCheckInterval = 50 * time.Millisecond

// heapBytes returns the bytes of live and not yet swept heap objects.
func heapBytes() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// acquire takes a query slot, waiting up to QueueWait; it answers Kusto's throttling error when none frees up.
func (s *Server) acquire(ctx context.Context, req *requestInfo) (func(), *apiError) {
	release := func() { <-s.slots }
	select {
	case s.slots <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, cancelledError(req)
	case <-t.C:
		return nil, newAPIError(req, http.StatusTooManyRequests, "TooManyRequests", "Request was throttled",
			"Kusto.DataNode.Exceptions.ControlCommandThrottledException",
			fmt.Sprintf("The query was throttled: %d queries are already running (the server's concurrency limit) and none finished within %s.",
				s.cfg.MaxConcurrentQueries, s.cfg.QueueWait))
	}
}

func (s *Server) handleQueryV2(w http.ResponseWriter, r *http.Request) {
	s.handleQuery(w, r, 2)
}

func (s *Server) handleQueryV1(w http.ResponseWriter, r *http.Request) {
	s.handleQuery(w, r, 1)
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request, version int) {
	req := s.newRequestInfo(w, r)
	q, aerr := s.readQueryBody(w, r, req)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	opts, aerr := s.parseOptions(req, q.Properties)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	start := s.clock()
	table, aerr := s.runQuery(r.Context(), req, q.CSL, opts)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	out, finish := compressed(w, r)
	defer finish()
	if version == 1 {
		_, _ = out.Write(encodeV1Query(req, table, opts.limit))
		return
	}
	_ = writeV2(out, req, table, opts, s.clock().Sub(start))
}

// compressed starts a JSON response, gzip-compressed when the client accepts it (Kusto SDKs ask for gzip);
// finish flushes it.
func compressed(w http.ResponseWriter, r *http.Request) (io.Writer, func()) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		return w, func() {}
	}
	w.Header().Set("Content-Encoding", "gzip")
	gz := gzip.NewWriter(w)
	return gz, func() { _ = gz.Close() }
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0"
		}
	}
	return false
}
