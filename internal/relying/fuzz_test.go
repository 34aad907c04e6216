package relying

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
)

// FuzzDecodeAuthorize feeds arbitrary bodies to the authorize call's
// decoding and validation: they must be accepted or refused with a 400
// InvalidRequest, never panic, and an accepted signed request must turn
// into an *http.Request.
func FuzzDecodeAuthorize(f *testing.F) {
	for _, s := range []string{
		`{"method":"GET","url":"/p?q=1","headers":{"Host":["h"],"Authorization":["AWS4-HMAC-SHA256 x"]},"body":"aGk=","action":"s3:GetObject","resource":"*"}`,
		`{"principal_arn":"arn:aws:iam::111111111111:user/a","requests":[{"action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":["1.2.3.4"]}}]}`,
		`{"method":"PUT","url":"/","headers":{"Host":["h"]},"body_sha256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}`,
		`{"requests":[]}`, `[]`, `{`, `null`, `{"headers":{"":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in AuthorizeRequest
		err := decodeJSON(data, &in)
		if err == nil {
			_, _, err = in.checks()
		}
		if err == nil && in.SignedRequest.given() {
			var p payload
			if p, err = in.SignedRequest.validate(); err == nil {
				if r := in.httpRequest(p); r.URL == nil {
					t.Fatal("validated request without a URL")
				}
			}
		}
		if err != nil {
			if e, ok := apierr.As(err); !ok || e.Code != CodeInvalidRequest || e.HTTPStatus != 400 {
				t.Fatalf("refusal %v is not a 400 InvalidRequest", err)
			}
		}
	})
}

// FuzzCheckPath feeds arbitrary request targets and X-Forwarded-For values
// to the ext_authz check's parsing: no panic, and an accepted path yields
// an api id and stage that cannot break out of the execute-api ARN.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"/ext-authz/api/prod/pets/1?x=y", "/ext-authz/a/b", "/ext-authz//", "/ext-authz/a:b/c/d", "/other", "ext-authz/a/b/c"} {
		f.Add(s, "192.0.2.1, 10.0.0.1")
	}
	f.Fuzz(func(t *testing.T, target, xff string) {
		r := &http.Request{RequestURI: target, URL: &url.URL{Path: target}, Header: http.Header{"X-Forwarded-For": {xff}}, RemoteAddr: "127.0.0.1:1"}
		_ = forwardedFor(r)
		api, stage, path, ok := splitCheckPath(r)
		if !ok {
			return
		}
		if strings.ContainsAny(api+stage, ":/*?") || api == "" || stage == "" || !strings.HasPrefix(path, "/") {
			t.Fatalf("accepted %q as api %q stage %q path %q", target, api, stage, path)
		}
	})
}
