package oidc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"

	jose "github.com/go-jose/go-jose/v4"
)

// Algorithms returns the signature algorithms accepted (a function, so no
// importer can widen the list). AWS verifies ID tokens
// signed with RSA or ECDSA keys; "none" and the HMAC algorithms are never
// accepted — with HMAC, a token "signed" with the provider's public key as
// the shared secret would verify against a key anyone can read.
func Algorithms() []jose.SignatureAlgorithm {
	return []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384}
}

// minRSABits is the smallest RSA modulus accepted.
const minRSABits = 2048

// maxKeys bounds how many keys of a set are kept.
const maxKeys = 100

// keySet is an immutable set of public verification keys.
type keySet struct {
	keys []verifyKey
}

type verifyKey struct {
	kid string
	alg string // "" when the JWK does not restrict it
	key any    // *rsa.PublicKey or *ecdsa.PublicKey
}

// parseKeySet reads a JWKS (RFC 7517 section 5), keeping the public RSA and
// EC signing keys. Keys stsd cannot use (symmetric, encryption-only,
// unknown types, malformed) are skipped rather than failing the set, as a
// provider may publish keys for other purposes beside its signing keys.
func parseKeySet(doc []byte) (*keySet, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &set); err != nil || set.Keys == nil {
		return nil, parseError("not a JSON Web Key Set")
	}
	ks := &keySet{}
	for _, raw := range set.Keys {
		if len(ks.keys) == maxKeys {
			break
		}
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || !k.Valid() {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		pub := k.Public()
		switch key := pub.Key.(type) {
		case *rsa.PublicKey:
			if key.N.BitLen() < minRSABits {
				continue
			}
		case *ecdsa.PublicKey:
			if key.Curve != elliptic.P256() && key.Curve != elliptic.P384() {
				continue
			}
		default:
			continue
		}
		ks.keys = append(ks.keys, verifyKey{kid: k.KeyID, alg: k.Algorithm, key: pub.Key})
	}
	return ks, nil
}

// candidates returns the keys that may have signed a token with this alg
// and kid: the kid must match when the token names one, and the key's type
// and curve must fit the algorithm.
func (ks *keySet) candidates(alg, kid string) []verifyKey {
	var out []verifyKey
	for _, k := range ks.keys {
		if kid != "" && k.kid != kid {
			continue
		}
		if k.alg != "" && k.alg != alg {
			continue
		}
		if !fits(k.key, alg) {
			continue
		}
		out = append(out, k)
	}
	return out
}

func fits(key any, alg string) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return alg == string(jose.RS256) || alg == string(jose.RS384) || alg == string(jose.RS512)
	case *ecdsa.PublicKey:
		return alg == string(jose.ES256) && k.Curve == elliptic.P256() ||
			alg == string(jose.ES384) && k.Curve == elliptic.P384()
	}
	return false
}
