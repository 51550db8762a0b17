package ingest

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// firstSpecial is the byte-at-a-time answer specialBytes must agree with: the index of the first byte that ends
// the fast scan of a string, or 8.
func firstSpecial(word []byte) int {
	for i, c := range word {
		if stringSpecial[c] {
			return i
		}
	}
	return 8
}

func TestSpecialBytesFindsFirstSpecialByte(t *testing.T) {
	check := func(word []byte) {
		t.Helper()
		got := 8
		if m := specialBytes(binary.LittleEndian.Uint64(word)); m != 0 {
			got = bits.TrailingZeros64(m) / 8
		}
		if want := firstSpecial(word); got != want {
			t.Fatalf("specialBytes(%q) finds byte %d, want %d", word, got, want)
		}
	}
	// Every byte value at every position among plain letters.
	for pos := 0; pos < 8; pos++ {
		for b := 0; b < 256; b++ {
			word := []byte("abcdefgh")
			word[pos] = byte(b)
			check(word)
		}
	}
	// Random words, biased towards the bytes near the boundaries (0x1f/0x20, '"', '\\', 0x7f/0x80).
	edges := []byte{0, 0x1f, 0x20, 0x21, '"', '#', '\\', ']', 0x7e, 0x7f, 0x80, 0xff, 'a'}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200000; n++ {
		word := make([]byte, 8)
		for i := range word {
			if rng.IntN(2) == 0 {
				word[i] = edges[rng.IntN(len(edges))]
			} else {
				word[i] = byte(rng.IntN(256))
			}
		}
		check(word)
	}
}

func TestRawStringAcrossWords(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		complex bool
		wantErr bool
	}{
		{name: "short", in: `"ab"`, want: "ab"},
		{name: "long plain", in: `"https://links.example-mailer.net/ls/click?upn=u000001.AbCdEf"`, want: "https://links.example-mailer.net/ls/click?upn=u000001.AbCdEf"},
		{name: "escape after a word", in: `"abcdefghij\"kl"`, want: `abcdefghij\"kl`, complex: true},
		{name: "non-ASCII after words", in: "\"abcdefghijklmnopé\"", want: "abcdefghijklmnopé", complex: true},
		{name: "control character", in: "\"abcdefghijkl\x01mn\"", wantErr: true},
		{name: "unterminated", in: `"abcdefghijklmnopqrstuvwxyz`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := &jsonScanner{data: []byte(tc.in)}
			raw, complex, err := sc.rawString()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if string(raw) != tc.want || complex != tc.complex {
				t.Errorf("rawString = %q complex %v, want %q complex %v", raw, complex, tc.want, tc.complex)
			}
			if sc.pos != len(tc.in) {
				t.Errorf("pos = %d, want %d", sc.pos, len(tc.in))
			}
		})
	}
}

func TestDecodeStringRuns(t *testing.T) {
	tests := []struct {
		name    string
		raw     string // between the quotes, as in the file
		want    string
		badUTF8 bool
		wantOK  bool
	}{
		{name: "plain", raw: "https://www.example.org/offers", want: "https://www.example.org/offers", wantOK: true},
		{name: "escaped quotes after long runs", raw: `[\"https://links.example-mailer.net/ls/click?upn=u009\", \"https://www.example.org/offers\"]`,
			want: `["https://links.example-mailer.net/ls/click?upn=u009", "https://www.example.org/offers"]`, wantOK: true},
		{name: "escapes of every kind", raw: `a\\b\/c\bd\fe\nf\rg\th\u00e9\ud83d\ude00`, want: "a\\b/c\bd\fe\nf\rg\th\u00e9\U0001F600", wantOK: true},
		{name: "UTF-8 between plain runs", raw: "abcdefghijklmnop\u00e9abcdefghij\u4e2d", want: "abcdefghijklmnop\u00e9abcdefghij\u4e2d", wantOK: true},
		{name: "invalid UTF-8 replaced", raw: "abcdefghij\xffklmnopqrst", want: "abcdefghij\uFFFDklmnopqrst", badUTF8: true, wantOK: true},
		{name: "lone surrogate", raw: `abcdefghij\ud800xyz`, want: "abcdefghij\uFFFDxyz", wantOK: true},
		{name: "bad escape", raw: `abcdefghijklmnop\x`, wantOK: false},
		{name: "escape cut off", raw: `abcdefghijklmnop\u12`, wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := &jsonScanner{}
			got, ok := sc.decodeString([]byte(tc.raw))
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if got != tc.want || sc.badUTF8 != tc.badUTF8 {
				t.Errorf("decodeString(%q) = %q badUTF8 %v, want %q badUTF8 %v", tc.raw, got, sc.badUTF8, tc.want, tc.badUTF8)
			}
		})
	}
}
