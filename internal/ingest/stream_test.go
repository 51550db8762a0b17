package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/catalog"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestStreamLoadsEveryFileOnceInGroups(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i := 0; i < 5; i++ {
		p := filepath.Join(dir, fmt.Sprintf("UrlClickEvents-%d.jsonl", i))
		line := fmt.Sprintf(`{"Timestamp":"2024-03-01T00:00:0%dZ","ActionType":"A%d"}`+"\n", i, i)
		if err := os.WriteFile(p, []byte(line+line), 0o644); err != nil { // 2 rows, 96 bytes
			t.Fatal(err)
		}
		files = append(files, p)
	}
	tests := []struct {
		name       string
		groupBytes int64
		wantSteps  []int // rows per step
	}{
		{name: "one file per step", groupBytes: 1, wantSteps: []int{2, 2, 2, 2, 2}},
		{name: "two files per step", groupBytes: 150, wantSteps: []int{4, 4, 2}},
		{name: "default: all in one step", wantSteps: []int{10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStream(files, Options{})
			s.GroupBytes = tc.groupBytes
			var got []int
			for {
				ds, err := s.Next(context.Background())
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ds.Rows["UrlClickEvents"])
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantSteps) {
				t.Errorf("rows per step %v, want %v", got, tc.wantSteps)
			}
		})
	}
}

func TestBlobHour(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string // "" when the path names no hour
	}{
		{name: "storage blob", path: "/x/insights-logs-advancedhunting-urlclickevents/tenantId=t/y=2026/m=11/d=20/h=08/m=00/PT1H.json", want: "2026-11-20T08:00:00.0000000Z"},
		{name: "relative", path: "y=2024/m=02/d=29/h=23/m=00/PT1H.json", want: "2024-02-29T23:00:00.0000000Z"},
		{name: "no folders", path: "/data/UrlClickEvents.jsonl"},
		{name: "bad month", path: "y=2026/m=13/d=01/h=00/PT1H.json"},
		{name: "31 February", path: "y=2026/m=02/d=31/h=00/PT1H.json"},
		{name: "hour 24", path: "y=2026/m=02/d=01/h=24/PT1H.json"},
		{name: "not a number", path: "y=20x6/m=02/d=01/h=01/PT1H.json"},
		{name: "cut short", path: "y=2026/m=02/d=01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ticks, ok := blobHour(tc.path)
			got := ""
			if ok {
				got = types.FormatDateTime(ticks)
			}
			if got != tc.want {
				t.Errorf("blobHour(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestLoadSkipsBlobsBeforeMinTime(t *testing.T) {
	dir := t.TempDir()
	for h := 0; h < 4; h++ {
		p := filepath.Join(dir, "tenantId=t", "y=2026", "m=11", "d=20", fmt.Sprintf("h=%02d", h), "m=00", "PT1H.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		rec := fmt.Sprintf(`{"time":"2026-11-20T%02d:01:00Z","category":"AdvancedHunting-UrlClickEvents","properties":{"Timestamp":"2026-11-20T%02d:00:30Z","ActionType":"ClickBlocked"}}`+"\n", h, h)
		if err := os.WriteFile(p, []byte(rec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	minTime, _ := types.ParseDateTime("2026-11-20T02:00:00Z")
	ds, err := Load(context.Background(), []string{dir}, Options{MinTime: minTime})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Files != 2 || ds.Rows["UrlClickEvents"] != 2 {
		t.Errorf("read %d files and %d rows, want 2 and 2 (hours 02 and 03)", ds.Files, ds.Rows["UrlClickEvents"])
	}
}

// TestKeepFileBatches checks that KeepFileBatches hands over each file's rows as a batch of its own, with the
// same rows, in the same order, as the joined batches.
func TestKeepFileBatches(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		var b []byte
		for r := 0; r <= i; r++ { // file i has i+1 rows
			b = fmt.Appendf(b, `{"Timestamp":"2024-03-01T00:0%d:0%dZ","ActionType":"A%d"}`+"\n", i, r, r)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("UrlClickEvents-%d.jsonl", i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name        string
		keep        bool
		wantBatches []int // rows per batch
	}{
		{name: "joined", wantBatches: []int{6}},
		{name: "one batch per file", keep: true, wantBatches: []int{1, 2, 3}},
	}
	var joined []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := mustLoad(t, Options{KeepFileBatches: tc.keep}, dir)
			var sizes []int
			var rows []string
			for _, b := range ds.Catalog["UrlClickEvents"].(*catalog.MemTable).Batches {
				sizes = append(sizes, b.NumRows())
				ti, ai := b.ColumnIndex("Timestamp"), b.ColumnIndex("ActionType")
				for r := 0; r < b.NumRows(); r++ {
					rows = append(rows, types.FormatDateTime(b.Cols[ti].Ints[r])+" "+b.Cols[ai].Strs[r])
				}
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tc.wantBatches) {
				t.Errorf("batch sizes %v, want %v", sizes, tc.wantBatches)
			}
			if !tc.keep {
				joined = rows
			} else if fmt.Sprint(rows) != fmt.Sprint(joined) {
				t.Errorf("rows %v, want the joined load's %v", rows, joined)
			}
		})
	}
}
