// Package iam implements the IAM management API (Version 2010-05-08): users
// and their access keys, groups and their members, roles and the instance
// profiles that hold them, managed and inline policies and their
// attachments, MFA devices, OIDC and SAML providers, policy simulation,
// console passwords (login profiles) and the account password policy,
// users' SSH public keys, signing certificates and service-specific
// credentials, and the switch of outbound identity federation.
//
// Every operation acts inside the caller's account and is authorized with
// the policy engine against the caller's effective permissions (the root
// may do everything in its account). Writes go through the cached store,
// so the STS hot path sees them at once.
package iam

import (
	"context"
	"errors"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Config is what the IAM service needs.
type Config struct {
	// Store is the store, normally the cache over the backend: reads are
	// cached and writes invalidate.
	Store store.Store
	// Authz decides every call; nil means one over Store and Policies.
	Authz *authz.Authorizer
	// Policies compiles and validates policy documents; nil means a cache
	// of its own.
	Policies *policy.Cache
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PublicURL is the externally reachable base URL of stsd (e.g.
	// "https://sts.example.com"); accounts' outbound federation issuer
	// URLs are built from it.
	PublicURL string
}

// Service serves the IAM operations.
type Service struct {
	store    store.Store
	authz    *authz.Authorizer
	policies *policy.Cache
	now      func() time.Time
	// publicURL is the base of issuer URLs (Config.PublicURL).
	publicURL string
}

// New returns the IAM service.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, authz: cfg.Authz, policies: cfg.Policies, now: cfg.Now, publicURL: cfg.PublicURL}
	if s.policies == nil {
		s.policies = policy.NewCache(defaultPolicyCacheSize)
	}
	if s.authz == nil {
		s.authz = authz.New(s.store, s.policies)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// defaultPolicyCacheSize bounds the compiled documents of a Service given no
// policy cache of its own.
const defaultPolicyCacheSize = 1000

// Handlers lists the operations this service implements, by group.
func (s *Service) Handlers() []rpc.Handler {
	var hs []rpc.Handler
	for _, group := range [][]rpc.Handler{
		s.userHandlers(),
		s.accessKeyHandlers(),
		s.groupHandlers(),
		s.roleHandlers(),
		s.instanceProfileHandlers(),
		s.policyHandlers(),
		s.mfaHandlers(),
		s.providerHandlers(),
		s.simulationHandlers(),
		s.outboundHandlers(),
		s.loginProfileHandlers(),
		s.passwordPolicyHandlers(),
		s.sshKeyHandlers(),
		s.signingCertificateHandlers(),
		s.serviceCredentialHandlers(),
		s.credentialReportHandlers(),
		s.accountHandlers(),
		s.authorizationDetailsHandlers(),
	} {
		hs = append(hs, group...)
	}
	return hs
}

// authorize checks that the caller may perform action ("iam:CreateUser") on
// resource (an ARN in the caller's account) and refuses with AWS's
// AccessDenied wording otherwise: "User: ARN is not authorized to perform:
// iam:CreateUser on resource: ARN because no identity-based policy allows
// the iam:CreateUser action" (IAM User Guide, "Troubleshoot access denied
// error messages"). The root may do everything in its own account.
//
// The request context holds the global keys, and, when resource names an
// existing user, role or instance profile, the IAM keys AWS derives from
// it: its permissions boundary as iam:PermissionsBoundary and its tags as
// aws:ResourceTag/KEY and iam:ResourceTag/KEY (Service Authorization
// Reference, IAM condition keys). extra keys, set last, add what the
// request itself carries (a new boundary, iam:PolicyARN,
// aws:RequestTag/KEY, aws:TagKeys).
func (s *Service) authorize(ctx context.Context, call *rpc.Call, action, resource string, extra ...contextKey) error {
	r, err := s.evaluate(ctx, call, action, resource, extra...)
	if err != nil {
		return err
	}
	if r.Allowed() {
		return nil
	}
	return accessDenied(call, action, resource, &r)
}

// evaluate is authorize's decision without the refusal, for operations
// that add an account-level grant of their own to the caller's policies
// (the password policy's AllowUsersToChangePassword). The root's requests
// are decided like everyone's: its implicit allow-all is one of the
// policies authz gathers.
func (s *Service) evaluate(ctx context.Context, call *rpc.Call, action, resource string, extra ...contextKey) (policy.Result, error) {
	p := call.Principal
	subject, err := s.authz.Subject(ctx, p)
	if err != nil {
		return policy.Result{}, err
	}
	keys, err := s.targetKeys(ctx, p.AccountID, resource)
	if err != nil {
		return policy.Result{}, err
	}
	q := authz.Query{
		Action:          action,
		Resource:        resource,
		Facts:           call.Facts(),
		Keys:            append(keys, extra...),
		ResourceAccount: p.AccountID,
	}
	var d authz.Decision
	authz.Decide(subject, &q, &d)
	return d.Result, nil
}

// accessDenied is the AccessDenied refusal of a decision r that did not
// allow action on resource.
func accessDenied(call *rpc.Call, action, resource string, r *policy.Result) error {
	return apierr.New(apierr.AccessDenied, "%s", policy.AccessDeniedMessage(call.Principal.ARN, action, resource, r))
}

// contextKey is one request-context key an operation adds for
// authorization.
type contextKey = authz.Key

// withKey is a contextKey of key with values.
func withKey(key string, values ...string) contextKey { return contextKey{Name: key, Values: values} }

// withRequestTags are the aws:RequestTag/KEY keys and the multivalued
// aws:TagKeys of the tags a request passes.
func withRequestTags(tags []iamapi.Tag) []contextKey {
	if len(tags) == 0 {
		return nil
	}
	out := make([]contextKey, 0, len(tags)+1)
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, withKey("aws:RequestTag/"+t.Key, t.Value))
		keys = append(keys, t.Key)
	}
	return append(out, withKey("aws:TagKeys", keys...))
}

// targetKeys returns the keys of an existing user, role or instance profile
// named by resource.
func (s *Service) targetKeys(ctx context.Context, account, resource string) ([]contextKey, error) {
	res, err := arn.ParseIAM(resource)
	if err != nil || res.AccountID != account || res.Name == "" {
		return nil, nil
	}
	var boundary string
	var tags []store.Tag
	switch res.Type {
	case arn.TypeUser:
		u, err := s.store.GetUser(ctx, account, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		boundary, tags = u.PermissionsBoundary, u.Tags
	case arn.TypeRole:
		r, err := s.store.GetRole(ctx, account, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		boundary, tags = r.PermissionsBoundary, r.Tags
	case arn.TypeInstanceProfile:
		p, err := s.store.GetInstanceProfile(ctx, account, res.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		tags = p.Tags
	default:
		return nil, nil
	}
	keys := make([]contextKey, 0, 1+2*len(tags))
	if boundary != "" {
		keys = append(keys, withKey("iam:PermissionsBoundary", boundary))
	}
	for _, t := range tags {
		keys = append(keys, withKey("aws:ResourceTag/"+t.Key, t.Value), withKey("iam:ResourceTag/"+t.Key, t.Value))
	}
	return keys, nil
}

// now returns the request's time, truncated to the second as IAM reports
// dates.
func callTime(call *rpc.Call) time.Time { return call.Time.UTC().Truncate(time.Second) }
