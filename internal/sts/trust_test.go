package sts

import (
	"testing"

	"github.com/stsd/stsd/internal/apierr/apierrtest"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
)

// Cross-account with an external ID (IAM User Guide, "How to use an
// external ID"): the trust policy of account 111111111111 names account
// 222222222222 and the caller's own identity policy must also allow.
func TestAssumeRoleCrossAccountExternalID(t *testing.T) {
	h := newHarness(t, "111111111111", "222222222222")
	ctx := h.ctx
	h.ok(h.iam.CreateRole(ctx, h.root("111111111111"), &iamapi.CreateRoleRequest{RoleName: "third-party", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"Unique-Id-1234"}}}]}`}))
	other := h.root("222222222222")
	h.ok(h.iam.CreateUser(ctx, other, &iamapi.CreateUserRequest{UserName: "dave"}))
	h.ok(h.iam.PutUserPolicy(ctx, other, &iamapi.PutUserPolicyRequest{UserName: "dave", PolicyName: "cross",
		PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/third-party"}]}`}))
	h.ok(h.iam.CreateUser(ctx, other, &iamapi.CreateUserRequest{UserName: "eve"}))
	assume := func(who, externalID string) (*stsapi.AssumeRoleResponse, error) {
		return h.svc.AssumeRole(ctx, h.user("222222222222", who), &stsapi.AssumeRoleRequest{
			RoleArn: "arn:aws:iam::111111111111:role/third-party", RoleSessionName: who, ExternalId: externalID})
	}

	out, err := assume("dave", "Unique-Id-1234")
	if err != nil {
		t.Fatal(err)
	}
	if out.AssumedRoleUser.Arn != "arn:aws:sts::111111111111:assumed-role/third-party/dave" {
		t.Fatalf("arn %s", out.AssumedRoleUser.Arn)
	}
	_, err = assume("dave", "Wrong-Id-9999")
	apierrtest.Want(t, apimodel.STS, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/dave is not authorized to perform: sts:AssumeRole", 403)
	_, err = assume("dave", "")
	apierrtest.Want(t, apimodel.STS, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/dave is not authorized to perform: sts:AssumeRole", 403)
	// Eve's account is trusted, but her own policies do not allow it.
	_, err = assume("eve", "Unique-Id-1234")
	apierrtest.Want(t, apimodel.STS, err, "AccessDenied", "User: arn:aws:iam::222222222222:user/eve is not authorized to perform: sts:AssumeRole", 403)
}
