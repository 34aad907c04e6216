// Package outbound makes stsd an OpenID Connect token issuer for AWS
// "outbound identity federation": STS GetWebIdentityToken returns a JWT,
// signed by stsd, that states the caller's identity to an external
// service, which verifies it through the account issuer's discovery
// document and key set.
//
// Each account with the feature enabled has an issuer id (NewIssuerID), an
// issuer URL built from it (IssuerURL), and two signing keys (GenerateKeys):
// RSA-2048 for RS256 and P-384 for ES384, the two algorithms the STS model
// offers. An Issuer holds the parsed keys, signs Claims, and renders the
// documents verifiers fetch (Discovery, JWKS); Issuers caches Issuers so a
// request does not parse keys again.
//
// Keys are published with their RFC 7638 thumbprint as kid, so a verifier
// that caches the key set notices a rotated key by its new kid. Errors
// never carry key material.
package outbound
