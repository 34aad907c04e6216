package arn

import "testing"

func TestBuilders(t *testing.T) {
	const acc = "123456789012"
	tests := []struct{ got, want string }{
		{Root(acc), "arn:aws:iam::123456789012:root"},
		{User(acc, "/", "alice"), "arn:aws:iam::123456789012:user/alice"},
		{User(acc, "", "alice"), "arn:aws:iam::123456789012:user/alice"},
		{User(acc, "/division/team/", "alice"), "arn:aws:iam::123456789012:user/division/team/alice"},
		{Role(acc, "/some/path/", "Name"), "arn:aws:iam::123456789012:role/some/path/Name"},
		{Policy(acc, "/", "ReadOnly"), "arn:aws:iam::123456789012:policy/ReadOnly"},
		{MFA(acc, "/", "alice"), "arn:aws:iam::123456789012:mfa/alice"},
		{MFA(acc, "/dev/", "bob"), "arn:aws:iam::123456789012:mfa/dev/bob"},
		{AssumedRole(acc, "Name", "sess"), "arn:aws:sts::123456789012:assumed-role/Name/sess"},
		{FederatedUser(acc, "bob"), "arn:aws:sts::123456789012:federated-user/bob"},
		{OIDCProvider(acc, "https://token.actions.githubusercontent.com"), "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
		{OIDCProvider(acc, "HTTPS://oidc.eks.us-west-2.amazonaws.com/id/ABC"), "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"},
		{OIDCProvider(acc, "example.com/x"), "arn:aws:iam::123456789012:oidc-provider/example.com/x"},
		{SAMLProvider(acc, "corp"), "arn:aws:iam::123456789012:saml-provider/corp"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
		if _, err := ParseIAM(tt.got); err != nil {
			t.Errorf("ParseIAM(%q) of a built ARN: %v", tt.got, err)
		}
	}
}
