package app_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	jose "github.com/go-jose/go-jose/v4"
)

// testIdP is an OpenID provider on a loopback httptest server: discovery
// document and JWKS, one RSA and one EC signing key.
type testIdP struct {
	t       *testing.T
	srv     *httptest.Server
	rsa     *rsa.PrivateKey
	ec      *ecdsa.PrivateKey
	fetches atomic.Int32 // JWKS requests served
}

func newTestIdP(t *testing.T) *testIdP {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	idp := &testIdP{t: t, rsa: rk, ec: ek}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": idp.issuer(), "jwks_uri": idp.issuer() + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		idp.fetches.Add(1)
		_, _ = w.Write([]byte(idp.jwks()))
	})
	idp.srv = httptest.NewServer(mux)
	t.Cleanup(idp.srv.Close)
	return idp
}

func (p *testIdP) issuer() string { return p.srv.URL }

// hostPath is the issuer without its scheme: "127.0.0.1:PORT".
func (p *testIdP) hostPath() string { return strings.TrimPrefix(p.srv.URL, "http://") }

func (p *testIdP) jwks() string {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.rsa.PublicKey, KeyID: "rsa1", Algorithm: "RS256", Use: "sig"},
		{Key: &p.ec.PublicKey, KeyID: "ec1", Algorithm: "ES256", Use: "sig"},
	}}
	b, err := json.Marshal(set)
	if err != nil {
		p.t.Fatal(err)
	}
	return string(b)
}

// claims returns valid claims for the GitHub-Actions-like role, issued now.
func (p *testIdP) claims(now time.Time) map[string]any {
	return map[string]any{
		"iss": p.issuer(),
		"sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
		"aud": "sts.amazonaws.com",
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(),
	}
}

// sign mints a compact JWS over claims with the RSA (RS256) or EC (ES256) key.
func (p *testIdP) sign(alg jose.SignatureAlgorithm, kid string, claims map[string]any) string {
	p.t.Helper()
	var key any = p.rsa
	if alg == jose.ES256 {
		key = p.ec
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		p.t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		p.t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		p.t.Fatal(err)
	}
	return out
}

// handMade builds a compact token with any header and signature, for the
// attacks a JOSE library would refuse to produce.
func handMade(header, claims map[string]any, sign func(input string) []byte) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	var sig []byte
	if sign != nil {
		sig = sign(input)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// webIdentityBootstrap registers the IdP (by discovery, or with the key set
// inline) and roles trusting it. The trust policies follow GitHub's and
// AWS's documented pattern for GitHub Actions (IAM User Guide,
// id_roles_create_for-idp_oidc.html; GitHub Docs, "Configuring OpenID
// Connect in Amazon Web Services"): aud pinned with StringEquals, sub
// matched with StringLike.
func webIdentityBootstrap(p *testIdP, inline bool) string {
	jwks := ""
	if inline {
		jwks = "\n        jwks: '" + p.jwks() + "'"
	}
	hp := p.hostPath()
	return fmt.Sprintf(`
accounts:
  - id: "111111111111"
    oidc_providers:
      - url: %[1]s
        client_ids: [sts.amazonaws.com, other-client]%[2]s
    policies:
      - name: ReadOnly
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:Get*", Resource: "*"}]}
    roles:
      - name: gha
        max_session_duration: 7200
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Federated: "arn:aws:iam::111111111111:oidc-provider/%[3]s"}
              Action: sts:AssumeRoleWithWebIdentity
              Condition:
                StringEquals: {"%[3]s:aud": sts.amazonaws.com, "aws:FederatedProvider": "arn:aws:iam::111111111111:oidc-provider/%[3]s"}
                StringLike: {"%[3]s:sub": "repo:octo-org/octo-repo:*"}
      - name: gha-tags
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Federated: "arn:aws:iam::111111111111:oidc-provider/%[3]s"}
              Action: [sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity]
              Condition:
                StringLike: {"%[3]s:sub": "repo:octo-org/*"}
      - name: gha-notags
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Federated: "arn:aws:iam::111111111111:oidc-provider/%[3]s"}
              Action: sts:AssumeRoleWithWebIdentity
`, p.issuer(), jwks, hp)
}

// anonSTS is an STS client without credentials: the SDK sends
// AssumeRoleWithWebIdentity unsigned.
func (h *harness) anonSTS() *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(h.srv.URL),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      transportRetryer(),
		HTTPClient:   testHTTPClient(),
	})
}

func assumeWeb(h *harness, role, token string, mut ...func(*sts.AssumeRoleWithWebIdentityInput)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String("arn:aws:iam::111111111111:role/" + role),
		RoleSessionName:  aws.String("ci-run"),
		WebIdentityToken: aws.String(token),
	}
	for _, m := range mut {
		m(in)
	}
	return h.anonSTS().AssumeRoleWithWebIdentity(context.Background(), in)
}

func TestWebIdentitySuccess(t *testing.T) {
	for _, inline := range []bool{false, true} {
		for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.ES256} {
			t.Run(fmt.Sprintf("inline=%v/%s", inline, alg), func(t *testing.T) {
				idp := newTestIdP(t)
				h := start(t, withBootstrap(t, webIdentityBootstrap(idp, inline)))
				kid := map[jose.SignatureAlgorithm]string{jose.RS256: "rsa1", jose.ES256: "ec1"}[alg]
				out, err := assumeWeb(h, "gha", idp.sign(alg, kid, idp.claims(h.clock.Now())), func(in *sts.AssumeRoleWithWebIdentityInput) {
					in.DurationSeconds = aws.Int32(7200)
				})
				if err != nil {
					t.Fatal(err)
				}
				providerARN := "arn:aws:iam::111111111111:oidc-provider/" + idp.hostPath()
				if aws.ToString(out.SubjectFromWebIdentityToken) != "repo:octo-org/octo-repo:ref:refs/heads/main" ||
					aws.ToString(out.Audience) != "sts.amazonaws.com" || aws.ToString(out.Provider) != providerARN ||
					aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::111111111111:assumed-role/gha/ci-run" ||
					!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":ci-run") || out.PackedPolicySize != nil {
					t.Fatalf("response = %+v %+v", out, out.AssumedRoleUser)
				}
				if got := out.Credentials.Expiration.Sub(h.clock.Now()); got < 7199*time.Second || got > 7201*time.Second {
					t.Fatalf("session lasts %v, want 2h", got)
				}
				if n := idp.fetches.Load(); inline && n != 0 || !inline && n != 1 {
					t.Fatalf("JWKS fetched %d times", n)
				}
				// The credentials work.
				id, err := h.stsClient(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken)).
					GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
				if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/gha/ci-run" {
					t.Fatalf("GetCallerIdentity = %v, %v", id, err)
				}
			})
		}
	}
}

func TestWebIdentityRefusals(t *testing.T) {
	idp := newTestIdP(t)
	h := start(t, withBootstrap(t, webIdentityBootstrap(idp, false)))
	now := h.clock.Now()
	with := func(change func(map[string]any)) map[string]any {
		c := idp.claims(now)
		change(c)
		return c
	}
	pemKey, err := x509.MarshalPKIXPublicKey(&idp.rsa.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pemKey})
	good := idp.sign(jose.RS256, "rsa1", idp.claims(now))
	parts := strings.Split(good, ".")
	tampered, _ := json.Marshal(with(func(c map[string]any) { c["sub"] = "repo:evil/repo:ref:refs/heads/main" }))
	// rawSigned signs a payload written out by hand: duplicate or
	// differently cased claim names, which json.Marshal of a map cannot
	// place after the genuine claim.
	rawSigned := func(payload string) string {
		input := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"rsa1"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
		sum := sha256.Sum256([]byte(input))
		sig, err := rsa.SignPKCS1v15(rand.Reader, idp.rsa, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return input + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	rawTimes := fmt.Sprintf(`"iat":%d,"exp":%d`, now.Unix(), now.Add(10*time.Minute).Unix())

	cases := []struct {
		name, role, token  string
		code, msg          string
		status             int
		providerID, policy string
	}{
		// Messages recorded from AWS are cited in internal/federation/oidc/oidc.go.
		{name: "alg none", token: handMade(map[string]any{"alg": "none", "typ": "JWT"}, idp.claims(now), nil),
			code: "InvalidIdentityToken", msg: `The web identity token is signed with algorithm "none"`, status: 400},
		{name: "HS256 with the RSA public key as secret", token: handMade(map[string]any{"alg": "HS256", "kid": "rsa1"}, idp.claims(now), func(in string) []byte {
			m := hmac.New(sha256.New, pubPEM)
			m.Write([]byte(in))
			return m.Sum(nil)
		}), code: "InvalidIdentityToken", msg: `The web identity token is signed with algorithm "HS256"`, status: 400},
		{name: "tampered payload", token: parts[0] + "." + base64.RawURLEncoding.EncodeToString(tampered) + "." + parts[2],
			code: "InvalidIdentityToken", msg: "The web identity token's signature is not valid.", status: 400},
		{name: "signed by another key", token: func() string {
			other := newTestIdP(t)
			return other.sign(jose.RS256, "rsa1", idp.claims(now))
		}(), code: "InvalidIdentityToken", msg: "The web identity token's signature is not valid.", status: 400},
		{name: "not a JWT", token: "not-a-jwt", code: "InvalidIdentityToken", msg: "The web identity token is not a well-formed signed JWT.", status: 400},
		{name: "wrong issuer", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { c["iss"] = "https://token.actions.githubusercontent.com" })),
			code: "InvalidIdentityToken", msg: "No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com", status: 400},
		{name: "wrong audience", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { c["aud"] = "sts.amazon.com" })),
			code: "InvalidIdentityToken", msg: "Incorrect token audience", status: 400},
		{name: "expired", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Hour).Unix(), now.Add(-6*time.Minute).Unix()
		})), code: "ExpiredTokenException", msg: fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), now.Add(-6*time.Minute).Unix()), status: 400},
		{name: "not yet valid", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })),
			code: "InvalidIdentityToken", msg: "Token is not valid yet", status: 400},
		{name: "issued in the future", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { c["iat"] = now.Add(10 * time.Minute).Unix() })),
			code: "InvalidIdentityToken", msg: "Token was issued in the future", status: 400},
		{name: "no exp", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { delete(c, "exp") })),
			code: "InvalidIdentityToken", msg: "The web identity token has no exp claim.", status: 400},
		{name: "untrusted sub", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { c["sub"] = "repo:evil/repo:ref:refs/heads/main" })),
			code: "AccessDenied", msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403},
		{name: "other registered client fails the aud condition", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) { c["aud"] = "other-client" })),
			code: "AccessDenied", msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403},
		{name: "missing role", role: "nope", token: good, code: "AccessDenied", msg: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403},
		{name: "OAuth 2.0 ProviderId", token: good, providerID: "graph.facebook.com", code: "InvalidIdentityToken", msg: "stsd cannot verify OAuth 2.0 access tokens", status: 400},
		{name: "tags without sts:TagSession", role: "gha-notags", token: idp.sign(jose.RS256, "rsa1", with(func(c map[string]any) {
			c["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"Project": []string{"Automation"}}}
		})), code: "AccessDenied", msg: "Not authorized to perform sts:TagSession", status: 403},
		// Claim names match exactly and once: an "AUD" or a second "sub"
		// (say, a custom claim a user may set at the IdP) cannot stand in
		// for the registered claim.
		{name: "AUD claim after a wrong aud", token: rawSigned(`{"iss":"` + idp.issuer() + `","sub":"repo:octo-org/octo-repo:ref:refs/heads/main","aud":"not-registered","AUD":"sts.amazonaws.com",` + rawTimes + `}`),
			code: "InvalidIdentityToken", msg: "Incorrect token audience", status: 400},
		{name: "second sub claim", token: rawSigned(`{"iss":"` + idp.issuer() + `","sub":"repo:evil/repo:ref:refs/heads/main","sub":"repo:octo-org/octo-repo:ref:refs/heads/main","aud":"sts.amazonaws.com",` + rawTimes + `}`),
			code: "InvalidIdentityToken", msg: "The web identity token is not a well-formed signed JWT.", status: 400},
		{name: "crit header", token: handMade(map[string]any{"alg": "RS256", "kid": "rsa1", "crit": []string{"b64"}, "b64": false}, idp.claims(now), nil),
			code: "InvalidIdentityToken", msg: "The web identity token is not a well-formed signed JWT.", status: 400},
		{name: "session policy not JSON", token: good, policy: "{", code: "MalformedPolicyDocument", msg: "The policy is not in the valid JSON format.", status: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			role := tc.role
			if role == "" {
				role = "gha"
			}
			_, err := assumeWeb(h, role, tc.token, func(in *sts.AssumeRoleWithWebIdentityInput) {
				if tc.providerID != "" {
					in.ProviderId = aws.String(tc.providerID)
				}
				if tc.policy != "" {
					in.Policy = aws.String(tc.policy)
				}
			})
			apiError(t, err, tc.code, tc.msg, tc.status)
		})
	}
	// The duration is bounded by the role's MaxSessionDuration, as for
	// AssumeRole.
	_, err = assumeWeb(h, "gha", good, func(in *sts.AssumeRoleWithWebIdentityInput) { in.DurationSeconds = aws.Int32(7201) })
	apiError(t, err, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
}

func TestWebIdentitySessionTags(t *testing.T) {
	idp := newTestIdP(t)
	h := start(t, withBootstrap(t, webIdentityBootstrap(idp, false)))
	c := idp.claims(h.clock.Now())
	c["https://aws.amazon.com/tags"] = map[string]any{
		"principal_tags":      map[string]any{"Project": []string{"Automation"}, "CostCenter": []string{"987654"}},
		"transitive_tag_keys": []string{"Project"},
	}
	c["https://aws.amazon.com/source_identity"] = "octocat"
	out, err := assumeWeb(h, "gha-tags", idp.sign(jose.ES256, "ec1", c))
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil || aws.ToString(out.SourceIdentity) != "octocat" {
		t.Fatalf("PackedPolicySize = %v, SourceIdentity = %q", out.PackedPolicySize, aws.ToString(out.SourceIdentity))
	}
	// The transitive tag travels into a chained session: the chained role
	// trusting only sessions tagged Project=Automation would need more
	// setup; GetCallerIdentity proves the session itself is usable.
	if _, err := h.stsClient(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken)).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	// A tag value that is a list of two values is not a session tag.
	c["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"Project": []string{"a", "b"}}}
	_, err = assumeWeb(h, "gha-tags", idp.sign(jose.ES256, "ec1", c))
	apiError(t, err, "InvalidIdentityToken", "The web identity token's https://aws.amazon.com/tags claim is not valid", 400)
	// "aws:" tag keys are reserved, as for AssumeRole.
	c["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"aws:x": []string{"a"}}}
	_, err = assumeWeb(h, "gha-tags", idp.sign(jose.ES256, "ec1", c))
	apiError(t, err, "InvalidParameterValue", "Tag keys cannot start with aws:", 400)
}

// TestWebIdentityUnknownKid: a token naming a key the cached set lacks
// makes stsd refetch the JWKS once (the provider may have rotated its
// keys); within the next minute further unknown kids fetch nothing.
func TestWebIdentityUnknownKid(t *testing.T) {
	idp := newTestIdP(t)
	h := start(t, withBootstrap(t, webIdentityBootstrap(idp, false)))
	if _, err := assumeWeb(h, "gha", idp.sign(jose.RS256, "rsa1", idp.claims(h.clock.Now()))); err != nil {
		t.Fatal(err)
	}
	if n := idp.fetches.Load(); n != 1 {
		t.Fatalf("fetches = %d after the first token", n)
	}
	h.clock.Add(2 * time.Minute)
	_, err := assumeWeb(h, "gha", idp.sign(jose.RS256, "rotated", idp.claims(h.clock.Now())))
	apiError(t, err, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements", 400)
	if n := idp.fetches.Load(); n != 2 {
		t.Fatalf("fetches = %d, want one refresh", n)
	}
	_, err = assumeWeb(h, "gha", idp.sign(jose.RS256, "made-up", idp.claims(h.clock.Now())))
	apiError(t, err, "InvalidIdentityToken", "Couldn't retrieve verification key", 400)
	if n := idp.fetches.Load(); n != 2 {
		t.Fatalf("fetches = %d, want the refresh rate-limited", n)
	}
	// Known keys keep working from the cache.
	if _, err := assumeWeb(h, "gha", idp.sign(jose.ES256, "ec1", idp.claims(h.clock.Now()))); err != nil {
		t.Fatal(err)
	}
}

// TestWebIdentityIdPDown: an unreachable provider is IDPCommunicationError.
func TestWebIdentityIdPDown(t *testing.T) {
	idp := newTestIdP(t)
	h := start(t, withBootstrap(t, webIdentityBootstrap(idp, false)))
	token := idp.sign(jose.RS256, "rsa1", idp.claims(h.clock.Now()))
	idp.srv.Close()
	_, err := assumeWeb(h, "gha", token)
	// The model documents IDPCommunicationError (400); the message text is
	// the model's documentation, no AWS answer being recorded.
	apiError(t, err, "IDPCommunicationError", "The request could not be fulfilled because the identity provider", 400)
}
