package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/store"
)

// Where the messages asserted below come from:
//   - Recorded from AWS in localstack/localstack
//     tests/aws/services/iam/test_iam_instance_profiles.snapshot.json:
//     "Instance Profile X cannot be found." (NoSuchEntity, 404: Get, Delete,
//     Add/RemoveRole of a missing profile, Tag/Untag/ListTags), "Instance
//     Profile X already exists." (EntityAlreadyExists, 409), "The role with
//     name X cannot be found." (Add/RemoveRole of a missing role), "Role X
//     in Instance Profile Y cannot be found." (RemoveRole of a role the
//     profile does not hold), DeleteConflict "Cannot delete entity, must
//     remove roles from instance profile first." (409), LimitExceeded
//     "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1" (409)
//     for a second role. The shapes: Roles always present (empty for none),
//     Tags in Create only when given, roles in a profile without
//     MaxSessionDuration.
//   - The same LimitExceeded for adding the role a profile already holds
//     (coreos/mantle#1058, tested against AWS: "not returning an
//     EntityAlreadyExists but rather a LimitExceeded").
//   - DeleteRole's DeleteConflict "Cannot delete entity, must remove roles
//     from instance profile first." (AWS answers quoted in 99designs/iamy#68
//     and cloud-custodian/cloud-custodian#6340).
//   - "Cannot exceed quota for InstanceProfilesPerAccount: 1000" (LimitExceeded,
//     409; quoted from AWS in ansible/workshops#1801).
//   - "The caller of this operation must be granted the PassRole permission
//     on the IAM role" (IAM API reference, AddRoleToInstanceProfile).
//   - Terraform's role delete: ListInstanceProfilesForRole, then
//     RemoveRoleFromInstanceProfile for each, then DeleteRole
//     (terraform-provider-aws internal/service/iam/role.go,
//     deleteRoleInstanceProfiles).
//
// Not confirmed by a recording (stsd's reading, asserted so a change is
// deliberate): "Cannot exceed quota for TagsPerInstanceProfile: 50" (the
// TagsPerUser/TagsPerRole pattern), "Tag keys cannot start with aws:"
// (the shared tag refusal of internal/iam/tags.go), which entity
// AddRoleToInstanceProfile names when neither exists, and tags left out of
// ListInstanceProfilesForRole as ListInstanceProfiles leaves them out.

const ipBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIAIPROOT0000000001, secret: "ipRootSecret0000000000000000000000000000"}
    users:
      - name: nobody
        access_keys: [{id: AKIAIPNOBODY00000001, secret: "ipNobodySecret00000000000000000000000000"}]
      - name: ec2admin
        access_keys: [{id: AKIAIPEC2ADMIN000001, secret: "ipEc2AdminSecret000000000000000000000000"}]
        inline_policies:
          profiles:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"], Resource: "arn:aws:iam::111111111111:instance-profile/ec2/*"}
              - {Effect: Allow, Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/app"}
      - name: blue
        access_keys: [{id: AKIAIPBLUE0000000001, secret: "ipBlueSecret0000000000000000000000000000"}]
        inline_policies:
          tagged:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "iam:GetInstanceProfile", Resource: "*", Condition: {StringEquals: {"aws:ResourceTag/team": blue}}}
    roles:
      - name: app
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
      - name: other
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
`

// ipClient returns an IAM client of a user of ipBootstrap.
func ipClient(h *harness, who string) *iam.Client {
	keys := map[string][2]string{
		"root":     {"AKIAIPROOT0000000001", "ipRootSecret0000000000000000000000000000"},
		"nobody":   {"AKIAIPNOBODY00000001", "ipNobodySecret00000000000000000000000000"},
		"ec2admin": {"AKIAIPEC2ADMIN000001", "ipEc2AdminSecret000000000000000000000000"},
		"blue":     {"AKIAIPBLUE0000000001", "ipBlueSecret0000000000000000000000000000"},
	}
	return h.keyIAM(keys, who)
}

// ipCreate creates a profile (path "" for the default) and fails the test
// on error.
func ipCreate(t *testing.T, c *iam.Client, name, path string, tags ...iamtypes.Tag) *iamtypes.InstanceProfile {
	t.Helper()
	in := &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name), Tags: tags}
	if path != "" {
		in.Path = aws.String(path)
	}
	out, err := c.CreateInstanceProfile(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateInstanceProfile %s: %v", name, err)
	}
	return out.InstanceProfile
}

func ipAddRole(t *testing.T, c *iam.Client, profile, role string) {
	t.Helper()
	if _, err := c.AddRoleToInstanceProfile(context.Background(), &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profile), RoleName: aws.String(role)}); err != nil {
		t.Fatalf("AddRoleToInstanceProfile %s %s: %v", profile, role, err)
	}
}

// ipGet returns a profile and fails the test on error.
func ipGet(t *testing.T, c *iam.Client, name string) *iamtypes.InstanceProfile {
	t.Helper()
	out, err := c.GetInstanceProfile(context.Background(), &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
	if err != nil {
		t.Fatalf("GetInstanceProfile %s: %v", name, err)
	}
	return out.InstanceProfile
}

// ipRoleNames names the roles of a profile.
func ipRoleNames(p *iamtypes.InstanceProfile) string {
	var names []string
	for _, r := range p.Roles {
		names = append(names, aws.ToString(r.RoleName))
	}
	return strings.Join(names, ",")
}

// ipProfilesFor lists, through every page, the names of the profiles that
// hold a role.
func ipProfilesFor(t *testing.T, c *iam.Client, role string, pageSize int32) []string {
	t.Helper()
	var names []string
	p := iam.NewListInstanceProfilesForRolePaginator(c, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(role), MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListInstanceProfilesForRole %s: %v", role, err)
		}
		if len(out.InstanceProfiles) > int(pageSize) {
			t.Fatalf("page of %d", len(out.InstanceProfiles))
		}
		for _, ip := range out.InstanceProfiles {
			names = append(names, aws.ToString(ip.InstanceProfileName))
		}
	}
	return names
}

func TestIAMInstanceProfilesLifecycle(t *testing.T) {
	h := start(t, withBootstrap(t, ipBootstrap))
	ctx := context.Background()
	c := ipClient(h, "root")
	s := aws.String

	p := ipCreate(t, c, "web", "")
	if aws.ToString(p.Path) != "/" || aws.ToString(p.Arn) != "arn:aws:iam::111111111111:instance-profile/web" || aws.ToString(p.InstanceProfileName) != "web" ||
		!strings.HasPrefix(aws.ToString(p.InstanceProfileId), "AIPA") || len(aws.ToString(p.InstanceProfileId)) != 21 ||
		p.Roles == nil || len(p.Roles) != 0 || len(p.Tags) != 0 {
		t.Fatalf("created = %+v", p)
	}
	if p.CreateDate == nil || !p.CreateDate.Equal(h.clock.Now().Truncate(time.Second)) {
		t.Fatalf("CreateDate = %v, want %v", p.CreateDate, h.clock.Now())
	}
	pp := ipCreate(t, c, "batch", "/ec2/jobs/", iamtypes.Tag{Key: s("team"), Value: s("blue")})
	if aws.ToString(pp.Arn) != "arn:aws:iam::111111111111:instance-profile/ec2/jobs/batch" || aws.ToString(pp.Path) != "/ec2/jobs/" ||
		len(pp.Tags) != 1 || aws.ToString(pp.Tags[0].Key) != "team" {
		t.Fatalf("created with path and tags = %+v", pp)
	}

	// Names are unique case-insensitively; the model's constraints hold.
	for _, name := range []string{"web", "WEB"} {
		_, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: s(name)})
		apiError(t, err, "EntityAlreadyExists", "Instance Profile "+name+" already exists.", 409)
	}
	for _, in := range []*iam.CreateInstanceProfileInput{
		{InstanceProfileName: s("bad name")},
		{InstanceProfileName: s(strings.Repeat("p", 129))},
		{InstanceProfileName: s("x"), Path: s("no-slashes")},
	} {
		_, err := c.CreateInstanceProfile(ctx, in)
		apiError(t, err, "ValidationError", "1 validation error detected: ", 400)
	}
	_, err := c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: s("dup-tags"),
		Tags: []iamtypes.Tag{{Key: s("a"), Value: s("1")}, {Key: s("A"), Value: s("2")}}})
	apiError(t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)

	got := ipGet(t, c, "WEB")
	if aws.ToString(got.InstanceProfileName) != "web" || aws.ToString(got.InstanceProfileId) != aws.ToString(p.InstanceProfileId) || got.Roles == nil || len(got.Roles) != 0 {
		t.Fatalf("GetInstanceProfile = %+v", got)
	}
	if got := ipGet(t, c, "batch"); len(got.Tags) != 1 || aws.ToString(got.Tags[0].Value) != "blue" {
		t.Fatalf("tags of batch = %+v", got.Tags)
	}
	_, err = c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("nonexistent-profile")})
	apiError(t, err, "NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)

	// The profile holds the role, shown as AWS shows roles in profiles.
	ipAddRole(t, c, "web", "APP")
	got = ipGet(t, c, "web")
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: s("app")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Roles) != 1 {
		t.Fatalf("roles = %+v", got.Roles)
	}
	r := got.Roles[0]
	if aws.ToString(r.RoleName) != "app" || aws.ToString(r.Arn) != "arn:aws:iam::111111111111:role/app" || aws.ToString(r.RoleId) != aws.ToString(role.Role.RoleId) ||
		aws.ToString(r.Path) != "/" || r.CreateDate == nil || decodeDoc(t, r.AssumeRolePolicyDocument) != decodeDoc(t, role.Role.AssumeRolePolicyDocument) ||
		r.MaxSessionDuration != nil || r.RoleLastUsed != nil || len(r.Tags) != 0 {
		t.Fatalf("role in profile = %+v", r)
	}

	// One role at most: a second one, or the same one again, is refused.
	for _, name := range []string{"other", "app", "App"} {
		_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s(name)})
		apiError(t, err, "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)
	}
	if names := ipRoleNames(ipGet(t, c, "web")); names != "app" {
		t.Fatalf("roles after refused adds = %s", names)
	}
	for _, tc := range []struct{ profile, role, msg string }{
		{"nonexistent-profile", "other", "Instance Profile nonexistent-profile cannot be found."},
		{"batch", "nonexistent-role", "The role with name nonexistent-role cannot be found."},
	} {
		_, err = c.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: s(tc.profile), RoleName: s(tc.role)})
		apiError(t, err, "NoSuchEntity", tc.msg, 404)
		_, err = c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s(tc.profile), RoleName: s(tc.role)})
		apiError(t, err, "NoSuchEntity", tc.msg, 404)
	}
	_, err = c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("other")})
	apiError(t, err, "NoSuchEntity", "Role other in Instance Profile web cannot be found.", 404)

	// Neither the profile nor its role can be deleted while it holds it.
	_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: s("web")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: s("app")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)

	// A profile and its role survive a restart.
	h.restart()
	c = ipClient(h, "root")
	if names := ipRoleNames(ipGet(t, c, "web")); names != "app" {
		t.Fatalf("roles after restart = %s", names)
	}

	if _, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("Web"), RoleName: s("APP")}); err != nil {
		t.Fatal(err)
	}
	if got := ipGet(t, c, "web"); got.Roles == nil || len(got.Roles) != 0 {
		t.Fatalf("roles after removal = %+v", got.Roles)
	}
	_, err = c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("app")})
	apiError(t, err, "NoSuchEntity", "Role app in Instance Profile web cannot be found.", 404)
	// Emptied, the profile takes another role.
	ipAddRole(t, c, "web", "other")
	if names := ipRoleNames(ipGet(t, c, "web")); names != "other" {
		t.Fatalf("roles after re-add = %s", names)
	}
	if _, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("other")}); err != nil {
		t.Fatal(err)
	}

	if _, err := c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: s("web")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("web")})
	apiError(t, err, "NoSuchEntity", "Instance Profile web cannot be found.", 404)
	_, err = c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: s("web")})
	apiError(t, err, "NoSuchEntity", "Instance Profile web cannot be found.", 404)
	// A profile created again under the name is new and empty.
	again := ipCreate(t, c, "web", "")
	if aws.ToString(again.InstanceProfileId) == aws.ToString(p.InstanceProfileId) || len(ipGet(t, c, "web").Roles) != 0 {
		t.Fatalf("recreated = %+v", again)
	}
}

// TestIAMInstanceProfilesTerraformRoleDelete replays how Terraform's AWS
// provider deletes a role: it lists the role's instance profiles, takes the
// role out of each, then deletes the role. Before that, DeleteRole is
// refused; afterwards the profiles are left, empty, and a role created
// again under the name is in none of them.
func TestIAMInstanceProfilesTerraformRoleDelete(t *testing.T) {
	h := start(t, withBootstrap(t, ipBootstrap))
	ctx := context.Background()
	c := ipClient(h, "root")
	s := aws.String
	ipCreate(t, c, "p1", "")
	ipCreate(t, c, "p2", "/ec2/")
	ipAddRole(t, c, "p1", "app")
	ipAddRole(t, c, "p2", "app")

	_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: s("app")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)

	// The provider's sequence: every page of ListInstanceProfilesForRole,
	// RemoveRoleFromInstanceProfile for each, DeleteRole.
	pages := iam.NewListInstanceProfilesForRolePaginator(c, &iam.ListInstanceProfilesForRoleInput{RoleName: s("app")})
	var removed []string
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ip := range out.InstanceProfiles {
			if _, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: ip.InstanceProfileName, RoleName: s("app")}); err != nil {
				t.Fatal(err)
			}
			removed = append(removed, aws.ToString(ip.InstanceProfileName))
		}
	}
	if strings.Join(removed, ",") != "p1,p2" {
		t.Fatalf("removed from %v", removed)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: s("app")}); err != nil {
		t.Fatalf("DeleteRole after removal: %v", err)
	}
	_, err = c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: s("app")})
	apiError(t, err, "NoSuchEntity", "The role with name app cannot be found.", 404)
	for _, name := range []string{"p1", "p2"} {
		if got := ipGet(t, c, name); len(got.Roles) != 0 {
			t.Fatalf("%s after the role's delete holds %s", name, ipRoleNames(got))
		}
	}
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: s("app"), AssumeRolePolicyDocument: s(serviceTrust)}); err != nil {
		t.Fatal(err)
	}
	if names := ipProfilesFor(t, c, "app", 10); len(names) != 0 {
		t.Fatalf("new role is in %v", names)
	}

	// A role with policies too: the instance profile conflict comes first,
	// then the policy ones.
	ipAddRole(t, c, "p1", "other")
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: s("other"), PolicyName: s("p"), PolicyDocument: s(grpDoc)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: s("other")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)
	if _, err := c.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("p1"), RoleName: s("other")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: s("other")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
}

func TestIAMInstanceProfilesListPaging(t *testing.T) {
	h := start(t, withBootstrap(t, ipBootstrap))
	ctx := context.Background()
	c := ipClient(h, "root")
	names := []string{"a1", "A2", "a3", "a4", "a5"}
	for i, n := range names {
		path := "/x/"
		if i%2 == 1 {
			path = "/y/"
		}
		ipCreate(t, c, n, path, iamtypes.Tag{Key: aws.String("k"), Value: aws.String("v")})
	}
	ipAddRole(t, c, "a3", "app")

	var seen []string
	var marker *string
	pages := 0
	for {
		out, err := c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.InstanceProfiles) > 2 {
			t.Fatalf("page of %d", len(out.InstanceProfiles))
		}
		for _, ip := range out.InstanceProfiles {
			seen = append(seen, aws.ToString(ip.InstanceProfileName))
			// Listed with roles, without tags.
			if len(ip.Tags) != 0 || ip.Roles == nil {
				t.Fatalf("listed %+v", ip)
			}
			if aws.ToString(ip.InstanceProfileName) == "a3" && ipRoleNames(&ip) != "app" {
				t.Fatalf("a3 listed with roles %s", ipRoleNames(&ip))
			}
		}
		if !out.IsTruncated {
			if out.Marker != nil {
				t.Fatalf("last page has marker %q", aws.ToString(out.Marker))
			}
			break
		}
		if out.Marker == nil {
			t.Fatal("truncated page without marker")
		}
		marker = out.Marker
	}
	if pages != 3 || strings.Join(seen, ",") != strings.Join(names, ",") {
		t.Fatalf("pages = %d, profiles = %v", pages, seen)
	}
	var y []string
	p := iam.NewListInstanceProfilesPaginator(c, &iam.ListInstanceProfilesInput{PathPrefix: aws.String("/y/"), MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ip := range out.InstanceProfiles {
			y = append(y, aws.ToString(ip.InstanceProfileName))
		}
	}
	if strings.Join(y, ",") != "A2,a4" {
		t.Fatalf("PathPrefix /y/ = %v", y)
	}
	empty, err := c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{PathPrefix: aws.String("/nonexistent-path/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.InstanceProfiles) != 0 || empty.IsTruncated {
		t.Fatalf("empty listing = %+v", empty)
	}
	_, err = c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{Marker: aws.String("!!not a marker!!")})
	apiError(t, err, "InvalidInput", "Invalid Marker.", 400)

	// ListInstanceProfilesForRole pages through the role's profiles, by
	// name; a role in none lists nothing; a missing role is NoSuchEntity.
	for _, n := range []string{"a1", "A2", "a5"} {
		ipAddRole(t, c, n, "app")
	}
	for _, size := range []int32{1, 2, 10} {
		if got := ipProfilesFor(t, c, "APP", size); strings.Join(got, ",") != "a1,A2,a3,a5" {
			t.Fatalf("profiles for app in pages of %d = %v", size, got)
		}
	}
	first, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("app"), MaxItems: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if !first.IsTruncated || first.Marker == nil || len(first.InstanceProfiles) != 3 || ipRoleNames(&first.InstanceProfiles[0]) != "app" || len(first.InstanceProfiles[0].Tags) != 0 {
		t.Fatalf("first page = %+v", first)
	}
	none, err := c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	if len(none.InstanceProfiles) != 0 || none.IsTruncated {
		t.Fatalf("profiles for other = %+v", none)
	}
	_, err = c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("nonexistent-role")})
	apiError(t, err, "NoSuchEntity", "The role with name nonexistent-role cannot be found.", 404)
	_, err = c.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String("app"), Marker: aws.String("!!not a marker!!")})
	apiError(t, err, "InvalidInput", "Invalid Marker.", 400)
}

func TestIAMInstanceProfilesTags(t *testing.T) {
	h := start(t, withBootstrap(t, ipBootstrap))
	ctx := context.Background()
	c := ipClient(h, "root")
	s := aws.String
	ipCreate(t, c, "web", "")
	listTags := func(name string) string {
		t.Helper()
		var out []string
		p := iam.NewListInstanceProfileTagsPaginator(c, &iam.ListInstanceProfileTagsInput{InstanceProfileName: s(name), MaxItems: aws.Int32(2)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListInstanceProfileTags: %v", err)
			}
			for _, tg := range page.Tags {
				out = append(out, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
			}
		}
		return strings.Join(out, ",")
	}
	tag := func(tags ...string) error {
		in := &iam.TagInstanceProfileInput{InstanceProfileName: s("web")}
		for _, kv := range tags {
			k, v, _ := strings.Cut(kv, "=")
			in.Tags = append(in.Tags, iamtypes.Tag{Key: s(k), Value: s(v)})
		}
		_, err := c.TagInstanceProfile(ctx, in)
		return err
	}

	empty, err := c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: s("web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.Tags) != 0 || empty.IsTruncated {
		t.Fatalf("empty tags = %+v", empty)
	}
	if err := tag("MyKey=myValue"); err != nil {
		t.Fatal(err)
	}
	if got := ipGet(t, c, "web"); len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "MyKey" {
		t.Fatalf("GetInstanceProfile tags = %+v", got.Tags)
	}
	// A key differing only in case replaces the old one; listing is by key.
	if err := tag("mykey=new", "c=3", "B=2", "a=1"); err != nil {
		t.Fatal(err)
	}
	if got := listTags("web"); got != "a=1,B=2,c=3,mykey=new" {
		t.Fatalf("tags = %s", got)
	}
	if _, err := c.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: s("web"), TagKeys: []string{"MYKEY", "absent", "c"}}); err != nil {
		t.Fatal(err)
	}
	if got := listTags("web"); got != "a=1,B=2" {
		t.Fatalf("tags after untag = %s", got)
	}

	apiError(t, tag("d=1", "D=2"), "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)
	apiError(t, tag("AWS:x=1"), "InvalidInput", "Tag keys cannot start with aws:", 400)
	var many []string
	for i := range 49 {
		many = append(many, fmt.Sprintf("k%02d=v", i))
	}
	apiError(t, tag(many...), "LimitExceeded", "Cannot exceed quota for TagsPerInstanceProfile: 50", 409)
	if got := listTags("web"); got != "a=1,B=2" {
		t.Fatalf("tags after refused tag = %s", got)
	}
	if err := tag(many[:48]...); err != nil {
		t.Fatalf("50 tags: %v", err)
	}

	_, err = c.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: s("nonexistent-profile"), Tags: []iamtypes.Tag{{Key: s("k"), Value: s("v")}}})
	apiError(t, err, "NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)
	_, err = c.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: s("nonexistent-profile"), TagKeys: []string{"k"}})
	apiError(t, err, "NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)
	_, err = c.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: s("nonexistent-profile")})
	apiError(t, err, "NoSuchEntity", "Instance Profile nonexistent-profile cannot be found.", 404)
}

// An account holds at most 1,000 instance profiles. The first 999 are made
// through the store to keep the test quick.
func TestIAMInstanceProfilesAccountQuota(t *testing.T) {
	h := start(t, withBootstrap(t, ipBootstrap))
	ctx := context.Background()
	err := h.app.Store.Update(ctx, func(tx store.Tx) error {
		for i := range 999 {
			p := store.InstanceProfile{AccountID: "111111111111", Name: fmt.Sprintf("q%03d", i), ID: fmt.Sprintf("AIPAQUOTA%012d", i), Path: "/", CreatedAt: h.clock.Now()}
			if err := tx.CreateInstanceProfile(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := ipClient(h, "root")
	ipCreate(t, c, "last", "/elsewhere/")
	_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("one-too-many")})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for InstanceProfilesPerAccount: 1000", 409)
	// A taken name is still answered as such.
	_, err = c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("last")})
	apiError(t, err, "EntityAlreadyExists", "Instance Profile last already exists.", 409)
	if _, err := c.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("q000")}); err != nil {
		t.Fatal(err)
	}
	ipCreate(t, c, "one-too-many", "")
}

// A user without permissions is refused every instance profile operation
// with AWS's AccessDenied wording, on the resource the Service
// Authorization Reference names: the profile (the listed path for
// ListInstanceProfiles), the role for ListInstanceProfilesForRole. A
// missing profile is authorized on its default-path ARN, so the refusal
// tells nothing about what exists. AddRoleToInstanceProfile also needs
// iam:PassRole on the role.
func TestIAMInstanceProfilesAccessDenied(t *testing.T) {
	h := start(t, withBootstrap(t, ipBootstrap))
	ctx := context.Background()
	root := ipClient(h, "root")
	ipCreate(t, root, "web", "/ec2/")
	ipCreate(t, root, "tagged", "", iamtypes.Tag{Key: aws.String("team"), Value: aws.String("blue")})
	n := ipClient(h, "nobody")
	s := aws.String
	deny := func(who, action, resource string) string {
		return "User: arn:aws:iam::111111111111:user/" + who + " is not authorized to perform: " + action + " on resource: " + resource +
			" because no identity-based policy allows the " + action + " action"
	}
	web := "arn:aws:iam::111111111111:instance-profile/ec2/web"
	ghost := "arn:aws:iam::111111111111:instance-profile/ghost"
	for _, tc := range []struct {
		action, resource string
		call             func() error
	}{
		{"iam:CreateInstanceProfile", "arn:aws:iam::111111111111:instance-profile/x/new", func() error {
			_, err := n.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: s("new"), Path: s("/x/")})
			return err
		}},
		{"iam:GetInstanceProfile", web, func() error {
			_, err := n.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("web")})
			return err
		}},
		{"iam:GetInstanceProfile", ghost, func() error {
			_, err := n.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("ghost")})
			return err
		}},
		{"iam:ListInstanceProfiles", "arn:aws:iam::111111111111:instance-profile/", func() error {
			_, err := n.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
			return err
		}},
		{"iam:DeleteInstanceProfile", web, func() error {
			_, err := n.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: s("web")})
			return err
		}},
		{"iam:DeleteInstanceProfile", ghost, func() error {
			_, err := n.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: s("ghost")})
			return err
		}},
		{"iam:AddRoleToInstanceProfile", web, func() error {
			_, err := n.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("app")})
			return err
		}},
		{"iam:RemoveRoleFromInstanceProfile", ghost, func() error {
			_, err := n.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("ghost"), RoleName: s("app")})
			return err
		}},
		{"iam:ListInstanceProfilesForRole", "arn:aws:iam::111111111111:role/app", func() error {
			_, err := n.ListInstanceProfilesForRole(ctx, &iam.ListInstanceProfilesForRoleInput{RoleName: s("app")})
			return err
		}},
		{"iam:TagInstanceProfile", web, func() error {
			_, err := n.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: s("web"), Tags: []iamtypes.Tag{{Key: s("k"), Value: s("v")}}})
			return err
		}},
		{"iam:UntagInstanceProfile", web, func() error {
			_, err := n.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: s("web"), TagKeys: []string{"k"}})
			return err
		}},
		{"iam:ListInstanceProfileTags", ghost, func() error {
			_, err := n.ListInstanceProfileTags(ctx, &iam.ListInstanceProfileTagsInput{InstanceProfileName: s("ghost")})
			return err
		}},
	} {
		apiError(t, tc.call(), "AccessDenied", deny("nobody", tc.action, tc.resource), 403)
	}

	// ec2admin may manage profiles under /ec2/ and pass the role app only.
	a := ipClient(h, "ec2admin")
	_, err := a.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("other")})
	apiError(t, err, "AccessDenied", deny("ec2admin", "iam:PassRole", "arn:aws:iam::111111111111:role/other"), 403)
	if got := ipGet(t, root, "web"); len(got.Roles) != 0 {
		t.Fatalf("refused add stored %s", ipRoleNames(got))
	}
	ipAddRole(t, a, "web", "app")
	if names := ipRoleNames(ipGet(t, a, "web")); names != "app" {
		t.Fatalf("web roles = %s", names)
	}
	_, err = a.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: s("tagged"), RoleName: s("app")})
	apiError(t, err, "AccessDenied", deny("ec2admin", "iam:AddRoleToInstanceProfile", "arn:aws:iam::111111111111:instance-profile/tagged"), 403)
	// A missing profile is authorized as instance-profile/NAME, outside
	// ec2admin's scope, so it stays hidden.
	_, err = a.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("ghost")})
	apiError(t, err, "AccessDenied", deny("ec2admin", "iam:GetInstanceProfile", ghost), 403)
	if _, err := a.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: s("web"), RoleName: s("app")}); err != nil {
		t.Fatal(err)
	}

	// blue may read profiles tagged team=blue: the profile's tags are its
	// aws:ResourceTag keys.
	b := ipClient(h, "blue")
	if got := ipGet(t, b, "tagged"); aws.ToString(got.InstanceProfileName) != "tagged" {
		t.Fatalf("blue read %+v", got)
	}
	_, err = b.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("web")})
	apiError(t, err, "AccessDenied", deny("blue", "iam:GetInstanceProfile", web), 403)
	if _, err := root.UntagInstanceProfile(ctx, &iam.UntagInstanceProfileInput{InstanceProfileName: s("tagged"), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: s("tagged")})
	apiError(t, err, "AccessDenied", deny("blue", "iam:GetInstanceProfile", "arn:aws:iam::111111111111:instance-profile/tagged"), 403)
}
