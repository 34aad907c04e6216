package authz

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// UnknownPrincipalError is SubjectFor's refusal of an ARN that names no
// existing user, role or account root.
type UnknownPrincipalError struct{ ARN string }

func (e *UnknownPrincipalError) Error() string { return "authz: unknown principal " + e.ARN }

// SubjectFor gathers the subject an administrator asks about by ARN alone,
// for what-if checks: a user ARN gives the user's policies; a role ARN the
// role's, as a session of the role passing no session policies would have
// (the subject's ARN is then the role's); the root ARN the root's. Any
// other ARN, or one naming nothing that exists (a user or role path must
// match too), is an *UnknownPrincipalError.
func (a *Authorizer) SubjectFor(ctx context.Context, principalARN string) (*Subject, error) {
	unknown := &UnknownPrincipalError{ARN: principalARN}
	res, err := arn.ParseIAM(principalARN)
	if err != nil {
		return nil, unknown
	}
	var p *auth.Principal
	switch res.Type {
	case arn.TypeRoot:
		if _, err := a.store.GetAccount(ctx, res.AccountID); err != nil {
			return nil, notFoundAs(err, unknown)
		}
		p = &auth.Principal{Type: auth.Root, AccountID: res.AccountID, ARN: arn.Root(res.AccountID), UserID: res.AccountID}
	case arn.TypeUser:
		u, err := a.store.GetUser(ctx, res.AccountID, res.Name)
		if err != nil {
			return nil, notFoundAs(err, unknown)
		}
		if arn.User(u.AccountID, u.Path, u.Name) != principalARN {
			return nil, unknown
		}
		p = &auth.Principal{Type: auth.User, AccountID: u.AccountID, ARN: principalARN, UserID: u.ID, Name: u.Name}
	case arn.TypeRole:
		r, err := a.store.GetRole(ctx, res.AccountID, res.Name)
		if err != nil {
			return nil, notFoundAs(err, unknown)
		}
		if arn.Role(r.AccountID, r.Path, r.Name) != principalARN {
			return nil, unknown
		}
		p = &auth.Principal{Type: auth.AssumedRole, AccountID: r.AccountID, ARN: principalARN, UserID: r.ID, Name: r.Name,
			Session: &session.Claims{PrincipalType: session.AssumedRole, AccountID: r.AccountID, RoleName: r.Name, RoleID: r.ID}}
	default:
		return nil, unknown
	}
	s, err := a.gather(ctx, p)
	if err != nil {
		return nil, err
	}
	if p.Session != nil {
		// The session asked about was never issued: it has no issue time.
		keys := s.keys[:0:0]
		for _, k := range s.keys {
			if k.key != "aws:tokenissuetime" {
				keys = append(keys, k)
			}
		}
		s.keys = keys
	}
	return s, nil
}

// notFoundAs returns unknown for store.ErrNotFound, err otherwise.
func notFoundAs(err error, unknown *UnknownPrincipalError) error {
	if errors.Is(err, store.ErrNotFound) {
		return unknown
	}
	return err
}
