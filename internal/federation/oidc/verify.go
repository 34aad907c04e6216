package oidc

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Verifier verifies web identity tokens against registered providers. It
// caches the providers' key sets; it is safe for concurrent use.
type Verifier struct {
	client *http.Client
	now    func() time.Time
	verifierState
}

// Identity is what a verified token establishes.
type Identity struct {
	// Issuer is the token's iss, equal to the provider's URL.
	Issuer string
	// Subject is sub (SubjectFromWebIdentityToken).
	Subject string
	// Audience is the registered client id the token was accepted for:
	// azp when it is a registered client id, else the first such aud.
	Audience string
	// OriginalAudience is the token's aud when it also carries azp (the
	// ":oaud" condition key); nil otherwise.
	OriginalAudience []string
	// AMR is the amr claim.
	AMR []string
	// Tags and TransitiveTagKeys come from the https://aws.amazon.com/tags claim.
	Tags              []Tag
	TransitiveTagKeys []string
	// SourceIdentity is the https://aws.amazon.com/source_identity claim.
	SourceIdentity string
	// Expiry is the token's exp.
	Expiry time.Time
}

// New returns a Verifier.
func New(cfg Config) *Verifier {
	v := &Verifier{client: cfg.HTTPClient, now: cfg.Now, verifierState: newVerifierState()}
	if v.client == nil {
		v.client = defaultClient()
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v
}

// Verify checks t against provider p: an accepted algorithm, a signature
// by one of p's keys, iss equal to p's URL, validity times (with Skew),
// a sub, and an audience among p's client ids.
func (v *Verifier) Verify(ctx context.Context, t *Token, p Provider) (*Identity, error) {
	if !slices.Contains(Algorithms(), jose.SignatureAlgorithm(t.Algorithm)) {
		return nil, refuse(CodeInvalidIdentityToken, msgAlgorithm, t.Algorithm)
	}
	if t.Claims.Issuer == "" {
		return nil, refuse(CodeInvalidIdentityToken, msgNoIssuer)
	}
	if !SameIssuer(t.Claims.Issuer, p.URL) {
		return nil, refuse(CodeInvalidIdentityToken, msgNoProvider, t.Claims.Issuer)
	}
	keys, err := v.keysFor(ctx, p, t)
	if err != nil {
		return nil, err
	}
	jws, err := jose.ParseSignedCompact(t.raw, Algorithms())
	if err != nil || len(jws.Signatures) != 1 {
		return nil, refuse(CodeInvalidIdentityToken, msgMalformed)
	}
	// The key was chosen by the header as ParseToken read it; go-jose
	// verifies with the header as its own parser reads it. Both must agree,
	// or a key could be used with an algorithm it was not selected for.
	if h := jws.Signatures[0].Protected; h.Algorithm != t.Algorithm || h.KeyID != t.KeyID {
		return nil, refuse(CodeInvalidIdentityToken, msgMalformed)
	}
	var payload []byte
	for _, k := range keys {
		if payload, err = jws.Verify(k.key); err == nil {
			break
		}
	}
	if err != nil {
		return nil, refuse(CodeInvalidIdentityToken, msgSignature)
	}
	// Only what the signature covers is used from here on.
	var c Claims
	if err := parseClaims(payload, &c); err != nil {
		return nil, err
	}
	if c.Issuer != t.Claims.Issuer {
		return nil, refuse(CodeInvalidIdentityToken, msgMalformed)
	}
	if err := checkTimes(&c, v.now()); err != nil {
		return nil, err
	}
	if c.Subject == "" {
		return nil, refuse(CodeInvalidIdentityToken, msgNoSubject)
	}
	id := &Identity{Issuer: c.Issuer, Subject: c.Subject, AMR: c.AMR, SourceIdentity: c.SourceIdentity, Expiry: *c.Expiry}
	if id.Audience = audience(&c, p.ClientIDs); id.Audience == "" {
		return nil, refuse(CodeInvalidIdentityToken, msgAudience)
	}
	if c.AuthorizedParty != "" {
		id.OriginalAudience = c.Audience
	}
	if c.Tags != nil {
		id.Tags, id.TransitiveTagKeys = c.Tags.PrincipalTags, c.Tags.TransitiveTagKeys
	}
	return id, nil
}

// checkTimes applies exp (required), nbf and iat with Skew.
func checkTimes(c *Claims, now time.Time) error {
	if c.Expiry == nil {
		return refuse(CodeInvalidIdentityToken, msgNoExpiry)
	}
	if now.After(c.Expiry.Add(Skew)) {
		return refuse(CodeExpiredToken, msgExpired, now.Unix(), c.Expiry.Unix())
	}
	if c.NotBefore != nil && now.Add(Skew).Before(*c.NotBefore) {
		return refuse(CodeInvalidIdentityToken, msgNotYetValid, now.Unix(), c.NotBefore.Unix())
	}
	if c.IssuedAt != nil && now.Add(Skew).Before(*c.IssuedAt) {
		return refuse(CodeInvalidIdentityToken, msgIssuedInFuture, now.Unix(), c.IssuedAt.Unix())
	}
	return nil
}

// audience picks the client id the token is for. When the token names an
// authorized party (azp), that is the client the ID token was issued to
// (OIDC Core section 2) and the aud condition key carries it, the original
// aud moving to the oaud key (IAM User Guide,
// reference_policies_iam-condition-keys.html, keys for OIDC federation);
// otherwise one of the aud values must be registered.
func audience(c *Claims, clientIDs []string) string {
	if c.AuthorizedParty != "" && slices.Contains(clientIDs, c.AuthorizedParty) {
		return c.AuthorizedParty
	}
	for _, a := range c.Audience {
		if slices.Contains(clientIDs, a) {
			return a
		}
	}
	return ""
}

// SameIssuer compares a token's iss with a registered provider URL: the
// scheme case-insensitively, the rest exactly.
func SameIssuer(iss, registered string) bool {
	is, irest, ok1 := strings.Cut(iss, "://")
	rs, rrest, ok2 := strings.Cut(registered, "://")
	return ok1 && ok2 && strings.EqualFold(is, rs) && irest == rrest
}
