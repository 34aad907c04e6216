package authz

import (
	"strconv"
	"time"

	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
)

// PrincipalARN is the caller as aws:PrincipalArn and Principal elements see
// it: the role's ARN for a role session (with its path), the caller's own
// ARN otherwise ("aws:PrincipalArn ... For IAM roles, the request context
// returns the ARN of the role, not the ARN of the user that assumed the
// role", IAM User Guide, reference_policies_condition-keys.html).
func (s *Subject) PrincipalARN() string {
	if s.Principal.Type == auth.AssumedRole && s.RoleARN != "" {
		return s.RoleARN
	}
	return s.Principal.ARN
}

// PolicyPrincipal is the caller in the policy engine's terms.
func (s *Subject) PolicyPrincipal() policy.Principal {
	p := policy.Principal{ARN: s.Principal.ARN, Account: s.Principal.AccountID}
	if s.Principal.Type == auth.AssumedRole {
		p.RoleARN = s.RoleARN
	}
	return p
}

// GlobalContext fills ctx with the global condition keys AWS puts in every
// request context for this caller and call ("AWS global condition context
// keys", IAM User Guide, reference_policies_condition-keys.html). Key names
// are case-insensitive; they are written here in lower case, which the
// context stores without converting (and so without allocating).
func (s *Subject) GlobalContext(ctx *policy.Context, call *rpc.Call) {
	p := s.Principal
	ctx.Set("aws:principalarn", s.PrincipalARN())
	ctx.Set("aws:principalaccount", p.AccountID)
	ctx.Set("aws:principaltype", p.Type.String())
	ctx.Set("aws:userid", p.UserID)
	// aws:username is present only for IAM users.
	if p.Type == auth.User {
		ctx.Set("aws:username", p.Name)
	}
	for _, t := range s.Tags {
		ctx.Set("aws:principaltag/"+t.Key, t.Value)
	}
	CallContext(ctx, call)
	now := call.Time.UTC()
	// The MFA keys and the token issue time exist only for temporary
	// credentials: "aws:MultiFactorAuthPresent ... is not present when an
	// API or CLI command is called with long-term credentials".
	if c := p.Session; c != nil {
		ctx.Set("aws:tokenissuetime", c.IssuedAt.UTC().Format(time.RFC3339))
		ctx.Set("aws:multifactorauthpresent", strconv.FormatBool(c.MFAAuthenticated))
		if c.MFAAuthenticated && !c.MFAAuthTime.IsZero() {
			age := now.Sub(c.MFAAuthTime) / time.Second
			if age < 0 {
				age = 0
			}
			ctx.Set("aws:multifactorauthage", strconv.FormatInt(int64(age), 10))
		}
		if c.SourceIdentity != "" {
			ctx.Set("aws:sourceidentity", c.SourceIdentity)
		}
		if c.FederatedProvider != "" {
			ctx.Set("aws:federatedprovider", c.FederatedProvider)
		}
	}
}

// PolicySet is the subject's side of a request: its identity policies,
// boundary and session policies, with resource the target's resource-based
// policies (a role's trust policy), which must allow even in the same
// account when resourceRequired is set (sts:AssumeRole).
func (s *Subject) PolicySet(resource []*policy.Policy, resourceRequired bool) *policy.PolicySet {
	return &policy.PolicySet{
		Identity:         s.Identity,
		Resource:         resource,
		Boundary:         s.Boundary,
		Session:          s.Session,
		ResourceRequired: resourceRequired,
	}
}

// CallContext fills ctx with the global keys that describe the request
// rather than the caller: aws:CurrentTime, aws:EpochTime,
// aws:SecureTransport, aws:SourceIp, aws:UserAgent and aws:RequestedRegion.
// The unsigned federation calls, which have no authenticated caller, use
// it alone.
func CallContext(ctx *policy.Context, call *rpc.Call) {
	now := call.Time.UTC()
	ctx.Set("aws:currenttime", now.Format(time.RFC3339))
	ctx.Set("aws:epochtime", strconv.FormatInt(now.Unix(), 10))
	ctx.Set("aws:securetransport", strconv.FormatBool(call.SecureTransport))
	if call.SourceIP != "" {
		ctx.Set("aws:sourceip", call.SourceIP)
	}
	if call.UserAgent != "" {
		ctx.Set("aws:useragent", call.UserAgent)
	}
	if call.Region != "" {
		ctx.Set("aws:requestedregion", call.Region)
	}
}
