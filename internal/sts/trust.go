package sts

import "github.com/stsd/stsd/internal/policy"

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

// firstRefused evaluates req for each needed step in order and returns the
// action of the first one the policies do not allow, or "" when all are
// allowed.
func firstRefused(set *policy.PolicySet, req *policy.Request, steps ...trustStep) string {
	for _, st := range steps {
		if !st.needed {
			continue
		}
		req.Action = st.action
		if r := policy.Evaluate(set, req); !r.Allowed() {
			return st.action
		}
	}
	return ""
}
