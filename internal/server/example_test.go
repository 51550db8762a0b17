package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/server"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// Example serves a one-table catalog on loopback and asks it for its tables, as a Kusto client does on connect.
func Example() {
	fields := []types.Field{{Name: "ActionType", Type: types.String}}
	batch := types.NewTable(fields)
	batch.AppendRow([]types.Value{types.NewString("ClickBlocked")})
	cat := catalog.Map{"UrlClickEvents": &catalog.MemTable{TableName: "UrlClickEvents", Fields: fields, Batches: []*types.Table{batch}}}

	srv, err := server.New(server.Config{Catalog: cat, Listen: "127.0.0.1:0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	resp, err := http.Post(srv.URL(ln.Addr())+"/v1/rest/mgmt", "application/json", strings.NewReader(`{"db":"kqlhunt","csl":".show tables"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `["UrlClickEvents","kqlhunt","",""]`))
	stop()
	fmt.Println(<-done)
	// Output:
	// 200 true
	// <nil>
}
