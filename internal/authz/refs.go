package authz

// PolicyKind says what kind of policy a PolicyRef names.
type PolicyKind uint8

// The kinds of policies a decision combines.
const (
	// PolicyUnknown is the zero PolicyRef: a policy nobody named.
	PolicyUnknown PolicyKind = iota
	// PolicyManaged is a managed policy attached to a principal or used
	// as its permissions boundary; Name is its ARN.
	PolicyManaged
	// PolicyInline is a policy embedded in a user, group or role; Owner
	// is "user/NAME", "group/NAME" or "role/NAME", Name the policy's.
	PolicyInline
	// PolicyRoot is the account root's implicit allow-all.
	PolicyRoot
	// PolicySession is the inline session policy passed when the session
	// was created (or, for a federated user that passed none, the policy
	// that allows nothing in its place).
	PolicySession
	// PolicySessionManaged is a managed policy passed as a session
	// policy; Name is its ARN.
	PolicySessionManaged
	// PolicyTrust is a role's trust policy; Owner is the role's ARN.
	PolicyTrust
	// PolicyResource is another resource-based policy; Owner is the
	// resource's ARN when known, Name the label its caller gave it.
	PolicyResource
	// PolicyCustom is a policy passed by the caller of a simulation;
	// Name is its label (such as "PolicyInputList.1").
	PolicyCustom
)

// PolicyRef names one policy: the one a matched statement comes from.
type PolicyRef struct {
	Kind  PolicyKind
	Owner string
	Name  string
}

// String names the policy for people: the ARN of a managed policy, "user/
// alice inline policy P", "session policy", "trust policy of role ARN".
func (r PolicyRef) String() string {
	switch r.Kind {
	case PolicyManaged:
		return r.Name
	case PolicyInline:
		return r.Owner + " inline policy " + r.Name
	case PolicyRoot:
		return "account root (implicit)"
	case PolicySession:
		return "session policy"
	case PolicySessionManaged:
		return "session policy " + r.Name
	case PolicyTrust:
		return "trust policy of role " + r.Owner
	case PolicyResource:
		s := "resource policy"
		if r.Name != "" {
			s += " " + r.Name
		}
		if r.Owner != "" {
			s += " of " + r.Owner
		}
		return s
	case PolicyCustom:
		return r.Name
	}
	return "unknown policy"
}
