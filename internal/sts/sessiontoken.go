package sts

import (
	"context"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/mfa"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
)

// Durations of GetSessionToken (STS API reference, GetSessionToken,
// DurationSeconds): 900 to 129,600 seconds for IAM users, 43,200 by default;
// "Sessions for AWS account owners are restricted to a maximum of 3,600
// seconds (one hour). If the duration is longer than one hour, the session
// for AWS account owners defaults to one hour." The model enforces the
// 900..129600 range before the handler runs.
const (
	sessionTokenDefaultSeconds = 43200
	rootSessionMaxSeconds      = 3600
)

// GetSessionToken returns temporary credentials for an IAM user or the
// account root, optionally proving MFA. No permission is needed to call it
// ("No permissions are required for users to perform this operation"), but
// AWS refuses it with temporary credentials: "Cannot call GetSessionToken
// with session credentials" (AccessDenied, as the SDKs report it).
func (s *Service) GetSessionToken(ctx context.Context, call *rpc.Call, in *stsapi.GetSessionTokenRequest) (*stsapi.GetSessionTokenResponse, error) {
	p := call.Principal
	if p.Session != nil {
		return nil, apierr.New(apierr.AccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	duration := callerSessionDuration(in.DurationSeconds, sessionTokenDefaultSeconds, p)
	withMFA, err := s.checkMFA(ctx, p, in.SerialNumber, in.TokenCode)
	if err != nil {
		return nil, err
	}
	now := sessionStart(call)
	c := &session.Claims{
		AccountID:    p.AccountID,
		PrincipalARN: p.ARN,
		PrincipalID:  p.UserID,
		SourceARN:    p.ARN,
		IssuedAt:     now,
		Expiration:   now.Add(seconds(duration)),
	}
	if p.Type == auth.Root {
		c.PrincipalType = session.RootSession
	} else {
		c.PrincipalType = session.IAMUserSession
		c.UserName, c.UserID = p.Name, p.UserID
	}
	if withMFA {
		c.MFAAuthenticated, c.MFAAuthTime = true, now
	}
	creds, err := s.issue(c)
	if err != nil {
		return nil, err
	}
	return &stsapi.GetSessionTokenResponse{Credentials: creds}, nil
}

// callerSessionDuration is the length of a session GetSessionToken or
// GetFederationToken makes for the caller p: the requested duration or
// def, cut to one hour for the root (as both operations' DurationSeconds
// document).
func callerSessionDuration(requested *int32, def int32, p *auth.Principal) int32 {
	duration := def
	if requested != nil {
		duration = *requested
	}
	if p.Type == auth.Root && duration > rootSessionMaxSeconds {
		duration = rootSessionMaxSeconds
	}
	return duration
}

// checkMFA verifies an MFA code when one is given and reports whether the
// session may claim MFA. AWS does not document its answer to a serial number
// without a code (or the reverse); stsd refuses the half pair as an invalid
// code rather than issue a session that silently lacks the MFA the caller
// meant to prove.
func (s *Service) checkMFA(ctx context.Context, p *auth.Principal, serial, code string) (bool, error) {
	if serial == "" && code == "" {
		return false, nil
	}
	if serial == "" || code == "" {
		return false, apierr.New(apierr.AccessDenied, mfa.MsgInvalidCode)
	}
	var err error
	if p.Type == auth.Root {
		err = s.mfa.VerifyRoot(ctx, p.AccountID, serial, code)
	} else {
		err = s.mfa.Verify(ctx, p.AccountID, p.Name, serial, code)
	}
	return err == nil, err
}
