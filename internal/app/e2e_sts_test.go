package app_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/store"
)

const userBootstrap = `
accounts:
  - id: "111111111111"
    alias: main
    root_access_keys:
      - {id: AKIAMAINROOT00000001, secret: "mainRootSecret0000000000000000000000000000"}
    users:
      - name: alice
        path: /engineering/
        tags: {team: blue}
        access_keys:
          - {id: AKIAALICE00000000001, secret: "aliceSecret00000000000000000000000000000"}
`

func withBootstrap(t testing.TB, content string) func(*app.Config) {
	return func(c *app.Config) {
		c.BootstrapFile = writeFile(t, filepath.Join(t.TempDir(), "bootstrap.yaml"), content)
	}
}

func TestGetCallerIdentityRoot(t *testing.T) {
	h := start(t, nil)
	out, err := h.stsClient(rootKeyID, rootSecret, "").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	// Root: "arn:aws:iam::ACCOUNT:root" and UserId is the account id
	// (STS API reference, GetCallerIdentity examples; IAM User Guide,
	// aws:userid table).
	if aws.ToString(out.Account) != app.DefaultAccountID || aws.ToString(out.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(out.UserId) != app.DefaultAccountID {
		t.Fatalf("identity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}
}

func TestGetCallerIdentityUser(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	out, err := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "111111111111" || aws.ToString(out.Arn) != "arn:aws:iam::111111111111:user/engineering/alice" {
		t.Fatalf("identity = %s %s", aws.ToString(out.Account), aws.ToString(out.Arn))
	}
	if id := aws.ToString(out.UserId); len(id) != 21 || !strings.HasPrefix(id, "AIDA") {
		t.Fatalf("UserId = %q, want AIDA… (21 characters)", id)
	}
	// The bootstrap's root key of the same account answers as root.
	out, err = h.stsClient("AKIAMAINROOT00000001", "mainRootSecret0000000000000000000000000000", "").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Arn) != "arn:aws:iam::111111111111:root" {
		t.Fatalf("root arn = %s", aws.ToString(out.Arn))
	}
}

// The identity-proof pattern of Vault's AWS auth and aws-iam-authenticator:
// a presigned GET of GetCallerIdentity that a third party replays.
func TestGetCallerIdentityPresignedURL(t *testing.T) {
	h := start(t, nil)
	presigner := sts.NewPresignClient(h.stsClient(rootKeyID, rootSecret, ""))
	req, err := presigner.PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	hreq, err := http.NewRequest(req.Method, req.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range req.SignedHeader {
		if !strings.EqualFold(k, "host") {
			hreq.Header[k] = v
		}
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned GET = %d: %s", resp.StatusCode, body)
	}
	var doc struct {
		XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
		Arn     string   `xml:"GetCallerIdentityResult>Arn"`
		Req     string   `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if doc.Arn != "arn:aws:iam::000000000000:root" || doc.Req == "" || doc.Req != resp.Header.Get("x-amzn-RequestId") {
		t.Fatalf("presigned answer: %s (header id %q)", body, resp.Header.Get("x-amzn-RequestId"))
	}

	// Tampering with the signed query is refused.
	tampered := strings.Replace(req.URL, "Action=GetCallerIdentity", "Action=GetAccessKeyInfo", 1)
	resp, err = http.Get(tampered)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered presigned URL = %d, want 403", resp.StatusCode)
	}
}

func TestAuthenticationRefusals(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	ctx := context.Background()
	call := func(keyID, secret, token string) error {
		_, err := h.stsClient(keyID, secret, token).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}
	// Messages as AWS sends them (STS/IAM API reference, Common Errors;
	// recorded responses of the AWS SDKs' integration tests).
	apiError(t, call("AKIAALICE00000000001", "wrong-secret-wrong-secret-wrong-secret00", ""), "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided.", 403)
	apiError(t, call("AKIANOSUCHKEY0000001", "whatever-whatever-whatever-whatever00000", ""), "InvalidClientTokenId",
		"The security token included in the request is invalid.", 403)
	apiError(t, call("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "not-a-session-token"), "InvalidClientTokenId",
		"The security token included in the request is invalid.", 403)
}

func TestUnsignedRequestIsRefused(t *testing.T) {
	h := start(t, nil)
	resp, err := http.Post(h.srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("unsigned = %d %s", resp.StatusCode, body)
	}
}

func TestClockSkewIsRefused(t *testing.T) {
	h := start(t, nil)
	client := h.stsClient(rootKeyID, rootSecret, "")
	// AWS refuses requests signed more than 15 minutes away from its clock
	// (SigV4 docs, "Elements of an AWS API request signature": the request
	// must reach AWS within five minutes... and STS answers "Signature
	// expired" past the 15-minute window).
	h.clock.Add(20 * time.Minute)
	_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	apiError(t, err, "SignatureDoesNotMatch", "Signature expired:", 403)
	h.clock.Add(-40 * time.Minute)
	_, err = client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	apiError(t, err, "SignatureDoesNotMatch", "Signature not yet current:", 403)
}

func TestRestartKeepsEverything(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	ctx := context.Background()
	first, err := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	h.restart()
	second, err := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(first.UserId) != aws.ToString(second.UserId) {
		t.Fatalf("user id changed across restart: %s → %s", aws.ToString(first.UserId), aws.ToString(second.UserId))
	}
	if _, err := h.stsClient(rootKeyID, rootSecret, "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("root key lost across restart: %v", err)
	}
}

func TestFirstStartGeneratesRootKey(t *testing.T) {
	dir := t.TempDir()
	cfg := app.Config{DataDir: dir}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	k := a.Created
	if k == nil || k.AccountID != app.DefaultAccountID || len(k.AccessKeyID) != 20 || !strings.HasPrefix(k.AccessKeyID, "AKIA") || len(k.SecretAccessKey) != 40 {
		t.Fatalf("created = %+v", k)
	}
	a.Close()
	// The second start creates nothing and prints nothing.
	a, err = app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Created != nil {
		t.Fatalf("second start created %+v", a.Created)
	}
}

func TestMalformedBootstrapStopsStartAndChangesNothing(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	h.close()
	bad := strings.Replace(userBootstrap, "name: alice", "name: \"al ice\"", 1) + `
  - id: "222222222222"
`
	h.cfg.BootstrapFile = writeFile(t, filepath.Join(t.TempDir(), "bad.yaml"), bad)
	_, err := app.Open(context.Background(), h.cfg)
	if err == nil {
		t.Fatal("malformed bootstrap accepted")
	}
	msg := err.Error()
	if !strings.Contains(msg, "bad.yaml:") || !strings.Contains(msg, "name") {
		t.Fatalf("error does not name file, line and field: %v", err)
	}
	// Nothing changed: alice still works, account 222222222222 does not exist.
	h.cfg.BootstrapFile = ""
	h.open()
	if _, err := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.app.Store.GetAccount(context.Background(), "222222222222"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("half-applied bootstrap: account 222222222222: %v", err)
	}
}

// A data directory whose master key went missing must not get a new one:
// its secrets could never be opened again.
func TestMissingMasterKeyIsRefused(t *testing.T) {
	h := start(t, nil)
	h.close()
	keyFile := filepath.Join(h.cfg.DataDir, "master.key")
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	_, err := app.Open(context.Background(), h.cfg)
	if err == nil || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatalf("a new master key was written: %v", err)
	}
}

// The operator-supplied root key is marked so the command line does not
// echo the secret back.
func TestSuppliedRootKey(t *testing.T) {
	h := start(t, nil)
	if h.app.Created == nil || !h.app.Created.Supplied || h.app.Created.AccessKeyID != rootKeyID {
		t.Fatalf("created = %+v", h.app.Created)
	}
	// A different secret for the same key id on a later start is refused.
	h.close()
	h.cfg.RootSecretAccessKey = "another-secret-another-secret-another-se"
	if _, err := app.Open(context.Background(), h.cfg); err == nil || !strings.Contains(err.Error(), "root access key "+rootKeyID+" already exists with another owner or secret") {
		t.Fatalf("changed root secret: %v", err)
	}
}
