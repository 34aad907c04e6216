package sigv4

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
)

const upperHex = "0123456789ABCDEF"

// unreserved reports whether c is left as is by SigV4's URI encoding
// (RFC 3986 unreserved characters).
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// appendEncoded percent-encodes every byte of s except unreserved ones (and
// '/' when keepSlash), as SigV4 requires for paths and query components.
func appendEncoded(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// requestPath returns the path exactly as the client sent it: SigV4 for
// non-S3 services encodes the already-encoded path a second time, so the
// bytes on the wire matter, not their decoded meaning.
func requestPath(r *http.Request) string {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		p, _, _ := strings.Cut(u, "?")
		return p
	}
	if r.URL == nil {
		return "/"
	}
	if r.URL.Opaque != "" {
		return r.URL.Opaque
	}
	return r.URL.EscapedPath()
}

// appendCanonicalURI writes the normalized, encoded path: empty and "."
// segments dropped, ".." removing its parent, a trailing slash kept, as every
// AWS service but S3 does (the suite's normalize-path cases).
func appendCanonicalURI(dst []byte, path string) []byte {
	if path == "" {
		return append(dst, '/')
	}
	var stack [64]string
	segs := stack[:0]
	for rest := path; ; {
		seg, tail, more := strings.Cut(rest, "/")
		switch seg {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, seg)
		}
		if !more {
			break
		}
		rest = tail
	}
	dst = append(dst, '/')
	for i, s := range segs {
		if i > 0 {
			dst = append(dst, '/')
		}
		dst = appendEncoded(dst, s, false)
	}
	if len(segs) > 0 && strings.HasSuffix(path, "/") {
		dst = append(dst, '/')
	}
	return dst
}

// queryParam is one decoded query parameter and its canonical encoding.
type queryParam struct {
	key, value       string // decoded
	encKey, encValue string // SigV4-encoded
}

// parseQuery splits a raw query into parameters. '+' decodes to a space, as
// the form decoder that reads the parameters later does, so the signature
// covers what the service acts on.
func parseQuery(raw string) ([]queryParam, *apierr.Error) {
	if raw == "" {
		return nil, nil
	}
	if len(raw) > MaxQueryBytes {
		return nil, refuse(apierr.RequestEntityTooLarge, "The query string exceeds the maximum length.")
	}
	n := strings.Count(raw, "&") + 1
	if n > MaxQueryParams {
		return nil, refuse(apierr.RequestEntityTooLarge, "The query string has too many parameters.")
	}
	params := make([]queryParam, 0, n)
	for rest := raw; ; {
		pair, tail, more := strings.Cut(rest, "&")
		if pair != "" {
			k, v, _ := strings.Cut(pair, "=")
			dk, err := decodeComponent(k)
			if err != nil {
				return nil, err
			}
			dv, err := decodeComponent(v)
			if err != nil {
				return nil, err
			}
			params = append(params, queryParam{key: dk, value: dv, encKey: encodeComponent(dk), encValue: encodeComponent(dv)})
		}
		if !more {
			break
		}
		rest = tail
	}
	return params, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeComponent percent-decodes s, allocating only when s has escapes.
// The messages are those AWS's Java front end sends for bad escapes.
func decodeComponent(s string) (string, *apierr.Error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) {
				return "", refuse(apierr.MalformedQueryString, "Incomplete trailing escape % sequence")
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", refuse(apierr.MalformedQueryString, "Illegal hex character in escape % pattern: %"+s[i+1:i+3])
			}
			b = append(b, hi<<4|lo)
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), nil
}

// encodeComponent returns s encoded for the canonical query, allocating only
// when s holds a byte that needs encoding.
func encodeComponent(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return string(appendEncoded(make([]byte, 0, len(s)+16), s, false))
		}
	}
	return s
}

// appendCanonicalQuery writes the parameters sorted by encoded key, then
// encoded value, leaving out X-Amz-Signature (and, when skipToken,
// X-Amz-Security-Token, for clients that add the token after signing).
func appendCanonicalQuery(dst []byte, params []queryParam, presigned, skipToken bool) []byte {
	first := true
	for _, p := range params {
		if presigned && p.key == "X-Amz-Signature" || skipToken && p.key == "X-Amz-Security-Token" {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, p.encKey...)
		dst = append(dst, '=')
		dst = append(dst, p.encValue...)
	}
	return dst
}

func sortParams(params []queryParam) {
	slices.SortStableFunc(params, func(a, b queryParam) int {
		if c := strings.Compare(a.encKey, b.encKey); c != 0 {
			return c
		}
		return strings.Compare(a.encValue, b.encValue)
	})
}

// headerValues returns the values of the header whose lower-case name is
// given, without allocating for names of ordinary length.
func headerValues(h http.Header, lower string) []string {
	if len(lower) > 64 {
		return h[textproto.CanonicalMIMEHeaderKey(lower)]
	}
	var buf [64]byte
	upper := true
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
		upper = c == '-'
	}
	return h[string(buf[:len(lower)])]
}

// appendTrimmed writes v with leading and trailing spaces removed and runs
// of spaces collapsed to one, as SigV4 canonical header values require.
func appendTrimmed(dst []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}
