package apimodel

import (
	"cmp"
	"encoding/base64"
	"slices"
	"time"
	"unicode/utf8"
)

// The helpers below are what the generated AppendQueryXML methods call to
// write Query-protocol XML without reflection; they live here so that every
// generated package shares one escaping and one timestamp format.

// AppendText appends s as XML character data, escaping markup characters
// (quotes stay literal in character data, as AWS writes them: messages read
// "Value 'x' at 'roleSessionName'…" on the wire) and replacing bytes that are not valid UTF-8 or not legal in XML 1.0 with
// U+FFFD, so that a response is always well-formed.
func AppendText(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '&':
			esc = "&amp;"
		case r == '\r':
			esc = "&#xD;"
		case r == utf8.RuneError && w == 1, !xmlChar(r):
			esc = "\uFFFD"
		default:
			i += w
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += w
		last = i
	}
	return append(b, s[last:]...)
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}

// AppendTimestamp appends t as AWS writes timestamps in Query responses:
// ISO 8601 in UTC, with milliseconds only when t has a sub-second part
// ("2011-07-15T23:28:33.359Z" or "2011-07-15T23:28:33Z").
func AppendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	if t.Nanosecond()/int(time.Millisecond) == 0 {
		return t.AppendFormat(b, "2006-01-02T15:04:05Z")
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

// AppendBase64 appends a blob as standard base64, the Query encoding of blobs.
func AppendBase64(b []byte, v []byte) []byte {
	return base64.StdEncoding.AppendEncode(b, v)
}

// SortedKeys returns the keys of m in order, so maps encode deterministically.
func SortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
