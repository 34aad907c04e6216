package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The request's own tags reach the policy engine as aws:RequestTag and
// aws:TagKeys as the SDK sends them (Tags.member.N), and iam:PolicyARN as
// the request names it. What each IAM condition key holds (a target's
// boundary as iam:PermissionsBoundary, the IAM User Guide's
// delegated-administrator example) is pinned in
// internal/iam/conditions_test.go; this keeps the keys' path from the
// wire tested, with each refusal through the SDK.
func TestIAMConditionKeys(t *testing.T) {
	yaml := `
accounts:
  - id: "123456789012"
    users:
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
      - name: Allowed
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
      - name: Other
        document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:PutObject", Resource: "*"}]}
`
	h := start(t, withBootstrap(t, yaml))
	ctx := context.Background()
	tagger := h.iamClient("AKIATAGGER0000000001", "taggerSecret0000000000000000000000000000", "")
	blue := []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}
	if _, err := tagger.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("tagged"), Tags: blue}); err != nil {
		t.Fatal(err)
	}
	_, err := tagger.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("red"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:CreateUser", 403)
	_, err = tagger.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("tagged"), Tags: append(blue, types.Tag{Key: aws.String("cost"), Value: aws.String("1")})})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:TagUser", 403)
	// iam:PolicyARN: only the named policy may be attached.
	if _, err := tagger.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("tagged"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Allowed")}); err != nil {
		t.Fatal(err)
	}
	_, err = tagger.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("tagged"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/Other")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:AttachUserPolicy", 403)
	// DeleteUserPermissionsBoundary's refusal over the wire (the
	// delegation example's explicit Deny of it is in internal/iam).
	_, err = tagger.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("tagged")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/Tagger is not authorized to perform: iam:DeleteUserPermissionsBoundary on resource: arn:aws:iam::123456789012:user/tagged because no identity-based policy allows the iam:DeleteUserPermissionsBoundary action", 403)
}
