package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// IAM names "are not distinguished by case" (IAM API reference,
// CreateGroup, GroupName), so every operation finds an entity whatever
// spelling of its name a request uses. Authorization must therefore name
// the entity by its stored ARN (stored path and stored spelling), or a
// Deny on that ARN is bypassed by spelling the name otherwise; and an ARN
// whose path is not the stored one names nothing ("The group with name X
// cannot be found.", see stored in internal/iam).

// caseAccount is the default account of start(t, nil).
const caseAccount = "000000000000"

// Stored ARNs of the fixture: mixed-case names under paths.
const (
	caseGroupARN  = "arn:aws:iam::" + caseAccount + ":group/ops/Admins"
	caseUserARN   = "arn:aws:iam::" + caseAccount + ":user/team/Target"
	caseRoleARN   = "arn:aws:iam::" + caseAccount + ":role/svc/Deployer"
	casePolicyARN = "arn:aws:iam::" + caseAccount + ":policy/pol/Admin"
	caseOtherARN  = "arn:aws:iam::" + caseAccount + ":policy/Other"
	caseDevARN    = "arn:aws:iam::" + caseAccount + ":user/dev"
	caseAllowAll  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	caseAllowList = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`
)

// caseFixture creates the group, user, role and policies of the tests
// with the root, and a user dev holding policy (an inline policy) and an
// access key; it returns the root's client and dev's.
func caseFixture(t *testing.T, h *harness, policy string) (root, dev *iam.Client) {
	t.Helper()
	ctx := context.Background()
	root = h.rootIAM()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Admins"), Path: aws.String("/ops/")}))
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("Target"), Path: aws.String("/team/")}))
	must(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Deployer"), Path: aws.String("/svc/"),
		AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::" + caseAccount + ":root"))}))
	must(root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Admin"), Path: aws.String("/pol/"), PolicyDocument: aws.String(caseAllowAll)}))
	must(root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Other"), PolicyDocument: aws.String(caseAllowList)}))
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev")}))
	must(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev"), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}))
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	return root, h.iamClient(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
}

// A Deny on the stored ARN holds for another spelling of the name; the
// refusal names the stored ARN. Over the wire this keeps every listed
// operation's AccessDenied tested through the SDK; the full matrix of
// spellings, and what the operations record and echo for any spelling,
// are pinned in internal/iam/case_test.go.
func TestIAMCaseDenyOnStoredARN(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	_, dev := caseFixture(t, h, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:*","Resource":"*"},
		{"Effect":"Deny","Action":"iam:*","Resource":["`+caseGroupARN+`","`+caseUserARN+`","`+caseRoleARN+`","`+casePolicyARN+`"]},
		{"Effect":"Deny","Action":["iam:AttachUserPolicy","iam:DetachUserPolicy"],"Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"`+casePolicyARN+`"}}},
		{"Effect":"Deny","Action":"iam:PutUserPermissionsBoundary","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+casePolicyARN+`"}}}]}`)

	for _, spell := range []struct{ group, user, role, policy string }{
		{"admins", "target", "deployer", "admin"},
	} {
		polARN := aws.String("arn:aws:iam::" + caseAccount + ":policy/pol/" + spell.policy)
		g, u, r := aws.String(spell.group), aws.String(spell.user), aws.String(spell.role)
		cases := []struct {
			action, resource string
			call             func() error
		}{
			{"iam:AddUserToGroup", caseGroupARN, func() error {
				_, err := dev.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: g, UserName: aws.String("dev")})
				return err
			}},
			{"iam:RemoveUserFromGroup", caseGroupARN, func() error {
				_, err := dev.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: g, UserName: aws.String("dev")})
				return err
			}},
			{"iam:PutGroupPolicy", caseGroupARN, func() error {
				_, err := dev.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: g, PolicyName: aws.String("x"), PolicyDocument: aws.String(caseAllowAll)})
				return err
			}},
			{"iam:ListGroupPolicies", caseGroupARN, func() error {
				_, err := dev.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g})
				return err
			}},
			{"iam:AttachGroupPolicy", caseGroupARN, func() error {
				_, err := dev.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: g, PolicyArn: aws.String(caseOtherARN)})
				return err
			}},
			{"iam:ListAttachedGroupPolicies", caseGroupARN, func() error {
				_, err := dev.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: g})
				return err
			}},
			{"iam:PutUserPolicy", caseUserARN, func() error {
				_, err := dev.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: u, PolicyName: aws.String("x"), PolicyDocument: aws.String(caseAllowAll)})
				return err
			}},
			{"iam:AttachUserPolicy", caseUserARN, func() error {
				_, err := dev.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: u, PolicyArn: aws.String(caseOtherARN)})
				return err
			}},
			{"iam:PutRolePolicy", caseRoleARN, func() error {
				_, err := dev.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: r, PolicyName: aws.String("x"), PolicyDocument: aws.String(caseAllowAll)})
				return err
			}},
			{"iam:AttachRolePolicy", caseRoleARN, func() error {
				_, err := dev.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: r, PolicyArn: aws.String(caseOtherARN)})
				return err
			}},
			{"iam:ListRolePolicies", caseRoleARN, func() error {
				_, err := dev.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r})
				return err
			}},
			{"iam:GetPolicy", casePolicyARN, func() error {
				_, err := dev.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: polARN})
				return err
			}},
			{"iam:DeletePolicy", casePolicyARN, func() error {
				_, err := dev.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: polARN})
				return err
			}},
			{"iam:CreatePolicyVersion", casePolicyARN, func() error {
				_, err := dev.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: polARN, PolicyDocument: aws.String(caseAllowList)})
				return err
			}},
			{"iam:GetPolicyVersion", casePolicyARN, func() error {
				_, err := dev.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: polARN, VersionId: aws.String("v1")})
				return err
			}},
			{"iam:ListPolicyVersions", casePolicyARN, func() error {
				_, err := dev.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: polARN})
				return err
			}},
			{"iam:ListEntitiesForPolicy", casePolicyARN, func() error {
				_, err := dev.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: polARN})
				return err
			}},
			{"iam:TagPolicy", casePolicyARN, func() error {
				_, err := dev.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: polARN, Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
				return err
			}},
			{"iam:UntagPolicy", casePolicyARN, func() error {
				_, err := dev.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: polARN, TagKeys: []string{"a"}})
				return err
			}},
			{"iam:ListPolicyTags", casePolicyARN, func() error {
				_, err := dev.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: polARN})
				return err
			}},
			// iam:PolicyARN is the policy's canonical ARN: dev's own user
			// is the resource, the condition names the stored policy ARN.
			{"iam:AttachUserPolicy", caseDevARN, func() error {
				_, err := dev.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("dev"), PolicyArn: polARN})
				return err
			}},
			{"iam:PutUserPermissionsBoundary", caseDevARN, func() error {
				_, err := dev.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("dev"), PermissionsBoundary: polARN})
				return err
			}},
			{"iam:SimulatePrincipalPolicy", caseGroupARN, func() error {
				_, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
					PolicySourceArn: aws.String("arn:aws:iam::" + caseAccount + ":group/ops/" + spell.group), ActionNames: []string{"iam:ListUsers"}})
				return err
			}},
			{"iam:SimulatePrincipalPolicy", caseRoleARN, func() error {
				_, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
					PolicySourceArn: aws.String("arn:aws:iam::" + caseAccount + ":role/svc/" + spell.role), ActionNames: []string{"iam:ListUsers"}})
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.action+"/"+spell.group, func(t *testing.T) {
				apiError(t, c.call(), "AccessDenied", "User: "+caseDevARN+" is not authorized to perform: "+c.action+" on resource: "+c.resource+" with an explicit deny", 403)
			})
		}
	}

	// An ARN whose path is not the stored one names nothing: it is
	// authorized as given (allowed here) and answered as missing.
	_, err := dev.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String("arn:aws:iam::" + caseAccount + ":group/Admins"), ActionNames: []string{"iam:ListUsers"}})
	apiError(t, err, "NoSuchEntity", "The group with name Admins cannot be found.", 404)
	_, err = dev.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + caseAccount + ":policy/Admin")})
	apiError(t, err, "NoSuchEntity", "Policy arn:aws:iam::"+caseAccount+":policy/Admin was not found.", 404)
	_, err = dev.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + caseAccount + ":policy/POL/Admin"),
		Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	apiError(t, err, "NoSuchEntity", "Policy arn:aws:iam::"+caseAccount+":policy/POL/Admin was not found.", 404)
}
