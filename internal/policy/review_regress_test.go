package policy

import "testing"

// Regressions found in review, each against the AWS documentation cited.

// A request value "NaN" is no number: it must not satisfy NumericEquals (or
// any ordered comparison) with every policy value. "Numeric condition
// operators" compare numbers (reference_policies_elements_condition_
// operators.html#Conditions_Numeric); a NaN compares neither less nor
// greater than anything and so used to count as equal to everything.
func TestNumericNaNRequestValue(t *testing.T) {
	for _, op := range []string{"NumericEquals", "NumericLessThanEquals", "NumericGreaterThanEquals"} {
		for _, v := range []string{"NaN", "nan", "-NaN"} {
			if condHolds(t, Version2012, `{"`+op+`":{"aws:RequestTag/n":"5"}}`, one("aws:RequestTag/n", v)) {
				t.Errorf("%s 5 held for request value %q", op, v)
			}
		}
	}
}

// Date operators take "ISO 8601 date formats or ... epoch (UNIX) time"
// (reference_policies_elements_condition_operators.html#Conditions_Date);
// nothing limits them to 1678-2262, the span of int64 nanoseconds, and a far
// future date is the usual "no expiry" value.
func TestDateOutsideNanosecondRange(t *testing.T) {
	now := one("aws:CurrentTime", "2024-06-01T00:00:00Z")
	tests := []struct {
		cond string
		want bool
	}{
		{`{"DateLessThan":{"aws:CurrentTime":"2999-12-31T23:59:59Z"}}`, true},
		{`{"DateGreaterThan":{"aws:CurrentTime":"2999-12-31T23:59:59Z"}}`, false},
		{`{"DateGreaterThan":{"aws:CurrentTime":"1600-01-01T00:00:00Z"}}`, true},
		{`{"DateLessThan":{"aws:CurrentTime":"1600-01-01T00:00:00Z"}}`, false},
		{`{"DateLessThan":{"aws:CurrentTime":"32503680000"}}`, true}, // epoch of 3000-01-01
		{`{"DateEquals":{"aws:CurrentTime":"2024-06-01T00:00:00.000Z"}}`, true},
	}
	for _, tc := range tests {
		if got := condHolds(t, Version2012, tc.cond, now); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.cond, got, tc.want)
		}
	}
	far := one("aws:CurrentTime", "3000-01-01T00:00:00Z")
	if !condHolds(t, Version2012, `{"DateEquals":{"aws:CurrentTime":"32503680000"}}`, far) {
		t.Error("epoch and ISO forms of 3000-01-01 differ")
	}
}

// "The NotPrincipal element with a Deny effect will always deny any IAM
// principal that has a permissions boundary policy attached, regardless of
// the values specified in the NotPrincipal element"
// (access_policies_boundaries.html; reference_policies_elements_
// notprincipal.html, "Key points").
func TestNotPrincipalDenyWithBoundary(t *testing.T) {
	bucket := rp(`[{"Effect":"Deny","NotPrincipal":{"AWS":["` + alice.ARN + `","` + acctA + `"]},"Action":"s3:*","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"` + alice.ARN + `"},"Action":"s3:GetObject","Resource":"*"}]`)
	id := idp(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)
	req := Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: acctA}
	if r := Evaluate(&PolicySet{Identity: []*Policy{id}, Resource: []*Policy{bucket}}, &req); r.Decision != DecisionAllow {
		t.Fatalf("without boundary: %v", r.Decision)
	}
	set := PolicySet{Identity: []*Policy{id}, Resource: []*Policy{bucket}, Boundary: idp(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}
	if r := Evaluate(&set, &req); r.Decision != DecisionExplicitDeny || r.Reason != SourceResource {
		t.Fatalf("with boundary: %v %v, want explicit deny in resource policy", r.Decision, r.Reason)
	}
}

// "If AWS cannot resolve a variable this might cause the entire statement
// to be invalid" (reference_policies_variables.html, Introduction). An
// unresolvable variable must not make a negative test (NotResource, a
// negated operator) succeed and so apply the statement to everything.
func TestUnresolvedVariableInNegativeTests(t *testing.T) {
	allowAll := `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`
	tests := []struct {
		name string
		stmt string
		want Decision
	}{
		{"Deny NotResource with unresolved variable does not apply",
			`[` + allowAll + `,{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"}]`, DecisionAllow},
		{"Deny NotResource with default still applies",
			`[` + allowAll + `,{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username, 'shared'}/*"}]`, DecisionExplicitDeny},
		{"Allow StringNotEquals with unresolved variable does not grant",
			`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"s3:prefix":"${aws:username}"}}}`, DecisionImplicitDeny},
		{"Allow ForAnyValue:StringNotLike with unresolved variable does not grant",
			`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"s3:prefix":"${aws:username}/*"}}}`, DecisionImplicitDeny},
		{"negated operator decided by a resolved value still applies",
			`[` + allowAll + `,{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"s3:prefix":["${aws:username}","x"]}}}]`, DecisionAllow},
		{"positive operator: unresolved value is a plain mismatch",
			`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":["${aws:username}","x"]}}}`, DecisionAllow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A role session has no aws:username.
			req := Request{Principal: session, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/other/k"}
			req.Context.Set("s3:prefix", "x")
			r := Evaluate(&PolicySet{Identity: []*Policy{idp(tc.stmt)}}, &req)
			if r.Decision != tc.want {
				t.Fatalf("got %v, want %v", r.Decision, tc.want)
			}
		})
	}
}

// A list-typed key (the simulator's stringList and the like) is compared
// only by the set operators; a plain operator does not match it, as AWS's
// simulator answers (politest 11-context-stringlist) and as "multivalued
// context keys require a condition set operator"
// (reference_policies_condition-single-vs-multi-valued-context-keys.html).
func TestListTypedKeysNeedSetOperators(t *testing.T) {
	cases := []struct {
		cond string
		want bool
	}{
		{`{"StringLike":{"ec2:InstanceType":"t2.*"}}`, false},
		{`{"StringEquals":{"ec2:InstanceType":"t2.micro"}}`, false},
		{`{"ForAnyValue:StringLike":{"ec2:InstanceType":"t2.*"}}`, true},
		{`{"ForAllValues:StringLike":{"ec2:InstanceType":["t2.*","m5.*"]}}`, true},
	}
	for _, c := range cases {
		p := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":`+c.cond+`}]}`, KindInlineUser)
		var ctx Context
		ctx.SetList("ec2:InstanceType", "t2.micro", "m5.large")
		r := Evaluate(&PolicySet{Identity: []*Policy{p}}, &Request{Action: "ec2:RunInstances", Resource: "*", Context: ctx})
		if r.Allowed() != c.want {
			t.Errorf("%s: allowed = %v, want %v", c.cond, r.Allowed(), c.want)
		}
		// Set (not SetList) keeps the engine's ORing of several values.
		var plain Context
		plain.Set("ec2:InstanceType", "t2.micro", "m5.large")
		if r := Evaluate(&PolicySet{Identity: []*Policy{p}}, &Request{Action: "ec2:RunInstances", Resource: "*", Context: plain}); !r.Allowed() {
			t.Errorf("%s with Set: denied", c.cond)
		}
	}
}
