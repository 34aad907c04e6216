package outbound

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	jose "github.com/go-jose/go-jose/v4"
)

// Signing algorithms GetWebIdentityToken offers (STS model, jwtAlgorithmType:
// "Valid values are RS256 (RSA with SHA-256) and ES384 (ECDSA using P-384
// curve with SHA-384)").
const (
	RS256 = "RS256"
	ES384 = "ES384"
)

// Algorithms returns the signing algorithms an Issuer signs with, in the
// order its key set lists their keys (a function, so no importer can widen
// the list).
func Algorithms() []string { return []string{RS256, ES384} }

// rsaBits is the modulus size of generated RSA keys; NewIssuer accepts no
// smaller key, as verifiers commonly refuse RSA keys under 2048 bits.
const rsaBits = 2048

// Key errors. They never quote the key bytes or the parser's detail, which
// could echo parts of a private key.
var (
	errRSAKey = errors.New("outbound: the RS256 signing key is not a PKCS #8 RSA private key of at least 2048 bits")
	errECKey  = errors.New("outbound: the ES384 signing key is not a PKCS #8 P-384 ECDSA private key")
)

// GenerateKeys returns fresh PKCS #8 DER private keys: RSA-2048 (RS256) and
// P-384 (ES384). rand is handed to crypto/rsa and crypto/ecdsa, which since
// Go 1.26 ignore it and always draw from the system's secure source (tests
// wanting determinism use testing/cryptotest.SetGlobalRandom).
func GenerateKeys(rand io.Reader) (rsaKey, ecKey []byte, err error) {
	rk, err := rsa.GenerateKey(rand, rsaBits)
	if err != nil {
		return nil, nil, fmt.Errorf("outbound: generate RSA key: %w", err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P384(), rand)
	if err != nil {
		return nil, nil, fmt.Errorf("outbound: generate P-384 key: %w", err)
	}
	if rsaKey, err = x509.MarshalPKCS8PrivateKey(rk); err != nil {
		return nil, nil, fmt.Errorf("outbound: encode RSA key: %w", err)
	}
	if ecKey, err = x509.MarshalPKCS8PrivateKey(ek); err != nil {
		return nil, nil, fmt.Errorf("outbound: encode P-384 key: %w", err)
	}
	return rsaKey, ecKey, nil
}

// parseRSAKey reads a PKCS #8 RSA private key for RS256.
func parseRSAKey(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, errRSAKey
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok || rk.N.BitLen() < rsaBits {
		return nil, errRSAKey
	}
	return rk, nil
}

// parseECKey reads a PKCS #8 P-384 private key for ES384; ES384 is defined
// only on P-384 (RFC 7518 section 3.4).
func parseECKey(der []byte) (*ecdsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, errECKey
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok || ek.Curve != elliptic.P384() {
		return nil, errECKey
	}
	return ek, nil
}

// publicJWK is the published form of a signing key: public parts only,
// restricted to signatures with one algorithm, identified by its RFC 7638
// thumbprint so the kid changes whenever the key does.
func publicJWK(pub crypto.PublicKey, alg string) (jose.JSONWebKey, error) {
	k := jose.JSONWebKey{Key: pub, Use: "sig", Algorithm: alg}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("outbound: thumbprint of the %s key: %w", alg, err)
	}
	k.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	return k, nil
}
