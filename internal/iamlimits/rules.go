package iamlimits

import (
	"fmt"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/apimodel"
)

// Rule is the IAM model's constraint on one shape: the bounds of a string's
// length in characters (or of a number's value) and, for a string, the
// pattern the whole value must match. It is read from the generated model
// tables, so it is the constraint the API's request validation applies to
// the same shape.
type Rule struct {
	shape *apimodel.Shape
	match *apimodel.Matcher
}

// The rules of the names, paths, tags and ids stsd accepts outside an API
// request (in a bootstrap file) or checks again inside an operation. Each
// is named after what it constrains and reads the model shape it names.
var (
	UserName            = rule("userNameType")
	ExistingUserName    = rule("existingUserNameType") // AddUserToGroup's UserName
	RoleName            = rule("roleNameType")
	GroupName           = rule("groupNameType")
	InstanceProfileName = rule("instanceProfileNameType")
	PolicyName          = rule("policyNameType")
	Path                = rule("pathType")
	TagKey              = rule("tagKeyType")
	TagValue            = rule("tagValueType")
	AccessKeyID         = rule("accessKeyIdType")
	AccountID           = rule("accountIdType")
	AccountAlias        = rule("accountAliasType")
	SerialNumber        = rule("serialNumberType")
	SAMLProviderName    = rule("SAMLProviderNameType")
	SAMLMetadata        = rule("SAMLMetadataDocumentType")
	OIDCProviderURL     = rule("OpenIDConnectProviderUrlType")
	ClientID            = rule("clientIDType")
	CertificateBody     = rule("certificateBodyType")
	SSHPublicKeyBody    = rule("publicKeyMaterialType")
	// RoleMaxSessionDuration bounds a role's MaxSessionDuration in
	// seconds (roleMaxSessionDurationType, an integer shape).
	RoleMaxSessionDuration = rule("roleMaxSessionDurationType")
)

// rule reads one shape's constraint from the IAM model. A missing shape or
// a pattern that does not compile is a build-time fault of the generated
// tables, so it stops the program as it starts rather than letting a
// check silently pass.
func rule(shape string) Rule {
	s := apimodel.IAM.Shapes[shape]
	if s == nil {
		panic("iamlimits: the IAM model has no shape " + shape)
	}
	m, err := s.PatternMatcher()
	if err != nil {
		panic("iamlimits: " + err.Error())
	}
	return Rule{shape: s, match: m}
}

// Shape is the model's name of the constrained shape, e.g. "userNameType".
func (r Rule) Shape() string { return r.shape.Name }

// Min is the least length (or value) the model allows, 0 if it sets none.
func (r Rule) Min() int {
	if !r.shape.HasMin {
		return 0
	}
	return int(r.shape.Min)
}

// Max is the greatest length (or value) the model allows; ok is false when
// it sets none.
func (r Rule) Max() (max int, ok bool) {
	return int(r.shape.Max), r.shape.HasMax
}

// Pattern is the model's pattern as written (Java syntax), "" if none:
// what a refusal quotes, as AWS's validation messages do.
func (r Rule) Pattern() string { return r.shape.Pattern }

// LengthOK reports whether s has an allowed length, counted in characters
// (code points) as the model's constraints are.
func (r Rule) LengthOK(s string) bool {
	n := utf8.RuneCountInString(s)
	max, bounded := r.Max()
	return n >= r.Min() && (!bounded || n <= max)
}

// Matches reports whether the whole of s satisfies the pattern; every
// value matches a shape without one.
func (r Rule) Matches(s string) bool {
	return r.match == nil || r.match.MatchString(s)
}

// Valid reports whether s satisfies the rule: its length and its pattern.
func (r Rule) Valid(s string) bool { return r.LengthOK(s) && r.Matches(s) }

// Check describes what is wrong with s, or returns "" when s satisfies the
// rule: first its length (`"x" must be 1 to 64 characters long`), then its
// pattern (`"x" does not match [\w+=,.@-]+`). The text quotes s, so it is
// for values that are not secret.
func (r Rule) Check(s string) string {
	if !r.LengthOK(s) {
		if max, ok := r.Max(); ok {
			return fmt.Sprintf("%q must be %d to %d characters long", s, r.Min(), max)
		}
		return fmt.Sprintf("%q must be at least %d characters long", s, r.Min())
	}
	if !r.Matches(s) {
		return fmt.Sprintf("%q does not match %s", s, r.Pattern())
	}
	return ""
}
