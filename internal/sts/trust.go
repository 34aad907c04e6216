package sts

import (
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
)

// trustStep is one action a role's trust policy (with, for signed callers,
// their own policies) must allow for a session to be created: the assume
// action itself, sts:TagSession when the session gets tags (passed, or
// inherited as transitive tags), sts:SetSourceIdentity when it gets a
// source identity (IAM User Guide, id_session-tags.html "Permissions
// required to add session tags"; id_credentials_temp_control-access_
// monitor.html).
type trustStep struct {
	needed bool
	action string
}

// firstRefused decides q for each needed step's action in order and returns
// the action of the first one the policies do not allow, or "" when all are
// allowed.
func firstRefused(subject *authz.Subject, q *authz.Query, steps ...trustStep) string {
	var d authz.Decision
	for _, st := range steps {
		if !st.needed {
			continue
		}
		q.Action = st.action
		if authz.Decide(subject, q, &d); !d.Allowed() {
			return st.action
		}
	}
	return ""
}

// trustPolicy is a role's trust policy as the resource-based policy of a
// request to assume it: owned by the role's account, and required to allow
// even in that account.
func trustPolicy(rs *roleSessionSpec, trust *policy.Policy) *authz.ResourcePolicy {
	return &authz.ResourcePolicy{
		Policy:   trust,
		Ref:      authz.PolicyRef{Kind: authz.PolicyTrust, Owner: rs.roleARN},
		Account:  rs.role.AccountID,
		Required: true,
	}
}
