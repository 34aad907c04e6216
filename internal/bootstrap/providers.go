package bootstrap

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/stsd/stsd/internal/iamlimits"
)

// checkOIDCURL follows CreateOpenIDConnectProvider's Url rules (IAM API
// reference): it must begin with https://, may have a path, must not have a
// query; at most 255 characters. Plain http is allowed only for loopback
// hosts, where a test identity provider runs beside stsd. It returns the
// "HOST/PATH" that names the provider in its ARN.
func checkOIDCURL(s string) (string, error) {
	if max, _ := iamlimits.OIDCProviderURL.Max(); len(s) > max {
		return "", fmt.Errorf("must be at most %d characters long", max)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL", s)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "?") || strings.Contains(s, "#") {
		return "", fmt.Errorf("%q must be https://HOST[/PATH] with no user, query or fragment", s)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("%q must use https:// (http:// is allowed only for 127.0.0.0/8, ::1 and localhost)", s)
		}
	default:
		return "", fmt.Errorf("%q must begin with https://", s)
	}
	// The scheme is case-insensitive in URLs but IAM names the provider by
	// the text after it; cut it by length, not by spelling.
	return s[len(u.Scheme)+3:], nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkJWKS wants a JSON Web Key Set (RFC 7517 section 5): an object whose
// "keys" member is a list of objects.
func checkJWKS(doc string) error {
	var set struct {
		Keys []map[string]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal([]byte(doc), &set); err != nil || set.Keys == nil {
		return errors.New(`must be a JSON Web Key Set: an object with a "keys" list of objects`)
	}
	return nil
}

// samlMetadataNS is the namespace of SAML 2.0 metadata (saml-metadata-2.0-os).
const samlMetadataNS = "urn:oasis:names:tc:SAML:2.0:metadata"

// samlMetadataMax is the longest metadata SAMLMetadataDocumentType allows;
// a metadata file is read no further.
func samlMetadataMax() int {
	max, _ := iamlimits.SAMLMetadata.Max()
	return max
}

// checkSAMLMetadata wants well-formed XML whose root is a SAML metadata
// EntityDescriptor, within SAMLMetadataDocumentType's length bounds. DTDs
// are refused: metadata has no use for them and they are the vehicle of
// entity-expansion attacks. Signature and certificate checks belong to the
// SAML package.
func checkSAMLMetadata(doc string) error {
	if min := iamlimits.SAMLMetadata.Min(); len(doc) < min || len(doc) > samlMetadataMax() {
		return fmt.Errorf("must be %d to %d characters long (%s)", min, samlMetadataMax(), iamlimits.SAMLMetadata.Shape())
	}
	dec := xml.NewDecoder(bytes.NewReader([]byte(doc)))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					return errors.New("has more than one root element")
				}
				if t.Name.Local != "EntityDescriptor" || t.Name.Space != samlMetadataNS {
					return fmt.Errorf("root element must be EntityDescriptor in namespace %s", samlMetadataNS)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.Directive:
			return errors.New("must not contain a DOCTYPE or other directive")
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return errors.New("has text outside the root element")
			}
		}
	}
	if roots == 0 {
		return errors.New("has no root element")
	}
	return nil
}

// b32 reads TOTP seeds the way authenticator apps write them: RFC 4648
// Base32, case-insensitive, padding and spaces optional.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Seed sizes: RFC 4226 section 4 requires at least 128 bits and recommends
// 160; authenticator apps in the wild still use 80, which we accept. 64
// bytes is the HMAC-SHA-512 block size, beyond which longer keys add nothing.
const minSeed, maxSeed = 10, 64

func decodeSeed(s string) ([]byte, error) {
	clean := strings.ToUpper(strings.TrimRight(strings.ReplaceAll(s, " ", ""), "="))
	seed, err := b32.DecodeString(clean)
	if err != nil {
		return nil, errors.New("is not valid Base32")
	}
	if len(seed) < minSeed || len(seed) > maxSeed {
		return nil, fmt.Errorf("must decode to %d to %d bytes, not %d", minSeed, maxSeed, len(seed))
	}
	return seed, nil
}
