package outbound

// ClaimsNamespace is the claim that holds every AWS-specific claim of a
// token, as an object ("The AWS identity-specific claims, and session
// context claims and custom claims are nested under the
// "https://sts.amazonaws.com/" namespace", IAM User Guide,
// id_roles_providers_outbound_token_claims.html).
const ClaimsNamespace = "https://sts.amazonaws.com/"

// discovery is the OpenID Provider configuration (OpenID Connect Discovery
// 1.0 section 3) of an issuer: exactly the five members a real AWS issuer
// serves, recorded from one in the wild (a Forgejo test fixture "extracted
// from a AWS Federated Web Identity endpoint"). AWS omits
// response_types_supported, which the Discovery spec marks REQUIRED; stsd
// omits it too, so a verifier that works against stsd works against AWS.
// Fields are in the recorded (alphabetical) order.
type discovery struct {
	ClaimsSupported []string `json:"claims_supported"`
	SigningAlgs     []string `json:"id_token_signing_alg_values_supported"`
	Issuer          string   `json:"issuer"`
	JWKSURI         string   `json:"jwks_uri"`
	SubjectTypes    []string `json:"subject_types_supported"`
}

func newDiscovery(url string) discovery {
	return discovery{
		ClaimsSupported: []string{"sub", "iss", "aud", "exp", "iat", "jti", ClaimsNamespace},
		SigningAlgs:     Algorithms(),
		Issuer:          url,
		JWKSURI:         url + JWKSPath,
		SubjectTypes:    []string{"public"},
	}
}
