package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/store"
)

// An access key made inactive stops authenticating at once: the write goes
// through the cache, which drops what it held.
func TestInactiveKeyIsRefusedAtOnce(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	ctx := context.Background()
	client := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "")
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	setStatus := func(st store.AccessKeyStatus) {
		err := h.app.Store.Update(ctx, func(tx store.Tx) error {
			k, err := tx.GetAccessKey(ctx, "AKIAALICE00000000001")
			if err != nil {
				return err
			}
			k.Status = st
			return tx.UpdateAccessKey(ctx, k)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setStatus(store.AccessKeyInactive)
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
	setStatus(store.AccessKeyActive)
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
}

// presign builds a presigned GetCallerIdentity URL with the given
// X-Amz-Expires, signed now with the root key.
func (h *harness) presign(expires int) string {
	h.t.Helper()
	q := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}, "X-Amz-Expires": {strconv.Itoa(expires)}}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/?"+q.Encode(), nil)
	u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret}, req,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sts", "us-east-1", time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Real STS honours a presigned URL for the 15-minute window after
// X-Amz-Date whatever X-Amz-Expires says: `aws eks get-token` presigns with
// X-Amz-Expires=60 and the token is used for up to 14 minutes
// (kubernetes-sigs/aws-iam-authenticator#258; aws/aws-sdk-go#2167).
func TestPresignedURLLifetime(t *testing.T) {
	h := start(t, nil)
	u := h.presign(60)
	h.clock.Add(5 * time.Minute)
	if status, body := get(t, u); status != 200 {
		t.Fatalf("presigned URL 5 minutes later: %d %s", status, body)
	}
	h.clock.Add(11 * time.Minute)
	status, body := get(t, u)
	if status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") || !strings.Contains(body, "Signature expired") {
		t.Fatalf("presigned URL 16 minutes later: %d %s", status, body)
	}
}

// A malformed Authorization header is IncompleteSignature (400).
func TestIncompleteSignature(t *testing.T) {
	h := start(t, nil)
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+rootKeyID+"/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>IncompleteSignature</Code>") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}

// The same endpoint serves IAM: a request scoped to "iam" is routed there and
// answered in IAM's namespace; refusals come from the same verifier.
func TestIAMRouting(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	client := func(secret string) *iam.Client {
		return iam.New(iam.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(h.srv.URL),
			Credentials:  credentials.NewStaticCredentialsProvider(rootKeyID, secret, ""),
			Retryer:      transportRetryer(),
			HTTPClient:   testHTTPClient(),
		})
	}
	// Signed for service iam, the request reaches IAM: the root may list
	// the (empty) users of its account.
	out, err := client(rootSecret).ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Users) != 0 || out.IsTruncated {
		t.Fatalf("ListUsers = %+v", out)
	}
	_, err = client("wrong-secret-wrong-secret-wrong-secret00").ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "SignatureDoesNotMatch", "The request signature we calculated does not match", 403)
}
