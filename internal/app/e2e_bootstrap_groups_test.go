package app_test

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// bootGroupsFile declares a group with a member and an inline policy and an
// instance profile holding a role, as an operator writes them.
const bootGroupsFile = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIABGROOT0000000001, secret: "bgRootSecret0000000000000000000000000000"}
    users:
      - name: dana
        access_keys: [{id: AKIABGDANA0000000001, secret: "bgDanaSecret0000000000000000000000000000"}]
      - name: eric
        access_keys: [{id: AKIABGERIC0000000001, secret: "bgEricSecret0000000000000000000000000000"}]
    roles:
      - name: web-role
        path: /svc/
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
    groups:
      - name: readers
        path: /eng/
        members: [dana]
        inline_policies:
          list-users: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:ListUsers", Resource: "*"}]}
    instance_profiles:
      - name: web
        path: /svc/
        role: web-role
        tags: {team: blue}
`

func bootGroupsClient(h *harness, who string) *iam.Client {
	return h.keyIAM(map[string][2]string{
		"root": {"AKIABGROOT0000000001", "bgRootSecret0000000000000000000000000000"},
		"dana": {"AKIABGDANA0000000001", "bgDanaSecret0000000000000000000000000000"},
		"eric": {"AKIABGERIC0000000001", "bgEricSecret0000000000000000000000000000"},
	}, who)
}

func TestBootstrapGroupsAndInstanceProfiles(t *testing.T) {
	h := start(t, withBootstrap(t, bootGroupsFile))
	ctx := context.Background()
	// account, root key, 2 users, 2 keys, role, group, membership, group
	// inline policy, instance profile, role in profile.
	if b := h.app.Bootstrap; b == nil || b.Created != 12 || b.Updated != 0 {
		t.Fatalf("first start bootstrap = %+v", b)
	}

	check := func(t *testing.T) {
		t.Helper()
		root := bootGroupsClient(h, "root")
		g, err := root.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("readers")})
		if err != nil {
			t.Fatalf("GetGroup: %v", err)
		}
		if aws.ToString(g.Group.Path) != "/eng/" || aws.ToString(g.Group.Arn) != "arn:aws:iam::111111111111:group/eng/readers" ||
			!strings.HasPrefix(aws.ToString(g.Group.GroupId), "AGPA") {
			t.Errorf("group = %+v", g.Group)
		}
		if len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "dana" {
			t.Errorf("members = %+v", g.Users)
		}
		for user, want := range map[string][]string{"dana": {"readers"}, "eric": nil} {
			out, err := root.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
			if err != nil {
				t.Fatalf("ListGroupsForUser %s: %v", user, err)
			}
			var got []string
			for _, g := range out.Groups {
				got = append(got, aws.ToString(g.GroupName))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("groups of %s = %v, want %v", user, got, want)
			}
		}
		gp, err := root.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("list-users")})
		if err != nil {
			t.Fatalf("GetGroupPolicy: %v", err)
		}
		// IAM returns policy documents URL-encoded (RFC 3986).
		if doc, _ := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); !strings.Contains(doc, `"iam:ListUsers"`) {
			t.Errorf("group policy = %s", doc)
		}
		ip, err := root.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String("web")})
		if err != nil {
			t.Fatalf("GetInstanceProfile: %v", err)
		}
		p := ip.InstanceProfile
		if aws.ToString(p.Path) != "/svc/" || aws.ToString(p.Arn) != "arn:aws:iam::111111111111:instance-profile/svc/web" ||
			!strings.HasPrefix(aws.ToString(p.InstanceProfileId), "AIPA") {
			t.Errorf("instance profile = %+v", p)
		}
		if len(p.Roles) != 1 || aws.ToString(p.Roles[0].RoleName) != "web-role" || aws.ToString(p.Roles[0].Arn) != "arn:aws:iam::111111111111:role/svc/web-role" {
			t.Errorf("roles = %+v", p.Roles)
		}
		if len(p.Tags) != 1 || aws.ToString(p.Tags[0].Key) != "team" || aws.ToString(p.Tags[0].Value) != "blue" {
			t.Errorf("tags = %+v", p.Tags)
		}

		// The group's inline policy is what lets dana list users; eric,
		// in no group, is refused with IAM's implicit-deny text (AWS's
		// wording; sources in e2e_iam_users_test.go).
		if _, err := bootGroupsClient(h, "dana").ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
			t.Errorf("dana ListUsers: %v", err)
		}
		_, err = bootGroupsClient(h, "eric").ListUsers(ctx, &iam.ListUsersInput{})
		apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/eric is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::111111111111:user/ because no identity-based policy allows the iam:ListUsers action", 403)
	}
	check(t)

	// A restart applies the file again and finds nothing to change.
	h.restart()
	if b := h.app.Bootstrap; b == nil || b.Created != 0 || b.Updated != 0 {
		t.Fatalf("restart bootstrap = %+v", b)
	}
	check(t)
}
