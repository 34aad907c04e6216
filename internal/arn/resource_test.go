package arn

import (
	"errors"
	"strings"
	"testing"
)

func TestParseIAM(t *testing.T) {
	tests := []struct {
		in                       string
		typ, path, name, session string
		wantErr                  error
	}{
		{in: "arn:aws:iam::123456789012:root", typ: TypeRoot},
		{in: "arn:aws:iam::123456789012:role/some/path/Name", typ: TypeRole, path: "/some/path/", name: "Name"},
		{in: "arn:aws:iam::123456789012:role/Name", typ: TypeRole, path: "/", name: "Name"},
		{in: "arn:aws:iam::123456789012:user/alice", typ: TypeUser, path: "/", name: "alice"},
		{in: "arn:aws:iam::123456789012:user/a/b/c+=,.@-_9", typ: TypeUser, path: "/a/b/", name: "c+=,.@-_9"},
		{in: "arn:aws:iam::123456789012:policy/ReadOnly", typ: TypePolicy, path: "/", name: "ReadOnly"},
		{in: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole", typ: TypePolicy, path: "/service-role/", name: "AWSLambdaRole"},
		{in: "arn:aws:iam::123456789012:group/admins", typ: TypeGroup, path: "/", name: "admins"},
		{in: "arn:aws:iam::123456789012:instance-profile/p/web", typ: TypeInstanceProfile, path: "/p/", name: "web"},
		{in: "arn:aws:iam::123456789012:mfa/alice", typ: TypeMFA, path: "/", name: "alice"},
		{in: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", typ: TypeOIDCProvider, name: "token.actions.githubusercontent.com"},
		{in: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC", typ: TypeOIDCProvider, name: "oidc.eks.us-west-2.amazonaws.com/id/ABC"},
		{in: "arn:aws:iam::123456789012:saml-provider/corp_idp.v2", typ: TypeSAMLProvider, name: "corp_idp.v2"},
		{in: "arn:aws:sts::123456789012:assumed-role/Name/sess", typ: TypeAssumedRole, name: "Name", session: "sess"},
		{in: "arn:aws:sts::123456789012:federated-user/bob", typ: TypeFederatedUser, name: "bob"},
		{in: "arn:aws-cn:iam::123456789012:role/x", typ: TypeRole, path: "/", name: "x"},

		{in: "not-an-arn", wantErr: ErrNoPrefix},
		{in: "arn:aws:s3:::bucket", wantErr: ErrNotIAM},
		{in: "arn:aws:iam:us-east-1:123456789012:role/x", wantErr: ErrRegionNotEmpty},
		{in: "arn:aws:iam::123456789012:roles/x", wantErr: ErrUnknownType},
		{in: "arn:aws:iam::123456789012:role", wantErr: ErrUnknownType},
		{in: "arn:aws:iam::123456789012:rootx", wantErr: ErrUnknownType},
		{in: "arn:aws:iam::123456789012:role/", wantErr: ErrBadName},
		{in: "arn:aws:iam::123456789012:role/path/", wantErr: ErrBadName},
		{in: "arn:aws:iam::123456789012:role/na me", wantErr: ErrBadName},
		{in: "arn:aws:iam::123456789012:role/a b/x", wantErr: ErrBadPath},
		{in: "arn:aws:iam::123456789012:role/" + strings.Repeat("p", 511) + "/x", wantErr: ErrBadPath},
		{in: "arn:aws:iam::12345678901:role/x", wantErr: ErrBadAccount},
		{in: "arn:aws:iam::aws:role/x", wantErr: ErrBadAccount},
		{in: "arn:aws:iam:::root", wantErr: ErrBadAccount},
		{in: "arn:aws:sts::123456789012:role/x", wantErr: ErrWrongService},
		{in: "arn:aws:iam::123456789012:assumed-role/r/s", wantErr: ErrWrongService},
		{in: "arn:aws:sts::123456789012:root", wantErr: ErrWrongService},
		{in: "arn:aws:sts::123456789012:assumed-role/r", wantErr: ErrBadName},
		{in: "arn:aws:sts::123456789012:assumed-role//s", wantErr: ErrBadName},
		{in: "arn:aws:sts::123456789012:assumed-role/r/", wantErr: ErrBadSessionName},
		{in: "arn:aws:sts::123456789012:assumed-role/r/s/t", wantErr: ErrBadSessionName},
		{in: "arn:aws:sts::123456789012:federated-user/", wantErr: ErrBadName},
		{in: "arn:aws:iam::123456789012:saml-provider/a/b", wantErr: ErrBadName},
		{in: "arn:aws:iam::123456789012:oidc-provider/", wantErr: ErrBadName},
		{in: "arn:aws:iam::123456789012:oidc-provider//x", wantErr: ErrBadName},
	}
	for _, tt := range tests {
		got, err := ParseIAM(tt.in)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("ParseIAM(%.70q) error = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got.Type != tt.typ || got.Path != tt.path || got.Name != tt.name || got.Session != tt.session {
			t.Errorf("ParseIAM(%q) = (%q, %q, %q, %q), want (%q, %q, %q, %q)", tt.in,
				got.Type, got.Path, got.Name, got.Session, tt.typ, tt.path, tt.name, tt.session)
		}
		if got.String() != tt.in {
			t.Errorf("ParseIAM(%q).String() = %q", tt.in, got.String())
		}
	}
}
