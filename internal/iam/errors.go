package iam

import (
	"errors"

	"github.com/stsd/stsd/internal/apierr"
)

// IAM error codes (aws-models/iam.json error shapes; their HTTP statuses
// come from the model through awsquery).
const (
	codeNoSuchEntity          = "NoSuchEntity"
	codeEntityAlreadyExists   = "EntityAlreadyExists"
	codeLimitExceeded         = "LimitExceeded"
	codeDeleteConflict        = "DeleteConflict"
	codeInvalidInput          = "InvalidInput"
	codeInvalidAuthentication = "InvalidAuthenticationCode"
)

// noSuchEntity refuses a lookup of a missing entity, e.g. "The user with
// name alice cannot be found." (IAM's wording, recorded in
// aws-parity-snapshots/localstack/test_iam.snapshot.json).
func noSuchEntity(format string, args ...any) error {
	return apierr.New(codeNoSuchEntity, format, args...)
}

// alreadyExists refuses a create of a taken name, e.g. "User with name
// alice already exists.".
func alreadyExists(format string, args ...any) error {
	return apierr.New(codeEntityAlreadyExists, format, args...)
}

// invalidInput refuses a parameter IAM rejects beyond the model's
// constraints.
func invalidInput(format string, args ...any) error {
	return apierr.New(codeInvalidInput, format, args...)
}

// limitExceeded refuses a request that would pass an IAM quota.
func limitExceeded(format string, args ...any) error {
	return apierr.New(codeLimitExceeded, format, args...)
}

// deleteConflict refuses deleting an entity that still has dependants.
func deleteConflict(format string, args ...any) error {
	return apierr.New(codeDeleteConflict, format, args...)
}

// errStale reports that the entity an operation authorized changed (another
// request renamed or moved it) before the operation's transaction wrote
// it; retryStale authorizes and tries again against what is there now.
var errStale = errors.New("iam: entity changed while the request was authorized")

// maxStaleAttempts bounds retryStale: a request that keeps losing the race
// fails as an internal error rather than spinning.
const maxStaleAttempts = 3

// retryStale runs attempt until it does not answer errStale, at most
// maxStaleAttempts times.
func retryStale[T any](attempt func() (T, error)) (T, error) {
	for i := 1; ; i++ {
		out, err := attempt()
		if !errors.Is(err, errStale) || i == maxStaleAttempts {
			return out, err
		}
	}
}
