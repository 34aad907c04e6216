package sigv4

import "crypto/sha256"

// Streaming payload hashes: the x-amz-content-sha256 values of a request
// whose body is sent in aws-chunked encoding. See
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
const (
	// StreamingSignedPayload announces chunks each signed in a chain from
	// the request's signature.
	StreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	// StreamingSignedPayloadTrailer is StreamingSignedPayload followed by
	// signed trailing headers.
	StreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	// StreamingUnsignedPayloadTrailer announces unsigned chunks followed by
	// trailing headers (a checksum), what the current SDKs send by default.
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// Seed is what a streaming-payload decoder needs to verify chunk signatures
// chained from a verified request: the derived signing key, the request's
// signature (the seed of the chain), and the timestamp and credential scope
// lines of the strings to sign.
type Seed struct {
	// Key is the derived SigV4 signing key for the request's scope.
	Key [sha256.Size]byte
	// Signature is the request's own signature, which the first chunk's
	// signature chains from.
	Signature [sha256.Size]byte
	// Time is the request's X-Amz-Date in ISO 8601 basic format.
	Time string
	// Scope is date/region/service/aws4_request.
	Scope string
}

// StreamSeed verifies the request as Verify does and, when the signature
// matches, returns the Seed for verifying its aws-chunked body. The key
// stays with the caller; nothing here logs it.
func (r *Request) StreamSeed(secretAccessKey string, cache *KeyCache) (Seed, error) {
	if err := r.Verify(secretAccessKey, cache); err != nil {
		return Seed{}, err
	}
	return Seed{
		Key:       cache.signingKey(r.AccessKeyID, r.scopeDate, r.Region, r.Service, secretAccessKey),
		Signature: r.signature,
		Time:      r.Time.UTC().Format(amzDateLayout),
		Scope:     r.scopeDate + "/" + r.Region + "/" + r.Service + "/" + terminator,
	}, nil
}
