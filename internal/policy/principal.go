package policy

import "github.com/stsd/stsd/internal/arn"

// matchPrincipals reports how a Principal element matches the caller
// (reference_policies_elements_principal.html).
func matchPrincipals(p *Principals, e *evalCtx) principalGrant {
	c := &e.req.Principal
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
			if g := matchAWSPrincipal(v, e); g > best {
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
func matchAWSPrincipal(v string, e *evalCtx) principalGrant {
	c := &e.req.Principal
	if v == "*" {
		return grantDirect
	}
	if arn.IsAccountID(v) {
		if v == c.Account {
			return grantAccount
		}
		return grantNone
	}
	rootAccount, isRoot := rootARNAccount(v)
	if v == c.ARN {
		if isRoot {
			return grantAccount
		}
		return grantDirect
	}
	if isRoot {
		// "arn:aws:iam::ACCT:root" names the account, not the root user.
		if rootAccount == c.Account {
			return grantAccount
		}
		return grantNone
	}
	if c.RoleARN != "" {
		if v == c.RoleARN {
			return grantRoleOrAny
		}
	} else if sess, ok := e.session(); ok && roleOfSession(v, sess) {
		return grantRoleOrAny
	}
	return grantNone
}

// notPrincipalExcludes reports whether a NotPrincipal element excludes the
// caller. AWS checks every identity the caller carries: for a role session
// the session ARN, the role ARN and the account must all be listed; for a
// user the user ARN and the account ("AWS JSON policy elements:
// NotPrincipal", reference_policies_elements_notprincipal.html).
func notPrincipalExcludes(p *Principals, e *evalCtx) bool {
	c := &e.req.Principal
	if p.Any {
		return true
	}
	if c.ARN == "" {
		return (c.Federated != "" && contains(p.Federated, c.Federated)) ||
			(c.Service != "" && contains(p.Service, c.Service)) ||
			(c.CanonicalUser != "" && contains(p.CanonicalUser, c.CanonicalUser))
	}
	hasARN, hasRole, hasAccount := false, false, false
	sess, session := e.session()
	for _, v := range p.AWS {
		rootAccount, isRoot := rootARNAccount(v)
		switch {
		case v == c.ARN:
			hasARN = true
		case arn.IsAccountID(v) && v == c.Account, isRoot && rootAccount == c.Account:
			hasAccount = true
		case session && ((c.RoleARN != "" && v == c.RoleARN) || (c.RoleARN == "" && roleOfSession(v, sess))):
			hasRole = true
		}
	}
	if _, isRoot := rootARNAccount(c.ARN); isRoot {
		return hasARN || hasAccount
	}
	return hasARN && hasAccount && (!session || hasRole)
}

// rootARNAccount returns the account of an account root ARN
// (arn:PARTITION:iam::ACCOUNT:root) and whether v is one.
func rootARNAccount(v string) (string, bool) {
	a, err := arn.Split(v)
	if err != nil || a.Service != "iam" || a.Region != "" || a.Resource != arn.TypeRoot {
		return "", false
	}
	return a.AccountID, true
}

// roleOfSession reports whether role ARN v (arn:P:iam::A:role/PATH/NAME)
// is the role of session sess (arn:P:sts::A:assumed-role/NAME/SESSION,
// taken apart once per evaluation). Role names are unique in an account,
// so the name identifies the role.
func roleOfSession(v string, sess arn.IAMResource) bool {
	role, err := arn.ParseIAM(v)
	return err == nil && role.Type == arn.TypeRole && role.Partition == sess.Partition &&
		role.AccountID == sess.AccountID && role.Name == sess.Name
}
