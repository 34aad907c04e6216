package policy

// Effect is a statement's Effect.
type Effect uint8

// The two effects.
const (
	EffectAllow Effect = iota
	EffectDeny
)

// String returns "Allow" or "Deny".
func (e Effect) String() string {
	if e == EffectDeny {
		return "Deny"
	}
	return "Allow"
}

// Versions IAM accepts in the Version element
// (reference_policies_elements_version.html).
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Policy is a parsed, validated and compiled policy document. It is
// immutable and safe for concurrent use.
type Policy struct {
	// Version is the Version element ("" when absent).
	Version string
	// ID is the Id element.
	ID string
	// Statements in document order.
	Statements []Statement
	// Kind is the kind the document was validated as.
	Kind Kind
	// Document is the original text.
	Document string
}

// Principals is the content of a Principal or NotPrincipal element.
type Principals struct {
	// Any is set for "*" and for {"AWS": "*"}.
	Any bool
	// AWS holds account ids and IAM/STS principal ARNs as written.
	AWS []string
	// Federated holds identity-provider ARNs and well-known provider names.
	Federated []string
	// Service holds service principals.
	Service []string
	// CanonicalUser holds S3 canonical user ids.
	CanonicalUser []string
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal and NotPrincipal are nil when the element is absent.
	Principal, NotPrincipal *Principals
	// Exactly one of Action and NotAction is set.
	Action, NotAction []string
	// At most one of Resource and NotResource is set.
	Resource, NotResource []string
	// HasResource reports whether the statement has a Resource or
	// NotResource element (trust policies usually have neither).
	HasResource bool
	// Conditions in document order; all must hold.
	Conditions []Condition

	actions   []pattern
	resources []pattern
}

// Condition is one (operator, key, values) triple of a Condition element.
type Condition struct {
	// Operator as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	// Key as written, e.g. "aws:PrincipalTag/team".
	Key string
	// Values as written (numbers and booleans in their JSON text).
	Values []string

	op       opKind
	set      setKind
	ifExists bool
	lkey     string
	vals     []condValue
}
