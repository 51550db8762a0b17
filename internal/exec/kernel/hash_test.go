package kernel

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

func TestHashAndCompression(t *testing.T) {
	cases := []scalarCase{
		{"xxhash64", "hash_xxhash64", args(S("World")), L(1846988464401551951)},
		{"hash mod", "hash", args(S("World"), L(100)), L(51)},
		{"hash datetime", "hash", args(DT("2015-01-01")), L(1380966698541616202)},
		{"hash null", "hash", args(N(types.Long)), N(types.Long)},
		{"gzip round trip", "gzip_decompress_from_base64_string", args(S("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")), S("1234567890qwertyuiop")},
		{"gzip compress", "gzip_compress_to_base64_string", args(S("1234567890qwertyuiop")), S("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")},
		{"zlib invalid", "zlib_decompress_from_base64_string", args(S("x0x0x0")), S("")},
		{"base64 unpadded invalid", "base64_decode_toarray", args(S("U3RyaW5n0KHR0tGA0L7Rh9C60LA")), J(`null`)},
	}
	runScalarCases(t, cases)
	// Long input exercises the 32-byte stripes of XXH64; compare against the round trip through zlib for sanity.
	long := strings.Repeat("abcdefghij", 10)
	a, _ := evalScalar(t, "hash_xxhash64", S(long))
	b, _ := evalScalar(t, "hash_xxhash64", S(long+"x"))
	if a.I == b.I {
		t.Errorf("hash of different long strings collided: %d", a.I)
	}
	z, _ := evalScalar(t, "zlib_compress_to_base64_string", S(long))
	back, _ := evalScalar(t, "zlib_decompress_from_base64_string", z)
	if back.S != long {
		t.Errorf("zlib round trip = %q", back.S)
	}
}
