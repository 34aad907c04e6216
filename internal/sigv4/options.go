package sigv4

import "time"

// Defaults that mirror AWS.
const (
	// DefaultMaxSkew is AWS's clock-skew window for signed requests.
	DefaultMaxSkew = 15 * time.Minute
	// DefaultMaxPresignExpiry is the largest X-Amz-Expires AWS accepts
	// (7 days, 604800 s), the lifetime of a SigV4 signing key.
	DefaultMaxPresignExpiry = 7 * 24 * time.Hour
)

// Limits on the parts of a request Parse reads. They are far above what any
// SDK sends and exist so that a hostile request costs bounded work.
const (
	// MaxAuthorizationBytes bounds the Authorization header.
	MaxAuthorizationBytes = 8 << 10
	// MaxSignedHeaders bounds the number of names in SignedHeaders.
	MaxSignedHeaders = 64
	// MaxSignedHeaderBytes bounds the total size of the signed headers'
	// values (a session token is the largest of them).
	MaxSignedHeaderBytes = 128 << 10
	// MaxQueryBytes bounds the raw query string.
	MaxQueryBytes = 128 << 10
	// MaxQueryParams bounds the number of query parameters.
	MaxQueryParams = 512
	// MaxPathBytes bounds the request path.
	MaxPathBytes = 8 << 10
)

// Options tune Parse. The zero value gives AWS's behaviour.
type Options struct {
	// MaxSkew is how far X-Amz-Date may be from now, either way
	// (default DefaultMaxSkew).
	MaxSkew time.Duration
	// MaxPresignExpiry is the largest X-Amz-Expires accepted
	// (default DefaultMaxPresignExpiry).
	MaxPresignExpiry time.Duration
	// IgnorePresignExpires makes a presigned request valid for MaxSkew after
	// X-Amz-Date whatever its X-Amz-Expires says, which is what real STS does
	// (it documents X-Amz-Expires for S3 only): `aws eks get-token` signs
	// with X-Amz-Expires=60 and kubectl reuses the token for 14 minutes.
	// When false, a presigned request expires X-Amz-Expires seconds after
	// X-Amz-Date, as S3 enforces it.
	IgnorePresignExpires bool
	// Regions, when not empty, lists the regions a credential scope may name.
	Regions []string
	// Services, when not empty, lists the services a credential scope may
	// name (e.g. "sts", "iam").
	Services []string
}

func (o Options) skew() time.Duration {
	if o.MaxSkew > 0 {
		return o.MaxSkew
	}
	return DefaultMaxSkew
}

func (o Options) maxExpiry() time.Duration {
	if o.MaxPresignExpiry > 0 {
		return o.MaxPresignExpiry
	}
	return DefaultMaxPresignExpiry
}
