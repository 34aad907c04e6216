// Package authz makes stsd's authorization decisions: whether a principal
// may perform an action on a resource. It gathers the principal's policies
// from the store into a Subject (identity policies of the user and of the
// user's groups, or of the session's role; its permissions boundary; the
// session policies carried in the token), each named by a PolicyRef; and
// Decide builds the request context AWS defines (the aws:* global keys from
// the subject and the request's Facts, then the caller's keys), combines
// those policies with the target's resource-based policy (a role's trust
// policy) through the policy engine, and returns the Decision: Allow,
// ExplicitDeny or ImplicitDeny, the kind of policy responsible, and the
// statements that applied, each naming its policy. No other package
// combines policies (TestNoOtherPackageCombinesPolicies).
//
// It reads only the in-memory cache over the store and the policy compile
// cache, so authorizing a request touches no database in the steady state;
// over a store that reports an invalidation epoch (the store cache) it also
// keeps gathered subjects, so a repeated caller's decision allocates
// nothing.
package authz

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// allowAll is the implicit identity policy of an account root: the root
// may do everything in its own account (IAM User Guide, "AWS account root
// user"); resource policies of other accounts still apply.
const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// allowNothing stands for a policy that can never allow: a boundary or
// session policy that could not be read must narrow to nothing, not vanish.
const allowNothing = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}`

// Authorizer loads principals' policies and evaluates requests.
type Authorizer struct {
	store    store.Reader
	policies *policy.Cache
	root     *policy.Policy // allows everything
	none     *policy.Policy // allows nothing
	// subjects keeps gathered subjects when store reports an epoch.
	subjects *subjectCache
}

// New returns an Authorizer reading from st (normally the cache over the
// store) and compiling documents through pc.
func New(st store.Reader, pc *policy.Cache) *Authorizer {
	return &Authorizer{
		store:    st,
		policies: pc,
		root:     policy.MustParse(allowAll, policy.KindInlineUser),
		none:     policy.MustParse(allowNothing, policy.KindSession),
		subjects: newSubjectCache(subjectCacheSize),
	}
}

// Subject is a principal with the policies that govern what it may do and
// the tags policies see as aws:PrincipalTag. A Subject returned by an
// Authorizer may be shared between requests: it is read-only.
type Subject struct {
	// Principal is the caller; nil for a FederatedSubject or a
	// CustomSubject, which name the caller in the policy engine's terms.
	Principal *auth.Principal
	// Identity holds the identity-based policies: the user's own and
	// those of the user's groups, the session's role's, or the root's
	// implicit allow-all.
	Identity []*policy.Policy
	// IdentityRefs names Identity's policies, index for index.
	IdentityRefs []PolicyRef
	// Boundary is the user's or role's permissions boundary, nil if none.
	Boundary *policy.Policy
	// BoundaryRef names Boundary.
	BoundaryRef PolicyRef
	// Session holds the session policies the session was created with.
	Session []*policy.Policy
	// SessionRefs names Session's policies, index for index.
	SessionRefs []PolicyRef
	// Tags are the principal tags: the user's tags, or the role's tags
	// overridden by the session tags of the same key ("session tags
	// override role tags", IAM User Guide, id_session-tags.html).
	Tags []store.Tag
	// RoleARN is, for a role session, the role's ARN with its path
	// (aws:PrincipalArn of a role session is the role's ARN).
	RoleARN string

	// caller is the caller when Principal is nil.
	caller policy.Principal
	// keys are the caller's global context keys, computed once.
	keys []keyValue
}

// FederatedSubject is a caller authenticated by an identity provider
// (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): it has no policies of
// its own, so a role's trust policy alone decides, and its request context
// has only the keys of the request and those its caller adds.
func FederatedSubject(provider string) *Subject {
	return &Subject{caller: policy.Principal{Federated: provider}}
}

// CustomSubject is a caller with the given policies rather than its own,
// as the IAM policy simulator evaluates them; refs name the identity
// policies index for index.
func CustomSubject(p policy.Principal, identity []*policy.Policy, refs []PolicyRef, boundary *policy.Policy, boundaryRef PolicyRef) *Subject {
	return &Subject{caller: p, Identity: identity, IdentityRefs: refs, Boundary: boundary, BoundaryRef: boundaryRef}
}

// Subject gathers everything needed to authorize requests made by p. Over
// a store that reports an invalidation epoch, the subjects of callers
// signing with an access key are kept until the store changes.
func (a *Authorizer) Subject(ctx context.Context, p *auth.Principal) (*Subject, error) {
	epoch, cacheable := a.epoch()
	cacheable = cacheable && p.AccessKeyID != ""
	// An access key id names one caller: a long-term key its user (whose
	// changes move the epoch), a session key the claims sealed with it.
	key := subjectKey{accessKeyID: p.AccessKeyID, arn: p.ARN}
	if cacheable {
		if s := a.subjects.get(key, epoch); s != nil {
			return s, nil
		}
	}
	s, err := a.gather(ctx, p)
	if err != nil {
		return nil, err
	}
	if cacheable {
		a.subjects.put(key, epoch, s)
	}
	return s, nil
}

// gather reads p's policies from the store.
func (a *Authorizer) gather(ctx context.Context, p *auth.Principal) (*Subject, error) {
	s := &Subject{Principal: p}
	c := p.Session
	switch {
	case p.Type == auth.Root:
		s.addIdentity(a.root, PolicyRef{Kind: PolicyRoot})
	case p.Type == auth.User:
		wantID := ""
		if c != nil {
			wantID = c.UserID
		}
		if err := a.loadUser(ctx, s, p.AccountID, p.Name, wantID); err != nil {
			return nil, err
		}
	case p.Type == auth.AssumedRole:
		if err := a.loadRole(ctx, s, c); err != nil {
			return nil, err
		}
	case p.Type == auth.FederatedUser:
		// GetFederationToken: the federating user's permissions narrowed by
		// the session policies; a root-federated session has root's.
		if c.UserName == "" {
			s.addIdentity(a.root, PolicyRef{Kind: PolicyRoot})
		} else if err := a.loadUser(ctx, s, p.AccountID, c.UserName, c.UserID); err != nil {
			return nil, err
		}
		s.Tags = overlay(s.Tags, c.Tags)
	}
	if c != nil && c.PrincipalType != session.IAMUserSession && c.PrincipalType != session.RootSession {
		if err := a.loadSessionPolicies(ctx, s, c); err != nil {
			return nil, err
		}
		// "If you do not pass a policy to this operation, the resulting
		// temporary credentials have no effective permissions" (STS API
		// reference, GetFederationToken): an empty session policy list would
		// mean "no narrowing" to the engine, so narrow to nothing instead.
		if c.PrincipalType == session.FederatedUser && len(s.Session) == 0 {
			s.addSession(a.none, PolicyRef{Kind: PolicySession})
		}
	}
	s.keys = s.principalKeys()
	return s, nil
}

// addIdentity adds an identity policy and its name.
func (s *Subject) addIdentity(p *policy.Policy, ref PolicyRef) {
	s.Identity = append(s.Identity, p)
	s.IdentityRefs = append(s.IdentityRefs, ref)
}

// addSession adds a session policy and its name.
func (s *Subject) addSession(p *policy.Policy, ref PolicyRef) {
	s.Session = append(s.Session, p)
	s.SessionRefs = append(s.SessionRefs, ref)
}

// loadUser reads a user's inline and attached policies, boundary and tags,
// and the policies of the groups the user belongs to. A user that no longer
// exists has no permissions. wantID, when not "", is the user id sealed
// into the caller's session: a user deleted and created again under the
// same name has a new id, and the old user's sessions get nothing of the
// new one's permissions (as loadRole does for roles).
func (a *Authorizer) loadUser(ctx context.Context, s *Subject, account, name, wantID string) error {
	u, err := a.store.GetUser(ctx, account, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if wantID != "" && u.ID != wantID {
		return nil
	}
	s.Tags = u.Tags
	if err := a.loadPrincipalPolicies(ctx, s, account, store.KindUser, u.Name, u.PermissionsBoundary, policy.KindInlineUser); err != nil {
		return err
	}
	return a.loadGroups(ctx, s, account, u.Name)
}

// loadGroups adds to a user's identity policies the inline and attached
// policies of every group the user is a member of: "For an IAM user, these
// [identity-based policies] include user policies and policies from groups
// to which the user belongs" (IAM User Guide, "Policy evaluation logic",
// reference_policies_evaluation-logic.html). A group has no permissions
// boundary of its own, so the user's boundary, already loaded, bounds them
// too.
func (a *Authorizer) loadGroups(ctx context.Context, s *Subject, account, userName string) error {
	groups, err := a.store.ListGroupsForUser(ctx, account, userName)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := a.loadPrincipalPolicies(ctx, s, account, store.KindGroup, g.Name, "", policy.KindInlineGroup); err != nil {
			return err
		}
	}
	return nil
}

// loadRole reads the policies of a session's role. A role deleted (or
// deleted and recreated under the same name, so with another id) since the
// session began grants nothing.
func (a *Authorizer) loadRole(ctx context.Context, s *Subject, c *session.Claims) error {
	r, err := a.store.GetRole(ctx, c.AccountID, c.RoleName)
	if errors.Is(err, store.ErrNotFound) {
		s.Tags = overlay(nil, c.Tags)
		return nil
	}
	if err != nil {
		return err
	}
	s.RoleARN = arn.Role(r.AccountID, r.Path, r.Name)
	s.Tags = overlay(r.Tags, c.Tags)
	if r.ID != c.RoleID {
		return nil
	}
	return a.loadPrincipalPolicies(ctx, s, r.AccountID, store.KindRole, r.Name, r.PermissionsBoundary, policy.KindInlineRole)
}

func (a *Authorizer) loadPrincipalPolicies(ctx context.Context, s *Subject, account string, kind store.PrincipalKind, name, boundary string, inlineKind policy.Kind) error {
	inline, err := a.store.ListInlinePolicies(ctx, account, kind, name)
	if err != nil {
		return err
	}
	for _, ip := range inline {
		p, err := a.policies.Parse(ip.Document, inlineKind)
		if err != nil {
			return fmt.Errorf("stored inline policy %s of %s %s: %w", ip.Name, kind, name, err)
		}
		s.addIdentity(p, PolicyRef{Kind: PolicyInline, Owner: string(kind) + "/" + name, Name: ip.Name})
	}
	attached, err := a.store.ListAttachedPolicies(ctx, account, kind, name)
	if err != nil {
		return err
	}
	for _, policyARN := range attached {
		p, err := a.managed(ctx, policyARN)
		if err != nil {
			return err
		}
		if p != nil {
			s.addIdentity(p, PolicyRef{Kind: PolicyManaged, Name: policyARN})
		}
	}
	if boundary != "" {
		p, err := a.managed(ctx, boundary)
		if err != nil {
			return err
		}
		if p == nil {
			// A boundary that cannot be read must not widen anything.
			p = a.none
		}
		s.Boundary, s.BoundaryRef = p, PolicyRef{Kind: PolicyManaged, Name: boundary}
	}
	return nil
}

// managed returns the default version of a customer managed policy, or nil
// when it does not exist (deleted since it was referenced).
func (a *Authorizer) managed(ctx context.Context, policyARN string) (*policy.Policy, error) {
	doc, err := a.ManagedDocument(ctx, policyARN)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a.policies.Parse(doc, policy.KindManaged)
}

// ManagedDocument returns the default version's document of the customer
// managed policy named by policyARN, or store.ErrNotFound.
func (a *Authorizer) ManagedDocument(ctx context.Context, policyARN string) (string, error) {
	res, err := arn.ParseIAM(policyARN)
	if err != nil || res.Type != arn.TypePolicy {
		return "", store.ErrNotFound
	}
	mp, err := a.store.GetPolicy(ctx, res.AccountID, res.Name)
	if err != nil {
		return "", err
	}
	if mp.Path != res.Path && !(mp.Path == "" && res.Path == "/") {
		return "", store.ErrNotFound
	}
	v, err := a.store.GetPolicyVersion(ctx, res.AccountID, res.Name, mp.DefaultVersionID)
	if err != nil {
		return "", err
	}
	return v.Document, nil
}

// loadSessionPolicies compiles the session's inline policy and managed
// session policies. A managed session policy deleted since the session was
// created allows nothing, so it narrows to nothing rather than vanishing.
func (a *Authorizer) loadSessionPolicies(ctx context.Context, s *Subject, c *session.Claims) error {
	if c.SessionPolicy != "" {
		p, err := a.policies.Parse(c.SessionPolicy, policy.KindSession)
		if err != nil {
			return fmt.Errorf("session policy: %w", err)
		}
		s.addSession(p, PolicyRef{Kind: PolicySession})
	}
	for _, pa := range c.PolicyARNs {
		p, err := a.managed(ctx, pa)
		if err != nil {
			return err
		}
		if p == nil {
			p = a.none
		}
		s.addSession(p, PolicyRef{Kind: PolicySessionManaged, Name: pa})
	}
	return nil
}

// overlay returns base with the tags of top replacing those of the same
// key (compared case-insensitively, as tag keys are unique that way).
func overlay(base []store.Tag, top []session.Tag) []store.Tag {
	if len(top) == 0 {
		return base
	}
	out := make([]store.Tag, 0, len(base)+len(top))
	for _, t := range base {
		overridden := false
		for _, s := range top {
			if strings.EqualFold(s.Key, t.Key) {
				overridden = true
				break
			}
		}
		if !overridden {
			out = append(out, t)
		}
	}
	for _, t := range top {
		out = append(out, store.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}
