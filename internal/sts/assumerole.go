package sts

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// Role session durations (STS API reference, AssumeRole, DurationSeconds):
// one hour by default, at most the role's MaxSessionDuration, and at most
// one hour when a role session assumes a role ("role chaining").
const (
	roleSessionDefaultSeconds = 3600
	roleChainingMaxSeconds    = 3600
)

// Actions the trust policy is asked about.
const (
	actionAssumeRole        = "sts:AssumeRole"
	actionTagSession        = "sts:TagSession"
	actionSetSourceIdentity = "sts:SetSourceIdentity"
)

// AssumeRole returns temporary credentials for a role session, after the
// role's trust policy (and, across accounts or when the trust policy names
// the account, the caller's identity policies) allow sts:AssumeRole, and
// sts:TagSession / sts:SetSourceIdentity when session tags or a source
// identity are passed.
func (s *Service) AssumeRole(ctx context.Context, call *rpc.Call, in *stsapi.AssumeRoleRequest) (*stsapi.AssumeRoleResponse, error) {
	p := call.Principal
	if err := mayAssumeRoles(p); err != nil {
		return nil, err
	}
	parent := p.Session // non-nil for role chaining and GetSessionToken sessions
	chained := p.Type == auth.AssumedRole

	denied := func() error {
		return apierr.New(apierr.AccessDenied, "User: %s is not authorized to perform: %s on resource: %s", p.ARN, actionAssumeRole, in.RoleArn)
	}
	res, err := arn.ParseIAM(in.RoleArn)
	if err != nil {
		// As recorded from AWS: "arn:a:::something/test-role is invalid".
		return nil, apierr.New(apierr.ValidationError, "%s is invalid", in.RoleArn)
	}
	rs := roleSessionSpec{name: in.RoleSessionName}
	if chained {
		rs.chainDepth = parent.ChainDepth + 1
	}
	trust, err := s.targetRoleSession(ctx, &rs, res, denied, in.DurationSeconds, chained, in.Tags, in.TransitiveTagKeys, parent)
	if err != nil {
		return nil, err
	}
	if rs.sourceIdentity, err = chooseSourceIdentity(in.SourceIdentity, parent); err != nil {
		return nil, err
	}
	if err := s.scopePolicies(ctx, &rs.scope, in.Policy, in.PolicyArns, rs.role.AccountID); err != nil {
		return nil, err
	}

	if rs.mfa, err = s.checkMFA(ctx, p, in.SerialNumber, in.TokenCode); err != nil {
		return nil, err
	}
	rs.mfaTime = sessionStart(call)
	if !rs.mfa && parent != nil && parent.MFAAuthenticated {
		// MFA proven for the calling session carries on down the chain.
		rs.mfa, rs.mfaTime = true, parent.MFAAuthTime
	}

	// The caller's policies are gathered only now, after the checks that
	// need none of them; then the request context the trust policy sees.
	subject, err := s.authz.Subject(ctx, p)
	if err != nil {
		return nil, err
	}
	var keys requestKeys
	if rs.mfa {
		keys.set("aws:MultiFactorAuthPresent", "true")
		keys.set("aws:MultiFactorAuthAge", strconv.FormatInt(int64(call.Time.Sub(rs.mfaTime)/time.Second), 10))
	}
	keys.set("sts:RoleSessionName", in.RoleSessionName)
	if in.ExternalId != "" {
		keys.set("sts:ExternalId", in.ExternalId)
	}
	if in.SourceIdentity != "" {
		keys.set("sts:SourceIdentity", in.SourceIdentity)
	}
	setRequestTags(&keys, in.Tags)
	if len(in.TransitiveTagKeys) > 0 {
		keys.set("sts:TransitiveTagKeys", in.TransitiveTagKeys...)
	}
	q := &authz.Query{Resource: rs.roleARN, Facts: call.Facts(), Keys: keys, ResourcePolicy: trustPolicy(&rs, trust)}
	switch refused := firstRefused(subject, q,
		trustStep{true, actionAssumeRole},
		trustStep{len(rs.scope.tags) > 0, actionTagSession},
		trustStep{in.SourceIdentity != "", actionSetSourceIdentity}); refused {
	case "":
	case actionAssumeRole:
		return nil, denied()
	default:
		return nil, apierr.New(apierr.AccessDenied, "User: %s is not authorized to perform: %s on resource: %s", p.ARN, refused, in.RoleArn)
	}

	m, err := s.mint(call, &rs)
	if err != nil {
		return nil, err
	}
	return &stsapi.AssumeRoleResponse{
		Credentials:      m.creds,
		AssumedRoleUser:  m.user,
		PackedPolicySize: m.packed,
		SourceIdentity:   rs.sourceIdentity,
	}, nil
}

// mayAssumeRoles refuses the root, long-term or GetSessionToken session
// ("Roles may not be assumed by root accounts.", as SDK users report it).
// Federated sessions are refused by the session rules before this runs.
func mayAssumeRoles(p *auth.Principal) error {
	if p.Type == auth.Root {
		return apierr.New(apierr.AccessDenied, "Roles may not be assumed by root accounts.")
	}
	return nil
}

// targetRole finds the role a session is asked for and compiles its trust
// policy. A role that does not exist is refused with notFound(), the
// caller's AccessDenied: AWS does not reveal whether the role exists.
func (s *Service) targetRole(ctx context.Context, res arn.IAMResource, notFound func() error) (store.Role, *policy.Policy, error) {
	role, err := s.findRole(ctx, res)
	if errors.Is(err, store.ErrNotFound) {
		return store.Role{}, nil, notFound()
	}
	if err != nil {
		return store.Role{}, nil, err
	}
	trust, err := s.policies.Parse(role.TrustPolicy, policy.KindTrust)
	if err != nil {
		return store.Role{}, nil, err
	}
	return role, trust, nil
}

// roleSessionDuration is the requested duration of a role session (one
// hour when not given), refused above the role's MaxSessionDuration and,
// for role chaining, above one hour.
func roleSessionDuration(requested *int32, role store.Role, chained bool) (int32, error) {
	duration := int32(roleSessionDefaultSeconds)
	if requested != nil {
		duration = *requested
	}
	if chained && duration > roleChainingMaxSeconds {
		return 0, apierr.New(apierr.ValidationError, msgChainingDuration)
	}
	if duration > role.MaxSessionDuration {
		return 0, apierr.New(apierr.ValidationError, msgMaxSessionDuration)
	}
	return duration, nil
}

// findRole resolves a parsed role ARN to the stored role; a path that
// differs from the role's, or an ARN that is not a role's, finds nothing.
func (s *Service) findRole(ctx context.Context, res arn.IAMResource) (store.Role, error) {
	if res.Type != arn.TypeRole {
		return store.Role{}, store.ErrNotFound
	}
	r, err := s.store.GetRole(ctx, res.AccountID, res.Name)
	if err != nil {
		return store.Role{}, err
	}
	if r.Path != res.Path || r.Name != res.Name {
		return store.Role{}, store.ErrNotFound
	}
	return r, nil
}

// sessionTags validates the passed tags and transitive keys and merges in
// the transitive tags of the calling session: passed keys are unique
// case-insensitively, transitive keys name passed tags, and an inherited
// transitive key may not be passed again (IAM User Guide,
// id_session-tags.html, "Chaining roles with session tags").
func sessionTags(passed []stsapi.Tag, transitiveKeys []string, parent *session.Claims) ([]session.Tag, []string, error) {
	tags := make([]session.Tag, 0, len(passed))
	for i, t := range passed {
		if len(t.Key) >= 4 && strings.EqualFold(t.Key[:4], "aws:") {
			return nil, nil, apierr.New(apierr.InvalidParameterValue, msgTagPrefix)
		}
		for _, u := range passed[:i] {
			if strings.EqualFold(u.Key, t.Key) {
				return nil, nil, apierr.New(apierr.InvalidParameterValue, msgDuplicateTagKeys)
			}
		}
		tags = append(tags, session.Tag{Key: t.Key, Value: t.Value})
	}
	transitive := make([]string, 0, len(transitiveKeys))
	for _, k := range transitiveKeys {
		found := false
		for _, t := range passed {
			if strings.EqualFold(t.Key, k) {
				found = true
				break
			}
		}
		if !found {
			return nil, nil, apierr.New(apierr.InvalidParameterValue, msgTransitiveNotTag)
		}
		transitive = append(transitive, k)
	}
	if parent == nil {
		return tags, transitive, nil
	}
	for _, k := range parent.TransitiveTagKeys {
		for _, t := range passed {
			if strings.EqualFold(t.Key, k) {
				return nil, nil, apierr.New(apierr.InvalidParameterValue, msgTransitiveOverride)
			}
		}
		for _, t := range parent.Tags {
			if strings.EqualFold(t.Key, k) {
				tags = append(tags, t)
			}
		}
		transitive = append(transitive, k)
	}
	return tags, transitive, nil
}

// chooseSourceIdentity returns the session's source identity: the one set
// earlier in the chain, which cannot change, or the one passed now. (The
// model's pattern, [\w+=,.@-]*, already keeps out the reserved "aws:"
// prefix.)
func chooseSourceIdentity(passed string, parent *session.Claims) (string, error) {
	if parent != nil && parent.SourceIdentity != "" {
		if passed != "" && passed != parent.SourceIdentity {
			return "", apierr.New(apierr.AccessDenied, msgSourceIdentityChange)
		}
		return parent.SourceIdentity, nil
	}
	return passed, nil
}
