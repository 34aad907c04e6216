package app_test

import (
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
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
)

// signedPost sends a form body signed by the SDK's SigV4 signer for the given
// service and region, and returns the status and body.
func (h *harness) signedPost(service, region, form string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/", strings.NewReader(form))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	creds := aws.Credentials{AccessKeyID: rootKeyID, SecretAccessKey: rootSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		h.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("x-amzn-RequestId") == "" {
		h.t.Fatalf("no x-amzn-RequestId header: %s", body)
	}
	return resp.StatusCode, string(body)
}

func TestGetAccessKeyInfo(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	client := h.stsClient(rootKeyID, rootSecret, "")
	ctx := context.Background()
	cases := []struct{ key, account string }{
		// A key in the store answers from the store, even when (supplied by
		// an operator) it does not encode its account.
		{"AKIAALICE00000000001", "111111111111"},
		{rootKeyID, app.DefaultAccountID},
		// Any well-formed key id is decoded, whatever its state (STS API
		// reference, GetAccessKeyInfo: "This operation does not indicate the
		// state of the access key"). Vector from public analyses of the key
		// id layout.
		{"ASIAY34FZKBOKMUTVV7A", "609629065308"},
	}
	for _, c := range cases {
		out, err := client.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(c.key)})
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if aws.ToString(out.Account) != c.account {
			t.Fatalf("%s: account %s, want %s", c.key, aws.ToString(out.Account), c.account)
		}
	}
	// The model bounds the key id to 16..128 word characters.
	_, err := client.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIA-BAD")})
	apiError(t, err, "ValidationError", "2 validation errors detected: ", 400)
	_, err = client.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIASHORT")})
	apiError(t, err, "ValidationError", "1 validation error detected: Value 'AKIASHORT' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16", 400)
}

func TestProtocolRefusals(t *testing.T) {
	h := start(t, nil)
	cases := []struct {
		name, service, form string
		status              int
		want                string
	}{
		{"unknown action", "sts", "Action=Nope&Version=2011-06-15", 400, "<Code>InvalidAction</Code>"},
		{"missing action", "sts", "Version=2011-06-15", 400, "<Code>MissingAction</Code>"},
		{"required member missing", "sts", "Action=GetAccessKeyInfo&Version=2011-06-15", 400,
			"<Message>1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null</Message>"},
		{"scope of another service", "s3", "Action=GetCallerIdentity&Version=2011-06-15", 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"IAM error namespace", "iam", "Action=Nope&Version=2010-05-08", 400, `xmlns="https://iam.amazonaws.com/doc/2010-05-08/"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := h.signedPost(c.service, "us-east-1", c.form)
			if status != c.status || !strings.Contains(body, c.want) {
				t.Fatalf("status %d body %s; want %d with %s", status, body, c.status, c.want)
			}
			if !strings.Contains(body, "<ErrorResponse") || !strings.Contains(body, "<Type>Sender</Type>") {
				t.Fatalf("not an AWS error response: %s", body)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	h := start(t, nil)
	big := bytes.Repeat([]byte("a"), 1<<20+1)
	resp, err := http.Post(h.srv.URL+"/", "application/x-www-form-urlencoded", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestDisabledRegion(t *testing.T) {
	h := start(t, func(c *app.Config) { c.DisabledRegions = []string{"eu-south-1"} })
	ctx := context.Background()
	client := h.stsClient(rootKeyID, rootSecret, "", func(o *sts.Options) { o.Region = "eu-south-1" })
	// Operations that issue credentials declare RegionDisabledException in
	// the STS model; AWS's message as reported by SDK users ("STS is not
	// activated in this region for account:…").
	_, err := client.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	apiError(t, err, "RegionDisabledException", "STS is not activated in this region for account:000000000000. Your account administrator can activate STS in this region using the IAM Console.", 403)
	// GetCallerIdentity declares no such error and keeps answering.
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
}
