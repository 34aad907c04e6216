package iam

import (
	"context"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/iamlimits"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// globalEndpointTokenVersion is what GlobalEndpointTokenVersion reports:
// 2, "valid in all Regions" (IAM User Guide, "Managing AWS STS in an AWS
// Region"), because stsd's session tokens carry no region and are accepted
// whatever region a request is signed for. AWS's default is 1, tokens
// valid only in the Regions enabled by default; stsd has no such
// distinction to offer.
const globalEndpointTokenVersion = 2

// GetAccountSummary reports the account's IAM entity usage and its quotas.
// Usage is counted from the store. The quotas come from iamlimits, the
// table every operation checks, so a client comparing usage with quota
// sees when stsd will refuse; the four it does not enforce (users,
// policies, policy versions in use, server certificates) are AWS's
// defaults. The keys are the model's summaryKeyType, all of them, as
// AWS's answer has them.
func (s *Service) GetAccountSummary(ctx context.Context, call *rpc.Call, _ *struct{}) (*iamapi.GetAccountSummaryResponse, error) {
	if err := s.authorize(ctx, call, "iam:GetAccountSummary", "*"); err != nil {
		return nil, err
	}
	u, err := countUsage(ctx, s.store, call.Principal.AccountID)
	if err != nil {
		return nil, err
	}
	m := summaryQuotas()
	for k, v := range u.summary() {
		m[k] = v
	}
	return &iamapi.GetAccountSummaryResponse{SummaryMap: m}, nil
}

// summaryQuotas are the summary's keys that count no usage: the quotas,
// from the table every operation checks, and GlobalEndpointTokenVersion.
func summaryQuotas() map[string]int32 {
	m := iamlimits.SummaryQuotas()
	m["GlobalEndpointTokenVersion"] = globalEndpointTokenVersion
	return m
}

// accountUsage is what an account holds, as GetAccountSummary counts it.
type accountUsage struct {
	users, groups, roles, policies, instanceProfiles int
	// policiesInUse counts the distinct managed policies attached to a
	// user, group or role or set as a permissions boundary: AWS's
	// PolicyVersionsInUse ("The number of managed policies that are
	// attached to IAM users, groups, or roles", AWS CLI reference,
	// get-account-summary). A policy attached to a role moves it by one
	// (test_iam_account_summary.snapshot.json, "resource-deltas"). A
	// boundary counts as a use too: stsd's reading (a boundary is a
	// managed policy in use), not confirmed by a recording stsd can cite.
	policiesInUse int
	// providers counts OIDC and SAML providers together: one of each moved
	// AWS's Providers by 2 (test_iam_account_summary.snapshot.json).
	providers int
	// mfaDevices counts virtual devices assigned or not; mfaInUse those
	// assigned to a user or to the root (AWS CLI reference,
	// get-account-summary: MFADevices, MFADevicesInUse).
	mfaDevices, mfaInUse int
	// The root's own credentials: an assigned MFA device
	// (AccountMFAEnabled), access keys (AccountAccessKeysPresent) and
	// signing certificates (AccountSigningCertificatesPresent); IAM users'
	// credentials do not count.
	rootMFA, rootKeys, rootCerts bool
}

// summary is the usage keys of the summary. stsd keeps no server
// certificates and no console password for the root, so ServerCertificates
// and AccountPasswordPresent are 0, which is what they count.
func (u accountUsage) summary() map[string]int32 {
	return map[string]int32{
		"Users":                             int32(u.users),
		"Groups":                            int32(u.groups),
		"Roles":                             int32(u.roles),
		"Policies":                          int32(u.policies),
		"PolicyVersionsInUse":               int32(u.policiesInUse),
		"InstanceProfiles":                  int32(u.instanceProfiles),
		"Providers":                         int32(u.providers),
		"MFADevices":                        int32(u.mfaDevices),
		"MFADevicesInUse":                   int32(u.mfaInUse),
		"ServerCertificates":                0,
		"AccountMFAEnabled":                 flag(u.rootMFA),
		"AccountAccessKeysPresent":          flag(u.rootKeys),
		"AccountSigningCertificatesPresent": flag(u.rootCerts),
		"AccountPasswordPresent":            0,
	}
}

// flag is 1 for true, the summary's yes.
func flag(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// countUsage counts what account holds. The store lists every entity of a
// kind (no page limit) from the root path "/", which every path starts
// with.
func countUsage(ctx context.Context, r store.Reader, acct string) (accountUsage, error) {
	var u accountUsage
	all := store.Page{}
	users, err := r.ListUsers(ctx, acct, defaultPath, all)
	if err != nil {
		return u, err
	}
	groups, err := r.ListGroups(ctx, acct, defaultPath, all)
	if err != nil {
		return u, err
	}
	roles, err := r.ListRoles(ctx, acct, defaultPath, all)
	if err != nil {
		return u, err
	}
	policies, err := r.ListPolicies(ctx, acct, defaultPath, all)
	if err != nil {
		return u, err
	}
	profiles, err := r.ListInstanceProfiles(ctx, acct, defaultPath, all)
	if err != nil {
		return u, err
	}
	u.users, u.groups, u.roles, u.policies, u.instanceProfiles = len(users), len(groups), len(roles), len(policies), len(profiles)

	inUse := map[string]bool{}
	use := func(kind store.PrincipalKind, name, boundary string) error {
		if boundary != "" {
			inUse[boundary] = true
		}
		arns, err := r.ListAttachedPolicies(ctx, acct, kind, name)
		for _, a := range arns {
			inUse[a] = true
		}
		return err
	}
	for _, x := range users {
		if err := use(store.KindUser, x.Name, x.PermissionsBoundary); err != nil {
			return u, err
		}
	}
	for _, x := range groups {
		if err := use(store.KindGroup, x.Name, ""); err != nil {
			return u, err
		}
	}
	for _, x := range roles {
		if err := use(store.KindRole, x.Name, x.PermissionsBoundary); err != nil {
			return u, err
		}
	}
	u.policiesInUse = len(inUse)

	oidc, err := r.ListOIDCProviders(ctx, acct)
	if err != nil {
		return u, err
	}
	saml, err := r.ListSAMLProviders(ctx, acct)
	if err != nil {
		return u, err
	}
	u.providers = len(oidc) + len(saml)

	devices, err := r.ListMFADevices(ctx, acct, "")
	if err != nil {
		return u, err
	}
	u.mfaDevices = len(devices)
	for _, d := range devices {
		if d.EnabledAt.IsZero() {
			continue
		}
		u.mfaInUse++
		// The mfa package's convention: enabled without a user name is
		// the root's.
		if d.UserName == "" {
			u.rootMFA = true
		}
	}

	keys, err := r.ListAccessKeys(ctx, acct, "")
	if err != nil {
		return u, err
	}
	certs, err := r.ListSigningCertificates(ctx, acct, "")
	if err != nil {
		return u, err
	}
	u.rootKeys, u.rootCerts = len(keys) > 0, len(certs) > 0
	return u, nil
}
