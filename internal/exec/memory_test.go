package exec

import "testing"

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		{name: "small", n: 512, want: "512 B"},
		{name: "decimal kilobytes as given", n: 10_000, want: "10 kB"},
		{name: "one kilobyte", n: 1000, want: "1 kB"},
		{name: "decimal gigabytes", n: 2_000_000_000, want: "2 GB"},
		{name: "not whole megabytes", n: 1_500_000, want: "1500 kB"},
		{name: "binary kibibytes", n: 64 << 10, want: "64.0 KiB"},
		{name: "binary mebibytes", n: 3 << 19, want: "1.5 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatBytes(tc.n); got != tc.want {
				t.Errorf("FormatBytes(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}
