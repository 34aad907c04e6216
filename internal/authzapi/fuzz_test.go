package authzapi

import (
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
