package sigv4

import (
	"github.com/stsd/stsd/internal/apierr"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Suite parameters (sigv4-testsuite/README.md).
const (
	suiteAKID   = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// parseRaw turns a test-suite request file into the *http.Request a Go
// server would hand over. It is written by hand because the suite holds
// requests net/http refuses to parse (a space in the path), and it mimics
// net/textproto: Host moves to r.Host, values are trimmed, folded lines are
// joined with one space, repeated headers keep their order.
func parseRaw(t *testing.T, raw string) (*http.Request, []byte) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	line := lines[0]
	method, rest, ok := strings.Cut(line, " ")
	if !ok {
		t.Fatalf("bad request line %q", line)
	}
	target, ok := strings.CutSuffix(rest, " HTTP/1.1")
	if !ok {
		t.Fatalf("bad request line %q", line)
	}
	r := &http.Request{Method: method, RequestURI: target, Header: http.Header{}, URL: &url.URL{}}
	path, query, _ := strings.Cut(target, "?")
	r.URL.Path, r.URL.RawQuery = path, query
	var lastKey string
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			vals := r.Header[lastKey]
			vals[len(vals)-1] += " " + strings.TrimSpace(l)
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		k = http.CanonicalHeaderKey(k)
		v = strings.TrimSpace(v)
		if k == "Host" {
			r.Host = v
			continue
		}
		r.Header[k] = append(r.Header[k], v)
		lastKey = k
	}
	return r, []byte(body)
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func isAPIErr(err error) bool {
	_, ok := apierr.As(err)
	return ok
}
