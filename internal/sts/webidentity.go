package sts

import (
	"context"
	"errors"
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/federation/oidc"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Actions a web-identity caller is checked for.
const (
	actionAssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity"
	// msgWebIdentityDenied is AWS's refusal when the trust policy does not
	// allow the call (recorded in aws/aws-sdk-js-v3#6225,
	// aws-amplify/aws-sdk-android#9: AccessDenied, 403). The same wording
	// for sts:TagSession and sts:SetSourceIdentity is stsd's.
	msgWebIdentityDenied = "Not authorized to perform %s"
	// msgOAuthProvider refuses ProviderId: AWS verifies OAuth 2.0 access
	// tokens of www.amazon.com and graph.facebook.com by asking those
	// providers, which stsd does not do.
	msgOAuthProvider = "stsd cannot verify OAuth 2.0 access tokens (ProviderId %s); use an OpenID Connect ID token from a provider registered in the role's account and omit ProviderId."
)

// webIdentity holds what AssumeRoleWithWebIdentity keeps between requests:
// the token verifier and its key-set caches.
type webIdentity struct {
	verifier *oidc.Verifier
}

func newWebIdentity(cfg Config) *webIdentity {
	return &webIdentity{verifier: oidc.New(oidc.Config{HTTPClient: cfg.HTTPClient, Now: cfg.Now})}
}

// AssumeRoleWithWebIdentity exchanges an OIDC ID token for role
// credentials. The token must come from an OIDC provider registered in the
// role's account (its iss names the provider), be signed by one of the
// provider's keys and be meant for one of its client ids; the role's trust
// policy must then allow the provider (Federated = provider ARN) to call
// sts:AssumeRoleWithWebIdentity, and sts:TagSession / sts:SetSourceIdentity
// when the token carries session tags or a source identity.
//
// Like AWS, stsd keeps no record of redeemed tokens: a token can be
// redeemed again until its exp (plus oidc.Skew).
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, call *rpc.Call, in *stsapi.AssumeRoleWithWebIdentityRequest) (*stsapi.AssumeRoleWithWebIdentityResponse, error) {
	res, err := arn.ParseIAM(in.RoleArn)
	if err != nil {
		return nil, apierr.New(apierr.ValidationError, "%s is invalid", in.RoleArn)
	}
	if in.ProviderId != "" {
		return nil, apierr.New(oidc.CodeInvalidIdentityToken, msgOAuthProvider, in.ProviderId)
	}
	tok, err := oidc.ParseToken(in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	own, err := s.ownIssuer(ctx, tok.Claims.Issuer)
	if err != nil {
		return nil, err
	}
	if own {
		return nil, apierr.New(oidc.CodeInvalidIdentityToken, msgOwnIssuer, tok.Claims.Issuer)
	}
	provider, hostPath, err := s.webIdentityProvider(ctx, res.AccountID, tok.Claims.Issuer)
	if err != nil {
		return nil, err
	}
	id, err := s.webIdentity.verifier.Verify(ctx, tok, provider)
	if err != nil {
		return nil, err
	}

	denied := func(action string) error {
		return apierr.New(apierr.AccessDenied, msgWebIdentityDenied, action)
	}
	passed := make([]stsapi.Tag, len(id.Tags))
	for i, t := range id.Tags {
		passed[i] = stsapi.Tag{Key: t.Key, Value: t.Value}
	}
	rs := roleSessionSpec{name: in.RoleSessionName, sourceIdentity: id.SourceIdentity, federatedProvider: provider.ARN}
	trust, err := s.targetRoleSession(ctx, &rs, res, func() error { return denied(actionAssumeRoleWithWebIdentity) },
		in.DurationSeconds, false, passed, id.TransitiveTagKeys, nil)
	if err != nil {
		return nil, err
	}
	if err := s.scopePolicies(ctx, &rs.scope, in.Policy, in.PolicyArns, rs.role.AccountID); err != nil {
		return nil, err
	}

	q := &authz.Query{
		Resource:       rs.roleARN,
		Facts:          call.Facts(),
		Keys:           webIdentityKeys(in, provider.ARN, hostPath, id, passed),
		ResourcePolicy: trustPolicy(&rs, trust),
	}
	// A federated caller has no identity policies: the trust policy alone
	// decides.
	if refused := firstRefused(authz.FederatedSubject(provider.ARN), q,
		trustStep{true, actionAssumeRoleWithWebIdentity},
		trustStep{len(rs.scope.tags) > 0, actionTagSession},
		trustStep{id.SourceIdentity != "", actionSetSourceIdentity}); refused != "" {
		return nil, denied(refused)
	}

	m, err := s.mint(call, &rs)
	if err != nil {
		return nil, err
	}
	return &stsapi.AssumeRoleWithWebIdentityResponse{
		Credentials:                 m.creds,
		SubjectFromWebIdentityToken: id.Subject,
		AssumedRoleUser:             m.user,
		PackedPolicySize:            m.packed,
		// AWS answers the provider's ARN for IAM OIDC providers (real
		// output quoted in spiffe/spiffe.io#110: "Provider":
		// "arn:aws:iam::012345678901:oidc-provider/spire-oidc.example.org").
		Provider:       provider.ARN,
		Audience:       id.Audience,
		SourceIdentity: id.SourceIdentity,
	}, nil
}

// webIdentityProvider finds the OIDC provider of the role's account that
// the token's iss names: arn:aws:iam::ACCOUNT:oidc-provider/ followed by
// the issuer without its scheme.
func (s *Service) webIdentityProvider(ctx context.Context, account, iss string) (oidc.Provider, string, error) {
	notFound := apierr.New(oidc.CodeInvalidIdentityToken, "No OpenIDConnect provider found in your account for %s", iss)
	hostPath, ok := oidc.IssuerHostPath(iss)
	if !ok {
		return oidc.Provider{}, "", notFound
	}
	p, err := s.store.GetOIDCProvider(ctx, "arn:aws:iam::"+account+":"+arn.TypeOIDCProvider+"/"+hostPath)
	if errors.Is(err, store.ErrNotFound) || err == nil && (p.AccountID != account || !oidc.SameIssuer(iss, p.URL)) {
		return oidc.Provider{}, "", notFound
	}
	if err != nil {
		return oidc.Provider{}, "", err
	}
	return oidc.Provider{ARN: p.ARN, URL: p.URL, ClientIDs: p.ClientIDs, JWKS: p.JWKS}, hostPath, nil
}

// webIdentityKeys are the keys the trust policy sees beside the global keys
// of an unsigned request: the provider's claim keys named after its URL without the scheme (IAM User
// Guide, reference_policies_iam-condition-keys.html, "Available keys for
// OIDC federation": PROVIDER:aud, :sub, :amr, :oaud),
// aws:FederatedProvider, the session name, session tags and the global keys
// of an unsigned request.
func webIdentityKeys(in *stsapi.AssumeRoleWithWebIdentityRequest, providerARN, hostPath string, id *oidc.Identity, tags []stsapi.Tag) requestKeys {
	var ctx requestKeys
	ctx.set("aws:FederatedProvider", providerARN)
	ctx.set(hostPath+":aud", id.Audience)
	ctx.set(hostPath+":sub", id.Subject)
	if len(id.AMR) > 0 {
		ctx.set(hostPath+":amr", id.AMR...)
	}
	if len(id.OriginalAudience) > 0 {
		ctx.set(hostPath+":oaud", id.OriginalAudience...)
	}
	ctx.set("sts:RoleSessionName", in.RoleSessionName)
	if id.SourceIdentity != "" {
		ctx.set("sts:SourceIdentity", id.SourceIdentity)
	}
	setRequestTags(&ctx, tags)
	if len(id.TransitiveTagKeys) > 0 {
		ctx.set("sts:TransitiveTagKeys", id.TransitiveTagKeys...)
	}
	return ctx
}

// ownIssuer reports whether iss lies under the base of stsd's outbound
// issuers (PublicURL + outbound.PathPrefix). "The JSON Web Tokens (JWTs)
// generated by the GetWebIdentityToken API cannot be used for OpenID
// Connect (OIDC) federation into AWS (via the AssumeRoleWithWebIdentity
// API)" (IAM User Guide, id_roles_providers_outbound_getting_started.html),
// so such a token is refused even when an OIDC provider was registered for
// that issuer. The whole prefix is refused, not only issuers in use, and
// the comparison ignores case, so no spelling of stsd's URL slips through.
// An issuer under another base whose last segments name one of stsd's
// issuers (".../outbound/<issuer id>") is refused too: tokens minted under
// an earlier --public-url, or by another node configured with another one,
// are stsd's all the same.
func (s *Service) ownIssuer(ctx context.Context, iss string) (bool, error) {
	if s.publicURL != "" {
		base := outbound.IssuerURL(s.publicURL, "")
		if len(iss) >= len(base) && strings.EqualFold(iss[:len(base)], base) {
			return true, nil
		}
	}
	i := strings.LastIndex(strings.ToLower(iss), outbound.PathPrefix)
	if i < 0 {
		return false, nil
	}
	id := strings.ToLower(strings.TrimRight(iss[i+len(outbound.PathPrefix):], "/"))
	if !outbound.ValidIssuerID(id) {
		return false, nil
	}
	_, err := s.store.GetOutboundFederationByIssuer(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}
