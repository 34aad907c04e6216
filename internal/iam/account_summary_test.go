package iam

import (
	"encoding/base32"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/mfa"
)

// The counters' moves (one provider of each kind moves Providers by 2; a
// policy attached to a role moves PolicyVersionsInUse by 1) are those of a
// real answer recorded in localstack/localstack
// tests/aws/services/iam/test_iam_account_summary.snapshot.json (2026-02)
// and the AWS CLI reference's key descriptions (get-account-summary). A
// permissions boundary counting in PolicyVersionsInUse is stsd's reading,
// asserted so a change is deliberate.

// summaryCounts answers the summary of account acct, asked by its root.
func summaryCounts(t *testing.T, h *harness, acct string) map[string]int32 {
	t.Helper()
	out, err := h.svc.GetAccountSummary(h.ctx, rootCall(acct), &struct{}{})
	if err != nil {
		t.Fatalf("GetAccountSummary: %v", err)
	}
	return out.SummaryMap
}

// wantSummary checks the given keys of a summary.
func wantSummary(t *testing.T, step string, got, want map[string]int32) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %d, want %d", step, k, got[k], v)
		}
	}
}

// Entities of every kind the summary counts move each counter, in their
// account only, up as they come and down as they go.
func TestAccountSummaryCounts(t *testing.T) {
	const acct, other = "222222222222", "111111111111"
	h := newHarness(t, acct)
	h.addAccount(other)
	s, ctx, c := h.svc, h.ctx, h.root()
	// must(step)(out, err) fails the test on err.
	must := func(step string) func(any, error) {
		return func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
	}
	// The other account holds two users; the root here has an access key.
	for _, n := range []string{"nobody", "reader"} {
		must("CreateUser")(s.CreateUser(ctx, rootCall(other), &iamapi.CreateUserRequest{UserName: n}))
	}
	must("CreateAccessKey")(s.CreateAccessKey(ctx, c, &iamapi.CreateAccessKeyRequest{}))
	counters := func(users, groups, roles, policies, inUse, profiles, providers, mfas, mfasInUse, rootCerts int32) map[string]int32 {
		return map[string]int32{
			"Users": users, "Groups": groups, "Roles": roles, "Policies": policies, "PolicyVersionsInUse": inUse,
			"InstanceProfiles": profiles, "Providers": providers, "MFADevices": mfas, "MFADevicesInUse": mfasInUse,
			"ServerCertificates": 0, "AccountMFAEnabled": 0, "AccountPasswordPresent": 0,
			"AccountAccessKeysPresent": 1, "AccountSigningCertificatesPresent": rootCerts,
		}
	}
	wantSummary(t, "empty account", summaryCounts(t, h, acct), counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	must("CreateUser")(s.CreateUser(ctx, c, &iamapi.CreateUserRequest{UserName: "alice"}))
	must("CreateUser")(s.CreateUser(ctx, c, &iamapi.CreateUserRequest{UserName: "bob", Path: "/eng/"}))
	// A user's access key is not the root's.
	must("CreateAccessKey")(s.CreateAccessKey(ctx, c, &iamapi.CreateAccessKeyRequest{UserName: "alice"}))
	must("CreateGroup")(s.CreateGroup(ctx, c, &iamapi.CreateGroupRequest{GroupName: "devs"}))
	must("CreateGroup")(s.CreateGroup(ctx, c, &iamapi.CreateGroupRequest{GroupName: "ops", Path: "/team/"}))
	must("CreateRole")(s.CreateRole(ctx, c, &iamapi.CreateRoleRequest{RoleName: "app", AssumeRolePolicyDocument: trust}))
	pol, err := s.CreatePolicy(ctx, c, &iamapi.CreatePolicyRequest{PolicyName: "read", PolicyDocument: doc})
	must("CreatePolicy")(pol, err)
	bound, err := s.CreatePolicy(ctx, c, &iamapi.CreatePolicyRequest{PolicyName: "bound", Path: "/b/", PolicyDocument: doc})
	must("CreatePolicy")(bound, err)
	must("CreatePolicy")(s.CreatePolicy(ctx, c, &iamapi.CreatePolicyRequest{PolicyName: "unused", PolicyDocument: doc}))
	must("CreateInstanceProfile")(s.CreateInstanceProfile(ctx, c, &iamapi.CreateInstanceProfileRequest{InstanceProfileName: "web"}))
	wantSummary(t, "entities", summaryCounts(t, h, acct), counters(2, 2, 1, 3, 0, 1, 0, 0, 0, 0))

	// One policy attached three times and a second one as a boundary are
	// two policies in use; extra versions do not count.
	readARN, boundARN := pol.Policy.Arn, bound.Policy.Arn
	setDefault := true
	must("AttachUserPolicy")(s.AttachUserPolicy(ctx, c, &iamapi.AttachUserPolicyRequest{UserName: "alice", PolicyArn: readARN}))
	must("AttachGroupPolicy")(s.AttachGroupPolicy(ctx, c, &iamapi.AttachGroupPolicyRequest{GroupName: "ops", PolicyArn: readARN}))
	must("AttachRolePolicy")(s.AttachRolePolicy(ctx, c, &iamapi.AttachRolePolicyRequest{RoleName: "app", PolicyArn: readARN}))
	wantSummary(t, "attached", summaryCounts(t, h, acct), counters(2, 2, 1, 3, 1, 1, 0, 0, 0, 0))
	must("PutUserPermissionsBoundary")(s.PutUserPermissionsBoundary(ctx, c, &iamapi.PutUserPermissionsBoundaryRequest{UserName: "bob", PermissionsBoundary: boundARN}))
	must("CreatePolicyVersion")(s.CreatePolicyVersion(ctx, c, &iamapi.CreatePolicyVersionRequest{PolicyArn: readARN, PolicyDocument: doc, SetAsDefault: &setDefault}))
	wantSummary(t, "boundary", summaryCounts(t, h, acct), counters(2, 2, 1, 3, 2, 1, 0, 0, 0, 0))

	// One provider of each kind.
	must("CreateOpenIDConnectProvider")(s.CreateOpenIDConnectProvider(ctx, c, &iamapi.CreateOpenIDConnectProviderRequest{
		Url: "https://idp.example.test", ClientIDList: []string{"app"}, ThumbprintList: []string{strings.Repeat("a", 40)},
	}))
	must("CreateSAMLProvider")(s.CreateSAMLProvider(ctx, c, &iamapi.CreateSAMLProviderRequest{Name: "corp",
		SAMLMetadataDocument: metadataDoc("", keyDescriptor("signing", rsaCert(t, 2048)))}))

	// Two virtual MFA devices, one assigned to alice.
	var serial string
	for _, name := range []string{"alice-phone", "spare"} {
		d, err := s.CreateVirtualMFADevice(ctx, c, &iamapi.CreateVirtualMFADeviceRequest{VirtualMFADeviceName: name})
		must("CreateVirtualMFADevice")(d, err)
		if name != "alice-phone" {
			continue
		}
		seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(d.VirtualMFADevice.Base32StringSeed))
		must("seed")(seed, err)
		step := mfa.StepOf(h.now)
		serial = d.VirtualMFADevice.SerialNumber
		must("EnableMFADevice")(s.EnableMFADevice(ctx, c, &iamapi.EnableMFADeviceRequest{
			UserName: "alice", SerialNumber: serial,
			AuthenticationCode1: mfa.CodeAt(seed, step-1), AuthenticationCode2: mfa.CodeAt(seed, step),
		}))
	}
	// The root's own signing certificate.
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER(t, h.now.Add(-time.Hour), h.now.Add(24*time.Hour))})
	must("UploadSigningCertificate")(s.UploadSigningCertificate(ctx, c, &iamapi.UploadSigningCertificateRequest{CertificateBody: string(certPEM)}))
	full := counters(2, 2, 1, 3, 2, 1, 2, 2, 1, 1)
	wantSummary(t, "everything", summaryCounts(t, h, acct), full)

	// The other account's counters did not move.
	wantSummary(t, "other account", summaryCounts(t, h, other), map[string]int32{
		"Users": 2, "Groups": 0, "Roles": 0, "Policies": 0, "PolicyVersionsInUse": 0, "Providers": 0, "MFADevices": 0,
		"AccountSigningCertificatesPresent": 0,
	})

	// Counters go down again as entities go.
	must("DeactivateMFADevice")(s.DeactivateMFADevice(ctx, c, &iamapi.DeactivateMFADeviceRequest{UserName: "alice", SerialNumber: serial}))
	must("DetachUserPolicy")(s.DetachUserPolicy(ctx, c, &iamapi.DetachUserPolicyRequest{UserName: "alice", PolicyArn: readARN}))
	must("DetachGroupPolicy")(s.DetachGroupPolicy(ctx, c, &iamapi.DetachGroupPolicyRequest{GroupName: "ops", PolicyArn: readARN}))
	wantSummary(t, "still attached to the role", summaryCounts(t, h, acct), counters(2, 2, 1, 3, 2, 1, 2, 2, 0, 1))
	must("DetachRolePolicy")(s.DetachRolePolicy(ctx, c, &iamapi.DetachRolePolicyRequest{RoleName: "app", PolicyArn: readARN}))
	must("DeleteGroup")(s.DeleteGroup(ctx, c, &iamapi.DeleteGroupRequest{GroupName: "ops"}))
	wantSummary(t, "after removals", summaryCounts(t, h, acct), counters(2, 1, 1, 3, 1, 1, 2, 2, 0, 1))
}
