package outbound

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	jose "github.com/go-jose/go-jose/v4"
)

// MaxPayloadBytes bounds the JSON payload of a token. AWS refuses an
// oversized payload (JWTPayloadSizeExceededException: "Reduce the number of
// request tags", STS model) but documents no number; 16 KiB is stsd's. Real
// tokens without request tags are about 1.3 KB, while the largest request
// the model allows (ten 1000-character audiences, fifty tags of 128+256
// characters) makes about 30 KB.
const MaxPayloadBytes = 16 << 10

// ErrPayloadTooLarge is Sign's refusal of a payload over MaxPayloadBytes;
// GetWebIdentityToken answers it with JWTPayloadSizeExceededException.
var ErrPayloadTooLarge = errors.New("outbound: the token payload exceeds the maximum size")

// Issuer signs tokens for one account and describes itself to verifiers.
// It is immutable after NewIssuer and safe for concurrent use.
type Issuer struct {
	url       string
	signers   map[string]jose.Signer // by algorithm
	kids      map[string]string      // by algorithm
	jwks      []byte
	discovery []byte
}

// NewIssuer parses the account's PKCS #8 private keys (RSA of at least
// 2048 bits for RS256, P-384 for ES384); url is the issuer URL, the iss
// claim of every token it signs.
func NewIssuer(url string, rsaKey, ecKey []byte) (*Issuer, error) {
	rk, err := parseRSAKey(rsaKey)
	if err != nil {
		return nil, err
	}
	ek, err := parseECKey(ecKey)
	if err != nil {
		return nil, err
	}
	i := &Issuer{url: url, signers: map[string]jose.Signer{}, kids: map[string]string{}}
	var set jose.JSONWebKeySet
	for _, k := range []struct {
		alg  string
		priv any
		pub  any
	}{
		{RS256, rk, &rk.PublicKey},
		{ES384, ek, &ek.PublicKey},
	} {
		jwk, err := publicJWK(k.pub, k.alg)
		if err != nil {
			return nil, err
		}
		s, err := jose.NewSigner(jose.SigningKey{
			Algorithm: jose.SignatureAlgorithm(k.alg),
			Key:       jose.JSONWebKey{Key: k.priv, KeyID: jwk.KeyID},
		}, (&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			return nil, fmt.Errorf("outbound: %s signer: %w", k.alg, err)
		}
		i.signers[k.alg], i.kids[k.alg] = s, jwk.KeyID
		set.Keys = append(set.Keys, jwk)
	}
	if i.jwks, err = json.Marshal(set); err != nil {
		return nil, fmt.Errorf("outbound: encode key set: %w", err)
	}
	if i.discovery, err = json.Marshal(newDiscovery(url)); err != nil {
		return nil, fmt.Errorf("outbound: encode discovery document: %w", err)
	}
	return i, nil
}

// URL returns the issuer URL (the iss claim).
func (i *Issuer) URL() string { return i.url }

// KeyID returns the kid of the key that signs with alg, "" for an
// algorithm the issuer does not offer.
func (i *Issuer) KeyID(alg string) string { return i.kids[alg] }

// Discovery returns the OpenID Provider configuration document served at
// URL()+DiscoveryPath. The caller may modify the returned slice.
func (i *Issuer) Discovery() []byte { return slices.Clone(i.discovery) }

// JWKS returns the public JSON Web Key Set served at URL()+JWKSPath: both
// keys with "use":"sig", their "alg", and as kid their RFC 7638 thumbprint
// (base64url of SHA-256). The caller may modify the returned slice.
func (i *Issuer) JWKS() []byte { return slices.Clone(i.jwks) }

// Sign returns the compact JWS of claims (marshalled as JSON) signed with
// alg, RS256 or ES384; the protected header holds alg, kid and typ "JWT".
// Any other alg is an error, and so is a payload over MaxPayloadBytes
// (ErrPayloadTooLarge).
func (i *Issuer) Sign(alg string, claims any) (string, error) {
	s, ok := i.signers[alg]
	if !ok {
		return "", fmt.Errorf("outbound: signing algorithm %q is not offered; use RS256 or ES384", alg)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("outbound: encode claims: %w", err)
	}
	if len(payload) > MaxPayloadBytes {
		return "", ErrPayloadTooLarge
	}
	obj, err := s.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("outbound: sign %s: %w", alg, err)
	}
	return obj.CompactSerialize()
}
