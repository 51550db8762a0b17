// Package server serves kqlhunt's tables over Kusto's REST API (v1 and v2 query responses, the management commands
// clients send on connect, and the auth metadata endpoint), so that Kusto clients and SDKs work unchanged.
package server

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
)

// Defaults for the limits in Config, chosen after Kusto's own (4-minute query timeout, 500,000 records and 64 MB
// per result).
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultDatabase        = "kqlhunt"
	DefaultMaxBodyBytes    = 1 << 20
	DefaultQueryTimeout    = 4 * time.Minute
	DefaultMaxResultRows   = 500_000
	DefaultMaxResultBytes  = 64 << 20
	DefaultMaxConcurrent   = 8
	DefaultQueueWait       = 30 * time.Second
	DefaultMaxHeapBytes    = 8 << 30
	maxTokenFileBytes      = 4096
	minTokenLength         = 16
	shutdownGrace          = 5 * time.Second
	readHeaderTimeout      = 10 * time.Second
	managementQueryTimeout = 30 * time.Second
)

// Config configures a Server. Zero values take the defaults above.
type Config struct {
	Listen    string          // host:port; default 127.0.0.1:8080. A non-loopback address requires a token.
	Catalog   catalog.Catalog // the tables queries read (required)
	Database  string          // the one database name clients use; default "kqlhunt"
	Token     string          // bearer token clients must send; empty: none (loopback only)
	TokenFile string          // file holding the token (trimmed); used when Token is empty
	// Now, when set, pins now() for every query (tests, reproducible dashboards); the request property
	// query_now overrides it per request.
	Now                  func() time.Time
	MaxBodyBytes         int64         // request body limit
	QueryTimeout         time.Duration // upper bound of a query's run time; the servertimeout property may lower it
	MaxResultRows        int           // rows sent before the result is truncated; truncationmaxrecords may lower it
	MaxResultBytes       int64         // result bytes sent before truncation; truncationmaxsize may lower it
	MaxConcurrentQueries int           // queries running at once; more wait up to QueueWait, then are throttled
	QueueWait            time.Duration
	ServerVersion        string // reported by `.show version`; default "kqlhunt"
	// MaxHeapBytes bounds the heap queries use, above what the process held when New was called (the loaded
	// catalog): past it, running queries are cancelled with Kusto's low-memory error. 0: DefaultMaxHeapBytes;
	// negative: no limit.
	MaxHeapBytes int64
	// AllowExternalData lets queries use externaldata (local files; http(s) URIs too only with AllowHTTP).
	// Off by default, since a remote client could otherwise read any file the server can.
	AllowExternalData bool
	// AllowHTTP lets externaldata fetch http(s) URIs (engine.Options.AllowHTTP). It has effect only with
	// AllowExternalData; off by default, since a remote client could otherwise make the server fetch any URL.
	AllowHTTP bool
	// TLSCertFile and TLSKeyFile, when both set, serve HTTPS. Kusto SDKs send a bearer token only over https, so
	// a server with a token that SDK clients use needs them.
	TLSCertFile string
	TLSKeyFile  string
	// UI serves the web workbench at "/" and its JSON endpoints under /api/ (see ui.go).
	UI bool
	// RulesDir is the folder of Sentinel rule YAML files the workbench's rule library and dashboard list.
	RulesDir string
	// TuningPaths are tuning files or folders read besides the *.tuning.yaml files next to each rule.
	TuningPaths []string
	// WatchlistDir is the folder of watchlist CSV files that tuning exclusions reference.
	WatchlistDir string
}

// Server answers Kusto REST requests over a catalog.
type Server struct {
	cfg     Config
	token   []byte
	slots   chan struct{}
	mux     *http.ServeMux
	started time.Time
	// clock and newID stamp responses; tests replace them to compare bodies byte for byte.
	clock func() time.Time
	newID func() string
	// baseHeap is the heap when the server was made (the loaded tables), which MaxHeapBytes comes on top of.
	baseHeap int64
	// machine and pid name this process in errors' @context.
	machine string
	pid     int
}

// New validates cfg and returns a server. It refuses a non-loopback listen address without a token.
func New(cfg Config) (*Server, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("server: no catalog: give the tables to serve")
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.MaxResultRows <= 0 {
		cfg.MaxResultRows = DefaultMaxResultRows
	}
	if cfg.MaxResultBytes <= 0 {
		cfg.MaxResultBytes = DefaultMaxResultBytes
	}
	if cfg.MaxConcurrentQueries <= 0 {
		cfg.MaxConcurrentQueries = DefaultMaxConcurrent
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = DefaultQueueWait
	}
	if cfg.MaxHeapBytes == 0 {
		cfg.MaxHeapBytes = DefaultMaxHeapBytes
	}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = "kqlhunt"
	}
	token := strings.TrimSpace(cfg.Token)
	if token == "" && cfg.TokenFile != "" {
		t, err := readTokenFile(cfg.TokenFile)
		if err != nil {
			return nil, err
		}
		token = t
	}
	if token != "" && len(token) < minTokenLength {
		return nil, fmt.Errorf("server: the token is %d characters long; use at least %d random characters", len(token), minTokenLength)
	}
	if (cfg.TLSCertFile == "") != (cfg.TLSKeyFile == "") {
		return nil, errors.New("server: TLS needs both a certificate file and a key file")
	}
	if cfg.TLSCertFile != "" {
		if _, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile); err != nil {
			return nil, fmt.Errorf("server: TLS certificate %s / key %s: %w", cfg.TLSCertFile, cfg.TLSKeyFile, err)
		}
	}
	loopback, err := isLoopbackAddr(cfg.Listen)
	if err != nil {
		return nil, err
	}
	if !loopback && token == "" {
		return nil, fmt.Errorf("server: refusing to listen on %s without a token: anyone who can reach that address could "+
			"read the data; give a token file (a bearer token clients must send) or listen on loopback (%s)", cfg.Listen, DefaultListen)
	}
	s := &Server{cfg: cfg, slots: make(chan struct{}, cfg.MaxConcurrentQueries), started: time.Now(), clock: time.Now, newID: newActivityID, pid: os.Getpid()}
	s.machine, _ = os.Hostname()
	s.baseHeap = heapBytes()
	if token != "" {
		s.token = []byte(token)
	}
	s.mux = http.NewServeMux()
	s.routes(s.mux)
	if cfg.UI {
		s.mountUI()
	}
	return s, nil
}

// readTokenFile reads a bearer token from path: the first line, trimmed.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("server: token file: %w", err)
	}
	defer f.Close()
	buf := make([]byte, maxTokenFileBytes+1)
	n, _ := f.Read(buf)
	if n > maxTokenFileBytes {
		return "", fmt.Errorf("server: token file %s: longer than %d bytes", path, maxTokenFileBytes)
	}
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	token := strings.TrimSpace(line)
	if token == "" {
		return "", fmt.Errorf("server: token file %s:1: empty token", path)
	}
	return token, nil
}

// isLoopbackAddr reports whether host:port names only loopback interfaces. An empty host (all interfaces) is not.
func isLoopbackAddr(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("server: listen address %q: %v (want host:port, e.g. %s)", addr, err, DefaultListen)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback(), nil
}

// routes mounts the Kusto REST endpoints under /v1 and /v2 only, leaving "/" for a web UI.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/rest/auth/metadata", s.handleAuthMetadata)
	mux.HandleFunc("POST /v1/rest/auth/metadata", s.handleAuthMetadata)
	mux.Handle("POST /v1/rest/query", s.authorized(s.recovered(s.handleQueryV1)))
	mux.Handle("POST /v2/rest/query", s.authorized(s.recovered(s.handleQueryV2)))
	mux.Handle("POST /v1/rest/mgmt", s.authorized(s.recovered(s.handleMgmt)))
}

// Handler returns the HTTP handler (the REST API); Mount adds more routes beside it.
func (s *Server) Handler() http.Handler { return s.mux }

// Mount registers h for pattern (e.g. "/" for the web workbench) on the server's mux. Routes under "/" are
// served without the bearer token check unless h checks it itself (see Authorized).
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Authorized wraps h with the bearer token check the REST API uses.
func (s *Server) Authorized(h http.Handler) http.Handler { return s.authorized(h.ServeHTTP) }

// Addr returns the configured listen address.
func (s *Server) Addr() string { return s.cfg.Listen }

// URL returns the base URL clients connect to for an address the server listens on.
func (s *Server) URL(addr net.Addr) string {
	scheme := "http"
	if s.cfg.TLSCertFile != "" {
		scheme = "https"
	}
	return scheme + "://" + addr.String()
}

// ListenAndServe listens on Config.Listen and serves until ctx is cancelled, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is cancelled.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       time.Minute,
		// A response may be written only after the query waited for a slot and ran to its limit.
		WriteTimeout:   s.cfg.QueueWait + s.cfg.QueryTimeout + time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		BaseContext:    func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCertFile != "" {
			errc <- hs.ServeTLS(ln, s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			return err
		}
		return nil
	}
}

// authorized checks the bearer token (in constant time) when one is configured.
func (s *Server) authorized(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.token != nil {
			got, ok := bearerToken(r.Header.Get("Authorization"))
			if !ok || subtle.ConstantTimeCompare([]byte(got), s.token) != 1 {
				req := s.newRequestInfo(w, r)
				msg := "missing bearer token: send 'Authorization: Bearer <token>'"
				if ok {
					msg = "the bearer token is not valid for this server"
				}
				writeAPIError(w, newAPIError(req, http.StatusUnauthorized, "Unauthorized", "Unauthorized",
					"Kusto.Common.Svc.Exceptions.UnauthorizedDatabaseAccessException", msg))
				return
			}
		}
		next(w, r)
	})
}

// recovered turns a panic while answering into Kusto's internal error (when nothing was written yet) instead of a
// dropped connection.
func (s *Server) recovered(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if !tw.wrote {
					req := s.newRequestInfo(w, r)
					writeAPIError(w, newAPIError(req, http.StatusInternalServerError, "Internal_Error", "Internal service error",
						"Kusto.Data.Exceptions.KustoServiceException", fmt.Sprintf("internal error: %v", p)))
				}
			}
		}()
		next(tw, r)
	}
}

// trackingWriter records whether the response was started.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) { t.wrote = true; t.ResponseWriter.WriteHeader(code) }
func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// handleAuthMetadata answers what Kusto SDKs ask before connecting: the AAD cloud to get tokens from. kqlhunt does
// not use AAD (it checks its own bearer token), so it names the public cloud; SDKs trust loopback endpoints anyway.
func (s *Server) handleAuthMetadata(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write([]byte(`{"AzureAD":{"LoginEndpoint":"https://login.microsoftonline.com","LoginMfaRequired":false,` +
		`"KustoClientAppId":"db662dc1-0cfe-4e1c-a843-19a68e65be58","KustoClientRedirectUri":"https://microsoft/kustoclient",` +
		`"KustoServiceResourceId":"https://kusto.kusto.windows.net","FirstPartyAuthorityUrl":` +
		`"https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a"},"dSTS":{}}`))
}
