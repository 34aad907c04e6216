package sigv4

import (
	"net/http"
	"net/url"
	"testing"
)

// FuzzParse feeds arbitrary Authorization headers, query strings, paths and
// dates to Parse and Verify: they must never panic, a refusal must be
// ErrUnsigned or an *apierr.Error, and Signed must agree with Parse.
func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "", "/", "20150830T123600Z")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=7a1f416954786484c9824d93c1f26ef64acb9b1b6c9154d08c9f07d0e394abf6", "/example space/", "")
	f.Add("AWS4- Signature=b, Credential=a", "X-Amz-Algorithm", "//a/../b/./", "201")
	f.Add("AWS4-HMAC-SHA256 Credential=////, SignedHeaders=;;;HOST, Signature=zz", "a=%zz&b=%4&c=+", "/%2e%2e/", "20150830T123600Z")
	f.Add("AWS4-X Credential", "X-Amz-Signature=1", "", "99999999T999999Z")
	f.Fuzz(func(t *testing.T, authz, rawQuery, path, date string) {
		r := &http.Request{Method: "POST", Host: "example.amazonaws.com", Header: http.Header{}, URL: &url.URL{Path: path, RawQuery: rawQuery}, RequestURI: path}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if date != "" {
			r.Header.Set("X-Amz-Date", date)
		}
		r.Header.Set("My-Header", authz)
		req, err := Parse(r, []byte(rawQuery), suiteTime, Options{})
		// Signed, which the server asks before authenticating, agrees
		// with Parse: unsigned exactly when Parse says so, or when Parse
		// refuses the query string itself.
		if signed := Signed(r); signed && err == ErrUnsigned {
			t.Fatal("Signed, but Parse says unsigned")
		} else if !signed && err != ErrUnsigned {
			if _, qerr := parseQuery(rawQuery); qerr == nil {
				t.Fatalf("not Signed, but Parse says %v", err)
			}
		}
		if err != nil {
			if err != ErrUnsigned && !isAPIErr(err) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if err := req.Verify(suiteSecret, NewKeyCache(2)); err != nil && !isAPIErr(err) {
			t.Fatalf("Verify error type %T", err)
		}
	})
}
