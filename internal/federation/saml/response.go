package saml

import (
	"time"

	"github.com/beevik/etree"
)

// Defaults of Options.
const (
	// DefaultRecipient is AWS's sign-in endpoint, the Recipient (and
	// Destination) AWS requires.
	DefaultRecipient = "https://signin.aws.amazon.com/saml"
	// DefaultSkew is the clock skew allowed on every time check.
	DefaultSkew = 2 * time.Minute
	// DefaultMaxAge is how long after its IssueInstant a response may be
	// redeemed: AWS refuses older ones with "Token must be redeemed within
	// 5 minutes of issuance" (recorded in Nike-Inc/gimme-aws-creds#251).
	DefaultMaxAge = 5 * time.Minute

	statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
	methodBearer  = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
)

// DefaultAudiences are the SP entity ids AWS answers to: the sign-in
// endpoint and "urn:amazon:webservices", the entity id in AWS's own SP
// metadata (https://signin.aws.amazon.com/static/saml-metadata.xml).
func DefaultAudiences() []string { return []string{DefaultRecipient, "urn:amazon:webservices"} }

// Options say what a response must satisfy.
type Options struct {
	// Metadata is the IdP's: its entityID is the only acceptable Issuer,
	// its signing certificates the only acceptable keys.
	Metadata *Metadata
	// Audiences lists acceptable Audience values; nil means
	// DefaultAudiences().
	Audiences []string
	// Recipient is the required SubjectConfirmationData Recipient (and
	// Response Destination, when present); "" means DefaultRecipient.
	Recipient string
	// Now is the time of validation.
	Now time.Time
	// Skew and MaxAge default to DefaultSkew and DefaultMaxAge when zero.
	Skew, MaxAge time.Duration
}

// Assertion holds the claims of a verified assertion.
type Assertion struct {
	// Issuer is the assertion's Issuer, equal to the metadata's entityID.
	Issuer string
	// Subject is the full text of the Subject's NameID.
	Subject string
	// SubjectFormat is the NameID's Format attribute ("" when absent).
	SubjectFormat string
	// Recipient is the Recipient of the bearer confirmation that matched.
	Recipient string
	// Audiences are every Audience of the Conditions.
	Audiences []string
	// NotOnOrAfter is the earliest of the Conditions' and the matched
	// confirmation's NotOnOrAfter.
	NotOnOrAfter time.Time
	// SessionNotOnOrAfter is the earliest SessionNotOnOrAfter of the
	// AuthnStatements; zero when none has one.
	SessionNotOnOrAfter time.Time
	// Attributes are the AttributeStatements' attributes, in order.
	Attributes []Attribute
}

// Attribute is one SAML attribute with its values' full texts.
type Attribute struct {
	Name   string
	Values []string
}

// Values returns the values of the attributes named name.
func (a *Assertion) Values(name string) []string {
	var out []string
	for _, at := range a.Attributes {
		if at.Name == name {
			out = append(out, at.Values...)
		}
	}
	return out
}

// ParseResponse decodes a base64 SAML 2.0 Response, verifies it and
// returns the claims of its signed assertion. Refusals are *Error.
func ParseResponse(encoded string, opts Options) (*Assertion, error) {
	opts.defaults()
	raw, err := decode(encoded)
	if err != nil {
		return nil, err
	}
	if err := prescan(raw); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		return nil, fail(Malformed, "not well-formed XML: %v", err)
	}
	resp := doc.Root()
	if resp == nil {
		return nil, fail(Malformed, "no root element")
	}
	if opts.Metadata == nil || len(opts.Metadata.SigningCerts) == 0 {
		return nil, fail(BadSignature, "no signing certificate for the IdP")
	}
	certs := opts.Metadata.SigningCerts

	// A signed Response covers its assertion: read everything from the
	// signed copy. Otherwise the assertion must carry its own signature.
	signedResp := false
	if len(childrenNS(resp, nsDSig, "Signature")) > 0 {
		resp, err = signedBy(resp, certs, opts.Now)
		if err != nil {
			return nil, err
		}
		signedResp = true
	}
	as := childrenNS(resp, nsAssertion, "Assertion")
	if len(as) != 1 {
		return nil, fail(BadSignature, "%d Assertions in the Response", len(as))
	}
	assertion := as[0]
	if len(childrenNS(assertion, nsDSig, "Signature")) > 0 {
		assertion, err = signedBy(assertion, certs, opts.Now)
		if err != nil {
			return nil, err
		}
	} else if !signedResp {
		return nil, fail(BadSignature, "neither the Response nor the Assertion is signed")
	}

	if err := checkResponse(resp, &opts); err != nil {
		return nil, err
	}
	return readAssertion(assertion, &opts)
}

func (o *Options) defaults() {
	if o.Audiences == nil {
		o.Audiences = DefaultAudiences()
	}
	if o.Recipient == "" {
		o.Recipient = DefaultRecipient
	}
	if o.Skew == 0 {
		o.Skew = DefaultSkew
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	o.Now = o.Now.UTC()
}

// checkResponse checks the Response envelope: version, status, issuer and
// destination. When only the assertion is signed these are unsigned, and
// serve only to refuse.
func checkResponse(resp *etree.Element, o *Options) error {
	if v := attr(resp, "Version"); v != "2.0" {
		return fail(Malformed, "Response Version %q", v)
	}
	status, err := childNS(resp, nsProtocol, "Status")
	if err != nil {
		return err
	}
	if status == nil {
		return fail(Malformed, "Response without Status")
	}
	code, err := childNS(status, nsProtocol, "StatusCode")
	if err != nil {
		return err
	}
	if code == nil {
		return fail(Malformed, "Status without StatusCode")
	}
	if v := attr(code, "Value"); v != statusSuccess {
		return fail(Rejected, "status %q", v)
	}
	if iss, err := childNS(resp, nsAssertion, "Issuer"); err != nil {
		return err
	} else if iss != nil {
		v, err := text(iss)
		if err != nil {
			return err
		}
		if v != o.Metadata.EntityID {
			return fail(WrongIssuer, "Response Issuer %q", v)
		}
	}
	if d := attr(resp, "Destination"); d != "" && d != o.Recipient {
		return fail(WrongRecipient, "Destination %q", d)
	}
	return nil
}
