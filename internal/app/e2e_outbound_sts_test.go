package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	jose "github.com/go-jose/go-jose/v4"
)

// GetWebIdentityToken end to end: the real SDK clients enable outbound
// identity federation (IAM) and ask for tokens (STS); each token is checked
// as an external verifier would check it, with the key set fetched over
// HTTP from the issuer URL the token names.
//
// Sources: STS API reference, GetWebIdentityToken; IAM User Guide,
// id_roles_providers_outbound_token_claims.html (claims) and
// id_roles_providers_outbound_policies.html (condition keys); the decoded
// real token in the AWS News Blog post of 2025-11-19. No AWS wire text of
// the operation's refusals is recorded anywhere (LocalStack snapshots,
// moto, issues, blogs): the messages checked below are stsd's, worded from
// the first sentence of each exception's description in the API reference.

const (
	outAcct        = "111111111111"
	outRootKey     = "AKIAOUTROOT000000001"
	outRootSecret  = "outRootSecret000000000000000000000000000"
	outAliceKey    = "AKIAOUTALICE00000001"
	outAliceSecret = "outAliceSecret00000000000000000000000000"
	outBobKey      = "AKIAOUTBOB0000000001"
	outBobSecret   = "outBobSecret0000000000000000000000000000"
	outCarolKey    = "AKIAOUTCAROL00000001"
	outCarolSecret = "outCarolSecret00000000000000000000000000"
	outAliceARN    = "arn:aws:iam::111111111111:user/eng/alice"
	outAppARN      = "arn:aws:iam::111111111111:role/svc/app"
	outAPI         = "https://api.example.com"
)

// witBootstrap: alice may get tokens with tags and assume app; bob
// may do nothing; carol may get ES384 tokens for outAPI only (the
// ForAllValues form that field tests on AWS found to refuse mixed
// audiences), without tags. Roles app (assumed by alice) and web (by
// web identity, tagged) may get tokens.
func witBootstrap(idp *testIdP) string {
	return fmt.Sprintf(`
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: %[3]s, secret: "%[4]s"}
    oidc_providers:
      - url: %[1]s
        client_ids: [sts.amazonaws.com]
    users:
      - name: alice
        path: /eng/
        tags: {team: blue}
        access_keys: [{id: %[5]s, secret: "%[6]s"}]
        inline_policies:
          jwt:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: [sts:GetWebIdentityToken, sts:TagGetWebIdentityToken], Resource: "*"}
              - {Effect: Allow, Action: [sts:AssumeRole, sts:SetSourceIdentity, sts:GetFederationToken], Resource: "*"}
      - name: bob
        access_keys: [{id: %[7]s, secret: "%[8]s"}]
      - name: carol
        access_keys: [{id: %[9]s, secret: "%[10]s"}]
        inline_policies:
          jwt:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sts:GetWebIdentityToken
                Resource: "*"
                Condition:
                  "ForAllValues:StringEquals": {"sts:IdentityTokenAudience": ["%[11]s"]}
                  StringEquals: {"sts:SigningAlgorithm": ES384}
    roles:
      - name: app
        path: /svc/
        tags: {env: prod}
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "%[12]s"}, Action: [sts:AssumeRole, sts:SetSourceIdentity]}
        inline_policies:
          jwt: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: sts:GetWebIdentityToken, Resource: "*"}]}
      - name: web
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Federated: "arn:aws:iam::111111111111:oidc-provider/%[2]s"}
              Action: [sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity]
        inline_policies:
          jwt: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: sts:GetWebIdentityToken, Resource: "*"}]}
`, idp.issuer(), idp.hostPath(), outRootKey, outRootSecret, outAliceKey, outAliceSecret,
		outBobKey, outBobSecret, outCarolKey, outCarolSecret, outAPI, outAliceARN)
}

// witEnable turns the feature on with the real IAM client and returns
// the issuer URL.
func witEnable(t testing.TB, c *iam.Client) string {
	t.Helper()
	out, err := c.EnableOutboundWebIdentityFederation(context.Background(), &iam.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.IssuerIdentifier)
}

// witVerify checks a token as an external service would: fetch the key
// set from the iss the token names, verify the signature with the key its
// kid names, and return the header and claims.
func witVerify(t *testing.T, token, alg string) (jose.Header, map[string]any) {
	t.Helper()
	sig, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
	if err != nil {
		t.Fatalf("parse %s token: %v", alg, err)
	}
	// The iss is read unverified only to find the key set.
	var unverified struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(sig.UnsafePayloadWithoutVerification(), &unverified); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(unverified.Iss + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("JWKS: %d %v", resp.StatusCode, err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatal(err)
	}
	h := sig.Signatures[0].Header
	keys := set.Key(h.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q names %d published keys", h.KeyID, len(keys))
	}
	payload, err := sig.Verify(keys[0])
	if err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return h, claims
}

func witToken(ctx context.Context, c *sts.Client, alg string, mut ...func(*sts.GetWebIdentityTokenInput)) (*sts.GetWebIdentityTokenOutput, error) {
	in := &sts.GetWebIdentityTokenInput{Audience: []string{outAPI}, SigningAlgorithm: aws.String(alg)}
	for _, m := range mut {
		m(in)
	}
	return c.GetWebIdentityToken(ctx, in)
}

func TestGetWebIdentityToken(t *testing.T) {
	idp := newTestIdP(t)
	// The harness's public URL is its own server's, so verifiers fetch
	// keys from stsd itself.
	h := start(t, withBootstrap(t, witBootstrap(idp)))
	public := h.srv.URL
	ctx := context.Background()
	alice := h.stsClient(outAliceKey, outAliceSecret, "")

	// Never enabled.
	_, err := witToken(ctx, alice, "RS256")
	apiError(t, err, "OutboundWebIdentityFederationDisabledException", "The outbound web identity federation feature is not enabled for this account.", 403)

	issuer := witEnable(t, h.iamClient(outRootKey, outRootSecret, ""))
	if !strings.HasPrefix(issuer, public+"/outbound/") {
		t.Fatalf("issuer %q is not under the public URL %s", issuer, public)
	}

	// The callers: a role session of app (with a source identity), a
	// role session from a web identity (session tags, source identity,
	// provider). alice's GetSessionToken session is refused: such a session
	// "cannot call any STS API except AssumeRole or GetCallerIdentity"
	// (STS API reference, GetSessionToken).
	role, err := assume(alice, outAppARN, "job-1", func(in *sts.AssumeRoleInput) { in.SourceIdentity = aws.String("alice") })
	if err != nil {
		t.Fatal(err)
	}
	c := idp.claims(h.clock.Now())
	c["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"Project": []string{"Automation"}}}
	c["https://aws.amazon.com/source_identity"] = "octocat"
	web, err := assumeWeb(h, "web", idp.sign(jose.ES256, "ec1", c))
	if err != nil {
		t.Fatal(err)
	}
	userSession, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(3600)})
	if err != nil {
		t.Fatal(err)
	}
	expOf := func(c *types.Credentials) string { return c.Expiration.UTC().Format(time.RFC3339) }

	cases := []struct {
		name   string
		client *sts.Client
		alg    string
		mut    func(*sts.GetWebIdentityTokenInput)
		sub    string
		aud    any
		ttl    int64
		region string
		ns     map[string]any // namespace claims besides aws_account, source_region, principal_id
	}{
		{"user RS256 with request tags", alice, "RS256", func(in *sts.GetWebIdentityTokenInput) {
			in.Tags = []types.Tag{{Key: aws.String("scope"), Value: aws.String("case:read")}, {Key: aws.String("job"), Value: aws.String("")}}
		}, outAliceARN, outAPI, 300, "us-east-1",
			map[string]any{"principal_tags": map[string]any{"team": "blue"}, "request_tags": map[string]any{"scope": "case:read", "job": ""}}},
		{"user ES384, two audiences in order, an hour, eu-north-1",
			h.stsClient(outAliceKey, outAliceSecret, "", func(o *sts.Options) { o.Region = "eu-north-1" }), "ES384",
			func(in *sts.GetWebIdentityTokenInput) {
				in.Audience = []string{"urn:z", outAPI}
				in.DurationSeconds = aws.Int32(3600)
			}, outAliceARN, []any{"urn:z", outAPI}, 3600, "eu-north-1",
			map[string]any{"principal_tags": map[string]any{"team": "blue"}}},
		{"root RS256", h.stsClient(outRootKey, outRootSecret, ""), "RS256", nil,
			"arn:aws:iam::111111111111:root", outAPI, 300, "us-east-1", map[string]any{}},
		{"root ES384", h.stsClient(outRootKey, outRootSecret, ""), "ES384", nil,
			"arn:aws:iam::111111111111:root", outAPI, 300, "us-east-1", map[string]any{}},
		{"role session: sub is the role ARN", h.withCreds(role.Credentials), "ES384",
			func(in *sts.GetWebIdentityTokenInput) { in.DurationSeconds = aws.Int32(60) },
			outAppARN, outAPI, 60, "us-east-1",
			map[string]any{"principal_tags": map[string]any{"env": "prod"}, "original_session_exp": expOf(role.Credentials), "source_identity": "alice"}},
		{"web identity role session", h.withCreds(web.Credentials), "RS256", nil,
			"arn:aws:iam::111111111111:role/web", outAPI, 300, "us-east-1",
			map[string]any{"principal_tags": map[string]any{"Project": "Automation"}, "original_session_exp": expOf(web.Credentials),
				"source_identity": "octocat", "federated_provider": "arn:aws:iam::111111111111:oidc-provider/" + idp.hostPath()}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mut := []func(*sts.GetWebIdentityTokenInput){}
			if c.mut != nil {
				mut = append(mut, c.mut)
			}
			out, err := witToken(ctx, c.client, c.alg, mut...)
			if err != nil {
				t.Fatal(err)
			}
			hdr, got := witVerify(t, aws.ToString(out.WebIdentityToken), c.alg)
			if hdr.Algorithm != c.alg || hdr.ExtraHeaders["typ"] != "JWT" || hdr.KeyID == "" {
				t.Errorf("header %+v", hdr)
			}
			iat, _ := got["iat"].(float64)
			if now := float64(h.clock.Now().Unix()); iat < now-1 || iat > now {
				t.Errorf("iat %v, now %v", iat, now)
			}
			jti, _ := got["jti"].(string)
			if len(jti) != 36 || jti[14] != '4' || strings.Count(jti, "-") != 4 {
				t.Errorf("jti %q is not a UUID v4", jti)
			}
			ns := map[string]any{"aws_account": outAcct, "source_region": c.region, "principal_id": c.sub}
			for k, v := range c.ns {
				ns[k] = v
			}
			want := map[string]any{
				"iss": issuer, "sub": c.sub, "aud": c.aud, "iat": iat, "exp": iat + float64(c.ttl), "jti": jti,
				"https://sts.amazonaws.com/": ns,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("claims\n got %v\nwant %v", got, want)
			}
			if want := time.Unix(int64(iat)+c.ttl, 0); !out.Expiration.Equal(want) {
				t.Errorf("Expiration %v, want exp %v", out.Expiration, want)
			}
		})
	}

	_, err = witToken(ctx, h.withCreds(userSession.Credentials), "RS256")
	apiError(t, err, "AccessDenied", "User: "+outAliceARN+" is not authorized to perform: sts:GetWebIdentityToken", 403)

	// A GetWebIdentityToken token is no way into AWS: AssumeRoleWithWebIdentity
	// refuses it even once its issuer is registered as a provider that a
	// role trusts.
	rootIAM := h.iamClient(outRootKey, outRootSecret, "")
	if _, err := rootIAM.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"sts.amazonaws.com"}}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/` +
		strings.TrimPrefix(issuer, "http://") + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	if _, err := rootIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("loop"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	own, err := witToken(ctx, alice, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.Audience = []string{"sts.amazonaws.com"} })
	if err != nil {
		t.Fatal(err)
	}
	_, err = assumeWeb(h, "loop", aws.ToString(own.WebIdentityToken))
	apiError(t, err, "InvalidIdentityToken", "Tokens issued by GetWebIdentityToken (issuer "+issuer+") cannot be used for OpenID Connect federation with AssumeRoleWithWebIdentity.", 400)

	// Disable: no more tokens, but one issued before still verifies
	// (Disable "does not affect tokens that were issued before", IAM API
	// reference, DisableOutboundWebIdentityFederation).
	if _, err := rootIAM.DisableOutboundWebIdentityFederation(ctx, &iam.DisableOutboundWebIdentityFederationInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = witToken(ctx, alice, "ES384")
	apiError(t, err, "OutboundWebIdentityFederationDisabledException", "The outbound web identity federation feature is not enabled for this account.", 403)
	witVerify(t, aws.ToString(own.WebIdentityToken), "RS256")
}

func TestGetWebIdentityTokenRefusals(t *testing.T) {
	idp := newTestIdP(t)
	h := start(t, withBootstrap(t, witBootstrap(idp)))
	ctx := context.Background()
	witEnable(t, h.iamClient(outRootKey, outRootSecret, ""))
	alice := h.stsClient(outAliceKey, outAliceSecret, "")
	bob := h.stsClient(outBobKey, outBobSecret, "")
	carol := h.stsClient(outCarolKey, outCarolSecret, "")
	// AWS's full AccessDenied text for this action is not recorded: field
	// tests on AWS match "not authorized to perform:
	// sts:GetWebIdentityToken" (and sts:TagGetWebIdentityToken), and an
	// audience mismatch was seen as "no identity-based policy allows ...".
	// The actions have no resource type, so stsd names the resource "*",
	// as for its other resourceless actions.
	denied := func(who, action string) string {
		return "User: " + who + " is not authorized to perform: " + action + " on resource: * because no identity-based policy allows the " + action + " action"
	}
	tags := func(in *sts.GetWebIdentityTokenInput) {
		in.Tags = []types.Tag{{Key: aws.String("scope"), Value: aws.String("read")}}
	}

	// The model's constraints, in AWS's generated wording (STS model:
	// DurationSeconds 60..3600, Audience members 1..1000 characters).
	_, err := witToken(ctx, alice, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.DurationSeconds = aws.Int32(30) })
	apiError(t, err, "ValidationError", "1 validation error detected: Value '30' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60", 400)
	_, err = witToken(ctx, alice, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.DurationSeconds = aws.Int32(3601) })
	apiError(t, err, "ValidationError", "1 validation error detected: Value '3601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600", 400)
	long := strings.Repeat("a", 1001)
	_, err = witToken(ctx, alice, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.Audience = []string{long} })
	apiError(t, err, "ValidationError", "1 validation error detected: Value '"+long+"' at 'audience.1.member' failed to satisfy constraint: Member must have length less than or equal to 1000", 400)
	_, err = witToken(ctx, alice, "RS")
	apiError(t, err, "ValidationError", "1 validation error detected: Value 'RS' at 'signingAlgorithm' failed to satisfy constraint: Member must have length greater than or equal to 5", 400)
	// A five-character algorithm passes the model; stsd's wording refuses
	// it as the generated enum violations are worded (AWS's refusal is
	// undocumented).
	_, err = witToken(ctx, alice, "RS384")
	apiError(t, err, "ValidationError", "1 validation error detected: Value 'RS384' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]", 400)

	// Duplicate keys, in any case, as for session tags (AWS's recorded
	// AssumeRole text, LocalStack snapshot test_sts.snapshot.json).
	_, err = witToken(ctx, alice, "RS256", func(in *sts.GetWebIdentityTokenInput) {
		in.Tags = []types.Tag{{Key: aws.String("Scope"), Value: aws.String("a")}, {Key: aws.String("scope"), Value: aws.String("b")}}
	})
	apiError(t, err, "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)

	// Permissions: none at all; an audience or algorithm carol's policy
	// does not allow; tags without sts:TagGetWebIdentityToken.
	_, err = witToken(ctx, bob, "RS256")
	apiError(t, err, "AccessDenied", denied("arn:aws:iam::111111111111:user/bob", "sts:GetWebIdentityToken"), 403)
	if _, err := witToken(ctx, carol, "ES384"); err != nil {
		t.Fatalf("carol's allowed request: %v", err)
	}
	_, err = witToken(ctx, carol, "ES384", func(in *sts.GetWebIdentityTokenInput) { in.Audience = []string{outAPI, "https://evil.example"} })
	apiError(t, err, "AccessDenied", denied("arn:aws:iam::111111111111:user/carol", "sts:GetWebIdentityToken"), 403)
	_, err = witToken(ctx, carol, "ES384", func(in *sts.GetWebIdentityTokenInput) { in.Audience = []string{"https://evil.example"} })
	apiError(t, err, "AccessDenied", denied("arn:aws:iam::111111111111:user/carol", "sts:GetWebIdentityToken"), 403)
	_, err = witToken(ctx, carol, "RS256")
	apiError(t, err, "AccessDenied", denied("arn:aws:iam::111111111111:user/carol", "sts:GetWebIdentityToken"), 403)
	_, err = witToken(ctx, carol, "ES384", tags)
	apiError(t, err, "AccessDenied", denied("arn:aws:iam::111111111111:user/carol", "sts:TagGetWebIdentityToken"), 403)

	// A federated user is kept to GetCallerIdentity (STS API reference,
	// GetFederationToken).
	fed, err := alice.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Bob"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = witToken(ctx, h.withCreds(fed.Credentials), "RS256")
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:federated-user/Bob is not authorized to perform: sts:GetWebIdentityToken", 403)

	// The token may not outlive the caller's session: a 15-minute role
	// session allows 900 seconds now, and after 10 minutes no more than
	// the 300 left.
	role, err := assume(alice, outAppARN, "short", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(900) })
	if err != nil {
		t.Fatal(err)
	}
	short := h.withCreds(role.Credentials)
	escalation := "The requested token duration would extend the session beyond its original expiration time."
	_, err = witToken(ctx, short, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.DurationSeconds = aws.Int32(901) })
	apiError(t, err, "SessionDurationEscalationException", escalation, 403)
	if _, err := witToken(ctx, short, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.DurationSeconds = aws.Int32(900) }); err != nil {
		t.Fatalf("a token ending with the session: %v", err)
	}
	h.clock.Add(10 * time.Minute)
	_, err = witToken(ctx, short, "ES384", func(in *sts.GetWebIdentityTokenInput) { in.DurationSeconds = aws.Int32(301) })
	apiError(t, err, "SessionDurationEscalationException", escalation, 403)
	if _, err := witToken(ctx, short, "ES384"); err != nil {
		t.Fatalf("the default 300 seconds within the 300 left: %v", err)
	}
	h.clock.Add(time.Second)
	_, err = witToken(ctx, short, "ES384")
	apiError(t, err, "SessionDurationEscalationException", escalation, 403)

	// The payload limit (16 KiB, stsd's number: AWS publishes none): the
	// most tags the model allows, each as long as it allows.
	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprintf("%s%02d", strings.Repeat("k", 126), i)), Value: aws.String(strings.Repeat("v", 256))}
	}
	_, err = witToken(ctx, alice, "RS256", func(in *sts.GetWebIdentityTokenInput) { in.Tags = many })
	apiError(t, err, "JWTPayloadSizeExceededException", "The requested token payload size exceeds the maximum allowed size.", 400)
	// The longest audiences the model allows fit (about 10 KB)...
	auds := make([]string, 10)
	for i := range auds {
		auds[i] = fmt.Sprintf("%04d%s", i, strings.Repeat("a", 996))
	}
	out, err := witToken(ctx, alice, "ES384", func(in *sts.GetWebIdentityTokenInput) { in.Audience = auds })
	if err != nil {
		t.Fatalf("ten 1,000-character audiences: %v", err)
	}
	if _, claims := witVerify(t, aws.ToString(out.WebIdentityToken), "ES384"); len(claims["aud"].([]any)) != 10 {
		t.Fatalf("aud %v", claims["aud"])
	}
	// ...but not with twenty long tags besides.
	_, err = witToken(ctx, alice, "ES384", func(in *sts.GetWebIdentityTokenInput) {
		in.Audience = auds
		in.Tags = many[:20]
	})
	apiError(t, err, "JWTPayloadSizeExceededException", "The requested token payload size exceeds the maximum allowed size.", 400)
}

// BenchmarkGetWebIdentityToken measures the server side of a token request:
// signature check, the caller's policies, the account's issuer (cached
// keys), claims and the RS256 or ES384 signature.
func BenchmarkGetWebIdentityToken(b *testing.B) {
	for _, alg := range []string{"RS256", "ES384"} {
		b.Run(alg, func(b *testing.B) {
			h := start(b, nil)
			witEnable(b, h.rootIAM())
			benchSigned(b, h, rootKeyID, rootSecret, "",
				"Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=https%3A%2F%2Fapi.example.com&SigningAlgorithm="+alg)
		})
	}
}
