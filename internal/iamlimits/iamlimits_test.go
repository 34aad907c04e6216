package iamlimits

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apimodel"
)

// TestSummaryQuotasAreTheModelsQuotaKeys: GetAccountSummary must report
// every quota key of the model's summaryKeyType and no key the model lacks.
func TestSummaryQuotasAreTheModelsQuotaKeys(t *testing.T) {
	enum := apimodel.IAM.Shapes["summaryKeyType"].Enum
	known := map[string]bool{}
	for _, k := range enum {
		known[k] = true
	}
	got := SummaryQuotas()
	for k := range got {
		if !known[k] {
			t.Errorf("%s is not a summaryKeyType value", k)
		}
	}
	for _, k := range enum {
		if _, ok := got[k]; strings.HasSuffix(k, "Quota") && !ok {
			t.Errorf("summary quota %s is missing", k)
		}
	}
	// Values AWS answers, independent of the constants the map is built
	// from: the GetAccountSummary example of the IAM model
	// (iam.examples-1.json), for the quotas that have not changed since
	// it was recorded.
	for k, want := range map[string]int32{
		"AccessKeysPerUserQuota":          2,
		"AttachedPoliciesPerUserQuota":    10,
		"AttachedPoliciesPerRoleQuota":    10,
		"AttachedPoliciesPerGroupQuota":   10,
		"GroupsPerUserQuota":              10,
		"SigningCertificatesPerUserQuota": 2,
		"VersionsPerPolicyQuota":          5,
	} {
		if got[k] != want {
			t.Errorf("%s = %d, AWS answers %d", k, got[k], want)
		}
	}
	got["UsersQuota"] = 0
	if SummaryQuotas()["UsersQuota"] != UsersPerAccount {
		t.Error("SummaryQuotas shares its map between calls")
	}
}

// TestTagsPerEntityIsTheModelsListBound: a request may carry as many tags
// as an entity may hold, so one CreateUser can fill the quota.
func TestTagsPerEntityIsTheModelsListBound(t *testing.T) {
	s := apimodel.IAM.Shapes["tagListType"]
	if !s.HasMax || s.Max != TagsPerEntity {
		t.Errorf("tagListType max = %d (set %v), TagsPerEntity = %d", s.Max, s.HasMax, TagsPerEntity)
	}
}

func TestRuleBounds(t *testing.T) {
	cases := []struct {
		r        Rule
		shape    string
		min, max int
	}{
		{UserName, "userNameType", 1, 64},
		{RoleName, "roleNameType", 1, 64},
		{GroupName, "groupNameType", 1, 128},
		{ExistingUserName, "existingUserNameType", 1, 128},
		{InstanceProfileName, "instanceProfileNameType", 1, 128},
		{PolicyName, "policyNameType", 1, 128},
		{Path, "pathType", 1, 512},
		{TagKey, "tagKeyType", 1, 128},
		{TagValue, "tagValueType", 0, 256},
		{AccessKeyID, "accessKeyIdType", 16, 128},
		{AccountAlias, "accountAliasType", 3, 63},
		{SerialNumber, "serialNumberType", 9, 256},
		{SAMLProviderName, "SAMLProviderNameType", 1, 128},
		{SAMLMetadata, "SAMLMetadataDocumentType", 1000, 10000000},
		{OIDCProviderURL, "OpenIDConnectProviderUrlType", 1, 255},
		{ClientID, "clientIDType", 1, 255},
		{CertificateBody, "certificateBodyType", 1, 16384},
		{SSHPublicKeyBody, "publicKeyMaterialType", 1, 16384},
		{RoleMaxSessionDuration, "roleMaxSessionDurationType", 3600, 43200},
	}
	for _, c := range cases {
		max, ok := c.r.Max()
		if c.r.Shape() != c.shape || c.r.Min() != c.min || !ok || max != c.max {
			t.Errorf("%s: shape %s, %d to %d (bounded %v); want %d to %d", c.shape, c.r.Shape(), c.r.Min(), max, ok, c.min, c.max)
		}
	}
	if _, ok := AccountID.Max(); ok || AccountID.Min() != 0 {
		t.Error("accountIdType has no length bounds in the model")
	}
}

func TestRuleCheck(t *testing.T) {
	long := strings.Repeat("a", 65)
	cases := []struct {
		r    Rule
		in   string
		want string
	}{
		{UserName, "alice", ""},
		{UserName, "al+ice=,.@_-9", ""},
		{UserName, "al ice", `"al ice" does not match [\w+=,.@-]+`},
		{UserName, "", `"" must be 1 to 64 characters long`},
		{UserName, long, `"` + long + `" must be 1 to 64 characters long`},
		// A 64-character name of multi-byte characters is long enough in
		// bytes to fail a byte count but is counted in characters.
		{TagKey, strings.Repeat("é", 128), ""},
		{TagKey, "a*b", `"a*b" does not match [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{TagValue, "", ""},
		{Path, "/", ""},
		{Path, "/a/b/", ""},
		{Path, "/a", `"/a" does not match (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{AccessKeyID, "AKIA123", `"AKIA123" must be 16 to 128 characters long`},
		{AccessKeyID, "AKIA-12345678901234", `"AKIA-12345678901234" does not match [\w]+`},
		{AccountID, "123456789012", ""},
		{AccountID, "12345678901", `"12345678901" does not match \d{12}`},
		{SAMLProviderName, "a b", `"a b" does not match [\w._-]+`},
		{ClientID, strings.Repeat("c", 255), ""},
	}
	for _, c := range cases {
		if got := c.r.Check(c.in); got != c.want {
			t.Errorf("%s.Check(%q) = %q, want %q", c.r.Shape(), c.in, got, c.want)
		}
	}
}

// TestAccountAlias: the model's pattern uses a Java look-ahead ("no two
// dashes in a row"), which the rule must still enforce.
func TestAccountAlias(t *testing.T) {
	for s, want := range map[string]bool{
		"main": true, "ma-in": true, "a1b": true,
		"ma--in": false, "-main": false, "main-": false, "Main": false, "ab": false,
		strings.Repeat("a", 63): true, strings.Repeat("a", 64): false,
	} {
		if got := AccountAlias.Valid(s); got != want {
			t.Errorf("AccountAlias.Valid(%q) = %v, want %v", s, got, want)
		}
	}
}
