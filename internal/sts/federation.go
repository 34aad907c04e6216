package sts

import (
	"context"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
)

// Durations of GetFederationToken (STS API reference, GetFederationToken,
// DurationSeconds): 900 to 129,600 seconds, 43,200 by default; "Sessions
// obtained using root user credentials are restricted to a maximum of 3,600
// seconds (one hour). If the specified duration is longer than one hour,
// the session obtained by using root user credentials defaults to one
// hour."
const (
	federationDefaultSeconds = 43200
	actionGetFederationToken = "sts:GetFederationToken"
)

// GetFederationToken returns temporary credentials for a federated user
// named by the caller (an IAM user allowed sts:GetFederationToken, or the
// root). The session's permissions are the intersection of the caller's and
// the session policies passed; with none passed it has no permissions
// (STS API reference, GetFederationToken).
func (s *Service) GetFederationToken(ctx context.Context, call *rpc.Call, in *stsapi.GetFederationTokenRequest) (*stsapi.GetFederationTokenResponse, error) {
	p := call.Principal
	if p.Session != nil {
		// As SDK users report it, without a final period.
		return nil, apierr.New(apierr.AccessDenied, "Cannot call GetFederationToken with session credentials")
	}
	fedARN := arn.FederatedUser(p.AccountID, in.Name)
	if p.Type != auth.Root {
		subject, err := s.authz.Subject(ctx, p)
		if err != nil {
			return nil, err
		}
		var keys requestKeys
		setRequestTags(&keys, in.Tags)
		actions := []string{actionGetFederationToken}
		if len(in.Tags) > 0 {
			// Passing session tags needs sts:TagSession (IAM User Guide,
			// id_session-tags.html, "Permissions required to add session
			// tags").
			actions = append(actions, actionTagSession)
		}
		if err := authorizeCaller(subject, &authz.Query{Resource: fedARN, Facts: call.Facts(), Keys: keys}, actions...); err != nil {
			return nil, err
		}
	}

	duration := callerSessionDuration(in.DurationSeconds, federationDefaultSeconds, p)
	sc := sessionScope{passedTags: in.Tags}
	var err error
	if sc.tags, _, err = sessionTags(in.Tags, nil, nil); err != nil {
		return nil, err
	}
	if err := s.scopePolicies(ctx, &sc, in.Policy, in.PolicyArns, p.AccountID); err != nil {
		return nil, err
	}
	packed, err := s.scopePackedSize(&sc)
	if err != nil {
		return nil, err
	}
	now := sessionStart(call)
	c := &session.Claims{
		AccountID:     p.AccountID,
		PrincipalType: session.FederatedUser,
		PrincipalARN:  fedARN,
		PrincipalID:   p.AccountID + ":" + in.Name,
		SourceARN:     p.ARN,
		SessionName:   in.Name,
		IssuedAt:      now,
		Expiration:    now.Add(seconds(duration)),
	}
	if p.Type == auth.User {
		c.UserName, c.UserID = p.Name, p.UserID
	}
	creds, err := s.issueScoped(c, &sc)
	if err != nil {
		return nil, err
	}
	return &stsapi.GetFederationTokenResponse{
		Credentials:      creds,
		FederatedUser:    &stsapi.FederatedUser{FederatedUserId: c.PrincipalID, Arn: fedARN},
		PackedPolicySize: packed,
	}, nil
}
