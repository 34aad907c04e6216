package app_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A session outlives nothing of its user: once the user is deleted, a new
// user of the same name (a new user id) lends the old user's sessions none
// of its permissions, as a re-created role lends none to the old role's
// sessions. IAM identifies principals by their unique id: "if you delete
// an IAM user and then create a new user with the same name, the new user
// has a different unique ID" and policies naming the old one do not apply
// (IAM User Guide, "IAM identifiers", unique IDs).
func TestSessionOfDeletedUserGainsNothingFromNewNamesake(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	root := h.rootIAM()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	allowAll := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	must(root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetSessionToken","sts:AssumeRole"],"Resource":"*"}]}`)}))
	k, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	bob := h.stsClient(*k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	st, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	must(root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ops"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`)}))
	assume := func(c *sts.Client) error {
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/ops"), RoleSessionName: aws.String("s1")})
		return err
	}
	old := h.stsClient(*st.Credentials.AccessKeyId, *st.Credentials.SecretAccessKey, *st.Credentials.SessionToken)
	if err := assume(old); err != nil {
		t.Fatalf("old session before the user was deleted: %v", err)
	}
	must(root.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k.AccessKey.AccessKeyId}))
	must(root.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p")}))
	must(root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob")}))
	must(root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	must(root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")}))
	must(root.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("all"), PolicyDocument: allowAll}))
	must(root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("bob")}))

	// The old session may still call AssumeRole, but as nobody: the role
	// trusts the account, so only bob's identity policies could allow it,
	// and the new bob's group policy is not the old bob's.
	apiError(t, assume(old), "AccessDenied", "User: arn:aws:iam::000000000000:user/bob is not authorized to perform: sts:AssumeRole", 403)
	// The new bob's own session may.
	k2, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	if err := assume(h.stsClient(*k2.AccessKey.AccessKeyId, *k2.AccessKey.SecretAccessKey, "")); err != nil {
		t.Fatalf("new bob: %v", err)
	}
}

// GetFederationToken credentials "cannot call any IAM operations using the
// CLI or the Amazon Web Services API" (STS API reference,
// GetFederationToken), whatever their policies allow; stsd refuses them as
// IAM refuses GetSessionToken credentials without MFA.
func TestFederatedSessionCannotCallIAM(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	fed, err := h.stsClient(rootKeyID, rootSecret, "").GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("fed1"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	c := fed.Credentials
	_, err = h.iamClient(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid", 403)
	_, err = h.iamClient(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid", 403)
	// STS's GetCallerIdentity still answers.
	if _, err := h.stsClient(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
}
