package sts

import "github.com/stsd/stsd/internal/authz"

// authorizeCaller decides an STS operation that only the caller's own
// policies govern (GetFederationToken, GetWebIdentityToken): identity
// policies, permissions boundary and session policies, no resource policy.
// Each of actions is decided in turn for the same query,
// and the first one not allowed is refused with AWS's AccessDenied wording,
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE
// because no identity-based policy allows the ACTION action" (IAM User
// Guide, troubleshoot_access-denied.html).
func authorizeCaller(subject *authz.Subject, q *authz.Query, actions ...string) error {
	var d authz.Decision
	for _, action := range actions {
		q.Action = action
		if authz.Decide(subject, q, &d); !d.Allowed() {
			return d.Err()
		}
	}
	return nil
}
