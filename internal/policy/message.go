package policy

// DenialReason returns the clause AWS appends to an AccessDenied message
// for a refused action, e.g. "because no identity-based policy allows the
// sts:AssumeRole action" or "with an explicit deny in a resource-based
// policy" ("Troubleshoot access denied error messages",
// troubleshoot_access-denied.html). It returns "" for an Allow.
func (r *Result) DenialReason(action string) string {
	switch r.Decision {
	case DecisionExplicitDeny:
		if r.Reason == SourceIdentity {
			return "with an explicit deny in an " + r.Reason.String()
		}
		return "with an explicit deny in a " + r.Reason.String()
	case DecisionImplicitDeny:
		if r.Reason == SourceNone {
			return "because no " + SourceIdentity.String() + " allows the " + action + " action"
		}
		return "because no " + r.Reason.String() + " allows the " + action + " action"
	}
	return ""
}

// AccessDeniedMessage formats AWS's AccessDenied message for a refusal:
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE
// REASON".
func AccessDeniedMessage(principalARN, action, resource string, r *Result) string {
	msg := "User: " + principalARN + " is not authorized to perform: " + action
	if resource != "" {
		msg += " on resource: " + resource
	}
	if reason := r.DenialReason(action); reason != "" {
		msg += " " + reason
	}
	return msg
}
