package arn

import "strings"

// Resource types of the IAM and STS ARNs stsd formats and parses; they are
// the text before the first slash of the resource section.
const (
	TypeRoot            = "root"
	TypeUser            = "user"
	TypeRole            = "role"
	TypePolicy          = "policy"
	TypeGroup           = "group"
	TypeInstanceProfile = "instance-profile"
	TypeMFA             = "mfa"
	TypeOIDCProvider    = "oidc-provider"
	TypeSAMLProvider    = "saml-provider"
	TypeAssumedRole     = "assumed-role"
	TypeFederatedUser   = "federated-user"
)

// AWSAccount is the account section of AWS managed policy ARNs
// (arn:aws:iam::aws:policy/ReadOnlyAccess).
const AWSAccount = "aws"

// The builders below format what stsd issues; they do not validate, because
// their inputs are names stsd has already validated or stored. A path of ""
// stands for "/", the default IAM path.

// Root returns the ARN of an account's root user: arn:aws:iam::ACCOUNT:root.
func Root(account string) string {
	return "arn:aws:iam::" + account + ":root"
}

// User returns arn:aws:iam::ACCOUNT:user{PATH}{NAME}.
func User(account, path, name string) string { return withPath("iam", account, TypeUser, path, name) }

// Role returns arn:aws:iam::ACCOUNT:role{PATH}{NAME}.
func Role(account, path, name string) string { return withPath("iam", account, TypeRole, path, name) }

// Policy returns arn:aws:iam::ACCOUNT:policy{PATH}{NAME}.
func Policy(account, path, name string) string {
	return withPath("iam", account, TypePolicy, path, name)
}

// Group returns arn:aws:iam::ACCOUNT:group{PATH}{NAME}.
func Group(account, path, name string) string { return withPath("iam", account, TypeGroup, path, name) }

// InstanceProfile returns arn:aws:iam::ACCOUNT:instance-profile{PATH}{NAME}.
func InstanceProfile(account, path, name string) string {
	return withPath("iam", account, TypeInstanceProfile, path, name)
}

// MFA returns the serial number of a virtual MFA device:
// arn:aws:iam::ACCOUNT:mfa{PATH}{NAME}.
func MFA(account, path, name string) string { return withPath("iam", account, TypeMFA, path, name) }

// AssumedRole returns the ARN of a role session,
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. It carries no path: AWS
// drops the role's path from session ARNs.
func AssumedRole(account, roleName, sessionName string) string {
	return "arn:aws:sts::" + account + ":" + TypeAssumedRole + "/" + roleName + "/" + sessionName
}

// FederatedUser returns arn:aws:sts::ACCOUNT:federated-user/NAME, the
// principal of GetFederationToken credentials.
func FederatedUser(account, name string) string {
	return "arn:aws:sts::" + account + ":" + TypeFederatedUser + "/" + name
}

// OIDCProvider returns arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH. url may
// be the provider URL as registered ("https://host/path"); IAM names the
// provider by the URL without its scheme.
func OIDCProvider(account, url string) string {
	hostPath := url
	if len(url) >= 8 && strings.EqualFold(url[:8], "https://") {
		hostPath = url[8:]
	}
	return "arn:aws:iam::" + account + ":" + TypeOIDCProvider + "/" + hostPath
}

// SAMLProvider returns arn:aws:iam::ACCOUNT:saml-provider/NAME.
func SAMLProvider(account, name string) string {
	return "arn:aws:iam::" + account + ":" + TypeSAMLProvider + "/" + name
}

func withPath(service, account, typ, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:" + service + "::" + account + ":" + typ + path + name
}
