package policy

import (
	"strings"

	"github.com/stsd/stsd/internal/arn"
)

// PolicySet is every policy AWS combines for one request
// (reference_policies_evaluation-logic.html).
type PolicySet struct {
	// Identity holds the caller's identity-based policies (inline and
	// managed, of the user and its groups, or of the session's role).
	Identity []*Policy
	// Resource holds the resource-based policies of the target, owned by
	// Request.ResourceAccount; a role's trust policy is one.
	Resource []*Policy
	// Boundary is the caller's permissions boundary, nil when none.
	Boundary *Policy
	// Session holds the session policies (inline and managed) passed when
	// the session was created; empty when none were passed.
	Session []*Policy
	// ResourceRequired says the resource-based policy must allow even in
	// the same account, as a role's trust policy must for sts:AssumeRole*
	// ("the role trust policy and the identity-based policy must both
	// allow", id_roles_manage-assume.html; the same holds for KMS key
	// policies). Without it a same-account identity-based Allow suffices.
	ResourceRequired bool
}

// Decision is the outcome of an evaluation.
type Decision uint8

// The three outcomes.
const (
	DecisionImplicitDeny Decision = iota
	DecisionAllow
	DecisionExplicitDeny
)

// Source names the kind of policy a statement or a refusal comes from.
type Source uint8

// Policy sources, in the words of AWS's AccessDenied messages.
const (
	SourceNone Source = iota
	SourceIdentity
	SourceResource
	SourceBoundary
	SourceSession
)

// String returns AWS's wording: "identity-based policy", "resource-based
// policy", "permissions boundary", "session policy".
func (s Source) String() string {
	switch s {
	case SourceIdentity:
		return "identity-based policy"
	case SourceResource:
		return "resource-based policy"
	case SourceBoundary:
		return "permissions boundary"
	case SourceSession:
		return "session policy"
	}
	return "none"
}

// String returns "Allow", "ImplicitDeny" or "ExplicitDeny".
func (d Decision) String() string {
	switch d {
	case DecisionAllow:
		return "Allow"
	case DecisionExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Match identifies one statement that applied to the request.
type Match struct {
	Source    Source
	Policy    int // index in its PolicySet list (0 for Boundary)
	Statement int // index in the policy's Statements
	Sid       string
	Effect    Effect
}

// Result is the outcome of Evaluate.
type Result struct {
	Decision Decision
	// Reason is, for a refusal, the kind of policy responsible: the source
	// of the explicit deny, or the kind of policy that failed to allow
	// (AWS: "because no identity-based policy allows the X action").
	Reason Source
	// Matched lists every statement that applied (Allow and Deny), in
	// evaluation order.
	Matched []Match
	// Missing lists condition keys (as written in the policy) referenced by
	// evaluated conditions or policy variables but absent from the request,
	// for SimulatePolicy's MissingContextValues. No duplicates.
	Missing []string
}

// Allowed reports whether the decision is Allow.
func (r *Result) Allowed() bool { return r.Decision == DecisionAllow }

// evalCtx is the per-evaluation state threaded through the matchers.
type evalCtx struct {
	req *Request
	res *Result
	// bounded: the caller has a permissions boundary (see
	// applyResourcePolicy on NotPrincipal).
	bounded bool
	// unresolved is set by a pattern that met a policy variable with no
	// value and no default; appliesTo reads it to drop the statement.
	unresolved bool
	// sess is the caller's ARN taken apart when it is an assumed-role
	// session (sessOK), filled on first use by session so that a policy
	// naming many principals parses the caller once, not once per value.
	sess               arn.IAMResource
	sessParsed, sessOK bool
}

// session returns the caller's ARN taken apart and whether it is an
// assumed-role session.
func (e *evalCtx) session() (arn.IAMResource, bool) {
	if !e.sessParsed {
		e.sessParsed = true
		if a, err := arn.ParseIAM(e.req.Principal.ARN); err == nil && a.Type == arn.TypeAssumedRole {
			e.sess, e.sessOK = a, true
		}
	}
	return e.sess, e.sessOK
}

func (e *evalCtx) noteMissing(key string) {
	if e == nil || e.res == nil {
		return
	}
	for _, k := range e.res.Missing {
		if strings.EqualFold(k, key) {
			return
		}
	}
	e.res.Missing = append(e.res.Missing, key)
}

// Evaluate decides the request against the policy set.
func Evaluate(set *PolicySet, req *Request) Result {
	var r Result
	EvaluateTo(set, req, &r)
	return r
}

// principalGrant says how a resource-policy statement matched the caller.
type principalGrant uint8

const (
	grantNone principalGrant = iota
	// grantAccount: the statement names the caller's account, which only
	// delegates to the account's own policies.
	grantAccount
	// grantRoleOrAny: the statement names the session's role (or applies
	// through NotPrincipal); such grants are still narrowed by boundaries
	// and session policies.
	grantRoleOrAny
	// grantDirect: the statement names the caller itself (user ARN,
	// session ARN, federated user, provider, service, or "*").
	grantDirect
)

// EvaluateTo is Evaluate writing into r, reusing r's slices, so that a
// caller evaluating in a loop allocates nothing.
//
// The logic follows "Policy evaluation logic" and "Cross-account policy
// evaluation logic" (reference_policies_evaluation-logic.html,
// reference_policies_evaluation-logic-cross-account.html):
//  1. an explicit Deny in any applicable policy wins;
//  2. same account: a resource-based policy that names the caller itself
//     (user ARN or role-session ARN) allows without regard to identity
//     policies, and is not limited by the boundary or session policies
//     (access_policies_boundaries.html, access_policies.html#policies_
//     session), nor is one with Principal "*"; otherwise an identity-based
//     Allow or a resource-based Allow naming the role is needed, then the boundary (if any)
//     and the session policies (if any) must also allow; a resource policy
//     that names only the account delegates to identity policies;
//  3. cross account: the resource-based policy must allow (naming the
//     caller, its role or its account) and the identity-based policies
//     must allow, narrowed by boundary and session policies.
func EvaluateTo(set *PolicySet, req *Request, r *Result) {
	r.Decision, r.Reason = DecisionImplicitDeny, SourceNone
	r.Matched, r.Missing = r.Matched[:0], r.Missing[:0]
	e := &evalCtx{req: req, res: r, bounded: set.Boundary != nil}

	var denied Source
	idAllow := false
	for i, p := range set.Identity {
		a, d := e.applyPolicy(p, SourceIdentity, i, false)
		idAllow = idAllow || a
		if d && denied == SourceNone {
			denied = SourceIdentity
		}
	}
	grant := grantNone
	for i, p := range set.Resource {
		g, d := e.applyResourcePolicy(p, i)
		if g > grant {
			grant = g
		}
		if d && denied == SourceNone {
			denied = SourceResource
		}
	}
	bAllow := true
	if set.Boundary != nil {
		a, d := e.applyPolicy(set.Boundary, SourceBoundary, 0, false)
		bAllow = a
		if d && denied == SourceNone {
			denied = SourceBoundary
		}
	}
	sAllow := true
	if len(set.Session) > 0 {
		sAllow = false
		for i, p := range set.Session {
			a, d := e.applyPolicy(p, SourceSession, i, false)
			sAllow = sAllow || a
			if d && denied == SourceNone {
				denied = SourceSession
			}
		}
	}
	if denied != SourceNone {
		r.Decision, r.Reason = DecisionExplicitDeny, denied
		return
	}
	cross := req.ResourceAccount != "" && req.Principal.Account != "" &&
		req.ResourceAccount != req.Principal.Account
	if cross {
		switch {
		case grant == grantNone:
			r.Reason = SourceResource
		case !idAllow:
			r.Reason = SourceIdentity
		case !bAllow:
			r.Reason = SourceBoundary
		case !sAllow:
			r.Reason = SourceSession
		default:
			r.Decision = DecisionAllow
		}
		return
	}
	switch {
	case grant == grantDirect:
		r.Decision = DecisionAllow
	case set.ResourceRequired && grant == grantNone:
		r.Reason = SourceResource
	case !idAllow && grant != grantRoleOrAny:
		r.Reason = SourceIdentity
	case !bAllow:
		r.Reason = SourceBoundary
	case !sAllow:
		r.Reason = SourceSession
	default:
		r.Decision = DecisionAllow
	}
}

// applyPolicy evaluates a policy without principals; it reports whether an
// Allow statement applied and whether a Deny statement applied.
func (e *evalCtx) applyPolicy(p *Policy, src Source, idx int, _ bool) (allowed, denied bool) {
	for i := range p.Statements {
		st := &p.Statements[i]
		if !st.appliesTo(e) {
			continue
		}
		e.res.Matched = append(e.res.Matched, Match{Source: src, Policy: idx, Statement: i, Sid: st.Sid, Effect: st.Effect})
		if st.Effect == EffectDeny {
			denied = true
		} else {
			allowed = true
		}
	}
	return allowed, denied
}

// applyResourcePolicy evaluates a resource-based policy, including its
// Principal/NotPrincipal elements.
func (e *evalCtx) applyResourcePolicy(p *Policy, idx int) (grant principalGrant, denied bool) {
	for i := range p.Statements {
		st := &p.Statements[i]
		var g principalGrant
		switch {
		case st.Principal != nil:
			g = matchPrincipals(st.Principal, e)
		case st.NotPrincipal != nil:
			// "The NotPrincipal element with a Deny effect will always
			// deny any IAM principal that has a permissions boundary
			// policy attached, regardless of the values specified in the
			// NotPrincipal element" (access_policies_boundaries.html,
			// reference_policies_elements_notprincipal.html).
			alwaysDenied := st.Effect == EffectDeny && e.bounded && e.req.Principal.ARN != ""
			if alwaysDenied || !notPrincipalExcludes(st.NotPrincipal, e) {
				g = grantRoleOrAny
			}
		}
		if g == grantNone || !st.appliesTo(e) {
			continue
		}
		e.res.Matched = append(e.res.Matched, Match{Source: SourceResource, Policy: idx, Statement: i, Sid: st.Sid, Effect: st.Effect})
		if st.Effect == EffectDeny {
			denied = true
		} else if g > grant {
			grant = g
		}
	}
	return grant, denied
}

// appliesTo reports whether the statement's action, resource and
// conditions match the request.
//
// "If AWS cannot resolve a variable this might cause the entire statement
// to be invalid" (reference_policies_variables.html): an unresolvable
// variable matches nothing, so in a positive test it is simply a mismatch,
// but a negative test (NotResource, a negated condition operator) would
// turn that mismatch into a match and apply the statement to everything;
// there the statement is dropped instead.
func (st *Statement) appliesTo(e *evalCtx) bool {
	req := e.req
	hit := false
	for j := range st.actions {
		if st.actions[j].match(req.Action, nil) {
			hit = true
			break
		}
	}
	if hit == (st.Action == nil) { // NotAction: applies when none match
		return false
	}
	if st.HasResource {
		hit = false
		e.unresolved = false
		for j := range st.resources {
			if st.resources[j].match(req.Resource, e) {
				hit = true
				break
			}
		}
		if hit == (st.Resource == nil) {
			return false
		}
		if st.Resource == nil && e.unresolved {
			return false
		}
	}
	for j := range st.Conditions {
		c := &st.Conditions[j]
		e.unresolved = false
		if !c.eval(e) {
			return false
		}
		if e.unresolved && c.op.negated() {
			return false
		}
	}
	return true
}
