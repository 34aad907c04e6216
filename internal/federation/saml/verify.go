package saml

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// signedBy verifies the enveloped signature that is a direct child of el
// with each certificate in certs, and returns the element as the signature
// covers it: goxmldsig re-parses the canonicalised octets it digested, so
// nothing outside the signed bytes is ever returned. The signature must
// carry exactly one Reference, to el's own non-empty ID: a reference to ""
// (the whole document) or to another element is refused. The KeyInfo the
// sender put in the signature is ignored; only the metadata's keys count.
func signedBy(el *etree.Element, certs []*x509.Certificate, now time.Time) (*etree.Element, error) {
	id := attr(el, "ID")
	if id == "" {
		return nil, fail(BadSignature, "signed element without an ID")
	}
	sigs := childrenNS(el, nsDSig, "Signature")
	if len(sigs) != 1 {
		return nil, fail(BadSignature, "%d enveloped signatures on %s", len(sigs), el.Tag)
	}
	infos := childrenNS(sigs[0], nsDSig, "SignedInfo")
	if len(infos) != 1 {
		return nil, fail(BadSignature, "Signature without exactly one SignedInfo")
	}
	refs := childrenNS(infos[0], nsDSig, "Reference")
	if len(refs) != 1 || attr(refs[0], "URI") != "#"+id {
		return nil, fail(BadSignature, "Signature does not reference %q alone", "#"+id)
	}

	// Detach a copy that declares every namespace it inherits, so that
	// an Assertion whose prefixes are declared on the Response
	// canonicalises as the IdP signed it.
	nsctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, fail(Malformed, "namespaces: %v", err)
	}
	cp, err := etreeutils.NSDetatch(nsctx, el)
	if err != nil {
		return nil, fail(Malformed, "namespaces: %v", err)
	}
	for _, s := range childrenNS(cp, nsDSig, "Signature") {
		for _, ki := range childrenNS(s, nsDSig, "KeyInfo") {
			s.RemoveChild(ki)
		}
	}
	var lastErr error
	for _, cert := range certs {
		ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
		ctx.IdAttribute = "ID"
		ctx.Clock = dsig.NewFakeClockAt(now)
		out, err := ctx.Validate(cp)
		if err == nil {
			return out, nil
		}
		lastErr = err
	}
	// goxmldsig's errors repeat algorithm URIs from the document verbatim;
	// quoting keeps them on one log line.
	return nil, fail(BadSignature, "signature on %s does not verify: %q", el.Tag, fmt.Sprint(lastErr))
}

// childrenNS returns the child elements of el in namespace ns named local.
func childrenNS(el *etree.Element, ns, local string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == local && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

// childNS returns the only child of el in namespace ns named local, or nil
// when there is none; more than one is an error.
func childNS(el *etree.Element, ns, local string) (*etree.Element, error) {
	cs := childrenNS(el, ns, local)
	switch len(cs) {
	case 0:
		return nil, nil
	case 1:
		return cs[0], nil
	}
	return nil, fail(Malformed, "more than one %s in %s", local, el.Tag)
}

// text returns all the text of el: the concatenation of every character
// data node, so that a comment or CDATA section splitting the text (as in
// "user@example.com<!---->.evil.com") cannot make a reader see only its
// first part. Child elements are refused: SAML's string values have none.
func text(el *etree.Element) (string, error) {
	var b []byte
	for _, tok := range el.Child {
		switch t := tok.(type) {
		case *etree.CharData:
			b = append(b, t.Data...)
			if len(b) > maxTextLen {
				return "", fail(Malformed, "text of %s too long", el.Tag)
			}
		case *etree.Element:
			return "", fail(Malformed, "element inside %s", el.Tag)
		}
	}
	return string(b), nil
}

// attr returns the value of el's attribute name that has no namespace
// prefix ("" when absent). etree's SelectAttrValue would also match a
// prefixed attribute of the same local name.
func attr(el *etree.Element, name string) string {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == name {
			return a.Value
		}
	}
	return ""
}
