package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/server"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func newServeCommand(s *streams) *cobra.Command {
	var data []string
	var now, timeFormat string
	var noUI bool
	cfg := server.Config{}
	cmd := &cobra.Command{
		Use:   "serve --data PATH [--listen HOST:PORT] [--token-file FILE]",
		Short: "Serve local data over Kusto's REST API (v1/v2 query, management commands) and the web workbench",
		Long: `Serve the data over the Kusto REST API, so that Kusto SDKs, Azure Data Explorer clients and Kusto.Explorer
can query it (the database is --database), and serve the web workbench at "/".
--data is raw files and folders (loaded into memory) or one kqlhunt store (see 'kqlhunt ingest').
The server listens on loopback by default; any other address needs --token-file, a bearer token clients send
(Kusto SDKs send tokens only over https: give --tls-cert and --tls-key too).`,
		Example: `  kqlhunt serve --data examples/data
  kqlhunt serve --data hunt.store --listen 0.0.0.0:8443 --token-file token.txt --tls-cert cert.pem --tls-key key.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if now != "" {
				ticks, ok := types.ParseDateTime(now)
				if !ok {
					return usagef("--now %q is not a datetime (use ISO 8601, e.g. 2026-12-03T12:00:00Z)", now)
				}
				pinned := types.TicksToTime(ticks)
				cfg.Now = func() time.Time { return pinned }
			}
			cfg.UI = !noUI
			// Check the address and the token before loading: a refused configuration should fail fast.
			probe := cfg
			probe.Catalog, probe.UI = catalog.Map{}, false
			if _, err := server.New(probe); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cat := catalog.Catalog(catalog.Map{})
			if len(data) > 0 {
				var err error
				if cat, err = loadData(ctx, s.errOut, data, ingest.Options{TimeFormat: timeFormat, MaxBytes: loadLimit(0)}, false, nil); err != nil {
					return err
				}
			}
			cfg.Catalog = cat
			srv, err := server.New(cfg)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", srv.Addr())
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			fmt.Fprintf(s.errOut, "serving %s on %s (database %q); Ctrl-C stops\n", countOf(len(cat.TableNames()), "table", "tables"), srv.URL(ln.Addr()), databaseName(cfg))
			if err := srv.Serve(ctx, ln); err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			fmt.Fprintln(s.errOut, "server stopped")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&data, "data", nil, "a data file or folder, or a kqlhunt store; repeat for more files")
	fl.StringVar(&cfg.Listen, "listen", server.DefaultListen, "address to listen on, host:port; other than loopback needs --token-file")
	fl.StringVar(&cfg.TokenFile, "token-file", "", "file holding the bearer token clients must send")
	fl.StringVar(&cfg.TLSCertFile, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, serve https")
	fl.StringVar(&cfg.TLSKeyFile, "tls-key", "", "TLS private key file (PEM)")
	fl.StringVar(&cfg.Database, "database", server.DefaultDatabase, "the database name clients use")
	fl.DurationVar(&cfg.QueryTimeout, "query-timeout", server.DefaultQueryTimeout, "longest a query may run")
	fl.IntVar(&cfg.MaxResultRows, "max-rows", server.DefaultMaxResultRows, "rows a result holds before it is truncated")
	fl.IntVar(&cfg.MaxConcurrentQueries, "max-concurrent", server.DefaultMaxConcurrent, "queries run at once; more wait, then are throttled")
	fl.BoolVar(&cfg.AllowExternalData, "allow-externaldata", false, "let queries read local files with externaldata (any file the server can read)")
	fl.BoolVar(&cfg.AllowHTTP, "allow-http", false, "with --allow-externaldata, let externaldata also download http(s) URIs (the server fetches any URL a client names)")
	fl.StringVar(&now, "now", "", "pin now() for every query, ISO 8601 (default: the current time)")
	fl.StringVar(&timeFormat, "time-format", "", "day/month order of ambiguous CSV times: dmy, mdy, a locale (en-GB) or a Go layout")
	fl.BoolVar(&noUI, "no-ui", false, "serve only the REST API, not the web workbench")
	fl.StringVar(&cfg.RulesDir, "rules", "", "folder of rule YAML files the workbench's rule library and dashboard list")
	fl.StringArrayVar(&cfg.TuningPaths, "tuning", nil, "a tuning file or folder for the dashboard's exclusions; repeat for more")
	fl.StringVar(&cfg.WatchlistDir, "watchlists", "", "folder of watchlist CSV files (NAME.csv) that exclusions and _GetWatchlist('NAME') read")
	return cmd
}

// databaseName is the database clients name, the server's default when none is set.
func databaseName(cfg server.Config) string {
	if cfg.Database == "" {
		return server.DefaultDatabase
	}
	return cfg.Database
}
