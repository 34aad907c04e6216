package outbound

import (
	"testing"
	"time"
)

func benchClaims() Claims {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	return NewClaims(ClaimsInput{
		Issuer:       testURL,
		Subject:      "arn:aws:iam::000000000000:role/demo",
		Audience:     []string{"https://api.example.com"},
		IssuedAt:     now,
		Duration:     5 * time.Minute,
		ID:           "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
		Account:      "000000000000",
		SourceRegion: "us-east-1",
		PrincipalTags: map[string]string{
			"team": "blue",
		},
	})
}

func benchSign(b *testing.B, alg string) {
	iss := newTestIssuer(b, testURL, 0)
	c := benchClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iss.Sign(alg, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignRS256(b *testing.B) { benchSign(b, RS256) }

func BenchmarkSignES384(b *testing.B) { benchSign(b, ES384) }

func BenchmarkIssuersGetHit(b *testing.B) {
	const id = "7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"
	k := keys(b, 0)
	c := NewIssuers()
	if _, err := c.Get(testURL, id, k.rsa, k.ec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Get(testURL, id, k.rsa, k.ec); err != nil {
			b.Fatal(err)
		}
	}
}
