package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
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
