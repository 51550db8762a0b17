package kernel

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// Text encodings: URL encoding as .NET's HttpUtility does it (which Kusto uses), base64 and hashes.

// urlSafe reports bytes that URL encoding leaves as they are.
func urlSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '!' || c == '*' || c == '(' || c == ')'
}

func urlEncodeWith(s, space string) string {
	var b strings.Builder
	const hexDigits = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case urlSafe(c):
			b.WriteByte(c)
		case c == ' ':
			b.WriteString(space)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// urlEncode is url_encode(): spaces become '+', other unsafe bytes %xx in lower-case hex.
func urlEncode(s string) string { return urlEncodeWith(s, "+") }

// urlEncodeComponent is url_encode_component(): as url_encode but spaces become %20.
func urlEncodeComponent(s string) string { return urlEncodeWith(s, "%20") }

// urlDecode is url_decode(): %xx sequences and '+' decoded; malformed escapes are kept as written.
func urlDecode(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			buf = append(buf, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			buf = append(buf, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			buf = append(buf, c)
		}
	}
	return strings.ToValidUTF8(string(buf), "\uFFFD")
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func base64Encode(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// base64Decode decodes padded standard base64; invalid input or a non-UTF-8 result gives false.
func base64Decode(s string) (string, bool) {
	b, ok := base64Bytes(s)
	if !ok || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

func hashSHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hashMD5(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}
