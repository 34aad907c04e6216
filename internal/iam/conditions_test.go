package iam

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/testref"
)

// IAM's own condition keys reach the policy engine: iam:PermissionsBoundary
// (the boundary being set, or the target user's), iam:PolicyARN,
// aws:RequestTag/aws:TagKeys. The delegated-administrator policy is the IAM
// User Guide's own example ("Permissions boundaries for IAM entities",
// "Delegating responsibility to others using permissions boundaries";
// ../shared/reference/iam-policy/aws-docs-examples), used verbatim for
// Maria in account 123456789012.
func TestConditionKeys(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testref.Dir(t, "iam-policy/aws-docs-examples"), "boundary-delegation-create-only-with-boundary.json"))
	if err != nil {
		t.Fatal(err)
	}
	const acct = "123456789012"
	h := newHarness(t, acct)
	s, ctx, root := h.svc, h.ctx, h.root()
	h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: "Maria"}))
	h.ok(s.PutUserPolicy(ctx, root, &iamapi.PutUserPolicyRequest{UserName: "Maria", PolicyName: "delegated", PolicyDocument: string(doc)}))
	h.ok(s.CreateUser(ctx, root, &iamapi.CreateUserRequest{UserName: "Tagger"}))
	h.ok(s.PutUserPolicy(ctx, root, &iamapi.PutUserPolicyRequest{UserName: "Tagger", PolicyName: "tagging", PolicyDocument: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:CreateUser","iam:TagUser"],"Resource":"*",
		 "Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}},
		{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*",
		 "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::123456789012:policy/Allowed"}}}]}`}))
	for name, action := range map[string]string{"XCompanyBoundaries": "s3:*", "Allowed": "s3:GetObject", "Other": "s3:PutObject"} {
		h.ok(s.CreatePolicy(ctx, root, &iamapi.CreatePolicyRequest{PolicyName: name,
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`}))
	}
	maria := h.user("Maria")
	boundary := "arn:aws:iam::123456789012:policy/XCompanyBoundaries"

	// CreateUser only with the boundary.
	_, err = s.CreateUser(ctx, maria, &iamapi.CreateUserRequest{UserName: "free"})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Maria is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/free", 403)
	h.ok(s.CreateUser(ctx, maria, &iamapi.CreateUserRequest{UserName: "bounded", PermissionsBoundary: boundary}))
	// Attaching to a user whose boundary is XCompanyBoundaries is allowed:
	// iam:PermissionsBoundary is the target's boundary.
	h.ok(s.AttachUserPolicy(ctx, maria, &iamapi.AttachUserPolicyRequest{UserName: "bounded", PolicyArn: "arn:aws:iam::123456789012:policy/Allowed"}))
	// ... and refused on a user without it (Tagger has no boundary).
	_, err = s.AttachUserPolicy(ctx, maria, &iamapi.AttachUserPolicyRequest{UserName: "Tagger", PolicyArn: "arn:aws:iam::123456789012:policy/Allowed"})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Maria is not authorized to perform: iam:AttachUserPolicy", 403)
	// The example denies removing boundaries outright.
	_, err = s.DeleteUserPermissionsBoundary(ctx, maria, &iamapi.DeleteUserPermissionsBoundaryRequest{UserName: "bounded"})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Maria is not authorized to perform: iam:DeleteUserPermissionsBoundary", 403)

	tagger := h.user("Tagger")
	blue := []iamapi.Tag{{Key: "team", Value: "blue"}}
	h.ok(s.CreateUser(ctx, tagger, &iamapi.CreateUserRequest{UserName: "tagged", Tags: blue}))
	_, err = s.CreateUser(ctx, tagger, &iamapi.CreateUserRequest{UserName: "red", Tags: []iamapi.Tag{{Key: "team", Value: "red"}}})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:CreateUser", 403)
	_, err = s.TagUser(ctx, tagger, &iamapi.TagUserRequest{UserName: "tagged", Tags: append(blue, iamapi.Tag{Key: "cost", Value: "1"})})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:TagUser", 403)
	// iam:PolicyARN: only the named policy may be attached.
	h.ok(s.AttachUserPolicy(ctx, tagger, &iamapi.AttachUserPolicyRequest{UserName: "tagged", PolicyArn: "arn:aws:iam::123456789012:policy/Allowed"}))
	_, err = s.AttachUserPolicy(ctx, tagger, &iamapi.AttachUserPolicyRequest{UserName: "tagged", PolicyArn: "arn:aws:iam::123456789012:policy/Other"})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:AttachUserPolicy", 403)
}
