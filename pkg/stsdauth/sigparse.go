package stsdauth

import (
	"net/http"
	"strings"
)

// sigAlgorithm is the only algorithm the middleware reads scopes of; stsd
// decides what it accepts, the middleware only needs the pieces below.
const sigAlgorithm = "AWS4-HMAC-SHA256"

// signedParts are the pieces of a request's SigV4 signature the middleware
// reads before asking stsd: the scope (for the default resource and the
// per-key memo) and what the cache key must cover. They are not trusted
// for any decision: stsd verifies the whole signature.
type signedParts struct {
	// sig is what identifies this signature in the cache key: the whole
	// Authorization header (signature, scope and signed-header list), or
	// for a presigned URL the X-Amz-Signature value (the rest is in the URL).
	sig string
	// signedHeaders is the ';'-separated list of signed header names.
	signedHeaders                string
	accessKeyID, region, service string
}

// parseAuthorization reads an Authorization header of the form
// "AWS4-HMAC-SHA256 Credential=AKID/20260101/region/service/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=hex". ok is false when it is
// not a SigV4 header with all three parts.
func parseAuthorization(h string) (credential, signedHeaders, signature string, ok bool) {
	rest, found := strings.CutPrefix(h, sigAlgorithm+" ")
	if !found {
		return "", "", "", false
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", "", "", false
		}
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	ok = credential != "" && signedHeaders != "" && signature != ""
	return credential, signedHeaders, signature, ok
}

// parseScope splits "AKID/date/region/service/aws4_request".
func parseScope(credential string) (accessKeyID, region, service string, ok bool) {
	accessKeyID, rest, ok1 := strings.Cut(credential, "/")
	_, rest, ok2 := strings.Cut(rest, "/") // date
	region, rest, ok3 := strings.Cut(rest, "/")
	service, term, ok4 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || !ok3 || !ok4 || term != "aws4_request" || accessKeyID == "" || region == "" || service == "" {
		return "", "", "", false
	}
	return accessKeyID, region, service, true
}

// readSignature finds r's SigV4 signature in its Authorization header or,
// for a presigned URL, its query. ok is false for an unsigned or
// malformed request, which is still sent to stsd (so the refusal is
// stsd's) but never cached.
func readSignature(r *http.Request) (p signedParts, ok bool) {
	var credential string
	if h := r.Header.Get("Authorization"); h != "" {
		var sig string
		credential, p.signedHeaders, sig, ok = parseAuthorization(h)
		if !ok || sig == "" {
			return signedParts{}, false
		}
		p.sig = h
	} else {
		if !strings.Contains(r.URL.RawQuery, "X-Amz-Signature=") {
			return signedParts{}, false
		}
		q := r.URL.Query()
		if q.Get("X-Amz-Algorithm") != sigAlgorithm {
			return signedParts{}, false
		}
		credential, p.signedHeaders, p.sig = q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature")
		if p.sig == "" || p.signedHeaders == "" {
			return signedParts{}, false
		}
	}
	p.accessKeyID, p.region, p.service, ok = parseScope(credential)
	if !ok {
		return signedParts{}, false
	}
	return p, true
}
