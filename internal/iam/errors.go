package iam

import (
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
	codeMalformedPolicy       = "MalformedPolicyDocument"
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
