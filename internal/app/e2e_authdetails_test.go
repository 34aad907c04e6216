package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// GetAccountAuthorizationDetails, end to end. Where the expectations come
// from:
//   - IAM API reference, GetAccountAuthorizationDetails: Filter selects the
//     entity types ("Use the value LocalManagedPolicy to include customer
//     managed policies"), MaxItems/Marker/IsTruncated page the answer,
//     policies are "URL-encoded compliant with RFC 3986".
//   - Which members AWS fills and which lists it always sends: real
//     downloads in aws/aws-cli awscli/examples/iam/
//     get-account-authorization-details.rst and salesforce/cloudsplaining
//     examples/files/example.json (GroupList, AttachedManagedPolicies,
//     InstanceProfileList, RolePolicyList, Tags present when empty;
//     RoleLastUsed {} for an unused role; no Description on policies;
//     roles inside instance profiles without MaxSessionDuration), and
//     nccgroup/PMapper principalmapper/graphing/gathering.py, which reads
//     those lists without a check but checks for UserPolicyList and
//     GroupPolicyList ("have to key-check these").
//   - Cloudsplaining's documented minimum permission:
//     iam:GetAccountAuthorizationDetails on Resource "*"
//     (docs/user-guide/download.md); the AccessDenied wording is IAM's
//     (IAM User Guide, "Troubleshoot access denied error messages").
//
// Not confirmed by a recording (stsd's reading, asserted so a change is
// deliberate): the order of the lists' entries (by lower-cased name, as
// the List operations order them), of a policy's versions (oldest first),
// and how MaxItems counts (entities of all four lists together, every page
// but the last full).

const gaadBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIAGAADROOT00000001, secret: "gaadRootSecret00000000000000000000000000"}
    users:
      - name: auditor
        access_keys: [{id: AKIAGAADAUDITOR00001, secret: "gaadAuditorSecret00000000000000000000000"}]
        inline_policies:
          audit: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:GetAccountAuthorizationDetails", Resource: "*"}]}
      - name: nobody
        access_keys: [{id: AKIAGAADNOBODY000001, secret: "gaadNobodySecret000000000000000000000000"}]
        inline_policies:
          everything-else: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:List*", Resource: "*"}]}
      - name: alice
        path: /staff/
        tags: {team: blue}
      - name: bob
    roles:
      - name: app
        tags: {tier: web}
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
      - name: worker
        path: /svc/
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "sts:AssumeRole"}]}
    policies:
      - name: Shared
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
`

const (
	gaadAcct        = "111111111111"
	gaadSharedARN   = "arn:aws:iam::111111111111:policy/Shared"
	gaadBoundaryARN = "arn:aws:iam::111111111111:policy/limits/Boundary"
	// Documents written through the API, with characters RFC 3986
	// encoding must escape (space, +, &, =, ?, %, non-ASCII).
	gaadSharedV2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::reports/a b+c&d=e?f%g/é*"}]}`
	gaadBoundary = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	gaadDevDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`
	gaadBobDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"AIDA*:x y"}}}]}`
	gaadAppDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:jobs"}]}`
)

func gaadClient(h *harness, who string) *iam.Client {
	keys := map[string][2]string{
		"root":    {"AKIAGAADROOT00000001", "gaadRootSecret00000000000000000000000000"},
		"auditor": {"AKIAGAADAUDITOR00001", "gaadAuditorSecret00000000000000000000000"},
		"nobody":  {"AKIAGAADNOBODY000001", "gaadNobodySecret000000000000000000000000"},
	}
	return h.keyIAM(keys, who)
}

// gaadSetup gives the bootstrap's account groups with members and
// policies, an instance profile holding a role, a second version of the
// managed policy Shared (attached to a user, a group and a role) and a
// policy used as two permissions boundaries.
func gaadSetup(t *testing.T, c *iam.Client) {
	t.Helper()
	ctx := context.Background()
	// The SDK's errors name the operation.
	check := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := aws.String
	check(c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: s(gaadSharedARN), PolicyDocument: s(gaadSharedV2), SetAsDefault: true}))
	// A description, which the answer leaves out.
	check(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: s("Boundary"), Path: s("/limits/"), PolicyDocument: s(gaadBoundary), Description: s("caps")}))
	check(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: s("dev"), Path: s("/eng/")}))
	check(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: s("ops")}))
	for _, m := range [][2]string{{"dev", "alice"}, {"dev", "bob"}, {"ops", "bob"}} {
		check(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: s(m[0]), UserName: s(m[1])}))
	}
	check(c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: s("dev"), PolicyName: s("dev-inline"), PolicyDocument: s(gaadDevDoc)}))
	check(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: s("bob"), PolicyName: s("bob-inline"), PolicyDocument: s(gaadBobDoc)}))
	check(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: s("app"), PolicyName: s("app-inline"), PolicyDocument: s(gaadAppDoc)}))
	check(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: s("alice"), PolicyArn: s(gaadSharedARN)}))
	check(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: s("dev"), PolicyArn: s(gaadSharedARN)}))
	check(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: s("app"), PolicyArn: s(gaadSharedARN)}))
	check(c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: s("alice"), PermissionsBoundary: s(gaadBoundaryARN)}))
	check(c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: s("worker"), PermissionsBoundary: s(gaadBoundaryARN)}))
	check(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: s("web"), Path: s("/ec2/")}))
	check(c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("app")}))
	// A profile without a role is in no role's InstanceProfileList.
	check(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: s("spare")}))
}

// gaadDecode URL-decodes a policy document of the answer after checking
// it is RFC 3986 encoded: nothing but unreserved characters and
// percent-escapes.
func gaadDecode(t *testing.T, what string, doc *string) {
	t.Helper()
	raw := aws.ToString(doc)
	for _, r := range raw {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~%", r)) {
			t.Fatalf("%s: %q is not RFC 3986 encoded (%q)", what, raw, r)
		}
	}
	plain, err := url.QueryUnescape(raw)
	if err != nil {
		t.Fatalf("%s: %q: %v", what, raw, err)
	}
	*doc = plain
}

// gaadDecodeAll decodes every document of an answer in place.
func gaadDecodeAll(t *testing.T, out *iam.GetAccountAuthorizationDetailsOutput) {
	t.Helper()
	for i := range out.UserDetailList {
		u := &out.UserDetailList[i]
		for j := range u.UserPolicyList {
			gaadDecode(t, "user "+aws.ToString(u.UserName), u.UserPolicyList[j].PolicyDocument)
		}
	}
	for i := range out.GroupDetailList {
		g := &out.GroupDetailList[i]
		for j := range g.GroupPolicyList {
			gaadDecode(t, "group "+aws.ToString(g.GroupName), g.GroupPolicyList[j].PolicyDocument)
		}
	}
	for i := range out.RoleDetailList {
		r := &out.RoleDetailList[i]
		gaadDecode(t, "trust of "+aws.ToString(r.RoleName), r.AssumeRolePolicyDocument)
		for j := range r.RolePolicyList {
			gaadDecode(t, "role "+aws.ToString(r.RoleName), r.RolePolicyList[j].PolicyDocument)
		}
		for _, p := range r.InstanceProfileList {
			for k := range p.Roles {
				gaadDecode(t, "profile role", p.Roles[k].AssumeRolePolicyDocument)
			}
		}
	}
	for i := range out.Policies {
		p := &out.Policies[i]
		for j := range p.PolicyVersionList {
			gaadDecode(t, "policy "+aws.ToString(p.PolicyName), p.PolicyVersionList[j].Document)
		}
	}
}

// gaadJSON renders a value for comparison; nil and empty lists differ, as
// they do on the wire for boto3 (a missing key against []).
func gaadJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func gaadSame(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := gaadJSON(t, got), gaadJSON(t, want); g != w {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// gaadWant builds the expected unpaged answer from the entities' own Get
// operations (ids, dates, the bootstrap's documents as stored) and the
// setup's literal names, paths, ARNs, memberships and documents.
func gaadWant(t *testing.T, c *iam.Client) *iam.GetAccountAuthorizationDetailsOutput {
	t.Helper()
	ctx := context.Background()
	s := aws.String
	user := func(name string) *iamtypes.User {
		out, err := c.GetUser(ctx, &iam.GetUserInput{UserName: s(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.User
	}
	group := func(name string) *iamtypes.Group {
		out, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: s(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Group
	}
	role := func(name string) *iamtypes.Role {
		out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: s(name)})
		if err != nil {
			t.Fatal(err)
		}
		gaadDecode(t, "GetRole", out.Role.AssumeRolePolicyDocument)
		return out.Role
	}
	policy := func(arn string) *iamtypes.Policy {
		out, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: s(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Policy
	}
	version := func(arn, id string) *iamtypes.PolicyVersion {
		out, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: s(arn), VersionId: s(id)})
		if err != nil {
			t.Fatal(err)
		}
		gaadDecode(t, "GetPolicyVersion", out.PolicyVersion.Document)
		return out.PolicyVersion
	}
	audit, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: s("auditor"), PolicyName: s("audit")})
	if err != nil {
		t.Fatal(err)
	}
	gaadDecode(t, "GetUserPolicy", audit.PolicyDocument)
	web, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("web")})
	if err != nil {
		t.Fatal(err)
	}

	shared := []iamtypes.AttachedPolicy{{PolicyName: s("Shared"), PolicyArn: s(gaadSharedARN)}}
	boundary := &iamtypes.AttachedPermissionsBoundary{PermissionsBoundaryType: iamtypes.PermissionsBoundaryAttachmentTypePolicy, PermissionsBoundaryArn: s(gaadBoundaryARN)}
	none := []iamtypes.AttachedPolicy{}
	noTags := []iamtypes.Tag{}
	userDetail := func(u *iamtypes.User, inline []iamtypes.PolicyDetail, groups []string, attached []iamtypes.AttachedPolicy, pb *iamtypes.AttachedPermissionsBoundary, tags []iamtypes.Tag) iamtypes.UserDetail {
		return iamtypes.UserDetail{Path: u.Path, UserName: u.UserName, UserId: u.UserId, Arn: u.Arn, CreateDate: u.CreateDate,
			UserPolicyList: inline, GroupList: groups, AttachedManagedPolicies: attached, PermissionsBoundary: pb, Tags: tags}
	}
	alice, auditor, bob, nobody := user("alice"), user("auditor"), user("bob"), user("nobody")
	if aws.ToString(alice.Arn) != "arn:aws:iam::111111111111:user/staff/alice" || aws.ToString(alice.Path) != "/staff/" {
		t.Fatalf("alice = %s %s", aws.ToString(alice.Arn), aws.ToString(alice.Path))
	}
	dev, ops := group("dev"), group("ops")
	if aws.ToString(dev.Arn) != "arn:aws:iam::111111111111:group/eng/dev" {
		t.Fatalf("dev = %s", aws.ToString(dev.Arn))
	}
	app, worker := role("app"), role("worker")
	if aws.ToString(worker.Arn) != "arn:aws:iam::111111111111:role/svc/worker" {
		t.Fatalf("worker = %s", aws.ToString(worker.Arn))
	}
	bp, sp := policy(gaadBoundaryARN), policy(gaadSharedARN)
	bv1, sv1, sv2 := version(gaadBoundaryARN, "v1"), version(gaadSharedARN, "v1"), version(gaadSharedARN, "v2")
	if aws.ToString(bv1.Document) != gaadBoundary || aws.ToString(sv2.Document) != gaadSharedV2 {
		t.Fatalf("versions hold %q and %q", aws.ToString(bv1.Document), aws.ToString(sv2.Document))
	}
	// The profile's role as profiles list it: no MaxSessionDuration,
	// description, boundary, tags or last use.
	profileRole := iamtypes.Role{Path: app.Path, RoleName: app.RoleName, RoleId: app.RoleId, Arn: app.Arn, CreateDate: app.CreateDate,
		AssumeRolePolicyDocument: app.AssumeRolePolicyDocument}
	roleDetail := func(r *iamtypes.Role, profiles []iamtypes.InstanceProfile, inline []iamtypes.PolicyDetail, attached []iamtypes.AttachedPolicy, pb *iamtypes.AttachedPermissionsBoundary, tags []iamtypes.Tag) iamtypes.RoleDetail {
		return iamtypes.RoleDetail{Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleId, Arn: r.Arn, CreateDate: r.CreateDate,
			AssumeRolePolicyDocument: r.AssumeRolePolicyDocument, InstanceProfileList: profiles, RolePolicyList: inline,
			AttachedManagedPolicies: attached, PermissionsBoundary: pb, Tags: tags, RoleLastUsed: &iamtypes.RoleLastUsed{}}
	}
	policyDetail := func(p *iamtypes.Policy, attached, boundaries int32, versions ...iamtypes.PolicyVersion) iamtypes.ManagedPolicyDetail {
		return iamtypes.ManagedPolicyDetail{PolicyName: p.PolicyName, PolicyId: p.PolicyId, Arn: p.Arn, Path: p.Path,
			DefaultVersionId: p.DefaultVersionId, AttachmentCount: aws.Int32(attached), PermissionsBoundaryUsageCount: aws.Int32(boundaries),
			IsAttachable: true, CreateDate: p.CreateDate, UpdateDate: p.UpdateDate, PolicyVersionList: versions}
	}
	v := func(pv *iamtypes.PolicyVersion, isDefault bool) iamtypes.PolicyVersion {
		return iamtypes.PolicyVersion{Document: pv.Document, VersionId: pv.VersionId, IsDefaultVersion: isDefault, CreateDate: pv.CreateDate}
	}
	return &iam.GetAccountAuthorizationDetailsOutput{
		UserDetailList: []iamtypes.UserDetail{
			userDetail(alice, nil, []string{"dev"}, shared, boundary, []iamtypes.Tag{{Key: s("team"), Value: s("blue")}}),
			userDetail(auditor, []iamtypes.PolicyDetail{{PolicyName: s("audit"), PolicyDocument: audit.PolicyDocument}}, []string{}, none, nil, noTags),
			userDetail(bob, []iamtypes.PolicyDetail{{PolicyName: s("bob-inline"), PolicyDocument: s(gaadBobDoc)}}, []string{"dev", "ops"}, none, nil, noTags),
			userDetail(nobody, []iamtypes.PolicyDetail{{PolicyName: s("everything-else"), PolicyDocument: gaadUserPolicy(t, c, "nobody", "everything-else")}}, []string{}, none, nil, noTags),
		},
		GroupDetailList: []iamtypes.GroupDetail{
			{Path: dev.Path, GroupName: dev.GroupName, GroupId: dev.GroupId, Arn: dev.Arn, CreateDate: dev.CreateDate,
				GroupPolicyList: []iamtypes.PolicyDetail{{PolicyName: s("dev-inline"), PolicyDocument: s(gaadDevDoc)}}, AttachedManagedPolicies: shared},
			{Path: ops.Path, GroupName: ops.GroupName, GroupId: ops.GroupId, Arn: ops.Arn, CreateDate: ops.CreateDate, AttachedManagedPolicies: none},
		},
		RoleDetailList: []iamtypes.RoleDetail{
			roleDetail(app, []iamtypes.InstanceProfile{{Path: s("/ec2/"), InstanceProfileName: s("web"), InstanceProfileId: web.InstanceProfile.InstanceProfileId,
				Arn: s("arn:aws:iam::111111111111:instance-profile/ec2/web"), CreateDate: web.InstanceProfile.CreateDate, Roles: []iamtypes.Role{profileRole}}},
				[]iamtypes.PolicyDetail{{PolicyName: s("app-inline"), PolicyDocument: s(gaadAppDoc)}}, shared, nil, []iamtypes.Tag{{Key: s("tier"), Value: s("web")}}),
			roleDetail(worker, []iamtypes.InstanceProfile{}, []iamtypes.PolicyDetail{}, none, boundary, noTags),
		},
		// Boundary: attached to nothing, the boundary of alice and worker;
		// Shared: attached to alice, dev and app, two versions.
		Policies: []iamtypes.ManagedPolicyDetail{
			policyDetail(bp, 0, 2, v(bv1, true)),
			policyDetail(sp, 3, 0, v(sv1, false), v(sv2, true)),
		},
		IsTruncated: false,
	}
}

// gaadUserPolicy returns a user's inline policy document, decoded.
func gaadUserPolicy(t *testing.T, c *iam.Client, user, name string) *string {
	t.Helper()
	out, err := c.GetUserPolicy(context.Background(), &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	gaadDecode(t, "GetUserPolicy", out.PolicyDocument)
	return out.PolicyDocument
}

// gaadGet calls the operation and decodes the answer's documents.
func gaadGet(t *testing.T, c *iam.Client, in *iam.GetAccountAuthorizationDetailsInput) *iam.GetAccountAuthorizationDetailsOutput {
	t.Helper()
	out, err := c.GetAccountAuthorizationDetails(context.Background(), in)
	if err != nil {
		t.Fatalf("GetAccountAuthorizationDetails %+v: %v", in, err)
	}
	gaadDecodeAll(t, out)
	return out
}

// gaadLists are the four lists of an answer, for comparing them one by one.
func gaadLists(out *iam.GetAccountAuthorizationDetailsOutput) map[string]any {
	return map[string]any{"User": out.UserDetailList, "Group": out.GroupDetailList, "Role": out.RoleDetailList, "LocalManagedPolicy": out.Policies}
}

func TestGetAccountAuthorizationDetails(t *testing.T) {
	h := start(t, withBootstrap(t, gaadBootstrap))
	root := gaadClient(h, "root")
	gaadSetup(t, root)
	want := gaadWant(t, root)
	full := gaadGet(t, root, &iam.GetAccountAuthorizationDetailsInput{})
	if full.IsTruncated || full.Marker != nil {
		t.Fatalf("unpaged answer truncated=%v marker=%v", full.IsTruncated, aws.ToString(full.Marker))
	}
	for name, list := range gaadLists(want) {
		gaadSame(t, name, gaadLists(full)[name], list)
	}

	t.Run("auditor", func(t *testing.T) {
		// iam:GetAccountAuthorizationDetails on "*" is all it takes.
		got := gaadGet(t, gaadClient(h, "auditor"), &iam.GetAccountAuthorizationDetailsInput{})
		gaadSame(t, "auditor's answer", got, full)
	})

	t.Run("AccessDenied", func(t *testing.T) {
		_, err := gaadClient(h, "nobody").GetAccountAuthorizationDetails(context.Background(), &iam.GetAccountAuthorizationDetailsInput{})
		apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: * because no identity-based policy allows the iam:GetAccountAuthorizationDetails action", 403)
	})

	t.Run("Filter", func(t *testing.T) {
		all := []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup, iamtypes.EntityTypeLocalManagedPolicy, iamtypes.EntityTypeAWSManagedPolicy}
		for _, filter := range [][]iamtypes.EntityType{
			{iamtypes.EntityTypeUser},
			{iamtypes.EntityTypeGroup},
			{iamtypes.EntityTypeRole},
			{iamtypes.EntityTypeLocalManagedPolicy},
			// stsd holds no AWS managed policies.
			{iamtypes.EntityTypeAWSManagedPolicy},
			{iamtypes.EntityTypeLocalManagedPolicy, iamtypes.EntityTypeUser},
			{iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup, iamtypes.EntityTypeRole},
			all,
		} {
			got := gaadGet(t, root, &iam.GetAccountAuthorizationDetailsInput{Filter: filter})
			if got.IsTruncated || got.Marker != nil {
				t.Fatalf("filter %v: truncated", filter)
			}
			for name, list := range gaadLists(got) {
				selected := false
				for _, f := range filter {
					selected = selected || string(f) == name
				}
				if selected {
					gaadSame(t, name+" with filter", list, gaadLists(full)[name])
				} else if g := gaadJSON(t, list); g != "[]" {
					// Present and empty, as PMapper reads every list.
					t.Fatalf("filter %v: %s = %s, want []", filter, name, g)
				}
			}
		}
		_, err := root.GetAccountAuthorizationDetails(context.Background(), &iam.GetAccountAuthorizationDetailsInput{Filter: []iamtypes.EntityType{"Bogus"}})
		apiError(t, err, "ValidationError", "1 validation error detected: Value at 'filter", 400)
	})

	t.Run("Paging", func(t *testing.T) {
		total := len(full.UserDetailList) + len(full.GroupDetailList) + len(full.RoleDetailList) + len(full.Policies)
		for size := int32(1); size <= int32(total)+1; size++ {
			union := &iam.GetAccountAuthorizationDetailsOutput{
				UserDetailList: []iamtypes.UserDetail{}, GroupDetailList: []iamtypes.GroupDetail{},
				RoleDetailList: []iamtypes.RoleDetail{}, Policies: []iamtypes.ManagedPolicyDetail{},
			}
			in := &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(size)}
			for pages := 1; ; pages++ {
				page := gaadGet(t, root, in)
				n := len(page.UserDetailList) + len(page.GroupDetailList) + len(page.RoleDetailList) + len(page.Policies)
				union.UserDetailList = append(union.UserDetailList, page.UserDetailList...)
				union.GroupDetailList = append(union.GroupDetailList, page.GroupDetailList...)
				union.RoleDetailList = append(union.RoleDetailList, page.RoleDetailList...)
				union.Policies = append(union.Policies, page.Policies...)
				if !page.IsTruncated {
					if n > int(size) || page.Marker != nil || pages != (total+int(size)-1)/int(size) {
						t.Fatalf("size %d: last page %d holds %d, marker %v", size, pages, n, page.Marker)
					}
					break
				}
				if n != int(size) || aws.ToString(page.Marker) == "" {
					t.Fatalf("size %d: truncated page %d holds %d, marker %q", size, pages, n, aws.ToString(page.Marker))
				}
				in.Marker = page.Marker
			}
			for name, list := range gaadLists(union) {
				gaadSame(t, name+" through pages", list, gaadLists(full)[name])
			}
		}
		// The SDK's paginator drives the same markers, with a filter.
		p := iam.NewGetAccountAuthorizationDetailsPaginator(root, &iam.GetAccountAuthorizationDetailsInput{
			Filter: []iamtypes.EntityType{iamtypes.EntityTypeRole, iamtypes.EntityTypeUser}, MaxItems: aws.Int32(2)})
		var users []iamtypes.UserDetail
		var roles []iamtypes.RoleDetail
		for pages := 0; p.HasMorePages(); pages++ {
			out, err := p.NextPage(context.Background())
			if err != nil || pages > 10 {
				t.Fatalf("paginator page %d: %v", pages, err)
			}
			gaadDecodeAll(t, out)
			users, roles = append(users, out.UserDetailList...), append(roles, out.RoleDetailList...)
		}
		gaadSame(t, "paginated users", users, full.UserDetailList)
		gaadSame(t, "paginated roles", roles, full.RoleDetailList)
		_, err := root.GetAccountAuthorizationDetails(context.Background(), &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1001)})
		apiError(t, err, "ValidationError", "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", 400)
	})
}
