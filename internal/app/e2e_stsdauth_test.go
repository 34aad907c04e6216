package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/pkg/stsdauth"
)

// stsdauthBootstrap is the world of the end-to-end test: a gateway user the
// middleware signs as, and a role alice assumes that may GET /hello of
// API api1 stage prod, is explicitly denied DELETE, and is not allowed
// anything else.
const stsdauthBootstrap = `
accounts:
  - id: "123456789012"
    users:
      - name: gateway
        access_keys: [{id: AKIAGATEWAYEXAMPLE01, secret: "gatewaySecret000000000000000000000000000"}]
        inline_policies:
          relying-party:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["stsd:Authorize", "stsd:VerifyRequest"], Resource: "*"}
      - name: alice
        access_keys: [{id: AKIAALICEEXAMPLE0001, secret: "aliceSecret00000000000000000000000000000"}]
        inline_policies:
          assume:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/caller"}
              - {Effect: Allow, Action: "sts:DecodeAuthorizationMessage", Resource: "*"}
    roles:
      - name: caller
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:user/alice"}, Action: "sts:AssumeRole"}
        inline_policies:
          invoke:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/hello"}
              - {Effect: Deny, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:*:api1/prod/DELETE/*"}
`

// startForStsdauth starts a real stsd with the middleware test's bootstrap.
func startForStsdauth(t *testing.T) (url string) {
	t.Helper()
	dir := t.TempDir()
	boot := filepath.Join(dir, "bootstrap.yaml")
	if err := os.WriteFile(boot, []byte(stsdauthBootstrap), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	a, err := app.Open(context.Background(), app.Config{
		DataDir:       filepath.Join(dir, "data"),
		BootstrapFile: boot,
		PublicURL:     "http://" + srv.Listener.Addr().String(),
	})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() { srv.Close(); _ = a.Close() })
	return srv.URL
}

// refusal is the protected service's JSON answer to a refused request.
type refusal struct{ Code, Message, EncodedMessage string }

// callThroughStsdauth signs a request for execute-api with creds and sends
// it.
func callThroughStsdauth(t *testing.T, creds aws.Credentials, method, url string, body []byte) (int, []byte) {
	t.Helper()
	return sendSigned(t, creds, method, url, body, body, false)
}

// callWithContentHash POSTs sent to url, signed for execute-api with an
// x-amz-content-sha256 header holding the hash of signed.
func callWithContentHash(t *testing.T, creds aws.Credentials, url string, signed, sent []byte) (int, []byte) {
	t.Helper()
	return sendSigned(t, creds, "POST", url, signed, sent, true)
}

// sendSigned sends sent to url, signed for execute-api over the hash of
// signed, which an x-amz-content-sha256 header carries when header is set.
func sendSigned(t *testing.T, creds aws.Credentials, method, url string, signed, sent []byte, header bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(signed)
	if header {
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

func TestStsdauthEndToEnd(t *testing.T) {
	endpoint := startForStsdauth(t)
	ctx := context.Background()

	// alice assumes the role through the real STS client.
	stsClient := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAALICEEXAMPLE0001", "aliceSecret00000000000000000000000000000", ""),
		Retryer:      aws.NopRetryer{},
	})
	out, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/caller"),
		RoleSessionName: aws.String("e2e"),
	})
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{
		AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken:    aws.ToString(out.Credentials.SessionToken),
	}

	client, err := stsdauth.NewClient(stsdauth.ClientConfig{
		Endpoint:    endpoint,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAGATEWAYEXAMPLE01", "gatewaySecret000000000000000000000000000", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := func(mode stsdauth.Mode) *httptest.Server {
		auth, err := stsdauth.New(stsdauth.Config{Client: client, Mode: mode, APIID: "api1", Stage: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, _ := stsdauth.PrincipalFrom(r.Context())
			if p.Session == nil {
				http.Error(w, "no session in the principal of temporary credentials", 500)
				return
			}
			fmt.Fprintf(w, "%s %s", p.ARN, p.Session.Expiration.Format(time.RFC3339))
		})))
		t.Cleanup(srv.Close)
		return srv
	}
	authorizing, verifying := svc(stsdauth.ModeAuthorize), svc(stsdauth.ModeVerify)
	wantARN := "arn:aws:sts::123456789012:assumed-role/caller/e2e"

	// Allowed, twice (the second from the cache).
	for range 2 {
		status, body := callThroughStsdauth(t, creds, "GET", authorizing.URL+"/hello", nil)
		if status != 200 || !strings.HasPrefix(string(body), wantARN+" ") {
			t.Fatalf("GET /hello: %d %s", status, body)
		}
	}

	refused := func(method, path, code string, status int, body []byte) refusal {
		t.Helper()
		got, raw := callThroughStsdauth(t, creds, method, authorizing.URL+path, body)
		var r refusal
		if err := json.Unmarshal(raw, &struct {
			Code           *string `json:"code"`
			Message        *string `json:"message"`
			EncodedMessage *string `json:"encoded_message"`
		}{&r.Code, &r.Message, &r.EncodedMessage}); err != nil || got != status || r.Code != code {
			t.Fatalf("%s %s: %d %s, want %d %s", method, path, got, raw, status, code)
		}
		return r
	}
	// Not allowed: an implicit deny.
	notesARN := "arn:aws:execute-api:us-east-1:123456789012:api1/prod/POST/notes"
	implicit := refused("POST", "/notes", "AccessDenied", 403, []byte(`{"note":"hi"}`))
	if implicit.Message != "User: "+wantARN+" is not authorized to perform: execute-api:Invoke on resource: "+notesARN {
		t.Fatalf("implicit deny %+v", implicit)
	}
	// Explicitly denied.
	explicit := refused("DELETE", "/notes/1", "AccessDenied", 403, nil)
	if !strings.HasSuffix(explicit.Message, " with an explicit deny") {
		t.Fatalf("explicit deny %+v", explicit)
	}

	// A bad signature gets stsd's code for it.
	bad := creds
	bad.SecretAccessKey = "not-the-secret"
	if status, body := callThroughStsdauth(t, bad, "GET", authorizing.URL+"/hello", nil); status != 403 || !strings.Contains(string(body), `"SignatureDoesNotMatch"`) {
		t.Fatalf("bad signature: %d %s", status, body)
	}

	// A client that signs x-amz-content-sha256 (as S3 clients and
	// curl --aws-sigv4 with the header do) has its body checked against
	// that hash as the handler reads it: stsd verifies the signature over
	// the hash, the middleware the body.
	reading := func() *httptest.Server {
		auth, err := stsdauth.New(stsdauth.Config{Client: client, Mode: stsdauth.ModeVerify, APIID: "api1", Stage: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "body: "+err.Error(), 400)
				return
			}
			fmt.Fprintf(w, "got %q", b)
		})))
		t.Cleanup(srv.Close)
		return srv
	}()
	if status, body := callWithContentHash(t, creds, reading.URL+"/notes", []byte("a note"), []byte("a note")); status != 200 || string(body) != `got "a note"` {
		t.Fatalf("POST with x-amz-content-sha256: %d %s", status, body)
	}
	if status, body := callWithContentHash(t, creds, reading.URL+"/notes", []byte("a note"), []byte("a fake")); status != 400 || !strings.HasPrefix(string(body), "body: ") {
		t.Fatalf("POST whose body is not the one signed: %d %s", status, body)
	}

	// Verify-only: any verified principal passes, whatever its policies.
	if status, body := callThroughStsdauth(t, creds, "POST", verifying.URL+"/notes", []byte("n")); status != 200 || !strings.HasPrefix(string(body), wantARN+" ") {
		t.Fatalf("verify-only POST /notes: %d %s", status, body)
	}

	// The denials' encoded messages decode, through the real STS client,
	// to the question that was denied.
	for _, c := range []struct {
		r        refusal
		resource string
		explicit bool
	}{
		{implicit, notesARN, false},
		{explicit, "arn:aws:execute-api:us-east-1:123456789012:api1/prod/DELETE/notes/1", true},
	} {
		out, err := stsClient.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(c.r.EncodedMessage)})
		if err != nil {
			t.Fatalf("decoding %q: %v", c.r.EncodedMessage, err)
		}
		var doc struct {
			Allowed      bool `json:"allowed"`
			ExplicitDeny bool `json:"explicitDeny"`
			Context      struct {
				Action   string `json:"action"`
				Resource string `json:"resource"`
			} `json:"context"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &doc); err != nil || doc.Allowed || doc.ExplicitDeny != c.explicit ||
			doc.Context.Action != "execute-api:Invoke" || doc.Context.Resource != c.resource {
			t.Fatalf("decoded %s (%v), want a deny of %s", aws.ToString(out.DecodedMessage), err, c.resource)
		}
	}
}
