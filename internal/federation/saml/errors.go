package saml

import "fmt"

// Kind classifies why a response was refused, so the caller can answer
// with its own codes and texts.
type Kind uint8

// Kinds of refusal.
const (
	// Malformed: not base64, not well-formed XML, too large, a DOCTYPE,
	// not a SAML 2.0 Response, or a required element missing.
	Malformed Kind = iota + 1
	// BadSignature: unsigned, signed by a key not in the metadata, altered
	// after signing, or signed in a way that does not cover what is read
	// (signature wrapping).
	BadSignature
	// WrongIssuer: the Issuer is not the metadata's entityID.
	WrongIssuer
	// WrongAudience: no AudienceRestriction names an accepted audience.
	WrongAudience
	// WrongRecipient: no bearer SubjectConfirmation names the recipient.
	WrongRecipient
	// NotYetValid: NotBefore (or IssueInstant) lies in the future.
	NotYetValid
	// Expired: NotOnOrAfter has passed, or the response is older than
	// MaxAge.
	Expired
	// Rejected: the IdP's Status is not Success.
	Rejected
	// Unsupported: an EncryptedAssertion or EncryptedID, which need an SP
	// decryption key stsd does not hold.
	Unsupported
)

// Error is a refused response.
type Error struct {
	Kind   Kind
	Reason string // for logs and tests; never shown to callers
}

func (e *Error) Error() string { return "saml: " + e.Reason }

func fail(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Reason: fmt.Sprintf(format, args...)}
}
