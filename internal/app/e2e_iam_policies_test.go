package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// polBootstrap gives the policy tests an account with users and roles
// that do not depend on the users and roles operations.
const polBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIAPOLROOT000000001, secret: "polRootSecret000000000000000000000000000"}
    users:
      - name: alice
        path: /eng/
        access_keys: [{id: AKIAPOLALICE00000001, secret: "polAliceSecret00000000000000000000000000"}]
      - name: bob
        access_keys: [{id: AKIAPOLBOB0000000001, secret: "polBobSecret0000000000000000000000000000"}]
        inline_policies:
          policy-admin:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["iam:*Policy*", "iam:ListEntitiesForPolicy"], Resource: "*"}
    roles:
      - name: demo
        path: /svc/
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "sts:AssumeRole"}
      - name: other
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Principal: {AWS: "arn:aws:iam::111111111111:root"}, Action: "sts:AssumeRole"}
`

const (
	polAcct        = "111111111111"
	polAliceARN    = "arn:aws:iam::111111111111:user/eng/alice"
	polDocAllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
)

func polRoot(h *harness) *iam.Client {
	return h.iamClient("AKIAPOLROOT000000001", "polRootSecret000000000000000000000000000", "")
}

func polAlice(h *harness) *iam.Client {
	return h.iamClient("AKIAPOLALICE00000001", "polAliceSecret00000000000000000000000000", "")
}

func polBob(h *harness) *iam.Client {
	return h.iamClient("AKIAPOLBOB0000000001", "polBobSecret0000000000000000000000000000", "")
}

// polDoc is a small valid identity policy allowing action on resource.
func polDoc(action, resource string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, action, resource)
}

func polCreate(t *testing.T, c *iam.Client, name, path, doc string) *iamtypes.Policy {
	t.Helper()
	in := &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}
	if path != "" {
		in.Path = aws.String(path)
	}
	out, err := c.CreatePolicy(context.Background(), in)
	if err != nil {
		t.Fatalf("CreatePolicy %s: %v", name, err)
	}
	return out.Policy
}

// polDecode URL-decodes a returned document: IAM returns documents
// URL-encoded (IAM API reference, GetPolicyVersion: "The policy document
// returned in this structure is URL-encoded compliant with RFC 3986").
func polDecode(t *testing.T, doc string) string {
	t.Helper()
	s, err := url.QueryUnescape(doc)
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", doc, err)
	}
	if s == doc && strings.ContainsAny(doc, "{\"") {
		t.Fatalf("document came back raw: %q", doc)
	}
	return s
}

func TestIAMPoliciesCreateGetDelete(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	c := polRoot(h)

	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String("ReadObjects"),
		Path:           aws.String("/team/"),
		Description:    aws.String("read objects"),
		PolicyDocument: aws.String(polDocAllowAll),
		Tags:           []iamtypes.Tag{{Key: aws.String("env"), Value: aws.String("test")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Policy
	// The Policy shape as recorded from real IAM (test_iam.snapshot.json,
	// test_user_attach_policy: AttachmentCount 0, DefaultVersionId v1,
	// IsAttachable true, PermissionsBoundaryUsageCount 0).
	wantARN := "arn:aws:iam::111111111111:policy/team/ReadObjects"
	if aws.ToString(p.Arn) != wantARN || aws.ToString(p.Path) != "/team/" || aws.ToString(p.PolicyName) != "ReadObjects" ||
		aws.ToString(p.DefaultVersionId) != "v1" || aws.ToInt32(p.AttachmentCount) != 0 || !p.IsAttachable ||
		p.PermissionsBoundaryUsageCount == nil || aws.ToString(p.Description) != "read objects" || p.CreateDate == nil || p.UpdateDate == nil {
		t.Fatalf("policy = %+v", p)
	}
	if id := aws.ToString(p.PolicyId); len(id) != 21 || !strings.HasPrefix(id, "ANPA") {
		t.Fatalf("PolicyId = %q, want ANPA… (21 characters)", id)
	}
	if len(p.Tags) != 1 || aws.ToString(p.Tags[0].Key) != "env" {
		t.Fatalf("tags = %+v", p.Tags)
	}

	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(wantARN)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Policy.PolicyId) != aws.ToString(p.PolicyId) || aws.ToString(got.Policy.Description) != "read objects" || len(got.Policy.Tags) != 1 {
		t.Fatalf("GetPolicy = %+v", got.Policy)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(wantARN), VersionId: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if d := polDecode(t, aws.ToString(v.PolicyVersion.Document)); d != polDocAllowAll || !v.PolicyVersion.IsDefaultVersion {
		t.Fatalf("v1 = %q default=%v", d, v.PolicyVersion.IsDefaultVersion)
	}

	// Refusals.
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("readobjects"), PolicyDocument: aws.String(polDocAllowAll)})
	// "A policy called X already exists. Duplicate names are not allowed."
	// (quoted from IAM in Aabyss-Team/awsKeyTools#13; HTTP 409 in
	// konstructio/kubefirst#855). Names are unique case-insensitively.
	apiError(t, err, "EntityAlreadyExists", "A policy called readobjects already exists. Duplicate names are not allowed.", 409)
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
	apiError(t, err, "MalformedPolicyDocument", "", 400)
	// A policy's tag keys are case sensitive ("k" and "K" are two tags, see
	// e2e_iam_tags_test.go); one key given twice is refused with
	// "Duplicate tag keys found." (recorded from AWS in LocalStack's
	// test_iam_policies.snapshot.json, "err-duplicate-keys").
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Tags"), PolicyDocument: aws.String(polDocAllowAll),
		Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}})
	apiError(t, err, "InvalidInput", "Duplicate tag keys found.", 400)
	// "Policy ARN was not found." is recorded for DeletePolicy
	// (test_delete_non_existent_policy_returns_no_such_entity).
	missing := "arn:aws:iam::111111111111:policy/non-existent-policy"
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(missing)})
	apiError(t, err, "NoSuchEntity", "Policy "+missing+" was not found.", 404)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(missing)})
	apiError(t, err, "NoSuchEntity", "Policy "+missing+" was not found.", 404)
	// The right name under the wrong path names nothing.
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/ReadObjects")})
	apiError(t, err, "NoSuchEntity", "Policy arn:aws:iam::111111111111:policy/ReadObjects was not found.", 404)
	// Another account's policy is never reachable.
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::000000000000:policy/team/ReadObjects")})
	apiError(t, err, "NoSuchEntity", "Policy arn:aws:iam::000000000000:policy/team/ReadObjects was not found.", 404)
	// "Invalid ARN:  Could not be parsed!" (recorded, test_user_attach_policy).
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("not-an-arn-but-long-enough")})
	apiError(t, err, "ValidationError", "Invalid ARN:  Could not be parsed!", 400)

	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(wantARN)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(wantARN)})
	apiError(t, err, "NoSuchEntity", "Policy "+wantARN+" was not found.", 404)
	// The name is free again.
	polCreate(t, c, "ReadObjects", "/", polDocAllowAll)
}

func TestIAMPoliciesVersions(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	c := polRoot(h)
	p := polCreate(t, c, "Versioned", "", polDoc("s3:GetObject", "*"))
	pa := p.Arn

	docs := map[string]string{"v1": polDoc("s3:GetObject", "*")}
	for i := 2; i <= 5; i++ {
		doc := polDoc(fmt.Sprintf("s3:Action%d", i), "*")
		out, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pa, PolicyDocument: aws.String(doc), SetAsDefault: i == 3})
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("v%d", i)
		if aws.ToString(out.PolicyVersion.VersionId) != id || out.PolicyVersion.IsDefaultVersion != (i == 3) {
			t.Fatalf("version %d = %+v", i, out.PolicyVersion)
		}
		docs[id] = doc
	}
	// "A managed policy can have up to 5 versions. Before you create a new
	// version, you must delete an existing version." (quoted from IAM in
	// 99designs/iamy#21).
	_, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pa, PolicyDocument: aws.String(polDocAllowAll)})
	apiError(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.", 409)
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pa, PolicyDocument: aws.String(`{"Statement":[]}`)})
	apiError(t, err, "MalformedPolicyDocument", "", 400)
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/Nope"), PolicyDocument: aws.String(polDocAllowAll)})
	apiError(t, err, "NoSuchEntity", "Policy arn:aws:iam::111111111111:policy/Nope was not found.", 404)

	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pa})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Policy.DefaultVersionId) != "v3" {
		t.Fatalf("default = %s, want v3", aws.ToString(got.Policy.DefaultVersionId))
	}

	// Every version's document comes back URL-encoded and decodes to what
	// was sent.
	for id, doc := range docs {
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pa, VersionId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if d := polDecode(t, aws.ToString(v.PolicyVersion.Document)); d != doc {
			t.Fatalf("%s document = %q, want %q", id, d, doc)
		}
		if v.PolicyVersion.IsDefaultVersion != (id == "v3") {
			t.Fatalf("%s IsDefaultVersion = %v", id, v.PolicyVersion.IsDefaultVersion)
		}
	}
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v9")})
	apiError(t, err, "NoSuchEntity", "Policy "+aws.ToString(pa)+" version v9 does not exist or is not attachable.", 404)

	// ListPolicyVersions across pages, oldest first.
	var ids []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: pa, MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range out.Versions {
			if v.Document != nil {
				t.Fatalf("ListPolicyVersions returned a document")
			}
			ids = append(ids, aws.ToString(v.VersionId))
		}
		if !out.IsTruncated {
			if pages != 2 {
				t.Fatalf("%d pages, want 3", pages+1)
			}
			break
		}
		marker = out.Marker
	}
	if strings.Join(ids, ",") != "v1,v2,v3,v4,v5" {
		t.Fatalf("versions = %v", ids)
	}

	// SetDefaultPolicyVersion and its refusal.
	if _, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v5")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v7")})
	apiError(t, err, "NoSuchEntity", "Policy "+aws.ToString(pa)+" version v7 does not exist or is not attachable.", 404)

	// "Cannot delete the default version of a policy." and "This policy has
	// more than one version…" (both quoted from IAM in
	// redradrat/aws-iam-operator#13, HTTP 409).
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v5")})
	apiError(t, err, "DeleteConflict", "Cannot delete the default version of a policy.", 409)
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pa})
	apiError(t, err, "DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.", 409)
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v8")})
	apiError(t, err, "NoSuchEntity", "Policy "+aws.ToString(pa)+" version v8 does not exist or is not attachable.", 404)

	// With room again, the next id continues the count.
	if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}
	nv, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pa, PolicyDocument: aws.String(polDocAllowAll)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(nv.PolicyVersion.VersionId) != "v6" {
		t.Fatalf("next version = %s, want v6", aws.ToString(nv.PolicyVersion.VersionId))
	}
	for _, id := range []string{"v1", "v3", "v4", "v6"} {
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pa, VersionId: aws.String(id)}); err != nil {
			t.Fatalf("delete %s: %v", id, err)
		}
	}
	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
}

func TestIAMPoliciesList(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	c := polRoot(h)
	names := []string{"p-a", "p-b", "p-c", "p-d", "p-e"}
	for i, n := range names {
		path := "/"
		if i%2 == 1 {
			path = "/odd/"
		}
		polCreate(t, c, n, path, polDocAllowAll)
	}
	// All pages, two at a time.
	var got []string
	var marker *string
	pages := 0
	for {
		out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{MaxItems: aws.Int32(2), Marker: marker, Scope: iamtypes.PolicyScopeTypeLocal})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range out.Policies {
			got = append(got, aws.ToString(p.PolicyName))
			if p.AttachmentCount == nil || !p.IsAttachable || aws.ToString(p.DefaultVersionId) != "v1" {
				t.Fatalf("listed policy = %+v", p)
			}
		}
		if !out.IsTruncated {
			if out.Marker != nil {
				t.Fatalf("marker on the last page")
			}
			break
		}
		marker = out.Marker
	}
	if strings.Join(got, ",") != strings.Join(names, ",") || pages != 3 {
		t.Fatalf("listed %v in %d pages", got, pages)
	}
	// PathPrefix.
	out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{PathPrefix: aws.String("/odd/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Policies) != 2 || aws.ToString(out.Policies[0].PolicyName) != "p-b" || aws.ToString(out.Policies[1].PolicyName) != "p-d" {
		t.Fatalf("PathPrefix /odd/ = %+v", out.Policies)
	}
	// Scope=AWS: stsd holds no AWS managed policies.
	out, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeAws})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Policies) != 0 || out.IsTruncated {
		t.Fatalf("Scope=AWS = %+v", out.Policies)
	}
	// OnlyAttached: attach two, list them across pages.
	for _, n := range []string{"p-c", "p-e"} {
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("demo"), PolicyArn: aws.String("arn:aws:iam::111111111111:policy/" + n)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true, MaxItems: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Policies) != 1 || aws.ToString(out.Policies[0].PolicyName) != "p-c" || !out.IsTruncated || aws.ToInt32(out.Policies[0].AttachmentCount) != 1 {
		t.Fatalf("OnlyAttached page 1 = %+v truncated=%v", out.Policies, out.IsTruncated)
	}
	out, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true, MaxItems: aws.Int32(1), Marker: out.Marker})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Policies) != 1 || aws.ToString(out.Policies[0].PolicyName) != "p-e" || out.IsTruncated {
		t.Fatalf("OnlyAttached page 2 = %+v truncated=%v", out.Policies, out.IsTruncated)
	}
	out, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true, PolicyUsageFilter: iamtypes.PolicyUsageTypePermissionsBoundary})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Policies) != 0 {
		t.Fatalf("no policy is a boundary, got %+v", out.Policies)
	}
	_, err = c.ListPolicies(ctx, &iam.ListPoliciesInput{Marker: aws.String("%%%")})
	apiError(t, err, "InvalidInput", "Invalid Marker.", 400)
}

func TestIAMPoliciesAttach(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	c := polRoot(h)
	p := polCreate(t, c, "Attachable", "/x/", polDocAllowAll)
	pa := p.Arn

	for _, user := range []string{"alice", "ALICE"} { // twice, and names match case-insensitively: idempotent
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: pa}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("demo"), PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pa})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(got.Policy.AttachmentCount) != 2 {
		t.Fatalf("AttachmentCount = %d, want 2", aws.ToInt32(got.Policy.AttachmentCount))
	}
	ents, err := c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pa})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "alice" || !strings.HasPrefix(aws.ToString(ents.PolicyUsers[0].UserId), "AIDA") ||
		len(ents.PolicyRoles) != 1 || aws.ToString(ents.PolicyRoles[0].RoleName) != "demo" || len(ents.PolicyGroups) != 0 {
		t.Fatalf("entities = %+v %+v", ents.PolicyUsers, ents.PolicyRoles)
	}
	ents, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pa, MaxItems: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents.PolicyRoles) != 1 || len(ents.PolicyUsers) != 0 || !ents.IsTruncated {
		t.Fatalf("entities page 1 = %+v %+v", ents.PolicyUsers, ents.PolicyRoles)
	}
	ents, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pa, MaxItems: aws.Int32(1), Marker: ents.Marker})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyRoles) != 0 || ents.IsTruncated {
		t.Fatalf("entities page 2 = %+v %+v", ents.PolicyUsers, ents.PolicyRoles)
	}
	ents, err = c.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pa, EntityFilter: iamtypes.EntityTypeUser})
	if err != nil {
		t.Fatal(err)
	}
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyRoles) != 0 {
		t.Fatalf("EntityFilter=User = %+v %+v", ents.PolicyUsers, ents.PolicyRoles)
	}

	// "Cannot delete a policy attached to entities." (quoted from IAM in
	// hashicorp/terraform-provider-aws#32906 and serverless/components#312).
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pa})
	apiError(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.", 409)

	// Refusals of attach, recorded from real IAM in test_iam.snapshot.json
	// (test_user_attach_policy, test_role_attach_policy).
	bad := "arn:aws:iam::111111111111:policy/x/Attachable123"
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(bad)})
	apiError(t, err, "NoSuchEntity", "Policy "+bad+" does not exist or is not attachable.", 404)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("demo"), PolicyArn: aws.String(bad)})
	apiError(t, err, "NoSuchEntity", "Policy "+bad+" does not exist or is not attachable.", 404)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("demo"), PolicyArn: aws.String("Attachable-as-a-name")})
	apiError(t, err, "ValidationError", "Invalid ARN:  Could not be parsed!", 400)
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("wrong-user-name"), PolicyArn: pa})
	apiError(t, err, "NoSuchEntity", "The user with name wrong-user-name cannot be found.", 404)
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("nobody"), PolicyArn: pa})
	apiError(t, err, "NoSuchEntity", "The role with name nobody cannot be found.", 404)

	// ListAttached*, across pages and by PathPrefix.
	arns := []string{aws.ToString(pa)}
	for i := 0; i < 9; i++ {
		arns = append(arns, aws.ToString(polCreate(t, c, fmt.Sprintf("extra%d", i), "/", polDocAllowAll).Arn))
		if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arns[len(arns)-1])}); err != nil {
			t.Fatal(err)
		}
	}
	var listed []string
	var marker *string
	for {
		out, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice"), MaxItems: aws.Int32(4), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.AttachedPolicies {
			listed = append(listed, aws.ToString(a.PolicyArn))
			if !strings.HasSuffix(aws.ToString(a.PolicyArn), "/"+aws.ToString(a.PolicyName)) {
				t.Fatalf("attached = %+v", a)
			}
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if len(listed) != 10 {
		t.Fatalf("listed %d attached policies, want 10: %v", len(listed), listed)
	}
	out, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice"), PathPrefix: aws.String("/x/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AttachedPolicies) != 1 || aws.ToString(out.AttachedPolicies[0].PolicyArn) != aws.ToString(pa) {
		t.Fatalf("PathPrefix /x/ = %+v", out.AttachedPolicies)
	}
	_, err = c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("nobody")})
	apiError(t, err, "NoSuchEntity", "The user with name nobody cannot be found.", 404)

	// The quota: 10 managed policies per user. "Cannot exceed quota for
	// PoliciesPerRole: 10" is quoted from IAM in aws/eks-hybrid#741 (HTTP
	// 409); PoliciesPerUser follows the same pattern (not recorded).
	extra := polCreate(t, c, "eleventh", "/", polDocAllowAll).Arn
	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: extra})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 10", 409)
	for _, a := range arns[1:] {
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("other"), PolicyArn: aws.String(a)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("other"), PolicyArn: extra}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("other"), PolicyArn: pa})
	apiError(t, err, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409)
	ro, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("other"), MaxItems: aws.Int32(6)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ro.AttachedPolicies) != 6 || !ro.IsTruncated {
		t.Fatalf("role page = %d truncated=%v", len(ro.AttachedPolicies), ro.IsTruncated)
	}
	ro, err = c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("other"), Marker: ro.Marker})
	if err != nil {
		t.Fatal(err)
	}
	if len(ro.AttachedPolicies) != 4 || ro.IsTruncated {
		t.Fatalf("role page 2 = %d truncated=%v", len(ro.AttachedPolicies), ro.IsTruncated)
	}

	// Detach, and its refusals: not attached (moto's wording; no
	// recording of real IAM holds it), missing policy, missing role.
	if _, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pa})
	apiError(t, err, "NoSuchEntity", "Policy "+aws.ToString(pa)+" was not found.", 404)
	if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("demo"), PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("demo"), PolicyArn: aws.String(bad)})
	apiError(t, err, "NoSuchEntity", "Policy "+bad+" was not found.", 404)
	_, err = c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("nobody"), PolicyArn: pa})
	apiError(t, err, "NoSuchEntity", "The role with name nobody cannot be found.", 404)
	_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("x-not-an-arn-at-all-x")})
	apiError(t, err, "ValidationError", "Invalid ARN:  Could not be parsed!", 400)
	ro, err = c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ro.AttachedPolicies) != 0 || ro.IsTruncated {
		t.Fatalf("demo still has %+v", ro.AttachedPolicies)
	}
	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pa}); err != nil {
		t.Fatalf("delete after detaching everywhere: %v", err)
	}
}

func TestIAMPoliciesInline(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	c := polRoot(h)
	// A document with characters URL encoding must escape, as in the
	// recorded test_put_user_policy_encoding.
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["apigateway:PUT"], "Resource": ["arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Faaeeieije"]}]}`
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p1"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p1")})
	if err != nil {
		t.Fatal(err)
	}
	if d := polDecode(t, aws.ToString(g.PolicyDocument)); d != doc || aws.ToString(g.UserName) != "alice" || aws.ToString(g.PolicyName) != "p1" {
		t.Fatalf("GetUserPolicy = %s %s %q", aws.ToString(g.UserName), aws.ToString(g.PolicyName), d)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("demo"), PolicyName: aws.String("r1"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	gr, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("demo"), PolicyName: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	if d := polDecode(t, aws.ToString(gr.PolicyDocument)); d != doc || aws.ToString(gr.RoleName) != "demo" {
		t.Fatalf("GetRolePolicy = %s %q", aws.ToString(gr.RoleName), d)
	}

	// Lists across pages.
	for _, n := range []string{"p2", "p3"} {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String(n), PolicyDocument: aws.String(polDocAllowAll)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var marker *string
	for {
		out, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("alice"), MaxItems: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, out.PolicyNames...)
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if strings.Join(names, ",") != "p1,p2,p3" {
		t.Fatalf("ListUserPolicies = %v", names)
	}
	lr, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lr.PolicyNames, ",") != "r1" || lr.IsTruncated {
		t.Fatalf("ListRolePolicies = %v", lr.PolicyNames)
	}

	// Refusals.
	_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("nope")})
	apiError(t, err, "NoSuchEntity", "The user policy with name nope cannot be found.", 404)
	// "The role policy with name X cannot be found." is quoted from IAM in
	// aws/aws-cli#6139.
	_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("demo"), PolicyName: aws.String("nope")})
	apiError(t, err, "NoSuchEntity", "The role policy with name nope cannot be found.", 404)
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("non-existent-user"), PolicyName: aws.String("p"), PolicyDocument: aws.String(polDocAllowAll)})
	apiError(t, err, "NoSuchEntity", "The user with name non-existent-user cannot be found.", 404)
	_, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("nobody")})
	apiError(t, err, "NoSuchEntity", "The role with name nobody cannot be found.", 404)
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("demo"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
	apiError(t, err, "MalformedPolicyDocument", "", 400)
	// An inline identity policy may not name a principal.
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)})
	apiError(t, err, "MalformedPolicyDocument", "", 400)

	// The aggregate inline quota: 2048 non-whitespace characters per user,
	// 10240 per role (IAM User Guide, "IAM and AWS STS quotas").
	big := func(n int) string { // a valid document of exactly n non-whitespace characters
		base := polDoc("s3:GetObject", "arn:aws:s3:::")
		pad := n - len(base)
		return polDoc("s3:GetObject", "arn:aws:s3:::"+strings.Repeat("b", pad))
	}
	if len(big(1500)) != 1500 {
		t.Fatalf("big(1500) has %d characters", len(big(1500)))
	}
	// alice holds p1..p3; replacing p2 with a big one passes the quota.
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p2"), PolicyDocument: aws.String(big(1900))})
	apiError(t, err, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice", 409)
	// Replacing a policy does not count its old document.
	for _, n := range []string{"p1", "p3"} {
		if _, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p2"), PolicyDocument: aws.String(big(2048))}); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	for i := 0; i < 4; i++ {
		if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("other"), PolicyName: aws.String(fmt.Sprintf("q%d", i)), PolicyDocument: aws.String(big(2500))}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("other"), PolicyName: aws.String("q4"), PolicyDocument: aws.String(big(300))})
	apiError(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role other", 409)

	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("demo"), PolicyName: aws.String("r1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("demo"), PolicyName: aws.String("r1")})
	apiError(t, err, "NoSuchEntity", "The role policy with name r1 cannot be found.", 404)
	lr, err = c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	if len(lr.PolicyNames) != 0 {
		t.Fatalf("ListRolePolicies after delete = %v", lr.PolicyNames)
	}
}

// A user without permissions is refused every operation with AWS's
// AccessDenied wording, on the resource the Service Authorization
// Reference names: the policy ARN, the user or role ARN, or "*" for
// ListPolicies.
func TestIAMPoliciesAccessDenied(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	pa := polCreate(t, polRoot(h), "Existing", "/", polDocAllowAll).Arn
	a := polAlice(h)
	denied := func(action, resource string, err error) {
		t.Helper()
		apiError(t, err, "AccessDenied", "User: "+polAliceARN+" is not authorized to perform: "+action+" on resource: "+resource, 403)
	}
	pol := "arn:aws:iam::111111111111:policy/Existing"
	user := "arn:aws:iam::111111111111:user/eng/alice"
	role := "arn:aws:iam::111111111111:role/svc/demo"
	s := aws.String

	_, err := a.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: s("New"), Path: s("/p/"), PolicyDocument: s(polDocAllowAll)})
	denied("iam:CreatePolicy", "arn:aws:iam::111111111111:policy/p/New", err)
	_, err = a.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pa})
	denied("iam:GetPolicy", pol, err)
	_, err = a.ListPolicies(ctx, &iam.ListPoliciesInput{})
	denied("iam:ListPolicies", "*", err)
	_, err = a.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pa})
	denied("iam:DeletePolicy", pol, err)
	_, err = a.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pa, PolicyDocument: s(polDocAllowAll)})
	denied("iam:CreatePolicyVersion", pol, err)
	_, err = a.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pa, VersionId: s("v1")})
	denied("iam:GetPolicyVersion", pol, err)
	_, err = a.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: pa})
	denied("iam:ListPolicyVersions", pol, err)
	_, err = a.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: pa, VersionId: s("v1")})
	denied("iam:SetDefaultPolicyVersion", pol, err)
	_, err = a.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pa, VersionId: s("v1")})
	denied("iam:DeletePolicyVersion", pol, err)
	_, err = a.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: pa})
	denied("iam:ListEntitiesForPolicy", pol, err)

	_, err = a.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: s("alice"), PolicyArn: pa})
	denied("iam:AttachUserPolicy", user, err)
	_, err = a.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: s("alice"), PolicyArn: pa})
	denied("iam:DetachUserPolicy", user, err)
	_, err = a.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: s("alice")})
	denied("iam:ListAttachedUserPolicies", user, err)
	_, err = a.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: s("demo"), PolicyArn: pa})
	denied("iam:AttachRolePolicy", role, err)
	_, err = a.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: s("demo"), PolicyArn: pa})
	denied("iam:DetachRolePolicy", role, err)
	_, err = a.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: s("demo")})
	denied("iam:ListAttachedRolePolicies", role, err)

	_, err = a.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: s("alice"), PolicyName: s("x"), PolicyDocument: s(polDocAllowAll)})
	denied("iam:PutUserPolicy", user, err)
	_, err = a.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: s("alice"), PolicyName: s("x")})
	denied("iam:GetUserPolicy", user, err)
	_, err = a.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: s("alice"), PolicyName: s("x")})
	denied("iam:DeleteUserPolicy", user, err)
	_, err = a.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: s("alice")})
	denied("iam:ListUserPolicies", user, err)
	_, err = a.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: s("demo"), PolicyName: s("x"), PolicyDocument: s(polDocAllowAll)})
	denied("iam:PutRolePolicy", role, err)
	_, err = a.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: s("demo"), PolicyName: s("x")})
	denied("iam:GetRolePolicy", role, err)
	_, err = a.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: s("demo"), PolicyName: s("x")})
	denied("iam:DeleteRolePolicy", role, err)
	_, err = a.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: s("demo")})
	denied("iam:ListRolePolicies", role, err)
	// A user that does not exist is authorized on its default-path ARN, so
	// the refusal tells an unauthorized caller nothing.
	_, err = a.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: s("ghost")})
	denied("iam:ListUserPolicies", "arn:aws:iam::111111111111:user/ghost", err)

	// bob's inline policy allows the policy actions: he is served.
	b := polBob(h)
	if _, err := b.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: s("demo"), PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: s("alice"), PolicyName: s("x"), PolicyDocument: s(polDocAllowAll)}); err != nil {
		t.Fatal(err)
	}
}

// Attaching a managed policy changes what the user may do at once, the
// change survives a restart, and detaching takes it away again. The same
// holds for a new default version and for inline policies.
func TestIAMPoliciesAttachChangesPermissions(t *testing.T) {
	h := start(t, withBootstrap(t, polBootstrap))
	ctx := context.Background()
	root := polRoot(h)
	a := polAlice(h)
	// Checked through two operations: ListPolicies (this group's) and
	// ListRoles (another group's), both served by the same authorizer.
	listDenied := func() {
		t.Helper()
		_, err := a.ListPolicies(ctx, &iam.ListPoliciesInput{})
		apiError(t, err, "AccessDenied", "User: "+polAliceARN+" is not authorized to perform: iam:ListPolicies on resource: *", 403)
		_, err = a.ListRoles(ctx, &iam.ListRolesInput{})
		apiError(t, err, "AccessDenied", "User: "+polAliceARN+" is not authorized to perform: iam:ListRoles", 403)
	}
	listAllowed := func() {
		t.Helper()
		if _, err := a.ListPolicies(ctx, &iam.ListPoliciesInput{}); err != nil {
			t.Fatalf("ListPolicies: %v", err)
		}
		if _, err := a.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
			t.Fatalf("ListRoles: %v", err)
		}
	}
	listDenied()

	canList := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListPolicies","iam:ListRoles"],"Resource":"*"}]}`
	pa := polCreate(t, root, "CanList", "/", canList).Arn
	if _, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	listAllowed()
	h.restart()
	root, a = polRoot(h), polAlice(h)
	listAllowed()

	// A new default version that no longer allows it takes effect at once;
	// going back to v1 restores it.
	if _, err := root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pa, PolicyDocument: aws.String(polDoc("iam:GetPolicy", "*")), SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	listDenied()
	if _, err := root.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: pa, VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	listAllowed()

	if _, err := root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pa}); err != nil {
		t.Fatal(err)
	}
	listDenied()
	h.restart()
	root, a = polRoot(h), polAlice(h)
	listDenied()

	// Inline policies: put grants, delete revokes, at once.
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("list"), PolicyDocument: aws.String(canList)}); err != nil {
		t.Fatal(err)
	}
	listAllowed()
	h.restart()
	root, a = polRoot(h), polAlice(h)
	listAllowed()
	if _, err := root.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("list")}); err != nil {
		t.Fatal(err)
	}
	listDenied()
}
