package awsquery

import (
	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel"
)

// noVersion is what AWS names the version in its InvalidAction message when
// the request carries no Version parameter.
const noVersion = "NO_VERSION_SPECIFIED"

// InvalidAction is AWS's refusal of an action the service does not have in
// the requested API version, e.g. "Could not find operation
// ReplaceIamInstanceProfileAssociation for version 2010-05-08" (recorded IAM
// replies quoted in fog/fog-aws#368 and aws/aws-cli#37). An empty version
// is named NO_VERSION_SPECIFIED.
func InvalidAction(action, version string) *apierr.Error {
	if version == "" {
		version = noVersion
	}
	return &apierr.Error{Code: apierr.InvalidAction, Message: "Could not find operation " + action + " for version " + version}
}

// MissingAction is the refusal of a request without an Action parameter
// (common error MissingAction, 400, "The request is missing an action or a
// required parameter" in the AWS Common Errors reference).
func MissingAction() *apierr.Error {
	return apierr.New(apierr.MissingAction, "Missing Action")
}

// Lookup resolves a request's Action and Version against svc: a missing
// Action is MissingAction, and an unknown action or a Version other than
// the service's API version (including none) is InvalidAction, because AWS
// dispatches on the (action, version) pair.
func Lookup(svc *apimodel.Service, action, version string) (*apimodel.Operation, error) {
	if action == "" {
		return nil, MissingAction()
	}
	op, ok := svc.Operations[action]
	if !ok || version != svc.APIVersion {
		return nil, InvalidAction(action, version)
	}
	return op, nil
}
