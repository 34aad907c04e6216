package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// discardWriter is a reusable ResponseWriter, so the benchmark measures the
// server and not the recorder.
type discardWriter struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { w.body.Reset(); return w.body.Write(b) }
func (w *discardWriter) WriteHeader(s int)           { w.status = s }

// BenchmarkGetCallerIdentity measures the server side end to end: a request
// signed by the SDK's signer goes through signature verification (root key
// from the cache), routing, decoding and the XML response.
func BenchmarkGetCallerIdentity(b *testing.B) { benchGetCallerIdentity(b, false) }

// BenchmarkGetCallerIdentitySession is the same with temporary credentials:
// the session token is opened and checked with no store access.
func BenchmarkGetCallerIdentitySession(b *testing.B) { benchGetCallerIdentity(b, true) }

func benchGetCallerIdentity(b *testing.B, temporary bool) {
	h := start(b, nil)
	keyID, secret, token := rootKeyID, rootSecret, ""
	if temporary {
		keyID, secret, token = h.mint(time.Hour)
	}
	benchSigned(b, h, keyID, secret, token, "Action=GetCallerIdentity&Version=2011-06-15")
}

// BenchmarkAssumeRole measures the hot path end to end: verify alice's
// signature, evaluate her identity policy and the role's trust policy
// (from the cache, no database), mint and seal the session, write XML.
func BenchmarkAssumeRole(b *testing.B) {
	h := start(b, withBootstrap(b, assumeBootstrap))
	benchSigned(b, h, "AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fdemo&RoleSessionName=bench")
}

// BenchmarkAssumeRoleWithTags adds session tags (sts:TagSession, the
// aws:RequestTag condition and PackedPolicySize).
func BenchmarkAssumeRoleWithTags(b *testing.B) {
	h := start(b, withBootstrap(b, assumeBootstrap))
	benchSigned(b, h, "AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Ftagged&RoleSessionName=bench"+
			"&Tags.member.1.Key=team&Tags.member.1.Value=blue&TransitiveTagKeys.member.1=team")
}

// benchSigned signs form once and serves it b.N times.
func benchSigned(b *testing.B, h *harness, keyID, secret, token, form string) {
	body := []byte(form)
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:7788/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	serveRepeatedly(b, h.app.Handler, req, body)
}

// BenchmarkGetCallerIdentitySDK is the whole round trip a user sees: the
// real SDK client over loopback HTTP, signing included.
func BenchmarkGetCallerIdentitySDK(b *testing.B) {
	h := start(b, nil)
	client := h.stsClient(rootKeyID, rootSecret, "")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
