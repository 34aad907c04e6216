package sigv4

import (
	"testing"
	"time"
)

// BenchmarkVerify measures the hot path: a header-signed STS POST, parsed
// and verified with a warm key cache.
func BenchmarkVerify(b *testing.B) {
	r, body := toServer(b, signedPost(b, "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fdemo&RoleSessionName=bench&Version=2011-06-15", sdkToken, sdkTime))
	cache := NewKeyCache(1024)
	now := sdkTime.Add(time.Second)
	req, err := Parse(r, body, now, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := req.Verify(sdkSecret, cache); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req, err := Parse(r, body, now, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := req.Verify(sdkSecret, cache); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPresigned measures the presigned GetCallerIdentity path.
func BenchmarkVerifyPresigned(b *testing.B) {
	r, body := toServer(b, presignedGet(b, sdkToken, sdkTime, true))
	cache := NewKeyCache(1024)
	now := sdkTime.Add(time.Second)
	b.ReportAllocs()
	for b.Loop() {
		req, err := Parse(r, body, now, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := req.Verify(sdkSecret, cache); err != nil {
			b.Fatal(err)
		}
	}
}
