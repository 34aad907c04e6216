package app_test

import (
	"context"
	"encoding/base32"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/stsd/stsd/internal/mfa"
)

// The request examples of the STS model (aws-models/sts.examples-1.json,
// the ones the SDKs' documentation shows for assume_role,
// get_federation_token and get_session_token), replayed with real values
// in place of the placeholders: a real MFA serial and code, a caller the
// role trusts.
const examplesBootstrap = `
accounts:
  - id: "123456789012"
    users:
      - name: Bob
        access_keys: [{id: AKIABOBEXAMPLE000001, secret: "bobExampleSecret000000000000000000000000"}]
        inline_policies:
          federate:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["sts:GetFederationToken", "sts:TagSession"], Resource: "*"}
        mfa_devices: [{serial: "arn:aws:iam::123456789012:mfa/Bob", seed: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP}]
    roles:
      - name: demo
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: "arn:aws:iam::123456789012:user/Bob"}
              Action: ["sts:AssumeRole", "sts:TagSession"]
              Condition: {StringEquals: {"sts:ExternalId": "123ABC"}}
`

func TestModelExamples(t *testing.T) {
	h := start(t, withBootstrap(t, examplesBootstrap))
	ctx := context.Background()
	bob := h.stsClient("AKIABOBEXAMPLE000001", "bobExampleSecret000000000000000000000000", "")
	examplePolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`

	// "To assume a role".
	ar, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{
		ExternalId:      aws.String("123ABC"),
		Policy:          aws.String(examplePolicy),
		RoleArn:         aws.String("arn:aws:iam::123456789012:role/demo"),
		RoleSessionName: aws.String("testAssumeRoleSession"),
		Tags: []types.Tag{
			{Key: aws.String("Project"), Value: aws.String("Unicorn")},
			{Key: aws.String("Team"), Value: aws.String("Automation")},
			{Key: aws.String("Cost-Center"), Value: aws.String("12345")},
		},
		TransitiveTagKeys: []string{"Project", "Cost-Center"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ar.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/demo/testAssumeRoleSession" || ar.PackedPolicySize == nil {
		t.Fatalf("AssumeRole example: %+v", ar.AssumedRoleUser)
	}
	claims, err := h.app.SessionRing().Open(aws.ToString(ar.Credentials.SessionToken))
	if err != nil || len(claims.Tags) != 3 || len(claims.TransitiveTagKeys) != 2 || claims.SessionPolicy != examplePolicy {
		t.Fatalf("session %v %v", claims, err)
	}

	// "To get temporary credentials for a role by using GetFederationToken".
	ft, err := bob.GetFederationToken(ctx, &sts.GetFederationTokenInput{
		DurationSeconds: aws.Int32(3600),
		Name:            aws.String("testFedUserSession"),
		Policy:          aws.String(examplePolicy),
		Tags: []types.Tag{
			{Key: aws.String("Project"), Value: aws.String("Pegasus")},
			{Key: aws.String("Cost-Center"), Value: aws.String("98765")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ft.FederatedUser.Arn) != "arn:aws:sts::123456789012:federated-user/testFedUserSession" ||
		aws.ToString(ft.FederatedUser.FederatedUserId) != "123456789012:testFedUserSession" {
		t.Fatalf("GetFederationToken example: %+v", ft.FederatedUser)
	}

	// "To get temporary credentials for an IAM user or an AWS account".
	seed, _ := base32.StdEncoding.DecodeString("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	st, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{
		DurationSeconds: aws.Int32(3600),
		SerialNumber:    aws.String("arn:aws:iam::123456789012:mfa/Bob"),
		TokenCode:       aws.String(mfa.Code(seed, h.clock.Now())),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := st.Credentials.Expiration.Sub(h.clock.Now()); d < 3598*time.Second || d > 3600*time.Second {
		t.Fatalf("GetSessionToken example expires in %v", d)
	}

	// "To get details about a calling user federated with AssumeRole" and
	// "... with GetFederationToken": the identities those sessions report.
	for creds, want := range map[*types.Credentials][2]string{
		ar.Credentials: {"arn:aws:sts::123456789012:assumed-role/demo/testAssumeRoleSession", aws.ToString(ar.AssumedRoleUser.AssumedRoleId)},
		ft.Credentials: {"arn:aws:sts::123456789012:federated-user/testFedUserSession", "123456789012:testFedUserSession"},
	} {
		id, err := h.withCreds(creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Arn) != want[0] || aws.ToString(id.UserId) != want[1] || aws.ToString(id.Account) != "123456789012" {
			t.Fatalf("GetCallerIdentity = %v %v, want %v", id, err, want)
		}
	}
}
