package saml

import (
	"slices"
	"time"

	"github.com/beevik/etree"
)

// readAssertion checks a signed assertion's issuer, times, subject
// confirmation and audience, and reads its subject and attributes.
func readAssertion(a *etree.Element, o *Options) (*Assertion, error) {
	if v := attr(a, "Version"); v != "2.0" {
		return nil, fail(Malformed, "Assertion Version %q", v)
	}
	out := &Assertion{}

	iss, err := childNS(a, nsAssertion, "Issuer")
	if err != nil {
		return nil, err
	}
	if iss == nil {
		return nil, fail(Malformed, "Assertion without Issuer")
	}
	if out.Issuer, err = text(iss); err != nil {
		return nil, err
	}
	if out.Issuer != o.Metadata.EntityID {
		return nil, fail(WrongIssuer, "Assertion Issuer %q", out.Issuer)
	}

	issued, err := timeAttr(a, "IssueInstant", true)
	if err != nil {
		return nil, err
	}
	if issued.After(o.Now.Add(o.Skew)) {
		return nil, fail(NotYetValid, "issued at %v", issued)
	}
	if !o.Now.Before(issued.Add(o.MaxAge + o.Skew)) {
		return nil, fail(Expired, "issued at %v, more than %v ago", issued, o.MaxAge)
	}

	if err := out.readSubject(a, o); err != nil {
		return nil, err
	}
	if err := out.readConditions(a, o); err != nil {
		return nil, err
	}
	if err := out.readStatements(a); err != nil {
		return nil, err
	}
	return out, nil
}

// readSubject reads the NameID and finds a bearer SubjectConfirmation for
// the recipient that has not expired (saml-profiles-2.0-os 4.1.4.2).
func (out *Assertion) readSubject(a *etree.Element, o *Options) error {
	subj, err := childNS(a, nsAssertion, "Subject")
	if err != nil {
		return err
	}
	if subj == nil {
		return fail(Malformed, "Assertion without Subject")
	}
	if len(childrenNS(subj, nsAssertion, "EncryptedID")) > 0 {
		return fail(Unsupported, "EncryptedID")
	}
	nameID, err := childNS(subj, nsAssertion, "NameID")
	if err != nil {
		return err
	}
	if nameID == nil {
		return fail(Malformed, "Subject without NameID")
	}
	if out.Subject, err = text(nameID); err != nil {
		return err
	}
	if out.Subject == "" {
		return fail(Malformed, "empty NameID")
	}
	out.SubjectFormat = attr(nameID, "Format")

	var expired, recipientSeen bool
	for _, sc := range childrenNS(subj, nsAssertion, "SubjectConfirmation") {
		if attr(sc, "Method") != methodBearer {
			continue
		}
		for _, d := range childrenNS(sc, nsAssertion, "SubjectConfirmationData") {
			if attr(d, "Recipient") != o.Recipient {
				continue
			}
			recipientSeen = true
			nooa, err := timeAttr(d, "NotOnOrAfter", true)
			if err != nil {
				return err
			}
			nb, err := timeAttr(d, "NotBefore", false)
			if err != nil {
				return err
			}
			if !nb.IsZero() && nb.After(o.Now.Add(o.Skew)) {
				continue
			}
			if !o.Now.Before(nooa.Add(o.Skew)) {
				expired = true
				continue
			}
			out.Recipient = o.Recipient
			out.NotOnOrAfter = nooa
			return nil
		}
	}
	switch {
	case expired:
		return fail(Expired, "subject confirmation expired")
	case recipientSeen:
		return fail(NotYetValid, "subject confirmation not yet valid")
	}
	return fail(WrongRecipient, "no bearer subject confirmation for %s", o.Recipient)
}

// readConditions checks the validity window and the audience restrictions:
// every AudienceRestriction must name an accepted audience, and there must
// be at least one (saml-core-2.0-os 2.5.1.4; AWS: "Response does not
// contain the required audience").
func (out *Assertion) readConditions(a *etree.Element, o *Options) error {
	c, err := childNS(a, nsAssertion, "Conditions")
	if err != nil {
		return err
	}
	if c == nil {
		return fail(WrongAudience, "no Conditions")
	}
	nb, err := timeAttr(c, "NotBefore", false)
	if err != nil {
		return err
	}
	if !nb.IsZero() && nb.After(o.Now.Add(o.Skew)) {
		return fail(NotYetValid, "NotBefore %v", nb)
	}
	nooa, err := timeAttr(c, "NotOnOrAfter", false)
	if err != nil {
		return err
	}
	if !nooa.IsZero() {
		if !o.Now.Before(nooa.Add(o.Skew)) {
			return fail(Expired, "NotOnOrAfter %v", nooa)
		}
		if nooa.Before(out.NotOnOrAfter) {
			out.NotOnOrAfter = nooa
		}
	}
	restrictions := childrenNS(c, nsAssertion, "AudienceRestriction")
	if len(restrictions) == 0 {
		return fail(WrongAudience, "no AudienceRestriction")
	}
	for _, r := range restrictions {
		ok := false
		for _, au := range childrenNS(r, nsAssertion, "Audience") {
			v, err := text(au)
			if err != nil {
				return err
			}
			out.Audiences = append(out.Audiences, v)
			if slices.Contains(o.Audiences, v) {
				ok = true
			}
		}
		if !ok {
			return fail(WrongAudience, "audiences %q", out.Audiences)
		}
	}
	return nil
}

// readStatements reads SessionNotOnOrAfter and the attributes.
func (out *Assertion) readStatements(a *etree.Element) error {
	for _, as := range childrenNS(a, nsAssertion, "AuthnStatement") {
		t, err := timeAttr(as, "SessionNotOnOrAfter", false)
		if err != nil {
			return err
		}
		if !t.IsZero() && (out.SessionNotOnOrAfter.IsZero() || t.Before(out.SessionNotOnOrAfter)) {
			out.SessionNotOnOrAfter = t
		}
	}
	if len(childrenNS(a, nsAssertion, "EncryptedAttribute")) > 0 {
		return fail(Unsupported, "EncryptedAttribute")
	}
	n := 0
	for _, st := range childrenNS(a, nsAssertion, "AttributeStatement") {
		if len(childrenNS(st, nsAssertion, "EncryptedAttribute")) > 0 {
			return fail(Unsupported, "EncryptedAttribute")
		}
		for _, at := range childrenNS(st, nsAssertion, "Attribute") {
			attr := Attribute{Name: attr(at, "Name")}
			for _, v := range childrenNS(at, nsAssertion, "AttributeValue") {
				n++
				if n > maxAttributeVals {
					return fail(Malformed, "more than %d attribute values", maxAttributeVals)
				}
				s, err := text(v)
				if err != nil {
					return err
				}
				attr.Values = append(attr.Values, s)
			}
			out.Attributes = append(out.Attributes, attr)
		}
	}
	return nil
}

// timeAttr reads an xs:dateTime attribute; required says whether absence
// is an error (zero time otherwise).
func timeAttr(el *etree.Element, name string, required bool) (time.Time, error) {
	v := attr(el, name)
	if v == "" {
		if required {
			return time.Time{}, fail(Malformed, "%s without %s", el.Tag, name)
		}
		return time.Time{}, nil
	}
	t, err := parseDateTime(v)
	if err != nil {
		return time.Time{}, fail(Malformed, "%s %s %q: %v", el.Tag, name, v, err)
	}
	return t, nil
}
