package sigv4

import "time"

// Request is a parsed SigV4-signed request: who claims to have signed it and
// everything needed to check that claim once the secret is known.
//
// A Request is not safe for concurrent use: Verify reuses a scratch area in
// it so that verification does not allocate.
type Request struct {
	// AccessKeyID is the key id from the credential scope.
	AccessKeyID string
	// SessionToken is X-Amz-Security-Token (header, else query), if any.
	SessionToken string
	// Region and Service are the credential scope's region and service.
	Region, Service string
	// Time is the signing time (X-Amz-Date, or the Date header).
	Time time.Time
	// Presigned is true when the signature came in the query string.
	Presigned bool

	scopeDate string
	signature [32]byte
	// badSignature records a Signature that is not 64 hex digits; it is
	// reported by Verify, after the caller's key lookup, as AWS orders it.
	badSignature bool

	canonical []byte // canonical request
	signing   []byte // hmacBlock scratch bytes, then the string to sign

	// altCanonical and altSigning are the same request signed without its
	// query-string session token, for presigners that add the token after
	// signing (the suite's post-sts-header-after case).
	altCanonical, altSigning []byte
}
