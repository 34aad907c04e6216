package sts

import (
	"github.com/stsd/stsd/internal/federation/saml"
	"github.com/stsd/stsd/internal/store"
)

// samlAttributeKeys maps SAML attribute names (the eduPerson and X.500
// OIDs) to the saml: condition keys IAM derives from them (IAM User Guide,
// reference_policies_iam-condition-keys.html, "Available keys for
// SAML-based AWS STS federation"). Multivalued attributes become list
// keys, to be used with ForAnyValue/ForAllValues.
var samlAttributeKeys = map[string]string{
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":  "saml:edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.2":  "saml:edupersonnickname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.3":  "saml:edupersonorgdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.4":  "saml:edupersonorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.5":  "saml:edupersonprimaryaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":  "saml:edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":  "saml:edupersonentitlement",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.8":  "saml:edupersonprimaryorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.9":  "saml:edupersonscopedaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "saml:edupersontargetedid",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.11": "saml:edupersonassurance",
	"urn:oid:2.5.4.3":                   "saml:cn",
	"urn:oid:2.5.4.4":                   "saml:surname",
	"urn:oid:2.5.4.42":                  "saml:givenName",
	"urn:oid:0.9.2342.19200300.100.1.1": "saml:uid",
	"urn:oid:0.9.2342.19200300.100.1.3": "saml:mail",
	"urn:oid:2.5.4.45":                  "saml:x500UniqueIdentifier",
}

// samlKeys adds the keys a trust policy sees for AssumeRoleWithSAML beside
// the request's global keys: aws:FederatedProvider and the saml: keys. saml:aud
// is the Recipient ("The value for this key comes from the SAML Recipient
// field in the assertion, not the Audience field"), saml:doc is
// "ACCOUNT/PROVIDER-NAME".
func samlKeys(ctx *requestKeys, a *saml.Assertion, p store.SAMLProvider, nameQualifier string) {
	ctx.set("aws:FederatedProvider", p.ARN)
	ctx.set("saml:aud", a.Recipient)
	ctx.set("saml:iss", a.Issuer)
	ctx.set("saml:sub", a.Subject)
	ctx.set("saml:sub_type", a.SubjectType())
	ctx.set("saml:namequalifier", nameQualifier)
	ctx.set("saml:doc", p.AccountID+"/"+p.Name)
	for _, at := range a.Attributes {
		if key, ok := samlAttributeKeys[at.Name]; ok {
			ctx.setList(key, at.Values...)
		}
	}
}
