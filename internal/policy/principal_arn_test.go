package policy

import (
	"testing"

	"github.com/stsd/stsd/internal/arn"
)

// TestPrincipalARNForms pins which principal ARNs policy validation accepts
// and how a role ARN is recognised as a session's role, now that both take
// ARNs apart with package arn.
func TestPrincipalARNForms(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"arn:aws:iam::123456789012:root", true},
		{"arn:aws-iso:iam::123456789012:root", true}, // IAM's partitions, not only those stsd serves
		{"arn:aws:iam::123456789012:user/a/b", true},
		{"arn:aws:iam::123456789012:role/r", true},
		{"arn:aws:iam::123456789012:federated-user/f", true},
		{"arn:aws:sts::123456789012:assumed-role/r/s", true},
		{"arn:aws:sts::123456789012:federated-user/f", true},
		{"arn:aws:iam::123456789012:role/", false},
		{"arn:aws:iam::123456789012:role/p/", false},
		{"arn:aws:iam::123456789012:role/*", false},
		{"arn:aws:iam::123456789012:group/g", false},
		{"arn:aws:iam:us-east-1:123456789012:role/r", false},
		{"arn:aws:iam::12345678901:role/r", false},
		{"arn:aws-x:iam::123456789012:role/r", false},
		{"arn:aws:sts::123456789012:assumed-role/r", false},
		{"arn:aws:sts::123456789012:assumed-role//s", false},
		{"arn:aws:sts::123456789012:role/r", false},
		{"arn:aws:iam::123456789012", false},
	} {
		if got := validPrincipalARN(tt.v); got != tt.want {
			t.Errorf("validPrincipalARN(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"arn:aws:iam::123456789012:saml-provider/corp", true},
		{"arn:aws:iam::123456789012:oidc-provider/example.com/x", true},
		{"arn:aws:iam::123456789012:saml-provider/", false},
		{"arn:aws:sts::123456789012:saml-provider/corp", false},
		{"arn:aws:iam::123456789012:role/corp", false},
	} {
		if got := validProviderARN(tt.v); got != tt.want {
			t.Errorf("validProviderARN(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		v, acct string
		ok      bool
	}{
		{"arn:aws:iam::123456789012:root", "123456789012", true},
		{"arn:aws-iso:iam::123456789012:root", "123456789012", true},
		{"arn:aws:sts::123456789012:root", "", false},
		{"arn:aws:iam:r:123456789012:root", "", false},
		{"arn:aws:iam::123456789012:user/root", "", false},
		{"123456789012", "", false},
	} {
		if acct, ok := rootARNAccount(tt.v); acct != tt.acct || ok != tt.ok {
			t.Errorf("rootARNAccount(%q) = %q, %v, want %q, %v", tt.v, acct, ok, tt.acct, tt.ok)
		}
	}
	const session = "arn:aws:sts::123456789012:assumed-role/app/s1"
	for _, tt := range []struct {
		role, session string
		want          bool
	}{
		{"arn:aws:iam::123456789012:role/app", session, true},
		{"arn:aws:iam::123456789012:role/some/path/app", session, true},
		{"arn:aws:iam::123456789012:role/other", session, false},
		{"arn:aws:iam::123456789012:role/app/x", session, false},
		{"arn:aws:iam::210987654321:role/app", session, false},
		{"arn:aws-cn:iam::123456789012:role/app", session, false},
		{"arn:aws:iam::123456789012:user/app", session, false},
		{"arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:user/app", false},
	} {
		sess, err := arn.ParseIAM(tt.session)
		got := err == nil && sess.Type == arn.TypeAssumedRole && roleOfSession(tt.role, sess)
		if got != tt.want {
			t.Errorf("role %q of session %q = %v, want %v", tt.role, tt.session, got, tt.want)
		}
	}
}
