package sts

import (
	"context"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/rpc"
)

// Which STS operations temporary credentials may call, by how they were
// made (STS API reference): a GetFederationToken session "cannot call any
// STS operations except GetCallerIdentity"; a GetSessionToken session
// "cannot call any STS API except AssumeRole or GetCallerIdentity". Role
// sessions may call them all. GetSessionToken and GetFederationToken answer
// session credentials themselves, with their own message.
//
// GetWebIdentityToken is an STS API like any other for these rules: the
// sentences above leave a GetSessionToken or GetFederationToken session no
// way to call it, and AWS documents no exception, so only role sessions
// (and long-term credentials) may.
func sessionMayCall(p *auth.Principal, op string) error {
	if p == nil || p.Session == nil {
		return nil
	}
	switch op {
	case "GetCallerIdentity", "GetSessionToken", "GetFederationToken":
		return nil
	case "AssumeRole":
		if p.Type != auth.FederatedUser {
			return nil
		}
	default:
		if p.Type == auth.AssumedRole {
			return nil
		}
	}
	return apierr.New(apierr.AccessDenied, "User: %s is not authorized to perform: sts:%s", p.ARN, op)
}

// guard wraps a handler with the session rules above.
func guard(h rpc.Handler) rpc.Handler {
	serve, op := h.Serve, h.Op.Name
	h.Serve = func(ctx context.Context, call *rpc.Call, in any) (any, error) {
		if err := sessionMayCall(call.Principal, op); err != nil {
			return nil, err
		}
		return serve(ctx, call, in)
	}
	return h
}
