package sts

import (
	"context"
	"time"

	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// unsignedRegion is the region an unsigned call (AssumeRoleWithWebIdentity,
// AssumeRoleWithSAML) is taken to be made in, having no credential scope to
// name one: stsd's one endpoint stands for STS's global endpoint, whose
// "global requests map to the US East (N. Virginia) Region" (AWS SDKs and
// Tools Reference Guide, feature-sts-regionalized-endpoints.html).
const unsignedRegion = "us-east-1"

// sessionStart is when a session (or token) created by call begins: the
// request's time in UTC, in whole seconds as the token and the response
// carry it. Every operation takes its start from here, so IssuedAt,
// Expiration and MFAAuthTime agree to the second whichever call made them.
func sessionStart(call *rpc.Call) time.Time { return call.Time.UTC().Truncate(time.Second) }

// sessionScope is what scopes a session down: the session policies and
// session tags, both as passed (PackedPolicySize measures those) and as
// the session records them.
type sessionScope struct {
	// policy is the inline session policy, "" when none; passedARNs are
	// the managed session policies as passed, policyARNs the same ARNs
	// once validated.
	policy     string
	passedARNs []stsapi.PolicyDescriptorType
	policyARNs []string
	// passedTags and passedTransitive are the tags and transitive keys the
	// caller (or the IdP) passed; tags and transitive are the session's,
	// with those inherited from a calling session.
	passedTags       []stsapi.Tag
	passedTransitive []string
	tags             []session.Tag
	transitive       []string
}

// scopePolicies validates the session policies passed (sessionPolicies:
// managed ones must exist in account) into sc.
func (s *Service) scopePolicies(ctx context.Context, sc *sessionScope, doc string, arns []stsapi.PolicyDescriptorType, account string) error {
	sc.policy, sc.passedARNs = doc, arns
	var err error
	sc.policyARNs, err = s.sessionPolicies(ctx, doc, arns, account)
	return err
}

// scopePackedSize is PackedPolicySize for the scope, or PackedPolicyTooLarge.
func (s *Service) scopePackedSize(sc *sessionScope) (*int32, error) {
	return s.packedSize(sc.policy, sc.passedARNs, sc.passedTags, sc.passedTransitive)
}

// issueScoped records sc in c and issues the session: one step for every
// session whose size depends on what the caller passed.
func (s *Service) issueScoped(c *session.Claims, sc *sessionScope) (*stsapi.Credentials, error) {
	c.Tags, c.TransitiveTagKeys = sc.tags, sc.transitive
	c.SessionPolicy, c.PolicyARNs = sc.policy, sc.policyARNs
	return s.issueSession(c)
}

// roleSessionSpec describes a role session that a flow (AssumeRole,
// AssumeRoleWithWebIdentity, AssumeRoleWithSAML) has validated and
// authorized in its own way; mint creates it. A flow fills it in two
// steps: targetRoleSession for what every flow checks alike, then the
// flow's own facts.
type roleSessionSpec struct {
	role    store.Role
	roleARN string // the role's ARN with its path
	name    string // RoleSessionName
	// duration is the session's length in seconds. notAfter, when not
	// zero, is a further limit on the expiration (SAML's
	// SessionNotOnOrAfter); expired makes the refusal when that limit
	// leaves the session no time, and must be set with it.
	duration int32
	notAfter time.Time
	expired  func() error

	sourceIdentity    string
	federatedProvider string // the OIDC or SAML provider's ARN, "" for AssumeRole
	// mfa and mfaTime are the MFA the session carries (verified now, or
	// inherited from the calling session).
	mfa        bool
	mfaTime    time.Time
	chainDepth int
	scope      sessionScope
}

// mintedRole is what every role-session flow answers in common.
type mintedRole struct {
	creds  *stsapi.Credentials
	user   *stsapi.AssumedRoleUser
	packed *int32
}

// targetRoleSession starts rs with the checks every role-session flow makes,
// in the same order: the role exists (notFound() otherwise) and its trust
// policy compiles, the requested duration fits the role (and role chaining),
// the session tags are valid. It returns the role's trust policy. The flow
// then validates the session policies into rs.scope (scopePolicies).
func (s *Service) targetRoleSession(ctx context.Context, rs *roleSessionSpec, res arn.IAMResource, notFound func() error,
	duration *int32, chained bool, tags []stsapi.Tag, transitive []string, parent *session.Claims) (*policy.Policy, error) {
	role, trust, err := s.targetRole(ctx, res, notFound)
	if err != nil {
		return nil, err
	}
	if rs.duration, err = roleSessionDuration(duration, role, chained); err != nil {
		return nil, err
	}
	sc := &rs.scope
	if sc.tags, sc.transitive, err = sessionTags(tags, transitive, parent); err != nil {
		return nil, err
	}
	sc.passedTags, sc.passedTransitive = tags, transitive
	rs.role, rs.roleARN = role, arn.Role(role.AccountID, role.Path, role.Name)
	return trust, nil
}

// mint creates the role session rs describes: PackedPolicySize, the
// session's claims, its sealed token and credentials. It records the role's
// last use, for IAM's RoleLastUsed, whichever flow assumed it: AWS reports
// "the last time that an IAM role was used", with "the Region in which the
// role was last used", without regard to the operation that made the
// session (IAM API reference, RoleLastUsed).
func (s *Service) mint(call *rpc.Call, rs *roleSessionSpec) (mintedRole, error) {
	packed, err := s.scopePackedSize(&rs.scope)
	if err != nil {
		return mintedRole{}, err
	}
	issued := sessionStart(call)
	expires := issued.Add(seconds(rs.duration))
	if !rs.notAfter.IsZero() {
		if rs.notAfter.Before(expires) {
			expires = rs.notAfter.UTC().Truncate(time.Second)
		}
		if !expires.After(issued) {
			return mintedRole{}, rs.expired()
		}
	}
	role := &rs.role
	c := &session.Claims{
		AccountID:         role.AccountID,
		PrincipalType:     session.AssumedRole,
		PrincipalARN:      arn.AssumedRole(role.AccountID, role.Name, rs.name),
		PrincipalID:       role.ID + ":" + rs.name,
		SourceARN:         rs.roleARN,
		RoleName:          role.Name,
		RoleID:            role.ID,
		SessionName:       rs.name,
		IssuedAt:          issued,
		Expiration:        expires,
		SourceIdentity:    rs.sourceIdentity,
		FederatedProvider: rs.federatedProvider,
		ChainDepth:        rs.chainDepth,
	}
	if rs.mfa {
		c.MFAAuthenticated, c.MFAAuthTime = true, rs.mfaTime
	}
	creds, err := s.issueScoped(c, &rs.scope)
	if err != nil {
		return mintedRole{}, err
	}
	region := call.Region
	if region == "" {
		region = unsignedRegion
	}
	s.roleUsed(role.AccountID, role.Name, region, issued)
	return mintedRole{
		creds:  creds,
		user:   &stsapi.AssumedRoleUser{AssumedRoleId: c.PrincipalID, Arn: c.PrincipalARN},
		packed: packed,
	}, nil
}
