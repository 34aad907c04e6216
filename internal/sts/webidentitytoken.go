package sts

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Actions GetWebIdentityToken is authorized for (Service Authorization
// Reference, AWS Security Token Service: the operation maps to
// sts:GetWebIdentityToken, and to sts:TagGetWebIdentityToken, "add tags to
// the JWT", when Tags are passed). Neither has a resource type, so the
// request's resource is "*".
const (
	actionGetWebIdentityToken    = "sts:GetWebIdentityToken"
	actionTagGetWebIdentityToken = "sts:TagGetWebIdentityToken"
	webIdentityTokenResource     = "*"
)

// maxTokenPayload bounds a token's JSON payload in bytes. AWS documents
// only that the payload has a maximum ("Reduce the number of request tags
// included in the GetWebIdentityToken API call to reduce the token payload
// size", STS model, JWTPayloadSizeExceededException), not the number;
// 16 KiB is stsd's. That is over ten times a real token without tags
// (about 1,300 characters, as recorded from AWS) and leaves room for all
// ten audiences at their longest, while the largest request the model
// allows (those audiences and fifty tags of 128 + 256 characters, about
// 30 KB) is refused.
const maxTokenPayload = 16 << 10

// GetWebIdentityToken returns a JWT, signed with the account's outbound
// identity federation key, that states the caller's identity to an external
// service (STS API reference, GetWebIdentityToken). The caller's own
// policies must allow sts:GetWebIdentityToken, and sts:TagGetWebIdentityToken
// when Tags are passed; the account must have outbound identity federation
// enabled; and the token may not outlive the caller's temporary
// credentials.
func (s *Service) GetWebIdentityToken(ctx context.Context, call *rpc.Call, in *stsapi.GetWebIdentityTokenRequest) (*stsapi.GetWebIdentityTokenResponse, error) {
	p := call.Principal
	if in.SigningAlgorithm != outbound.RS256 && in.SigningAlgorithm != outbound.ES384 {
		return nil, apierr.New(apierr.ValidationError, msgSigningAlgorithm, in.SigningAlgorithm)
	}
	// Request tags follow the session-tag rules: unique keys, compared
	// case-insensitively, and none in the reserved aws: namespace. AWS
	// documents neither for this operation.
	if _, _, err := sessionTags(in.Tags, nil, nil); err != nil {
		return nil, err
	}
	duration := outbound.DefaultDuration
	if in.DurationSeconds != nil {
		duration = seconds(*in.DurationSeconds)
	}

	subject, err := s.authz.Subject(ctx, p)
	if err != nil {
		return nil, err
	}
	actions := []string{actionGetWebIdentityToken}
	if len(in.Tags) > 0 {
		actions = append(actions, actionTagGetWebIdentityToken)
	}
	q := &authz.Query{Resource: webIdentityTokenResource, Facts: call.Facts(), Keys: webIdentityTokenKeys(in)}
	if err := authorizeCaller(subject, q, actions...); err != nil {
		return nil, err
	}

	fed, err := s.store.GetOutboundFederation(ctx, p.AccountID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !fed.Enabled {
		return nil, apierr.New(codeOutboundDisabled, msgOutboundDisabled)
	}
	if err != nil {
		return nil, err
	}
	now := sessionStart(call)
	if c := p.Session; c != nil && now.Add(duration).After(c.Expiration) {
		return nil, apierr.New(codeSessionDurationEscalation, msgSessionDurationEscalation)
	}
	if s.publicURL == "" {
		// Without it the iss claim would be a bare path no verifier can
		// fetch keys from; a configuration fault, not the caller's.
		return nil, errors.New("sts: GetWebIdentityToken needs the public URL of stsd's issuers")
	}
	issuer, err := s.issuers.Get(outbound.IssuerURL(s.publicURL, fed.IssuerID), fed.IssuerID, fed.RSAKey, fed.ECKey)
	if err != nil {
		return nil, err
	}
	jti, err := outbound.NewTokenID(rand.Reader)
	if err != nil {
		return nil, err
	}
	claims := outbound.NewClaims(tokenClaimsInput(issuer.URL(), subject, call, in, now, duration, jti))
	// The payload is measured as it will be signed: Sign embeds the
	// already-encoded JSON as is.
	payload, err := json.Marshal(claims)
	if err != nil {
		return nil, err
	}
	if len(payload) > maxTokenPayload {
		return nil, apierr.New(codeJWTPayloadSizeExceeded, msgJWTPayloadSizeExceeded)
	}
	token, err := issuer.Sign(in.SigningAlgorithm, json.RawMessage(payload))
	if err != nil {
		return nil, err
	}
	return &stsapi.GetWebIdentityTokenResponse{WebIdentityToken: token, Expiration: claims.Expiration()}, nil
}

// webIdentityTokenKeys are the keys GetWebIdentityToken adds to the
// caller's global keys: the operation's keys (Service Authorization
// Reference, AWS Security Token Service; IAM User Guide,
// id_roles_providers_outbound_policies.html). sts:IdentityTokenAudience is
// multivalued (ArrayOfString), so it is set as a list that only
// ForAnyValue/ForAllValues compare, as in AWS's own sample policy
// ("ForAnyValue:StringEquals": {"sts:IdentityTokenAudience": [...]},
// aws-samples sample-eks-nitro-sandbox). sts:DurationSeconds is present
// only when DurationSeconds was sent: policies tested against AWS guard it
// with a Null check.
func webIdentityTokenKeys(in *stsapi.GetWebIdentityTokenRequest) requestKeys {
	var k requestKeys
	k.setList("sts:IdentityTokenAudience", in.Audience...)
	k.set("sts:SigningAlgorithm", in.SigningAlgorithm)
	if in.DurationSeconds != nil {
		k.set("sts:DurationSeconds", strconv.FormatInt(int64(*in.DurationSeconds), 10))
	}
	setRequestTags(&k, in.Tags)
	return k
}

// tokenClaimsInput gathers what the token states about the caller (IAM User
// Guide, id_roles_providers_outbound_token_claims.html): sub is the role's
// ARN for a role session ("arn:aws:iam::123456789012:role/DataProcessingRole"
// in the documented sample, never the assumed-role ARN), the user's or the
// root's ARN otherwise; principal_tags are the tags policies see as
// aws:PrincipalTag (the user's, or the role's overridden by the session's);
// original_session_exp, source_identity and federated_provider come from the
// caller's session.
func tokenClaimsInput(iss string, subject *authz.Subject, call *rpc.Call, in *stsapi.GetWebIdentityTokenRequest, now time.Time, duration time.Duration, jti string) outbound.ClaimsInput {
	p := subject.Principal
	ci := outbound.ClaimsInput{
		Issuer:       iss,
		Subject:      p.ARN,
		Audience:     in.Audience,
		IssuedAt:     now,
		Duration:     duration,
		ID:           jti,
		Account:      p.AccountID,
		SourceRegion: call.Region,
	}
	if len(subject.Tags) > 0 {
		ci.PrincipalTags = make(map[string]string, len(subject.Tags))
		for _, t := range subject.Tags {
			ci.PrincipalTags[t.Key] = t.Value
		}
	}
	if len(in.Tags) > 0 {
		ci.RequestTags = make(map[string]string, len(in.Tags))
		for _, t := range in.Tags {
			ci.RequestTags[t.Key] = t.Value
		}
	}
	if c := p.Session; c != nil {
		if p.Type == auth.AssumedRole {
			// The role's ARN with its path, as sealed into the session
			// when it was created.
			ci.Subject = c.SourceARN
		}
		ci.SessionExpiry = c.Expiration
		ci.SourceIdentity = c.SourceIdentity
		ci.FederatedProvider = c.FederatedProvider
	}
	return ci
}
