// Command serve runs the workbench for the browser tests until kqlhunt has its own serve command: it loads the
// data folders, serves them with the UI on a loopback port, and prints the base URL on stdout once listening.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/ingest"
	"github.com/kqlhunt/kqlhunt/internal/server"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run() error {
	data := flag.String("data", "", "data folders or files, comma-separated")
	rulesDir := flag.String("rules", "", "folder of rule YAML files")
	tuning := flag.String("tuning", "", "tuning files or folders, comma-separated")
	now := flag.String("now", "", "pin now() to this RFC 3339 time")
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var paths []string
	if *data != "" {
		paths = strings.Split(*data, ",")
	}
	ds, err := ingest.Load(ctx, paths, ingest.Options{})
	if err != nil {
		return err
	}
	cfg := server.Config{Catalog: ds.Catalog, Listen: *listen, UI: true, RulesDir: *rulesDir}
	if *tuning != "" {
		cfg.TuningPaths = strings.Split(*tuning, ",")
	}
	if *now != "" {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			return fmt.Errorf("-now: %w", err)
		}
		cfg.Now = func() time.Time { return t }
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Println(srv.URL(ln.Addr()))
	return srv.Serve(ctx, ln)
}
