package saml

import (
	"errors"
	"strings"
	"testing"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/stsd/stsd/internal/federation/saml/samltest"
)

// signAssertionWith signs the response's Assertion with the given
// signature method, as an IdP configured for it would.
func signAssertionWith(t *testing.T, idp *samltest.IdP, doc, method string) string {
	t.Helper()
	d := etree.NewDocument()
	if err := d.ReadFromString(doc); err != nil {
		t.Fatal(err)
	}
	ctx := dsig.NewDefaultSigningContext(idp)
	ctx.IdAttribute = "ID"
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(method); err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Root().ChildElements() {
		if c.Tag != "Assertion" {
			continue
		}
		signed, err := ctx.SignEnveloped(c)
		if err != nil {
			t.Fatal(err)
		}
		idx := c.Index()
		d.Root().RemoveChildAt(idx)
		d.Root().InsertChildAt(idx, signed)
	}
	out, err := d.WriteToString()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSignatureForms: SHA-1 signatures are accepted (AWS accepts SAML
// responses signed with SHA-1 or SHA-256: IAM User Guide,
// id_roles_providers_create_saml.html); a second Signature, an extra
// transform such as XSLT, and a signature elsewhere than on the signed
// element are refused.
func TestSignatureForms(t *testing.T) {
	idp, md := testIdP(t)
	base := idp.Defaults(testNow, sessionName)
	base.NameID = "user@example.com.evil.com"
	valid := base.XML()
	sha1 := signAssertionWith(t, idp, valid, dsig.RSASHA1SignatureMethod)
	sha256 := signAssertionWith(t, idp, valid, dsig.RSASHA256SignatureMethod)
	sig := sha256[strings.Index(sha256, "<ds:Signature") : strings.Index(sha256, "</ds:Signature>")+len("</ds:Signature>")]

	cases := []struct {
		name string
		doc  string
		kind Kind
	}{
		{"RSA-SHA1", sha1, 0},
		{"RSA-SHA256", sha256, 0},
		{"two signatures on the assertion", strings.Replace(sha256, sig, sig+sig, 1), BadSignature},
		{"XSLT transform", strings.Replace(sha256, `<ds:Transforms>`, `<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>`, 1), BadSignature},
		{"signature moved into the Subject", strings.Replace(strings.Replace(sha256, sig, "", 1), "<saml:Subject>", "<saml:Subject>"+sig, 1), BadSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseResponse(samltest.Encode(tc.doc), Options{Metadata: md, Now: testNow})
			if tc.kind != 0 {
				expectKind(t, err, tc.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Subject != "user@example.com.evil.com" {
				t.Fatalf("subject %q", a.Subject)
			}
		})
	}
}

// TestReasonsStayOnOneLine: a refusal's Reason (kept for logs) quotes the
// document's text, so a character reference for a line feed in an ID or
// an algorithm URI cannot forge a log line.
func TestReasonsStayOnOneLine(t *testing.T) {
	idp, md := testIdP(t)
	signed := idp.Sign(t, idp.Defaults(testNow, sessionName).XML(), true, false)
	for name, doc := range map[string]string{
		"assertion ID":     strings.Replace(signed, `ID="_a1"`, `ID="_a1&#10;level=ERROR forged"`, 1),
		"signature method": strings.Replace(signed, `Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"`, `Algorithm="x&#10;level=ERROR forged"`, 1),
		"root namespace":   `<Response xmlns="x&#10;level=ERROR forged"/>`,
	} {
		_, err := ParseResponse(samltest.Encode(doc), Options{Metadata: md, Now: testNow})
		var se *Error
		if !errors.As(err, &se) {
			t.Fatalf("%s: err = %v", name, err)
		}
		if strings.ContainsAny(se.Reason, "\r\n") {
			t.Errorf("%s: reason spans lines: %q", name, se.Reason)
		}
	}
}
