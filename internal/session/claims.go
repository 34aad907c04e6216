// Package session defines the claims of temporary credentials and the codec
// that turns them into a session token (the X-Amz-Security-Token value) and
// back.
//
// Temporary credentials in stsd are stateless: the token itself carries the
// secret access key and everything needed to evaluate a request signed with
// it (principal, expiry, MFA facts, session tags, session policies, source
// identity), sealed with an AEAD under a key of the token key Ring. Verifying
// such a request needs no storage round trip, and any node holding the ring
// can do it.
//
// Token layout, then standard base64 (what AWS tokens look like):
//
//	version (1 byte) ‖ key id (4 bytes, big endian) ‖ nonce (12 bytes) ‖ AES-256-GCM(body)
//
// The version and key id are the AEAD's associated data, so neither can be
// changed without the token failing to open. The body is one encoding byte
// (raw or DEFLATE) followed by the claims in a small tag-length-value form;
// see encode.go.
package session

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// PrincipalType says which STS operation created the session, and so which
// Claims fields are meaningful and how permissions are evaluated.
type PrincipalType uint8

// Principal types. The zero value is invalid so that a forgotten field never
// seals.
const (
	// AssumedRole is a role session (AssumeRole, AssumeRoleWithSAML,
	// AssumeRoleWithWebIdentity). RoleName and RoleID are set.
	AssumedRole PrincipalType = iota + 1
	// FederatedUser is a GetFederationToken session. UserName and UserID
	// name the IAM user who called it (empty when root called it).
	FederatedUser
	// IAMUserSession is a GetSessionToken session of an IAM user. UserName
	// and UserID are set.
	IAMUserSession
	// RootSession is a GetSessionToken session of the account root.
	RootSession
)

// String returns the type's name, or "PrincipalType(N)" for invalid values.
func (p PrincipalType) String() string {
	switch p {
	case AssumedRole:
		return "AssumedRole"
	case FederatedUser:
		return "FederatedUser"
	case IAMUserSession:
		return "IAMUserSession"
	case RootSession:
		return "RootSession"
	}
	return "PrincipalType(" + strconv.Itoa(int(p)) + ")"
}

// Valid reports whether p is one of the defined principal types.
func (p PrincipalType) Valid() bool { return p >= AssumedRole && p <= RootSession }

// Tag is a session tag (aws:PrincipalTag/KEY in policy conditions).
type Tag struct {
	Key   string
	Value string
}

// Secret is a secret access key. Its String, GoString, Format, LogValue and
// MarshalText methods all give "[REDACTED]", so a secret inside Claims never reaches a
// log line or an error message by accident; code that signs or verifies
// with it converts it explicitly: string(c.SecretAccessKey).
type Secret string

const redacted = "[REDACTED]"

// String returns a placeholder, never the secret.
func (Secret) String() string { return redacted }

// GoString returns a placeholder, never the secret, for %#v.
func (Secret) GoString() string { return redacted }

// Format prints a placeholder for every verb, including %s, %q and %x.
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue keeps the secret out of structured logs.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText keeps the secret out of JSON and XML (and so out of slog's
// JSON handler, which marshals nested structs): a response that must carry
// the secret copies string(secret) into its own field.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Claims are the facts a session token carries. Times are kept at one-second
// resolution (what AWS reports); a zero time means "not set".
type Claims struct {
	// AccountID is the 12-digit account the session belongs to.
	AccountID string
	// AccessKeyID is the session's ASIA… key id. It is sealed into the token
	// so the token cannot be presented with any other key id (OpenFor checks
	// this).
	AccessKeyID string
	// SecretAccessKey is the session's secret, from which SigV4 signing keys
	// are derived.
	SecretAccessKey Secret

	// PrincipalType says which operation minted the session.
	PrincipalType PrincipalType
	// PrincipalARN is the session principal's ARN, what GetCallerIdentity
	// reports as Arn and policies see as aws:PrincipalArn for the session:
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION,
	// arn:aws:sts::ACCOUNT:federated-user/NAME, the user's ARN for an
	// IAMUserSession, the root ARN for a RootSession.
	PrincipalARN string
	// PrincipalID is aws:userid and GetCallerIdentity's UserId: "AROA…:SESSION"
	// for role sessions, "ACCOUNT:NAME" for federated users, the AIDA… user
	// id for user sessions, the account id for root sessions.
	PrincipalID string
	// SourceARN is the long-term identity the session derives from: the role
	// ARN (with its path) for role sessions, the calling user's or root's
	// ARN otherwise. Its permission policies bound the session's.
	SourceARN string

	// RoleName and RoleID identify the assumed role (AssumedRole only), so
	// its policies can be fetched by name and checked against the id (a role
	// deleted and recreated with the same name has a new id).
	RoleName string
	RoleID   string
	// UserName and UserID identify the IAM user behind an IAMUserSession or
	// a FederatedUser session; empty for root.
	UserName string
	UserID   string

	// SessionName is the role session name (AssumedRole) or the federated
	// user name (FederatedUser).
	SessionName string
	// IssuedAt is aws:TokenIssueTime.
	IssuedAt time.Time
	// Expiration is when the credentials stop working; see Expired.
	Expiration time.Time

	// MFAAuthenticated is aws:MultiFactorAuthPresent: an MFA code was
	// verified when the session (or the session it was chained from) was
	// created.
	MFAAuthenticated bool
	// MFAAuthTime is when that MFA code was verified, the base of
	// aws:MultiFactorAuthAge. Zero when MFAAuthenticated is false.
	MFAAuthTime time.Time

	// SourceIdentity is the sts:SourceIdentity set at AssumeRole (or by the
	// IdP); once set it persists through role chaining.
	SourceIdentity string
	// FederatedProvider is aws:FederatedProvider: the OIDC or SAML provider
	// ARN for sessions from AssumeRoleWithWebIdentity/SAML, "" otherwise.
	FederatedProvider string
	// Tags are the session tags, in the order given.
	Tags []Tag
	// TransitiveTagKeys are the tag keys that pass on to chained sessions.
	TransitiveTagKeys []string
	// SessionPolicy is the inline session policy (JSON), "" when none.
	SessionPolicy string
	// PolicyARNs are the managed session policies.
	PolicyARNs []string
	// ChainDepth counts the role sessions this one was assumed through: 0
	// when long-term credentials (or an IdP token) created it, n+1 when a
	// session of depth n called AssumeRole. AWS caps chained sessions at one
	// hour.
	ChainDepth int
}

// Expired reports whether the credentials have expired at now. A session
// with no expiration is treated as expired, so a malformed session fails
// closed.
func (c *Claims) Expired(now time.Time) bool {
	return c.Expiration.IsZero() || !now.Before(c.Expiration)
}

// String summarises the claims for logs; it never includes the secret.
func (c *Claims) String() string {
	return fmt.Sprintf("session{type=%s arn=%s id=%s key=%s expires=%s}",
		c.PrincipalType, c.PrincipalARN, c.PrincipalID, c.AccessKeyID,
		c.Expiration.UTC().Format(time.RFC3339))
}
