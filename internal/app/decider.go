package app

// This file is the relying-party API's Decider over today's authz
// (Subject, GlobalContext, PolicySet) and policy.Evaluate. It is to be
// replaced by authz's single decision function (issue 11 item 1), which
// also names the matched statements' policies and makes the encoded
// authorization messages; until then EncodedMessage stays empty and a
// matched statement's policy is named by its kind and index.

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/authzapi"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// decider answers the relying parties' questions.
type decider struct {
	store    store.Reader
	authz    *authz.Authorizer
	policies *policy.Cache
}

// Decide implements authzapi.Decider.
func (d *decider) Decide(ctx context.Context, q *authzapi.Question) (*authzapi.Answer, error) {
	ans := &authzapi.Answer{}
	p := q.Principal
	if p == nil {
		var err error
		if p, ans.Principal, err = d.resolve(ctx, q.PrincipalARN); err != nil {
			return nil, err
		}
	}
	subject, err := d.authz.Subject(ctx, p)
	if err != nil {
		return nil, err
	}
	var reqCtx policy.Context
	subject.GlobalContext(&reqCtx, authz.Facts{
		SourceIP: q.SourceIP, UserAgent: q.UserAgent, SecureTransport: q.SecureTransport,
		Time: q.Time, Region: q.Region,
	})
	for k, vs := range q.Context {
		if len(vs) == 1 {
			reqCtx.Set(k, vs[0])
		} else {
			reqCtx.SetList(k, vs...)
		}
	}
	var resource []*policy.Policy
	if q.ResourcePolicy != "" {
		rp, err := d.policies.Parse(q.ResourcePolicy, policy.KindResource)
		if err != nil {
			msg := "the policy does not parse"
			if e, ok := apierr.As(err); ok {
				msg = e.Message
			}
			return nil, &apierr.Error{Code: authzapi.CodeInvalidRequest, Message: "Field 'resource_policy' is not a valid resource-based policy: " + msg, HTTPStatus: http.StatusBadRequest}
		}
		resource = []*policy.Policy{rp}
	}
	account := q.ResourceAccount
	if account == "" {
		account = p.AccountID
	}
	req := &policy.Request{
		Principal:       subject.PolicyPrincipal(),
		Action:          q.Action,
		Resource:        q.Resource,
		ResourceAccount: account,
		Context:         reqCtx,
	}
	res := policy.Evaluate(subject.PolicySet(resource, false), req)
	ans.Decision = res.Decision.String()
	ans.Reason = res.DenialReason(q.Action)
	ans.Matched = make([]authzapi.MatchedStatement, len(res.Matched))
	for i, m := range res.Matched {
		src, name := matchSource(m)
		ans.Matched[i] = authzapi.MatchedStatement{Source: src, Policy: name, StatementIndex: m.Statement, Sid: m.Sid, Effect: m.Effect.String()}
	}
	return ans, nil
}

// matchSource names a matched statement's source and policy.
func matchSource(m policy.Match) (source, name string) {
	switch m.Source {
	case policy.SourceIdentity:
		return "identity", "identity/" + strconv.Itoa(m.Policy)
	case policy.SourceResource:
		return "resource", "resource_policy"
	case policy.SourceBoundary:
		return "boundary", "permissions_boundary"
	case policy.SourceSession:
		return "session", "session/" + strconv.Itoa(m.Policy)
	}
	return "none", ""
}

// resolve turns a what-if principal ARN (account root, user or role) into
// the principal its policies are evaluated for; a role stands for a
// session of it with no session policies.
func (d *decider) resolve(ctx context.Context, principalARN string) (*auth.Principal, *authzapi.Principal, error) {
	noSuch := &apierr.Error{Code: "NoSuchEntity", Message: "The principal " + principalARN + " cannot be found.", HTTPStatus: http.StatusNotFound}
	res, err := arn.ParseIAM(principalARN)
	if err != nil {
		return nil, nil, &apierr.Error{Code: authzapi.CodeInvalidRequest, Message: "Field 'principal_arn' must be the ARN of an account root, an IAM user or a role.", HTTPStatus: http.StatusBadRequest}
	}
	switch res.Type {
	case arn.TypeRoot:
		if _, err := d.store.GetAccount(ctx, res.AccountID); errors.Is(err, store.ErrNotFound) {
			return nil, nil, noSuch
		} else if err != nil {
			return nil, nil, err
		}
		p := &auth.Principal{Type: auth.Root, AccountID: res.AccountID, ARN: arn.Root(res.AccountID), UserID: res.AccountID}
		return p, &authzapi.Principal{ARN: p.ARN, Account: p.AccountID, UserID: p.UserID, Type: "root"}, nil
	case arn.TypeUser:
		u, err := d.store.GetUser(ctx, res.AccountID, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, noSuch
		} else if err != nil {
			return nil, nil, err
		}
		p := &auth.Principal{Type: auth.User, AccountID: u.AccountID, ARN: arn.User(u.AccountID, u.Path, u.Name), UserID: u.ID, Name: u.Name}
		return p, &authzapi.Principal{ARN: p.ARN, Account: p.AccountID, UserID: p.UserID, Type: "user"}, nil
	case arn.TypeRole:
		r, err := d.store.GetRole(ctx, res.AccountID, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, noSuch
		} else if err != nil {
			return nil, nil, err
		}
		roleARN := arn.Role(r.AccountID, r.Path, r.Name)
		p := &auth.Principal{
			Type: auth.AssumedRole, AccountID: r.AccountID, ARN: roleARN, UserID: r.ID, Name: r.Name,
			Session: &session.Claims{PrincipalType: session.AssumedRole, AccountID: r.AccountID, RoleName: r.Name, RoleID: r.ID, PrincipalARN: roleARN, PrincipalID: r.ID, SourceARN: roleARN},
		}
		return p, &authzapi.Principal{ARN: roleARN, Account: r.AccountID, UserID: r.ID, Type: "role"}, nil
	}
	return nil, nil, &apierr.Error{Code: authzapi.CodeInvalidRequest, Message: "Field 'principal_arn' must be the ARN of an account root, an IAM user or a role.", HTTPStatus: http.StatusBadRequest}
}
