package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"time"
)

// MaxTokenBytes bounds a token; the STS model's clientTokenType allows
// 20,000 characters and real ID tokens are a few kilobytes.
const MaxTokenBytes = 20000

// Token is a parsed, not yet verified, compact JWS whose payload is a JWT.
// Nothing in it may be trusted before Verifier.Verify succeeds.
type Token struct {
	raw string
	// Algorithm and KeyID are the protected header's alg and kid.
	Algorithm string
	KeyID     string
	// Claims are the payload's claims as the token states them.
	Claims Claims
}

// Claims are the JWT claims stsd reads.
type Claims struct {
	Issuer          string
	Subject         string
	Audience        []string
	AuthorizedParty string // azp
	AMR             []string
	Expiry          *time.Time
	NotBefore       *time.Time
	IssuedAt        *time.Time
	// Tags is the https://aws.amazon.com/tags claim, nil when absent.
	Tags *TagsClaim
	// SourceIdentity is the https://aws.amazon.com/source_identity claim.
	SourceIdentity string
}

// TagsClaim is the session-tags claim (IAM User Guide, id_session-tags.html,
// "Passing session tags using AssumeRoleWithWebIdentity").
type TagsClaim struct {
	// PrincipalTags maps tag keys to values; each value is given in the
	// token as a one-element list or as a plain string.
	PrincipalTags []Tag
	// TransitiveTagKeys are the keys that pass to chained sessions.
	TransitiveTagKeys []string
}

// Tag is a session tag from the token.
type Tag struct{ Key, Value string }

// header is the JOSE header fields read before verification.
type header struct {
	Alg string
	Kid string
}

// rawClaims is the payload as JSON; the audience and amr claims may be a
// string or a list (RFC 7519 section 4.1.3; OIDC Core section 2).
type rawClaims struct {
	Iss            string
	Sub            string
	Aud            json.RawMessage
	Azp            string
	Amr            json.RawMessage
	Exp            *json.Number
	Nbf            *json.Number
	Iat            *json.Number
	Tags           json.RawMessage
	SourceIdentity json.RawMessage
}

// ParseToken splits and decodes a compact JWS without verifying it, so the
// issuer can pick the provider and the key id the key. Any fault is an
// InvalidIdentityToken refusal.
func ParseToken(raw string) (*Token, error) {
	malformed := refuse(CodeInvalidIdentityToken, msgMalformed)
	if len(raw) == 0 || len(raw) > MaxTokenBytes {
		return nil, malformed
	}
	h, rest, ok := strings.Cut(raw, ".")
	if !ok {
		return nil, malformed
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return nil, malformed
	}
	hdr, err := parseHeader(h)
	if err != nil || hdr.Alg == "" {
		return nil, malformed
	}
	t := &Token{raw: raw, Algorithm: hdr.Alg, KeyID: hdr.Kid}
	if err := parsePayload(p, &t.Claims); err != nil {
		return nil, err
	}
	return t, nil
}

// parseHeader decodes the protected header. A "crit" header is refused:
// stsd understands no JOSE extension, and RFC 7515 section 4.1.11 says a
// recipient that does not understand a listed extension must reject the
// JWS (go-jose would otherwise honour "b64": false, RFC 7797). Key
// references the sender supplies (jwk, jku, x5u, x5c) are never read: keys
// come only from the provider's registered key set.
func parseHeader(seg string) (header, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	if err != nil {
		return header{}, err
	}
	m, err := members(b)
	if err != nil {
		return header{}, err
	}
	if _, ok := m["crit"]; ok {
		return header{}, errCritical
	}
	var h header
	if err := stringMember(m, "alg", &h.Alg); err != nil {
		return header{}, err
	}
	if err := stringMember(m, "kid", &h.Kid); err != nil {
		return header{}, err
	}
	return h, nil
}

// parsePayload decodes the base64url payload segment into c.
func parsePayload(seg string, c *Claims) error {
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	if err != nil {
		return refuse(CodeInvalidIdentityToken, msgMalformed)
	}
	return parseClaims(b, c)
}

// parseClaims decodes an already decoded (verified) payload into c. Claim
// names match exactly and at most once: encoding/json would match "ISS"
// or "Aud" to the iss or aud field and let the last duplicate win, so a
// custom claim an IdP lets its users set could shadow a registered one.
func parseClaims(payload []byte, c *Claims) error {
	malformed := refuse(CodeInvalidIdentityToken, msgMalformed)
	m, err := members(payload)
	if err != nil {
		return malformed
	}
	var rc rawClaims
	for _, s := range []struct {
		name string
		out  *string
	}{{"iss", &rc.Iss}, {"sub", &rc.Sub}, {"azp", &rc.Azp}} {
		if err := stringMember(m, s.name, s.out); err != nil {
			return malformed
		}
	}
	for _, d := range []struct {
		name string
		out  **json.Number
	}{{"exp", &rc.Exp}, {"nbf", &rc.Nbf}, {"iat", &rc.Iat}} {
		v, ok := m[d.name]
		if !ok || bytes.Equal(v, []byte("null")) {
			continue
		}
		// A NumericDate is a JSON number (RFC 7519 section 2);
		// json.Number would also take a quoted string.
		if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
			return malformed
		}
		n := json.Number(v)
		*d.out = &n
	}
	rc.Aud, rc.Amr = m["aud"], m["amr"]
	rc.Tags = m["https://aws.amazon.com/tags"]
	rc.SourceIdentity = m["https://aws.amazon.com/source_identity"]
	return rc.into(c)
}

// members splits one JSON object into its members, refusing anything else,
// trailing data, and a member name given twice.
func members(b []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNotObject
	}
	m := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errNotObject
		}
		if _, dup := m[name]; dup {
			return nil, errDuplicate
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		m[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailing
	}
	return m, nil
}

// stringMember reads member name of m, if present and not null, as a string.
func stringMember(m map[string]json.RawMessage, name string, out *string) error {
	v, ok := m[name]
	if !ok || bytes.Equal(v, []byte("null")) {
		return nil
	}
	return json.Unmarshal(v, out)
}

func (rc *rawClaims) into(c *Claims) error {
	malformed := refuse(CodeInvalidIdentityToken, msgMalformed)
	*c = Claims{Issuer: rc.Iss, Subject: rc.Sub, AuthorizedParty: rc.Azp}
	var err error
	if c.Audience, err = stringOrList(rc.Aud); err != nil {
		return malformed
	}
	if c.AMR, err = stringOrList(rc.Amr); err != nil {
		return malformed
	}
	for _, nd := range []struct {
		in  *json.Number
		out **time.Time
	}{{rc.Exp, &c.Expiry}, {rc.Nbf, &c.NotBefore}, {rc.Iat, &c.IssuedAt}} {
		if nd.in == nil {
			continue
		}
		t, ok := numericDate(*nd.in)
		if !ok {
			return malformed
		}
		*nd.out = &t
	}
	if len(rc.SourceIdentity) > 0 && !bytes.Equal(rc.SourceIdentity, []byte("null")) {
		if err := json.Unmarshal(rc.SourceIdentity, &c.SourceIdentity); err != nil || !validSourceIdentity(c.SourceIdentity) {
			return refuse(CodeInvalidIdentityToken, msgSourceIdentity)
		}
	}
	if len(rc.Tags) > 0 && !bytes.Equal(rc.Tags, []byte("null")) {
		tags, err := parseTagsClaim(rc.Tags)
		if err != nil {
			return err
		}
		c.Tags = tags
	}
	return nil
}

type parseError string

func (e parseError) Error() string { return string(e) }

const (
	errTrailing  = parseError("trailing data after JSON value")
	errNotObject = parseError("not a JSON object")
	errDuplicate = parseError("duplicate JSON member name")
	errCritical  = parseError("crit header present")
)

// stringOrList reads a claim that is a string or a list of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, err
	}
	return many, nil
}

// numericDate reads a NumericDate (seconds since the epoch, possibly
// fractional; RFC 7519 section 2) within a sane range.
func numericDate(n json.Number) (time.Time, bool) {
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1<<40 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// validSourceIdentity applies the STS model's sourceIdentityType to the
// source-identity claim: 2 to 64 characters of [\w+=,.@-].
func validSourceIdentity(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0) {
			return false
		}
	}
	return true
}
