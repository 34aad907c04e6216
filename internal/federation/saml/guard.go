package saml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
)

// Namespaces of SAML 2.0 protocol and assertion elements (saml-core-2.0-os).
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
)

// Bounds on a response. MaxEncodedLen is the STS model's limit on
// SAMLAssertion (SAMLAssertionType: 4 to 100,000 characters); the others
// bound the work done inside that.
const (
	MaxEncodedLen    = 100000
	maxDepth         = 32
	maxElements      = 4096
	maxAttrsPerElem  = 32
	maxSignatures    = 2 // one on the Response, one on the Assertion
	maxTextLen       = 1 << 14
	maxAttributeVals = 256
)

// decode turns the SAMLAssertion parameter into XML bytes. Line breaks and
// spaces are tolerated, as IdPs and tools wrap base64 at 64 or 76 columns.
func decode(encoded string) ([]byte, error) {
	if len(encoded) > MaxEncodedLen {
		return nil, fail(Malformed, "encoded response longer than %d characters", MaxEncodedLen)
	}
	clean := make([]byte, 0, len(encoded))
	for i := 0; i < len(encoded); i++ {
		switch c := encoded[i]; c {
		case ' ', '\t', '\r', '\n':
		default:
			clean = append(clean, c)
		}
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, fail(Malformed, "not base64: %v", err)
	}
	return out[:n], nil
}

// prescan reads the document once with a streaming decoder before any tree
// is built, and refuses what has no place in a SAML response and what
// signature-wrapping attacks need: DTDs (entity expansion, external
// entities), processing instructions, deep or huge trees, duplicate IDs,
// more than one Assertion, and Signatures that are not a direct child of
// the Response or of an Assertion.
func prescan(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	var (
		stack      []xml.Name
		elements   int
		roots      int
		assertions int
		signatures int
		ids        = map[string]struct{}{}
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(Malformed, "not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elements++
			if elements > maxElements {
				return fail(Malformed, "more than %d elements", maxElements)
			}
			if len(stack) >= maxDepth {
				return fail(Malformed, "elements nested deeper than %d", maxDepth)
			}
			if len(t.Attr) > maxAttrsPerElem {
				return fail(Malformed, "more than %d attributes on one element", maxAttrsPerElem)
			}
			if len(stack) == 0 {
				roots++
				if roots > 1 {
					return fail(Malformed, "more than one root element")
				}
				if t.Name.Space != nsProtocol || t.Name.Local != "Response" {
					return fail(Malformed, "root element {%q}%q is not a SAML 2.0 Response", t.Name.Space, t.Name.Local)
				}
			}
			for _, a := range t.Attr {
				if a.Name.Space == "" && a.Name.Local == "ID" {
					if _, dup := ids[a.Value]; dup {
						return fail(BadSignature, "duplicate ID %q", a.Value)
					}
					ids[a.Value] = struct{}{}
				}
			}
			switch t.Name {
			case xml.Name{Space: nsAssertion, Local: "Assertion"}:
				assertions++
				if assertions > 1 {
					return fail(BadSignature, "more than one Assertion")
				}
				if len(stack) != 1 {
					return fail(BadSignature, "Assertion not a child of the Response")
				}
			case xml.Name{Space: nsAssertion, Local: "EncryptedAssertion"}:
				return fail(Unsupported, "EncryptedAssertion")
			case xml.Name{Space: nsDSig, Local: "Signature"}:
				signatures++
				if signatures > maxSignatures {
					return fail(BadSignature, "more than %d signatures", maxSignatures)
				}
				parent := stack[len(stack)-1]
				if parent != (xml.Name{Space: nsProtocol, Local: "Response"}) && parent != (xml.Name{Space: nsAssertion, Local: "Assertion"}) {
					return fail(BadSignature, "Signature inside {%q}%q", parent.Space, parent.Local)
				}
			}
			stack = append(stack, t.Name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fail(Malformed, "text outside the root element")
			}
		case xml.Directive:
			return fail(Malformed, "DOCTYPE or other directive")
		case xml.ProcInst:
			// Only the XML declaration, and only first, as xml.Decoder
			// itself enforces for "xml".
			if t.Target != "xml" {
				return fail(Malformed, "processing instruction %q", t.Target)
			}
		}
	}
	if roots == 0 {
		return fail(Malformed, "no root element")
	}
	if assertions == 0 {
		return fail(Malformed, "no Assertion")
	}
	return nil
}
