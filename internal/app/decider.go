package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/authmsg"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/relying"
)

// decider answers the relying parties' questions with authz's decision
// function, and seals every denial into an encoded authorization message
// that sts:DecodeAuthorizationMessage opens. It only translates: the
// decision is authz.Decide's, the message format authmsg's.
type decider struct {
	authz    *authz.Authorizer
	policies *policy.Cache
	messages *authmsg.Codec
}

// Decide implements relying.Decider.
func (d *decider) Decide(ctx context.Context, q *relying.Question) (*relying.Answer, error) {
	ans := &relying.Answer{}
	var (
		subject *authz.Subject
		err     error
	)
	if q.Principal != nil {
		subject, err = d.authz.Subject(ctx, q.Principal)
	} else {
		subject, err = d.authz.SubjectFor(ctx, q.PrincipalARN)
		if unknown := (*authz.UnknownPrincipalError)(nil); errors.As(err, &unknown) {
			return nil, &apierr.Error{Code: "NoSuchEntity", Message: "The principal " + q.PrincipalARN + " cannot be found.", HTTPStatus: http.StatusNotFound}
		}
		if err == nil {
			ans.Principal = subject.Principal
		}
	}
	if err != nil {
		return nil, err
	}
	query := &authz.Query{
		Action:          q.Action,
		Resource:        q.Resource,
		ResourceAccount: q.ResourceAccount,
		Facts: authz.Facts{
			Time: q.Time, SourceIP: q.SourceIP, SecureTransport: q.SecureTransport,
			UserAgent: q.UserAgent, Region: q.Region,
		},
		Keys: make([]authz.Key, 0, len(q.Context)),
	}
	for k, vs := range q.Context {
		// One value is an ordinary key; several are a multivalued key,
		// which only the set operators compare.
		query.Keys = append(query.Keys, authz.Key{Name: k, Values: vs, List: len(vs) > 1})
	}
	if q.ResourcePolicy != "" {
		rp, err := d.policies.Parse(q.ResourcePolicy, policy.KindResource)
		if err != nil {
			msg := "the policy does not parse"
			if e, ok := apierr.As(err); ok {
				msg = e.Message
			}
			return nil, &apierr.Error{Code: relying.CodeInvalidRequest, Message: "Field 'resource_policy' is not a valid resource-based policy: " + msg, HTTPStatus: http.StatusBadRequest}
		}
		query.ResourcePolicy = &authz.ResourcePolicy{
			Policy:  rp,
			Ref:     authz.PolicyRef{Kind: authz.PolicyResource, Owner: q.Resource},
			Account: q.ResourceAccount,
		}
	}
	var dec authz.Decision
	authz.Decide(subject, query, &dec)
	ans.Decision = dec.Outcome().String()

	ans.Matched = make([]relying.MatchedStatement, len(dec.Matched))
	for i, m := range dec.Matched {
		ans.Matched[i] = relying.MatchedStatement{
			Source: sourceName(m.Source), Policy: m.Policy.String(),
			StatementIndex: m.Index, Sid: m.Sid, Effect: m.Effect.String(),
		}
	}
	if !dec.Allowed() {
		ans.Message = dec.AccessDeniedMessage()
		if !q.NoEncodedMessage {
			if ans.EncodedMessage, err = d.encode(describe(subject, query, &dec), q.Time); err != nil {
				return nil, err
			}
		}
	}
	return ans, nil
}

// encode seals a denial's description. A description too large for a
// message (a caller's context can be) loses its condition keys first,
// then its statements: the outcome, the caller, the action and the
// resource always fit, and a deny never turns into a failure.
func (d *decider) encode(desc authmsg.Decision, now time.Time) (string, error) {
	for _, trim := range []func(){func() {}, func() { desc.Conditions = nil }, func() { desc.Statements = nil }} {
		trim()
		s, err := d.messages.Encode(authmsg.Build(desc), now)
		if !errors.Is(err, authmsg.ErrTooLarge) {
			return s, err
		}
	}
	return "", fmt.Errorf("relying party: a denial of %s on %s is too large for an authorization message even bare", desc.Action, desc.Resource)
}

// sourceName is the contract's name for a policy source.
func sourceName(s policy.Source) string {
	switch s {
	case policy.SourceIdentity:
		return "identity"
	case policy.SourceResource:
		return "resource"
	case policy.SourceBoundary:
		return "boundary"
	case policy.SourceSession:
		return "session"
	}
	return "none"
}

// describe is a decision as an encoded authorization message tells it:
// the outcome, each statement that applied with its policy, the caller,
// and the request context the policies saw.
func describe(s *authz.Subject, q *authz.Query, dec *authz.Decision) authmsg.Decision {
	out := authmsg.Decision{
		Allowed:      dec.Allowed(),
		ExplicitDeny: dec.Outcome() == policy.DecisionExplicitDeny,
		PrincipalARN: dec.PrincipalARN,
		Action:       dec.Action,
		Resource:     dec.Resource,
		Conditions:   map[string][]string{},
	}
	if s.Principal != nil {
		out.PrincipalID = s.Principal.UserID
	}
	for i, m := range dec.Matched {
		ms := authmsg.MatchedStatement{SourcePolicy: m.Policy.String(), Index: m.Index, Sid: m.Sid, Effect: m.Effect.String()}
		if st := s.StatementOf(dec.Result.Matched[i], q.ResourcePolicy); st != nil {
			ms.Actions, ms.Resources = elements(st.Action, st.NotAction), elements(st.Resource, st.NotResource)
			ms.Principals = principals(st.Principal)
		}
		out.Statements = append(out.Statements, ms)
	}
	for k, vs := range dec.Context().All() {
		out.Conditions[k] = vs
	}
	return out
}

// elements returns a statement's positive element, or its negated one
// marked as such, for the message's actions and resources lists.
func elements(positive, negated []string) []string {
	if positive != nil || negated == nil {
		return positive
	}
	out := make([]string, len(negated))
	for i, v := range negated {
		out[i] = "NOT " + v
	}
	return out
}

// principals lists the principals a statement's Principal element names.
func principals(p *policy.Principals) []string {
	if p == nil {
		return nil
	}
	var out []string
	if p.Any {
		out = append(out, "*")
	}
	out = append(out, p.AWS...)
	out = append(out, p.Federated...)
	out = append(out, p.Service...)
	return append(out, p.CanonicalUser...)
}
