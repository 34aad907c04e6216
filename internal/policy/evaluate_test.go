package policy

import (
	"reflect"
	"testing"
)

const (
	acctA = "111111111111"
	acctB = "222222222222"
)

func idp(stmts string) *Policy {
	return MustParse(`{"Version":"2012-10-17","Statement":`+stmts+`}`, KindInlineRole)
}

func rp(stmts string) *Policy {
	return MustParse(`{"Version":"2012-10-17","Statement":`+stmts+`}`, KindResource)
}

func trust(stmts string) *Policy {
	return MustParse(`{"Version":"2012-10-17","Statement":`+stmts+`}`, KindTrust)
}

var (
	alice   = Principal{ARN: "arn:aws:iam::" + acctA + ":user/alice", Account: acctA}
	session = Principal{ARN: "arn:aws:sts::" + acctA + ":assumed-role/app/s1", Account: acctA}
	outside = Principal{ARN: "arn:aws:iam::" + acctB + ":user/bob", Account: acctB}
)

// Evaluation logic: "Policy evaluation logic" (reference_policies_
// evaluation-logic.html), "Cross-account policy evaluation logic"
// (reference_policies_evaluation-logic-cross-account.html), "Permissions
// boundaries" (access_policies_boundaries.html), "Session policies"
// (access_policies.html#policies_session), Principal and NotPrincipal
// (reference_policies_elements_principal.html, …_notprincipal.html).
func TestEvaluate(t *testing.T) {
	allowGet := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	denyGet := `{"Sid":"D","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`
	res := "arn:aws:s3:::bucket/key"
	tests := []struct {
		name   string
		set    PolicySet
		who    Principal
		resAcc string
		action string
		want   Decision
		reason Source
	}{
		{"no policies", PolicySet{}, alice, acctA, "s3:GetObject", DecisionImplicitDeny, SourceIdentity},
		{"identity allow", PolicySet{Identity: []*Policy{idp(allowGet)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"identity allow other action", PolicySet{Identity: []*Policy{idp(allowGet)}}, alice, acctA, "s3:PutObject", DecisionImplicitDeny, SourceIdentity},
		{"deny beats allow", PolicySet{Identity: []*Policy{idp(allowGet), idp(denyGet)}}, alice, acctA, "s3:GetObject", DecisionExplicitDeny, SourceIdentity},
		{"deny in resource policy", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionExplicitDeny, SourceResource},
		{"resource names user directly", PolicySet{Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + alice.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"resource names account only", PolicySet{Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + acctA + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionImplicitDeny, SourceIdentity},
		{"resource names root arn", PolicySet{Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"s3:GetObject","Resource":"*"}`)}, Identity: []*Policy{idp(allowGet)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"resource other user", PolicySet{Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:user/carol"},"Action":"s3:GetObject","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionImplicitDeny, SourceIdentity},
		// Boundaries.
		{"boundary allows", PolicySet{Identity: []*Policy{idp(allowGet)}, Boundary: idp(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"boundary does not allow", PolicySet{Identity: []*Policy{idp(allowGet)}, Boundary: idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`)}, alice, acctA, "s3:GetObject", DecisionImplicitDeny, SourceBoundary},
		{"boundary explicit deny", PolicySet{Identity: []*Policy{idp(allowGet)}, Boundary: idp(denyGet)}, alice, acctA, "s3:GetObject", DecisionExplicitDeny, SourceBoundary},
		{"boundary does not limit resource naming user", PolicySet{Boundary: idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + alice.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"boundary limits resource naming role", PolicySet{Boundary: idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:role/app"},"Action":"s3:GetObject","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionImplicitDeny, SourceBoundary},
		{"boundary does not limit resource naming session", PolicySet{Boundary: idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + session.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"boundary deny still applies to direct grant", PolicySet{Boundary: idp(denyGet), Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + alice.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionExplicitDeny, SourceBoundary},
		// Session policies.
		{"session allows", PolicySet{Identity: []*Policy{idp(allowGet)}, Session: []*Policy{idp(allowGet)}}, session, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"session narrows", PolicySet{Identity: []*Policy{idp(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, Session: []*Policy{idp(allowGet)}}, session, acctA, "s3:PutObject", DecisionImplicitDeny, SourceSession},
		{"session does not grant", PolicySet{Session: []*Policy{idp(allowGet)}}, session, acctA, "s3:GetObject", DecisionImplicitDeny, SourceIdentity},
		{"session deny", PolicySet{Identity: []*Policy{idp(allowGet)}, Session: []*Policy{idp(denyGet)}}, session, acctA, "s3:GetObject", DecisionExplicitDeny, SourceSession},
		{"one of several session policies allows", PolicySet{Identity: []*Policy{idp(allowGet)}, Session: []*Policy{idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), idp(allowGet)}}, session, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"resource naming session not limited by session policy", PolicySet{Session: []*Policy{idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`)}, Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + session.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"resource naming role limited by session policy", PolicySet{Session: []*Policy{idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`)}, Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:role/app"},"Action":"s3:GetObject","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionImplicitDeny, SourceSession},
		{"resource naming role, no session policy", PolicySet{Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:role/path/app"},"Action":"s3:GetObject","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		// Cross-account.
		{"cross: identity only", PolicySet{Identity: []*Policy{idp(allowGet)}}, outside, acctA, "s3:GetObject", DecisionImplicitDeny, SourceResource},
		{"cross: resource only", PolicySet{Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + outside.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, outside, acctA, "s3:GetObject", DecisionImplicitDeny, SourceIdentity},
		{"cross: both", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + acctB + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, outside, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"cross: resource names other account", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"s3:GetObject","Resource":"*"}`)}}, outside, acctA, "s3:GetObject", DecisionImplicitDeny, SourceResource},
		{"cross: boundary narrows", PolicySet{Identity: []*Policy{idp(allowGet)}, Boundary: idp(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), Resource: []*Policy{rp(`{"Effect":"Allow","Principal":{"AWS":"` + outside.ARN + `"},"Action":"s3:GetObject","Resource":"*"}`)}}, outside, acctA, "s3:GetObject", DecisionImplicitDeny, SourceBoundary},
		{"cross: deny in identity", PolicySet{Identity: []*Policy{idp(denyGet)}, Resource: []*Policy{rp(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)}}, outside, acctA, "s3:GetObject", DecisionExplicitDeny, SourceIdentity},
		// NotPrincipal and NotAction / NotResource.
		{"NotPrincipal deny excludes listed user", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + alice.ARN + `","` + acctA + `"]},"Action":"s3:*","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"NotPrincipal deny applies to others", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::` + acctA + `:user/carol","` + acctA + `"]},"Action":"s3:*","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionExplicitDeny, SourceResource},
		{"NotPrincipal session needs role and account too", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + session.ARN + `"]},"Action":"s3:*","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionExplicitDeny, SourceResource},
		{"NotPrincipal session fully listed", PolicySet{Identity: []*Policy{idp(allowGet)}, Resource: []*Policy{rp(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + session.ARN + `","arn:aws:iam::` + acctA + `:role/app","arn:aws:iam::` + acctA + `:root"]},"Action":"s3:*","Resource":"*"}`)}}, session, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"NotAction allow", PolicySet{Identity: []*Policy{idp(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"NotAction excluded", PolicySet{Identity: []*Policy{idp(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}}, alice, acctA, "IAM:CreateUser", DecisionImplicitDeny, SourceIdentity},
		{"NotAction deny", PolicySet{Identity: []*Policy{idp(`{"Effect":"Allow","Action":"*","Resource":"*"}`), idp(`{"Effect":"Deny","NotAction":["s3:GetObject"],"Resource":"*"}`)}}, alice, acctA, "s3:PutObject", DecisionExplicitDeny, SourceIdentity},
		{"NotResource allow", PolicySet{Identity: []*Policy{idp(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`)}}, alice, acctA, "s3:GetObject", DecisionAllow, SourceNone},
		{"NotResource excluded", PolicySet{Identity: []*Policy{idp(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/*"}`)}}, alice, acctA, "s3:GetObject", DecisionImplicitDeny, SourceIdentity},
		{"NotResource deny", PolicySet{Identity: []*Policy{idp(allowGet), idp(`{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::other/*"}`)}}, alice, acctA, "s3:GetObject", DecisionExplicitDeny, SourceIdentity},
		// Trust policies (ResourceRequired).
		{"trust required: identity alone", PolicySet{ResourceRequired: true, Identity: []*Policy{idp(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)}}, alice, acctA, "sts:AssumeRole", DecisionImplicitDeny, SourceResource},
		{"trust service principal", PolicySet{ResourceRequired: true, Resource: []*Policy{trust(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)}}, Principal{Service: "ec2.amazonaws.com"}, "", "sts:AssumeRole", DecisionAllow, SourceNone},
		{"trust other service", PolicySet{ResourceRequired: true, Resource: []*Policy{trust(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)}}, Principal{Service: "lambda.amazonaws.com"}, "", "sts:AssumeRole", DecisionImplicitDeny, SourceResource},
		{"trust star principal federated", PolicySet{ResourceRequired: true, Resource: []*Policy{trust(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}`)}}, Principal{Federated: "accounts.google.com"}, "", "sts:AssumeRoleWithWebIdentity", DecisionAllow, SourceNone},
		{"trust action mismatch", PolicySet{ResourceRequired: true, Resource: []*Policy{trust(`{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`)}}, Principal{Federated: "accounts.google.com"}, "", "sts:AssumeRoleWithSAML", DecisionImplicitDeny, SourceResource},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{Principal: tc.who, Action: tc.action, Resource: res, ResourceAccount: tc.resAcc}
			r := Evaluate(&tc.set, &req)
			if r.Decision != tc.want || r.Reason != tc.reason {
				t.Errorf("got %v/%v, want %v/%v (matched %+v)", r.Decision, r.Reason, tc.want, tc.reason, r.Matched)
			}
		})
	}
}

func TestResultDetails(t *testing.T) {
	set := PolicySet{Identity: []*Policy{
		idp(`[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"blue"},"Bool":{"aws:SecureTransport":"false"}}}]`)}}
	req := Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::b"}
	req.Context.Set("aws:SecureTransport", "false")
	r := Evaluate(&set, &req)
	if r.Decision != DecisionExplicitDeny {
		t.Fatalf("got %v", r.Decision)
	}
	want := []Match{{SourceIdentity, 0, 0, "A", EffectAllow}, {SourceIdentity, 0, 1, "D", EffectDeny}}
	if !reflect.DeepEqual(r.Matched, want) {
		t.Errorf("matched %+v", r.Matched)
	}
	if !reflect.DeepEqual(r.Missing, []string{"aws:PrincipalTag/team"}) {
		t.Errorf("missing %v", r.Missing)
	}
	if got := AccessDeniedMessage(alice.ARN, "s3:GetObject", "arn:aws:s3:::b", &r); got != "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b with an explicit deny in an identity-based policy" {
		t.Errorf("message %q", got)
	}
	r2 := Evaluate(&PolicySet{}, &Request{Principal: alice, Action: "sts:AssumeRole"})
	if got := r2.DenialReason("sts:AssumeRole"); got != "because no identity-based policy allows the sts:AssumeRole action" {
		t.Errorf("reason %q", got)
	}
}

func TestCache(t *testing.T) {
	c := NewCache(2)
	docs := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:a","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:b","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:c","Resource":"*"}}`,
	}
	p1, _ := c.Parse(docs[0], KindManaged)
	p1b, _ := c.Parse(docs[0], KindManaged)
	if p1 != p1b {
		t.Error("cache miss on same document")
	}
	c.Parse(docs[1], KindManaged)
	c.Parse(docs[2], KindManaged)
	if c.Len() != 2 {
		t.Errorf("len %d", c.Len())
	}
	if p, _ := c.Parse(docs[0], KindManaged); p == p1 {
		t.Error("evicted entry still returned")
	}
	if _, err := c.Parse(`{`, KindManaged); err == nil {
		t.Error("bad document accepted")
	}
}
