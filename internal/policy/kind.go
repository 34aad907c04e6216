package policy

import (
	"fmt"
	"unicode"

	"github.com/stsd/stsd/internal/apierr"
)

// Kind says what a policy document is used as. It decides which elements
// are required or forbidden (Principal, Resource), which Version values IAM
// accepts, and which size quota applies.
type Kind uint8

// The policy kinds IAM distinguishes.
const (
	// KindManaged is a customer managed policy (CreatePolicy,
	// CreatePolicyVersion); also the kind of a permissions boundary.
	KindManaged Kind = iota
	// KindInlineUser is an inline policy embedded in a user (PutUserPolicy).
	KindInlineUser
	// KindInlineRole is an inline policy embedded in a role (PutRolePolicy).
	KindInlineRole
	// KindInlineGroup is an inline policy embedded in a group (PutGroupPolicy).
	KindInlineGroup
	// KindSession is a session policy passed to AssumeRole*, GetFederationToken.
	KindSession
	// KindTrust is a role trust policy (CreateRole, UpdateAssumeRolePolicy).
	KindTrust
	// KindResource is any other resource-based policy (bucket, key policy).
	KindResource
)

// String names the kind for logs and test names.
func (k Kind) String() string {
	switch k {
	case KindManaged:
		return "managed"
	case KindInlineUser:
		return "inline-user"
	case KindInlineRole:
		return "inline-role"
	case KindInlineGroup:
		return "inline-group"
	case KindSession:
		return "session"
	case KindTrust:
		return "trust"
	case KindResource:
		return "resource"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// identity reports whether documents of this kind are identity-based, i.e.
// must not name a principal and must name resources.
func (k Kind) identity() bool { return k <= KindSession }

// Size quotas from "IAM and AWS STS quotas" (IAM User Guide,
// reference_iam-quotas.html#reference_iam-quotas-entity-length). IAM counts
// them in non-whitespace characters (GetAccountSummary: "in non-whitespace
// characters"). Inline quotas are per entity: the aggregate of all inline
// policies of one user, role or group.
const (
	QuotaTrust       = 2048  // role trust policy, default (adjustable to 4096)
	QuotaManaged     = 6144  // managed policy (and so a permissions boundary)
	QuotaInlineUser  = 2048  // aggregate of a user's inline policies
	QuotaInlineRole  = 10240 // aggregate of a role's inline policies
	QuotaInlineGroup = 5120  // aggregate of a group's inline policies
)

// MaxDocumentBytes bounds every document before any parsing: the largest
// quota IAM has (131072, the policyDocumentType maxLength in the IAM model).
const MaxDocumentBytes = 131072

// Size returns the size of doc as IAM counts it against its quotas: the
// number of characters that are not white space.
func Size(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// InlineQuotaError returns the LimitExceeded refusal IAM sends when the
// aggregate size of an entity's inline policies passes its quota, or nil when
// total fits. kind must be one of the inline kinds; entity is the user, role
// or group name.
func InlineQuotaError(kind Kind, entity string, total int) *apierr.Error {
	var quota int
	var what string
	switch kind {
	case KindInlineUser:
		quota, what = QuotaInlineUser, "user"
	case KindInlineRole:
		quota, what = QuotaInlineRole, "role"
	case KindInlineGroup:
		quota, what = QuotaInlineGroup, "group"
	default:
		return nil
	}
	if total <= quota {
		return nil
	}
	return &apierr.Error{Code: "LimitExceeded",
		Message: fmt.Sprintf("Maximum policy size of %d bytes exceeded for %s %s", quota, what, entity)}
}

// quotaError checks the per-document quotas IAM enforces on one document.
func quotaError(kind Kind, doc string) *apierr.Error {
	switch kind {
	case KindTrust:
		if Size(doc) > QuotaTrust {
			return &apierr.Error{Code: "LimitExceeded",
				Message: fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", QuotaTrust)}
		}
	case KindManaged:
		if Size(doc) > QuotaManaged {
			return &apierr.Error{Code: "LimitExceeded",
				Message: fmt.Sprintf("Cannot exceed quota for PolicySize: %d", QuotaManaged)}
		}
	}
	return nil
}
