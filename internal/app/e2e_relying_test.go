package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/mfa"
)

// Keys of the relying-party tests' bootstrap.
var rpKeys = map[string][2]string{
	"rp":      {"AKIARPRP000000000001", "rpSecret000000000000000000000000000000000"},
	"norp":    {"AKIANORP000000000001", "norpSecret0000000000000000000000000000000"},
	"alice":   {"AKIAALICE00000000001", "aliceSecret00000000000000000000000000000"},
	"bounded": {"AKIABOUNDED000000001", "boundedSecret000000000000000000000000000"},
	"root1":   {"AKIAROOT111000000001", "root1Secret00000000000000000000000000000"},
	"dave":    {"AKIADAVE000000000001", "daveSecret0000000000000000000000000000000"},
}

// relyingBootstrap: a relying party (rp) allowed stsd:VerifyRequest and
// stsd:Authorize, one (norp) allowed neither, the principals its
// questions are about, and a second account for cross-account questions.
// %[1]s is the test IdP's host and path.
const relyingBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys: [{id: AKIAROOT111000000001, secret: "root1Secret00000000000000000000000000000"}]
    oidc_providers:
      - url: http://%[1]s
        client_ids: [sts.amazonaws.com]
    policies:
      - name: Boundary
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
    users:
      - name: rp
        access_keys: [{id: AKIARPRP000000000001, secret: "rpSecret000000000000000000000000000000000"}]
        inline_policies:
          rp: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["stsd:VerifyRequest", "stsd:Authorize"], Resource: "*"}]}
      - name: norp
        access_keys: [{id: AKIANORP000000000001, secret: "norpSecret0000000000000000000000000000000"}]
      - name: alice
        path: /eng/
        access_keys: [{id: AKIAALICE00000000001, secret: "aliceSecret00000000000000000000000000000"}]
        mfa_devices: [{serial: "arn:aws:iam::111111111111:mfa/alice", seed: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP}]
        inline_policies:
          alice:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:GetFederationToken"], Resource: "*"}
              - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*"}
              - {Sid: NoDelete, Effect: Deny, Action: "s3:DeleteObject", Resource: "*"}
              - {Effect: Allow, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:*:111111111111:api1/prod/GET/*"}
      - name: bounded
        access_keys: [{id: AKIABOUNDED000000001, secret: "boundedSecret000000000000000000000000000"}]
        inline_policies:
          all-s3: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
    roles:
      - name: reader
        path: /apps/
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:user/eng/alice"}, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}
        inline_policies:
          rw: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::bucket/*"}]}
      - name: web
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Federated: "arn:aws:iam::111111111111:oidc-provider/%[1]s"}
              Action: sts:AssumeRoleWithWebIdentity
        inline_policies:
          read: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
  - id: "222222222222"
    users:
      - name: dave
        access_keys: [{id: AKIADAVE000000000001, secret: "daveSecret0000000000000000000000000000000"}]
        inline_policies:
          s3: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
`

// rpEnv is a running stsd with the relying-party bootstrap and a test IdP.
type rpEnv struct {
	t   *testing.T
	h   *harness
	idp *testIdP
}

func startRelying(t *testing.T, mutate ...func(*app.Config)) *rpEnv {
	t.Helper()
	idp := newTestIdP(t)
	h := start(t, func(c *app.Config) {
		withBootstrap(t, fmt.Sprintf(relyingBootstrap, idp.hostPath()))(c)
		for _, m := range mutate {
			m(c)
		}
	})
	// The bootstrap file has no boundaries: set bounded's through IAM.
	root := rpKeys["root1"]
	if _, err := h.iamClient(root[0], root[1], "").PutUserPermissionsBoundary(context.Background(), &iam.PutUserPermissionsBoundaryInput{
		UserName: aws.String("bounded"), PermissionsBoundary: aws.String("arn:aws:iam::111111111111:policy/Boundary"),
	}); err != nil {
		t.Fatal(err)
	}
	return &rpEnv{t: t, h: h, idp: idp}
}

// creds are credentials to sign with.
type creds struct{ id, secret, token string }

func (e *rpEnv) key(who string) creds {
	k := rpKeys[who]
	return creds{k[0], k[1], ""}
}

func stsCreds(c *ststypes.Credentials) creds {
	return creds{aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)}
}

// signedRequest signs a request to a relying party (service svc) the way
// a client of it would, with the real SDK signer, and returns it as the
// JSON fields the relying party forwards.
func (e *rpEnv) signedRequest(c creds, svc, method, target string, body []byte) map[string]any {
	e.t.Helper()
	r, err := http.NewRequest(method, "https://svc.example"+target, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token},
		r, hex.EncodeToString(sum[:]), svc, "eu-west-1", e.h.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	headers := map[string][]string{"Host": {"svc.example"}}
	for k, v := range r.Header {
		headers[k] = v
	}
	if len(body) > 0 {
		// net/http's server hands Content-Length over among the headers.
		headers["Content-Length"] = []string{fmt.Sprint(len(body))}
	}
	return map[string]any{"method": method, "url": target, "headers": headers, "body": base64.StdEncoding.EncodeToString(body)}
}

// call posts fields to path on stsd, signed by the relying party c for
// service stsd, and returns the status and decoded answer.
func (e *rpEnv) call(c creds, path string, fields map[string]any) (int, map[string]any) {
	e.t.Helper()
	body, err := json.Marshal(fields)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.post(c, path, body)
}

func (e *rpEnv) post(c creds, path string, body []byte) (int, map[string]any) {
	e.t.Helper()
	r, err := http.NewRequest(http.MethodPost, e.h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token},
		r, hex.EncodeToString(sum[:]), "stsd", "us-east-1", e.h.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	return doJSON(e.t, r)
}

func doJSON(t *testing.T, r *http.Request) (int, map[string]any) {
	t.Helper()
	status, header, b := send(t, r)
	out := map[string]any{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("answer %d is not JSON: %q", status, b)
		}
	}
	if status >= 400 && header.Get("Content-Type") != "application/json" {
		t.Fatalf("refusal %d with Content-Type %q", status, header.Get("Content-Type"))
	}
	return status, out
}

// wantRefusal checks a JSON refusal's status, code, about and message
// prefix.
func wantRefusal(t *testing.T, status int, out map[string]any, wantStatus int, code, about, msgPrefix string) {
	t.Helper()
	if status != wantStatus || out["code"] != code || out["about"] != nil && out["about"] != about || about != "" && out["about"] != about {
		t.Fatalf("got %d %v, want %d %s about %q", status, out, wantStatus, code, about)
	}
	if msg, _ := out["message"].(string); !strings.HasPrefix(msg, msgPrefix) {
		t.Fatalf("message = %q, want prefix %q", msg, msgPrefix)
	}
}

// path reads a value out of a decoded answer: path("principal", "arn").
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (e *rpEnv) sts(c creds) *sts.Client { return e.h.stsClient(c.id, c.secret, c.token) }

func TestRelyingVerifyLongTerm(t *testing.T) {
	e := startRelying(t)
	for _, tc := range []struct {
		who, arn, typ, userIDPrefix string
	}{
		{"root1", "arn:aws:iam::111111111111:root", "root", "111111111111"},
		{"alice", "arn:aws:iam::111111111111:user/eng/alice", "user", "AIDA"},
		{"dave", "arn:aws:iam::222222222222:user/dave", "user", "AIDA"},
	} {
		t.Run(tc.who, func(t *testing.T) {
			status, out := e.call(e.key("rp"), "/v1/verify", e.signedRequest(e.key(tc.who), "execute-api", "POST", "/pets?kind=cat", []byte(`{"name":"tom"}`)))
			if status != 200 {
				t.Fatalf("status %d: %v", status, out)
			}
			if path(out, "principal", "arn") != tc.arn || path(out, "principal", "type") != tc.typ ||
				!strings.HasPrefix(path(out, "principal", "user_id").(string), tc.userIDPrefix) ||
				path(out, "principal", "account") != strings.Split(tc.arn, ":")[4] ||
				out["access_key_id"] != rpKeys[tc.who][0] || out["service"] != "execute-api" || out["region"] != "eu-west-1" || out["session"] != nil {
				t.Fatalf("answer %v", out)
			}
		})
	}
}

func TestRelyingVerifySessions(t *testing.T) {
	e := startRelying(t)
	ctx := context.Background()
	seed, _ := base32.StdEncoding.DecodeString("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	role, err := e.sts(e.key("alice")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111111111111:role/apps/reader"), RoleSessionName: aws.String("s1"),
		Tags:              []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("env"), Value: aws.String("dev")}},
		TransitiveTagKeys: []string{"team"}, SourceIdentity: aws.String("alice-src"),
		SerialNumber: aws.String("arn:aws:iam::111111111111:mfa/alice"), TokenCode: aws.String(mfa.Code(seed, e.h.clock.Now())),
	})
	if err != nil {
		t.Fatal(err)
	}
	fed, err := e.sts(e.key("alice")).GetFederationToken(ctx, &sts.GetFederationTokenInput{
		Name: aws.String("fedbob"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	web, err := assumeWeb(e.h, "web", e.idp.sign(jose.RS256, "rsa1", e.idp.claims(e.h.clock.Now())))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		c             *ststypes.Credentials
		arn, typ, uid string
		check         func(t *testing.T, s map[string]any)
	}{
		{"assumed-role", role.Credentials, "arn:aws:sts::111111111111:assumed-role/reader/s1", "assumed-role", aws.ToString(role.AssumedRoleUser.AssumedRoleId), func(t *testing.T, s map[string]any) {
			if s["mfa_authenticated"] != true || s["source_identity"] != "alice-src" || s["role_arn"] != "arn:aws:iam::111111111111:role/apps/reader" ||
				path(s, "tags", "team") != "blue" || path(s, "tags", "env") != "dev" || fmt.Sprint(s["transitive_tag_keys"]) != "[team]" {
				t.Fatalf("session %v", s)
			}
		}},
		{"federated-user", fed.Credentials, "arn:aws:sts::111111111111:federated-user/fedbob", "federated-user", "111111111111:fedbob", func(t *testing.T, s map[string]any) {
			if s["mfa_authenticated"] != false || s["role_arn"] != nil {
				t.Fatalf("session %v", s)
			}
		}},
		{"web-identity", web.Credentials, "arn:aws:sts::111111111111:assumed-role/web/ci-run", "assumed-role", aws.ToString(web.AssumedRoleUser.AssumedRoleId), func(t *testing.T, s map[string]any) {
			if s["role_arn"] != "arn:aws:iam::111111111111:role/web" {
				t.Fatalf("session %v", s)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := e.call(e.key("rp"), "/v1/verify", e.signedRequest(stsCreds(tc.c), "execute-api", "GET", "/pets", nil))
			if status != 200 {
				t.Fatalf("status %d: %v", status, out)
			}
			if path(out, "principal", "arn") != tc.arn || path(out, "principal", "type") != tc.typ || path(out, "principal", "user_id") != tc.uid ||
				out["access_key_id"] != aws.ToString(tc.c.AccessKeyId) {
				t.Fatalf("answer %v", out)
			}
			s, _ := out["session"].(map[string]any)
			if s["expiration"] != tc.c.Expiration.UTC().Format(time.RFC3339) {
				t.Fatalf("expiration %v, want %v", s["expiration"], tc.c.Expiration.UTC().Format(time.RFC3339))
			}
			tc.check(t, s)
		})
	}

	// The same sessions through /v1/authorize: each is allowed what its
	// policies allow (the federated session only what its session policy
	// allows of alice's) and denied the rest with an encoded message.
	for _, tc := range []struct {
		name             string
		c                creds
		allowed, refused string
	}{
		{"root", e.key("root1"), "s3:DeleteObject", ""},
		{"assumed-role", stsCreds(role.Credentials), "s3:PutObject", "s3:DeleteObject"},
		{"federated-user", stsCreds(fed.Credentials), "s3:GetObject", "s3:PutObject"},
		{"web-identity", stsCreds(web.Credentials), "s3:GetObject", "s3:PutObject"},
	} {
		t.Run("authorize "+tc.name, func(t *testing.T) {
			status, out := e.authorize(tc.c, tc.allowed, "arn:aws:s3:::bucket/k", nil)
			wantDecision(t, status, out, "Allow")
			if tc.refused == "" {
				return
			}
			status, out = e.authorize(tc.c, tc.refused, "arn:aws:s3:::bucket/k", nil)
			wantDecision(t, status, out, "ImplicitDeny")
			if out["encoded_message"] == nil {
				t.Fatalf("deny without encoded_message: %v", out)
			}
		})
	}
}

func TestRelyingVerifyForms(t *testing.T) {
	e := startRelying(t)
	body := []byte(`{"a":1}`)
	// body_sha256 instead of the body.
	f := e.signedRequest(e.key("alice"), "execute-api", "PUT", "/x", body)
	delete(f, "body")
	sum := sha256.Sum256(body)
	f["body_sha256"] = hex.EncodeToString(sum[:])
	if status, out := e.call(e.key("rp"), "/v1/verify", f); status != 200 || path(out, "principal", "type") != "user" {
		t.Fatalf("body_sha256: %d %v", status, out)
	}
	// A presigned URL: everything is in the query.
	r, _ := http.NewRequest("GET", "https://svc.example/obj?x-id=GetObject", nil)
	k := e.key("alice")
	q := r.URL.Query()
	q.Set("X-Amz-Expires", "300")
	r.URL.RawQuery = q.Encode()
	url, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret}, r,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "s3", "us-east-1", e.h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	target := strings.TrimPrefix(url, "https://svc.example")
	status, out := e.call(e.key("rp"), "/v1/verify", map[string]any{"method": "GET", "url": target, "headers": map[string][]string{"Host": {"svc.example"}}})
	if status != 200 || out["service"] != "s3" {
		t.Fatalf("presigned: %d %v", status, out)
	}
	// Past X-Amz-Expires the presigned URL is refused, as S3 refuses it.
	e.h.clock.Add(6 * time.Minute)
	status, out = e.call(e.key("rp"), "/v1/verify", map[string]any{"method": "GET", "url": target, "headers": map[string][]string{"Host": {"svc.example"}}})
	wantRefusal(t, status, out, 403, "AccessDenied", "request", "Request has expired")
}

func TestRelyingVerifyRefusals(t *testing.T) {
	e := startRelying(t)
	ctx := context.Background()
	role, err := e.sts(e.key("alice")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111111111111:role/apps/reader"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	tampered := e.signedRequest(e.key("alice"), "execute-api", "POST", "/pets", []byte("a"))
	tampered["body"] = base64.StdEncoding.EncodeToString([]byte("b"))
	unknown := e.signedRequest(creds{"AKIANOSUCH0000000001", "x", ""}, "execute-api", "GET", "/", nil)
	unsigned := map[string]any{"method": "GET", "url": "/", "headers": map[string][]string{"Host": {"svc.example"}}}
	for _, tc := range []struct {
		name         string
		fields       map[string]any
		status       int
		code, prefix string
	}{
		{"tampered body", tampered, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match"},
		{"unknown key", unknown, 403, "InvalidClientTokenId", "The security token included in the request is invalid"},
		{"unsigned", unsigned, 403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := e.call(e.key("rp"), "/v1/verify", tc.fields)
			wantRefusal(t, status, out, tc.status, tc.code, "request", tc.prefix)
		})
	}
	t.Run("expired session", func(t *testing.T) {
		e.h.clock.Add(16 * time.Minute)
		status, out := e.call(e.key("rp"), "/v1/verify", e.signedRequest(stsCreds(role.Credentials), "execute-api", "GET", "/", nil))
		wantRefusal(t, status, out, 403, "ExpiredToken", "request", "The security token included in the request is expired")
	})
	t.Run("caller without stsd:VerifyRequest", func(t *testing.T) {
		status, out := e.call(e.key("norp"), "/v1/verify", e.signedRequest(e.key("alice"), "execute-api", "GET", "/", nil))
		wantRefusal(t, status, out, 403, "AccessDenied", "caller",
			"User: arn:aws:iam::111111111111:user/norp is not authorized to perform: stsd:VerifyRequest on resource: * because no identity-based policy allows the stsd:VerifyRequest action")
		status, out = e.call(e.key("norp"), "/v1/authorize", map[string]any{"principal_arn": "arn:aws:iam::111111111111:user/eng/alice", "action": "s3:GetObject", "resource": "*"})
		wantRefusal(t, status, out, 403, "AccessDenied", "caller", "User: arn:aws:iam::111111111111:user/norp is not authorized to perform: stsd:Authorize")
	})
	t.Run("caller signed for another service", func(t *testing.T) {
		body, _ := json.Marshal(unsigned)
		r, _ := http.NewRequest(http.MethodPost, e.h.srv.URL+"/v1/verify", bytes.NewReader(body))
		sum := sha256.Sum256(body)
		k := e.key("rp")
		_ = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret}, r, hex.EncodeToString(sum[:]), "sts", "us-east-1", e.h.clock.Now())
		status, out := doJSON(t, r)
		wantRefusal(t, status, out, 403, "SignatureDoesNotMatch", "caller", "Credential should be scoped to correct service: 'stsd'.")
	})
	t.Run("caller unsigned", func(t *testing.T) {
		r, _ := http.NewRequest(http.MethodPost, e.h.srv.URL+"/v1/verify", strings.NewReader("{}"))
		status, out := doJSON(t, r)
		wantRefusal(t, status, out, 403, "MissingAuthenticationToken", "caller", "Request is missing Authentication Token")
	})
	t.Run("malformed call", func(t *testing.T) {
		for body, field := range map[string]string{
			`{"method":"GET","url":"/","headers":{"Host":["a"]},"extra":1}`: `"extra"`,
			`{"method":1}`: "'method'",
			`{"method":"GET","url":"/","headers":{"Host":"a"}}`:                                    "'headers'",
			`{"method":"GET","url":"/","headers":{"Host":["a"]},"body":"AA==","body_sha256":"00"}`: "'body' and 'body_sha256'",
			`{"method":"GET"`: "not valid JSON",
			`[]`:              "JSON object",
		} {
			status, out := e.post(e.key("rp"), "/v1/verify", []byte(body))
			wantRefusal(t, status, out, 400, "InvalidRequest", "caller", "")
			if !strings.Contains(out["message"].(string), field) {
				t.Errorf("%s: message %q does not name %s", body, out["message"], field)
			}
		}
	})
	t.Run("oversize", func(t *testing.T) {
		status, out := e.post(e.key("rp"), "/v1/verify", bytes.Repeat([]byte(" "), 1<<20+1))
		if status != 413 || out["code"] != "RequestEntityTooLarge" {
			t.Fatalf("got %d %v", status, out)
		}
	})
}

// authorize asks one question about the request c signs.
func (e *rpEnv) authorize(c creds, action, resource string, extra map[string]any) (int, map[string]any) {
	e.t.Helper()
	f := e.signedRequest(c, "execute-api", "GET", "/", nil)
	f["action"], f["resource"] = action, resource
	for k, v := range extra {
		f[k] = v
	}
	return e.call(e.key("rp"), "/v1/authorize", f)
}

func wantDecision(t *testing.T, status int, out map[string]any, decision string) {
	t.Helper()
	if status != 200 || out["decision"] != decision {
		t.Fatalf("got %d %v, want decision %s", status, out, decision)
	}
	if _, ok := out["matched_statements"].([]any); !ok {
		t.Fatalf("no matched_statements list in %v", out)
	}
}

func TestRelyingAuthorize(t *testing.T) {
	e := startRelying(t)
	ctx := context.Background()
	alice := e.key("alice")
	narrowed, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111111111111:role/apps/reader"), RoleSessionName: aws.String("narrow"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	full, err := e.sts(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/apps/reader"), RoleSessionName: aws.String("full")})
	if err != nil {
		t.Fatal(err)
	}
	status, out := e.authorize(alice, "s3:GetObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "Allow")
	if path(out, "principal", "arn") != "arn:aws:iam::111111111111:user/eng/alice" || out["encoded_message"] != nil {
		t.Fatalf("answer %v", out)
	}
	if m := out["matched_statements"].([]any)[0].(map[string]any); m["source"] != "identity" || m["effect"] != "Allow" || m["statement_index"] != 1.0 {
		t.Fatalf("matched %v", m)
	}

	status, out = e.authorize(alice, "s3:PutObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "ImplicitDeny")
	e.decodeRoundTrip(out, "s3:PutObject", false)

	status, out = e.authorize(alice, "s3:DeleteObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "ExplicitDeny")
	if m := out["matched_statements"].([]any)[0].(map[string]any); m["sid"] != "NoDelete" || m["effect"] != "Deny" || m["statement_index"] != 2.0 ||
		m["policy"] != "user/alice inline policy alice" {
		t.Fatalf("matched %v", m)
	}
	e.decodeRoundTrip(out, "s3:DeleteObject", true)

	// Session policy narrowing: the role allows PutObject, the session
	// policy only GetObject.
	status, out = e.authorize(stsCreds(full.Credentials), "s3:PutObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "Allow")
	status, out = e.authorize(stsCreds(narrowed.Credentials), "s3:PutObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "ImplicitDeny")
	status, out = e.authorize(stsCreds(narrowed.Credentials), "s3:GetObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "Allow")

	// Permissions boundary: s3:* in the identity policy, GetObject only in
	// the boundary.
	status, out = e.authorize(e.key("bounded"), "s3:PutObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "ImplicitDeny")
	status, out = e.authorize(e.key("bounded"), "s3:GetObject", "arn:aws:s3:::bucket/k", nil)
	wantDecision(t, status, out, "Allow")
	if !strings.Contains(fmt.Sprint(out["matched_statements"]), "boundary") {
		t.Fatalf("boundary statement not reported: %v", out)
	}

	// Resource policy, same account: naming alice is enough.
	putForAlice := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/eng/alice"},"Action":"s3:PutObject","Resource":"*"}]}`
	status, out = e.authorize(alice, "s3:PutObject", "arn:aws:s3:::bucket/k", map[string]any{"resource_policy": putForAlice, "resource_account": "111111111111"})
	wantDecision(t, status, out, "Allow")
	if !strings.Contains(fmt.Sprint(out["matched_statements"]), "resource") {
		t.Fatalf("resource statement not reported: %v", out)
	}

	// Cross account: dave (222222222222) needs both his own policy and
	// the resource owner's.
	daveGet := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/dave"},"Action":"s3:GetObject","Resource":"*"}]}`
	status, out = e.authorize(e.key("dave"), "s3:GetObject", "arn:aws:s3:::bucket/k", map[string]any{"resource_account": "111111111111"})
	wantDecision(t, status, out, "ImplicitDeny")
	status, out = e.authorize(e.key("dave"), "s3:GetObject", "arn:aws:s3:::bucket/k", map[string]any{"resource_policy": daveGet, "resource_account": "111111111111"})
	wantDecision(t, status, out, "Allow")
	status, out = e.authorize(e.key("dave"), "s3:PutObject", "arn:aws:s3:::bucket/k", map[string]any{"resource_policy": daveGet, "resource_account": "111111111111"})
	wantDecision(t, status, out, "ImplicitDeny")

	// Context keys reach conditions.
	ipOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	status, out = e.authorize(alice, "s3:GetObject", "arn:aws:s3:::bucket/k", map[string]any{"resource_policy": ipOnly, "context": map[string][]string{"aws:SourceIp": {"192.0.2.1"}}})
	wantDecision(t, status, out, "ExplicitDeny")
	status, out = e.authorize(alice, "s3:GetObject", "arn:aws:s3:::bucket/k", map[string]any{"resource_policy": ipOnly, "context": map[string][]string{"aws:SourceIp": {"10.1.2.3"}}})
	wantDecision(t, status, out, "Allow")

	// A deny whose context is too large for an encoded message is still a
	// deny with a message (without the context), not a failure.
	big := map[string][]string{}
	for i := range 40 {
		v := make([]byte, 500)
		_, _ = rand.Read(v)
		big[fmt.Sprintf("app:key%d", i)] = []string{hex.EncodeToString(v)}
	}
	status, out = e.authorize(alice, "s3:PutObject", "arn:aws:s3:::bucket/k", map[string]any{"context": big})
	wantDecision(t, status, out, "ImplicitDeny")
	e.decodeRoundTrip(out, "s3:PutObject", false)

	// A resource policy that does not parse names the field.
	status, out = e.authorize(alice, "s3:GetObject", "*", map[string]any{"resource_policy": "{"})
	wantRefusal(t, status, out, 400, "InvalidRequest", "caller", "Field 'resource_policy'")
}

func TestRelyingAuthorizeWhatIfAndBatch(t *testing.T) {
	e := startRelying(t)
	rp := e.key("rp")
	status, out := e.call(rp, "/v1/authorize", map[string]any{"principal_arn": "arn:aws:iam::111111111111:user/eng/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/k"})
	wantDecision(t, status, out, "Allow")
	if path(out, "principal", "type") != "user" || path(out, "principal", "arn") != "arn:aws:iam::111111111111:user/eng/alice" {
		t.Fatalf("answer %v", out)
	}
	status, out = e.call(rp, "/v1/authorize", map[string]any{"principal_arn": "arn:aws:iam::111111111111:role/apps/reader", "action": "s3:PutObject", "resource": "arn:aws:s3:::bucket/k"})
	wantDecision(t, status, out, "Allow")
	if path(out, "principal", "type") != "role" || !strings.HasPrefix(path(out, "principal", "user_id").(string), "AROA") {
		t.Fatalf("answer %v", out)
	}
	status, out = e.call(rp, "/v1/authorize", map[string]any{"principal_arn": "arn:aws:iam::111111111111:user/nobody", "action": "s3:GetObject", "resource": "*"})
	wantRefusal(t, status, out, 404, "NoSuchEntity", "caller", "The principal arn:aws:iam::111111111111:user/nobody cannot be found.")
	status, out = e.call(rp, "/v1/authorize", map[string]any{"principal_arn": "arn:aws:iam::222222222222:user/dave", "action": "s3:GetObject", "resource": "*"})
	wantRefusal(t, status, out, 403, "AccessDenied", "caller", "User: arn:aws:iam::111111111111:user/rp is not authorized to perform: stsd:Authorize on resource: arn:aws:iam::222222222222:user/dave")

	// Batch: one principal, several answers in order.
	f := e.signedRequest(e.key("alice"), "execute-api", "GET", "/", nil)
	f["requests"] = []map[string]any{
		{"action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/k"},
		{"action": "s3:PutObject", "resource": "arn:aws:s3:::bucket/k"},
		{"action": "s3:DeleteObject", "resource": "arn:aws:s3:::bucket/k"},
	}
	status, out = e.call(rp, "/v1/authorize", f)
	results, _ := out["results"].([]any)
	if status != 200 || len(results) != 3 || path(out, "principal", "arn") != "arn:aws:iam::111111111111:user/eng/alice" {
		t.Fatalf("batch: %d %v", status, out)
	}
	for i, want := range []string{"Allow", "ImplicitDeny", "ExplicitDeny"} {
		if path(results[i], "decision") != want {
			t.Fatalf("result %d = %v, want %s", i, results[i], want)
		}
	}
	// Over the batch limit, and mixing the forms, are refused.
	many := make([]map[string]any, 101)
	for i := range many {
		many[i] = map[string]any{"action": "s3:GetObject", "resource": "*"}
	}
	f["requests"] = many
	status, out = e.call(rp, "/v1/authorize", f)
	wantRefusal(t, status, out, 400, "InvalidRequest", "caller", "Field 'requests' must hold no more than 100")
	f["requests"] = many[:1]
	f["action"] = "s3:GetObject"
	status, out = e.call(rp, "/v1/authorize", f)
	wantRefusal(t, status, out, 400, "InvalidRequest", "caller", "Fields 'requests' and")
	f2 := e.signedRequest(e.key("alice"), "execute-api", "GET", "/", nil)
	f2["principal_arn"], f2["action"], f2["resource"] = "arn:aws:iam::111111111111:root", "s3:GetObject", "*"
	status, out = e.call(rp, "/v1/authorize", f2)
	wantRefusal(t, status, out, 400, "InvalidRequest", "caller", "Field 'principal_arn' excludes a signed request")
}

// extAuthz starts the ext_authz check of e's stsd on a listener of its
// own, as --authz-listen does.
func (e *rpEnv) extAuthz() *httptest.Server {
	srv := httptest.NewServer(e.h.app.ExtAuthz)
	e.t.Cleanup(srv.Close)
	return srv
}

// checkRequest is what a proxy forwards to the check for a request c
// signed for execute-api: the original method, path and query below the
// check prefix, and the original headers.
func (e *rpEnv) checkRequest(srv *httptest.Server, c creds, method, target string, body []byte, payloadHeader bool) *http.Request {
	e.t.Helper()
	orig, _ := http.NewRequest(method, "https://api.example"+target, bytes.NewReader(body))
	sum := sha256.Sum256(body)
	if payloadHeader {
		orig.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token},
		orig, hex.EncodeToString(sum[:]), "execute-api", "eu-west-1", e.h.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	r, _ := http.NewRequest(method, srv.URL+"/ext-authz/api1/prod"+target, nil)
	r.Header = orig.Header.Clone()
	r.Host = "api.example"
	if len(body) > 0 {
		// As nginx is told to forward it, the body staying behind.
		r.Header.Set("X-Stsd-Content-Length", fmt.Sprint(len(body)))
	}
	return r
}

func TestExtAuthz(t *testing.T) {
	e := startRelying(t)
	srv := e.extAuthz()
	alice := e.key("alice")

	resp := mustDo(t, e.checkRequest(srv, alice, "GET", "/pets/1?x=y", nil, true))
	if resp.StatusCode != 200 || resp.Header.Get("x-stsd-principal-arn") != "arn:aws:iam::111111111111:user/eng/alice" ||
		resp.Header.Get("x-stsd-account") != "111111111111" || !strings.HasPrefix(resp.Header.Get("x-stsd-user-id"), "AIDA") {
		t.Fatalf("allowed: %d %v", resp.StatusCode, resp.Header)
	}
	// A session works too.
	role, err := e.sts(alice).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/apps/reader"), RoleSessionName: aws.String("xx")})
	if err != nil {
		t.Fatal(err)
	}
	// The role may not invoke the API: 403 AccessDenied with the ARN the
	// API Gateway convention gives (region of the signature, account of
	// the principal, METHOD upper case, path without its leading slash).
	status, out := doJSON(t, e.checkRequest(srv, stsCreds(role.Credentials), "GET", "/pets/1", nil, true))
	wantRefusal(t, status, out, 403, "AccessDenied", "", "User: arn:aws:sts::111111111111:assumed-role/reader/xx is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111111111111:api1/prod/GET/pets/1")
	if _, ok := out["encoded_message"]; !ok {
		t.Fatalf("no encoded_message field in %v", out)
	}
	// Alice may GET but not POST.
	status, out = doJSON(t, e.checkRequest(srv, alice, "POST", "/pets", []byte(`{"n":1}`), true))
	wantRefusal(t, status, out, 403, "AccessDenied", "", "User: arn:aws:iam::111111111111:user/eng/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111111111111:api1/prod/POST/pets")

	// An encoded '/' in the original path is refused: decoded it resolves
	// elsewhere than where a proxy routing on the raw path sends it.
	status, out = doJSON(t, e.checkRequest(srv, alice, "GET", "/public%2F..%2Fpets/1", nil, true))
	wantRefusal(t, status, out, 400, "InvalidRequest", "", "The original path must not hold an encoded '/'")

	// Bad and missing signatures: 401 with the AWS code.
	bad := e.checkRequest(srv, alice, "GET", "/pets/1", nil, true)
	bad.URL.Path = "/ext-authz/api1/prod/pets/2"
	status, out = doJSON(t, bad)
	wantRefusal(t, status, out, 401, "SignatureDoesNotMatch", "", "The request signature we calculated does not match")
	r, _ := http.NewRequest("GET", srv.URL+"/ext-authz/api1/prod/pets/1", nil)
	status, out = doJSON(t, r)
	wantRefusal(t, status, out, 401, "MissingAuthenticationToken", "", "Request is missing Authentication Token")
	// Signed for another service.
	orig, _ := http.NewRequest("GET", "https://api.example/pets/1", nil)
	orig.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	_ = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: alice.id, SecretAccessKey: alice.secret}, orig, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "s3", "eu-west-1", e.h.clock.Now())
	r, _ = http.NewRequest("GET", srv.URL+"/ext-authz/api1/prod/pets/1", nil)
	r.Header, r.Host = orig.Header, "api.example"
	status, out = doJSON(t, r)
	wantRefusal(t, status, out, 401, "SignatureDoesNotMatch", "", "Credential should be scoped to correct service: 'execute-api'.")

	// Without x-amz-content-sha256 the body is not covered: refused.
	status, out = doJSON(t, e.checkRequest(srv, alice, "GET", "/pets/1", nil, false))
	wantRefusal(t, status, out, 401, "IncompleteSignature", "", "The request body is not covered by the signature")

	// Bad check paths.
	r, _ = http.NewRequest("GET", srv.URL+"/ext-authz/api:1/prod/x", nil)
	status, out = doJSON(t, r)
	wantRefusal(t, status, out, 400, "InvalidRequest", "", "The check path must be")
	r, _ = http.NewRequest("GET", srv.URL+"/v1/verify", nil)
	status, out = doJSON(t, r)
	wantRefusal(t, status, out, 404, "NotFound", "", "")
	if resp := mustDo(t, mustRequest(t, "GET", srv.URL+"/healthz")); resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}

	// The main endpoint does not serve the check.
	main := e.checkRequest(srv, alice, "GET", "/pets/1", nil, true)
	main.URL.Host = strings.TrimPrefix(e.h.srv.URL, "http://")
	if resp := mustDo(t, main); resp.StatusCode == 200 || resp.Header.Get("x-stsd-principal-arn") != "" {
		t.Fatalf("main endpoint answered the check: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestExtAuthzUnsignedPayloadAllowed(t *testing.T) {
	e := startRelying(t, func(c *app.Config) { c.AuthzAllowUnsignedPayload = true })
	srv := e.extAuthz()
	alice := e.key("alice")
	// No x-amz-content-sha256 and no body: the empty body's hash.
	if resp := mustDo(t, e.checkRequest(srv, alice, "GET", "/pets/1", nil, false)); resp.StatusCode != 200 {
		t.Fatalf("no payload header: %d", resp.StatusCode)
	}
	// UNSIGNED-PAYLOAD.
	orig, _ := http.NewRequest("GET", "https://api.example/pets/1", nil)
	orig.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	_ = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: alice.id, SecretAccessKey: alice.secret}, orig, "UNSIGNED-PAYLOAD", "execute-api", "eu-west-1", e.h.clock.Now())
	r, _ := http.NewRequest("GET", srv.URL+"/ext-authz/api1/prod/pets/1", nil)
	r.Header, r.Host = orig.Header, "api.example"
	if resp := mustDo(t, r); resp.StatusCode != 200 {
		t.Fatalf("UNSIGNED-PAYLOAD: %d", resp.StatusCode)
	}
	// The same request is refused by a check that does not allow it.
	e2 := startRelying(t)
	srv2 := e2.extAuthz()
	r2, _ := http.NewRequest("GET", srv2.URL+"/ext-authz/api1/prod/pets/1", nil)
	r2.Header, r2.Host = orig.Header, "api.example"
	status, out := doJSON(t, r2)
	wantRefusal(t, status, out, 401, "IncompleteSignature", "", "The request body is not covered")
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustDo(t *testing.T, r *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// decodeRoundTrip decodes a denial's encoded_message through the real STS
// client as the account root, who may (the root's implicit allow-all);
// checks it tells the denied action, resource and kind of deny; and checks
// the refusals: alice, whose policies do not allow
// sts:DecodeAuthorizationMessage, gets AccessDenied, and a message with one
// character changed is InvalidAuthorizationMessageException.
func (e *rpEnv) decodeRoundTrip(out map[string]any, action string, explicit bool) {
	e.t.Helper()
	ctx := context.Background()
	encoded, _ := out["encoded_message"].(string)
	if encoded == "" {
		e.t.Fatalf("deny of %s without encoded_message: %v", action, out)
	}
	root, alice := e.key("root1"), e.key("alice")
	dec, err := e.h.stsClient(root.id, root.secret, "").DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	if err != nil {
		e.t.Fatalf("DecodeAuthorizationMessage: %v", err)
	}
	var msg struct {
		Allowed      bool `json:"allowed"`
		ExplicitDeny bool `json:"explicitDeny"`
		Context      struct {
			Principal struct{ ARN string } `json:"principal"`
			Action    string               `json:"action"`
			Resource  string               `json:"resource"`
		} `json:"context"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(dec.DecodedMessage)), &msg); err != nil {
		e.t.Fatalf("decoded message is not JSON: %v: %s", err, aws.ToString(dec.DecodedMessage))
	}
	if msg.Allowed || msg.ExplicitDeny != explicit || msg.Context.Action != action ||
		msg.Context.Resource != "arn:aws:s3:::bucket/k" || msg.Context.Principal.ARN != "arn:aws:iam::111111111111:user/eng/alice" {
		e.t.Fatalf("decoded message %s", aws.ToString(dec.DecodedMessage))
	}
	_, err = e.h.stsClient(alice.id, alice.secret, "").DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	apiError(e.t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/eng/alice is not authorized to perform: sts:DecodeAuthorizationMessage", 403)
	i := len(encoded) / 2
	flipped := byte('A')
	if encoded[i] == 'A' {
		flipped = 'B'
	}
	tampered := encoded[:i] + string(flipped) + encoded[i+1:]
	_, err = e.h.stsClient(root.id, root.secret, "").DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(tampered)})
	apiError(e.t, err, "InvalidAuthorizationMessageException", "", 400)
}
