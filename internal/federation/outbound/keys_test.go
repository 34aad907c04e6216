package outbound

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func TestGenerateKeysRoundTrip(t *testing.T) {
	k := keys(t, 0)
	rk, err := x509.ParsePKCS8PrivateKey(k.rsa)
	if err != nil {
		t.Fatalf("RSA key is not PKCS #8: %v", err)
	}
	if r, ok := rk.(*rsa.PrivateKey); !ok || r.N.BitLen() != 2048 {
		t.Fatalf("RSA key: got %T, want a 2048-bit *rsa.PrivateKey", rk)
	}
	ek, err := x509.ParsePKCS8PrivateKey(k.ec)
	if err != nil {
		t.Fatalf("EC key is not PKCS #8: %v", err)
	}
	if e, ok := ek.(*ecdsa.PrivateKey); !ok || e.Curve != elliptic.P384() {
		t.Fatalf("EC key: got %T, want a P-384 *ecdsa.PrivateKey", ek)
	}
	if other := keys(t, 1); bytes.Equal(other.rsa, k.rsa) || bytes.Equal(other.ec, k.ec) {
		t.Fatal("two calls of GenerateKeys returned the same key")
	}
	// The parsed keys are the ones the issuer signs with: its published
	// public keys are the generated keys' public halves.
	iss := newTestIssuer(t, testURL, 0)
	r, _ := publishedKey(t, iss.JWKS(), iss.KeyID(RS256))
	if !rk.(*rsa.PrivateKey).PublicKey.Equal(r.Key) {
		t.Error("published RS256 key is not the generated key's public key")
	}
	e, _ := publishedKey(t, iss.JWKS(), iss.KeyID(ES384))
	if !ek.(*ecdsa.PrivateKey).PublicKey.Equal(e.Key) {
		t.Error("published ES384 key is not the generated key's public key")
	}
}

func TestNewIssuerRefusesBadKeys(t *testing.T) {
	good := keys(t, 0)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := func(k any) []byte {
		b, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pkcs1 := x509.MarshalPKCS1PrivateKey(small)
	truncated := good.rsa[:len(good.rsa)/2]
	tests := []struct {
		name    string
		rsa, ec []byte
		want    error
	}{
		{"swapped", good.ec, good.rsa, errRSAKey},
		{"RSA empty", nil, good.ec, errRSAKey},
		{"RSA truncated", truncated, good.ec, errRSAKey},
		{"RSA 1024 bits", pkcs8(small), good.ec, errRSAKey},
		{"RSA in PKCS #1", pkcs1, good.ec, errRSAKey},
		{"RSA slot holds Ed25519", pkcs8(ed), good.ec, errRSAKey},
		{"EC empty", good.rsa, nil, errECKey},
		{"EC P-256", good.rsa, pkcs8(p256), errECKey},
		{"EC slot holds RSA", good.rsa, good.rsa, errECKey},
		{"EC slot holds Ed25519", good.rsa, pkcs8(ed), errECKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			iss, err := NewIssuer(testURL, tc.rsa, tc.ec)
			// The refusal is the fixed sentinel itself: nothing from the
			// key or its parser is wrapped into it.
			if err != tc.want || iss != nil {
				t.Fatalf("got %v, %v; want nil, %v", iss, err, tc.want)
			}
		})
	}
}

// TestJWKSPublicOnly parses the published key set as a verifier does, and
// checks it holds exactly the two public signing keys.
func TestJWKSPublicOnly(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(iss.JWKS(), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Keys) != 2 {
		t.Fatalf("got %d keys, want 2", len(raw.Keys))
	}
	want := []struct{ kty, alg, crv string }{{"RSA", RS256, ""}, {"EC", ES384, "P-384"}}
	for i, k := range raw.Keys {
		// RFC 7518 section 6.3.2 and 6.2.2 private members.
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
			if _, ok := k[private]; ok {
				t.Errorf("key %d publishes private member %q", i, private)
			}
		}
		if k["kty"] != want[i].kty || k["alg"] != want[i].alg || k["use"] != "sig" {
			t.Errorf("key %d: kty %v alg %v use %v; want %s %s sig", i, k["kty"], k["alg"], k["use"], want[i].kty, want[i].alg)
		}
		if want[i].crv != "" && k["crv"] != want[i].crv {
			t.Errorf("key %d: crv %v, want %s", i, k["crv"], want[i].crv)
		}
		if got, tp := k["kid"], thumbprint(t, k); got != tp {
			t.Errorf("key %d: kid %v, want RFC 7638 thumbprint %s", i, got, tp)
		}
		if k["kid"] != iss.KeyID(want[i].alg) {
			t.Errorf("key %d: kid %v, KeyID(%s) = %s", i, k["kid"], want[i].alg, iss.KeyID(want[i].alg))
		}
		jwk, ok := publishedKey(t, iss.JWKS(), k["kid"].(string))
		if !ok || !jwk.IsPublic() || !jwk.Valid() {
			t.Errorf("key %d does not parse with go-jose as a valid public key", i)
		}
	}
	if iss.KeyID(RS256) == iss.KeyID(ES384) {
		t.Error("both keys have the same kid")
	}
	other := newTestIssuer(t, testURL, 1)
	if other.KeyID(RS256) == iss.KeyID(RS256) || other.KeyID(ES384) == iss.KeyID(ES384) {
		t.Error("different keys have the same kid")
	}
}

// thumbprint computes the RFC 7638 thumbprint independently of go-jose: the
// SHA-256 of the required members, in lexicographic order, without
// whitespace (section 3.2), base64url-encoded without padding.
func thumbprint(t *testing.T, k map[string]any) string {
	t.Helper()
	var members []string
	switch k["kty"] {
	case "RSA":
		members = []string{"e", "kty", "n"}
	case "EC":
		members = []string{"crv", "kty", "x", "y"}
	default:
		t.Fatalf("unexpected kty %v", k["kty"])
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		s, ok := k[m].(string)
		if !ok {
			t.Fatalf("member %q missing", m)
		}
		b.WriteString(`"` + m + `":"` + s + `"`)
	}
	b.WriteByte('}')
	sum := sha256.Sum256([]byte(b.String()))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestThumbprintRFC7638Example checks the independent thumbprint against
// the worked example of RFC 7638 section 3.1.
func TestThumbprintRFC7638Example(t *testing.T) {
	k := map[string]any{
		"kty": "RSA",
		"n":   "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
		"e":   "AQAB",
	}
	if got, want := thumbprint(t, k), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Fatalf("thumbprint %s, want %s", got, want)
	}
}
