package outbound

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/federation/oidc"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// TestNewClaimsLayout compares whole payloads with the layout of AWS's
// tokens: the real token decoded in the AWS News Blog post of 2025-11-19
// ("Simplify access to external services using AWS IAM outbound identity
// federation"): {"aud":"my-app","sub":"arn:aws:iam::ACCOUNT_ID:role/MyAppRole",
// "https://sts.amazonaws.com/":{"aws_account":…,"source_region":"us-east-1",
// "principal_id":"arn:aws:iam::ACCOUNT_ID:role/MyAppRole"},"iss":…,"exp":…,
// "iat":…,"jti":…}; and the sample of the IAM User Guide
// (id_roles_providers_outbound_token_claims.html) for the other claims.
func TestNewClaimsLayout(t *testing.T) {
	const role = "arn:aws:iam::000000000000:role/app/MyAppRole"
	base := ClaimsInput{
		Issuer:       testURL,
		Subject:      role,
		Audience:     []string{"my-app"},
		IssuedAt:     t0.Add(999 * time.Millisecond), // iat is whole seconds
		Duration:     DefaultDuration,
		ID:           "5488e298-0a47-4c5b-80d7-6b4ab8a4cede",
		Account:      "000000000000",
		SourceRegion: "us-east-1",
	}
	iat := t0.Unix()
	tests := []struct {
		name string
		edit func(*ClaimsInput)
		want string
	}{
		{
			name: "long-term credentials, one audience: aud is a string",
			edit: func(*ClaimsInput) {},
			want: `{"iss":"` + testURL + `","sub":"` + role + `","aud":"my-app","iat":1777636800,"exp":1777637100,"jti":"5488e298-0a47-4c5b-80d7-6b4ab8a4cede",` +
				`"https://sts.amazonaws.com/":{"aws_account":"000000000000","source_region":"us-east-1","principal_id":"` + role + `"}}`,
		},
		{
			name: "several audiences: aud is an array in request order",
			edit: func(in *ClaimsInput) {
				in.Audience = []string{"https://b.example", "https://a.example"}
				in.Duration = MaxDuration
			},
			want: `{"iss":"` + testURL + `","sub":"` + role + `","aud":["https://b.example","https://a.example"],"iat":1777636800,"exp":1777640400,"jti":"5488e298-0a47-4c5b-80d7-6b4ab8a4cede",` +
				`"https://sts.amazonaws.com/":{"aws_account":"000000000000","source_region":"us-east-1","principal_id":"` + role + `"}}`,
		},
		{
			name: "role session with tags, source identity and provider",
			edit: func(in *ClaimsInput) {
				in.Duration = MinDuration
				in.SourceRegion = "eu-north-1"
				in.PrincipalTags = map[string]string{"team": "data", "environment": "production"}
				in.RequestTags = map[string]string{"job-id": "job-2024-001"}
				in.SessionExpiry = time.Date(2026, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
				in.SourceIdentity = "alice"
				in.FederatedProvider = "arn:aws:iam::000000000000:oidc-provider/idp.example.com"
			},
			want: `{"iss":"` + testURL + `","sub":"` + role + `","aud":"my-app","iat":1777636800,"exp":1777636860,"jti":"5488e298-0a47-4c5b-80d7-6b4ab8a4cede",` +
				`"https://sts.amazonaws.com/":{"aws_account":"000000000000","source_region":"eu-north-1","principal_id":"` + role + `",` +
				`"principal_tags":{"environment":"production","team":"data"},"request_tags":{"job-id":"job-2024-001"},` +
				`"original_session_exp":"2026-05-01T12:00:00Z","source_identity":"alice",` +
				`"federated_provider":"arn:aws:iam::000000000000:oidc-provider/idp.example.com"}}`,
		},
		{
			name: "empty tag maps are left out, as absent claims",
			edit: func(in *ClaimsInput) { in.PrincipalTags, in.RequestTags = map[string]string{}, map[string]string{} },
			want: `{"iss":"` + testURL + `","sub":"` + role + `","aud":"my-app","iat":1777636800,"exp":1777637100,"jti":"5488e298-0a47-4c5b-80d7-6b4ab8a4cede",` +
				`"https://sts.amazonaws.com/":{"aws_account":"000000000000","source_region":"us-east-1","principal_id":"` + role + `"}}`,
		},
	}
	if iat != 1777636800 {
		t.Fatalf("fixture time is %d", iat)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.edit(&in)
			c := NewClaims(in)
			got, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("payload\n got %s\nwant %s", got, tc.want)
			}
			if !c.Expiration().Equal(time.Unix(c.Expiry, 0)) || c.Expiration().Sub(t0) != in.Duration {
				t.Fatalf("Expiration %v, want %v", c.Expiration(), t0.Add(in.Duration))
			}
			// No nbf: AWS's tokens and claims_supported have none.
			if strings.Contains(string(got), `"nbf"`) {
				t.Fatal("payload has nbf")
			}
		})
	}
}

func TestAudienceJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{`"a"`, []string{"a"}, false},
		{`["a","b"]`, []string{"a", "b"}, false},
		{`["a"]`, []string{"a"}, false},
		{`7`, nil, true},
		{`[1]`, nil, true},
		{`{"a":1}`, nil, true},
	}
	for _, tc := range tests {
		var a Audience
		err := json.Unmarshal([]byte(tc.in), &a)
		if (err != nil) != tc.wantErr || strings.Join(a, ",") != strings.Join(tc.want, ",") {
			t.Errorf("Unmarshal(%s) = %q, %v; want %q (error %v)", tc.in, a, err, tc.want, tc.wantErr)
		}
	}
}

func TestNewTokenID(t *testing.T) {
	a, err := NewTokenID(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewTokenID(rand.Reader)
	if !ValidIssuerID(a) || a[14] != '4' || a == b {
		t.Fatalf("token ids %q, %q", a, b)
	}
}

// TestPayloadLimit signs payloads at and just over MaxPayloadBytes.
func TestPayloadLimit(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	// {"x":"…"} is 8 bytes of framing around the filler.
	at := map[string]string{"x": strings.Repeat("a", MaxPayloadBytes-8)}
	if b, _ := json.Marshal(at); len(b) != MaxPayloadBytes {
		t.Fatalf("fixture is %d bytes", len(b))
	}
	if _, err := iss.Sign(ES384, at); err != nil {
		t.Fatalf("payload of exactly MaxPayloadBytes refused: %v", err)
	}
	over := map[string]string{"x": strings.Repeat("a", MaxPayloadBytes-7)}
	for _, alg := range Algorithms() {
		if _, err := iss.Sign(alg, over); err != ErrPayloadTooLarge {
			t.Fatalf("%s: payload over MaxPayloadBytes: got %v, want ErrPayloadTooLarge", alg, err)
		}
	}
}

// TestTokensVerifyWithOIDCVerifier checks that tokens pass an independent
// OIDC verifier — stsd's own inbound one, which picks the key by kid from
// the key set, accepts only asymmetric algorithms, and checks iss, aud and
// the validity times — given the published JWKS and the issuer URL.
func TestTokensVerifyWithOIDCVerifier(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	other := newTestIssuer(t, testURL, 1)
	c := NewClaims(ClaimsInput{
		Issuer: iss.URL(), Subject: "arn:aws:iam::000000000000:user/alice",
		Audience: []string{"https://api.example.com", "sts.amazonaws.com"},
		IssuedAt: t0, Duration: DefaultDuration, ID: "5488e298-0a47-4c5b-80d7-6b4ab8a4cede",
		Account: "000000000000", SourceRegion: "us-east-1",
	})
	tests := []struct {
		name    string
		jwks    []byte
		now     time.Time
		wantErr string // "" for success, else the refusal's code
	}{
		{"own key set", iss.JWKS(), t0.Add(time.Minute), ""},
		{"another issuer's key set", other.JWKS(), t0.Add(time.Minute), oidc.CodeInvalidIdentityToken},
		{"after exp and the skew", iss.JWKS(), t0.Add(DefaultDuration + oidc.Skew + time.Second), oidc.CodeExpiredToken},
	}
	for _, alg := range Algorithms() {
		tok, err := iss.Sign(alg, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range tests {
			t.Run(alg+"/"+tc.name, func(t *testing.T) {
				v := oidc.New(oidc.Config{Now: func() time.Time { return tc.now }})
				pt, err := oidc.ParseToken(tok)
				if err != nil {
					t.Fatal(err)
				}
				p := oidc.Provider{ARN: "arn:aws:iam::000000000000:oidc-provider/x", URL: testURL, ClientIDs: []string{"sts.amazonaws.com"}, JWKS: string(tc.jwks)}
				id, err := v.Verify(context.Background(), pt, p)
				if tc.wantErr != "" {
					var ae *apierr.Error
					if !errors.As(err, &ae) || ae.Code != tc.wantErr {
						t.Fatalf("got %v, want %s", err, tc.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if id.Subject != c.Subject || id.Audience != "sts.amazonaws.com" || !id.Expiry.Equal(c.Expiration()) {
					t.Fatalf("identity %+v", id)
				}
			})
		}
	}
}
