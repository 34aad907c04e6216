package policy

import (
	"strings"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/arn"
)

// effectBadCase marks an Effect written in the wrong letter case ("allow"):
// accepted by IAM's syntax pass, refused by its legacy parser.
const effectBadCase Effect = 255

// validate applies IAM's semantic checks to a syntactically valid policy,
// in the order IAM applies them (so that a document with several problems
// gets the message IAM would send).
func validate(p *Policy, kind Kind) *apierr.Error {
	// Managed policies (CreatePolicy, CreatePolicyVersion) must be
	// 2012-10-17. Inline, session, trust and resource policies may still be
	// 2008-10-17 or carry no Version (reference_policies_elements_version.html:
	// "If you do not include a Version element, the value defaults to
	// 2008-10-17"; reference_policies_variables.html describes how such
	// policies treat variables as literal text).
	if kind == KindManaged && p.Version != Version2012 {
		return malformed(msgVersion)
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect == effectBadCase {
			return malformed(msgLegacy)
		}
		for _, c := range st.Conditions {
			op, _, _, _ := parseOperator(c.Operator)
			if op.family() == famDate {
				for _, v := range c.Values {
					if _, ok := parseDate(v); !ok {
						return malformed(msgLegacy)
					}
				}
			}
		}
	}
	seen := make(map[string]bool, len(p.Statements))
	for i := range p.Statements {
		sid := p.Statements[i].Sid
		if sid == "" {
			continue
		}
		if seen[sid] {
			return malformed(msgDuplicateSid)
		}
		seen[sid] = true
	}
	if kind != KindResource {
		for i := range p.Statements {
			for _, r := range p.Statements[i].Sid {
				if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
					return malformed(msgSidChars)
				}
			}
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if len(st.Action) == 0 && len(st.NotAction) == 0 {
			return malformed(msgNoActions)
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		switch {
		case kind.identity():
			if len(st.Resource) == 0 && len(st.NotResource) == 0 {
				return malformed(msgNoResources)
			}
		case kind == KindTrust:
			if st.HasResource {
				return malformed(msgProhibitedResource)
			}
		}
		if !kind.identity() && st.Principal == nil && st.NotPrincipal == nil {
			return malformed(msgMissingPrincipal)
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		for _, list := range [][]string{st.Resource, st.NotResource} {
			for _, r := range list {
				if e := checkResource(r); e != nil {
					return e
				}
			}
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		for _, list := range [][]string{st.Action, st.NotAction} {
			for _, a := range list {
				if e := checkAction(a); e != nil {
					return e
				}
			}
		}
		for _, c := range st.Conditions {
			if !strings.Contains(c.Key, ":") {
				return malformed(msgVendorMissing)
			}
		}
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		for _, pr := range []*Principals{st.Principal, st.NotPrincipal} {
			if e := checkPrincipals(pr); e != nil {
				return e
			}
		}
	}
	return nil
}

// checkAction validates "vendor:pattern" (or "*").
func checkAction(a string) *apierr.Error {
	if a == "*" {
		return nil
	}
	vendor, _, found := strings.Cut(a, ":")
	if !found {
		return malformed(msgVendorMissing)
	}
	if strings.Count(a, ":") > 1 {
		return malformed(msgOneColon)
	}
	for i := 0; i < len(vendor); i++ {
		c := vendor[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return malformedf("Vendor %s is not valid", vendor)
		}
	}
	if vendor == "" {
		return malformedf("Vendor %s is not valid", vendor)
	}
	return nil
}

// partitions IAM recognises in resource ARNs.
var partitions = map[string]bool{
	"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true,
	"aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
}

// iamResourcePrefixes are the resource types an IAM ARN may name.
var iamResourcePrefixes = []string{
	"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
	"report/", "access-report/",
}

// checkResource validates a Resource/NotResource value.
func checkResource(r string) *apierr.Error {
	if r == "*" {
		return nil
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 2 {
		return malformedf("Resource %s must be in ARN format or \"*\".", r)
	}
	if !partitions[parts[1]] && !strings.ContainsAny(parts[1], "*?") {
		get := func(i string) string {
			if i == "" {
				return "*"
			}
			return i
		}
		rest := append(parts[2:], "", "", "", "")
		return malformedf("Partition %q is not valid for resource \"arn:%s:%s:%s:%s:%s\".",
			parts[1], parts[1], get(rest[0]), get(rest[1]), get(rest[2]), get(rest[3]))
	}
	if len(parts) < 3 || parts[2] == "" || strings.ContainsAny(parts[2], "*?") {
		return malformed(msgResourceVendor)
	}
	if parts[2] == "iam" && len(parts) == 6 {
		if parts[3] != "" {
			return malformedf("IAM resource %s cannot contain region information.", r)
		}
		res := parts[5]
		if res != "*" && !strings.HasPrefix(res, "*") {
			ok := false
			for _, pre := range iamResourcePrefixes {
				if strings.HasPrefix(res, pre) || res == "root" || strings.HasPrefix(pre, res) && strings.HasSuffix(res, "*") {
					ok = true
					break
				}
			}
			if !ok {
				return malformed("IAM resource path must either be \"*\" or start with " + strings.Join(iamResourcePrefixes, ", ") + ".")
			}
		}
	}
	if parts[2] == "s3" && len(parts) >= 4 && parts[3] != "" && !strings.ContainsAny(parts[3], "*?") {
		return malformedf("Resource %s can not contain region information.", r)
	}
	return nil
}

// checkPrincipals validates principal values.
// Syntax from "AWS JSON policy elements: Principal"
// (reference_policies_elements_principal.html).
func checkPrincipals(p *Principals) *apierr.Error {
	if p == nil {
		return nil
	}
	for _, v := range p.AWS {
		if v == "*" || arn.IsAccountID(v) || validPrincipalARN(v) {
			continue
		}
		return InvalidPrincipalError("AWS", v)
	}
	for _, v := range p.Federated {
		if validProviderARN(v) || isDNSName(v) {
			continue
		}
		return InvalidPrincipalError("Federated", v)
	}
	for _, v := range p.Service {
		if isDNSName(v) {
			continue
		}
		return InvalidPrincipalError("Service", v)
	}
	for _, v := range p.CanonicalUser {
		if len(v) == 64 && isHex(v) {
			continue
		}
		return InvalidPrincipalError("CanonicalUser", v)
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isDNSName accepts a host name such as "ec2.amazonaws.com" or
// "accounts.google.com".
func isDNSName(s string) bool {
	if len(s) == 0 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// splitPrincipalARN returns the sections of a principal ARN as IAM's policy
// grammar accepts it: any partition IAM knows, no region, a 12-digit account
// and no wildcards.
func splitPrincipalARN(s string) (arn.ARN, bool) {
	a, err := arn.Split(s)
	if err != nil || !partitions[a.Partition] || a.Region != "" || !arn.IsAccountID(a.AccountID) {
		return arn.ARN{}, false
	}
	if strings.ContainsAny(s, "*?") {
		return arn.ARN{}, false
	}
	return a, true
}

// validPrincipalARN accepts root, user, role, federated-user and
// assumed-role session ARNs. It checks the resource section for a type and
// a non-empty name only, not with arn.ParseIAM's name rules: those would
// refuse policy documents stsd has always accepted.
func validPrincipalARN(s string) bool {
	a, ok := splitPrincipalARN(s)
	if !ok {
		return false
	}
	res := a.Resource
	switch a.Service {
	case "iam":
		if res == arn.TypeRoot {
			return true
		}
		for _, typ := range []string{arn.TypeUser, arn.TypeRole, arn.TypeFederatedUser} {
			if name, found := strings.CutPrefix(res, typ+"/"); found && name != "" && !strings.HasSuffix(name, "/") {
				return true
			}
		}
	case "sts":
		if rest, found := strings.CutPrefix(res, arn.TypeAssumedRole+"/"); found {
			role, session, _ := strings.Cut(rest, "/")
			return role != "" && session != ""
		}
		if name, found := strings.CutPrefix(res, arn.TypeFederatedUser+"/"); found && name != "" {
			return true
		}
	}
	return false
}

// validProviderARN accepts SAML and OIDC provider ARNs.
func validProviderARN(s string) bool {
	a, ok := splitPrincipalARN(s)
	if !ok || a.Service != "iam" {
		return false
	}
	for _, typ := range []string{arn.TypeSAMLProvider, arn.TypeOIDCProvider} {
		if name, found := strings.CutPrefix(a.Resource, typ+"/"); found && name != "" {
			return true
		}
	}
	return false
}
