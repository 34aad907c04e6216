package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	sdkAKID   = "AKIAIOSFODNN7EXAMPLE"
	sdkSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sdkToken  = "FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDExample+token/with=chars"
	stsBody   = "Action=GetCallerIdentity&Version=2011-06-15"
)

var sdkTime = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func hexSHA(b string) string {
	s := sha256.Sum256([]byte(b))
	return hex.EncodeToString(s[:])
}

// toServer sends a client request through the HTTP/1.1 wire format and reads
// it back as a Go server would receive it.
func toServer(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return r, body
}

// signedPost returns an STS form POST signed by the SDK's signer.
func signedPost(t testing.TB, body, token string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://sts.us-east-1.amazonaws.com/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hexSHA(body), "sts", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return req
}

// presignedGet returns the presigned GetCallerIdentity URL of
// `aws eks get-token` / aws-iam-authenticator, as a request to send.
func presignedGet(t testing.TB, token string, at time.Time, k8sID bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	if err != nil {
		t.Fatal(err)
	}
	if k8sID {
		req.Header.Set("x-k8s-aws-id", "my-cluster")
	}
	q := req.URL.Query()
	q.Set("X-Amz-Expires", "60")
	req.URL.RawQuery = q.Encode()
	creds := aws.Credentials{AccessKeyID: sdkAKID, SecretAccessKey: sdkSecret, SessionToken: token}
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, hexSHA(""), "sts", "us-west-2", at)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if !strings.EqualFold(k, "host") {
			out.Header[k] = v
		}
	}
	return out
}

func TestSDKSigned(t *testing.T) {
	cache := NewKeyCache(16)
	for _, tc := range []struct {
		name    string
		req     *http.Request
		token   string
		present bool
		region  string
	}{
		{"SignHTTP POST", signedPost(t, stsBody, "", sdkTime), "", false, "us-east-1"},
		{"SignHTTP POST with session token", signedPost(t, stsBody, sdkToken, sdkTime), sdkToken, false, "us-east-1"},
		{"SignHTTP POST empty body", signedPost(t, "", "", sdkTime), "", false, "us-east-1"},
		{"PresignHTTP GET host only", presignedGet(t, "", sdkTime, false), "", true, "us-west-2"},
		{"PresignHTTP GET x-k8s-aws-id", presignedGet(t, "", sdkTime, true), "", true, "us-west-2"},
		{"PresignHTTP GET with session token", presignedGet(t, sdkToken, sdkTime, true), sdkToken, true, "us-west-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, body := toServer(t, tc.req)
			req, err := Parse(r, body, sdkTime.Add(time.Minute), Options{Services: []string{"sts", "iam"}})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if req.AccessKeyID != sdkAKID || req.SessionToken != tc.token || req.Presigned != tc.present ||
				req.Region != tc.region || req.Service != "sts" || !req.Time.Equal(sdkTime) {
				t.Errorf("got %+v", req)
			}
			for i := 0; i < 2; i++ { // cold, then warm cache
				if err := req.Verify(sdkSecret, cache); err != nil {
					t.Fatalf("Verify #%d: %v\ncanonical:\n%s", i, err, req.CanonicalRequest())
				}
			}
			if err := req.Verify(sdkSecret[:len(sdkSecret)-1]+"X", cache); !isCode(err, "SignatureDoesNotMatch") {
				t.Errorf("wrong secret with warm cache: %v", err)
			}
			if err := req.Verify(sdkSecret, cache); err != nil {
				t.Errorf("right secret after a wrong one: %v", err)
			}
		})
	}
}
