package outbound

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// verifyCompact verifies a token the way an external verifier does: parse
// the JWS allowing only alg, pick the published key named by the header's
// kid, and check the signature with it.
func verifyCompact(token, alg string, jwks []byte) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
	if err != nil {
		return nil, err
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("not one signature")
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil {
		return nil, err
	}
	ks := set.Key(jws.Signatures[0].Protected.KeyID)
	if len(ks) != 1 {
		return nil, fmt.Errorf("kid %q not published", jws.Signatures[0].Protected.KeyID)
	}
	return jws.Verify(ks[0])
}

func TestSignVerifies(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	other := newTestIssuer(t, testURL, 1)
	claims := map[string]any{"iss": testURL, "sub": "arn:aws:iam::000000000000:role/demo", "n": 1}
	for _, alg := range Algorithms() {
		t.Run(alg, func(t *testing.T) {
			tok, err := iss.Sign(alg, claims)
			if err != nil {
				t.Fatal(err)
			}
			payload, err := verifyCompact(tok, alg, iss.JWKS())
			if err != nil {
				t.Fatalf("does not verify against the published key set: %v", err)
			}
			want, _ := json.Marshal(claims)
			if string(payload) != string(want) {
				t.Fatalf("payload %s, want %s", payload, want)
			}

			// The protected header, exactly: alg, kid and typ, nothing else
			// (no embedded jwk a careless verifier might trust).
			h, _, _ := strings.Cut(tok, ".")
			hb, err := base64.RawURLEncoding.DecodeString(h)
			if err != nil {
				t.Fatal(err)
			}
			var hdr map[string]any
			if err := json.Unmarshal(hb, &hdr); err != nil {
				t.Fatal(err)
			}
			wantHdr := map[string]any{"alg": alg, "kid": iss.KeyID(alg), "typ": "JWT"}
			if fmt.Sprint(hdr) != fmt.Sprint(wantHdr) {
				t.Fatalf("header %v, want %v", hdr, wantHdr)
			}

			// A payload altered after signing does not verify.
			parts := strings.Split(tok, ".")
			forged, _ := json.Marshal(map[string]any{"iss": testURL, "sub": "arn:aws:iam::000000000000:root", "n": 1})
			parts[1] = base64.RawURLEncoding.EncodeToString(forged)
			if _, err := verifyCompact(strings.Join(parts, "."), alg, iss.JWKS()); err == nil {
				t.Fatal("a tampered payload verifies")
			}

			// Another issuer's keys neither carry the kid nor verify the
			// signature when forced to.
			if _, err := verifyCompact(tok, alg, other.JWKS()); err == nil {
				t.Fatal("verifies against another issuer's key set")
			}
			k, _ := publishedKey(t, other.JWKS(), other.KeyID(alg))
			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jws.Verify(k); err == nil {
				t.Fatal("verifies with another issuer's key")
			}
		})
	}
}

func TestSignRefusesOtherAlgorithms(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	for _, alg := range []string{"", "none", "HS256", "RS384", "ES256", "PS256", "rs256", "EdDSA"} {
		if tok, err := iss.Sign(alg, map[string]any{"sub": "x"}); err == nil {
			t.Errorf("Sign(%q) = %q, want an error", alg, tok)
		}
	}
}

func TestSignRefusesUnencodableClaims(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	if _, err := iss.Sign(RS256, map[string]any{"c": make(chan int)}); err == nil {
		t.Fatal("claims that are not JSON were signed")
	}
}

func TestDiscovery(t *testing.T) {
	iss := newTestIssuer(t, testURL, 0)
	if iss.URL() != testURL {
		t.Fatalf("URL() = %q", iss.URL())
	}
	var d map[string]any
	if err := json.Unmarshal(iss.Discovery(), &d); err != nil {
		t.Fatal(err)
	}
	if d["issuer"] != testURL {
		t.Errorf("issuer %v, want %s", d["issuer"], testURL)
	}
	if d["jwks_uri"] != testURL+"/.well-known/jwks.json" {
		t.Errorf("jwks_uri %v", d["jwks_uri"])
	}
	// Exactly the members a real AWS issuer serves (see discovery.go).
	var keys []string
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if got := strings.Join(keys, " "); got != "claims_supported id_token_signing_alg_values_supported issuer jwks_uri subject_types_supported" {
		t.Errorf("members %s", got)
	}
	for k, want := range map[string]string{
		"id_token_signing_alg_values_supported": "[RS256 ES384]",
		"subject_types_supported":               "[public]",
		"claims_supported":                      "[sub iss aud exp iat jti https://sts.amazonaws.com/]",
	} {
		if got := fmt.Sprint(d[k]); got != want {
			t.Errorf("%s %s, want %s", k, got, want)
		}
	}
	// Returned documents are copies: a caller cannot alter what the next
	// verifier is served.
	b := iss.Discovery()
	b[0] = 'X'
	j := iss.JWKS()
	j[0] = 'X'
	if iss.Discovery()[0] != '{' || iss.JWKS()[0] != '{' {
		t.Fatal("a caller modified the issuer's documents")
	}
}
