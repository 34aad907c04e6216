package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// GetFederationToken, modelled on the SDK examples (get_federation_token
// with a policy and tags): the federated user's ARN and id as the STS API
// reference shows them, durations, and the permission the caller needs.
func TestGetFederationToken(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	ctx := context.Background()
	alice := h.as("alice")
	out, err := alice.GetFederationToken(ctx, &sts.GetFederationTokenInput{
		Name:   aws.String("Bob"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
		Tags: []types.Tag{
			{Key: aws.String("Project"), Value: aws.String("Pegasus")},
			{Key: aws.String("Cost-Center"), Value: aws.String("98765")},
		},
		DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.FederatedUser.Arn) != "arn:aws:sts::111111111111:federated-user/Bob" || aws.ToString(out.FederatedUser.FederatedUserId) != "111111111111:Bob" {
		t.Fatalf("federated user %+v", out.FederatedUser)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 {
		t.Fatalf("PackedPolicySize %v", out.PackedPolicySize)
	}
	if d := out.Credentials.Expiration.Sub(h.clock.Now()); d < 3598*time.Second || d > 3600*time.Second {
		t.Fatalf("expires in %v", d)
	}
	fed := h.withCreds(out.Credentials)
	id, err := fed.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::111111111111:federated-user/Bob" || aws.ToString(id.UserId) != "111111111111:Bob" {
		t.Fatalf("federated identity %v %v", id, err)
	}
	// A federated session may call only GetCallerIdentity in STS.
	_, err = fed.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAALICE00000000001")})
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:federated-user/Bob is not authorized to perform: sts:GetAccessKeyInfo", 403)
	_, err = assume(fed, acct1+"demo", "s1")
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::111111111111:federated-user/Bob is not authorized to perform: sts:AssumeRole", 403)
	_, err = fed.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Again")})
	apiError(t, err, "AccessDenied", "Cannot call GetFederationToken with session credentials", 403)
	_, err = fed.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	apiError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials", 403)

	// Bob has no policy allowing sts:GetFederationToken.
	_, err = h.as("bob").GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Someone")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::111111111111:federated-user/Someone because no identity-based policy allows the sts:GetFederationToken action", 403)
	// The model's Name constraints (2..32 characters of [\w+=,.@-]).
	_, err = alice.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("B")})
	apiError(t, err, "ValidationError", "1 validation error detected: Value 'B' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2", 400)

	// The root may federate, capped at one hour.
	out, err = h.stsClient(rootKeyID, rootSecret, "").GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("RootFed"), DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.Credentials.Expiration.Sub(h.clock.Now()); d < 3598*time.Second || d > 3600*time.Second {
		t.Fatalf("root federation expires in %v", d)
	}
}

// A GetSessionToken session may call AssumeRole and GetCallerIdentity and
// no other STS operation (STS API reference, GetSessionToken).
func TestSessionTokenCredentialsInSTS(t *testing.T) {
	h := start(t, withBootstrap(t, assumeBootstrap))
	ctx := context.Background()
	out, err := h.as("alice").GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	session := h.withCreds(out.Credentials)
	if _, err := assume(session, acct1+"demo", "from-session"); err != nil {
		t.Fatalf("AssumeRole with GetSessionToken credentials: %v", err)
	}
	_, err = session.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAALICE00000000001")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:GetAccessKeyInfo", 403)
	_, err = session.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Bob")})
	apiError(t, err, "AccessDenied", "Cannot call GetFederationToken with session credentials", 403)
}
