package iam

import "github.com/stsd/stsd/internal/federation/saml"

// samlMetadata is what IAM keeps from an IdP's metadata document; the
// parser lives with the SAML validation that uses the same certificates.
type samlMetadata = saml.Metadata

// parseSAMLMetadata reads an IdP's SAML 2.0 metadata (see
// saml.ParseMetadata). IAM answers every failure with one message.
func parseSAMLMetadata(doc string) (*samlMetadata, error) { return saml.ParseMetadata(doc) }
