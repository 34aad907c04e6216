package bootstrap

import "github.com/stsd/stsd/internal/store"

// File is a parsed and validated bootstrap file. Slices keep the order of
// the file. Optional fields that were absent are zero (nil for tag lists), so
// that Apply leaves the stored value alone instead of resetting it.
type File struct {
	Name     string // the file name given to Parse, used in Apply's errors
	Accounts []Account
}

// Position locates a value in the bootstrap file: the line and column of
// its YAML node and its field path (accounts[0].users[1].name).
type Position struct {
	Line, Column int
	Path         string
}

// Account is one entry of accounts.
type Account struct {
	Pos            Position
	ID             string // 12 digits
	Alias          string // "" when absent
	RootAccessKeys []AccessKey
	Users          []User
	Roles          []Role
	Groups         []Group
	Profiles       []InstanceProfile
	Policies       []Policy
	OIDCProviders  []OIDCProvider
	SAMLProviders  []SAMLProvider
}

// AccessKey is a long-term key of the root or of a user.
type AccessKey struct {
	Pos    Position
	ID     string
	Secret string
}

// InlinePolicy is one entry of inline_policies; Document is compact JSON.
type InlinePolicy struct {
	Pos      Position
	Name     string
	Document string
}

// PolicyRef is one entry of managed_policies: the ARN of a customer managed
// policy of the same account.
type PolicyRef struct {
	Pos  Position
	ARN  string
	Path string // path and name taken from the ARN
	Name string
}

// MFADevice is a virtual MFA device enabled for a user.
type MFADevice struct {
	Pos    Position
	Serial string // arn:aws:iam::ACCOUNT:mfa{Path}{name}
	Path   string
	Seed   []byte // decoded from Base32
}

// User is an IAM user. Path is "" and Tags nil when the file leaves them out.
type User struct {
	Pos             Position
	Name            string
	Path            string
	Tags            []store.Tag
	AccessKeys      []AccessKey
	InlinePolicies  []InlinePolicy
	ManagedPolicies []PolicyRef
	MFADevices      []MFADevice
}

// Role is an IAM role. Path is "", MaxSessionDuration 0 and Tags nil when
// the file leaves them out.
type Role struct {
	Pos                Position
	Name               string
	Path               string
	TrustPolicy        string // compact JSON
	MaxSessionDuration int32
	Tags               []store.Tag
	InlinePolicies     []InlinePolicy
	ManagedPolicies    []PolicyRef
}

// Group is an IAM group. Path is "" when the file leaves it out. Members
// name users of the same account; whether each exists is known only at
// Apply, against the file and the store.
type Group struct {
	Pos             Position
	Name            string
	Path            string
	Members         []Member
	InlinePolicies  []InlinePolicy
	ManagedPolicies []PolicyRef
}

// Member is one entry of a group's members: a user name.
type Member struct {
	Pos  Position
	Name string
}

// InstanceProfile is an IAM instance profile. Path is "", Role "" and Tags
// nil when the file leaves them out. Role names a role of the same account,
// checked at Apply; IAM lets a profile hold one role only.
type InstanceProfile struct {
	Pos     Position
	Name    string
	Path    string
	Role    string
	RolePos Position
	Tags    []store.Tag
}

// Policy is a customer managed policy; the file gives it the default path
// "/", so its ARN is arn:aws:iam::ACCOUNT:policy/NAME.
type Policy struct {
	Pos      Position
	Name     string
	Document string // compact JSON
}

// OIDCProvider is an OpenID Connect identity provider. JWKS is "" when the
// file leaves it out.
type OIDCProvider struct {
	Pos       Position
	URL       string
	ARN       string // derived from URL as IAM derives it
	ClientIDs []string
	JWKS      string // compact JSON
}

// SAMLProvider is a SAML 2.0 identity provider. Metadata is filled from
// metadata_file by Load; MetadataFile keeps the path as written.
type SAMLProvider struct {
	Pos          Position
	Name         string
	ARN          string
	Metadata     string
	MetadataFile string
}
