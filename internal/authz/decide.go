package authz

import (
	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/policy"
)

// Key is a request-context key a caller adds to the global keys: what the
// request itself carries (aws:RequestTag/KEY, sts:ExternalId, ...) or what
// the target says of itself (aws:ResourceTag/KEY).
type Key struct {
	Name   string
	Values []string
	// List marks a list-typed key, which only the set operators
	// (ForAnyValue, ForAllValues) compare (policy.Context.SetList).
	List bool
}

// ResourcePolicy is the target's resource-based policy, such as a role's
// trust policy, with the account that owns it.
type ResourcePolicy struct {
	Policy *policy.Policy
	Ref    PolicyRef
	// Account owns the resource; "" means the caller's account.
	Account string
	// Required makes the policy's allow necessary even in the caller's own
	// account: a role's trust policy must always allow assuming the role.
	Required bool
}

// Query is one question: may the subject perform Action on Resource?
type Query struct {
	Action string
	// Resource is the target's ARN ("*" when the action has no resource).
	Resource string
	// Facts state the request's aws:* keys.
	Facts Facts
	// Keys are set after the global keys, and so override them.
	Keys []Key
	// ResourcePolicy is the target's resource-based policy, nil if none.
	ResourcePolicy *ResourcePolicy
	// ResourceAccount owns the resource when there is no resource policy
	// (or the policy does not say); "" means the caller's account.
	ResourceAccount string
	// Context, when not nil, is the whole request context, used as it is:
	// no global keys are added and Facts and Keys are ignored. The policy
	// simulator, which evaluates only the keys its caller gives, uses it.
	Context *policy.Context
}

// Statement is one statement that applied to a request.
type Statement struct {
	// Source is the kind of policy it belongs to; its String is AWS's
	// wording ("identity-based policy", "permissions boundary", ...).
	Source policy.Source
	// Policy names the policy it belongs to.
	Policy PolicyRef
	// Index is its position in the policy's Statement list, from 0.
	Index  int
	Sid    string
	Effect policy.Effect
}

// Decision is the outcome of Decide. A Decision may be reused: Decide
// overwrites it keeping its slices and its request context, which is what
// makes a repeated decision allocate nothing.
type Decision struct {
	// Result is the policy engine's outcome: the decision, the kind of
	// policy responsible for a refusal, the matched statements by index
	// and the condition keys policies asked for but the request lacked.
	Result policy.Result
	// Matched lists Result.Matched with each statement's policy named.
	Matched []Statement
	// PrincipalARN, Action and Resource are the question asked, as an
	// AccessDenied message words it.
	PrincipalARN, Action, Resource string

	ctx   policy.Context
	set   policy.PolicySet
	req   policy.Request
	res   [1]*policy.Policy
	times timeStrings
}

// Outcome is Allow, ExplicitDeny or ImplicitDeny.
func (d *Decision) Outcome() policy.Decision { return d.Result.Decision }

// Reason is, for a refusal, the kind of policy responsible: the source of
// the explicit deny, or the kind of policy that did not allow.
func (d *Decision) Reason() policy.Source { return d.Result.Reason }

// Allowed reports whether the decision is Allow.
func (d *Decision) Allowed() bool { return d.Result.Allowed() }

// Context is the request context the decision was made in; it is valid
// until d is reused.
func (d *Decision) Context() *policy.Context { return &d.req.Context }

// AccessDeniedMessage is AWS's AccessDenied message for the refusal: "User:
// ARN is not authorized to perform: ACTION on resource: RESOURCE because no
// identity-based policy allows the ACTION action" (IAM User Guide,
// troubleshoot_access-denied.html).
func (d *Decision) AccessDeniedMessage() string {
	return policy.AccessDeniedMessage(d.PrincipalARN, d.Action, d.Resource, &d.Result)
}

// Err is nil for an Allow, else the AccessDenied refusal (403) with
// AccessDeniedMessage.
func (d *Decision) Err() error {
	if d.Allowed() {
		return nil
	}
	return apierr.New(apierr.AccessDenied, "%s", d.AccessDeniedMessage())
}

// Decide decides q for s: it builds the request context (the global keys
// of the subject and of q.Facts, then q.Keys), combines the subject's
// identity policies, permissions boundary and session policies with the
// target's resource-based policy as AWS's evaluation logic does
// (reference_policies_evaluation-logic.html and its cross-account
// counterpart, implemented by policy.EvaluateTo), and writes the outcome to
// d. It is the only place in stsd where policies are combined into a
// decision.
//
// For a subject already gathered and a d used before, Decide allocates
// nothing, as long as q.Keys are few and named in lower case.
func Decide(s *Subject, q *Query, d *Decision) {
	ctx := q.Context
	if ctx == nil {
		d.ctx.Reset()
		s.fill(&d.ctx, &q.Facts, &d.times)
		for i := range q.Keys {
			k := &q.Keys[i]
			switch {
			case k.List:
				d.ctx.SetList(k.Name, k.Values...)
			case len(k.Values) == 1:
				d.ctx.SetValue(k.Name, k.Values[0])
			default:
				d.ctx.Set(k.Name, k.Values...)
			}
		}
		ctx = &d.ctx
	}
	d.set = policy.PolicySet{Identity: s.Identity, Boundary: s.Boundary, Session: s.Session}
	d.req = policy.Request{
		Principal:       s.PolicyPrincipal(),
		Action:          q.Action,
		Resource:        q.Resource,
		ResourceAccount: q.ResourceAccount,
		Context:         *ctx,
	}
	if rp := q.ResourcePolicy; rp != nil {
		d.res[0] = rp.Policy
		d.set.Resource = d.res[:]
		d.set.ResourceRequired = rp.Required
		if rp.Account != "" {
			d.req.ResourceAccount = rp.Account
		}
	}
	policy.EvaluateTo(&d.set, &d.req, &d.Result)
	d.set.Resource, d.res[0] = nil, nil // hold no policy past its use
	d.Matched = d.Matched[:0]
	for _, m := range d.Result.Matched {
		d.Matched = append(d.Matched, Statement{
			Source: m.Source, Policy: s.ref(m, q.ResourcePolicy),
			Index: m.Statement, Sid: m.Sid, Effect: m.Effect,
		})
	}
	d.PrincipalARN, d.Action, d.Resource = s.callerARN(), q.Action, q.Resource
}

// ref names the policy a matched statement belongs to.
func (s *Subject) ref(m policy.Match, rp *ResourcePolicy) PolicyRef {
	switch m.Source {
	case policy.SourceIdentity:
		if m.Policy < len(s.IdentityRefs) {
			return s.IdentityRefs[m.Policy]
		}
	case policy.SourceBoundary:
		return s.BoundaryRef
	case policy.SourceSession:
		if m.Policy < len(s.SessionRefs) {
			return s.SessionRefs[m.Policy]
		}
	case policy.SourceResource:
		if rp != nil {
			return rp.Ref
		}
	}
	return PolicyRef{}
}

// StatementOf returns the statement a match of a decision made for s
// refers to (rp is the query's resource policy), so that a decision can be
// described statement by statement; nil if m names no policy of s.
func (s *Subject) StatementOf(m policy.Match, rp *ResourcePolicy) *policy.Statement {
	var p *policy.Policy
	switch m.Source {
	case policy.SourceIdentity:
		if m.Policy < len(s.Identity) {
			p = s.Identity[m.Policy]
		}
	case policy.SourceBoundary:
		p = s.Boundary
	case policy.SourceSession:
		if m.Policy < len(s.Session) {
			p = s.Session[m.Policy]
		}
	case policy.SourceResource:
		if rp != nil {
			p = rp.Policy
		}
	}
	if p == nil || m.Statement >= len(p.Statements) {
		return nil
	}
	return &p.Statements[m.Statement]
}
