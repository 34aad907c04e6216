package iam

import (
	"context"
	"errors"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// msgNonUserCaller is IAM's refusal of GetUser, ListAccessKeys and the
// other user-defaulting operations called without UserName by a caller that
// is not an IAM user (a role session, a federated user): "ValidationError:
// Must specify userName when calling with non-User credentials", HTTP 400,
// as reported from AWS in e.g. mhausenblas/rbIAM#1 and aws/aws-sdk-java#1304.
const msgNonUserCaller = "Must specify userName when calling with non-User credentials"

// callerUser resolves the user an operation acts on when UserName is
// omitted: an IAM user (with its own keys or a GetSessionToken session)
// acts on itself, the root on the root (root is true); anyone else must
// name the user.
func callerUser(call *rpc.Call) (name string, root bool, err error) {
	p := call.Principal
	switch p.Type {
	case auth.Root:
		return "", true, nil
	case auth.User:
		return p.Name, false, nil
	}
	return "", false, apierr.New(apierr.ValidationError, msgNonUserCaller)
}

// Refusals of a permissions boundary ARN. An ARN that does not parse is
// answered as IAM answers a malformed policy ARN in AttachUserPolicy and
// AttachRolePolicy (recorded in aws-parity-snapshots/localstack/
// test_iam.snapshot.json, two spaces included). A well-formed ARN of a
// policy that does not exist in the account is NoSuchEntity "Scope ARN: …
// does not exist or is not attachable." (CreateUser's answer as reported
// from AWS in hashicorp/boundary#4255; assumed the same for
// PutUserPermissionsBoundary, which shares the parameter).
const (
	msgBoundaryUnparsable = "Invalid ARN:  Could not be parsed!"
	msgBoundaryMissing    = "Scope ARN: %s does not exist or is not attachable."
)

// boundaryExists checks that policyARN names a customer managed policy of
// account acct. Policies of other accounts never qualify: nothing crosses
// accounts.
func boundaryExists(ctx context.Context, r store.Reader, acct, policyARN string) error {
	res, err := arn.ParseIAM(policyARN)
	if err != nil {
		return apierr.New(apierr.ValidationError, msgBoundaryUnparsable)
	}
	if res.Type != arn.TypePolicy || res.AccountID != acct {
		return noSuchEntity(msgBoundaryMissing, policyARN)
	}
	p, err := r.GetPolicy(ctx, acct, res.Name)
	if errors.Is(err, store.ErrNotFound) || err == nil && !samePath(p.Path, res.Path) {
		return noSuchEntity(msgBoundaryMissing, policyARN)
	}
	return err
}

// samePath compares IAM paths, "" standing for "/".
func samePath(a, b string) bool {
	if a == "" {
		a = defaultPath
	}
	if b == "" {
		b = defaultPath
	}
	return a == b
}

// boundaryARN is the permissions boundary a CreateUser or
// PutUserPermissionsBoundary request sets, as recorded and as
// iam:PermissionsBoundary: the policy's canonical ARN when the parameter
// names one (boundaryExists accepts the name in any letter case), so a
// condition on the stored ARN holds whatever spelling a request uses; the
// parameter as given otherwise, the operation then refusing it.
func (s *Service) boundaryARN(ctx context.Context, acct, policyARN string) (string, error) {
	if _, err := arn.Parse(policyARN); err != nil {
		return policyARN, nil
	}
	p, err := lookupPolicy(ctx, s.store, acct, policyARN, policyNotFound)
	switch {
	case err == nil:
		return canonicalARN(p), nil
	case isNoSuchEntity(err):
		return policyARN, nil
	}
	return "", err
}
