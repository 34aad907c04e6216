// Package auth answers "who signed this request?": it verifies the SigV4
// signature with the secret of the long-term access key (from the store) or
// of the temporary credentials (from the session token itself, with no
// database round trip) and describes the caller as a Principal.
package auth

import (
	"github.com/stsd/stsd/internal/session"
)

// PrincipalType is the kind of identity behind a request, as AWS reports it
// in aws:PrincipalType.
type PrincipalType int

// The principal types stsd issues credentials for.
const (
	// Root is the account root, signing with a root access key or with a
	// GetSessionToken session of the root.
	Root PrincipalType = iota + 1
	// User is an IAM user, signing with an access key of its own or with a
	// GetSessionToken session.
	User
	// AssumedRole is a role session (AssumeRole and the federation calls).
	AssumedRole
	// FederatedUser is a GetFederationToken session.
	FederatedUser
)

// String returns the aws:PrincipalType value AWS documents for the type.
func (t PrincipalType) String() string {
	switch t {
	case Root:
		return "Account"
	case User:
		return "User"
	case AssumedRole:
		return "AssumedRole"
	case FederatedUser:
		return "FederatedUser"
	}
	return "Unknown"
}

// Principal is an authenticated caller.
type Principal struct {
	Type      PrincipalType
	AccountID string
	// ARN is the caller's identity ARN as GetCallerIdentity reports it:
	// arn:aws:iam::ACC:root, arn:aws:iam::ACC:user/PATH/NAME,
	// arn:aws:sts::ACC:assumed-role/ROLE/SESSION or
	// arn:aws:sts::ACC:federated-user/NAME.
	ARN string
	// UserID is aws:userid: the account id for root, AIDA… for a user,
	// AROA…:SESSION for a role session, ACC:NAME for a federated user.
	UserID string
	// Name is the user, role or federated user name ("" for root).
	Name string
	// AccessKeyID is the key that signed the request.
	AccessKeyID string
	// Session holds the temporary credentials' claims; nil for long-term keys.
	Session *session.Claims
}
