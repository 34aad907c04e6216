package sts

import (
	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
)

// authorizeCaller decides an STS operation that only the caller's own
// policies govern (GetFederationToken, GetWebIdentityToken): identity
// policies, permissions boundary and session policies, no resource policy.
// Each of actions is evaluated in turn against the same request context,
// and the first one not allowed is refused with AWS's AccessDenied wording,
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE
// because no identity-based policy allows the ACTION action" (IAM User
// Guide, troubleshoot_access-denied.html).
func authorizeCaller(subject *authz.Subject, resource string, reqCtx policy.Context, actions ...string) error {
	req := &policy.Request{Principal: subject.PolicyPrincipal(), Resource: resource, Context: reqCtx}
	set := subject.PolicySet(nil, false)
	for _, action := range actions {
		req.Action = action
		if r := policy.Evaluate(set, req); !r.Allowed() {
			return apierr.New(apierr.AccessDenied, "%s", policy.AccessDeniedMessage(subject.Principal.ARN, action, resource, &r))
		}
	}
	return nil
}
