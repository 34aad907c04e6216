package app_test

import (
	"context"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stsd/stsd/internal/mfa"
)

func TestGetSessionToken(t *testing.T) {
	h := start(t, withBootstrap(t, userBootstrap))
	ctx := context.Background()
	alice := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "")

	// IAM user, default duration 43,200 s (STS API reference,
	// GetSessionToken: "with 43,200 seconds (12 hours) as the default").
	out, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.AccessKeyId)) != 20 || len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
		t.Fatalf("credentials %+v", c)
	}
	if d := c.Expiration.Sub(h.clock.Now()); d < 43200*time.Second-2*time.Second || d > 43200*time.Second {
		t.Fatalf("expiration in %v, want 12h", d)
	}
	// The credentials work and name the user (GetCallerIdentity reports the
	// IAM user for GetSessionToken sessions).
	temp := h.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	id, err := temp.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::111111111111:user/engineering/alice" || !strings.HasPrefix(aws.ToString(id.UserId), "AIDA") {
		t.Fatalf("identity %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
	}
	// Refused with session credentials, with the message SDK users report.
	_, err = temp.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	apiError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials", 403)

	// An explicit duration within the model's 900..129600 range.
	out, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.Credentials.Expiration.Sub(h.clock.Now()); d < 898*time.Second || d > 900*time.Second {
		t.Fatalf("expiration in %v, want 15m", d)
	}
	_, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(899)})
	apiError(t, err, "ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", 400)

	// The session expires: ExpiredToken once the server's clock passes
	// Expiration. The SDK signs with the real clock, so keep the server
	// within the 15-minute skew window: issue 10 minutes in the past, then
	// look 6 minutes in the future (1 minute after expiry).
	h.clock.Add(-10 * time.Minute)
	out, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	short := out.Credentials
	h.clock.Add(16 * time.Minute)
	_, err = h.stsClient(aws.ToString(short.AccessKeyId), aws.ToString(short.SecretAccessKey), aws.ToString(short.SessionToken)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "ExpiredToken", "The security token included in the request is expired", 403)
}

// "Sessions for AWS account owners are restricted to a maximum of 3,600
// seconds (one hour). If the duration is longer than one hour, the session
// for AWS account owners defaults to one hour." (STS API reference,
// GetSessionToken).
func TestGetSessionTokenRoot(t *testing.T) {
	h := start(t, nil)
	ctx := context.Background()
	root := h.stsClient(rootKeyID, rootSecret, "")
	for _, req := range []*int32{nil, aws.Int32(7200)} {
		out, err := root.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: req})
		if err != nil {
			t.Fatal(err)
		}
		if d := out.Credentials.Expiration.Sub(h.clock.Now()); d < 3598*time.Second || d > 3600*time.Second {
			t.Fatalf("root session for %v: expiration in %v, want 1h", req, d)
		}
		c := out.Credentials
		id, err := h.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(id.UserId) != "000000000000" {
			t.Fatalf("root session identity %v %v", id, err)
		}
	}
}

const mfaBootstrap = `
accounts:
  - id: "111111111111"
    users:
      - name: alice
        access_keys:
          - {id: AKIAALICE00000000001, secret: "aliceSecret00000000000000000000000000000"}
        mfa_devices:
          - {serial: "arn:aws:iam::111111111111:mfa/alice", seed: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP}
      - name: bob
        access_keys:
          - {id: AKIABOB0000000000001, secret: "bobSecret0000000000000000000000000000000"}
`

// GetSessionToken with MFA: the code is checked against the caller's
// enabled device (RFC 6238 TOTP), accepted once, and the session records
// MFA (aws:MultiFactorAuthPresent). Messages: STS's AccessDenied texts for
// an invalid code and for a device it cannot validate.
func TestGetSessionTokenWithMFA(t *testing.T) {
	h := start(t, withBootstrap(t, mfaBootstrap))
	ctx := context.Background()
	seed, err := base32.StdEncoding.DecodeString("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	alice := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "")
	serial := aws.String("arn:aws:iam::111111111111:mfa/alice")
	code := mfa.Code(seed, h.clock.Now())

	out, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(code)})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := h.app.SessionRing().Open(aws.ToString(out.Credentials.SessionToken))
	if err != nil {
		t.Fatal(err)
	}
	if !claims.MFAAuthenticated || claims.MFAAuthTime.IsZero() {
		t.Fatalf("session does not record MFA: %v", claims)
	}

	// The same code again is a replay.
	_, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(code)})
	apiError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)

	// The next step's code works (±1 step tolerance), a wrong one does not.
	next := mfa.Code(seed, h.clock.Now().Add(30*time.Second))
	if _, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(next)}); err != nil {
		t.Fatalf("next step's code: %v", err)
	}
	wrong := "000000"
	if wrong == mfa.Code(seed, h.clock.Now().Add(60*time.Second)) {
		wrong = "111111"
	}
	_, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(wrong)})
	apiError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)

	// Bob cannot use Alice's device.
	bob := h.stsClient("AKIABOB0000000000001", "bobSecret0000000000000000000000000000000", "")
	h.clock.Add(2 * time.Minute)
	_, err = bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String(mfa.Code(seed, h.clock.Now()))})
	apiError(t, err, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.", 403)

	// A code needs its serial number.
	_, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{TokenCode: aws.String(mfa.Code(seed, h.clock.Now()))})
	apiError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)

	// The model's constraint on TokenCode: six digits.
	_, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: serial, TokenCode: aws.String("12345a")})
	apiError(t, err, "ValidationError", "1 validation error detected: Value '12345a' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*", 400)
}

// GetSessionToken credentials without MFA are not accepted by IAM at all
// ("You cannot call any IAM API operations unless MFA authentication
// information is included in the request", STS API reference,
// GetSessionToken); IAM answers InvalidClientTokenId. With MFA they pass
// authentication.
func TestSessionTokenCredentialsAtIAM(t *testing.T) {
	h := start(t, withBootstrap(t, mfaBootstrap))
	ctx := context.Background()
	alice := h.stsClient("AKIAALICE00000000001", "aliceSecret00000000000000000000000000000", "")
	iamAs := func(c *types.Credentials) *iam.Client {
		return iam.New(iam.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(h.srv.URL), Retryer: transportRetryer(),
			HTTPClient:  testHTTPClient(),
			Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)),
		})
	}
	plain, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = iamAs(plain.Credentials).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid", 403)

	seed, _ := base32.StdEncoding.DecodeString("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	withMFA, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{
		SerialNumber: aws.String("arn:aws:iam::111111111111:mfa/alice"), TokenCode: aws.String(mfa.Code(seed, h.clock.Now())),
	})
	if err != nil {
		t.Fatal(err)
	}
	// With MFA the session reaches IAM, which authorizes it with alice's
	// own permissions: she has none (AWS's AccessDenied wording; for
	// ListUsers AWS names arn:aws:iam::ACCOUNT:user/ as the resource).
	_, err = iamAs(withMFA.Credentials).ListUsers(ctx, &iam.ListUsersInput{})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::111111111111:user/ because no identity-based policy allows the iam:ListUsers action", 403)
}
