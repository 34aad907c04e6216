package iam

import (
	"testing"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
)

// Where the behaviour and texts asserted below come from:
//   - SimulatePrincipalPolicy takes "a user, group, or role" and "If you
//     specify a user, the simulation also includes all policies that are
//     attached to any groups the user belongs to" (IAM API reference,
//     PolicySourceArn). SourcePolicyType is "IAM Policy" for a group's
//     policies too (recorded from AWS: aws-parity-snapshots/localstack/
//     test_iam.snapshot.json, test_simulate_principle_policy[group]); an
//     attached policy is named by its name, a group's inline policy
//     "group_<group>_<policy>" (the pattern of AWS's "user_<user>_<policy>"
//     in hashicorp/terraform-provider-aws's acceptance test; the group form
//     itself is not recorded).
//   - "The group with name X cannot be found." (NoSuchEntity, 404; recorded
//     in localstack's test_iam_groups.snapshot.json).

const (
	gaAcct       = "000000000000"
	gaUserARN    = "arn:aws:iam::000000000000:user/dev"
	gaRoleARN    = "arn:aws:iam::000000000000:role/deploy"
	gaReadersARN = "arn:aws:iam::000000000000:group/teams/readers"
	gaListUsers  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`
	gaAssume     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::000000000000:role/deploy"}]}`
)

// gaSimWant is one expected simulation result: the decision for an action on
// a resource and the SourcePolicyId of its first matched statement.
type gaSimWant struct{ action, resource, decision, source string }

// gaCheckSimulation runs SimulatePrincipalPolicy as the root for source
// and one action and checks the decision and its source policy.
func gaCheckSimulation(t *testing.T, h *harness, source string, w gaSimWant) {
	t.Helper()
	out, err := h.svc.SimulatePrincipalPolicy(h.ctx, h.root(), &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: source, ActionNames: []string{w.action}, ResourceArns: []string{w.resource},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != 1 {
		t.Fatalf("%s %s: %d results", source, w.action, len(out.EvaluationResults))
	}
	r := out.EvaluationResults[0]
	src := ""
	if len(r.MatchedStatements) > 0 {
		m := r.MatchedStatements[0]
		src = m.SourcePolicyId
		if m.SourcePolicyType != "IAM Policy" || m.StartPosition == nil {
			t.Errorf("%s %s: SourcePolicyType %q, StartPosition %v", source, w.action, m.SourcePolicyType, m.StartPosition)
		}
	}
	if r.EvalDecision != w.decision || src != w.source {
		t.Errorf("%s %s on %s: %s from %q, want %s from %q", source, w.action, w.resource, r.EvalDecision, src, w.decision, w.source)
	}
}

// A group's simulation holds its inline and attached policies and not
// its members'; a member's holds both its own and the group's.
func TestGroupPoliciesSimulateGroup(t *testing.T) {
	h := newHarness(t, gaAcct)
	s, ctx, root := h.svc, h.ctx, h.root()
	h.ok(s.CreateGroup(ctx, root, &iamapi.CreateGroupRequest{GroupName: "readers", Path: "/teams/"}))
	h.ok(s.PutGroupPolicy(ctx, root, &iamapi.PutGroupPolicyRequest{GroupName: "readers", PolicyName: "list", PolicyDocument: gaListUsers}))
	polOut, err := s.CreatePolicy(ctx, root, &iamapi.CreatePolicyRequest{PolicyName: "AssumeDeploy", PolicyDocument: gaAssume})
	if err != nil {
		t.Fatal(err)
	}
	h.ok(s.AttachGroupPolicy(ctx, root, &iamapi.AttachGroupPolicyRequest{GroupName: "readers", PolicyArn: polOut.Policy.Arn}))
	// A member's own policy is not the group's.
	h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: "dev"}))
	h.ok(s.PutUserPolicy(ctx, root, &iamapi.PutUserPolicyRequest{UserName: "dev", PolicyName: "create",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`}))
	h.ok(s.AddUserToGroup(ctx, root, &iamapi.AddUserToGroupRequest{GroupName: "readers", UserName: "dev"}))

	for _, w := range []gaSimWant{
		{"iam:ListUsers", "*", "allowed", "group_readers_list"},
		{"sts:AssumeRole", gaRoleARN, "allowed", "AssumeDeploy"},
		{"iam:CreateUser", "*", "implicitDeny", ""},
	} {
		gaCheckSimulation(t, h, gaReadersARN, w)
	}
	// The user sees both its own policy and the group's.
	for _, w := range []gaSimWant{
		{"iam:CreateUser", "*", "allowed", "user_dev_create"},
		{"iam:ListUsers", "*", "allowed", "group_readers_list"},
	} {
		gaCheckSimulation(t, h, gaUserARN, w)
	}

	_, err = s.SimulatePrincipalPolicy(ctx, root, &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: "arn:aws:iam::000000000000:group/ghost", ActionNames: []string{"iam:ListUsers"}})
	wantAPIError(t, err, "NoSuchEntity", "The group with name ghost cannot be found.", 404)
	_, err = s.SimulatePrincipalPolicy(ctx, root, &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: "arn:aws:iam::111111111111:group/teams/readers", ActionNames: []string{"iam:ListUsers"}})
	wantAPIError(t, err, "NoSuchEntity", "The group with name readers cannot be found.", 404)
	// "include one resource-based policy ... for IAM users only" (IAM API
	// reference, SimulatePrincipalPolicy); no AWS message is recorded for
	// a group, so only the code is asserted.
	_, err = s.SimulatePrincipalPolicy(ctx, root, &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: gaReadersARN, ActionNames: []string{"iam:ListUsers"}, CallerArn: gaUserARN,
		ResourcePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + gaAcct + `"},"Action":"iam:ListUsers","Resource":"*"}]}`})
	wantAPIError(t, err, "InvalidInput", "", 400)
}
