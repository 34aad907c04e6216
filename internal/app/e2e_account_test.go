package app_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
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
//   - The GetAccountSummary keys and the quota values (the counters'
//     moves are pinned in internal/iam/account_summary_test.go): a real
//     answer recorded in
//     localstack/localstack
//     tests/aws/services/iam/test_iam_account_summary.snapshot.json
//     (2026-02), and the AWS CLI reference's key descriptions
//     (get-account-summary).
//
// Not confirmed by a recording (stsd's reading, asserted so a change is
// deliberate): the NoSuchEntity text "The account alias X cannot be
// found." and GlobalEndpointTokenVersion 2 (stsd's tokens are valid in
// every region, AWS's default is 1).

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
