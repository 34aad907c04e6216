// Package store defines how stsd keeps its state: accounts, IAM users and
// their access keys, roles, managed and inline policies and their
// attachments, MFA devices, OIDC and SAML providers, and the session-token
// key ring.
//
// The package holds only the data types and the Store interface; backends
// live in sub-packages (store/sqlite is the embedded default) and must all
// pass the conformance suite in store/storetest. The store knows nothing of
// what a policy means: documents are opaque strings here.
//
// Secrets (secret access keys, MFA seeds, token keys, outbound federation
// signing keys) are plaintext in these types and encrypted by the backend
// before they reach disk, with the master key's sealer (package seal) and
// the row's identity as associated data.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors every backend returns, so callers can map them to IAM error codes.
var (
	// ErrNotFound means the named entity does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrAlreadyExists means a Create found an entity with the same key.
	ErrAlreadyExists = errors.New("store: already exists")
)

// Tag is a key/value pair attached to a user, role, policy or provider. Keys
// are unique case-insensitively within one entity; order is preserved.
type Tag struct {
	Key   string
	Value string
}

// Account is an AWS-style account: a 12-digit id and an optional alias.
type Account struct {
	ID        string
	Alias     string
	CreatedAt time.Time
}

// AccessKeyStatus is Active or Inactive, as IAM names them.
type AccessKeyStatus string

// Access key statuses.
const (
	AccessKeyActive   AccessKeyStatus = "Active"
	AccessKeyInactive AccessKeyStatus = "Inactive"
)

// AccessKey is a long-term credential. UserName is empty for the account
// root's keys.
type AccessKey struct {
	ID          string // AKIA…, 20 characters, globally unique
	Secret      string // 40 characters; encrypted at rest
	AccountID   string
	UserName    string // "" for root
	Status      AccessKeyStatus
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero when never used
	LastService string
	LastRegion  string
}

// User is an IAM user. Names are unique case-insensitively within an account.
type User struct {
	AccountID           string
	Name                string
	ID                  string // AIDA…
	Path                string
	PermissionsBoundary string // policy ARN or ""
	Tags                []Tag
	CreatedAt           time.Time
	PasswordLastUsed    time.Time
}

// LoginProfile is an IAM user's console password. stsd keeps only a
// salted, slow hash of it.
type LoginProfile struct {
	AccountID             string
	UserName              string
	PasswordHash          string // encoded hash with its parameters; never the password
	PasswordResetRequired bool
	CreatedAt             time.Time
	PasswordChangedAt     time.Time
}

// PasswordPolicy is an account's password policy for IAM users. The zero
// MaxPasswordAge and PasswordReusePrevention mean "not set".
type PasswordPolicy struct {
	AccountID                  string
	MinimumPasswordLength      int32
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	MaxPasswordAge             int32
	PasswordReusePrevention    int32
	HardExpiry                 bool
}

// SSHPublicKey is an IAM user's SSH public key (AWS CodeCommit).
type SSHPublicKey struct {
	AccountID   string
	UserName    string
	ID          string // APKA…
	Body        string // as uploaded (OpenSSH or PEM encoding)
	Fingerprint string
	Status      AccessKeyStatus
	UploadedAt  time.Time
}

// SigningCertificate is an X.509 signing certificate of an IAM user, or of
// the account root when UserName is "".
type SigningCertificate struct {
	AccountID  string
	UserName   string
	ID         string
	Body       string // PEM
	Status     AccessKeyStatus
	UploadedAt time.Time
}

// ServiceSpecificCredential is an IAM user's credential for one AWS
// service (CodeCommit and Keyspaces user name and password, Bedrock API
// key). Secret is encrypted at rest.
type ServiceSpecificCredential struct {
	AccountID   string
	UserName    string
	ID          string // ACCA…
	ServiceName string
	// ServiceUserName names the credential to the service (the user name
	// of a password credential, the alias of an API key).
	ServiceUserName string
	Secret          []byte
	Status          AccessKeyStatus
	CreatedAt       time.Time
	// ExpiresAt is zero for a credential that does not expire.
	ExpiresAt time.Time
}

// Role is an IAM role. Names are unique case-insensitively within an account.
type Role struct {
	AccountID           string
	Name                string
	ID                  string // AROA…
	Path                string
	Description         string
	TrustPolicy         string // JSON document
	MaxSessionDuration  int32  // seconds, 3600..43200
	PermissionsBoundary string // policy ARN or ""
	Tags                []Tag
	CreatedAt           time.Time
	LastUsedAt          time.Time
	LastUsedRegion      string
}

// Group is an IAM group: a set of users that share the group's policies.
// Names are unique case-insensitively within an account.
type Group struct {
	AccountID string
	Name      string
	ID        string // AGPA…
	Path      string
	CreatedAt time.Time
}

// InstanceProfile is an IAM instance profile: the container through which
// an EC2 instance is given a role. Names are unique case-insensitively
// within an account.
type InstanceProfile struct {
	AccountID string
	Name      string
	ID        string // AIPA…
	Path      string
	Tags      []Tag
	CreatedAt time.Time
	// Roles are the names (stored spelling) of the roles in the profile,
	// ordered by lower-cased name. Reads fill it; Create and Update ignore
	// it (AddInstanceProfileRole and RemoveInstanceProfileRole change it).
	Roles []string
}

// ManagedPolicy is a customer managed policy. Its ARN is
// arn:aws:iam::ACCOUNT:policy{Path}{Name}.
type ManagedPolicy struct {
	AccountID        string
	Name             string
	ID               string // ANPA…
	Path             string
	Description      string
	DefaultVersionID string // "v1", "v2", …
	Tags             []Tag
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	AccountID  string
	PolicyName string
	VersionID  string // "v1", "v2", …
	Document   string // JSON
	CreatedAt  time.Time
}

// PrincipalKind says whether an inline policy or attachment belongs to a
// user, a role or a group.
type PrincipalKind string

// Principal kinds that carry policies.
const (
	KindUser  PrincipalKind = "user"
	KindRole  PrincipalKind = "role"
	KindGroup PrincipalKind = "group"
)

// InlinePolicy is a policy embedded in a user, role or group.
type InlinePolicy struct {
	AccountID     string
	Kind          PrincipalKind
	PrincipalName string
	Name          string
	Document      string
}

// MFADevice is a virtual (TOTP) MFA device. UserName is empty while the
// device is created but not enabled for a user.
type MFADevice struct {
	AccountID    string
	SerialNumber string // arn:aws:iam::ACCOUNT:mfa/NAME
	Path         string
	Seed         []byte // raw TOTP secret; encrypted at rest
	UserName     string
	EnabledAt    time.Time
	// LastUsedStep is the highest TOTP time step accepted so far; a code for
	// this step or an earlier one is refused (replay protection).
	LastUsedStep int64
	Tags         []Tag
	CreatedAt    time.Time
}

// OIDCProvider is an OpenID Connect identity provider of an account.
type OIDCProvider struct {
	AccountID   string
	ARN         string // arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH
	URL         string // https://host/path as registered
	ClientIDs   []string
	Thumbprints []string
	JWKS        string // inline JSON Web Key Set, or "" to use discovery
	Tags        []Tag
	CreatedAt   time.Time
}

// SAMLProvider is a SAML 2.0 identity provider of an account.
type SAMLProvider struct {
	AccountID  string
	ARN        string // arn:aws:iam::ACCOUNT:saml-provider/NAME
	Name       string
	Metadata   string // SAML metadata XML
	ValidUntil time.Time
	Tags       []Tag
	CreatedAt  time.Time
}

// OutboundFederation is an account's outbound identity federation: when
// Enabled, its principals may call GetWebIdentityToken for JWTs signed with
// the account's keys, which verifiers fetch from the issuer's discovery
// endpoints. The row outlives a Disable so that the issuer and its keys
// stay the same when the feature is enabled again.
type OutboundFederation struct {
	AccountID string
	// IssuerID is the random, unguessable part of the account's issuer URL.
	// Unique across accounts.
	IssuerID string
	Enabled  bool
	// RSAKey and ECKey are the PKCS #8 DER private keys tokens are signed
	// with (RS256 and ES384); encrypted at rest.
	RSAKey    []byte
	ECKey     []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CredentialReport is an account's latest IAM credential report, kept so
// that every node, and the next start, serves the same one. The report is
// complete when stored: stsd builds it within GenerateCredentialReport.
type CredentialReport struct {
	AccountID   string
	Content     []byte // the CSV, as GetCredentialReport returns it
	GeneratedAt time.Time
}

// TokenKey is one key of the session-token key ring.
type TokenKey struct {
	ID        uint32
	Secret    []byte // 32 bytes; encrypted at rest
	CreatedAt time.Time
	// RetiredAt is when the key stopped being used to mint; a retired key
	// still opens tokens until they expire. Zero while active.
	RetiredAt time.Time
}

// Page asks a List call for one page of results in key order.
type Page struct {
	// After is the exclusive lower bound: results start with the first key
	// greater than After. "" starts at the beginning.
	After string
	// Limit is the most results to return; 0 means no limit.
	Limit int
}

// Reader is the read side of the store. Names passed to Get calls match
// case-insensitively, as IAM names do; results carry the stored spelling.
type Reader interface {
	GetAccount(ctx context.Context, id string) (Account, error)
	ListAccounts(ctx context.Context) ([]Account, error)

	// GetAccessKey finds a root or user access key by its id.
	GetAccessKey(ctx context.Context, id string) (AccessKey, error)
	// ListAccessKeys lists the keys of a user, or of the root when userName
	// is "", ordered by id.
	ListAccessKeys(ctx context.Context, accountID, userName string) ([]AccessKey, error)

	GetUser(ctx context.Context, accountID, name string) (User, error)
	// ListUsers lists users whose path starts with pathPrefix, ordered by
	// lower-cased name; Page.After is a lower-cased name.
	ListUsers(ctx context.Context, accountID, pathPrefix string, page Page) ([]User, error)

	// GetLoginProfile returns ErrNotFound for a user without a password.
	GetLoginProfile(ctx context.Context, accountID, userName string) (LoginProfile, error)
	// GetPasswordPolicy returns ErrNotFound for an account without one.
	GetPasswordPolicy(ctx context.Context, accountID string) (PasswordPolicy, error)
	// The user credential lists are ordered by id; their Get calls find
	// one by id within the user's.
	ListSSHPublicKeys(ctx context.Context, accountID, userName string) ([]SSHPublicKey, error)
	GetSSHPublicKey(ctx context.Context, accountID, userName, id string) (SSHPublicKey, error)
	ListSigningCertificates(ctx context.Context, accountID, userName string) ([]SigningCertificate, error)
	ListServiceSpecificCredentials(ctx context.Context, accountID, userName string) ([]ServiceSpecificCredential, error)
	GetServiceSpecificCredential(ctx context.Context, accountID, userName, id string) (ServiceSpecificCredential, error)

	GetRole(ctx context.Context, accountID, name string) (Role, error)
	ListRoles(ctx context.Context, accountID, pathPrefix string, page Page) ([]Role, error)

	GetGroup(ctx context.Context, accountID, name string) (Group, error)
	// ListGroups lists groups whose path starts with pathPrefix, ordered by
	// lower-cased name; Page.After is a lower-cased name.
	ListGroups(ctx context.Context, accountID, pathPrefix string, page Page) ([]Group, error)
	// ListGroupMembers lists the users of a group, ordered by lower-cased
	// name; Page.After is a lower-cased user name. A group that does not
	// exist has no members (no error).
	ListGroupMembers(ctx context.Context, accountID, groupName string, page Page) ([]User, error)
	// ListGroupsForUser lists the groups a user belongs to, ordered by
	// lower-cased name. A user that does not exist is in no group (no
	// error).
	ListGroupsForUser(ctx context.Context, accountID, userName string) ([]Group, error)

	GetInstanceProfile(ctx context.Context, accountID, name string) (InstanceProfile, error)
	// ListInstanceProfiles lists profiles whose path starts with
	// pathPrefix, ordered by lower-cased name; Page.After is a lower-cased
	// name.
	ListInstanceProfiles(ctx context.Context, accountID, pathPrefix string, page Page) ([]InstanceProfile, error)
	// ListInstanceProfilesForRole lists the profiles that hold the role,
	// ordered and paged as ListInstanceProfiles. A role that does not
	// exist is in no profile (no error).
	ListInstanceProfilesForRole(ctx context.Context, accountID, roleName string, page Page) ([]InstanceProfile, error)

	GetPolicy(ctx context.Context, accountID, name string) (ManagedPolicy, error)
	ListPolicies(ctx context.Context, accountID, pathPrefix string, page Page) ([]ManagedPolicy, error)
	GetPolicyVersion(ctx context.Context, accountID, policyName, versionID string) (PolicyVersion, error)
	ListPolicyVersions(ctx context.Context, accountID, policyName string) ([]PolicyVersion, error)

	GetInlinePolicy(ctx context.Context, accountID string, kind PrincipalKind, principalName, name string) (InlinePolicy, error)
	// ListInlinePolicies lists a principal's inline policies ordered by name.
	ListInlinePolicies(ctx context.Context, accountID string, kind PrincipalKind, principalName string) ([]InlinePolicy, error)
	// ListAttachedPolicies lists the ARNs of the managed policies attached to
	// a principal, ordered by ARN.
	ListAttachedPolicies(ctx context.Context, accountID string, kind PrincipalKind, principalName string) ([]string, error)
	// CountPolicyAttachments counts users, roles and groups the policy is
	// attached to.
	CountPolicyAttachments(ctx context.Context, policyARN string) (int, error)

	GetMFADevice(ctx context.Context, serialNumber string) (MFADevice, error)
	// ListMFADevices lists the devices of an account, or of one user when
	// userName is not "", ordered by serial number.
	ListMFADevices(ctx context.Context, accountID, userName string) ([]MFADevice, error)

	GetOIDCProvider(ctx context.Context, arn string) (OIDCProvider, error)
	ListOIDCProviders(ctx context.Context, accountID string) ([]OIDCProvider, error)
	GetSAMLProvider(ctx context.Context, arn string) (SAMLProvider, error)
	ListSAMLProviders(ctx context.Context, accountID string) ([]SAMLProvider, error)

	// GetOutboundFederation returns ErrNotFound for an account that never
	// enabled outbound identity federation.
	GetOutboundFederation(ctx context.Context, accountID string) (OutboundFederation, error)
	// GetOutboundFederationByIssuer finds the federation whose IssuerID is
	// issuerID (exact match, case-sensitive); ErrNotFound when none has it.
	GetOutboundFederationByIssuer(ctx context.Context, issuerID string) (OutboundFederation, error)

	// GetCredentialReport returns the account's latest credential report,
	// expired or not; ErrNotFound when none was ever generated.
	GetCredentialReport(ctx context.Context, accountID string) (CredentialReport, error)

	ListTokenKeys(ctx context.Context) ([]TokenKey, error)
}

// Tx is a read-write transaction: everything done through it commits
// together or not at all. Create calls return ErrAlreadyExists when the key
// is taken; Update and Delete calls return ErrNotFound when it is absent.
//
// Rows that belong to a user, role, group or instance profile (access keys,
// credentials, login profile, inline policies, attachments, memberships,
// profile roles) need their owner: writing one for an owner that does not
// exist returns ErrNotFound. Deleting the owner deletes them too, except
// MFA devices, which stay, no longer assigned to anyone. IAM itself does
// not cascade: it answers DeleteConflict before deleting an owner that
// still has any.
type Tx interface {
	Reader

	CreateAccount(ctx context.Context, a Account) error
	UpdateAccount(ctx context.Context, a Account) error

	CreateAccessKey(ctx context.Context, k AccessKey) error
	// UpdateAccessKey rewrites status and last-used facts; id, secret,
	// account and user never change.
	UpdateAccessKey(ctx context.Context, k AccessKey) error
	DeleteAccessKey(ctx context.Context, id string) error

	// CreateUser creates a user in no group and with no login profile,
	// SSH keys, signing certificates or service-specific credentials.
	CreateUser(ctx context.Context, u User) error
	// UpdateUser replaces the user found by (u.AccountID, oldName); a rename
	// carries the user's keys, policies, attachments, MFA devices, group
	// memberships, login profile, SSH keys, signing certificates and
	// service-specific credentials along.
	UpdateUser(ctx context.Context, oldName string, u User) error
	DeleteUser(ctx context.Context, accountID, name string) error

	// PutLoginProfile creates or replaces the user's login profile.
	PutLoginProfile(ctx context.Context, p LoginProfile) error
	DeleteLoginProfile(ctx context.Context, accountID, userName string) error
	// PutPasswordPolicy creates or replaces the account's password policy.
	PutPasswordPolicy(ctx context.Context, p PasswordPolicy) error
	DeletePasswordPolicy(ctx context.Context, accountID string) error
	// Create calls of user credentials return ErrAlreadyExists for a taken
	// id; Update calls rewrite status (and, for service-specific
	// credentials, the secret) of the credential found by (account, user,
	// id); Delete and Update return ErrNotFound when the user has no such
	// credential.
	CreateSSHPublicKey(ctx context.Context, k SSHPublicKey) error
	UpdateSSHPublicKey(ctx context.Context, k SSHPublicKey) error
	DeleteSSHPublicKey(ctx context.Context, accountID, userName, id string) error
	CreateSigningCertificate(ctx context.Context, c SigningCertificate) error
	UpdateSigningCertificate(ctx context.Context, c SigningCertificate) error
	DeleteSigningCertificate(ctx context.Context, accountID, userName, id string) error
	CreateServiceSpecificCredential(ctx context.Context, c ServiceSpecificCredential) error
	UpdateServiceSpecificCredential(ctx context.Context, c ServiceSpecificCredential) error
	DeleteServiceSpecificCredential(ctx context.Context, accountID, userName, id string) error

	// CreateRole creates a role that is in no instance profile.
	CreateRole(ctx context.Context, r Role) error
	UpdateRole(ctx context.Context, r Role) error
	DeleteRole(ctx context.Context, accountID, name string) error

	// CreateGroup creates a group with no members, inline policies or
	// attachments.
	CreateGroup(ctx context.Context, g Group) error
	// UpdateGroup replaces the group found by (g.AccountID, oldName); a
	// rename carries the group's members, inline policies and attachments
	// along.
	UpdateGroup(ctx context.Context, oldName string, g Group) error
	DeleteGroup(ctx context.Context, accountID, name string) error
	// AddGroupMember is idempotent and returns ErrNotFound when the group
	// or the user does not exist; RemoveGroupMember returns ErrNotFound
	// when the user was not a member.
	AddGroupMember(ctx context.Context, accountID, groupName, userName string) error
	RemoveGroupMember(ctx context.Context, accountID, groupName, userName string) error

	// CreateInstanceProfile creates a profile with no roles (p.Roles is
	// ignored).
	CreateInstanceProfile(ctx context.Context, p InstanceProfile) error
	// UpdateInstanceProfile rewrites the profile's tags (name, path and id
	// never change).
	UpdateInstanceProfile(ctx context.Context, p InstanceProfile) error
	DeleteInstanceProfile(ctx context.Context, accountID, name string) error
	// AddInstanceProfileRole returns ErrAlreadyExists when the role is
	// already in the profile; RemoveInstanceProfileRole returns ErrNotFound
	// when it is not. AddInstanceProfileRole returns ErrNotFound when the
	// profile or the role does not exist.
	AddInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error
	RemoveInstanceProfileRole(ctx context.Context, accountID, profileName, roleName string) error

	CreatePolicy(ctx context.Context, p ManagedPolicy) error
	UpdatePolicy(ctx context.Context, p ManagedPolicy) error
	// DeletePolicy deletes the policy and all its versions.
	DeletePolicy(ctx context.Context, accountID, name string) error
	CreatePolicyVersion(ctx context.Context, v PolicyVersion) error
	DeletePolicyVersion(ctx context.Context, accountID, policyName, versionID string) error

	// PutInlinePolicy creates or replaces an inline policy.
	PutInlinePolicy(ctx context.Context, p InlinePolicy) error
	DeleteInlinePolicy(ctx context.Context, accountID string, kind PrincipalKind, principalName, name string) error
	// AttachPolicy is idempotent; DetachPolicy returns ErrNotFound when the
	// policy was not attached.
	AttachPolicy(ctx context.Context, accountID string, kind PrincipalKind, principalName, policyARN string) error
	DetachPolicy(ctx context.Context, accountID string, kind PrincipalKind, principalName, policyARN string) error

	CreateMFADevice(ctx context.Context, d MFADevice) error
	UpdateMFADevice(ctx context.Context, d MFADevice) error
	DeleteMFADevice(ctx context.Context, serialNumber string) error

	CreateOIDCProvider(ctx context.Context, p OIDCProvider) error
	UpdateOIDCProvider(ctx context.Context, p OIDCProvider) error
	DeleteOIDCProvider(ctx context.Context, arn string) error
	CreateSAMLProvider(ctx context.Context, p SAMLProvider) error
	UpdateSAMLProvider(ctx context.Context, p SAMLProvider) error
	DeleteSAMLProvider(ctx context.Context, arn string) error

	// PutOutboundFederation creates or replaces the account's federation,
	// every field as given (a replace may change the IssuerID, which frees
	// the old one); ErrAlreadyExists when another account holds the
	// IssuerID, ErrNotFound when the account does not exist.
	PutOutboundFederation(ctx context.Context, f OutboundFederation) error

	// PutCredentialReport creates or replaces the account's credential
	// report; ErrNotFound when the account does not exist.
	PutCredentialReport(ctx context.Context, r CredentialReport) error

	CreateTokenKey(ctx context.Context, k TokenKey) error
	UpdateTokenKey(ctx context.Context, k TokenKey) error
}

// Store is a backend. Reads outside a transaction see the latest committed
// state. Update runs fn in a transaction and commits when fn returns nil; on
// any error nothing of fn's work remains.
type Store interface {
	Reader
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Generation returns a number that grows with every committed Update on
	// any node sharing this store; caches compare it to know they are stale.
	Generation(ctx context.Context) (uint64, error)
	Close() error
}
