package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/testref"
)

// IAM's own condition keys reach the policy engine: iam:PermissionsBoundary
// (the boundary being set, or the target user's), iam:PolicyARN,
// aws:RequestTag/aws:TagKeys. The delegated-administrator policy is the IAM
// User Guide's own example ("Permissions boundaries for IAM entities",
// "Delegating responsibility to others using permissions boundaries";
// ../shared/reference/iam-policy/aws-docs-examples), used verbatim for
// Maria in account 123456789012.
func TestIAMConditionKeys(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testref.Dir(t, "iam-policy/aws-docs-examples"), "boundary-delegation-create-only-with-boundary.json"))
	if err != nil {
		t.Fatal(err)
	}
	yaml := `
accounts:
  - id: "123456789012"
    users:
      - name: Maria
        access_keys: [{id: AKIAMARIA00000000001, secret: "mariaSecret00000000000000000000000000000"}]
        inline_policies:
          delegated: '` + strings.ReplaceAll(string(doc), "\n", " ") + `'
      - name: Tagger
        access_keys: [{id: AKIATAGGER0000000001, secret: "taggerSecret0000000000000000000000000000"}]
        inline_policies:
          tagging:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: ["iam:CreateUser", "iam:TagUser"]
                Resource: "*"
                Condition: {StringEquals: {"aws:RequestTag/team": "blue"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}
              - Effect: Allow
                Action: "iam:AttachUserPolicy"
                Resource: "*"
                Condition: {ArnEquals: {"iam:PolicyARN": "arn:aws:iam::123456789012:policy/Allowed"}}
    policies:
      - name: XCompanyBoundaries
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
      - name: Allowed
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
      - name: Other
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:PutObject", Resource: "*"}]}
`
	h := start(t, withBootstrap(t, yaml))
	ctx := context.Background()
	maria := h.iamClient("AKIAMARIA00000000001", "mariaSecret00000000000000000000000000000", "")
	boundary := aws.String("arn:aws:iam::123456789012:policy/XCompanyBoundaries")

	// CreateUser only with the boundary.
	_, err = maria.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("free")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Maria is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/free", 403)
	if _, err := maria.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bounded"), PermissionsBoundary: boundary}); err != nil {
		t.Fatal(err)
	}
	// Attaching to a user whose boundary is XCompanyBoundaries is allowed:
	// iam:PermissionsBoundary is the target's boundary.
	if _, err := maria.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bounded"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Allowed")}); err != nil {
		t.Fatal(err)
	}
	// ... and refused on a user without it (Tagger has no boundary).
	_, err = maria.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("Tagger"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Allowed")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Maria is not authorized to perform: iam:AttachUserPolicy", 403)
	// The example denies removing boundaries outright.
	_, err = maria.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bounded")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Maria is not authorized to perform: iam:DeleteUserPermissionsBoundary", 403)

	tagger := h.iamClient("AKIATAGGER0000000001", "taggerSecret0000000000000000000000000000", "")
	blue := []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}
	if _, err := tagger.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("tagged"), Tags: blue}); err != nil {
		t.Fatal(err)
	}
	_, err = tagger.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("red"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:CreateUser", 403)
	_, err = tagger.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("tagged"), Tags: append(blue, types.Tag{Key: aws.String("cost"), Value: aws.String("1")})})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:TagUser", 403)
	// iam:PolicyARN: only the named policy may be attached.
	if _, err := tagger.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("tagged"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Allowed")}); err != nil {
		t.Fatal(err)
	}
	_, err = tagger.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("tagged"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Other")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:AttachUserPolicy", 403)
}
