// Package oidc validates OpenID Connect ID tokens (JWTs) for
// AssumeRoleWithWebIdentity: it parses a compact JWS, finds the verification
// key in the provider's JSON Web Key Set — given inline or fetched through
// OIDC discovery, cached, and refreshed (rate-limited) when a token names an
// unknown key — verifies the signature with an asymmetric algorithm only,
// and checks the issuer, audience and validity times.
//
// Every refusal is an *apierr.Error with the STS error code AWS uses
// (InvalidIdentityToken, ExpiredTokenException, IDPCommunicationError).
package oidc

import (
	"net/http"
	"time"

	"github.com/stsd/stsd/internal/apierr"
)

// STS error codes of web-identity refusals (STS model error shapes; their
// HTTP statuses come from the model: 400 each).
const (
	CodeInvalidIdentityToken  = "InvalidIdentityToken"
	CodeExpiredToken          = "ExpiredTokenException"
	CodeIDPCommunicationError = "IDPCommunicationError"
)

// Refusal texts. Recorded from AWS (SDK and CLI output quoted in public
// issues): msgNoProvider (aws-actions/configure-aws-credentials#721,
// kubernetes-sigs/aws-load-balancer-controller#2315), msgAudience
// (awslabs/amazon-eks-irsa-cfn#18, configure-aws-credentials#775),
// msgNoKey with its double space (awslabs/aws-sdk-rust#827,
// aws/aws-sdk-js-v3#3052, aws/aws-sdk-php#1725) and msgExpired
// (aws/aws-sdk-java-v2#5709). msgIDPUnreachable is the model's
// documentation of IDPCommunicationError. The others are not recorded
// anywhere we could find and are worded by stsd.
const (
	msgNoProvider     = "No OpenIDConnect provider found in your account for %s"
	msgAudience       = "Incorrect token audience"
	msgNoKey          = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	msgExpired        = "Token expired: current date/time %d must be before the expiration date/time %d"
	msgIDPUnreachable = "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached."

	msgMalformed      = "The web identity token is not a well-formed signed JWT."
	msgAlgorithm      = "The web identity token is signed with algorithm %q; only RS256, RS384, RS512, ES256 and ES384 are accepted."
	msgSignature      = "The web identity token's signature is not valid."
	msgNoIssuer       = "The web identity token has no iss claim."
	msgNoExpiry       = "The web identity token has no exp claim."
	msgNotYetValid    = "Token is not valid yet: current date/time %d must not be before the not-before date/time %d"
	msgIssuedInFuture = "Token was issued in the future: current date/time %d is before the issued-at date/time %d"
	msgNoSubject      = "The web identity token has no sub claim."
	msgSourceIdentity = "The web identity token's https://aws.amazon.com/source_identity claim must be 2 to 64 characters of [\\w+=,.@-]."
	msgBadTags        = "The web identity token's https://aws.amazon.com/tags claim is not valid: %s"
)

// Skew is the clock skew allowed around exp, nbf and iat. AWS documents five
// minutes past exp ("IAM provides a five-minute window beyond the expiration
// time specified in the JWT to account for clock skew", IAM User Guide,
// id_roles_providers_oidc.html); stsd allows the same before nbf and iat.
const Skew = 5 * time.Minute

// Provider is an OIDC identity provider registered in an account.
type Provider struct {
	// ARN is arn:aws:iam::ACCOUNT:oidc-provider/HOST[:PORT][/PATH].
	ARN string
	// URL is the issuer as registered, e.g. https://token.actions.githubusercontent.com.
	URL string
	// ClientIDs are the accepted audiences.
	ClientIDs []string
	// JWKS is an inline JSON Web Key Set; "" means OIDC discovery on URL.
	JWKS string
}

// Config configures a Verifier.
type Config struct {
	// HTTPClient fetches discovery documents and key sets; nil means a
	// client with a 10-second timeout that follows at most three
	// redirects, each to https (or http on a loopback host).
	HTTPClient *http.Client
	// Now is the clock for token validity and cache ages; nil means time.Now.
	Now func() time.Time
}

func refuse(code, format string, args ...any) *apierr.Error {
	return apierr.New(code, format, args...)
}
