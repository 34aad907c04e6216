package policy

import (
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/apierr"
)

const okStmt = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`

// Validation messages. "This policy contains invalid Json" is recorded from
// real IAM (aws-parity-snapshots/localstack/test_iam.snapshot.json); the
// others are IAM's MalformedPolicyDocument texts (see errors.go). Grammar:
// reference_policies_grammar.html; Version: reference_policies_elements_
// version.html; Principal: reference_policies_elements_principal.html.
func TestParseErrors(t *testing.T) {
	v := `"Version":"2012-10-17",`
	tests := []struct {
		name, doc string
		kind      Kind
		code, msg string
	}{
		{"invalid json", `{"Version":`, KindManaged, MalformedPolicyDocument, msgInvalidJSON},
		{"trailing data", `{"Version":"2012-10-17","Statement":` + okStmt + `} x`, KindManaged, MalformedPolicyDocument, msgInvalidJSON},
		{"not an object", `[]`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"duplicate key", `{` + v + `"Statement":` + okStmt + `,"Statement":` + okStmt + `}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"duplicate key in statement", `{` + v + `"Statement":{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"unknown top element", `{` + v + `"Foo":1,"Statement":` + okStmt + `}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"bad version", `{"Version":"2013-01-01","Statement":` + okStmt + `}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"version not string", `{"Version":20121017,"Statement":` + okStmt + `}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"missing statement", `{` + v + `"Id":"x"}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"empty statement list", `{` + v + `"Statement":[]}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"statement is string", `{` + v + `"Statement":"x"}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"unknown statement element", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Foo":"x"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"missing effect", `{` + v + `"Statement":{"Action":"s3:*","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"bad effect", `{` + v + `"Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"effect wrong case", `{` + v + `"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgLegacy},
		{"action and notaction", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:x","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"resource and notresource", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"action not string", `{` + v + `"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"unknown condition operator", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a:b":"c"}}}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"condition operator case", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"stringequals":{"a:b":"c"}}}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"condition block not object", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":"x"}}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"condition value object", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a:b":{}}}}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"sid not string", `{` + v + `"Statement":{"Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"missing version identity", `{"Statement":` + okStmt + `}`, KindManaged, MalformedPolicyDocument, msgVersion},
		{"2008 managed", `{"Version":"2008-10-17","Statement":` + okStmt + `}`, KindManaged, MalformedPolicyDocument, msgVersion},
		{"NullIfExists", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"a:b":"true"}}}}`, KindManaged, MalformedPolicyDocument, msgSyntax},
		{"bad date", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}}`, KindManaged, MalformedPolicyDocument, msgLegacy},
		{"duplicate sid", `{` + v + `"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, KindManaged, MalformedPolicyDocument, msgDuplicateSid},
		{"sid characters", `{` + v + `"Statement":{"Sid":"a b","Effect":"Allow","Action":"s3:*","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgSidChars},
		{"no action", `{` + v + `"Statement":{"Effect":"Allow","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgNoActions},
		{"empty action list", `{` + v + `"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgNoActions},
		{"no resource", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*"}}`, KindManaged, MalformedPolicyDocument, msgNoResources},
		{"principal in identity policy", `{` + v + `"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, KindInlineRole, MalformedPolicyDocument, msgNoPrincipalAllowed},
		{"notprincipal in session policy", `{` + v + `"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}}`, KindSession, MalformedPolicyDocument, msgNoPrincipalAllowed},
		{"trust without principal", `{` + v + `"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, msgMissingPrincipal},
		{"trust with resource", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*"}}`, KindTrust, MalformedPolicyDocument, msgProhibitedResource},
		{"action without vendor", `{` + v + `"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgVendorMissing},
		{"action two colons", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, msgOneColon},
		{"action bad vendor", `{` + v + `"Statement":{"Effect":"Allow","Action":"s*:GetObject","Resource":"*"}}`, KindManaged, MalformedPolicyDocument, "Vendor s* is not valid"},
		{"condition key without vendor", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"x"}}}}`, KindManaged, MalformedPolicyDocument, msgVendorMissing},
		{"resource not arn", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}`, KindManaged, MalformedPolicyDocument, `Resource bucket must be in ARN format or "*".`},
		{"resource bad partition", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:foo:s3:::b"}}`, KindManaged, MalformedPolicyDocument, `Partition "foo" is not valid for resource "arn:foo:s3:*:*:b".`},
		{"resource vendor wildcard", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:*:::b"}}`, KindManaged, MalformedPolicyDocument, msgResourceVendor},
		{"iam resource with region", `{` + v + `"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:123456789012:user/x"}}`, KindManaged, MalformedPolicyDocument, "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information."},
		{"principal placeholder", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"Example Corp's AWS Account ID"},"Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, `Invalid principal in policy: "AWS":"Example Corp's AWS Account ID"`},
		{"principal wildcard arn", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"`},
		{"principal bad federated", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"Federated":"PROVIDER-NAME"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, KindTrust, MalformedPolicyDocument, `Invalid principal in policy: "Federated":"PROVIDER-NAME"`},
		{"principal bad service", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"Service":"ec2"},"Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, `Invalid principal in policy: "Service":"ec2"`},
		{"principal unknown type", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"Foo":"x"},"Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, msgSyntax},
		{"principal string not star", `{` + v + `"Statement":{"Effect":"Allow","Principal":"123456789012","Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, msgSyntax},
		{"principal empty map", `{` + v + `"Statement":{"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"}}`, KindTrust, MalformedPolicyDocument, msgSyntax},
		// Quotas: reference_iam-quotas.html; counted without white space.
		{"trust too large", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":["sts:AssumeRole"` + strings.Repeat(`,"sts:TagSession"`, 130) + `]}}`, KindTrust, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"managed too large", `{` + v + `"Statement":{"Effect":"Allow","Resource":"*","Action":["s3:GetObject"` + strings.Repeat(`,"s3:GetObjectAcl"`, 400) + `]}}`, KindManaged, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.doc, tc.kind)
			ae, ok := apierr.As(err)
			if !ok {
				t.Fatalf("got %v, want %s: %s", err, tc.code, tc.msg)
			}
			if ae.Code != tc.code || ae.Message != tc.msg {
				t.Errorf("got %s: %q\nwant %s: %q", ae.Code, ae.Message, tc.code, tc.msg)
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	v := `"Version":"2012-10-17",`
	tests := []struct {
		name, doc string
		kind      Kind
	}{
		{"statement object", `{` + v + `"Statement":` + okStmt + `}`, KindManaged},
		{"statement array with id", `{` + v + `"Id":"x","Statement":[` + okStmt + `,` + okStmt + `]}`, KindInlineUser},
		{"notaction notresource", `{` + v + `"Statement":{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/*"}}`, KindManaged},
		{"action star", `{` + v + `"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, KindSession},
		{"trust 2008", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`, KindTrust},
		{"trust no version", `{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}}`, KindTrust},
		{"trust principal forms", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/a/b","arn:aws:iam::123456789012:role/r","arn:aws:sts::123456789012:assumed-role/r/s","arn:aws:sts::123456789012:federated-user/f"],"Federated":["arn:aws:iam::123456789012:saml-provider/x","accounts.google.com"],"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"sts:AssumeRole"}}`, KindTrust},
		{"bool and number condition values", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":[10,20]}}}}`, KindManaged},
		{"empty sids repeat", `{` + v + `"Statement":[{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, KindManaged},
		{"resource policy sid with spaces", `{` + v + `"Statement":{"Sid":"Allow read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, KindResource},
		{"whitespace does not count", `{` + v + `"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}}` + strings.Repeat(" ", 5000), KindTrust},
		{"inline 2008", `{"Version":"2008-10-17","Statement":` + okStmt + `}`, KindInlineUser},
		{"variables", `{` + v + `"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`, KindManaged},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.doc, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Statements) == 0 || p.Kind != tc.kind || p.Document != tc.doc {
				t.Errorf("bad policy %+v", p)
			}
		})
	}
}

// The doc examples that keep placeholders must be refused; the others must
// parse (iam-policy/aws-docs-examples, see its README).
func TestInlineQuota(t *testing.T) {
	if e := InlineQuotaError(KindInlineUser, "alice", 2049); e == nil || e.Message != "Maximum policy size of 2048 bytes exceeded for user alice" {
		t.Errorf("got %v", e)
	}
	if e := InlineQuotaError(KindInlineRole, "r", 10240); e != nil {
		t.Errorf("at quota: %v", e)
	}
	if e := InlineQuotaError(KindInlineGroup, "g", 5121); e == nil || e.Code != "LimitExceeded" {
		t.Errorf("group: %v", e)
	}
	if Size(" a \n\t b ") != 2 {
		t.Error("Size counts white space")
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":` + okStmt + `}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ForAnyValue:StringLike":{"a:b":["x*","${aws:username, 'd'}"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}}]}`,
		`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root"]},"NotAction":"s3:*","NotResource":"arn:aws:s3:::b"}}`,
		`{`, `[]`, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::${"}}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		for _, k := range []Kind{KindManaged, KindTrust, KindResource} {
			p, err := Parse(doc, k)
			if err != nil {
				if _, ok := apierr.As(err); !ok {
					t.Fatalf("non-API error %v", err)
				}
				continue
			}
			req := Request{Principal: Principal{ARN: "arn:aws:iam::123456789012:user/a", Account: "123456789012"},
				Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
			req.Context.Set("a:b", "x")
			Evaluate(&PolicySet{Identity: []*Policy{p}, Resource: []*Policy{p}}, &req)
		}
	})
}
