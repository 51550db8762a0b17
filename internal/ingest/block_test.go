package ingest

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// TestLineBlockFitsItsBuffer checks that a block of JSON lines takes a buffer of about its size: a full block of
// jsonBlockSize (8 MiB) took a 16 MiB one, its read size and margin rounded up to the next power of two. The
// blocks must still end at line ends and together hold the content.
func TestLineBlockFitsItsBuffer(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n"
	tests := []struct {
		name string
		size int // the block size asked for
		fits bool
	}{
		{name: "full block", size: jsonBlockSize, fits: true},
		{name: "1 MiB", size: 1 << 20, fits: true},
		{name: "64 KiB", size: 64 << 10, fits: true},
		{name: "just under a class", size: 1<<20 - blockMargin, fits: true},
		{name: "small file", size: 5000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Repeat(line, tc.size*5/2/len(line))
			in := bufio.NewReader(strings.NewReader(data))
			var got bytes.Buffer
			for first := true; ; first = false {
				block, err := readLineBlock(in, nil, tc.size)
				got.Write(block)
				if len(block) > 0 && block[len(block)-1] != '\n' {
					t.Fatalf("a block of %d bytes does not end at a line end", len(block))
				}
				if first {
					if len(block) < tc.size*15/16-len(line) {
						t.Errorf("the first block holds %d bytes, want about %d", len(block), tc.size)
					}
					if tc.fits && float64(cap(block)) > 1.1*float64(len(block)) {
						t.Errorf("a block of %d bytes has a buffer of %d (%.2f×), want at most 1.1×", len(block), cap(block), float64(cap(block))/float64(len(block)))
					}
				}
				putBlock(block)
				if err != nil {
					break
				}
			}
			if got.String() != data {
				t.Errorf("the blocks hold %d bytes, the content %d", got.Len(), len(data))
			}
		})
	}
}
