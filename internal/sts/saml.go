package sts

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/federation/saml"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
)

// Codes of the federation refusals (STS model: IDPRejectedClaimException
// 403, InvalidIdentityTokenException 400, ExpiredTokenException 400; the
// last one's code is the literal "ExpiredTokenException").
const (
	codeInvalidIdentityToken = "InvalidIdentityToken"
	codeIDPRejectedClaim     = "IDPRejectedClaim"
	codeExpiredToken         = "ExpiredTokenException"
	actionAssumeRoleWithSAML = "sts:AssumeRoleWithSAML"
)

// Messages of AssumeRoleWithSAML refusals.
//
// From the IAM User Guide, troubleshoot_saml.html, with code and status
// where that page gives them: msgSAMLNotAuthorized (AccessDenied, 403),
// msgSAMLSessionNameRequired, msgSAMLSessionNameInvalid,
// msgSAMLSourceIdentityInvalid and msgSAMLSignatureInvalid
// (InvalidIdentityToken, 400); msgSAMLProviderMissing and
// msgSAMLAudience are that page's headings, without a code (the codes are
// the model's InvalidIdentityToken). msgSAMLIssuer is AWS's text as users
// quote it (dbeaver/cloudbeaver#3112, InvalidIdentityToken).
// msgSAMLExpired is AWS's ExpiredTokenException text as users quote it
// (Nike-Inc/gimme-aws-creds#251).
//
// Not found recorded anywhere, so worded here: msgSAMLRecipient,
// msgSAMLNotYetValid, msgSAMLMalformed, msgSAMLStatus, msgSAMLEncrypted,
// msgSAMLSessionDuration and msgSAMLTags.
const (
	msgSAMLNotAuthorized         = "Not authorized to perform sts:AssumeRoleWithSAML"
	msgSAMLSessionNameRequired   = "RoleSessionName is required in AuthnResponse"
	msgSAMLSessionNameInvalid    = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"
	msgSAMLSourceIdentityInvalid = `Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"`
	msgSAMLSignatureInvalid      = "Response signature invalid"
	msgSAMLProviderMissing       = "Specified provider doesn't exist."
	msgSAMLAudience              = "Response does not contain the required audience."
	msgSAMLIssuer                = "Issuer not present in specified provider"
	msgSAMLExpired               = "Token must be redeemed within 5 minutes of issuance"

	msgSAMLRecipient       = "Response does not contain the required recipient."
	msgSAMLNotYetValid     = "The SAML response is not yet valid."
	msgSAMLMalformed       = "Invalid SAML response."
	msgSAMLStatus          = "The identity provider did not report success in the SAML response."
	msgSAMLEncrypted       = "Encrypted SAML assertions are not supported."
	msgSAMLSessionDuration = "SessionDuration in AuthnResponse must be an integer between 900 and 43200"
	msgSAMLTags            = "PrincipalTag attributes in AuthnResponse exceed the session tag limits"
)

// Limits on what the assertion may ask for: SessionDuration as the IAM
// User Guide gives it (900 to 43200 seconds), session tags as for
// AssumeRole (50 tags, keys of 128 and values of 256 characters, STS model
// tagListType and Tag).
const (
	samlMinSessionDuration = 900
	samlMaxSessionDuration = 43200
	maxSessionTags         = 50
	maxTagKeyLen           = 128
	maxTagValueLen         = 256
)

// samlName is the pattern of RoleSessionName and SourceIdentity values in
// an assertion, as the troubleshooting texts above state it.
var samlName = regexp.MustCompile(`^[a-zA-Z_0-9+=,.@-]{2,64}$`)

// samlState holds what AssumeRoleWithSAML needs beyond the store: the clock
// assertions are checked against, the accepted audience and recipient, and
// the parsed metadata of each provider, so that unauthenticated callers
// cannot make stsd parse a large metadata document on every request.
type samlState struct {
	now       func() time.Time
	audiences []string
	recipient string

	mu       sync.Mutex
	metadata map[string]parsedMetadata // by provider ARN
}

// parsedMetadata is a provider's metadata document and its parse.
type parsedMetadata struct {
	doc string
	md  *saml.Metadata
}

// maxCachedMetadata bounds the metadata cache (AWS allows 100 SAML
// providers per account).
const maxCachedMetadata = 1000

func newSAMLState(cfg Config) *samlState {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &samlState{now: now, audiences: cfg.SAMLAudiences, recipient: cfg.SAMLRecipient, metadata: map[string]parsedMetadata{}}
}

// parse returns the parsed metadata of a provider, parsing again only when
// the stored document changed.
func (st *samlState) parse(arn, doc string) (*saml.Metadata, error) {
	st.mu.Lock()
	cached, ok := st.metadata[arn]
	st.mu.Unlock()
	if ok && cached.doc == doc {
		return cached.md, nil
	}
	md, err := saml.ParseMetadata(doc)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	if len(st.metadata) >= maxCachedMetadata {
		clear(st.metadata)
	}
	st.metadata[arn] = parsedMetadata{doc: doc, md: md}
	st.mu.Unlock()
	return md, nil
}

// AssumeRoleWithSAML exchanges a signed SAML assertion for role credentials:
// the provider named by PrincipalArn must exist, the response must verify
// against its metadata, list the requested role and provider pair, and
// the role's trust policy must allow the provider sts:AssumeRoleWithSAML
// (and sts:TagSession / sts:SetSourceIdentity when the IdP passes tags or a
// source identity).
//
// Like AWS, stsd keeps no record of redeemed assertions: a response can be
// redeemed again while it is valid, which is at most saml.DefaultMaxAge
// (plus skew) after its IssueInstant and never past its NotOnOrAfter. A
// bearer assertion must therefore be guarded like a password in transit.
func (s *Service) AssumeRoleWithSAML(ctx context.Context, call *rpc.Call, in *stsapi.AssumeRoleWithSAMLRequest) (*stsapi.AssumeRoleWithSAMLResponse, error) {
	provider, err := s.store.GetSAMLProvider(ctx, in.PrincipalArn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.New(codeInvalidIdentityToken, msgSAMLProviderMissing)
	}
	if err != nil {
		return nil, err
	}
	md, err := s.saml.parse(provider.ARN, provider.Metadata)
	if err != nil {
		// The bootstrap file checks less than CreateSAMLProvider does; a
		// provider whose metadata holds no usable key verifies nothing.
		return nil, apierr.New(codeInvalidIdentityToken, msgSAMLSignatureInvalid)
	}
	now := s.saml.now().UTC()
	a, err := saml.ParseResponse(in.SAMLAssertion, saml.Options{Metadata: md, Now: now, Audiences: s.saml.audiences, Recipient: s.saml.recipient})
	if err != nil {
		return nil, samlRefusal(err)
	}
	denied := apierr.New(apierr.AccessDenied, msgSAMLNotAuthorized)
	if !a.Lists(in.RoleArn, in.PrincipalArn) {
		return nil, denied
	}
	claims, err := readSAMLClaims(a)
	if err != nil {
		return nil, err
	}

	res, err := arn.ParseIAM(in.RoleArn)
	if err != nil {
		return nil, apierr.New(apierr.ValidationError, "%s is invalid", in.RoleArn)
	}
	rs := roleSessionSpec{name: claims.sessionName, sourceIdentity: claims.sourceIdentity, federatedProvider: provider.ARN}
	trust, err := s.targetRoleSession(ctx, &rs, res, func() error { return denied },
		in.DurationSeconds, false, claims.tags, claims.transitive, nil)
	if err != nil {
		return nil, err
	}
	if err := s.scopePolicies(ctx, &rs.scope, in.Policy, in.PolicyArns, rs.role.AccountID); err != nil {
		return nil, err
	}

	nameQualifier := saml.NameQualifier(a.Issuer, provider.AccountID, provider.Name)
	var keys requestKeys
	samlKeys(&keys, a, provider, nameQualifier)
	if claims.sourceIdentity != "" {
		keys.set("sts:SourceIdentity", claims.sourceIdentity)
	}
	setRequestTags(&keys, claims.tags)
	if len(claims.transitive) > 0 {
		keys.set("sts:TransitiveTagKeys", claims.transitive...)
	}
	// A federated caller has no identity policies: the trust policy alone
	// decides.
	q := &authz.Query{Resource: rs.roleARN, Facts: call.Facts(), Keys: keys, ResourcePolicy: trustPolicy(&rs, trust)}
	if firstRefused(authz.FederatedSubject(provider.ARN), q,
		trustStep{true, actionAssumeRoleWithSAML},
		trustStep{len(rs.scope.tags) > 0, actionTagSession},
		trustStep{claims.sourceIdentity != "", actionSetSourceIdentity}) != "" {
		return nil, denied
	}

	// The session ends at the earliest of DurationSeconds, the IdP's
	// SessionDuration and its SessionNotOnOrAfter (STS API reference,
	// AssumeRoleWithSAML, DurationSeconds).
	if claims.sessionDuration > 0 && claims.sessionDuration < rs.duration {
		rs.duration = claims.sessionDuration
	}
	rs.notAfter, rs.expired = a.SessionNotOnOrAfter, samlExpired
	m, err := s.mint(call, &rs)
	if err != nil {
		return nil, err
	}
	return &stsapi.AssumeRoleWithSAMLResponse{
		Credentials:      m.creds,
		AssumedRoleUser:  m.user,
		PackedPolicySize: m.packed,
		Subject:          a.Subject,
		SubjectType:      a.SubjectType(),
		Issuer:           a.Issuer,
		// "The value of the Recipient attribute of the
		// SubjectConfirmationData element of the SAML assertion" (STS
		// API reference, AssumeRoleWithSAMLResponse, Audience).
		Audience:       a.Recipient,
		NameQualifier:  nameQualifier,
		SourceIdentity: claims.sourceIdentity,
	}, nil
}

// samlExpired refuses an assertion whose SessionNotOnOrAfter has passed.
func samlExpired() error { return apierr.New(codeExpiredToken, msgSAMLExpired) }

// samlRefusal words a refused response as STS does.
func samlRefusal(err error) error {
	var se *saml.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Kind {
	case saml.BadSignature:
		return apierr.New(codeInvalidIdentityToken, msgSAMLSignatureInvalid)
	case saml.WrongIssuer:
		return apierr.New(codeInvalidIdentityToken, msgSAMLIssuer)
	case saml.WrongAudience:
		return apierr.New(codeInvalidIdentityToken, msgSAMLAudience)
	case saml.WrongRecipient:
		return apierr.New(codeInvalidIdentityToken, msgSAMLRecipient)
	case saml.NotYetValid:
		return apierr.New(codeInvalidIdentityToken, msgSAMLNotYetValid)
	case saml.Expired:
		return samlExpired()
	case saml.Rejected:
		return &apierr.Error{Code: codeIDPRejectedClaim, Message: msgSAMLStatus, HTTPStatus: http.StatusForbidden}
	case saml.Unsupported:
		return apierr.New(codeInvalidIdentityToken, msgSAMLEncrypted)
	}
	return apierr.New(codeInvalidIdentityToken, msgSAMLMalformed)
}

// samlClaims are the AWS attributes of an assertion, checked.
type samlClaims struct {
	sessionName     string
	sourceIdentity  string
	sessionDuration int32
	tags            []stsapi.Tag
	transitive      []string
}

// readSAMLClaims reads and checks the AWS attributes (IAM User Guide,
// id_roles_providers_create_saml_assertions.html). Each single-valued
// attribute takes its first value.
func readSAMLClaims(a *saml.Assertion) (*samlClaims, error) {
	c := &samlClaims{}
	names := a.Values(saml.AttrRoleSessionName)
	if len(names) == 0 {
		return nil, apierr.New(codeInvalidIdentityToken, msgSAMLSessionNameRequired)
	}
	c.sessionName = names[0]
	if !samlName.MatchString(c.sessionName) {
		return nil, apierr.New(codeInvalidIdentityToken, msgSAMLSessionNameInvalid)
	}
	if v := a.Values(saml.AttrSourceIdentity); len(v) > 0 {
		c.sourceIdentity = v[0]
		if !samlName.MatchString(c.sourceIdentity) || strings.HasPrefix(strings.ToLower(c.sourceIdentity), "aws:") {
			return nil, apierr.New(codeInvalidIdentityToken, msgSAMLSourceIdentityInvalid)
		}
	}
	if v := a.Values(saml.AttrSessionDuration); len(v) > 0 {
		n, err := strconv.Atoi(strings.TrimSpace(v[0]))
		if err != nil || n < samlMinSessionDuration || n > samlMaxSessionDuration {
			return nil, apierr.New(codeInvalidIdentityToken, msgSAMLSessionDuration)
		}
		c.sessionDuration = int32(n)
	}
	for _, at := range a.Attributes {
		key, ok := strings.CutPrefix(at.Name, saml.AttrPrincipalTag)
		if !ok || len(at.Values) == 0 {
			continue
		}
		if !samlTagText(key, 1, maxTagKeyLen) || !samlTagText(at.Values[0], 0, maxTagValueLen) || len(c.tags) >= maxSessionTags {
			return nil, apierr.New(codeInvalidIdentityToken, msgSAMLTags)
		}
		c.tags = append(c.tags, stsapi.Tag{Key: key, Value: at.Values[0]})
	}
	c.transitive = a.Values(saml.AttrTransitiveTagKeys)
	return c, nil
}

// samlTagText checks a session tag key or value from the assertion as the
// STS model's tagKeyType and tagValueType would check it in an AssumeRole
// request: a length in characters and the character set
// [\p{L}\p{Z}\p{N}_.:/=+\-@]. The IdP's text reaches the session token and
// the aws:PrincipalTag condition keys, so it gets no more latitude than a
// caller's own tags.
func samlTagText(s string, minLen, maxLen int) bool {
	n := utf8.RuneCountInString(s)
	if n < minLen || n > maxLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r) {
			continue
		}
		return false
	}
	return true
}
