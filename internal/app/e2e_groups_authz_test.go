package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Where the behaviour and texts asserted below come from:
//   - A user's identity-based policies "include user policies and policies
//     from groups to which the user belongs" (IAM User Guide, "Policy
//     evaluation logic"); an explicit Deny in any of them wins.
//   - AccessDenied "User: ARN is not authorized to perform: ACTION on
//     resource: ARN because no identity-based policy allows the ACTION
//     action", and "... with an explicit deny in an identity-based policy"
//     (IAM User Guide, "Troubleshoot access denied error messages"); for
//     ListUsers AWS names arn:aws:iam::ACCOUNT:user/ (see e2e_iam_users_test.go).
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
//   - A group's own simulation (SimulatePrincipalPolicy on a group ARN)
//     is pinned in internal/iam/groups_authz_test.go.

const (
	gaUserARN    = "arn:aws:iam::000000000000:user/dev"
	gaRoleARN    = "arn:aws:iam::000000000000:role/deploy"
	gaListUsers  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`
	gaDenyList   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}`
	gaAssume     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::000000000000:role/deploy"}]}`
	gaTrustRoot  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	gaNotAllowed = "User: " + gaUserARN + " is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::000000000000:user/ "
)

// gaStep returns a check for set-up calls whose answers are not what is
// being tested: it fails the test on an error.
func gaStep(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestGroupPoliciesAuthorize(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	root := h.rootIAM()
	ok := gaStep(t)

	ok(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}))
	keyOut, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	key := keyOut.AccessKey
	dev := h.iamClient(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), "")
	devSTS := h.stsClient(aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey), "")
	ok(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deploy"), AssumeRolePolicyDocument: aws.String(gaTrustRoot)}))
	assume := func() (*sts.AssumeRoleOutput, error) {
		return devSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(gaRoleARN), RoleSessionName: aws.String("s1")})
	}

	// No policy of dev's own: refused.
	_, err = dev.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied", gaNotAllowed+"because no identity-based policy allows the iam:ListUsers action", 403)
	_, err = assume()
	apiError(t, err, "AccessDenied", "User: "+gaUserARN+" is not authorized to perform: sts:AssumeRole on resource: "+gaRoleARN, 403)

	// A group's inline policy grants ListUsers to its members.
	ok(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("readers"), Path: aws.String("/teams/")}))
	ok(root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("list"), PolicyDocument: aws.String(gaListUsers)}))
	_, err = dev.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied", gaNotAllowed, 403)
	ok(root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("dev")}))
	ok(dev.ListUsers(ctx, &iam.ListUsersInput{}))

	// A managed policy attached to a group grants AssumeRole; the role's
	// session has the role's permissions, not the user's groups'.
	polOut, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("AssumeDeploy"), PolicyDocument: aws.String(gaAssume)})
	if err != nil {
		t.Fatal(err)
	}
	pol := polOut.Policy
	ok(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("deployers")}))
	ok(root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("deployers"), PolicyArn: pol.Arn}))
	ok(root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("deployers"), UserName: aws.String("dev")}))
	out, err := assume()
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	_, err = h.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::000000000000:assumed-role/deploy/s1 is not authorized to perform: iam:ListUsers", 403)

	// An explicit Deny in one group wins over the Allow of another.
	ok(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("frozen")}))
	ok(root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("frozen"), PolicyName: aws.String("no-list"), PolicyDocument: aws.String(gaDenyList)}))
	ok(root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("frozen"), UserName: aws.String("dev")}))
	_, err = dev.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied", gaNotAllowed+"with an explicit deny in an identity-based policy", 403)

	// The simulator sees the same policies, named as AWS names them.
	gaSimulateUser(t, h, []gaSimWant{
		{"iam:ListUsers", "*", "explicitDeny", "group_frozen_no-list"},
		{"sts:AssumeRole", gaRoleARN, "allowed", "AssumeDeploy"},
		{"iam:CreateUser", "*", "implicitDeny", ""},
	})
	ok(root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("frozen"), UserName: aws.String("dev")}))
	ok(dev.ListUsers(ctx, &iam.ListUsersInput{}))
	gaSimulateUser(t, h, []gaSimWant{
		{"iam:ListUsers", "*", "allowed", "group_readers_list"},
	})

	// Leaving a group takes its permissions away at once.
	ok(root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("dev")}))
	_, err = dev.ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied", gaNotAllowed+"because no identity-based policy allows the iam:ListUsers action", 403)
	ok(root.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("deployers"), UserName: aws.String("dev")}))
	_, err = assume()
	apiError(t, err, "AccessDenied", "User: "+gaUserARN+" is not authorized to perform: sts:AssumeRole on resource: "+gaRoleARN, 403)
	gaSimulateUser(t, h, []gaSimWant{
		{"iam:ListUsers", "*", "implicitDeny", ""},
		{"sts:AssumeRole", gaRoleARN, "implicitDeny", ""},
	})
}

// gaSimWant is one expected simulation result: the decision for an action on
// a resource and the SourcePolicyId of its first matched statement.
type gaSimWant struct{ action, resource, decision, source string }

// gaSimulateUser simulates dev's policies one action at a time and checks
// each decision and its source policy.
func gaSimulateUser(t *testing.T, h *harness, want []gaSimWant) {
	t.Helper()
	for _, w := range want {
		gaCheckSimulation(t, h, gaUserARN, w)
	}
}

// gaCheckSimulation runs SimulatePrincipalPolicy for source and one action.
func gaCheckSimulation(t *testing.T, h *harness, source string, w gaSimWant) {
	t.Helper()
	out, err := h.rootIAM().SimulatePrincipalPolicy(context.Background(), &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(source), ActionNames: []string{w.action}, ResourceArns: []string{w.resource},
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
		src = aws.ToString(m.SourcePolicyId)
		if string(m.SourcePolicyType) != "IAM Policy" || m.StartPosition == nil {
			t.Errorf("%s %s: SourcePolicyType %q, StartPosition %v", source, w.action, m.SourcePolicyType, m.StartPosition)
		}
	}
	if string(r.EvalDecision) != w.decision || src != w.source {
		t.Errorf("%s %s on %s: %s from %q, want %s from %q", source, w.action, w.resource, r.EvalDecision, src, w.decision, w.source)
	}
}
