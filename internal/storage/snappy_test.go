package storage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/klauspost/compress/snappy"
)

func TestFastSnappyIsStandardSnappy(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{name: "empty", data: nil},
		{name: "short", data: []byte("ClickBlocked")},
		{name: "repetitive page", data: []byte(strings.Repeat("ClickAllowed\x00ClickBlocked\x00", 5000))},
		{name: "incompressible", data: func() []byte {
			b := make([]byte, 70000)
			x := uint32(1)
			for i := range b {
				x = x*1664525 + 1013904223
				b[i] = byte(x >> 24)
			}
			return b
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := fastSnappy{}.Encode(make([]byte, 3), tc.data)
			if err != nil {
				t.Fatal(err)
			}
			// The reference Snappy decoder reads it (as DuckDB, Spark and others will).
			got, err := snappy.Decode(nil, enc)
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Fatalf("reference decode: %v, equal %v", err, bytes.Equal(got, tc.data))
			}
			// And our decoder reads what the reference encoder wrote.
			back, err := fastSnappy{}.Decode(nil, snappy.Encode(nil, tc.data))
			if err != nil || !bytes.Equal(back, tc.data) {
				t.Fatalf("decode: %v, equal %v", err, bytes.Equal(back, tc.data))
			}
		})
	}
	if _, err := (fastSnappy{}).Decode(nil, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); err == nil {
		t.Error("a corrupt block decoded without error")
	}
}
