package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/federation/saml/samltest"
)

const (
	roleLastUsedRootKey    = "AKIALASTUSEDROOT0001"
	roleLastUsedRootSecret = "lastUsedRootSecret0000000000000000000000"
)

// roleLastUsedBootstrap gives account 111111111111 a root key (to read
// its roles over IAM), the OIDC and SAML test IdPs as providers, and one
// role trusting each.
func roleLastUsedBootstrap(oidcIdP *testIdP, samlIdP *samltest.IdP) string {
	return `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: ` + roleLastUsedRootKey + `, secret: "` + roleLastUsedRootSecret + `"}
    oidc_providers:
      - url: ` + oidcIdP.issuer() + `
        client_ids: [sts.amazonaws.com]
    saml_providers:
      - name: corp
        metadata: '` + samlIdP.Metadata() + `'
    roles:
      - name: web
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRoleWithWebIdentity",
          Principal: {Federated: "arn:aws:iam::111111111111:oidc-provider/` + oidcIdP.hostPath() + `"}}]}
      - name: saml
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRoleWithSAML",
          Principal: {Federated: "` + samlProviderARN + `"}}]}
`
}

// A role's last use counts however its session was made, not only by
// AssumeRole. IAM reports "the last time that an IAM role was used" and
// "the Region in which the role was last used" (IAM API reference,
// RoleLastUsed) without naming the operations that count, and tells
// administrators to review it before deleting a role "because you don't
// want to remove access from someone using the role" (IAM User Guide,
// id_roles_manage_delete.html, "Viewing role access"): a role that only
// web identity or SAML users assume is in use all the same.
// AssumeRoleWithWebIdentity and AssumeRoleWithSAML are unsigned, so stsd
// takes the session as made in us-east-1, the region STS's global
// endpoint maps to.
func TestRoleLastUsedFederated(t *testing.T) {
	oidcIdP := newTestIdP(t)
	samlIdP := samltest.New(t, samlIssuer)
	h := start(t, withBootstrap(t, roleLastUsedBootstrap(oidcIdP, samlIdP)))
	ctx := context.Background()
	admin := h.iamClient(roleLastUsedRootKey, roleLastUsedRootSecret, "")

	lastUsed := func(role string) (time.Time, string) {
		t.Helper()
		if err := h.app.FlushLastUsed(ctx); err != nil {
			t.Fatal(err)
		}
		out, err := admin.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		lu := out.Role.RoleLastUsed
		if lu == nil {
			t.Fatalf("GetRole(%s) has no RoleLastUsed", role)
		}
		return aws.ToTime(lu.LastUsedDate), aws.ToString(lu.Region)
	}
	for _, role := range []string{"web", "saml"} {
		if at, region := lastUsed(role); !at.IsZero() || region != "" {
			t.Fatalf("%s before any session: last used %v in %q", role, at, region)
		}
	}

	// A web identity session marks its role used, at the session's issue
	// time (whole seconds, as the token carries it).
	webAt := h.clock.Now().UTC().Truncate(time.Second)
	if _, err := assumeWeb(h, "web", oidcIdP.sign(jose.RS256, "rsa1", oidcIdP.claims(h.clock.Now()))); err != nil {
		t.Fatal(err)
	}
	if at, region := lastUsed("web"); !at.Equal(webAt) || region != "us-east-1" {
		t.Fatalf("web: last used %v in %q, want %v in us-east-1", at, region, webAt)
	}
	if at, _ := lastUsed("saml"); !at.IsZero() {
		t.Fatalf("saml used by a web identity session: %v", at)
	}

	// A SAML session a minute later marks its own role, and leaves the
	// other's date alone.
	h.clock.Add(time.Minute)
	samlAt := h.clock.Now().UTC().Truncate(time.Second)
	doc := samlIdP.Defaults(h.clock.Now(), samlRoles("saml"), samlAttrs("RoleSessionName", "alice@example.com")).XML()
	if _, err := h.anonymousSTS().AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn:       aws.String("arn:aws:iam::111111111111:role/saml"),
		PrincipalArn:  aws.String(samlProviderARN),
		SAMLAssertion: aws.String(samltest.Encode(samlIdP.Sign(t, doc, true, false))),
	}); err != nil {
		t.Fatal(err)
	}
	if at, region := lastUsed("saml"); !at.Equal(samlAt) || region != "us-east-1" {
		t.Fatalf("saml: last used %v in %q, want %v in us-east-1", at, region, samlAt)
	}
	if at, _ := lastUsed("web"); !at.Equal(webAt) {
		t.Fatalf("web after the SAML session: last used %v, want %v", at, webAt)
	}
}
