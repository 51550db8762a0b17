package exec

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/sema"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// WatchlistCatalog adds Sentinel watchlists to a catalog: `_GetWatchlist('name')` reads Dir/name.csv (the
// CSV a watchlist is created from: a header line, then one item per line). The query sees the columns Sentinel
// gives a watchlist: _DTItemId, LastUpdatedTimeUTC, SearchKey (the first CSV column's value), WatchlistItem
// (the item as a bag), then every CSV column as a string.
type WatchlistCatalog struct {
	catalog.Catalog        // the other tables (may be nil)
	Dir             string // folder of NAME.csv files

	mu     sync.Mutex
	loaded map[string]*catalog.MemTable
}

// Table returns a watchlist for sema.WatchlistTableName(name), other names from the wrapped catalog.
func (w *WatchlistCatalog) Table(name string) (catalog.Table, bool) {
	alias, ok := strings.CutPrefix(name, sema.WatchlistTablePrefix)
	if !ok {
		if w.Catalog == nil {
			return nil, false
		}
		return w.Catalog.Table(name)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.loaded[alias]; ok {
		return t, t != nil
	}
	if w.loaded == nil {
		w.loaded = map[string]*catalog.MemTable{}
	}
	t, err := ReadWatchlist(w.Dir, alias)
	if err != nil {
		w.loaded[alias] = nil
		return nil, false
	}
	w.loaded[alias] = t
	return t, true
}

// TableNames returns the wrapped catalog's names (watchlists are found by name only).
func (w *WatchlistCatalog) TableNames() []string {
	if w.Catalog == nil {
		return nil
	}
	return w.Catalog.TableNames()
}

// ReadWatchlist reads dir/alias.csv as a watchlist table. A missing file is an error wrapping fs.ErrNotExist;
// a malformed file is an error naming file:line.
func ReadWatchlist(dir, alias string) (*catalog.MemTable, error) {
	if dir == "" || alias == "" || strings.ContainsAny(alias, `/\`) || alias == "." || alias == ".." {
		return nil, fmt.Errorf("watchlist %q: %w", alias, fs.ErrNotExist)
	}
	path := filepath.Join(dir, alias+".csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s:1: the watchlist has no header line", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	fields := []types.Field{{Name: "_DTItemId", Type: types.String}, {Name: "LastUpdatedTimeUTC", Type: types.DateTime},
		{Name: "SearchKey", Type: types.String}, {Name: "WatchlistItem", Type: types.Dynamic}}
	seen := map[string]bool{}
	for _, f := range fields {
		seen[f.Name] = true
	}
	var csvCols []int // header index of each CSV column kept
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		fields = append(fields, types.Field{Name: h, Type: types.String})
		csvCols = append(csvCols, i)
	}
	info, _ := f.Stat()
	var updated types.Value = types.NullOf(types.DateTime)
	if info != nil {
		updated = types.Value{Type: types.DateTime, I: types.TimeToTicks(info.ModTime())}
	}
	t := types.NewTable(fields)
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		cell := func(i int) string {
			if i < len(rec) {
				return rec[i]
			}
			return ""
		}
		item := types.NewBag()
		for i, h := range header {
			if h = strings.TrimSpace(h); h != "" {
				item.Set(h, cell(i))
			}
		}
		row := []types.Value{types.NewString(fmt.Sprintf("%s-%d", alias, line-1)), updated,
			types.NewString(cell(0)), types.NewDynamic(item)}
		for _, i := range csvCols {
			row = append(row, types.NewString(cell(i)))
		}
		t.AppendRow(row)
	}
	return &catalog.MemTable{TableName: sema.WatchlistTablePrefix + alias, Fields: fields, Batches: []*types.Table{t}}, nil
}

var _ catalog.Catalog = (*WatchlistCatalog)(nil)
