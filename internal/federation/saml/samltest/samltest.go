// Package samltest is a test identity provider: it makes an RSA key and a
// self-signed certificate, publishes them as SAML metadata, and builds and
// signs SAML 2.0 Responses shaped like the ones AWS receives. It exists for
// tests only.
package samltest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// IdP is a test identity provider.
type IdP struct {
	EntityID string
	Key      *rsa.PrivateKey
	CertDER  []byte
}

// New makes an IdP with a fresh 2048-bit RSA key and a certificate valid
// from 2000 to 2200, so that clocks set anywhere in tests accept it.
func New(tb testing.TB, entityID string) *IdP {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "samltest", Organization: []string{"stsd tests"}},
		NotBefore:    time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return &IdP{EntityID: entityID, Key: key, CertDER: der}
}

// Metadata is the IdP's SAML metadata document.
func (p *IdP) Metadata() string {
	return `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="` + p.EntityID + `">` +
		`<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>` +
		base64.StdEncoding.EncodeToString(p.CertDER) +
		`</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`
}

// GetKeyPair implements dsig.X509KeyStore.
func (p *IdP) GetKeyPair() (*rsa.PrivateKey, []byte, error) { return p.Key, p.CertDER, nil }

// Attribute is one SAML attribute.
type Attribute struct {
	Name   string
	Values []string
}

// Params describe a Response. Zero times are left out.
type Params struct {
	Issuer              string
	Destination         string
	Status              string
	NameID              string
	NameIDFormat        string
	Recipient           string
	IssueInstant        time.Time
	ConfirmNotOnOrAfter time.Time
	NotBefore           time.Time
	NotOnOrAfter        time.Time
	Audience            string
	SessionNotOnOrAfter time.Time
	Attributes          []Attribute
}

// Defaults returns the parameters of a valid response issued at now by p
// for AWS, with the given attributes.
func (p *IdP) Defaults(now time.Time, attrs ...Attribute) Params {
	return Params{
		Issuer:              p.EntityID,
		Destination:         "https://signin.aws.amazon.com/saml",
		Status:              "urn:oasis:names:tc:SAML:2.0:status:Success",
		NameID:              "alice@example.com",
		NameIDFormat:        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
		Recipient:           "https://signin.aws.amazon.com/saml",
		IssueInstant:        now,
		ConfirmNotOnOrAfter: now.Add(5 * time.Minute),
		NotBefore:           now.Add(-time.Minute),
		NotOnOrAfter:        now.Add(time.Hour),
		Audience:            "https://signin.aws.amazon.com/saml",
		SessionNotOnOrAfter: now.Add(8 * time.Hour),
		Attributes:          attrs,
	}
}

// XML renders the unsigned response. The assertion has ID "_a1" and the
// response "_r1".
func (pr Params) XML() string {
	ts := func(name string, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return fmt.Sprintf(` %s="%s"`, name, t.UTC().Format("2006-01-02T15:04:05Z"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0"%s Destination="%s">`, ts("IssueInstant", pr.IssueInstant), pr.Destination)
	fmt.Fprintf(&b, `<saml:Issuer>%s</saml:Issuer><samlp:Status><samlp:StatusCode Value="%s"/></samlp:Status>`, pr.Issuer, pr.Status)
	fmt.Fprintf(&b, `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0"%s>`, ts("IssueInstant", pr.IssueInstant))
	fmt.Fprintf(&b, `<saml:Issuer>%s</saml:Issuer>`, pr.Issuer)
	fmt.Fprintf(&b, `<saml:Subject><saml:NameID Format="%s">%s</saml:NameID>`, pr.NameIDFormat, pr.NameID)
	fmt.Fprintf(&b, `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData%s Recipient="%s"/></saml:SubjectConfirmation></saml:Subject>`, ts("NotOnOrAfter", pr.ConfirmNotOnOrAfter), pr.Recipient)
	fmt.Fprintf(&b, `<saml:Conditions%s%s><saml:AudienceRestriction><saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>`, ts("NotBefore", pr.NotBefore), ts("NotOnOrAfter", pr.NotOnOrAfter), pr.Audience)
	fmt.Fprintf(&b, `<saml:AuthnStatement%s%s SessionIndex="_a1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`, ts("AuthnInstant", pr.IssueInstant), ts("SessionNotOnOrAfter", pr.SessionNotOnOrAfter))
	if len(pr.Attributes) > 0 {
		b.WriteString(`<saml:AttributeStatement>`)
		for _, a := range pr.Attributes {
			fmt.Fprintf(&b, `<saml:Attribute Name="%s">`, a.Name)
			for _, v := range a.Values {
				fmt.Fprintf(&b, `<saml:AttributeValue>%s</saml:AttributeValue>`, v)
			}
			b.WriteString(`</saml:Attribute>`)
		}
		b.WriteString(`</saml:AttributeStatement>`)
	}
	b.WriteString(`</saml:Assertion></samlp:Response>`)
	return b.String()
}

// Sign signs the assertion (and the response too when response is set)
// of the XML document doc with p's key and returns the signed XML.
func (p *IdP) Sign(tb testing.TB, doc string, assertion, response bool) string {
	tb.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromString(doc); err != nil {
		tb.Fatal(err)
	}
	ctx := dsig.NewDefaultSigningContext(p)
	ctx.IdAttribute = "ID"
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if assertion {
		var a *etree.Element
		for _, c := range d.Root().ChildElements() {
			if c.Tag == "Assertion" {
				a = c
			}
		}
		if a == nil {
			tb.Fatal("samltest: no Assertion to sign")
		}
		signed, err := ctx.SignEnveloped(a)
		if err != nil {
			tb.Fatal(err)
		}
		idx := a.Index()
		d.Root().RemoveChildAt(idx)
		d.Root().InsertChildAt(idx, signed)
	}
	if response {
		signed, err := ctx.SignEnveloped(d.Root())
		if err != nil {
			tb.Fatal(err)
		}
		d.SetRoot(signed)
	}
	out, err := d.WriteToString()
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Encode is the SAMLAssertion parameter for an XML document.
func Encode(doc string) string { return base64.StdEncoding.EncodeToString([]byte(doc)) }
