package authz

import (
	"strconv"
	"strings"
	"time"

	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/policy"
)

// Facts are what a request states about itself rather than about its
// caller: the sources of aws:CurrentTime, aws:EpochTime,
// aws:SecureTransport, aws:SourceIp, aws:UserAgent and aws:RequestedRegion.
// Servers fill them from the request they received.
type Facts struct {
	// Time is when the request was received, from the injected clock.
	Time time.Time
	// SourceIP is the client's address without port; "" leaves
	// aws:SourceIp out.
	SourceIP string
	// SecureTransport is true when the request arrived over TLS.
	SecureTransport bool
	// UserAgent is the User-Agent header; "" leaves aws:UserAgent out.
	UserAgent string
	// Region is the region the request was signed for; "" leaves
	// aws:RequestedRegion out.
	Region string
}

// PrincipalARN is the caller as aws:PrincipalArn and Principal elements see
// it: the role's ARN for a role session (with its path), the caller's own
// ARN otherwise ("aws:PrincipalArn ... For IAM roles, the request context
// returns the ARN of the role, not the ARN of the user that assumed the
// role", IAM User Guide, reference_policies_condition-keys.html).
func (s *Subject) PrincipalARN() string {
	if s.Principal == nil {
		return s.caller.ARN
	}
	if s.Principal.Type == auth.AssumedRole && s.RoleARN != "" {
		return s.RoleARN
	}
	return s.Principal.ARN
}

// PolicyPrincipal is the caller in the policy engine's terms.
func (s *Subject) PolicyPrincipal() policy.Principal {
	if s.Principal == nil {
		return s.caller
	}
	p := policy.Principal{ARN: s.Principal.ARN, Account: s.Principal.AccountID}
	if s.Principal.Type == auth.AssumedRole {
		p.RoleARN = s.RoleARN
	}
	return p
}

// callerARN is the caller as an AccessDenied message names it.
func (s *Subject) callerARN() string {
	if s.Principal == nil {
		if s.caller.ARN != "" {
			return s.caller.ARN
		}
		return s.caller.Federated
	}
	return s.Principal.ARN
}

// GlobalContext fills ctx with the global condition keys AWS puts in every
// request context for this caller and request ("AWS global condition
// context keys", IAM User Guide, reference_policies_condition-keys.html).
func (s *Subject) GlobalContext(ctx *policy.Context, f Facts) {
	var t timeStrings
	s.fill(ctx, &f, &t)
}

// PolicySet is the engine's view of the subject's side of a request, with
// resource the target's resource-based policies, which must allow even in
// the same account when resourceRequired is set. Decisions are made by
// Decide; this is for looking at what a subject holds.
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
func CallContext(ctx *policy.Context, f Facts) {
	var t timeStrings
	callKeys(ctx, &f, &t)
}

// keyValue is one single-valued context key, its name in lower case.
type keyValue struct{ key, value string }

// principalKeys computes the keys that describe the caller: who it is, its
// tags, and for temporary credentials the token's issue time, MFA and
// source identity. Key names are case-insensitive; they are kept in lower
// case, which the context stores without converting (and so without
// allocating). The MFA age, which changes with the request's time, is not
// among them.
func (s *Subject) principalKeys() []keyValue {
	p := s.Principal
	if p == nil {
		return nil
	}
	kv := make([]keyValue, 0, 8+len(s.Tags))
	kv = append(kv,
		keyValue{"aws:principalarn", s.PrincipalARN()},
		keyValue{"aws:principalaccount", p.AccountID},
		keyValue{"aws:principaltype", p.Type.String()},
		keyValue{"aws:userid", p.UserID})
	// aws:username is present only for IAM users.
	if p.Type == auth.User {
		kv = append(kv, keyValue{"aws:username", p.Name})
	}
	for _, t := range s.Tags {
		kv = append(kv, keyValue{strings.ToLower("aws:principaltag/" + t.Key), t.Value})
	}
	// The MFA keys and the token issue time exist only for temporary
	// credentials: "aws:MultiFactorAuthPresent ... is not present when an
	// API or CLI command is called with long-term credentials".
	if c := p.Session; c != nil {
		kv = append(kv,
			keyValue{"aws:tokenissuetime", c.IssuedAt.UTC().Format(time.RFC3339)},
			keyValue{"aws:multifactorauthpresent", strconv.FormatBool(c.MFAAuthenticated)})
		if c.SourceIdentity != "" {
			kv = append(kv, keyValue{"aws:sourceidentity", c.SourceIdentity})
		}
		if c.FederatedProvider != "" {
			kv = append(kv, keyValue{"aws:federatedprovider", c.FederatedProvider})
		}
	}
	return kv
}

// fill writes the subject's and the request's global keys into ctx.
func (s *Subject) fill(ctx *policy.Context, f *Facts, t *timeStrings) {
	kv := s.keys
	if kv == nil {
		kv = s.principalKeys()
	}
	for _, k := range kv {
		ctx.SetValue(k.key, k.value)
	}
	callKeys(ctx, f, t)
	if p := s.Principal; p != nil && p.Session != nil {
		if c := p.Session; c.MFAAuthenticated && !c.MFAAuthTime.IsZero() {
			age := f.Time.Sub(c.MFAAuthTime) / time.Second
			ctx.SetValue("aws:multifactorauthage", t.age(int64(max(age, 0))))
		}
	}
}

// callKeys writes the keys that describe the request into ctx.
func callKeys(ctx *policy.Context, f *Facts, t *timeStrings) {
	current, epoch := t.at(f.Time)
	ctx.SetValue("aws:currenttime", current)
	ctx.SetValue("aws:epochtime", epoch)
	ctx.SetValue("aws:securetransport", strconv.FormatBool(f.SecureTransport))
	if f.SourceIP != "" {
		ctx.SetValue("aws:sourceip", f.SourceIP)
	}
	if f.UserAgent != "" {
		ctx.SetValue("aws:useragent", f.UserAgent)
	}
	if f.Region != "" {
		ctx.SetValue("aws:requestedregion", f.Region)
	}
}

// timeStrings keeps the last time keys formatted, so that the decisions
// of one second, which state the same times, format them once.
type timeStrings struct {
	unix           int64
	current, epoch string
	ageSeconds     int64
	ageText        string
}

// at returns aws:CurrentTime and aws:EpochTime for now.
func (t *timeStrings) at(now time.Time) (current, epoch string) {
	u := now.Unix()
	if t.current == "" || u != t.unix {
		t.unix = u
		t.current = now.UTC().Format(time.RFC3339)
		t.epoch = strconv.FormatInt(u, 10)
	}
	return t.current, t.epoch
}

// age returns seconds as aws:MultiFactorAuthAge writes it.
func (t *timeStrings) age(seconds int64) string {
	if t.ageText == "" || seconds != t.ageSeconds {
		t.ageSeconds = seconds
		t.ageText = strconv.FormatInt(seconds, 10)
	}
	return t.ageText
}
