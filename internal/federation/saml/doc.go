// Package saml validates SAML 2.0 Responses for AssumeRoleWithSAML: it
// parses IdP metadata, checks the XML signature on the Response and/or
// the Assertion against the IdP's registered certificates, and reads the
// claims of the signed assertion only, never of the document around it.
//
// Defences, in the order they apply: the encoded and decoded sizes are
// capped; a streaming pre-scan refuses DOCTYPEs (and with them entity
// expansion and external entities), processing instructions, deep nesting,
// too many elements or attributes, duplicate IDs, more than one Assertion,
// encrypted assertions and signatures in unexpected places; the signature
// must be an enveloped child of the element it signs and reference that
// element's ID; the claims are read from the bytes the signature covers
// (goxmldsig re-parses the canonicalised, verified octets), so a wrapped or
// moved element can never be the one read; text is the concatenation of
// every text node of an element, so a comment splitting a NameID cannot
// truncate it.
package saml
