package iam

import (
	"testing"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
)

// SimulatePrincipalPolicy evaluates a user's inline and attached
// policies together with the request's PolicyInputList, and names each
// matched statement's source as AWS does.
func TestSimulationPrincipalPolicy(t *testing.T) {
	const acct = "111111111111"
	h := newHarness(t, acct)
	s, ctx, root := h.svc, h.ctx, h.root()
	logs, err := s.CreatePolicy(ctx, root, &iamapi.CreatePolicyRequest{PolicyName: "ReadLogs",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","Action":"logs:Get*","Resource":"*"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: "alice"}))
	h.ok(s.PutUserPolicy(ctx, root, &iamapi.PutUserPolicyRequest{UserName: "alice", PolicyName: "s3-read",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`}))
	h.ok(s.AttachUserPolicy(ctx, root, &iamapi.AttachUserPolicyRequest{UserName: "alice", PolicyArn: logs.Policy.Arn}))

	out, err := s.SimulatePrincipalPolicy(ctx, root, &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: "arn:aws:iam::111111111111:user/alice",
		ActionNames:     []string{"s3:GetObject", "s3:DeleteObject", "logs:GetLogEvents", "sqs:SendMessage", "sqs:ReceiveMessage"},
		PolicyInputList: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}`},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ decision, source string }{
		// AWS names a user's inline policy user_<user>_<policy>
		// (terraform-provider-aws's acceptance test against AWS,
		// principal_policy_simulation_data_source_test.go).
		{"allowed", "user_alice_s3-read"},
		{"explicitDeny", "user_alice_s3-read"},
		{"allowed", "ReadLogs"},
		{"allowed", "PolicyInputList.1"},
		{"implicitDeny", ""},
	}
	if len(out.EvaluationResults) != len(want) {
		t.Fatalf("results = %d", len(out.EvaluationResults))
	}
	for i, r := range out.EvaluationResults {
		src := ""
		if len(r.MatchedStatements) > 0 {
			src = r.MatchedStatements[0].SourcePolicyId
			if r.MatchedStatements[0].SourcePolicyType != "IAM Policy" {
				t.Errorf("%d: SourcePolicyType = %q", i, r.MatchedStatements[0].SourcePolicyType)
			}
		}
		if r.EvalDecision != want[i].decision || src != want[i].source {
			t.Errorf("%s: %s from %q, want %s from %q", r.EvalActionName, r.EvalDecision, src, want[i].decision, want[i].source)
		}
	}
}
