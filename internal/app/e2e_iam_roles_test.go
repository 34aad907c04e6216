package app_test

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// rolesBootstrap: an account whose root manages roles, a user allowed only
// iam:GetRole (reader), a user who may assume roles (alice), a managed
// policy usable as a boundary, and two roles that still hold policies.
const rolesBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIAMAINROOT00000001, secret: "mainRootSecret0000000000000000000000000000"}
    users:
      - name: reader
        access_keys: [{id: AKIAREADER0000000001, secret: "readerSecret0000000000000000000000000000"}]
        inline_policies:
          read: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "iam:GetRole", Resource: "*"}]}
      - name: alice
        path: /eng/
        access_keys: [{id: AKIAALICE00000000001, secret: "aliceSecret00000000000000000000000000000"}]
        inline_policies:
          assume: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}
    policies:
      - name: Boundary
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
    roles:
      - name: with-inline
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
        inline_policies:
          p: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
      - name: with-attached
        trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
        managed_policies: ["arn:aws:iam::111111111111:policy/Boundary"]
`

const (
	mainRootKey    = "AKIAMAINROOT00000001"
	mainRootSecret = "mainRootSecret0000000000000000000000000000"
	boundaryARN    = "arn:aws:iam::111111111111:policy/Boundary"
)

// trustFor is a trust policy that lets one principal (an "AWS" value)
// assume the role.
func trustFor(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
}

const serviceTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func mainRootIAM(h *harness) *iam.Client { return h.iamClient(mainRootKey, mainRootSecret, "") }

// decodeDoc undoes IAM's URL-encoding of a returned policy document.
func decodeDoc(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("document %q: %v", aws.ToString(s), err)
	}
	return d
}

func TestIAMRolesLifecycle(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()

	created, err := c.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("deploy"),
		Path:                     aws.String("/ci/"),
		AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::111111111111:user/eng/alice")),
		Description:              aws.String("deploys things"),
		MaxSessionDuration:       aws.Int32(7200),
		PermissionsBoundary:      aws.String(boundaryARN),
		Tags:                     []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := created.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::111111111111:role/ci/deploy" || aws.ToString(r.Path) != "/ci/" || aws.ToString(r.RoleName) != "deploy" {
		t.Fatalf("created %s %s %s", aws.ToString(r.Arn), aws.ToString(r.Path), aws.ToString(r.RoleName))
	}
	if id := aws.ToString(r.RoleId); len(id) != 21 || !strings.HasPrefix(id, "AROA") {
		t.Fatalf("RoleId = %q, want AROA… (21 characters)", id)
	}
	if aws.ToInt32(r.MaxSessionDuration) != 7200 || aws.ToString(r.Description) != "deploys things" || r.CreateDate == nil {
		t.Fatalf("created role = %+v", r)
	}
	if r.PermissionsBoundary == nil || aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn) != boundaryARN ||
		r.PermissionsBoundary.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy {
		t.Fatalf("boundary = %+v", r.PermissionsBoundary)
	}
	if len(r.Tags) != 1 || aws.ToString(r.Tags[0].Key) != "team" {
		t.Fatalf("tags = %+v", r.Tags)
	}
	if got := decodeDoc(t, r.AssumeRolePolicyDocument); got != trustFor("arn:aws:iam::111111111111:user/eng/alice") {
		t.Fatalf("trust policy = %s", got)
	}

	// Defaults: path "/", one hour; CreateRole leaves MaxSessionDuration
	// out when not asked (recorded from AWS, test_iam.snapshot.json
	// test_create_describe_role), GetRole carries it and an empty
	// RoleLastUsed ("get-role-response" in the same recording).
	plain, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("plain"), AssumeRolePolicyDocument: aws.String(serviceTrust)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(plain.Role.Path) != "/" || plain.Role.MaxSessionDuration != nil || aws.ToString(plain.Role.Arn) != "arn:aws:iam::111111111111:role/plain" {
		t.Fatalf("plain = %+v", plain.Role)
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("PLAIN")}) // names match case-insensitively
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(got.Role.MaxSessionDuration) != 3600 || got.Role.RoleLastUsed == nil || aws.ToString(got.Role.RoleName) != "plain" ||
		aws.ToString(got.Role.RoleId) != aws.ToString(plain.Role.RoleId) || decodeDoc(t, got.Role.AssumeRolePolicyDocument) != serviceTrust {
		t.Fatalf("GetRole = %+v", got.Role)
	}

	// UpdateRole changes what it is given and keeps the rest.
	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("deploy"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deploy")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(got.Role.MaxSessionDuration) != 43200 || aws.ToString(got.Role.Description) != "deploys things" {
		t.Fatalf("after UpdateRole: %+v", got.Role)
	}
	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("deploy"), Description: aws.String("ships")}); err != nil {
		t.Fatal(err)
	}
	desc, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("deploy"), Description: aws.String("ships again")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.Role.Description) != "ships again" || aws.ToInt32(desc.Role.MaxSessionDuration) != 43200 {
		t.Fatalf("UpdateRoleDescription = %+v", desc.Role)
	}

	// Tags: a known key (any case) is overwritten, a new one appended,
	// untagging an absent key is not an error.
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("deploy"), Tags: []iamtypes.Tag{
		{Key: aws.String("TEAM"), Value: aws.String("green")}, {Key: aws.String("cost"), Value: aws.String("42")},
	}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("deploy")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(tagPairs(tags.Tags)) != "[cost=42 TEAM=green]" || tags.IsTruncated {
		t.Fatalf("tags = %v truncated %v", tagPairs(tags.Tags), tags.IsTruncated)
	}
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("deploy"), TagKeys: []string{"team", "nope"}}); err != nil {
		t.Fatal(err)
	}
	tags, err = c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("deploy")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(tagPairs(tags.Tags)) != "[cost=42]" {
		t.Fatalf("tags after untag = %v", tagPairs(tags.Tags))
	}

	// Permissions boundary on and off.
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("deploy")}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deploy")})
	if got.Role.PermissionsBoundary != nil {
		t.Fatalf("boundary after delete = %+v", got.Role.PermissionsBoundary)
	}
	if _, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("plain"), PermissionsBoundary: aws.String(boundaryARN)}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("plain")})
	if got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn) != boundaryARN {
		t.Fatalf("boundary after put = %+v", got.Role.PermissionsBoundary)
	}

	// UpdateAssumeRolePolicy replaces the document.
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("plain"), PolicyDocument: aws.String(trustFor("111111111111"))}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("plain")})
	if decodeDoc(t, got.Role.AssumeRolePolicyDocument) != trustFor("111111111111") {
		t.Fatalf("trust after update = %s", decodeDoc(t, got.Role.AssumeRolePolicyDocument))
	}

	// ListRoles leaves out PermissionsBoundary, RoleLastUsed and Tags (IAM
	// API reference, ListRoles).
	list, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/ci/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Roles) != 1 || aws.ToString(list.Roles[0].RoleName) != "deploy" || list.Roles[0].Tags != nil ||
		list.Roles[0].RoleLastUsed != nil || aws.ToInt32(list.Roles[0].MaxSessionDuration) != 43200 {
		t.Fatalf("ListRoles /ci/ = %+v", list.Roles)
	}

	// Everything survives a restart.
	h.restart()
	c = mainRootIAM(h)
	got, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deploy")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Role.Description) != "ships again" || aws.ToInt32(got.Role.MaxSessionDuration) != 43200 || fmt.Sprint(tagPairs(got.Role.Tags)) != "[cost=42]" {
		t.Fatalf("after restart: %+v", got.Role)
	}

	for _, name := range []string{"deploy", "plain"} {
		if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		apiError(t, err, "NoSuchEntity", "The role with name "+name+" cannot be found.", 404)
	}
	h.restart()
	_, err = mainRootIAM(h).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deploy")})
	apiError(t, err, "NoSuchEntity", "The role with name deploy cannot be found.", 404)
}

func tagPairs(tags []iamtypes.Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = aws.ToString(t.Key) + "=" + aws.ToString(t.Value)
	}
	return out
}

// TestIAMRolesNoSuchEntity: every operation on a missing role. The wording
// is quoted from a real GetRole answer
// (github.com/aws/amazon-sagemaker-examples/issues/2300: "The role with name
// Tabular_Redshift cannot be found.").
func TestIAMRolesNoSuchEntity(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()
	name := aws.String("ghost")
	calls := map[string]func() error{
		"GetRole": func() error { _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: name}); return err },
		"UpdateRole": func() error {
			_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, Description: aws.String("d")})
			return err
		},
		"UpdateRoleDesc": func() error {
			_, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: name, Description: aws.String("d")})
			return err
		},
		"UpdateAssumeRolePolicy": func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(serviceTrust)})
			return err
		},
		"DeleteRole": func() error { _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name}); return err },
		"TagRole": func() error {
			_, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: name, Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		"UntagRole": func() error {
			_, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: name, TagKeys: []string{"k"}})
			return err
		},
		"ListRoleTags": func() error { _, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: name}); return err },
		"PutRolePermissionsBoundary": func() error {
			_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: name, PermissionsBoundary: aws.String(boundaryARN)})
			return err
		},
		"DeleteRolePermissionsBoundary": func() error {
			_, err := c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: name})
			return err
		},
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			apiError(t, call(), "NoSuchEntity", "The role with name ghost cannot be found.", 404)
		})
	}
}

func TestIAMRolesCreateRefusals(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()
	create := func(name, trust string, mutate ...func(*iam.CreateRoleInput)) error {
		in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
		for _, m := range mutate {
			m(in)
		}
		_, err := c.CreateRole(ctx, in)
		return err
	}
	if err := create("taken", serviceTrust); err != nil {
		t.Fatal(err)
	}
	// A large but white-space padded trust policy: IAM does not count white
	// space against the 2048-character quota (IAM User Guide, IAM and AWS
	// STS quotas).
	padded := strings.Replace(serviceTrust, `"Effect"`, strings.Repeat(" ", 3000)+`"Effect"`, 1)
	if err := create("padded", padded); err != nil {
		t.Fatalf("white-space padded trust policy: %v", err)
	}
	// An "AWS" principal of an account stsd does not hold cannot be
	// checked and is accepted.
	if err := create("foreign", trustFor("arn:aws:iam::222222222222:user/nobody")); err != nil {
		t.Fatalf("foreign principal: %v", err)
	}
	var many []string
	for i := 0; i < 60; i++ {
		many = append(many, fmt.Sprintf("arn:aws:iam::222222222222:user/someone-with-a-long-name-%02d", i))
	}
	huge := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + strings.Join(many, `","`) + `"]},"Action":"sts:AssumeRole"}]}`
	tooManyTags := make([]iamtypes.Tag, 0, 51)
	for i := 0; i < 51; i++ {
		tooManyTags = append(tooManyTags, iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")})
	}

	tests := []struct {
		name, role, trust string
		mutate            func(*iam.CreateRoleInput)
		code, msg         string
		status            int
	}{
		// EntityAlreadyExists, also for another spelling of the name; the
		// wording follows IAM's "User with name X already exists." (no
		// recording of the role's text in the reference data).
		{"exists", "taken", serviceTrust, nil, "EntityAlreadyExists", "Role with name taken already exists.", 409},
		{"exists other case", "TAKEN", serviceTrust, nil, "EntityAlreadyExists", "Role with name TAKEN already exists.", 409},
		// Recorded from AWS: test_iam.snapshot.json,
		// test_create_role_with_malformed_assume_role_policy_document.
		{"invalid json", "bad", `{"Version":"2012-10-17","Statement":[`, nil, "MalformedPolicyDocument", "This policy contains invalid Json", 400},
		// A principal of a known account that does not exist there; the
		// format of the refusal is IAM's ("Invalid principal in policy:
		// \"AWS\":\"ARN\"", IAM User Guide, troubleshoot_policies).
		{"missing user", "bad", trustFor("arn:aws:iam::111111111111:user/ghost"), nil, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:user/ghost"`, 400},
		{"missing role", "bad", trustFor("arn:aws:iam::111111111111:role/ghost"), nil, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/ghost"`, 400},
		{"wrong path", "bad", trustFor("arn:aws:iam::111111111111:user/alice"), nil, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:user/alice"`, 400},
		// A role cannot trust itself before it exists.
		{"self", "selfish", trustFor("arn:aws:iam::111111111111:role/selfish"), nil, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/selfish"`, 400},
		// "Cannot exceed quota for ACLSizePerRole: 2048", quoted from real
		// AWS answers (e.g. cloudposse terraform-aws-components aws-teams
		// README, "Known Problems").
		{"trust too long", "big", huge, nil, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409},
		// MaxSessionDuration outside 3600..43200: the model's range, checked
		// before the operation runs.
		{"duration too short", "short", serviceTrust, func(in *iam.CreateRoleInput) { in.MaxSessionDuration = aws.Int32(3599) }, "ValidationError", "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600", 400},
		{"duration too long", "long", serviceTrust, func(in *iam.CreateRoleInput) { in.MaxSessionDuration = aws.Int32(43201) }, "ValidationError", "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200", 400},
		// A boundary that is not an ARN: ValidationError "Invalid ARN:
		// Could not be parsed!" as AWS answers for policy ARNs
		// (test_iam.snapshot.json, test_role_attach_policy); a policy that
		// does not exist: "Scope ARN: … does not exist or is not
		// attachable." (real answers quoted in github.com/openshift/rosa
		// issues).
		{"boundary not an arn", "b1", serviceTrust, func(in *iam.CreateRoleInput) { in.PermissionsBoundary = aws.String("not-an-arn-but-long-enough") }, "ValidationError", "Invalid ARN:  Could not be parsed!", 400},
		{"boundary missing", "b2", serviceTrust, func(in *iam.CreateRoleInput) {
			in.PermissionsBoundary = aws.String("arn:aws:iam::111111111111:policy/Nope")
		}, "NoSuchEntity", "Scope ARN: arn:aws:iam::111111111111:policy/Nope does not exist or is not attachable.", 404},
		{"boundary wrong path", "b3", serviceTrust, func(in *iam.CreateRoleInput) {
			in.PermissionsBoundary = aws.String("arn:aws:iam::111111111111:policy/other/Boundary")
		}, "NoSuchEntity", "Scope ARN: arn:aws:iam::111111111111:policy/other/Boundary does not exist or is not attachable.", 404},
		// Duplicate keys (moto's IAM text; the same wording AWS STS sends,
		// recorded in test_sts.snapshot.json).
		{"duplicate tags", "t1", serviceTrust, func(in *iam.CreateRoleInput) {
			in.Tags = []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}
		}, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400},
		{"too many tags", "t2", serviceTrust, func(in *iam.CreateRoleInput) { in.Tags = tooManyTags }, "ValidationError", "1 validation error detected: Value", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m []func(*iam.CreateRoleInput)
			if tt.mutate != nil {
				m = append(m, tt.mutate)
			}
			apiError(t, create(tt.role, tt.trust, m...), tt.code, tt.msg, tt.status)
		})
	}
	// Nothing refused was created.
	list, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range list.Roles {
		names = append(names, aws.ToString(r.RoleName))
	}
	sort.Strings(names)
	if fmt.Sprint(names) != "[foreign padded taken with-attached with-inline]" {
		t.Fatalf("roles = %v", names)
	}
}

func TestIAMRolesUpdateRefusals(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(serviceTrust)}); err != nil {
		t.Fatal(err)
	}
	update := func(doc string) error {
		_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(doc)})
		return err
	}
	apiError(t, update(`{"Version":`), "MalformedPolicyDocument", "This policy contains invalid Json", 400)
	apiError(t, update(trustFor("arn:aws:iam::111111111111:user/ghost")), "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:user/ghost"`, 400)
	long := trustFor("arn:aws:iam::222222222222:user/" + strings.Repeat("x", 64))
	long = strings.Replace(long, `"Action"`, `"Sid":"`+strings.Repeat("A", 2000)+`","Action"`, 1)
	apiError(t, update(long), "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)
	// Once the role exists it may trust itself, and existing principals
	// of any path are accepted.
	if err := update(trustFor("arn:aws:iam::111111111111:role/r")); err != nil {
		t.Fatal(err)
	}
	if err := update(trustFor("arn:aws:iam::111111111111:user/eng/alice")); err != nil {
		t.Fatal(err)
	}

	_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(100000)})
	apiError(t, err, "ValidationError", "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200", 400)

	// Tags: duplicates refused; more than 50 in all refused with
	// LimitExceeded (IAM User Guide: 50 tags per resource; the text is not
	// recorded in the reference data); untagging makes room again.
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{{Key: aws.String("x"), Value: aws.String("1")}, {Key: aws.String("X"), Value: aws.String("2")}}})
	apiError(t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)
	var fifty []iamtypes.Tag
	for i := 0; i < 50; i++ {
		fifty = append(fifty, iamtypes.Tag{Key: aws.String(fmt.Sprintf("k%02d", i)), Value: aws.String("v")})
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: fifty}); err != nil {
		t.Fatal(err)
	}
	// Overwriting a key at the limit is fine; one more is not.
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{{Key: aws.String("K00"), Value: aws.String("w")}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{{Key: aws.String("extra"), Value: aws.String("v")}}})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", 409)
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"k01"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{{Key: aws.String("extra"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}

	// Boundaries as for CreateRole.
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String("arn:aws:iam::111111111111:policy/Nope")})
	apiError(t, err, "NoSuchEntity", "Scope ARN: arn:aws:iam::111111111111:policy/Nope does not exist or is not attachable.", 404)
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String("arn:aws:iam::111111111111:role/with-inline")})
	apiError(t, err, "NoSuchEntity", "Scope ARN: arn:aws:iam::111111111111:role/with-inline does not exist or is not attachable.", 404)
	_, err = c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r"), PermissionsBoundary: aws.String("just-some-policy-name")})
	apiError(t, err, "ValidationError", "Invalid ARN:  Could not be parsed!", 400)
	// Another account's policy cannot bound this account's role, and
	// another account's role is not found.
	other := h.rootIAM()
	if _, err := other.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r0"), AssumeRolePolicyDocument: aws.String(serviceTrust)}); err != nil {
		t.Fatal(err)
	}
	_, err = other.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("r0"), PermissionsBoundary: aws.String(boundaryARN)})
	apiError(t, err, "NoSuchEntity", "Scope ARN: "+boundaryARN+" does not exist or is not attachable.", 404)
	_, err = other.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	apiError(t, err, "NoSuchEntity", "The role with name r cannot be found.", 404)
}

// TestIAMRolesDeleteConflict: a role with inline or attached policies is
// not deleted. Both texts are quoted from real DeleteRole answers
// (github.com/hashicorp/boundary/pull/5646: "Cannot delete entity, must
// detach all policies first."; github.com/ekristen/aws-nuke/issues/203:
// "Cannot delete entity, must delete policies first.").
func TestIAMRolesDeleteConflict(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()
	_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("with-attached")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("with-inline")})
	apiError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
	for _, name := range []string{"with-attached", "with-inline"} {
		if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err != nil {
			t.Fatalf("%s after refused delete: %v", name, err)
		}
	}
}

// TestIAMRolesAccessDenied: a user allowed only iam:GetRole is refused
// everything else, with IAM's AccessDenied wording, before the role's
// existence is revealed.
func TestIAMRolesAccessDenied(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := h.iamClient("AKIAREADER0000000001", "readerSecret0000000000000000000000000000", "")
	ctx := context.Background()
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("with-inline")}); err != nil {
		t.Fatalf("allowed GetRole: %v", err)
	}
	_, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ghost")})
	apiError(t, err, "NoSuchEntity", "The role with name ghost cannot be found.", 404)

	name := aws.String("with-inline")
	tag := []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
	const role = "arn:aws:iam::111111111111:role/with-inline"
	calls := []struct {
		action, resource string
		call             func() error
	}{
		{"iam:CreateRole", "arn:aws:iam::111111111111:role/x/new", func() error {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("new"), Path: aws.String("/x/"), AssumeRolePolicyDocument: aws.String(serviceTrust)})
			return err
		}},
		// "on resource: arn:aws:iam::ACCOUNT:role/" is what AWS names for
		// ListRoles (IAM API reference, ListRoles error example).
		{"iam:ListRoles", "arn:aws:iam::111111111111:role/", func() error { _, err := c.ListRoles(ctx, &iam.ListRolesInput{}); return err }},
		{"iam:UpdateRole", role, func() error {
			_, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, Description: aws.String("d")})
			return err
		}},
		{"iam:UpdateRoleDescription", role, func() error {
			_, err := c.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: name, Description: aws.String("d")})
			return err
		}},
		{"iam:UpdateAssumeRolePolicy", role, func() error {
			_, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(serviceTrust)})
			return err
		}},
		{"iam:DeleteRole", role, func() error { _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name}); return err }},
		{"iam:DeleteRole", "arn:aws:iam::111111111111:role/ghost", func() error {
			_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("ghost")})
			return err
		}},
		{"iam:TagRole", role, func() error { _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: name, Tags: tag}); return err }},
		{"iam:UntagRole", role, func() error {
			_, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: name, TagKeys: []string{"k"}})
			return err
		}},
		{"iam:ListRoleTags", role, func() error { _, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: name}); return err }},
		{"iam:PutRolePermissionsBoundary", role, func() error {
			_, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: name, PermissionsBoundary: aws.String(boundaryARN)})
			return err
		}},
		{"iam:DeleteRolePermissionsBoundary", role, func() error {
			_, err := c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: name})
			return err
		}},
	}
	for _, tt := range calls {
		t.Run(tt.action+" "+tt.resource, func(t *testing.T) {
			apiError(t, tt.call(), "AccessDenied", "User: arn:aws:iam::111111111111:user/reader is not authorized to perform: "+tt.action+" on resource: "+tt.resource, 403)
		})
	}
	// Nothing changed.
	got, err := mainRootIAM(h).GetRole(ctx, &iam.GetRoleInput{RoleName: name})
	if err != nil || got.Role.Tags != nil || aws.ToString(got.Role.Description) != "" {
		t.Fatalf("role after refusals: %+v, %v", got, err)
	}
}

func TestIAMRolesPagination(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()
	var want []string
	for i := 0; i < 7; i++ {
		name := fmt.Sprintf("Paged-%d", i)
		want = append(want, name)
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String("/paged/"), AssumeRolePolicyDocument: aws.String(serviceTrust)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("elsewhere"), Path: aws.String("/pagedx/"), AssumeRolePolicyDocument: aws.String(serviceTrust)}); err != nil {
		t.Fatal(err)
	}
	var got []string
	var marker *string
	pages := 0
	for {
		out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/paged/"), MaxItems: aws.Int32(3), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Roles {
			got = append(got, aws.ToString(r.RoleName))
		}
		if !out.IsTruncated {
			if out.Marker != nil {
				t.Fatalf("last page has marker %q", aws.ToString(out.Marker))
			}
			break
		}
		if len(out.Roles) != 3 || out.Marker == nil {
			t.Fatalf("truncated page of %d roles, marker %v", len(out.Roles), out.Marker)
		}
		marker = out.Marker
	}
	if pages != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%d pages: %v, want %v", pages, got, want)
	}
	// The SDK's paginator walks the whole account.
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	total := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total += len(out.Roles)
	}
	if total != 10 { // 7 paged, elsewhere, with-inline, with-attached
		t.Fatalf("paginator saw %d roles, want 10", total)
	}
	_, err := c.ListRoles(ctx, &iam.ListRolesInput{Marker: aws.String("!!not a marker!!")})
	apiError(t, err, "InvalidInput", "Invalid Marker.", 400)

	// ListRoleTags pages in key order.
	var tags []iamtypes.Tag
	for _, k := range []string{"e", "B", "d", "a", "C"} {
		tags = append(tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String("v" + k)})
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("Paged-0"), Tags: tags}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	marker = nil
	for {
		out, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("Paged-0"), MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range out.Tags {
			keys = append(keys, aws.ToString(tg.Key))
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if fmt.Sprint(keys) != "[a B C d e]" {
		t.Fatalf("tag keys = %v", keys)
	}
}

// TestIAMRolesQuota: the 1,000 roles an account may hold (IAM User Guide,
// IAM and AWS STS quotas, "Roles in an AWS account"). The refusal's text
// follows IAM's quota refusals; it is not recorded in the reference data.
func TestIAMRolesQuota(t *testing.T) {
	var b strings.Builder
	b.WriteString("accounts:\n  - id: \"111111111111\"\n    root_access_keys:\n      - {id: " + mainRootKey + ", secret: \"" + mainRootSecret + "\"}\n    roles:\n")
	for i := 0; i < 999; i++ {
		fmt.Fprintf(&b, "      - {name: r%03d, trust_policy: %s}\n", i, serviceTrust)
	}
	h := start(t, withBootstrap(t, b.String()))
	c := mainRootIAM(h)
	ctx := context.Background()
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("last"), AssumeRolePolicyDocument: aws.String(serviceTrust)}); err != nil {
		t.Fatalf("role 1000: %v", err)
	}
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("one-too-many"), AssumeRolePolicyDocument: aws.String(serviceTrust)})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for RolesPerAccount: 1000", 409)
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r000")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("one-too-many"), AssumeRolePolicyDocument: aws.String(serviceTrust)}); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
}

// TestIAMRolesHotPath: a role written through the IAM API is what the STS
// hot path sees, at once and after a restart.
func TestIAMRolesHotPath(t *testing.T) {
	h := start(t, withBootstrap(t, rolesBootstrap))
	c := mainRootIAM(h)
	ctx := context.Background()
	alice := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "")
	assume := func(d int32) error {
		_, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/hot"), RoleSessionName: aws.String("sess"), DurationSeconds: aws.Int32(d)})
		return err
	}
	const denied = "User: arn:aws:iam::111111111111:user/eng/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/hot"

	apiError(t, assume(3600), "AccessDenied", denied, 403)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("hot"), AssumeRolePolicyDocument: aws.String(trustFor("arn:aws:iam::111111111111:user/eng/alice"))}); err != nil {
		t.Fatal(err)
	}
	if err := assume(3600); err != nil {
		t.Fatalf("assume after CreateRole: %v", err)
	}
	// MaxSessionDuration bounds DurationSeconds as soon as it changes.
	apiError(t, assume(7200), "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("hot"), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	if err := assume(7200); err != nil {
		t.Fatalf("assume after UpdateRole: %v", err)
	}
	// Removing alice from the trust policy refuses her next call.
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("hot"), PolicyDocument: aws.String(serviceTrust)}); err != nil {
		t.Fatal(err)
	}
	apiError(t, assume(3600), "AccessDenied", denied, 403)
	h.restart()
	alice = h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "")
	apiError(t, assume(3600), "AccessDenied", denied, 403)
	c = mainRootIAM(h)
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("hot"), PolicyDocument: aws.String(trustFor("arn:aws:iam::111111111111:user/eng/alice"))}); err != nil {
		t.Fatal(err)
	}
	if err := assume(7200); err != nil {
		t.Fatalf("assume after restoring trust: %v", err)
	}
	// A deleted role is gone for STS at once.
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("hot")}); err != nil {
		t.Fatal(err)
	}
	apiError(t, assume(3600), "AccessDenied", denied, 403)
}
