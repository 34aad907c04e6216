package outbound

import (
	"encoding/json"
	"errors"
	"io"
	"time"
)

// DefaultDuration is the lifetime of a GetWebIdentityToken token when the
// request sends no DurationSeconds (STS API reference: "If not specified,
// the default duration is 300 seconds"). The allowed range, 60 to 3600
// seconds, is the model's webIdentityTokenDurationSecondsType and is
// checked with the rest of the request.
const DefaultDuration = 300 * time.Second

// Claims is the payload of a GetWebIdentityToken token, as AWS lays it out
// (IAM User Guide, id_roles_providers_outbound_token_claims.html, and a
// real token decoded in the AWS News Blog post of 2025-11-19 on outbound
// identity federation). There is no nbf: no AWS sample has one and the
// issuer's claims_supported does not list it. Build it with NewClaims and
// pass it to Issuer.Sign.
type Claims struct {
	// Issuer (iss) is the account's issuer URL.
	Issuer string `json:"iss"`
	// Subject (sub) is the caller's principal ARN: for a role session the
	// role's ARN (with its path), not the assumed-role ARN.
	Subject string `json:"sub"`
	// Audience (aud) is the request's Audience list, in request order.
	Audience Audience `json:"aud"`
	// IssuedAt (iat) and Expiry (exp) are NumericDates (seconds since the
	// epoch); Expiry = IssuedAt + the requested duration.
	IssuedAt int64 `json:"iat"`
	Expiry   int64 `json:"exp"`
	// ID (jti) is a random UUID (NewTokenID).
	ID string `json:"jti"`
	// AWS holds the AWS-specific claims.
	AWS AWSClaims `json:"https://sts.amazonaws.com/"`
}

// AWSClaims are the claims under ClaimsNamespace. AWS emits each only when
// it applies ("all these claims may not be present in a token at the same
// time"); stsd fills those it has a source for. Organizations (org_id,
// ou_path), IAM Identity Center and compute-context claims (EC2, Lambda,
// Glue) have none in stsd and are left out.
type AWSClaims struct {
	// Account (aws_account) is the caller's account id.
	Account string `json:"aws_account"`
	// SourceRegion (source_region) is the region the request was made in.
	SourceRegion string `json:"source_region"`
	// PrincipalID (principal_id) is the caller's principal ARN, equal to
	// sub in the real token AWS published; not in the documented table.
	PrincipalID string `json:"principal_id"`
	// PrincipalTags (principal_tags) are the user's or role's tags, or the
	// session's tags when the session has any.
	PrincipalTags map[string]string `json:"principal_tags,omitempty"`
	// RequestTags (request_tags) are the request's Tags; they are never
	// merged into the principal's tags.
	RequestTags map[string]string `json:"request_tags,omitempty"`
	// OriginalSessionExp (original_session_exp) is when the caller's
	// temporary credentials expire, RFC 3339 in UTC (a string, not a
	// NumericDate: the documented example is "2024-01-15T10:00:00Z").
	OriginalSessionExp string `json:"original_session_exp,omitempty"`
	// SourceIdentity (source_identity) is the session's source identity.
	SourceIdentity string `json:"source_identity,omitempty"`
	// FederatedProvider (federated_provider) is the OIDC or SAML provider
	// ARN of a session from AssumeRoleWithWebIdentity or AssumeRoleWithSAML.
	FederatedProvider string `json:"federated_provider,omitempty"`
}

// Audience is the aud claim: a JSON string when it holds one audience and
// an array when it holds several (RFC 7519 section 4.1.3 allows both; AWS
// sends a string for one Audience and an array for more).
type Audience []string

// MarshalJSON writes a single audience as a string, several as an array.
func (a Audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

// UnmarshalJSON reads either form.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = Audience{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return errors.New("outbound: aud is neither a string nor a list of strings")
	}
	*a = l
	return nil
}

// ClaimsInput is what a GetWebIdentityToken handler knows about the caller
// and the request.
type ClaimsInput struct {
	Issuer   string   // the account's issuer URL
	Subject  string   // the caller's principal ARN (sub and principal_id)
	Audience []string // the request's Audience members, in order
	// IssuedAt is the request time; it is truncated to whole seconds.
	IssuedAt time.Time
	// Duration is DurationSeconds (DefaultDuration when not sent).
	Duration time.Duration
	ID       string // jti, from NewTokenID
	Account  string // the caller's account id
	// SourceRegion is the region of the request's SigV4 scope.
	SourceRegion  string
	PrincipalTags map[string]string
	RequestTags   map[string]string
	// SessionExpiry is when the caller's temporary credentials expire;
	// zero for long-term credentials (no original_session_exp claim).
	SessionExpiry     time.Time
	SourceIdentity    string
	FederatedProvider string
}

// NewClaims lays out a token's claims. It does not validate the input: the
// handler has checked the request against the model's constraints, and
// refuses a Duration that would outlive the session
// (SessionDurationEscalationException) before building claims.
func NewClaims(in ClaimsInput) Claims {
	iat := in.IssuedAt.Unix()
	c := Claims{
		Issuer:   in.Issuer,
		Subject:  in.Subject,
		Audience: Audience(in.Audience),
		IssuedAt: iat,
		Expiry:   iat + int64(in.Duration/time.Second),
		ID:       in.ID,
		AWS: AWSClaims{
			Account:           in.Account,
			SourceRegion:      in.SourceRegion,
			PrincipalID:       in.Subject,
			PrincipalTags:     in.PrincipalTags,
			RequestTags:       in.RequestTags,
			SourceIdentity:    in.SourceIdentity,
			FederatedProvider: in.FederatedProvider,
		},
	}
	if !in.SessionExpiry.IsZero() {
		c.AWS.OriginalSessionExp = in.SessionExpiry.UTC().Format(time.RFC3339)
	}
	return c
}

// Expiration is the token's exp as a time, for the response's Expiration
// ("determined by adding the DurationSeconds value to the time the token
// was issued", STS model).
func (c *Claims) Expiration() time.Time { return time.Unix(c.Expiry, 0).UTC() }

// NewTokenID returns a random UUID (version 4) for the jti claim, the form
// AWS uses (e.g. 5488e298-0a47-4c5b-80d7-6b4ab8a4cede in the real token of
// the AWS News Blog post).
func NewTokenID(rand io.Reader) (string, error) { return newUUID(rand) }
