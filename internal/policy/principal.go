package policy

import "strings"

// matchPrincipals reports how a Principal element matches the caller
// (reference_policies_elements_principal.html).
func matchPrincipals(p *Principals, c *Principal) principalGrant {
	iamCaller := c.ARN != ""
	best := grantNone
	if p.Any {
		// "*" names every principal, the caller included, so it grants the
		// way naming the caller does: not limited by session policies or
		// boundaries (reference_policies_elements_principal.html#principal-
		// roles, on "*" with an aws:PrincipalArn condition).
		return grantDirect
	}
	if iamCaller {
		for _, v := range p.AWS {
			if g := matchAWSPrincipal(v, c); g > best {
				best = g
			}
		}
	}
	if c.Federated != "" && contains(p.Federated, c.Federated) {
		return grantDirect
	}
	if c.Service != "" && contains(p.Service, c.Service) {
		return grantDirect
	}
	if c.CanonicalUser != "" && contains(p.CanonicalUser, c.CanonicalUser) {
		return grantDirect
	}
	return best
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// matchAWSPrincipal matches one "AWS" value against an IAM caller.
func matchAWSPrincipal(v string, c *Principal) principalGrant {
	if v == "*" {
		return grantDirect
	}
	if isAccountID(v) {
		if v == c.Account {
			return grantAccount
		}
		return grantNone
	}
	if v == c.ARN {
		if isRootARN(v) {
			return grantAccount
		}
		return grantDirect
	}
	if isRootARN(v) {
		// "arn:aws:iam::ACCT:root" names the account, not the root user.
		if principalAccount(v) == c.Account {
			return grantAccount
		}
		return grantNone
	}
	if c.RoleARN != "" {
		if v == c.RoleARN {
			return grantRoleOrAny
		}
	} else if roleNamesSession(v, c.ARN) {
		return grantRoleOrAny
	}
	return grantNone
}

// notPrincipalExcludes reports whether a NotPrincipal element excludes the
// caller. AWS checks every identity the caller carries: for a role session
// the session ARN, the role ARN and the account must all be listed; for a
// user the user ARN and the account ("AWS JSON policy elements:
// NotPrincipal", reference_policies_elements_notprincipal.html).
func notPrincipalExcludes(p *Principals, c *Principal) bool {
	if p.Any {
		return true
	}
	if c.ARN == "" {
		return (c.Federated != "" && contains(p.Federated, c.Federated)) ||
			(c.Service != "" && contains(p.Service, c.Service)) ||
			(c.CanonicalUser != "" && contains(p.CanonicalUser, c.CanonicalUser))
	}
	hasARN, hasRole, hasAccount := false, false, false
	session := strings.Contains(c.ARN, ":assumed-role/")
	for _, v := range p.AWS {
		switch {
		case v == c.ARN:
			hasARN = true
		case isAccountID(v) && v == c.Account, isRootARN(v) && principalAccount(v) == c.Account:
			hasAccount = true
		case session && ((c.RoleARN != "" && v == c.RoleARN) || (c.RoleARN == "" && roleNamesSession(v, c.ARN))):
			hasRole = true
		}
	}
	if isRootARN(c.ARN) {
		return hasARN || hasAccount
	}
	return hasARN && hasAccount && (!session || hasRole)
}

func isRootARN(v string) bool {
	return strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":root") && strings.Contains(v, ":iam::")
}

// principalAccount returns the account section of a principal ARN.
func principalAccount(v string) string {
	rest := v
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ""
		}
		rest = rest[j+1:]
	}
	if j := strings.IndexByte(rest, ':'); j >= 0 {
		return rest[:j]
	}
	return ""
}

// roleNamesSession reports whether role ARN v (arn:P:iam::A:role/PATH/NAME)
// is the role of session ARN s (arn:P:sts::A:assumed-role/NAME/SESSION).
// Role names are unique in an account, so the name identifies the role.
func roleNamesSession(v, s string) bool {
	part, acct, role, _, ok := splitSessionARN(s)
	if !ok {
		return false
	}
	rest, found := cutPrefix3(v, "arn:", part, ":iam::")
	if !found {
		return false
	}
	rest, found = strings.CutPrefix(rest, acct)
	if !found {
		return false
	}
	rest, found = strings.CutPrefix(rest, ":role/")
	if !found {
		return false
	}
	name := rest
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		name = rest[i+1:]
	}
	return name == role
}

// cutPrefix3 strips a+b+c from s without building the concatenation.
func cutPrefix3(s, a, b, c string) (string, bool) {
	for _, p := range [...]string{a, b, c} {
		var ok bool
		if s, ok = strings.CutPrefix(s, p); !ok {
			return "", false
		}
	}
	return s, true
}
