package arn

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    ARN
		wantErr error
	}{
		{in: "arn:aws:iam::123456789012:root", want: ARN{"aws", "iam", "", "123456789012", "root"}},
		{in: "arn:aws-cn:s3:::bucket/key:with:colons", want: ARN{"aws-cn", "s3", "", "", "bucket/key:with:colons"}},
		{in: "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1", want: ARN{"aws-us-gov", "ec2", "us-gov-west-1", "123456789012", "instance/i-1"}},
		{in: "arn:aws:iam::aws:policy/ReadOnlyAccess", want: ARN{"aws", "iam", "", "aws", "policy/ReadOnlyAccess"}},
		{in: "arn:aws:s3:::b/ünïcödé", want: ARN{"aws", "s3", "", "", "b/ünïcödé"}},
		{in: "", wantErr: ErrNoPrefix},
		{in: "ARN:aws:iam::123456789012:root", wantErr: ErrNoPrefix},
		{in: "arn:aws:iam::123456789012", wantErr: ErrTooFewSections},
		{in: "arn:aws:iam:", wantErr: ErrTooFewSections},
		{in: "arn:aws-iso:iam::123456789012:root", wantErr: ErrBadPartition},
		{in: "arn::iam::123456789012:root", wantErr: ErrBadPartition},
		{in: "arn:aws:::123456789012:root", wantErr: ErrBadService},
		{in: "arn:aws:IAM::123456789012:root", wantErr: ErrBadService},
		{in: "arn:aws:iam:US_EAST:123456789012:root", wantErr: ErrBadRegion},
		{in: "arn:aws:iam::1234 56789012:root", wantErr: ErrBadAccount},
		{in: "arn:aws:iam::123456789012:", wantErr: ErrBadResource},
		{in: "arn:aws:iam::123456789012:role/\x00", wantErr: ErrInvalidCharacter},
		{in: "arn:aws:iam::123456789012:role/\xff", wantErr: ErrInvalidCharacter},
		{in: "arn:aws:iam::123456789012:role/\u0080", wantErr: ErrInvalidCharacter},
		{in: "arn:aws:s3:::" + strings.Repeat("a", MaxLen-13), want: ARN{"aws", "s3", "", "", strings.Repeat("a", MaxLen-13)}},
		{in: "arn:aws:s3:::" + strings.Repeat("a", MaxLen-12), wantErr: ErrTooLong},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Parse(%.60q) error = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil {
			if got != tt.want {
				t.Errorf("Parse(%.60q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("Parse(%.60q).String() = %.60q", tt.in, s)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:root",
		"arn:aws:iam::123456789012:role/some/path/Name",
		"arn:aws:sts::123456789012:assumed-role/Name/sess",
		"arn:aws:iam::123456789012:oidc-provider/example.com/x",
		"arn:aws:iam::aws:policy/service-role/X",
		"arn:aws-cn:s3:::b/k:x",
		"arn:aws:iam::123456789012:role/",
		"arn:::::",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if _, err2 := ParseIAM(s); err2 == nil {
				t.Fatalf("ParseIAM accepted %q that Parse refused: %v", s, err)
			}
			return
		}
		if len(s) > MaxLen || !utf8.ValidString(s) {
			t.Fatalf("Parse accepted %q", s)
		}
		if a.String() != s {
			t.Fatalf("round trip: %q -> %q", s, a.String())
		}
		if sp, err := Split(s); err != nil || sp != a {
			t.Fatalf("Split(%q) = %+v, %v; Parse gave %+v", s, sp, err, a)
		}
		r, err := ParseIAM(s)
		if err != nil {
			return
		}
		// Rebuilding from the parts must give the same ARN.
		var rebuilt string
		switch r.Type {
		case TypeRoot:
			rebuilt = "root"
		case TypeAssumedRole:
			rebuilt = r.Type + "/" + r.Name + "/" + r.Session
		case TypeFederatedUser, TypeOIDCProvider, TypeSAMLProvider:
			rebuilt = r.Type + "/" + r.Name
		default:
			rebuilt = r.Type + r.Path + r.Name
		}
		if rebuilt != r.Resource {
			t.Fatalf("ParseIAM(%q) parts rebuild %q", s, rebuilt)
		}
	})
}

func TestSplit(t *testing.T) {
	tests := []struct {
		in      string
		want    ARN
		wantErr error
	}{
		// Split takes what Parse refuses for its content, not its shape.
		{in: "arn:aws-iso:iam::123456789012:root", want: ARN{"aws-iso", "iam", "", "123456789012", "root"}},
		{in: "arn:*:IAM:r e:acct:role/a b:c", want: ARN{"*", "IAM", "r e", "acct", "role/a b:c"}},
		{in: "arn:::::", want: ARN{}},
		{in: "arn:aws:iam::123456789012", wantErr: ErrTooFewSections},
		{in: "ARN:aws:iam::123456789012:root", wantErr: ErrNoPrefix},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Split(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (got != tt.want || got.String() != tt.in) {
			t.Errorf("Split(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
