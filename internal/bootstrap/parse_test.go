package bootstrap

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

func TestLoadFullExample(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "bootstrap.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(f.Accounts) != 1 {
		t.Fatalf("accounts = %d", len(f.Accounts))
	}
	a := f.Accounts[0]
	if a.ID != "111111111111" || a.Alias != "main" {
		t.Errorf("account = %q %q", a.ID, a.Alias)
	}
	if len(a.RootAccessKeys) != 1 || a.RootAccessKeys[0].ID != "AKIAROOT111111111111" {
		t.Errorf("root keys = %+v", a.RootAccessKeys)
	}
	u := a.Users[0]
	if u.Name != "alice" || u.Path != "/" || len(u.Tags) != 1 || u.Tags[0] != (store.Tag{Key: "team", Value: "blue"}) {
		t.Errorf("user = %+v", u)
	}
	wantInline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/demo"}]}`
	if len(u.InlinePolicies) != 1 || u.InlinePolicies[0].Document != wantInline {
		t.Errorf("inline = %+v", u.InlinePolicies)
	}
	if len(u.ManagedPolicies) != 1 || u.ManagedPolicies[0].Name != "ReadOnly" || u.ManagedPolicies[0].Path != "/" {
		t.Errorf("managed = %+v", u.ManagedPolicies)
	}
	d := u.MFADevices[0]
	if d.Serial != "arn:aws:iam::111111111111:mfa/alice" || d.Path != "/" || string(d.Seed[:5]) != "Hello" || len(d.Seed) != 20 {
		t.Errorf("mfa = %+v", d)
	}
	r := a.Roles[0]
	wantTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}`
	if r.Name != "demo" || r.TrustPolicy != wantTrust || r.MaxSessionDuration != 3600 {
		t.Errorf("role = %+v", r)
	}
	if r.InlinePolicies[0].Document != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}` {
		t.Errorf("JSON-string inline policy = %s", r.InlinePolicies[0].Document)
	}
	if g := a.Roles[1]; g.Path != "" || g.MaxSessionDuration != 0 || g.Tags != nil {
		t.Errorf("absent optional fields must stay zero: %+v", g)
	}
	g := a.Groups[0]
	if g.Name != "developers" || g.Path != "/eng/" || len(g.Members) != 1 || g.Members[0].Name != "alice" ||
		len(g.InlinePolicies) != 1 || g.InlinePolicies[0].Document != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}` ||
		len(g.ManagedPolicies) != 1 || g.ManagedPolicies[0].Name != "ReadOnly" {
		t.Errorf("group = %+v", g)
	}
	if g := a.Groups[1]; g.Name != "ops" || g.Path != "" || g.Members != nil {
		t.Errorf("absent optional group fields must stay zero: %+v", g)
	}
	ip := a.Profiles[0]
	if ip.Name != "web" || ip.Path != "/" || ip.Role != "demo" || ip.RolePos.Path != "accounts[0].instance_profiles[0].role" || len(ip.Tags) != 1 {
		t.Errorf("instance profile = %+v", ip)
	}
	if ip := a.Profiles[1]; ip.Name != "batch" || ip.Path != "" || ip.Role != "" || ip.Tags != nil {
		t.Errorf("absent optional profile fields must stay zero: %+v", ip)
	}
	o := a.OIDCProviders[0]
	if o.ARN != "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" || o.JWKS != `{"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB"}]}` {
		t.Errorf("oidc = %+v", o)
	}
	if o := a.OIDCProviders[1]; o.ARN != "arn:aws:iam::111111111111:oidc-provider/127.0.0.1:8080/issuer" {
		t.Errorf("loopback oidc ARN = %s", o.ARN)
	}
	s := a.SAMLProviders[0]
	want, _ := os.ReadFile(filepath.Join("testdata", "idp-metadata.xml"))
	if s.ARN != "arn:aws:iam::111111111111:saml-provider/corp" || s.Metadata != string(want) {
		t.Errorf("saml = %s, metadata %d bytes", s.ARN, len(s.Metadata))
	}
}

func TestParseLeavesMetadataFileUnread(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bootstrap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("bootstrap.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Accounts[0].SAMLProviders[0]
	if s.Metadata != "" || s.MetadataFile != "idp-metadata.xml" {
		t.Errorf("saml = %+v", s)
	}
	// Applying it unread must fail rather than store a provider without metadata.
	if _, err := Apply(t.Context(), memory.New(), f, testNow); err == nil || !strings.Contains(err.Error(), "metadata_file") {
		t.Errorf("Apply of unread metadata_file: %v", err)
	}
}

// TestPolicySpellingsAgree: a policy given as a JSON string and as a YAML
// mapping is the same document.
func TestPolicySpellingsAgree(t *testing.T) {
	const src = `
accounts:
  - id: "111111111111"
    policies:
      - name: a
        document: |
          {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*",
                           "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": false}, "StringEquals": {"s3:prefix": "<&>"}}}]
          }
      - name: b
        document:
          Version: 2012-10-17
          Statement:
            - Effect: Allow
              Action: [s3:Get*]
              Resource: "*"
              Condition:
                NumericLessThan: {s3:max-keys: 10}
                Bool: {aws:SecureTransport: false}
                StringEquals: {s3:prefix: <&>}
`
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, b := f.Accounts[0].Policies[0].Document, f.Accounts[0].Policies[1].Document
	if a != b {
		t.Errorf("JSON string and YAML mapping differ:\n%s\n%s", a, b)
	}
	const want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false},"StringEquals":{"s3:prefix":"<&>"}}}]}`
	if b != want {
		t.Errorf("document = %s\nwant       %s", b, want)
	}
}

// one wraps lines under a single account so each case reads short; the
// account's "- id" is on line 2.
func one(lines string) string {
	return "accounts:\n  - id: \"111111111111\"\n" + lines
}

func TestParseErrors(t *testing.T) {
	longName := strings.Repeat("a", 65)
	tests := []struct {
		name string
		src  string
		want string // substring of the error, starting with file:line:col: path:
	}{
		{"not yaml", "accounts: [", "t.yaml:1: "},
		{"two documents", "accounts: []\n---\naccounts: []\n", "only one YAML document"},
		{"empty", "", "t.yaml: accounts: the file is empty"},
		{"unknown top field", "acounts: []\n", `t.yaml:1:1: acounts: unknown field (known fields: accounts)`},
		{"accounts not a list", "accounts: {}\n", "t.yaml:1:11: accounts: must be a list, not a mapping"},
		{"account id missing", "accounts:\n  - alias: main\n", "t.yaml:2:5: accounts[0].id: is required"},
		{"account id short", "accounts:\n  - id: \"1234\"\n", `t.yaml:2:9: accounts[0].id: "1234" is not a 12-digit account id`},
		{"account id duplicate", "accounts:\n  - id: \"111111111111\"\n  - id: \"111111111111\"\n", "t.yaml:3:9: accounts[1].id: duplicate account id 111111111111"},
		{"alias bad", one("    alias: Main--x\n"), `t.yaml:3:12: accounts[0].alias: "Main--x" must be 3 to 63`},
		{"alias double dash", one("    alias: ma--in\n"), `accounts[0].alias: "ma--in" must be`},
		{"account typo", one("    user: []\n"), "t.yaml:3:5: accounts[0].user: unknown field"},
		{"user name pattern", one("    users:\n      - name: al ice\n"), `t.yaml:4:15: accounts[0].users[0].name: "al ice" does not match [\w+=,.@-]+`},
		{"user name long", one("    users:\n      - name: " + longName + "\n"), "accounts[0].users[0].name: \"" + longName + "\" must be 1 to 64 characters long"},
		{"user name missing", one("    users:\n      - path: /\n"), "t.yaml:4:9: accounts[0].users[0].name: is required"},
		{"user duplicate", one("    users:\n      - name: Bob\n      - name: bob\n"), `t.yaml:5:15: accounts[0].users[1].name: duplicate user "bob"`},
		{"user typo", one("    users:\n      - name: bob\n        acess_keys: []\n"), "t.yaml:5:9: accounts[0].users[0].acess_keys: unknown field"},
		{"user duplicate key", one("    users:\n      - name: bob\n        name: bob\n"), "t.yaml:5:9: accounts[0].users[0].name: duplicate key (first at line 4)"},
		{"path bad", one("    users:\n      - name: bob\n        path: /a\n"), `t.yaml:5:15: accounts[0].users[0].path: "/a" must be "/" or start and end with "/"`},
		{"path long", one("    users:\n      - name: bob\n        path: /" + strings.Repeat("a", 512) + "/\n"), "accounts[0].users[0].path: must be at most 512"},
		{"tag key pattern", one("    users:\n      - name: bob\n        tags: {\"a*b\": x}\n"), `t.yaml:5:16: accounts[0].users[0].tags["a*b"]: tag key "a*b" does not match`},
		{"tag value pattern", one("    users:\n      - name: bob\n        tags: {team: \"a*b\"}\n"), `t.yaml:5:22: accounts[0].users[0].tags.team: tag value "a*b" does not match`},
		{"tag key dup case", one("    users:\n      - name: bob\n        tags: {Team: a, team: b}\n"), `accounts[0].users[0].tags.team: duplicate tag key "team"`},
		{"tag key reserved", one("    users:\n      - name: bob\n        tags: {\"aws:x\": a}\n"), "reserved prefix aws:"},
		{"tag value long", one("    users:\n      - name: bob\n        tags: {k: " + strings.Repeat("v", 257) + "}\n"), "tags.k: tag value must be at most 256"},
		{"too many tags", one("    users:\n      - name: bob\n        tags: {" + manyTags(51) + "}\n"), "t.yaml:5:15: accounts[0].users[0].tags: at most 50 tags"},
		{"key id short", one("    root_access_keys: [{id: AKIA123, secret: s}]\n"), `t.yaml:3:29: accounts[0].root_access_keys[0].id: "AKIA123" must be 16 to 128`},
		{"key id pattern", one("    root_access_keys: [{id: AKIA-12345678901234, secret: s}]\n"), `"AKIA-12345678901234" does not match [\w]+`},
		{"key id dup across users", one("    root_access_keys: [{id: AKIA1234567890123456, secret: s}]\n    users:\n      - name: bob\n        access_keys: [{id: AKIA1234567890123456, secret: s}]\n"),
			"t.yaml:6:28: accounts[0].users[0].access_keys[0].id: duplicate access key id AKIA1234567890123456 (first at accounts[0].root_access_keys[0].id)"},
		{"secret missing", one("    root_access_keys: [{id: AKIA1234567890123456}]\n"), "t.yaml:3:24: accounts[0].root_access_keys[0].secret: is required"},
		{"secret long", one("    root_access_keys: [{id: AKIA1234567890123456, secret: " + strings.Repeat("s", 129) + "}]\n"), "root_access_keys[0].secret: must be 1 to 128"},
		{"too many keys", one("    root_access_keys: [{id: AKIA1234567890123456, secret: s}, {id: AKIA1234567890123457, secret: s}, {id: AKIA1234567890123458, secret: s}]\n"), "accounts[0].root_access_keys: at most 2 access keys"},
		{"role trust missing", one("    roles:\n      - name: r\n"), "t.yaml:4:9: accounts[0].roles[0].trust_policy: is required"},
		{"role name long", one("    roles:\n      - name: " + longName + "\n        trust_policy: " + trustJSON + "\n"), "accounts[0].roles[0].name: \"" + longName + "\" must be 1 to 64"},
		{"role session low", one("    roles:\n      - name: r\n        trust_policy: " + trustJSON + "\n        max_session_duration: 3599\n"), `t.yaml:6:31: accounts[0].roles[0].max_session_duration: "3599" must be a whole number of seconds from 3600 to 43200`},
		{"role session high", one("    roles:\n      - name: r\n        trust_policy: " + trustJSON + "\n        max_session_duration: 43201\n"), "from 3600 to 43200"},
		{"role session text", one("    roles:\n      - name: r\n        trust_policy: " + trustJSON + "\n        max_session_duration: 1h\n"), `"1h" must be a whole number`},
		{"trust without principal", one("    roles:\n      - name: r\n        trust_policy: {Version: \"2012-10-17\", Statement: [{Effect: Allow, Action: \"sts:AssumeRole\"}]}\n"), "t.yaml:5:23: accounts[0].roles[0].trust_policy: MalformedPolicyDocument: Missing required field Principal"},
		{"policy not object", one("    policies:\n      - {name: p, document: [1]}\n"), "t.yaml:4:29: accounts[0].policies[0].document: must be a JSON object or a YAML mapping, not a list"},
		{"policy bad json", one("    policies:\n      - {name: p, document: '{\"Version\": }'}\n"), "accounts[0].policies[0].document: is not valid JSON"},
		{"policy no version", one("    policies:\n      - {name: p, document: {Statement: {Effect: Allow}}}\n"), "accounts[0].policies[0].document: MalformedPolicyDocument: Policy document must be version 2012-10-17 or greater."},
		{"policy no statement", one("    policies:\n      - {name: p, document: {Version: \"2012-10-17\"}}\n"), "t.yaml:4:29: accounts[0].policies[0].document: MalformedPolicyDocument: Syntax errors in policy."},
		{"policy statement scalar", one("    policies:\n      - {name: p, document: {Version: \"2012-10-17\", Statement: x}}\n"), "accounts[0].policies[0].document: MalformedPolicyDocument: Syntax errors in policy."},
		{"policy with principal", one("    policies:\n      - {name: p, document: {Version: \"2012-10-17\", Statement: {Effect: Allow, Principal: \"*\"}}}\n"), "accounts[0].policies[0].document: MalformedPolicyDocument: Policy document should not specify a principal."},
		{"policy char range", one("    policies:\n      - {name: p, document: {Version: \"2012-10-17\", Statement: {Effect: \"€\"}}}\n"), "outside the allowed range"},
		{"policy name long", one("    policies:\n      - {name: " + strings.Repeat("p", 129) + ", document: " + permJSON + "}\n"), "must be 1 to 128 characters long"},
		{"policy duplicate", one("    policies:\n      - {name: P, document: " + permJSON + "}\n      - {name: p, document: " + permJSON + "}\n"), `t.yaml:5:16: accounts[0].policies[1].name: duplicate managed policy "p"`},
		{"policy yaml inf", one("    policies:\n      - {name: p, document: {Version: \"2012-10-17\", Statement: {Effect: Allow, X: .inf}}}\n"), "is not a number JSON can hold"},
		{"policy merge key", one("    policies:\n      - {name: p, document: {<<: {a: b}, Version: \"2012-10-17\"}}\n"), "keys must be plain strings"},
		{"inline name bad", one("    users:\n      - name: bob\n        inline_policies: {\"a b\": " + permJSON + "}\n"), `t.yaml:5:27: accounts[0].users[0].inline_policies["a b"]: "a b" does not match`},
		{"inline dup case", one("    users:\n      - name: bob\n        inline_policies: {P: " + permJSON + ", p: " + permJSON + "}\n"), `duplicate inline policy "p"`},
		{"managed not arn", one("    users:\n      - name: bob\n        managed_policies: [ReadOnly]\n"), `t.yaml:5:28: accounts[0].users[0].managed_policies[0]: "ReadOnly" is not a managed policy ARN`},
		{"managed other account", one("    users:\n      - name: bob\n        managed_policies: [\"arn:aws:iam::222222222222:policy/P\"]\n"), "is not a policy of account 111111111111"},
		{"managed aws", one("    users:\n      - name: bob\n        managed_policies: [\"arn:aws:iam::aws:policy/ReadOnlyAccess\"]\n"), "is not a policy of account 111111111111"},
		{"managed dup", one("    users:\n      - name: bob\n        managed_policies: [\"arn:aws:iam::111111111111:policy/P\", \"arn:aws:iam::111111111111:policy/P\"]\n"), "managed_policies[1]: \"arn:aws:iam::111111111111:policy/P\" is listed twice"},
		{"mfa serial other account", one("    users:\n      - name: bob\n        mfa_devices: [{serial: \"arn:aws:iam::222222222222:mfa/bob\", seed: JBSWY3DPEHPK3PXP}]\n"), `t.yaml:5:32: accounts[0].users[0].mfa_devices[0].serial: "arn:aws:iam::222222222222:mfa/bob" is not a device of account 111111111111`},
		{"mfa serial not mfa", one("    users:\n      - name: bob\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:user/bob\", seed: JBSWY3DPEHPK3PXP}]\n"), "is not a virtual MFA device ARN"},
		{"mfa seed bad", one("    users:\n      - name: bob\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:mfa/bob\", seed: \"not base32!\"}]\n"), "accounts[0].users[0].mfa_devices[0].seed: is not valid Base32"},
		{"mfa seed short", one("    users:\n      - name: bob\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:mfa/bob\", seed: JBSWY3DP}]\n"), "must decode to 10 to 64 bytes, not 5"},
		{"mfa dup", one("    users:\n      - name: bob\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:mfa/bob\", seed: JBSWY3DPEHPK3PXP}]\n      - name: eve\n        mfa_devices: [{serial: \"arn:aws:iam::111111111111:mfa/bob\", seed: JBSWY3DPEHPK3PXP}]\n"), "duplicate MFA device"},
		{"oidc http remote", one("    oidc_providers: [{url: \"http://idp.example.com\"}]\n"), `t.yaml:3:28: accounts[0].oidc_providers[0].url: "http://idp.example.com" must use https://`},
		{"oidc query", one("    oidc_providers: [{url: \"https://idp.example.com/?a=b\"}]\n"), "with no user, query or fragment"},
		{"oidc scheme", one("    oidc_providers: [{url: \"ftp://idp.example.com\"}]\n"), "must begin with https://"},
		{"oidc dup", one("    oidc_providers: [{url: \"https://a.example\"}, {url: \"https://A.example\"}]\n"), "duplicate OIDC provider"},
		{"oidc client id long", one("    oidc_providers: [{url: \"https://a.example\", client_ids: [" + strings.Repeat("c", 256) + "]}]\n"), "client_ids[0]: \"" + strings.Repeat("c", 256) + "\" must be 1 to 255"},
		{"oidc jwks no keys", one("    oidc_providers: [{url: \"https://a.example\", jwks: {kid: x}}]\n"), `accounts[0].oidc_providers[0].jwks: must be a JSON Web Key Set`},
		{"saml name bad", one("    saml_providers: [{name: \"a b\", metadata_file: x.xml}]\n"), `t.yaml:3:29: accounts[0].saml_providers[0].name: "a b" does not match [\w._-]+`},
		{"saml no metadata", one("    saml_providers: [{name: corp}]\n"), "t.yaml:3:22: accounts[0].saml_providers[0].metadata: is required (or metadata_file)"},
		{"saml both", one("    saml_providers: [{name: corp, metadata: x, metadata_file: y}]\n"), "give metadata or metadata_file, not both"},
		{"saml short", one("    saml_providers: [{name: corp, metadata: \"<a/>\"}]\n"), "must be 1000 to 10000000 characters long"},
		{"saml not xml", one("    saml_providers: [{name: corp, metadata: '<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\">" + strings.Repeat("<a>", 400) + "'}]\n"), "is not well-formed XML"},
		{"saml wrong root", one("    saml_providers: [{name: corp, metadata: \"<a>" + strings.Repeat("x", 1000) + "</a>\"}]\n"), "root element must be EntityDescriptor"},
		{"saml doctype", one("    saml_providers: [{name: corp, metadata: '<!DOCTYPE x [<!ENTITY a \"b\">]><EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\">" + strings.Repeat("x", 1000) + "</EntityDescriptor>'}]\n"), "must not contain a DOCTYPE"},
		{"string expected", one("    alias: [a]\n"), "t.yaml:3:12: accounts[0].alias: must be a string, not a list"},
		{"alias cycle", "a: &x [*x]\naccounts: []\n", "an alias refers to a node that contains it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Errorf("error is not a *bootstrap.Error with problems: %T", err)
			}
		})
	}
}

const (
	trustJSON = `'{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}'`
	permJSON  = `'{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'`
)

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("k")
		b.WriteString(strings.Repeat("x", i))
		b.WriteString(": v")
	}
	return b.String()
}

// TestParseReportsAllProblems: several mistakes come back together, in one
// error, each with its own position.
func TestParseReportsAllProblems(t *testing.T) {
	src := one("    alias: X\n    users:\n      - name: \"a b\"\n        path: bad\n    roles:\n      - name: r\n")
	_, err := Parse("t.yaml", []byte(src))
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	if len(pe.Problems) != 4 {
		t.Errorf("got %d problems, want 4:\n%v", len(pe.Problems), err)
	}
	// A file with a mistake in every one of many users stops at the cap.
	var b strings.Builder
	b.WriteString(one("    users:\n"))
	for range maxProblems + 10 {
		b.WriteString("      - name: \"bad name\"\n")
	}
	_, err = Parse("t.yaml", []byte(b.String()))
	if !errors.As(err, &pe) || len(pe.Problems) != maxProblems || !pe.Truncated {
		t.Errorf("cap: problems = %d, truncated = %v", len(pe.Problems), pe.Truncated)
	}
}

// TestParseAliasBomb: the classic "billion laughs" in YAML stays cheap and
// is refused.
func TestParseAliasBomb(t *testing.T) {
	src := `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
accounts: []
`
	_, err := Parse("t.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "expands to more than the allowed size") {
		t.Fatalf("err = %v", err)
	}
}

// TestParseAliasesWork: modest use of anchors (a shared trust policy) is
// fine and expands as written.
func TestParseAliasesWork(t *testing.T) {
	src := `
x-trust: &trust {Version: "2012-10-17", Statement: {Effect: Allow, Principal: {AWS: "*"}, Action: "sts:AssumeRole"}}
accounts:
  - id: "111111111111"
    roles:
      - {name: a, trust_policy: *trust}
      - {name: b, trust_policy: *trust}
`
	_, err := Parse("t.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "x-trust: unknown field") {
		t.Fatalf("unknown top-level anchors holder must be refused, got %v", err)
	}
	src = `
accounts:
  - id: "111111111111"
    roles:
      - name: a
        trust_policy: &trust {Version: "2012-10-17", Statement: {Effect: Allow, Principal: {AWS: "*"}, Action: "sts:AssumeRole"}}
      - {name: b, trust_policy: *trust}
`
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Accounts[0].Roles; r[0].TrustPolicy != r[1].TrustPolicy || r[0].TrustPolicy == "" {
		t.Errorf("trust policies = %q, %q", r[0].TrustPolicy, r[1].TrustPolicy)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
	f := filepath.Join(dir, "b.yaml")
	src := one("    saml_providers: [{name: corp, metadata_file: nothere.xml}]\n")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(f); err == nil || !strings.Contains(err.Error(), "b.yaml:3:50: accounts[0].saml_providers[0].metadata_file: cannot read") {
		t.Errorf("missing metadata file: %v", err)
	}
}
