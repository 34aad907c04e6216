package sigv4

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
)

// TestParseHashedRefusals covers what ParseHashed adds to Parse: the hash
// it is given must be a hash, and an UNSIGNED-PAYLOAD header is honoured
// only when the caller allows it by passing UnsignedPayload.
func TestParseHashedRefusals(t *testing.T) {
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	signed := func(contentSHA string) *http.Request {
		r := &http.Request{Method: "GET", Host: "example.amazonaws.com", URL: &url.URL{Path: "/"}, Header: http.Header{}}
		r.Header.Set("X-Amz-Date", "20150830T123600Z")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+suiteAKID+"/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="+
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
		if contentSHA != "" {
			r.Header.Set("X-Amz-Content-Sha256", contentSHA)
		}
		return r
	}
	for _, tc := range []struct {
		name, header, hash, code string
	}{
		{"hash not hex", "", "zz", CodeInvalidArgument},
		{"hash upper case", "", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", CodeInvalidArgument},
		{"hash empty", "", "", CodeInvalidArgument},
		{"unsigned header, hash given", UnsignedPayload, emptyHash, CodeInvalidArgument},
		{"header differs from hash", emptyHash[:63] + "0", emptyHash, CodeContentSHA256Mismatch},
		{"unsigned allowed but header is a hash", emptyHash, UnsignedPayload, CodeContentSHA256Mismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseHashed(signed(tc.header), tc.hash, suiteTime, Options{})
			if !isCode(err, tc.code) {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	// get-vanilla of the suite, verified from its hash alone.
	req, err := ParseHashed(signed(""), emptyHash, suiteTime, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := req.Verify(suiteSecret, nil); err != nil {
		t.Fatalf("get-vanilla by hash: %v", err)
	}
	// UNSIGNED-PAYLOAD allowed: the canonical request carries the literal,
	// so get-vanilla's signature (over the empty body's hash) no longer
	// matches.
	req, err = ParseHashed(signed(""), UnsignedPayload, suiteTime, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(req.canonical[len(req.canonical)-len(UnsignedPayload):]); got != UnsignedPayload {
		t.Fatalf("canonical request ends %q", got)
	}
	if err := req.Verify(suiteSecret, nil); !isCode(err, apierr.SignatureDoesNotMatch) {
		t.Fatalf("got %v, want SignatureDoesNotMatch", err)
	}
}
