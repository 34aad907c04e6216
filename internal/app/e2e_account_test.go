package app_test

import (
	"context"
	"encoding/base32"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/stsd/stsd/internal/mfa"
)

// Where the behaviour asserted below comes from:
//   - "The account alias X already exists." (EntityAlreadyExists, 409) for
//     an alias another account holds: real CreateAccountAlias answers
//     quoted in awslabs/aws-deployment-framework#465 and
//     ekristen/aws-nuke#697.
//   - A second CreateAccountAlias replaces the first instead of being
//     refused, asking for the alias the account already has is
//     EntityAlreadyExists, and DeleteAccountAlias of a name that is not the
//     account's alias is NoSuchEntity: observed on a live AWS account in
//     floci-io/floci#2103.
//   - ListAccountAliases of an account without one answers an empty list
//     (localstack/localstack test_iam_account_aliases, AWS-validated).
//   - The GetAccountSummary keys, the quota values and the counters' moves
//     (one provider of each kind moves Providers by 2; a policy attached to
//     a role moves PolicyVersionsInUse by 1): a real answer recorded in
//     localstack/localstack
//     tests/aws/services/iam/test_iam_account_summary.snapshot.json
//     (2026-02), and the AWS CLI reference's key descriptions
//     (get-account-summary).
//
// Not confirmed by a recording (stsd's reading, asserted so a change is
// deliberate): the NoSuchEntity text "The account alias X cannot be
// found.", GlobalEndpointTokenVersion 2 (stsd's tokens are valid in every
// region, AWS's default is 1), and a permissions boundary counting in
// PolicyVersionsInUse.

const acctBootstrap = `
accounts:
  - id: "111111111111"
    alias: acme-prod
    root_access_keys:
      - {id: AKIAACCTROOT00000001, secret: "acctRootSecret00000000000000000000000001"}
    users:
      - name: nobody
        access_keys: [{id: AKIAACCTNOBODY000001, secret: "acctNobodySecret000000000000000000000001"}]
      - name: reader
        access_keys: [{id: AKIAACCTREADER000001, secret: "acctReaderSecret000000000000000000000001"}]
        inline_policies:
          read:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["iam:ListAccountAliases", "iam:GetAccountSummary"], Resource: "*"}
  - id: "222222222222"
    root_access_keys:
      - {id: AKIAACCTROOT00000002, secret: "acctRootSecret00000000000000000000000002"}
`

// acctClient returns an IAM client of a principal of acctBootstrap.
func acctClient(h *harness, who string) *iam.Client {
	return h.keyIAM(map[string][2]string{
		"root1":  {"AKIAACCTROOT00000001", "acctRootSecret00000000000000000000000001"},
		"root2":  {"AKIAACCTROOT00000002", "acctRootSecret00000000000000000000000002"},
		"nobody": {"AKIAACCTNOBODY000001", "acctNobodySecret000000000000000000000001"},
		"reader": {"AKIAACCTREADER000001", "acctReaderSecret000000000000000000000001"},
	}, who)
}

// aliasesOf lists c's account aliases and checks the listing is complete.
func aliasesOf(t *testing.T, c *iam.Client) []string {
	t.Helper()
	out, err := c.ListAccountAliases(context.Background(), &iam.ListAccountAliasesInput{})
	if err != nil {
		t.Fatalf("ListAccountAliases: %v", err)
	}
	if out.IsTruncated || out.Marker != nil {
		t.Fatalf("ListAccountAliases truncated: %+v", out)
	}
	if out.AccountAliases == nil {
		t.Fatal("AccountAliases missing from the answer")
	}
	return out.AccountAliases
}

func wantAliases(t *testing.T, c *iam.Client, want ...string) {
	t.Helper()
	got := aliasesOf(t, c)
	if strings.Join(got, ",") != strings.Join(want, ",") || len(got) != len(want) {
		t.Fatalf("aliases = %q, want %q", got, want)
	}
}

func createAlias(c *iam.Client, alias string) error {
	_, err := c.CreateAccountAlias(context.Background(), &iam.CreateAccountAliasInput{AccountAlias: aws.String(alias)})
	return err
}

func deleteAlias(c *iam.Client, alias string) error {
	_, err := c.DeleteAccountAlias(context.Background(), &iam.DeleteAccountAliasInput{AccountAlias: aws.String(alias)})
	return err
}

// TestIAMAccountAliasLifecycle creates, lists, replaces and deletes
// aliases of two accounts, whose aliases must stay distinct.
func TestIAMAccountAliasLifecycle(t *testing.T) {
	h := start(t, withBootstrap(t, acctBootstrap))
	one, two := acctClient(h, "root1"), acctClient(h, "root2")

	// The bootstrap file's alias is the account's; the other has none.
	wantAliases(t, one, "acme-prod")
	wantAliases(t, two)

	if err := createAlias(two, "acme-dev"); err != nil {
		t.Fatalf("CreateAccountAlias: %v", err)
	}
	wantAliases(t, two, "acme-dev")
	apiError(t, createAlias(two, "acme-dev"), "EntityAlreadyExists", "The account alias acme-dev already exists.", 409)
	// Aliases are global: another account's alias is taken.
	apiError(t, createAlias(two, "acme-prod"), "EntityAlreadyExists", "The account alias acme-prod already exists.", 409)
	apiError(t, createAlias(one, "acme-dev"), "EntityAlreadyExists", "The account alias acme-dev already exists.", 409)
	wantAliases(t, one, "acme-prod")

	// A second alias replaces the first, which is then free for others.
	if err := createAlias(two, "acme-staging"); err != nil {
		t.Fatalf("second CreateAccountAlias: %v", err)
	}
	wantAliases(t, two, "acme-staging")
	if err := createAlias(one, "acme-dev"); err != nil {
		t.Fatalf("CreateAccountAlias of a freed alias: %v", err)
	}
	wantAliases(t, one, "acme-dev")
	if err := createAlias(two, "acme-prod"); err != nil {
		t.Fatalf("CreateAccountAlias of a replaced alias: %v", err)
	}
	wantAliases(t, two, "acme-prod")

	// Delete names the current alias; any other name is not found.
	apiError(t, deleteAlias(two, "acme-staging"), "NoSuchEntity", "The account alias acme-staging cannot be found.", 404)
	apiError(t, deleteAlias(two, "acme-dev"), "NoSuchEntity", "The account alias acme-dev cannot be found.", 404)
	wantAliases(t, two, "acme-prod")
	if err := deleteAlias(two, "acme-prod"); err != nil {
		t.Fatalf("DeleteAccountAlias: %v", err)
	}
	wantAliases(t, two)
	apiError(t, deleteAlias(two, "acme-prod"), "NoSuchEntity", "The account alias acme-prod cannot be found.", 404)
	wantAliases(t, one, "acme-dev")

	// Paging members as the model has them: a page of one holds the
	// alias, a page after it holds none.
	out, err := one.ListAccountAliases(context.Background(), &iam.ListAccountAliasesInput{MaxItems: aws.Int32(1)})
	if err != nil || len(out.AccountAliases) != 1 || out.IsTruncated {
		t.Fatalf("ListAccountAliases MaxItems 1 = %+v, %v", out, err)
	}
	_, err = one.ListAccountAliases(context.Background(), &iam.ListAccountAliasesInput{Marker: aws.String("%%%")})
	apiError(t, err, "InvalidInput", "Invalid Marker.", 400)

	// The alias is stored, not held in memory.
	if err := createAlias(two, "acme-qa"); err != nil {
		t.Fatalf("CreateAccountAlias: %v", err)
	}
	h.restart()
	wantAliases(t, acctClient(h, "root2"), "acme-qa")
}

// TestIAMAccountAliasValidation sends aliases the model's accountAliasType
// (3 to 63 characters, ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$) refuses,
// to both operations that take one.
func TestIAMAccountAliasValidation(t *testing.T) {
	h := start(t, withBootstrap(t, acctBootstrap))
	c := acctClient(h, "root2")
	// IAM leaves the value out of its validation messages (see
	// internal/awsquery); a pattern violation is listed before a length one.
	const (
		one     = "1 validation error detected: "
		two     = "2 validation errors detected: "
		pattern = "Value at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
	)
	for _, tc := range []struct{ alias, want string }{
		{"Acme", one + pattern},
		{"acme_prod", one + pattern},
		{"-acme", one + pattern},
		{"acme-", one + pattern},
		{"ac--me", one + pattern},
		{"ab", two + pattern + "; Value at 'accountAlias' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{strings.Repeat("a", 64), two + pattern + "; Value at 'accountAlias' failed to satisfy constraint: Member must have length less than or equal to 63"},
	} {
		apiError(t, createAlias(c, tc.alias), "ValidationError", tc.want, 400)
		apiError(t, deleteAlias(c, tc.alias), "ValidationError", tc.want, 400)
	}
	wantAliases(t, c)
	// The longest and shortest valid aliases are accepted.
	for _, alias := range []string{strings.Repeat("a", 63), "a-1"} {
		if err := createAlias(c, alias); err != nil {
			t.Fatalf("CreateAccountAlias %q: %v", alias, err)
		}
		wantAliases(t, c, alias)
	}
}

// TestIAMAccountAccessDenied checks that each operation is authorized on
// "*" against the caller's policies, and that a refused write changes
// nothing.
func TestIAMAccountAccessDenied(t *testing.T) {
	h := start(t, withBootstrap(t, acctBootstrap))
	ctx := context.Background()
	nobody, reader := acctClient(h, "nobody"), acctClient(h, "reader")
	denied := func(user, action string) string {
		return "User: arn:aws:iam::111111111111:user/" + user + " is not authorized to perform: " + action +
			" on resource: * because no identity-based policy allows the " + action + " action"
	}
	for _, tc := range []struct {
		action string
		call   func() error
	}{
		{"iam:CreateAccountAlias", func() error { return createAlias(nobody, "acme-other") }},
		{"iam:DeleteAccountAlias", func() error { return deleteAlias(nobody, "acme-prod") }},
		{"iam:ListAccountAliases", func() error {
			_, err := nobody.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
			return err
		}},
		{"iam:GetAccountSummary", func() error {
			_, err := nobody.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
			return err
		}},
	} {
		apiError(t, tc.call(), "AccessDenied", denied("nobody", tc.action), 403)
	}
	// The reader may list and summarize, not change.
	apiError(t, createAlias(reader, "acme-other"), "AccessDenied", denied("reader", "iam:CreateAccountAlias"), 403)
	apiError(t, deleteAlias(reader, "acme-prod"), "AccessDenied", denied("reader", "iam:DeleteAccountAlias"), 403)
	wantAliases(t, reader, "acme-prod")
	if _, err := reader.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); err != nil {
		t.Fatalf("GetAccountSummary as reader: %v", err)
	}
}

// summaryOf returns c's account summary and checks its keys are exactly
// the model's summaryKeyType, as AWS answers all of them.
func summaryOf(t *testing.T, c *iam.Client) map[string]int32 {
	t.Helper()
	out, err := c.GetAccountSummary(context.Background(), &iam.GetAccountSummaryInput{})
	if err != nil {
		t.Fatalf("GetAccountSummary: %v", err)
	}
	var want, got []string
	for _, k := range iamtypes.SummaryKeyType("").Values() {
		want = append(want, string(k))
	}
	for k := range out.SummaryMap {
		got = append(got, k)
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("summary keys = %v, want %v", got, want)
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

// TestIAMAccountSummaryQuotas checks the quota keys: AWS's default quotas,
// which are the limits stsd enforces (GlobalEndpointTokenVersion aside:
// see the file comment).
func TestIAMAccountSummaryQuotas(t *testing.T) {
	h := start(t, withBootstrap(t, acctBootstrap))
	wantSummary(t, "quotas", summaryOf(t, acctClient(h, "root2")), map[string]int32{
		"AccessKeysPerUserQuota":          2,
		"AssumeRolePolicySizeQuota":       2048,
		"AttachedPoliciesPerGroupQuota":   10,
		"AttachedPoliciesPerRoleQuota":    10,
		"AttachedPoliciesPerUserQuota":    10,
		"GlobalEndpointTokenVersion":      2,
		"GroupPolicySizeQuota":            5120,
		"GroupsPerUserQuota":              10,
		"GroupsQuota":                     300,
		"InstanceProfilesQuota":           1000,
		"PoliciesQuota":                   1500,
		"PolicySizeQuota":                 6144,
		"PolicyVersionsInUseQuota":        10000,
		"RolePolicySizeQuota":             10240,
		"RolesQuota":                      1000,
		"ServerCertificatesQuota":         20,
		"SigningCertificatesPerUserQuota": 2,
		"UserPolicySizeQuota":             2048,
		"UsersQuota":                      5000,
		"VersionsPerPolicyQuota":          5,
	})
}

// TestIAMAccountSummaryCounts creates entities of every kind the summary
// counts and checks each counter moves, in this account only.
func TestIAMAccountSummaryCounts(t *testing.T) {
	h := start(t, withBootstrap(t, acctBootstrap))
	ctx := context.Background()
	c := acctClient(h, "root2")
	// must(step)(out, err) fails the test on err.
	must := func(step string) func(any, error) {
		return func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
	}
	counters := func(users, groups, roles, policies, inUse, profiles, providers, mfas, mfasInUse, rootCerts int32) map[string]int32 {
		return map[string]int32{
			"Users": users, "Groups": groups, "Roles": roles, "Policies": policies, "PolicyVersionsInUse": inUse,
			"InstanceProfiles": profiles, "Providers": providers, "MFADevices": mfas, "MFADevicesInUse": mfasInUse,
			"ServerCertificates": 0, "AccountMFAEnabled": 0, "AccountPasswordPresent": 0,
			// The bootstrap file gives the root an access key.
			"AccountAccessKeysPresent": 1, "AccountSigningCertificatesPresent": rootCerts,
		}
	}
	wantSummary(t, "empty account", summaryOf(t, c), counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

	doc := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	must("CreateUser")(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must("CreateUser")(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob"), Path: aws.String("/eng/")}))
	// A user's access key is not the root's.
	must("CreateAccessKey")(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	must("CreateGroup")(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))
	must("CreateGroup")(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("ops"), Path: aws.String("/team/")}))
	must("CreateRole")(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: trust}))
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("read"), PolicyDocument: doc})
	must("CreatePolicy")(pol, err)
	bound, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bound"), Path: aws.String("/b/"), PolicyDocument: doc})
	must("CreatePolicy")(bound, err)
	must("CreatePolicy")(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("unused"), PolicyDocument: doc}))
	must("CreateInstanceProfile")(c.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("web")}))
	wantSummary(t, "entities", summaryOf(t, c), counters(2, 2, 1, 3, 0, 1, 0, 0, 0, 0))

	// One policy attached three times and a second one as a boundary are
	// two policies in use; extra versions do not count.
	readARN, boundARN := pol.Policy.Arn, bound.Policy.Arn
	must("AttachUserPolicy")(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: readARN}))
	must("AttachGroupPolicy")(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("ops"), PolicyArn: readARN}))
	must("AttachRolePolicy")(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: readARN}))
	wantSummary(t, "attached", summaryOf(t, c), counters(2, 2, 1, 3, 1, 1, 0, 0, 0, 0))
	must("PutUserPermissionsBoundary")(c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob"), PermissionsBoundary: boundARN}))
	must("CreatePolicyVersion")(c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: readARN, PolicyDocument: doc, SetAsDefault: true}))
	wantSummary(t, "boundary", summaryOf(t, c), counters(2, 2, 1, 3, 2, 1, 0, 0, 0, 0))

	// One provider of each kind.
	must("CreateOpenIDConnectProvider")(c.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://idp.example.test"), ClientIDList: []string{"app"}, ThumbprintList: []string{strings.Repeat("a", 40)},
	}))
	must("CreateSAMLProvider")(c.CreateSAMLProvider(ctx, &iam.CreateSAMLProviderInput{Name: aws.String("corp"), SAMLMetadataDocument: aws.String(freshMetadata(selfSignedCert(t), ""))}))

	// Two virtual MFA devices, one assigned to alice.
	var serial string
	for _, name := range []string{"alice-phone", "spare"} {
		d, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
		must("CreateVirtualMFADevice")(d, err)
		if name != "alice-phone" {
			continue
		}
		seed, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(d.VirtualMFADevice.Base32StringSeed))
		must("seed")(seed, err)
		step := mfa.StepOf(h.clock.Now())
		serial = aws.ToString(d.VirtualMFADevice.SerialNumber)
		must("EnableMFADevice")(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
			UserName: aws.String("alice"), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(mfa.CodeAt(seed, step-1)), AuthenticationCode2: aws.String(mfa.CodeAt(seed, step)),
		}))
	}
	// The root's own signing certificate.
	must("UploadSigningCertificate")(c.UploadSigningCertificate(ctx, &iam.UploadSigningCertificateInput{
		CertificateBody: aws.String(signingCert(t, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))),
	}))
	full := counters(2, 2, 1, 3, 2, 1, 2, 2, 1, 1)
	wantSummary(t, "everything", summaryOf(t, c), full)

	// The other account's counters did not move.
	other := summaryOf(t, acctClient(h, "root1"))
	wantSummary(t, "other account", other, map[string]int32{
		"Users": 2, "Groups": 0, "Roles": 0, "Policies": 0, "PolicyVersionsInUse": 0, "Providers": 0, "MFADevices": 0,
		"AccountSigningCertificatesPresent": 0,
	})

	// Counters go down again as entities go.
	must("DeactivateMFADevice")(c.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial)}))
	must("DetachUserPolicy")(c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: readARN}))
	must("DetachGroupPolicy")(c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("ops"), PolicyArn: readARN}))
	wantSummary(t, "still attached to the role", summaryOf(t, c), counters(2, 2, 1, 3, 2, 1, 2, 2, 0, 1))
	must("DetachRolePolicy")(c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: readARN}))
	must("DeleteGroup")(c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("ops")}))
	wantSummary(t, "after removals", summaryOf(t, c), counters(2, 1, 1, 3, 1, 1, 2, 2, 0, 1))
}
