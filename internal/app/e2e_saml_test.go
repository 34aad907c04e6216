package app_test

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/stsd/stsd/internal/app"
	"github.com/stsd/stsd/internal/federation/saml/samltest"
)

const (
	samlProviderARN = "arn:aws:iam::111111111111:saml-provider/corp"
	samlIssuer      = "https://idp.example.com/saml"
	samlAttr        = "https://aws.amazon.com/SAML/Attributes/"
)

// samlBootstrap registers the test IdP as provider "corp" and three roles:
// saml-dev trusts it for sessions with tags and a source identity when the
// Recipient is AWS's (the trust policy of the IAM User Guide's SAML
// examples), saml-plain without sts:TagSession, saml-other only for
// another subject.
func samlBootstrap(idp *samltest.IdP) string {
	return `
accounts:
  - id: "111111111111"
    saml_providers:
      - name: corp
        metadata: '` + idp.Metadata() + `'
    roles:
      - name: saml-dev
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Federated: "` + samlProviderARN + `"}
              Action: ["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"]
              Condition: {StringEquals: {"SAML:aud": "https://signin.aws.amazon.com/saml", "saml:iss": "` + samlIssuer + `", "saml:sub_type": "persistent"}}
      - name: saml-plain
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {Federated: "` + samlProviderARN + `"}, Action: "sts:AssumeRoleWithSAML"}
      - name: saml-other
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {Federated: "` + samlProviderARN + `"}, Action: "sts:AssumeRoleWithSAML", Condition: {StringEquals: {"saml:sub": "someone-else"}}}
`
}

// anonymousSTS is an STS client without credentials: AssumeRoleWithSAML
// is an unsigned call.
func (h *harness) anonymousSTS() *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(h.srv.URL), Credentials: aws.AnonymousCredentials{}, Retryer: transportRetryer(), HTTPClient: testHTTPClient()})
}

func samlRoles(roles ...string) samltest.Attribute {
	a := samltest.Attribute{Name: samlAttr + "Role"}
	for i, r := range roles {
		if i%2 == 0 {
			a.Values = append(a.Values, "arn:aws:iam::111111111111:role/"+r+","+samlProviderARN)
		} else {
			a.Values = append(a.Values, samlProviderARN+",arn:aws:iam::111111111111:role/"+r)
		}
	}
	return a
}

func samlAttrs(name string, values ...string) samltest.Attribute {
	return samltest.Attribute{Name: samlAttr + name, Values: values}
}

func TestAssumeRoleWithSAML(t *testing.T) {
	idp := samltest.New(t, samlIssuer)
	other := samltest.New(t, samlIssuer)
	h := start(t, withBootstrap(t, samlBootstrap(idp)))
	ctx := context.Background()
	client := h.anonymousSTS()
	now := h.clock.Now()
	full := idp.Defaults(now,
		samlRoles("saml-dev", "saml-plain", "saml-other"),
		samlAttrs("RoleSessionName", "alice@example.com"),
		samlAttrs("SessionDuration", "1800"),
		samlAttrs("SourceIdentity", "alice"),
		samlAttrs("PrincipalTag:Department", "Engineering"),
		samlAttrs("PrincipalTag:CostCenter", "12345"),
		samlAttrs("TransitiveTagKeys", "Department"),
	)
	plain := idp.Defaults(now, samlRoles("saml-dev", "saml-plain", "saml-other"), samlAttrs("RoleSessionName", "alice@example.com"))
	call := func(role, doc string, mutate ...func(*sts.AssumeRoleWithSAMLInput)) (*sts.AssumeRoleWithSAMLOutput, error) {
		in := &sts.AssumeRoleWithSAMLInput{
			RoleArn:       aws.String("arn:aws:iam::111111111111:role/" + role),
			PrincipalArn:  aws.String(samlProviderARN),
			SAMLAssertion: aws.String(samltest.Encode(doc)),
		}
		for _, m := range mutate {
			m(in)
		}
		return client.AssumeRoleWithSAML(ctx, in)
	}
	with := func(p samltest.Params, f func(*samltest.Params)) string {
		f(&p)
		return p.XML()
	}

	t.Run("success", func(t *testing.T) {
		out, err := call("saml-dev", idp.Sign(t, full.XML(), true, false))
		if err != nil {
			t.Fatal(err)
		}
		// NameQualifier = BASE64(SHA1(issuer + account + "/" + name))
		// (STS API reference, AssumeRoleWithSAML).
		sum := sha1.Sum([]byte(samlIssuer + "111111111111/corp"))
		if aws.ToString(out.Subject) != "alice@example.com" || aws.ToString(out.SubjectType) != "persistent" ||
			aws.ToString(out.Issuer) != samlIssuer || aws.ToString(out.Audience) != "https://signin.aws.amazon.com/saml" ||
			aws.ToString(out.NameQualifier) != base64.StdEncoding.EncodeToString(sum[:]) || aws.ToString(out.SourceIdentity) != "alice" {
			t.Fatalf("response %+v", out)
		}
		if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::111111111111:assumed-role/saml-dev/alice@example.com" ||
			!strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":alice@example.com") {
			t.Fatalf("assumed role user %+v", out.AssumedRoleUser)
		}
		if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
			t.Fatalf("PackedPolicySize %v", out.PackedPolicySize)
		}
		// SessionDuration (1800) is shorter than the default hour.
		if d := out.Credentials.Expiration.Sub(now); d < 1798*time.Second || d > 1800*time.Second {
			t.Fatalf("expires in %v", d)
		}
		id, err := h.withCreds(out.Credentials).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:assumed-role/saml-dev/alice@example.com" {
			t.Fatalf("caller %v %v", id, err)
		}
	})
	t.Run("response signed, provider listed first, SessionNotOnOrAfter earliest", func(t *testing.T) {
		doc := with(plain, func(p *samltest.Params) { p.SessionNotOnOrAfter = now.Add(20 * time.Minute) })
		out, err := call("saml-plain", idp.Sign(t, doc, false, true), func(in *sts.AssumeRoleWithSAMLInput) { in.DurationSeconds = aws.Int32(3600) })
		if err != nil {
			t.Fatal(err)
		}
		if d := out.Credentials.Expiration.Sub(now); d < 19*time.Minute || d > 20*time.Minute {
			t.Fatalf("expires in %v", d)
		}
		if out.PackedPolicySize != nil {
			t.Fatalf("PackedPolicySize %v without policies or tags", *out.PackedPolicySize)
		}
	})
	t.Run("comment-split NameID reads the whole text", func(t *testing.T) {
		doc := with(plain, func(p *samltest.Params) { p.NameID = "user@example.com.evil.com" })
		signed := strings.Replace(idp.Sign(t, doc, true, false), "user@example.com.evil.com", "user@example.com<!---->.evil.com", 1)
		out, err := call("saml-plain", signed)
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Subject) != "user@example.com.evil.com" {
			t.Fatalf("subject %q", aws.ToString(out.Subject))
		}
	})

	signed := idp.Sign(t, plain.XML(), true, false)
	genuine := signed[strings.Index(signed, "<saml:Assertion"):strings.Index(signed, "</samlp:Response>")]
	evil := strings.Replace(strings.Replace(plain.XML(), "alice@example.com</saml:NameID>", "admin@example.com</saml:NameID>", 1), `ID="_a1"`, `ID="_evil"`, 1)
	evil = evil[strings.Index(evil, "<saml:Assertion"):strings.Index(evil, "</samlp:Response>")]

	// Texts: IAM User Guide, troubleshoot_saml.html ("Response signature
	// invalid", "Specified provider doesn't exist.", "Response does not
	// contain the required audience.", "RoleSessionName is required in
	// AuthnResponse", "RoleSessionName in AuthnResponse must match ...",
	// "Not authorized to perform sts:AssumeRoleWithSAML" with 403);
	// "Token must be redeemed within 5 minutes of issuance" as quoted in
	// Nike-Inc/gimme-aws-creds#251; "Issuer not present in specified
	// provider" as quoted in dbeaver/cloudbeaver#3112. The recipient,
	// not-yet-valid, malformed and IdP-status texts are stsd's own (no
	// record of AWS's); codes and statuses are the STS model's.
	refusals := []struct {
		name, role, doc string
		mutate          func(*sts.AssumeRoleWithSAMLInput)
		code, msg       string
		status          int
	}{
		{"unknown provider", "saml-dev", signed, func(in *sts.AssumeRoleWithSAMLInput) {
			in.PrincipalArn = aws.String("arn:aws:iam::111111111111:saml-provider/nope")
		}, "InvalidIdentityToken", "Specified provider doesn't exist.", 400},
		{"unsigned", "saml-plain", plain.XML(), nil, "InvalidIdentityToken", "Response signature invalid", 400},
		{"signed by another key", "saml-plain", other.Sign(t, plain.XML(), true, false), nil, "InvalidIdentityToken", "Response signature invalid", 400},
		{"altered after signing", "saml-plain", strings.Replace(signed, "alice@example.com</saml:NameID>", "admin@example.com</saml:NameID>", 1), nil, "InvalidIdentityToken", "Response signature invalid", 400},
		{"XSW: evil assertion before the signed one", "saml-plain", strings.Replace(signed, genuine, evil+genuine, 1), nil, "InvalidIdentityToken", "Response signature invalid", 400},
		{"XSW: signed assertion hidden in Extensions", "saml-plain", strings.Replace(signed, genuine, "<samlp:Extensions>"+genuine+"</samlp:Extensions>"+evil, 1), nil, "InvalidIdentityToken", "Response signature invalid", 400},
		{"second unsigned assertion after the signed one", "saml-plain", strings.Replace(signed, "</samlp:Response>", evil+"</samlp:Response>", 1), nil, "InvalidIdentityToken", "Response signature invalid", 400},
		{"DOCTYPE with entities", "saml-plain", `<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>` + signed, nil, "InvalidIdentityToken", "Invalid SAML response.", 400},
		{"expired", "saml-plain", idp.Sign(t, with(plain, func(p *samltest.Params) {
			p.IssueInstant, p.ConfirmNotOnOrAfter, p.NotOnOrAfter = now.Add(-2*time.Hour), now.Add(-time.Hour), now.Add(-time.Hour)
		}), true, false), nil, "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400},
		{"not yet valid", "saml-plain", idp.Sign(t, with(plain, func(p *samltest.Params) { p.NotBefore = now.Add(time.Hour) }), true, false), nil, "InvalidIdentityToken", "The SAML response is not yet valid.", 400},
		{"wrong audience", "saml-plain", idp.Sign(t, with(plain, func(p *samltest.Params) { p.Audience = "https://sp.evil.example/" }), true, false), nil, "InvalidIdentityToken", "Response does not contain the required audience.", 400},
		{"wrong recipient", "saml-plain", idp.Sign(t, with(plain, func(p *samltest.Params) { p.Recipient = "https://sp.evil.example/acs" }), true, false), nil, "InvalidIdentityToken", "Response does not contain the required recipient.", 400},
		{"wrong issuer", "saml-plain", idp.Sign(t, with(plain, func(p *samltest.Params) { p.Issuer = "https://other.example.com/" }), true, false), nil, "InvalidIdentityToken", "Issuer not present in specified provider", 400},
		{"IdP status not Success", "saml-plain", idp.Sign(t, with(plain, func(p *samltest.Params) { p.Status = "urn:oasis:names:tc:SAML:2.0:status:Responder" }), true, true), nil, "IDPRejectedClaim", "The identity provider did not report success", 403},
		{"unlisted role", "demo", signed, nil, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403},
		{"trust policy condition not met", "saml-other", signed, nil, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403},
		{"tags without sts:TagSession", "saml-plain", idp.Sign(t, full.XML(), true, false), nil, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403},
		{"no RoleSessionName", "saml-plain", idp.Sign(t, idp.Defaults(now, samlRoles("saml-plain")).XML(), true, false), nil, "InvalidIdentityToken", "RoleSessionName is required in AuthnResponse", 400},
		{"bad RoleSessionName", "saml-plain", idp.Sign(t, idp.Defaults(now, samlRoles("saml-plain"), samlAttrs("RoleSessionName", "a b")).XML(), true, false), nil, "InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}", 400},
		{"bad SourceIdentity", "saml-dev", idp.Sign(t, idp.Defaults(now, samlRoles("saml-dev"), samlAttrs("RoleSessionName", "alice"), samlAttrs("SourceIdentity", "aws:alice")).XML(), true, false), nil, "InvalidIdentityToken", `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`, 400},
		// Tag keys and values from the IdP obey the model's tag patterns
		// ([\p{L}\p{Z}\p{N}_.:/=+\-@]), as an AssumeRole caller's do.
		{"PrincipalTag key outside the tag character set", "saml-dev", idp.Sign(t, idp.Defaults(now, samlRoles("saml-dev"), samlAttrs("RoleSessionName", "alice"), samlAttrs("PrincipalTag:Dept*", "x")).XML(), true, false), nil, "InvalidIdentityToken", "PrincipalTag attributes in AuthnResponse exceed the session tag limits", 400},
		{"PrincipalTag value outside the tag character set", "saml-dev", idp.Sign(t, idp.Defaults(now, samlRoles("saml-dev"), samlAttrs("RoleSessionName", "alice"), samlAttrs("PrincipalTag:Dept", "a;b")).XML(), true, false), nil, "InvalidIdentityToken", "PrincipalTag attributes in AuthnResponse exceed the session tag limits", 400},
		{"DurationSeconds over the role's maximum", "saml-plain", signed, func(in *sts.AssumeRoleWithSAMLInput) { in.DurationSeconds = aws.Int32(7200) },
			"ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400},
		{"session policy not JSON", "saml-plain", signed, func(in *sts.AssumeRoleWithSAMLInput) { in.Policy = aws.String("{nope") },
			"MalformedPolicyDocument", "The policy is not in the valid JSON format.", 400},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			var ms []func(*sts.AssumeRoleWithSAMLInput)
			if r.mutate != nil {
				ms = append(ms, r.mutate)
			}
			_, err := call(r.role, r.doc, ms...)
			apiError(t, err, r.code, r.msg, r.status)
		})
	}
}

// An operator whose IdP sends assertions for stsd itself sets the accepted
// audience and recipient (--saml-audiences, --saml-recipient); AWS's
// sign-in URL is then no longer accepted.
func TestAssumeRoleWithSAMLConfiguredAudience(t *testing.T) {
	idp := samltest.New(t, samlIssuer)
	const audience, recipient = "urn:stsd:sp", "https://stsd.example.com/saml"
	h := start(t, func(c *app.Config) {
		withBootstrap(t, samlBootstrap(idp))(c)
		c.SAMLAudiences = []string{audience}
		c.SAMLRecipient = recipient
	})
	ctx := context.Background()
	params := idp.Defaults(h.clock.Now(), samlRoles("saml-plain"), samlAttrs("RoleSessionName", "alice@example.com"))
	params.Audience, params.Recipient, params.Destination = audience, recipient, recipient
	in := func(doc string) *sts.AssumeRoleWithSAMLInput {
		return &sts.AssumeRoleWithSAMLInput{
			RoleArn:       aws.String("arn:aws:iam::111111111111:role/saml-plain"),
			PrincipalArn:  aws.String(samlProviderARN),
			SAMLAssertion: aws.String(samltest.Encode(doc)),
		}
	}
	out, err := h.anonymousSTS().AssumeRoleWithSAML(ctx, in(idp.Sign(t, params.XML(), true, false)))
	if err != nil {
		t.Fatal(err)
	}
	// The response's Audience is "the value of the Recipient attribute of
	// the SubjectConfirmationData element" (STS API reference,
	// AssumeRoleWithSAML).
	if aws.ToString(out.Audience) != recipient {
		t.Fatalf("Audience = %s", aws.ToString(out.Audience))
	}
	aws1 := idp.Defaults(h.clock.Now(), samlRoles("saml-plain"), samlAttrs("RoleSessionName", "alice@example.com"))
	aws1.Recipient, aws1.Destination = recipient, recipient // only the audience is AWS's
	_, err = h.anonymousSTS().AssumeRoleWithSAML(ctx, in(idp.Sign(t, aws1.XML(), true, false)))
	apiError(t, err, "InvalidIdentityToken", "Response does not contain the required audience.", 400)
}
