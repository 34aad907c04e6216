package outbound

import (
	"crypto/rand"
	"encoding/json"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

const testURL = "http://127.0.0.1:7788/outbound/7c0e5f0a-3b8e-4d0c-9a51-2f6f1d3c4b5a"

// keyPair is one account's PKCS #8 keys.
type keyPair struct{ rsa, ec []byte }

// testKeys are generated once per test binary run: RSA generation is slow,
// and the keys are never modified.
var testKeys = sync.OnceValues(func() ([2]keyPair, error) {
	var out [2]keyPair
	for i := range out {
		r, e, err := GenerateKeys(rand.Reader)
		if err != nil {
			return out, err
		}
		out[i] = keyPair{r, e}
	}
	return out, nil
})

// keys returns the n-th (0 or 1) test key pair.
func keys(t testing.TB, n int) keyPair {
	t.Helper()
	k, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k[n]
}

func newTestIssuer(t testing.TB, url string, n int) *Issuer {
	t.Helper()
	k := keys(t, n)
	iss, err := NewIssuer(url, k.rsa, k.ec)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

// publishedKey finds the key with kid in an issuer's published key set, as
// a verifier would.
func publishedKey(t *testing.T, jwks []byte, kid string) (jose.JSONWebKey, bool) {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil {
		t.Fatalf("JWKS does not parse: %v", err)
	}
	ks := set.Key(kid)
	if len(ks) != 1 {
		return jose.JSONWebKey{}, false
	}
	return ks[0], true
}
