package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// signRaw signs payload bytes exactly as given, so a test can put in
// duplicate or oddly spelled members that json.Marshal of a map cannot.
func (f *fixture) signRaw(t *testing.T, payload string, opts *jose.SignerOptions) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: f.rsa, KeyID: "rsa1"}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestClaimNamesExact: claims are read by their exact name, once. With
// encoding/json's case-insensitive matching, a custom "AUD" claim after
// "aud" used to replace the audience.
func TestClaimNamesExact(t *testing.T) {
	f := newFixture(t)
	p := Provider{ARN: "arn:aws:iam::111111111111:oidc-provider/idp.example.com", URL: issuer, ClientIDs: []string{"client-a"}, JWKS: f.jwks}
	v := New(Config{Now: func() time.Time { return t0 }})
	times := `"iat":` + itoa(t0.Unix()) + `,"exp":` + itoa(t0.Add(time.Hour).Unix())
	cases := []struct {
		name, payload string
		ok            bool
	}{
		{"control", `{"iss":"` + issuer + `","sub":"u","aud":"client-a",` + times + `}`, true},
		{"upper-case AUD shadows aud", `{"iss":"` + issuer + `","sub":"u","aud":"client-z","AUD":"client-a",` + times + `}`, false},
		{"duplicate aud", `{"iss":"` + issuer + `","sub":"u","aud":"client-z","aud":"client-a",` + times + `}`, false},
		{"duplicate sub", `{"iss":"` + issuer + `","sub":"u","sub":"admin","aud":"client-a",` + times + `}`, false},
		{"Sub instead of sub", `{"iss":"` + issuer + `","Sub":"u","aud":"client-a",` + times + `}`, false},
		{"exp as a string", `{"iss":"` + issuer + `","sub":"u","aud":"client-a","exp":"` + itoa(t0.Add(time.Hour).Unix()) + `"}`, false},
		{"exp negative", `{"iss":"` + issuer + `","sub":"u","aud":"client-a","exp":-1}`, false},
		{"exp huge", `{"iss":"` + issuer + `","sub":"u","aud":"client-a","exp":1e300}`, false},
		{"not an object", `["iss"]`, false},
		{"trailing data", `{"iss":"` + issuer + `","sub":"u","aud":"client-a",` + times + `}{}`, false},
		{"duplicate tag key", `{"iss":"` + issuer + `","sub":"u","aud":"client-a",` + times + `,"https://aws.amazon.com/tags":{"principal_tags":{"k":["a"],"k":["b"]}}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := verifyRaw(v, f.signRaw(t, tc.payload, nil), p)
			if (err == nil) != tc.ok {
				t.Fatalf("identity %+v, err %v; want ok=%v", id, err, tc.ok)
			}
			if err != nil && code(err) != CodeInvalidIdentityToken {
				t.Fatalf("code %q", code(err))
			}
		})
	}
}

func verifyRaw(v *Verifier, raw string, p Provider) (*Identity, error) {
	tok, err := ParseToken(raw)
	if err != nil {
		return nil, err
	}
	return v.Verify(context.Background(), tok, p)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestHeaderRules: a crit header is refused (go-jose would honour
// "b64": false); sender-supplied keys are never used; the header go-jose
// verifies with must be the one the key was chosen by.
func TestHeaderRules(t *testing.T) {
	f := newFixture(t)
	p := Provider{URL: issuer, ClientIDs: []string{"client-a"}, JWKS: f.jwks}
	v := New(Config{Now: func() time.Time { return t0 }})
	payload, _ := json.Marshal(claims(nil))

	crit := f.signRaw(t, string(payload), (&jose.SignerOptions{}).WithHeader("crit", []string{"exp"}).WithHeader("exp", 1))
	if _, err := ParseToken(crit); code(err) != CodeInvalidIdentityToken {
		t.Fatalf("crit header: err = %v", err)
	}

	// An attacker's own key, embedded in the header and named by jku:
	// the signature is by that key, so only honouring it would pass.
	evil, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: evil},
		(&jose.SignerOptions{EmbedJWK: true}).WithHeader("jku", "https://evil.example/jwks").WithHeader("kid", "rsa1"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	embedded, _ := obj.CompactSerialize()
	if _, err := verifyRaw(v, embedded, p); code(err) != CodeInvalidIdentityToken {
		t.Fatalf("embedded jwk: err = %v", err)
	}

	good := f.sign(t, jose.RS256, "rsa1", claims(nil))
	tok, err := ParseToken(good)
	if err != nil {
		t.Fatal(err)
	}
	tok.Algorithm = string(jose.RS512)
	if _, err := v.Verify(context.Background(), tok, p); code(err) != CodeInvalidIdentityToken {
		t.Fatalf("header disagreement: err = %v", err)
	}
}

// TestFetchStaysOffLocalHost: a remote issuer's discovery document cannot
// point stsd at services on its own host, through jwks_uri or a redirect.
func TestFetchStaysOffLocalHost(t *testing.T) {
	f := newFixture(t)
	var jwksHits atomic.Int32
	var jwksURI atomic.Value
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": "https://example.com", "jwks_uri": jwksURI.Load().(string)})
		case "/jwks":
			jwksHits.Add(1)
			_, _ = w.Write([]byte(f.jwks))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// Every host name reaches the test server, so example.com stands for
	// a remote IdP.
	client := srv.Client()
	tr := client.Transport.(*http.Transport)
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p := Provider{URL: "https://example.com", ClientIDs: []string{"client-a"}}
	tok := f.sign(t, jose.RS256, "rsa1", claims(func(c map[string]any) { c["iss"] = "https://example.com" }))
	cases := []struct {
		uri string
		ok  bool
	}{
		{"https://example.com/jwks", true},
		{"https://127.0.0.1:" + port + "/jwks", false},
		{"https://localhost:" + port + "/jwks", false},
		{"https://[::1]:" + port + "/jwks", false},
		{"https://0.0.0.0:" + port + "/jwks", false},
		{"http://127.0.0.1:" + port + "/jwks", false},
	}
	for _, tc := range cases {
		jwksURI.Store(tc.uri)
		jwksHits.Store(0)
		v := New(Config{HTTPClient: client, Now: func() time.Time { return t0 }})
		_, err := verifyRaw(v, tok, p)
		if (err == nil) != tc.ok || (jwksHits.Load() > 0) != tc.ok {
			t.Errorf("jwks_uri %s: err = %v, key set fetched %d times", tc.uri, err, jwksHits.Load())
		}
	}

	check := defaultClient().CheckRedirect
	req := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"https://idp.example.com/.well-known/openid-configuration", "https://keys.example.net/jwks", true},
		{"https://idp.example.com/.well-known/openid-configuration", "https://127.0.0.1/jwks", false},
		{"https://idp.example.com/.well-known/openid-configuration", "http://localhost/jwks", false},
		{"https://idp.example.com/.well-known/openid-configuration", "http://keys.example.net/jwks", false},
		{"http://127.0.0.1:8080/.well-known/openid-configuration", "http://localhost:8081/jwks", true},
	} {
		err := check(req(tc.to), []*http.Request{req(tc.from)})
		if (err == nil) != tc.ok {
			t.Errorf("redirect %s -> %s: err = %v", tc.from, tc.to, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("redirect error spans lines: %q", err)
		}
	}
}
