package outbound

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Paths under an issuer URL where verifiers find its metadata (OpenID
// Connect Discovery 1.0 section 4; EnableOutboundWebIdentityFederation's
// IssuerIdentifier "hosts the OpenID Connect (OIDC) discovery endpoints at
// /.well-known/openid-configuration and /.well-known/jwks.json", IAM API
// Reference).
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/.well-known/jwks.json"
)

// PathPrefix is where stsd serves every account's issuer, below its public
// URL: publicURL + PathPrefix + issuerID.
const PathPrefix = "/outbound/"

// IssuerURL returns the issuer URL of an account: publicURL (e.g.
// "http://127.0.0.1:7788"; a trailing slash is dropped) + "/outbound/" +
// issuerID.
func IssuerURL(publicURL, issuerID string) string {
	return strings.TrimRight(publicURL, "/") + PathPrefix + issuerID
}

// NewIssuerID returns a random UUID (version 4) read from rand, the form of
// the id in AWS's issuer URLs (https://<uuid>.tokens.sts.global.api.aws,
// IAM API Reference, EnableOutboundWebIdentityFederation). The id is part
// of a public URL, so it must reveal nothing about the account and must
// not let anyone enumerate other accounts' issuers.
func NewIssuerID(rand io.Reader) (string, error) { return newUUID(rand) }

// newUUID returns a random UUID, version 4 (RFC 9562 section 5.4), in
// lower-case canonical form.
func newUUID(rand io.Reader) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(rand, u[:]); err != nil {
		return "", fmt.Errorf("outbound: random id: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// ValidIssuerID reports whether s has the form NewIssuerID returns (lower
// case hexadecimal UUID), so a handler can refuse a malformed path segment
// before looking it up.
func ValidIssuerID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}
