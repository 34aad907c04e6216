// Package iamlimits is stsd's one table of IAM quotas and of the IAM
// model's name, path and tag rules. The IAM API (internal/iam), the
// bootstrap file validator (internal/bootstrap) and GetAccountSummary all
// read their limits here, so a file the validator accepts is one the API
// would have accepted and the summary reports the quotas that are enforced.
//
// Quotas are AWS's defaults from the IAM User Guide page "IAM and AWS STS
// quotas" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
// unless a constant says otherwise; stsd enforces the defaults and offers no
// way to raise them. Rules the model states (lengths and patterns of names,
// paths, tags, ids) are not copied: they are read from the generated model
// tables in internal/apimodel.
package iamlimits

import "github.com/stsd/stsd/internal/policy"

// Per-user quotas.
const (
	// AccessKeysPerUser: "Access keys assigned to an IAM user: 2" (the root
	// user has the same quota).
	AccessKeysPerUser = 2
	// SigningCertificatesPerUser: "Signing certificates assigned to an IAM
	// user: 2".
	SigningCertificatesPerUser = 2
	// SSHPublicKeysPerUser: "SSH Public keys assigned to an IAM user: 5".
	SSHPublicKeysPerUser = 5
	// ServiceCredentialsPerUserPerService: "You can have a maximum of two
	// sets of service-specific credentials for each supported service per
	// user" (IAM API reference, CreateServiceSpecificCredential).
	ServiceCredentialsPerUserPerService = 2
	// MFADevicesPerUser: "You can register up to eight MFA devices of any
	// combination" (IAM User Guide, "AWS Multi-factor authentication in
	// IAM").
	MFADevicesPerUser = 8
	// GroupsPerUser: "IAM groups an IAM user can be a member of: 10".
	GroupsPerUser = 10
)

// Attached managed policies: "Managed policies attached to an IAM role /
// user / group: 10". AWS lets an account raise the user and role quotas to
// 20; stsd keeps the default for all three, and so must its bootstrap file.
const (
	AttachedPoliciesPerUser  = 10
	AttachedPoliciesPerRole  = 10
	AttachedPoliciesPerGroup = 10
)

// Per-account quotas. Users, managed policies, server certificates and
// policy versions in use are reported by GetAccountSummary but not
// enforced: stsd's CreateUser, CreatePolicy and the attach operations
// accept past them, and it keeps no server certificates.
const (
	// UsersPerAccount is the quotas page's IAM users per account.
	UsersPerAccount = 5000
	// GroupsPerAccount: "Groups in an AWS account: 300".
	GroupsPerAccount = 300
	// RolesPerAccount: "Roles in an AWS account: 1,000".
	RolesPerAccount = 1000
	// PoliciesPerAccount is the quotas page's customer managed policies
	// per account.
	PoliciesPerAccount = 1500
	// InstanceProfilesPerAccount: "Instance profiles in an AWS account:
	// 1000".
	InstanceProfilesPerAccount = 1000
	// OIDCProvidersPerAccount is the quotas page's OIDC identity providers
	// per account; AWS names it OpenIdConnectProvidersPerAccount in its
	// refusal (recorded in LocalStack's
	// tests/aws/services/iam/test_iam_oidc.snapshot.json).
	OIDCProvidersPerAccount = 100
	// SAMLProvidersPerAccount is the quotas page's SAML providers per
	// account.
	SAMLProvidersPerAccount = 100
	// ServerCertificatesPerAccount is the quotas page's server certificates
	// per account.
	ServerCertificatesPerAccount = 20
	// PolicyVersionsInUsePerAccount is what a real GetAccountSummary
	// answers for PolicyVersionsInUseQuota (recorded in
	// localstack/localstack
	// tests/aws/services/iam/test_iam_account_summary.snapshot.json,
	// 2026-02); the quotas page does not list it.
	PolicyVersionsInUsePerAccount = 10000
)

// Per-entity quotas.
const (
	// RolesPerInstanceProfile: "Roles in an instance profile: 1".
	RolesPerInstanceProfile = 1
	// VersionsPerPolicy: "Versions of a managed policy that can be stored:
	// 5".
	VersionsPerPolicy = 5
	// ClientIDsPerOIDCProvider is the quotas page's client ids (audiences)
	// per OIDC provider; the model's clientIDListType has no bound. AWS's
	// refusal of the 101st is recorded in test_iam_oidc.snapshot.json.
	ClientIDsPerOIDCProvider = 100
	// ThumbprintsPerOIDCProvider is the quotas page's thumbprints per OIDC
	// provider; the model's thumbprintListType has no bound.
	ThumbprintsPerOIDCProvider = 5
	// TagsPerEntity: "Tags per IAM resource: 50", for users, roles,
	// policies, instance profiles, MFA devices, providers and certificates
	// alike. It is also the bound the model puts on one request's tag list
	// (tagListType); a test keeps the two equal.
	TagsPerEntity = 50
)

// Policy size quotas, in characters not counting white space ("IAM doesn't
// count white space when calculating the size of a policy against these
// quotas"). The policy package enforces them as it parses a document, so
// the values are its own; they are listed here so that every IAM quota has
// one name in one place.
const (
	// TrustPolicySize: "Role trust policy length: 2,048 characters".
	TrustPolicySize = policy.QuotaTrust
	// ManagedPolicySize bounds one managed policy document (and so a
	// permissions boundary).
	ManagedPolicySize = policy.QuotaManaged
	// UserInlinePolicySize, RoleInlinePolicySize and GroupInlinePolicySize
	// bound the aggregate of the inline policies of one user, role or
	// group.
	UserInlinePolicySize  = policy.QuotaInlineUser
	RoleInlinePolicySize  = policy.QuotaInlineRole
	GroupInlinePolicySize = policy.QuotaInlineGroup
)

// SummaryQuotas returns GetAccountSummary's quota keys (the model's
// summaryKeyType values that name a quota) with their values from this
// table. The map is new on every call: GetAccountSummary adds its usage
// counts to it.
func SummaryQuotas() map[string]int32 {
	return map[string]int32{
		"UsersQuota":                      UsersPerAccount,
		"GroupsQuota":                     GroupsPerAccount,
		"RolesQuota":                      RolesPerAccount,
		"PoliciesQuota":                   PoliciesPerAccount,
		"InstanceProfilesQuota":           InstanceProfilesPerAccount,
		"ServerCertificatesQuota":         ServerCertificatesPerAccount,
		"PolicyVersionsInUseQuota":        PolicyVersionsInUsePerAccount,
		"VersionsPerPolicyQuota":          VersionsPerPolicy,
		"AttachedPoliciesPerUserQuota":    AttachedPoliciesPerUser,
		"AttachedPoliciesPerGroupQuota":   AttachedPoliciesPerGroup,
		"AttachedPoliciesPerRoleQuota":    AttachedPoliciesPerRole,
		"GroupsPerUserQuota":              GroupsPerUser,
		"AccessKeysPerUserQuota":          AccessKeysPerUser,
		"SigningCertificatesPerUserQuota": SigningCertificatesPerUser,
		"UserPolicySizeQuota":             UserInlinePolicySize,
		"GroupPolicySizeQuota":            GroupInlinePolicySize,
		"RolePolicySizeQuota":             RoleInlinePolicySize,
		"PolicySizeQuota":                 ManagedPolicySize,
		"AssumeRolePolicySizeQuota":       TrustPolicySize,
	}
}
