package saml

import (
	"crypto/sha1"
	"encoding/base64"
	"strings"

	"github.com/stsd/stsd/internal/arn"
)

// Names of the attributes AWS reads from an assertion (IAM User Guide,
// id_roles_providers_create_saml_assertions.html).
const (
	AttrPrefix            = "https://aws.amazon.com/SAML/Attributes/"
	AttrRole              = AttrPrefix + "Role"
	AttrRoleSessionName   = AttrPrefix + "RoleSessionName"
	AttrSessionDuration   = AttrPrefix + "SessionDuration"
	AttrSourceIdentity    = AttrPrefix + "SourceIdentity"
	AttrPrincipalTag      = AttrPrefix + "PrincipalTag:"
	AttrTransitiveTagKeys = AttrPrefix + "TransitiveTagKeys"
)

// nameIDFormatPrefix is removed from a NameID Format to give SubjectType:
// "If the format includes the prefix urn:oasis:names:tc:SAML:2.0:nameid-format,
// that prefix is removed ... If the format includes any other prefix, the
// format is returned with no modifications." (STS API reference,
// AssumeRoleWithSAML, SubjectType.)
const nameIDFormatPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

// nameIDUnspecified is the Format a NameID without one has
// (saml-core-2.0-os 2.2.2).
const nameIDUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"

// RolePair is one value of the Role attribute.
type RolePair struct {
	Role     string // arn:aws:iam::ACCOUNT:role/NAME
	Provider string // arn:aws:iam::ACCOUNT:saml-provider/NAME
}

// Roles returns the role and provider pairs of the Role attribute. Each
// value is two comma-separated ARNs in either order (IAM User Guide: "each
// containing a comma-separated pair of strings"); a value that is not one
// valid role ARN and one valid SAML provider ARN, as package arn parses
// them, is skipped.
func (a *Assertion) Roles() []RolePair {
	var out []RolePair
	for _, v := range a.Values(AttrRole) {
		first, second, ok := strings.Cut(v, ",")
		if !ok || strings.Contains(second, ",") {
			continue
		}
		first, second = strings.TrimSpace(first), strings.TrimSpace(second)
		switch {
		case isIAMType(first, arn.TypeRole) && isIAMType(second, arn.TypeSAMLProvider):
			out = append(out, RolePair{Role: first, Provider: second})
		case isIAMType(first, arn.TypeSAMLProvider) && isIAMType(second, arn.TypeRole):
			out = append(out, RolePair{Role: second, Provider: first})
		}
	}
	return out
}

// Lists reports whether the Role attribute holds the pair (role, provider).
func (a *Assertion) Lists(role, provider string) bool {
	for _, p := range a.Roles() {
		if p.Role == role && p.Provider == provider {
			return true
		}
	}
	return false
}

// isIAMType reports whether s is an IAM ARN of resource type typ.
func isIAMType(s, typ string) bool {
	r, err := arn.ParseIAM(s)
	return err == nil && r.Type == typ
}

// SubjectType is the NameID Format as STS reports it and the trust policy
// sees it in saml:sub_type.
func (a *Assertion) SubjectType() string {
	f := a.SubjectFormat
	if f == "" {
		f = nameIDUnspecified
	}
	return strings.TrimPrefix(f, nameIDFormatPrefix)
}

// NameQualifier is STS's hash identifying the IdP within the account:
// BASE64(SHA1(issuer + account + "/" + provider name)) (STS API reference,
// AssumeRoleWithSAML, NameQualifier). SHA-1 is AWS's choice here; it names
// an IdP, it protects nothing.
func NameQualifier(issuer, accountID, providerName string) string {
	sum := sha1.Sum([]byte(issuer + accountID + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}
