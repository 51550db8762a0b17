package kernel

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"math/bits"

	"github.com/kqlhunt/kqlhunt/internal/types"
)

// hash()/hash_xxhash64() (XXH64 with seed 0 over the value's bytes) and the gzip/zlib base64 functions.

const (
	xxPrime1 uint64 = 11400714785074694791
	xxPrime2 uint64 = 14029467366897019727
	xxPrime3 uint64 = 1609587929392839161
	xxPrime4 uint64 = 9650029242287828579
	xxPrime5 uint64 = 2870177450012600261
)

func xxRound(acc, input uint64) uint64 {
	acc += input * xxPrime2
	acc = bits.RotateLeft64(acc, 31)
	return acc * xxPrime1
}

func xxMerge(acc, val uint64) uint64 {
	acc ^= xxRound(0, val)
	return acc*xxPrime1 + xxPrime4
}

// xxHash64 is XXH64 of b with seed 0.
func xxHash64(b []byte) uint64 {
	n := len(b)
	var h uint64
	if n >= 32 {
		p1, p2 := xxPrime1, xxPrime2 // variables, so the additions wrap instead of overflowing constants
		v1 := p1 + p2
		v2 := p2
		v3 := uint64(0)
		v4 := -p1
		for len(b) >= 32 {
			v1 = xxRound(v1, binary.LittleEndian.Uint64(b[0:]))
			v2 = xxRound(v2, binary.LittleEndian.Uint64(b[8:]))
			v3 = xxRound(v3, binary.LittleEndian.Uint64(b[16:]))
			v4 = xxRound(v4, binary.LittleEndian.Uint64(b[24:]))
			b = b[32:]
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = xxMerge(h, v1)
		h = xxMerge(h, v2)
		h = xxMerge(h, v3)
		h = xxMerge(h, v4)
	} else {
		h = xxPrime5
	}
	h += uint64(n)
	for len(b) >= 8 {
		h ^= xxRound(0, binary.LittleEndian.Uint64(b))
		h = bits.RotateLeft64(h, 27)*xxPrime1 + xxPrime4
		b = b[8:]
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * xxPrime1
		h = bits.RotateLeft64(h, 23)*xxPrime2 + xxPrime3
		b = b[4:]
	}
	for _, c := range b {
		h ^= uint64(c) * xxPrime5
		h = bits.RotateLeft64(h, 11) * xxPrime1
	}
	h ^= h >> 33
	h *= xxPrime2
	h ^= h >> 29
	h *= xxPrime3
	h ^= h >> 32
	return h
}

// valueBytes are the bytes hash() reads: UTF-8 text for strings, 8 little-endian bytes for numbers and times.
func valueBytes(v types.Value) []byte {
	var buf [8]byte
	switch v.Type.Physical() {
	case types.PhysInt:
		binary.LittleEndian.PutUint64(buf[:], uint64(v.I))
		return buf[:]
	case types.PhysReal:
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v.F))
		return buf[:]
	}
	return []byte(valueText(v))
}

func init() {
	hashFn := func(name string, max int) {
		registerRowFunc(name, nil, types.Long, 1, max, paramTypes(tScalar&^tDynamic, tInteger), func(_ *Context, v []types.Value) types.Value {
			if v[0].Null {
				return nullV(types.Long)
			}
			h := int64(xxHash64(valueBytes(v[0])))
			if len(v) > 1 {
				if v[1].Null || v[1].I <= 0 {
					return nullV(types.Long)
				}
				m := uint64(v[1].I)
				return types.NewLong(int64(uint64(h) % m))
			}
			return types.NewLong(h)
		})
	}
	hashFn("hash", 2)
	hashFn("hash_xxhash64", 2)
	registerRowFunc("gzip_compress_to_base64_string", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		return types.NewString(base64.StdEncoding.EncodeToString(gzipStored([]byte(v[0].S))))
	})
	registerRowFunc("gzip_decompress_from_base64_string", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		raw, ok := base64Bytes(v[0].S)
		if !ok {
			return types.NewString("")
		}
		r, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return types.NewString("")
		}
		return types.NewString(readLimitedUTF8(r))
	})
	registerRowFunc("zlib_compress_to_base64_string", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		var buf bytes.Buffer
		w := zlib.NewWriter(&buf)
		_, _ = w.Write([]byte(v[0].S))
		_ = w.Close()
		return types.NewString(base64.StdEncoding.EncodeToString(buf.Bytes()))
	})
	registerRowFunc("zlib_decompress_from_base64_string", nil, types.String, 1, 1, paramTypes(tString), func(_ *Context, v []types.Value) types.Value {
		raw, ok := base64Bytes(v[0].S)
		if !ok {
			return types.NewString("")
		}
		r, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return types.NewString("")
		}
		return types.NewString(readLimitedUTF8(r))
	})
}

// gzipStored writes data as a gzip member of stored (uncompressed) deflate blocks, the form .NET produces for
// short text, so results match Kusto's byte for byte there; longer text stays valid gzip that any reader accepts.
func gzipStored(data []byte) []byte {
	crc, size := crc32.ChecksumIEEE(data), uint32(len(data))
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	for first := true; first || len(data) > 0; first = false {
		n := min(len(data), 65535)
		final := byte(0)
		if n == len(data) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), byte(^n), byte(^n>>8))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, size)
}

// maxDecompressed bounds decompression so a small bomb cannot exhaust memory.
const maxDecompressed = 64 << 20

// readLimitedUTF8 reads a decompressed stream; broken streams, oversize output and non-UTF-8 text give "".
func readLimitedUTF8(r io.Reader) string {
	data, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil || len(data) > maxDecompressed || !bytes.Equal(bytes.ToValidUTF8(data, nil), data) {
		return ""
	}
	return string(data)
}
