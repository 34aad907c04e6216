package saml

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Namespaces of SAML 2.0 metadata (saml-metadata-2.0-os) and XML Signature,
// whose KeyInfo carries the IdP's certificates.
const (
	nsMetadata = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig     = "http://www.w3.org/2000/09/xmldsig#"
)

// Bounds on what metadata may hold. The model caps the document at
// 10,000,000 characters; these bound the work done inside it.
const (
	maxMetadataDepth   = 64
	maxEntityIDLen     = 1024    // saml-core-2.0-os 8.3.6: entity identifiers are at most 1024 characters
	maxCertificateText = 1 << 16 // base64 of one certificate, whitespace included
	maxSigningCerts    = 100
	minRSABits         = 1024 // IAM User Guide, troubleshoot_saml: "key size of at least 1024 bits"
)

// Metadata is what stsd takes from an IdP's metadata document: who the IdP
// is and the keys its responses are signed with.
type Metadata struct {
	// EntityID is the IdP's entityID, the Issuer of its responses.
	EntityID string
	// SigningCerts are the certificates of the IdP's signing keys.
	SigningCerts []*x509.Certificate
	// ValidUntil is the earliest validUntil of the EntityDescriptor and an
	// enclosing EntitiesDescriptor; zero when neither has one.
	ValidUntil time.Time
}

// roles of the elements ParseMetadata walks through; everything else is
// skipped whole.
type metaRole uint8

const (
	roleOther metaRole = iota
	roleEntities
	roleEntity
	roleIDPSSO
	roleKeyDescriptor
	roleKeyInfo
	roleX509Data
	roleX509Cert
)

type metaFrame struct {
	role    metaRole
	signing bool // for KeyDescriptor and below: the key signs
}

// ParseMetadata reads an IdP's SAML 2.0 metadata: one EntityDescriptor
// (possibly the only one inside an EntitiesDescriptor) with an entityID and
// an IDPSSODescriptor holding at least one signing KeyDescriptor whose
// X509Certificate parses. A KeyDescriptor without a use attribute serves
// for signing too (saml-metadata-2.0-os 2.4.1.1). DTDs and other
// directives are refused: metadata has no use for them and they carry
// entity-expansion attacks. The error says what is wrong, for tests and
// logs.
func ParseMetadata(doc string) (*Metadata, error) {
	// "The metadata file must be encoded in UTF-8 format without a byte
	// order mark" (IAM User Guide, troubleshoot_saml).
	if strings.HasPrefix(doc, "\uFEFF") {
		return nil, errors.New("byte order mark")
	}
	dec := xml.NewDecoder(strings.NewReader(doc))
	var (
		md       Metadata
		stack    []metaFrame
		roots    int
		entities int
		idpSSO   int
		certText strings.Builder
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxMetadataDepth {
				return nil, errors.New("elements nested too deeply")
			}
			parent := metaFrame{role: roleOther}
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			} else {
				roots++
				if roots > 1 {
					return nil, errors.New("more than one root element")
				}
			}
			f, err := metaChild(len(stack) == 0, parent, t)
			if err != nil {
				return nil, err
			}
			switch f.role {
			case roleEntities:
				if err := md.noteValidUntil(t); err != nil {
					return nil, err
				}
			case roleEntity:
				entities++
				if entities > 1 {
					return nil, errors.New("more than one EntityDescriptor")
				}
				md.EntityID = metaAttr(t, "entityID")
				if md.EntityID == "" || len(md.EntityID) > maxEntityIDLen {
					return nil, errors.New("EntityDescriptor without a valid entityID")
				}
				if err := md.noteValidUntil(t); err != nil {
					return nil, err
				}
			case roleIDPSSO:
				idpSSO++
			case roleX509Cert:
				certText.Reset()
			}
			stack = append(stack, f)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.role == roleX509Cert && f.signing {
				cert, err := parseMetadataCert(certText.String())
				if err != nil {
					return nil, err
				}
				if len(md.SigningCerts) >= maxSigningCerts {
					return nil, errors.New("too many signing certificates")
				}
				md.SigningCerts = append(md.SigningCerts, cert)
			}
		case xml.CharData:
			if len(stack) == 0 {
				if len(strings.TrimSpace(string(t))) > 0 {
					return nil, errors.New("text outside the root element")
				}
				continue
			}
			if stack[len(stack)-1].role == roleX509Cert {
				if certText.Len()+len(t) > maxCertificateText {
					return nil, errors.New("X509Certificate too long")
				}
				certText.Write(t)
			}
		case xml.Directive:
			return nil, errors.New("DOCTYPE or other directive")
		}
	}
	switch {
	case entities == 0:
		return nil, errors.New("no EntityDescriptor")
	case idpSSO == 0:
		return nil, errors.New("no IDPSSODescriptor")
	case len(md.SigningCerts) == 0:
		return nil, errors.New("no signing certificate")
	}
	return &md, nil
}

// metaChild gives the role of element t under parent.
func metaChild(root bool, parent metaFrame, t xml.StartElement) (metaFrame, error) {
	n := t.Name
	is := func(space, local string) bool { return n.Space == space && n.Local == local }
	if root {
		switch {
		case is(nsMetadata, "EntityDescriptor"):
			return metaFrame{role: roleEntity}, nil
		case is(nsMetadata, "EntitiesDescriptor"):
			return metaFrame{role: roleEntities}, nil
		}
		return metaFrame{}, fmt.Errorf("root element {%s}%s is not a SAML metadata EntityDescriptor", n.Space, n.Local)
	}
	f := metaFrame{role: roleOther, signing: parent.signing}
	switch parent.role {
	case roleEntities:
		switch {
		case is(nsMetadata, "EntityDescriptor"):
			f.role = roleEntity
		case is(nsMetadata, "EntitiesDescriptor"):
			return metaFrame{}, errors.New("nested EntitiesDescriptor")
		}
	case roleEntity:
		if is(nsMetadata, "IDPSSODescriptor") {
			f.role = roleIDPSSO
		}
	case roleIDPSSO:
		if is(nsMetadata, "KeyDescriptor") {
			f.role = roleKeyDescriptor
			use := metaAttr(t, "use")
			f.signing = use == "" || use == "signing"
		}
	case roleKeyDescriptor:
		if is(nsDSig, "KeyInfo") {
			f.role = roleKeyInfo
		}
	case roleKeyInfo:
		if is(nsDSig, "X509Data") {
			f.role = roleX509Data
		}
	case roleX509Data:
		if is(nsDSig, "X509Certificate") {
			f.role = roleX509Cert
		}
	case roleX509Cert:
		return metaFrame{}, errors.New("element inside X509Certificate")
	}
	return f, nil
}

// noteValidUntil keeps the earliest validUntil (an xs:dateTime) seen.
func (md *Metadata) noteValidUntil(t xml.StartElement) error {
	v := metaAttr(t, "validUntil")
	if v == "" {
		return nil
	}
	at, err := parseDateTime(v)
	if err != nil {
		return fmt.Errorf("validUntil %q: %w", v, err)
	}
	if md.ValidUntil.IsZero() || at.Before(md.ValidUntil) {
		md.ValidUntil = at
	}
	return nil
}

// parseDateTime reads an xs:dateTime. SAML requires UTC with a "Z"
// (saml-core-2.0-os 1.3.3), but metadata in the wild sometimes omits the
// zone; such times are taken as UTC.
func parseDateTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	return time.Parse("2006-01-02T15:04:05.999999999", v)
}

// parseMetadataCert decodes the base64 DER of an X509Certificate (line
// breaks and spaces allowed) and checks the key is strong enough for IAM.
func parseMetadataCert(text string) (*x509.Certificate, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, text)
	der, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, fmt.Errorf("X509Certificate is not base64: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("X509Certificate: %w", err)
	}
	if k, ok := cert.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("RSA key of %d bits; at least %d are required", k.N.BitLen(), minRSABits)
	}
	return cert, nil
}

// metaAttr returns the value of the un-namespaced attribute local of t.
func metaAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
