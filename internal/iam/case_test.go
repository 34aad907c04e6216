package iam

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/rpc"
)

// IAM names "are not distinguished by case" (IAM API reference,
// CreateGroup, GroupName), so every operation finds an entity whatever
// spelling of its name a request uses. Authorization must therefore name
// the entity by its stored ARN (stored path and stored spelling), or a
// Deny on that ARN is bypassed by spelling the name otherwise; and an ARN
// whose path is not the stored one names nothing ("The group with name X
// cannot be found.", see entityKind.stored).

// caseAccount is the account of the case tests.
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
	caseAllowIAM  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
	caseTrustRoot = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + caseAccount + `:root"},"Action":"sts:AssumeRole"}]}`
)

// caseFixture creates the group, user, role and policies of the tests
// with the root, and a user dev holding policy (an inline policy); it
// returns the harness and a call signed by dev.
func caseFixture(t *testing.T, policy string) (*harness, *rpc.Call) {
	t.Helper()
	h := newHarness(t, caseAccount)
	s, ctx, root := h.svc, h.ctx, h.root()
	h.ok(s.CreateGroup(ctx, root, &iamapi.CreateGroupRequest{GroupName: "Admins", Path: "/ops/"}))
	h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: "Target", Path: "/team/"}))
	h.ok(s.CreateRole(ctx, root, &iamapi.CreateRoleRequest{RoleName: "Deployer", Path: "/svc/", AssumeRolePolicyDocument: caseTrustRoot}))
	h.ok(s.CreatePolicy(ctx, root, &iamapi.CreatePolicyRequest{PolicyName: "Admin", Path: "/pol/", PolicyDocument: caseAllowAll}))
	h.ok(s.CreatePolicy(ctx, root, &iamapi.CreatePolicyRequest{PolicyName: "Other", PolicyDocument: caseAllowList}))
	h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: "dev"}))
	h.ok(s.PutUserPolicy(ctx, root, &iamapi.PutUserPolicyRequest{UserName: "dev", PolicyName: "p", PolicyDocument: policy}))
	return h, h.user("dev")
}

// A Deny on the stored ARN holds for every other spelling of the name;
// the refusal names the stored ARN.
func TestCaseDenyOnStoredARN(t *testing.T) {
	h, dev := caseFixture(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:*","Resource":"*"},
		{"Effect":"Deny","Action":"iam:*","Resource":["`+caseGroupARN+`","`+caseUserARN+`","`+caseRoleARN+`","`+casePolicyARN+`"]},
		{"Effect":"Deny","Action":["iam:AttachUserPolicy","iam:DetachUserPolicy"],"Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"`+casePolicyARN+`"}}},
		{"Effect":"Deny","Action":"iam:PutUserPermissionsBoundary","Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"`+casePolicyARN+`"}}}]}`)
	s, ctx := h.svc, h.ctx

	for _, spell := range []struct{ group, user, role, policy string }{
		{"Admins", "Target", "Deployer", "Admin"},
		{"admins", "target", "deployer", "admin"},
		{"ADMINS", "TARGET", "DEPLOYER", "ADMIN"},
	} {
		polARN := "arn:aws:iam::" + caseAccount + ":policy/pol/" + spell.policy
		g, u, r := spell.group, spell.user, spell.role
		cases := []struct {
			action, resource string
			call             func() error
		}{
			{"iam:AddUserToGroup", caseGroupARN, func() error {
				_, err := s.AddUserToGroup(ctx, dev, &iamapi.AddUserToGroupRequest{GroupName: g, UserName: "dev"})
				return err
			}},
			{"iam:RemoveUserFromGroup", caseGroupARN, func() error {
				_, err := s.RemoveUserFromGroup(ctx, dev, &iamapi.RemoveUserFromGroupRequest{GroupName: g, UserName: "dev"})
				return err
			}},
			{"iam:PutGroupPolicy", caseGroupARN, func() error {
				_, err := s.PutGroupPolicy(ctx, dev, &iamapi.PutGroupPolicyRequest{GroupName: g, PolicyName: "x", PolicyDocument: caseAllowAll})
				return err
			}},
			{"iam:ListGroupPolicies", caseGroupARN, func() error {
				_, err := s.ListGroupPolicies(ctx, dev, &iamapi.ListGroupPoliciesRequest{GroupName: g})
				return err
			}},
			{"iam:AttachGroupPolicy", caseGroupARN, func() error {
				_, err := s.AttachGroupPolicy(ctx, dev, &iamapi.AttachGroupPolicyRequest{GroupName: g, PolicyArn: caseOtherARN})
				return err
			}},
			{"iam:ListAttachedGroupPolicies", caseGroupARN, func() error {
				_, err := s.ListAttachedGroupPolicies(ctx, dev, &iamapi.ListAttachedGroupPoliciesRequest{GroupName: g})
				return err
			}},
			{"iam:PutUserPolicy", caseUserARN, func() error {
				_, err := s.PutUserPolicy(ctx, dev, &iamapi.PutUserPolicyRequest{UserName: u, PolicyName: "x", PolicyDocument: caseAllowAll})
				return err
			}},
			{"iam:AttachUserPolicy", caseUserARN, func() error {
				_, err := s.AttachUserPolicy(ctx, dev, &iamapi.AttachUserPolicyRequest{UserName: u, PolicyArn: caseOtherARN})
				return err
			}},
			{"iam:PutRolePolicy", caseRoleARN, func() error {
				_, err := s.PutRolePolicy(ctx, dev, &iamapi.PutRolePolicyRequest{RoleName: r, PolicyName: "x", PolicyDocument: caseAllowAll})
				return err
			}},
			{"iam:AttachRolePolicy", caseRoleARN, func() error {
				_, err := s.AttachRolePolicy(ctx, dev, &iamapi.AttachRolePolicyRequest{RoleName: r, PolicyArn: caseOtherARN})
				return err
			}},
			{"iam:ListRolePolicies", caseRoleARN, func() error {
				_, err := s.ListRolePolicies(ctx, dev, &iamapi.ListRolePoliciesRequest{RoleName: r})
				return err
			}},
			{"iam:GetPolicy", casePolicyARN, func() error {
				_, err := s.GetPolicy(ctx, dev, &iamapi.GetPolicyRequest{PolicyArn: polARN})
				return err
			}},
			{"iam:DeletePolicy", casePolicyARN, func() error {
				_, err := s.DeletePolicy(ctx, dev, &iamapi.DeletePolicyRequest{PolicyArn: polARN})
				return err
			}},
			{"iam:CreatePolicyVersion", casePolicyARN, func() error {
				_, err := s.CreatePolicyVersion(ctx, dev, &iamapi.CreatePolicyVersionRequest{PolicyArn: polARN, PolicyDocument: caseAllowList})
				return err
			}},
			{"iam:GetPolicyVersion", casePolicyARN, func() error {
				_, err := s.GetPolicyVersion(ctx, dev, &iamapi.GetPolicyVersionRequest{PolicyArn: polARN, VersionId: "v1"})
				return err
			}},
			{"iam:ListPolicyVersions", casePolicyARN, func() error {
				_, err := s.ListPolicyVersions(ctx, dev, &iamapi.ListPolicyVersionsRequest{PolicyArn: polARN})
				return err
			}},
			{"iam:ListEntitiesForPolicy", casePolicyARN, func() error {
				_, err := s.ListEntitiesForPolicy(ctx, dev, &iamapi.ListEntitiesForPolicyRequest{PolicyArn: polARN})
				return err
			}},
			{"iam:TagPolicy", casePolicyARN, func() error {
				_, err := s.TagPolicy(ctx, dev, &iamapi.TagPolicyRequest{PolicyArn: polARN, Tags: []iamapi.Tag{{Key: "a", Value: "b"}}})
				return err
			}},
			{"iam:UntagPolicy", casePolicyARN, func() error {
				_, err := s.UntagPolicy(ctx, dev, &iamapi.UntagPolicyRequest{PolicyArn: polARN, TagKeys: []string{"a"}})
				return err
			}},
			{"iam:ListPolicyTags", casePolicyARN, func() error {
				_, err := s.ListPolicyTags(ctx, dev, &iamapi.ListPolicyTagsRequest{PolicyArn: polARN})
				return err
			}},
			// iam:PolicyARN is the policy's canonical ARN: dev's own user
			// is the resource, the condition names the stored policy ARN.
			{"iam:AttachUserPolicy", caseDevARN, func() error {
				_, err := s.AttachUserPolicy(ctx, dev, &iamapi.AttachUserPolicyRequest{UserName: "dev", PolicyArn: polARN})
				return err
			}},
			{"iam:PutUserPermissionsBoundary", caseDevARN, func() error {
				_, err := s.PutUserPermissionsBoundary(ctx, dev, &iamapi.PutUserPermissionsBoundaryRequest{UserName: "dev", PermissionsBoundary: polARN})
				return err
			}},
			{"iam:SimulatePrincipalPolicy", caseGroupARN, func() error {
				_, err := s.SimulatePrincipalPolicy(ctx, dev, &iamapi.SimulatePrincipalPolicyRequest{
					PolicySourceArn: "arn:aws:iam::" + caseAccount + ":group/ops/" + spell.group, ActionNames: []string{"iam:ListUsers"}})
				return err
			}},
			{"iam:SimulatePrincipalPolicy", caseRoleARN, func() error {
				_, err := s.SimulatePrincipalPolicy(ctx, dev, &iamapi.SimulatePrincipalPolicyRequest{
					PolicySourceArn: "arn:aws:iam::" + caseAccount + ":role/svc/" + spell.role, ActionNames: []string{"iam:ListUsers"}})
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.action+"/"+spell.group, func(t *testing.T) {
				wantAPIError(t, c.call(), "AccessDenied", "User: "+caseDevARN+" is not authorized to perform: "+c.action+" on resource: "+c.resource+" with an explicit deny", 403)
			})
		}
	}

	// An ARN whose path is not the stored one names nothing: it is
	// authorized as given (allowed here) and answered as missing.
	_, err := s.SimulatePrincipalPolicy(ctx, dev, &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: "arn:aws:iam::" + caseAccount + ":group/Admins", ActionNames: []string{"iam:ListUsers"}})
	wantAPIError(t, err, "NoSuchEntity", "The group with name Admins cannot be found.", 404)
	_, err = s.GetPolicy(ctx, dev, &iamapi.GetPolicyRequest{PolicyArn: "arn:aws:iam::" + caseAccount + ":policy/Admin"})
	wantAPIError(t, err, "NoSuchEntity", "Policy arn:aws:iam::"+caseAccount+":policy/Admin was not found.", 404)
	_, err = s.TagPolicy(ctx, dev, &iamapi.TagPolicyRequest{PolicyArn: "arn:aws:iam::" + caseAccount + ":policy/POL/Admin",
		Tags: []iamapi.Tag{{Key: "a", Value: "b"}}})
	wantAPIError(t, err, "NoSuchEntity", "Policy arn:aws:iam::"+caseAccount+":policy/POL/Admin was not found.", 404)
}

// For a caller that is allowed, the operations take any spelling of a
// name and act on the stored entity; what they record and echo uses the
// stored spelling.
func TestCaseAnySpellingWorks(t *testing.T) {
	h, dev := caseFixture(t, caseAllowIAM)
	s, ctx, root := h.svc, h.ctx, h.root()

	h.ok(s.AddUserToGroup(ctx, dev, &iamapi.AddUserToGroupRequest{GroupName: "ADMINS", UserName: "TARGET"}))
	groups, err := s.ListGroupsForUser(ctx, root, &iamapi.ListGroupsForUserRequest{UserName: "Target"})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.Groups) != 1 || groups.Groups[0].Arn != caseGroupARN {
		t.Fatalf("groups of Target = %+v, want %s", groups.Groups, caseGroupARN)
	}
	h.ok(s.RemoveUserFromGroup(ctx, dev, &iamapi.RemoveUserFromGroupRequest{GroupName: "admins", UserName: "target"}))

	// Attaching by another spelling of the policy's ARN records the
	// canonical one.
	h.ok(s.AttachGroupPolicy(ctx, dev, &iamapi.AttachGroupPolicyRequest{GroupName: "aDMINS", PolicyArn: "arn:aws:iam::" + caseAccount + ":policy/pol/ADMIN"}))
	attached, err := s.ListAttachedGroupPolicies(ctx, root, &iamapi.ListAttachedGroupPoliciesRequest{GroupName: "Admins"})
	if err != nil {
		t.Fatal(err)
	}
	if len(attached.AttachedPolicies) != 1 || attached.AttachedPolicies[0].PolicyArn != casePolicyARN {
		t.Fatalf("attached = %+v, want %s", attached.AttachedPolicies, casePolicyARN)
	}
	h.ok(s.DetachGroupPolicy(ctx, dev, &iamapi.DetachGroupPolicyRequest{GroupName: "admins", PolicyArn: "arn:aws:iam::" + caseAccount + ":policy/pol/admin"}))

	// Policy tags by another spelling reach the policy.
	h.ok(s.TagPolicy(ctx, dev, &iamapi.TagPolicyRequest{PolicyArn: "arn:aws:iam::" + caseAccount + ":policy/pol/admin",
		Tags: []iamapi.Tag{{Key: "team", Value: "blue"}}}))
	tags, err := s.ListPolicyTags(ctx, root, &iamapi.ListPolicyTagsRequest{PolicyArn: casePolicyARN})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || tags.Tags[0].Key != "team" {
		t.Fatalf("policy tags = %+v", tags.Tags)
	}

	// A user's boundary set by another spelling is recorded as the
	// policy's canonical ARN, the value later requests see as
	// iam:PermissionsBoundary. (stsd's choice; what AWS echoes for another
	// spelling is not recorded.)
	h.ok(s.PutUserPermissionsBoundary(ctx, dev, &iamapi.PutUserPermissionsBoundaryRequest{UserName: "target",
		PermissionsBoundary: "arn:aws:iam::" + caseAccount + ":policy/pol/ADMIN"}))
	u, err := s.GetUser(ctx, root, &iamapi.GetUserRequest{UserName: "Target"})
	if err != nil {
		t.Fatal(err)
	}
	if u.User.PermissionsBoundary == nil || u.User.PermissionsBoundary.PermissionsBoundaryArn != casePolicyARN {
		t.Fatalf("boundary = %+v, want %s", u.User.PermissionsBoundary, casePolicyARN)
	}

	// Simulation by another spelling of the name evaluates the stored
	// entity's policies.
	h.ok(s.PutGroupPolicy(ctx, root, &iamapi.PutGroupPolicyRequest{GroupName: "Admins", PolicyName: "list", PolicyDocument: caseAllowList}))
	sim, err := s.SimulatePrincipalPolicy(ctx, dev, &iamapi.SimulatePrincipalPolicyRequest{
		PolicySourceArn: "arn:aws:iam::" + caseAccount + ":group/ops/admins", ActionNames: []string{"iam:ListUsers"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sim.EvaluationResults) != 1 || sim.EvaluationResults[0].EvalDecision != "allowed" {
		t.Fatalf("simulation = %+v, want allowed", sim.EvaluationResults)
	}
}

// Get*Policy echoes the entity's stored name, whatever spelling the
// inline policy was put and read with, as AWS answers with the entity's
// name.
func TestCaseInlinePolicyEchoesStoredName(t *testing.T) {
	h, dev := caseFixture(t, caseAllowIAM)
	s, ctx := h.svc, h.ctx
	put := []struct {
		kind string
		put  func(name string) error
		get  func(name string) (string, string, error)
		want string
	}{
		{"group", func(n string) error {
			_, err := s.PutGroupPolicy(ctx, dev, &iamapi.PutGroupPolicyRequest{GroupName: n, PolicyName: "x", PolicyDocument: caseAllowList})
			return err
		}, func(n string) (string, string, error) {
			out, err := s.GetGroupPolicy(ctx, dev, &iamapi.GetGroupPolicyRequest{GroupName: n, PolicyName: "X"})
			if err != nil {
				return "", "", err
			}
			return out.GroupName, out.PolicyDocument, nil
		}, "Admins"},
		{"user", func(n string) error {
			_, err := s.PutUserPolicy(ctx, dev, &iamapi.PutUserPolicyRequest{UserName: n, PolicyName: "x", PolicyDocument: caseAllowList})
			return err
		}, func(n string) (string, string, error) {
			out, err := s.GetUserPolicy(ctx, dev, &iamapi.GetUserPolicyRequest{UserName: n, PolicyName: "X"})
			if err != nil {
				return "", "", err
			}
			return out.UserName, out.PolicyDocument, nil
		}, "Target"},
		{"role", func(n string) error {
			_, err := s.PutRolePolicy(ctx, dev, &iamapi.PutRolePolicyRequest{RoleName: n, PolicyName: "x", PolicyDocument: caseAllowList})
			return err
		}, func(n string) (string, string, error) {
			out, err := s.GetRolePolicy(ctx, dev, &iamapi.GetRolePolicyRequest{RoleName: n, PolicyName: "X"})
			if err != nil {
				return "", "", err
			}
			return out.RoleName, out.PolicyDocument, nil
		}, "Deployer"},
	}
	for _, c := range put {
		t.Run(c.kind, func(t *testing.T) {
			// Put with an upper-case spelling, read with a lower-case one.
			if err := c.put(strings.ToUpper(c.want)); err != nil {
				t.Fatal(err)
			}
			name, doc, err := c.get(strings.ToLower(c.want))
			if err != nil {
				t.Fatal(err)
			}
			if name != c.want {
				t.Fatalf("%s name = %q, want the stored %q", c.kind, name, c.want)
			}
			if d, err := url.QueryUnescape(doc); err != nil || d != caseAllowList {
				t.Fatalf("document = %q (%v)", d, err)
			}
		})
	}
}
