package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/apierr"
)

// fixture holds keys, once per test binary run (RSA generation is slow).
type fixture struct {
	rsa  *rsa.PrivateKey
	ec   *ecdsa.PrivateKey
	jwks string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &rk.PublicKey, KeyID: "rsa1", Use: "sig"},
		{Key: &ek.PublicKey, KeyID: "ec1"},
		{Key: &small.PublicKey, KeyID: "small"},                          // too short: skipped
		{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "hmac"}, // symmetric: skipped
		{Key: &rk.PublicKey, KeyID: "enc", Use: "enc"},                   // encryption key: skipped
	}}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{rsa: rk, ec: ek, jwks: string(b)}
}

func (f *fixture) sign(t testing.TB, alg jose.SignatureAlgorithm, kid string, claims map[string]any) string {
	t.Helper()
	var key any = f.rsa
	if alg == jose.ES256 {
		key = f.ec
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(claims)
	obj, err := s.Sign(p)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

const issuer = "https://idp.example.com"

func claims(mut func(map[string]any)) map[string]any {
	c := map[string]any{"iss": issuer, "sub": "user-1", "aud": []string{"client-a"}, "iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix()}
	if mut != nil {
		mut(c)
	}
	return c
}

func code(err error) string {
	if e, ok := apierr.As(err); ok {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "other: " + err.Error()
}

func TestVerifyInline(t *testing.T) {
	f := newFixture(t)
	p := Provider{ARN: "arn:aws:iam::111111111111:oidc-provider/idp.example.com", URL: issuer, ClientIDs: []string{"client-a", "client-b"}, JWKS: f.jwks}
	v := New(Config{Now: func() time.Time { return t0 }})
	cases := []struct {
		name  string
		token string
		code  string
		aud   string
	}{
		{"RS256", f.sign(t, jose.RS256, "rsa1", claims(nil)), "", "client-a"},
		{"RS512", f.sign(t, jose.RS512, "rsa1", claims(nil)), "", "client-a"},
		{"ES256", f.sign(t, jose.ES256, "ec1", claims(nil)), "", "client-a"},
		{"no kid tries the fitting keys", f.sign(t, jose.RS256, "", claims(nil)), "", "client-a"},
		{"azp is the audience", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["aud"] = "account"; c["azp"] = "client-b" })), "", "client-b"},
		{"aud list", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["aud"] = []string{"x", "client-b"} })), "", "client-b"},
		{"exp within skew", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["exp"] = t0.Add(-4 * time.Minute).Unix() })), "", "client-a"},
		{"expired past skew", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["exp"] = t0.Add(-6 * time.Minute).Unix() })), CodeExpiredToken, ""},
		{"nbf in future", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["nbf"] = t0.Add(6 * time.Minute).Unix() })), CodeInvalidIdentityToken, ""},
		{"wrong audience", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["aud"] = "client-z" })), CodeInvalidIdentityToken, ""},
		{"no sub", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { delete(c, "sub") })), CodeInvalidIdentityToken, ""},
		{"wrong issuer", f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["iss"] = "https://idp.example.com/other" })), CodeInvalidIdentityToken, ""},
		{"RSA key named with ES256 kid", f.sign(t, jose.RS256, "ec1", claims(nil)), CodeInvalidIdentityToken, ""},
		{"unknown kid", f.sign(t, jose.RS256, "nope", claims(nil)), CodeInvalidIdentityToken, ""},
		{"skipped short key", f.sign(t, jose.RS256, "small", claims(nil)), CodeInvalidIdentityToken, ""},
		{"PS256 not accepted", f.sign(t, jose.PS256, "rsa1", claims(nil)), CodeInvalidIdentityToken, ""},
		{"HS256", hs256(t, []byte("0123456789abcdef0123456789abcdef"), "hmac", claims(nil)), CodeInvalidIdentityToken, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := ParseToken(tc.token)
			if err != nil {
				t.Fatal(err)
			}
			id, err := v.Verify(context.Background(), tok, p)
			if code(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			if err == nil && (id.Audience != tc.aud || id.Subject != "user-1") {
				t.Fatalf("identity = %+v", id)
			}
		})
	}
}

func hs256(t *testing.T, secret []byte, kid string, c map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: jose.JSONWebKey{Key: secret, KeyID: kid}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(c)
	obj, err := s.Sign(p)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := obj.CompactSerialize()
	return out
}

// TestDiscoveryCache: keys come by discovery, are cached, refreshed once
// for an unknown kid after minRefresh, and a failing provider is not asked
// again at once.
func TestDiscoveryCache(t *testing.T) {
	f := newFixture(t)
	var fetches, requests atomic.Int32
	var down atomic.Bool
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks"})
		case "/jwks":
			fetches.Add(1)
			_, _ = w.Write([]byte(f.jwks))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	now := t0
	v := New(Config{Now: func() time.Time { return now }})
	p := Provider{URL: srv.URL, ClientIDs: []string{"client-a"}}
	verify := func(kid string) error {
		tok, err := ParseToken(f.sign(t, jose.RS256, kid, claims(func(c map[string]any) {
			c["iss"], c["iat"], c["exp"] = srv.URL, now.Unix(), now.Add(time.Hour).Unix()
		})))
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(context.Background(), tok, p)
		return err
	}
	steps := []struct {
		advance time.Duration
		kid     string
		code    string
		fetches int32
	}{
		{0, "rsa1", "", 1},
		{0, "rsa1", "", 1},                          // cached
		{0, "unknown", CodeInvalidIdentityToken, 1}, // fetched just now: no refresh
		{2 * time.Minute, "unknown", CodeInvalidIdentityToken, 2},
		{10 * time.Second, "unknown", CodeInvalidIdentityToken, 2}, // rate-limited
		{2 * time.Hour, "rsa1", "", 3},                             // TTL passed
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if err := verify(s.kid); code(err) != s.code || fetches.Load() != s.fetches {
			t.Fatalf("step %d: err = %v (want %q), fetches = %d (want %d)", i, err, s.code, fetches.Load(), s.fetches)
		}
	}
	// A provider failing after the TTL: the last good set stays usable.
	down.Store(true)
	now = now.Add(2 * time.Hour)
	if err := verify("rsa1"); err != nil {
		t.Fatalf("stale keys not used: %v", err)
	}
	// A provider never reached is IDPCommunicationError, and is not asked
	// again within minRefresh.
	v2 := New(Config{Now: func() time.Time { return now }})
	tok, _ := ParseToken(f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) {
		c["iss"], c["iat"], c["exp"] = srv.URL, now.Unix(), now.Add(time.Hour).Unix()
	})))
	before := requests.Load()
	for range 3 {
		if _, err := v2.Verify(context.Background(), tok, p); code(err) != CodeIDPCommunicationError {
			t.Fatalf("err = %v", err)
		}
	}
	if n := requests.Load() - before; n != 1 {
		t.Fatalf("provider asked %d times, want once", n)
	}
	down.Store(false)
	if _, err := v2.Verify(context.Background(), tok, p); code(err) != CodeIDPCommunicationError {
		t.Fatalf("provider asked again within minRefresh: %v", err)
	}
	now = now.Add(2 * minRefresh)
	if _, err := v2.Verify(context.Background(), tok, p); err != nil {
		t.Fatalf("after minRefresh: %v", err)
	}
}

func TestIssuerHostPath(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"https://token.actions.githubusercontent.com", "token.actions.githubusercontent.com", true},
		{"https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "oidc.eks.us-east-1.amazonaws.com/id/ABC", true},
		{"HTTPS://idp.example.com:8443/x", "idp.example.com:8443/x", true},
		{"http://127.0.0.1:8443", "127.0.0.1:8443", true},
		{"http://127.9.9.9", "127.9.9.9", true},
		{"http://[::1]:9000/p", "[::1]:9000/p", true},
		{"http://localhost:1234", "localhost:1234", true},
		{"http://idp.example.com", "", false},
		{"http://10.0.0.1", "", false},
		{"https://idp.example.com?x=1", "", false},
		{"https://idp.example.com#f", "", false},
		{"https://user@idp.example.com", "", false},
		{"ftp://idp.example.com", "", false},
		{"idp.example.com", "", false},
		{"", "", false},
	}
	for _, tc := range cases {
		got, ok := IssuerHostPath(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("IssuerHostPath(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseTagsClaim(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		tags []Tag
	}{
		{`{"principal_tags":{"b":["2"],"a":["1"]},"transitive_tag_keys":["a"]}`, true, []Tag{{"a", "1"}, {"b", "2"}}},
		{`{"principal_tags":{"a":"plain"}}`, true, []Tag{{"a", "plain"}}},
		{`{"principal_tags":{"a":["1","2"]}}`, false, nil},
		{`{"principal_tags":{"a":[]}}`, false, nil},
		{`{"principal_tags":{"bad*key":["1"]}}`, false, nil},
		{`{"principal_tags":{"a":[1]}}`, false, nil},
		{`[]`, false, nil},
	}
	for _, tc := range cases {
		got, err := parseTagsClaim(json.RawMessage(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.in, err)
			continue
		}
		if tc.ok && len(got.PrincipalTags) != len(tc.tags) {
			t.Errorf("%s: tags = %v", tc.in, got.PrincipalTags)
			continue
		}
		for i := range tc.tags {
			if got.PrincipalTags[i] != tc.tags[i] {
				t.Errorf("%s: tags = %v", tc.in, got.PrincipalTags)
			}
		}
	}
}

func FuzzParseToken(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.sign(f, jose.RS256, "rsa1", claims(nil)))
	f.Add(fx.sign(f, jose.ES256, "ec1", claims(func(c map[string]any) {
		c["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"k": []string{"v"}}, "transitive_tag_keys": []string{"k"}}
		c["amr"] = "pwd"
		c["exp"] = 1.5
	})))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("..")
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjFlMzAwfQ.x")
	p := Provider{URL: issuer, ClientIDs: []string{"client-a"}, JWKS: fx.jwks}
	v := New(Config{Now: func() time.Time { return t0 }})
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := ParseToken(raw)
		if err != nil {
			if _, ok := apierr.As(err); !ok {
				t.Fatalf("non-API error %v", err)
			}
			return
		}
		if tok.Algorithm == "" {
			t.Fatal("parsed a token without alg")
		}
		// Verification of any parsed token must not panic either; inline
		// keys keep it off the network.
		_, _ = v.Verify(context.Background(), tok, p)
	})
}

func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	p := Provider{URL: issuer, ClientIDs: []string{"client-a"}, JWKS: f.jwks}
	v := New(Config{Now: func() time.Time { return t0 }})
	for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.ES256} {
		kid := map[jose.SignatureAlgorithm]string{jose.RS256: "rsa1", jose.ES256: "ec1"}[alg]
		raw := f.sign(b, alg, kid, claims(nil))
		b.Run(string(alg), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tok, err := ParseToken(raw)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.Verify(context.Background(), tok, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
