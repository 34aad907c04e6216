package session

import (
	"errors"
	"strconv"
)

// ErrInvalidToken matches (errors.Is) every error Open and OpenFor return
// for a token that must be refused; callers map it to AWS's
// InvalidClientTokenId "The security token included in the request is
// invalid." The specific errors below say why, for logs and tests.
var ErrInvalidToken = errors.New("session: invalid token")

// Reasons a token is refused. Each also matches ErrInvalidToken.
var (
	// ErrTokenTooLong: the token exceeds MaxTokenLen; refused before any
	// decoding or decryption.
	ErrTokenTooLong = tokenError("session: token too long")
	// ErrMalformed: not strict standard base64, shorter than a header and
	// tag, or a body that does not decode.
	ErrMalformed = tokenError("session: malformed token")
	// ErrUnsupportedVersion: the version byte is not one this build reads.
	ErrUnsupportedVersion = tokenError("session: unsupported token version")
	// ErrUnknownKey: the key id names no key in the ring (never existed or
	// rotated out).
	ErrUnknownKey = tokenError("session: unknown token key")
	// ErrAuthFailed: the AEAD tag does not verify: the token was altered or
	// sealed under another secret with the same key id.
	ErrAuthFailed = tokenError("session: token authentication failed")
	// ErrAccessKeyMismatch: the token is valid but was issued for another
	// access key id than the one that signed the request.
	ErrAccessKeyMismatch = tokenError("session: token belongs to another access key id")
)

// Errors of NewRing and Seal, which are not token refusals.
var (
	// ErrBadKey: a ring key's secret is not 32 bytes, or two keys share an id.
	ErrBadKey = errors.New("session: bad token key")
	// ErrInvalidClaims: claims lack a field every session must have.
	ErrInvalidClaims = errors.New("session: invalid claims")
	// ErrClaimsTooLarge: the sealed token would exceed MaxSealedLen. Seal
	// returns it as a *TooLargeError, which carries the sizes so callers
	// can word AWS's PackedPolicyTooLarge message.
	ErrClaimsTooLarge = errors.New("session: claims too large for a session token")
)

// tokenError is a refusal reason that also matches ErrInvalidToken.
type tokenError string

func (e tokenError) Error() string { return string(e) }

// Is makes every reason match ErrInvalidToken.
func (e tokenError) Is(target error) bool { return target == ErrInvalidToken }

// TooLargeError reports a Seal whose token would be Len characters when at
// most Max are allowed. It matches ErrClaimsTooLarge.
type TooLargeError struct {
	Len, Max int
}

func (e *TooLargeError) Error() string {
	return "session: sealed token would be " + strconv.Itoa(e.Len) +
		" characters, more than the limit of " + strconv.Itoa(e.Max)
}

// Is makes the error match ErrClaimsTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrClaimsTooLarge }
