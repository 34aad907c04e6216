package outbound

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stsd/stsd/internal/store"
)

// fedStore is a store holding outbound federations by issuer id.
type fedStore struct {
	store.Reader
	byIssuer map[string]store.OutboundFederation
	fail     error
	lookups  int
}

func (s *fedStore) GetOutboundFederationByIssuer(_ context.Context, id string) (store.OutboundFederation, error) {
	s.lookups++
	if s.fail != nil {
		return store.OutboundFederation{}, s.fail
	}
	if f, ok := s.byIssuer[id]; ok {
		return f, nil
	}
	return store.OutboundFederation{}, store.ErrNotFound
}

func TestEndpoints(t *testing.T) {
	const (
		public   = "https://sts.example.test"
		enabled  = "7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"
		disabled = "0f4d9a3e-1c2b-4e5f-8a9b-0c1d2e3f4a5b"
		unknown  = "11111111-2222-4333-8444-555555555555"
	)
	k0, k1 := keys(t, 0), keys(t, 1)
	st := &fedStore{byIssuer: map[string]store.OutboundFederation{
		enabled:  {AccountID: "111111111111", IssuerID: enabled, Enabled: true, RSAKey: k0.rsa, ECKey: k0.ec},
		disabled: {AccountID: "222222222222", IssuerID: disabled, Enabled: false, RSAKey: k1.rsa, ECKey: k1.ec},
	}}
	srv := httptest.NewServer(NewEndpoints(st, public, NewIssuers()))
	defer srv.Close()

	tests := []struct {
		name, method, path string
		status             int
		issuerID           string // whose document a 200 must carry
		doc                string
		noLookup           bool // refused before the store is asked
	}{
		{name: "discovery", method: "GET", path: "/outbound/" + enabled + DiscoveryPath, status: 200, issuerID: enabled, doc: DiscoveryPath},
		{name: "key set", method: "GET", path: "/outbound/" + enabled + JWKSPath, status: 200, issuerID: enabled, doc: JWKSPath},
		{name: "HEAD", method: "HEAD", path: "/outbound/" + enabled + JWKSPath, status: 200},
		{name: "disabled account's discovery", method: "GET", path: "/outbound/" + disabled + DiscoveryPath, status: 200, issuerID: disabled, doc: DiscoveryPath},
		{name: "disabled account's key set", method: "GET", path: "/outbound/" + disabled + JWKSPath, status: 200, issuerID: disabled, doc: JWKSPath},
		{name: "unknown issuer", method: "GET", path: "/outbound/" + unknown + DiscoveryPath, status: 404},
		{name: "upper-case id", method: "GET", path: "/outbound/" + strings.ToUpper(enabled) + DiscoveryPath, status: 404, noLookup: true},
		{name: "not a UUID", method: "GET", path: "/outbound/abc" + DiscoveryPath, status: 404, noLookup: true},
		{name: "issuer root", method: "GET", path: "/outbound/" + enabled, status: 404, noLookup: true},
		{name: "issuer root with slash", method: "GET", path: "/outbound/" + enabled + "/", status: 404, noLookup: true},
		{name: "other document", method: "GET", path: "/outbound/" + enabled + "/.well-known/oauth-authorization-server", status: 404, noLookup: true},
		{name: "trailing slash", method: "GET", path: "/outbound/" + enabled + JWKSPath + "/", status: 404, noLookup: true},
		{name: "extra segment", method: "GET", path: "/outbound/" + enabled + "/x" + JWKSPath, status: 404, noLookup: true},
		{name: "dot segments", method: "GET", path: "/outbound/../outbound/" + enabled + JWKSPath, status: 404, noLookup: true},
		{name: "long path", method: "GET", path: "/outbound/" + enabled + JWKSPath + strings.Repeat("a", 200), status: 404, noLookup: true},
		{name: "prefix", method: "GET", path: "/outbound/", status: 404, noLookup: true},
		{name: "POST", method: "POST", path: "/outbound/" + enabled + JWKSPath, status: 405, noLookup: true},
		{name: "DELETE", method: "DELETE", path: "/outbound/" + enabled + DiscoveryPath, status: 405, noLookup: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st.lookups = 0
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			if tc.noLookup && st.lookups != 0 {
				t.Fatal("a malformed request reached the store")
			}
			switch tc.status {
			case 405:
				if a := resp.Header.Get("Allow"); a != "GET, HEAD" {
					t.Fatalf("Allow %q", a)
				}
			case 200:
				if ct, cc := resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"); ct != "application/json" || !strings.Contains(cc, "max-age=") {
					t.Fatalf("Content-Type %q, Cache-Control %q", ct, cc)
				}
				if tc.method == "HEAD" {
					if len(body) != 0 || resp.ContentLength <= 0 {
						t.Fatalf("HEAD: body %d bytes, Content-Length %d", len(body), resp.ContentLength)
					}
					return
				}
				checkDocument(t, body, public+"/outbound/"+tc.issuerID, tc.doc, st.byIssuer[tc.issuerID])
			}
		})
	}
}

// checkDocument checks a served document is the one of the issuer at url
// holding f's keys.
func checkDocument(t *testing.T, body []byte, url, doc string, f store.OutboundFederation) {
	t.Helper()
	want, err := NewIssuer(url, f.RSAKey, f.ECKey)
	if err != nil {
		t.Fatal(err)
	}
	if doc == JWKSPath {
		if string(body) != string(want.JWKS()) {
			t.Fatalf("key set %s, want %s", body, want.JWKS())
		}
		return
	}
	var d struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Issuer != url || d.JWKSURI != url+JWKSPath {
		t.Fatalf("issuer %q, jwks_uri %q; want %s", d.Issuer, d.JWKSURI, url)
	}
}

func TestEndpointsStoreFailure(t *testing.T) {
	const id = "7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"
	st := &fedStore{fail: errors.New("database is locked: secret detail")}
	rec := httptest.NewRecorder()
	NewEndpoints(st, "https://sts.example.test", NewIssuers()).ServeHTTP(rec, httptest.NewRequest("GET", "/outbound/"+id+JWKSPath, nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "secret detail") {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
	}
	// Stored keys that do not parse are a failure too, not a 200.
	st = &fedStore{byIssuer: map[string]store.OutboundFederation{id: {IssuerID: id, RSAKey: []byte("x"), ECKey: []byte("y")}}}
	rec = httptest.NewRecorder()
	NewEndpoints(st, "https://sts.example.test", NewIssuers()).ServeHTTP(rec, httptest.NewRequest("GET", "/outbound/"+id+JWKSPath, nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("bad keys: status %d", rec.Code)
	}
}
