package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

func TestOptionsWatchlistDir(t *testing.T) {
	dir := t.TempDir()
	csv := "UserPrincipalName,Reason\nalice@contoso.com,exec\nbob@contoso.com,admin\n"
	if err := os.WriteFile(filepath.Join(dir, "vip.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	src := source.New("q", `_GetWatchlist('vip') | where Reason == "admin" | project UserPrincipalName`)
	res, err := Run(context.Background(), src, Options{WatchlistDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	i := res.Table.ColumnIndex("UserPrincipalName")
	if res.Table.NumRows() != 1 || i < 0 || res.Table.Cols[i].Strs[0] != "bob@contoso.com" {
		t.Fatalf("got %d rows, want bob@contoso.com only", res.Table.NumRows())
	}

	_, err = Run(context.Background(), src, Options{})
	if err == nil || !strings.Contains(err.Error(), "--watchlists") {
		t.Fatalf("without WatchlistDir: got %v, want an error naming --watchlists", err)
	}
}

func TestOptionsAllowHTTPRefusedByDefault(t *testing.T) {
	src := source.New("q", `externaldata(a:string)["https://127.0.0.1:1/x.csv"] | count`)
	_, err := Run(context.Background(), src, Options{})
	if err == nil || !strings.Contains(err.Error(), "--allow-http") {
		t.Fatalf("got %v, want a refusal naming --allow-http", err)
	}
}
