package saml

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/federation/saml/samltest"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testIdP(t testing.TB) (*samltest.IdP, *Metadata) {
	idp := samltest.New(t, "https://idp.example.com/saml")
	md, err := ParseMetadata(idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	return idp, md
}

var sessionName = samltest.Attribute{Name: AttrRoleSessionName, Values: []string{"user@example.com.evil.com"}}

// TestParseResponseAttacks signs responses with a test IdP and checks every
// success and refusal, including the named attacks.
func TestParseResponseAttacks(t *testing.T) {
	idp, md := testIdP(t)
	other, _ := testIdP(t)
	base := idp.Defaults(testNow, sessionName)
	base.NameID = "user@example.com.evil.com"
	valid := base.XML()
	signedAssertion := idp.Sign(t, valid, true, false)
	evil := strings.Replace(base.XML(), "user@example.com.evil.com", "admin@example.com", 1)
	evilAssertion := evil[strings.Index(evil, "<saml:Assertion"):strings.Index(evil, "</samlp:Response>")]
	evilAssertion = strings.Replace(evilAssertion, `ID="_a1"`, `ID="_evil"`, 1)
	genuine := signedAssertion[strings.Index(signedAssertion, "<saml:Assertion"):strings.Index(signedAssertion, "</samlp:Response>")]
	mod := func(p func(*samltest.Params)) string {
		c := base
		p(&c)
		return c.XML()
	}

	tests := []struct {
		name string
		doc  string
		kind Kind // 0: accepted with the full NameID
	}{
		{"assertion signed", signedAssertion, 0},
		{"response signed", idp.Sign(t, valid, false, true), 0},
		{"both signed", idp.Sign(t, valid, true, true), 0},
		// The comment splits the NameID after signing; exclusive c14n
		// drops comments, so the signature holds, and the whole text is
		// read, never "user@example.com".
		{"comment-split NameID", strings.ReplaceAll(signedAssertion, "user@example.com.evil.com", "user@example.com<!---->.evil.com"), 0},
		{"unsigned", valid, BadSignature},
		{"signed by another key", other.Sign(t, valid, true, false), BadSignature},
		{"altered after signing", strings.Replace(signedAssertion, "user@example.com.evil.com</saml:NameID>", "admin@example.com</saml:NameID>", 1), BadSignature},
		{"second unsigned assertion after the signed one", strings.Replace(signedAssertion, "</samlp:Response>", evilAssertion+"</samlp:Response>", 1), BadSignature},
		{"XSW: evil assertion first", strings.Replace(signedAssertion, genuine, evilAssertion+genuine, 1), BadSignature},
		{"XSW: signed assertion moved into Extensions", strings.Replace(signedAssertion, genuine, `<samlp:Extensions>`+genuine+`</samlp:Extensions>`+evilAssertion, 1), BadSignature},
		{"XSW: signed assertion in the evil one's Advice", strings.Replace(signedAssertion, genuine, strings.Replace(evilAssertion, "<saml:Conditions", "<saml:Advice>"+genuine+"</saml:Advice><saml:Conditions", 1), 1), BadSignature},
		{"XSW: evil assertion reusing the signed ID", strings.Replace(signedAssertion, genuine, strings.Replace(evilAssertion, `ID="_evil"`, `ID="_a1"`, 1), 1), BadSignature},
		{"signature referencing the whole document", strings.Replace(signedAssertion, `URI="#_a1"`, `URI=""`, 1), BadSignature},
		{"expired", idp.Sign(t, mod(func(p *samltest.Params) { p.IssueInstant = testNow.Add(-2 * time.Hour) }), true, false), Expired},
		{"confirmation expired", idp.Sign(t, mod(func(p *samltest.Params) { p.ConfirmNotOnOrAfter = testNow.Add(-3 * time.Minute) }), true, false), Expired},
		{"conditions expired", idp.Sign(t, mod(func(p *samltest.Params) { p.NotOnOrAfter = testNow.Add(-3 * time.Minute) }), true, false), Expired},
		{"not yet valid", idp.Sign(t, mod(func(p *samltest.Params) { p.NotBefore = testNow.Add(10 * time.Minute) }), true, false), NotYetValid},
		{"wrong audience", idp.Sign(t, mod(func(p *samltest.Params) { p.Audience = "https://sp.evil.example/" }), true, false), WrongAudience},
		{"wrong recipient", idp.Sign(t, mod(func(p *samltest.Params) { p.Recipient = "https://sp.evil.example/acs" }), true, false), WrongRecipient},
		{"wrong issuer", idp.Sign(t, mod(func(p *samltest.Params) { p.Issuer = "https://other.example.com/" }), true, false), WrongIssuer},
		{"IdP said no", idp.Sign(t, mod(func(p *samltest.Params) { p.Status = "urn:oasis:names:tc:SAML:2.0:status:Requester" }), true, true), Rejected},
		{"DOCTYPE with entities", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>` + signedAssertion, Malformed},
		{"external entity", `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + strings.Replace(signedAssertion, "user@example.com.evil.com</saml:NameID>", "&x;</saml:NameID>", 1), Malformed},
		{"processing instruction", strings.Replace(signedAssertion, "<saml:Subject>", "<?evil x?><saml:Subject>", 1), Malformed},
		{"not a Response", `<x/>`, Malformed},
		{"deep nesting", strings.Replace(signedAssertion, "<saml:Subject>", strings.Repeat("<a>", 40)+strings.Repeat("</a>", 40)+"<saml:Subject>", 1), Malformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseResponse(samltest.Encode(tc.doc), Options{Metadata: md, Now: testNow})
			if tc.kind != 0 {
				expectKind(t, err, tc.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Subject != "user@example.com.evil.com" || a.Values(AttrRoleSessionName)[0] != "user@example.com.evil.com" {
				t.Fatalf("subject %q, session name %q", a.Subject, a.Values(AttrRoleSessionName))
			}
		})
	}
}

func TestParseResponseLimits(t *testing.T) {
	_, md := testIdP(t)
	_, err := ParseResponse(strings.Repeat("A", MaxEncodedLen+4), Options{Metadata: md, Now: testNow})
	expectKind(t, err, Malformed)
	_, err = ParseResponse("!!!not base64", Options{Metadata: md, Now: testNow})
	expectKind(t, err, Malformed)
	many := `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` + strings.Repeat("<a/>", maxElements) + `</samlp:Response>`
	_, err = ParseResponse(samltest.Encode(many), Options{Metadata: md, Now: testNow})
	expectKind(t, err, Malformed)
}

func TestRolesAndSubjectType(t *testing.T) {
	const (
		role     = "arn:aws:iam::123456789012:role/"
		provider = "arn:aws:iam::123456789012:saml-provider/P"
	)
	a := &Assertion{Attributes: []Attribute{{Name: AttrRole, Values: []string{
		role + "A," + provider,
		" " + provider + " , " + role + "path/B",
		role + "C",
		role + "D," + role + "E",
		// Both ARNs are parsed, not searched for ":role/" or
		// ":saml-provider/": these look right to a substring test only.
		"arn:aws:s3:::bucket:role/F," + provider,
		role + "G,arn:aws:iam::123456789012:saml-provider/P:role/x",
		"arn:aws:iam::1:role/H," + provider,
		"arn:aws:sts::123456789012:assumed-role/I/s," + provider,
		role + "J," + provider + "," + role + "K",
	}}}}
	want := []RolePair{
		{Role: role + "A", Provider: provider},
		{Role: role + "path/B", Provider: provider},
	}
	if got := a.Roles(); !slices.Equal(got, want) {
		t.Fatalf("roles %+v, want %+v", got, want)
	}
	if !a.Lists(role+"path/B", provider) || a.Lists(role+"B", provider) {
		t.Errorf("Lists disagrees with Roles")
	}
	for format, want := range map[string]string{
		"urn:oasis:names:tc:SAML:2.0:nameid-format:transient":    "transient",
		"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
		"": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
	} {
		if got := (&Assertion{SubjectFormat: format}).SubjectType(); got != want {
			t.Errorf("%q -> %q, want %q", format, got, want)
		}
	}
}

// FuzzParseResponse: no input makes the parser panic, and nothing but a
// response signed by the test IdP is accepted.
func FuzzParseResponse(f *testing.F) {
	idp, md := testIdP(f)
	p := idp.Defaults(testNow, sessionName)
	signed := idp.Sign(f, p.XML(), true, false)
	f.Add(samltest.Encode(signed))
	f.Add(samltest.Encode(idp.Sign(f, p.XML(), false, true)))
	f.Add(samltest.Encode(p.XML()))
	f.Add(samltest.Encode(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseResponse(s, Options{Metadata: md, Now: testNow})
		if err == nil && a.Issuer != idp.EntityID {
			t.Fatalf("accepted an assertion from %q", a.Issuer)
		}
	})
}

func BenchmarkParseResponse(b *testing.B) {
	idp, md := testIdP(b)
	enc := samltest.Encode(idp.Sign(b, idp.Defaults(testNow, sessionName).XML(), true, false))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResponse(enc, Options{Metadata: md, Now: testNow}); err != nil {
			b.Fatal(err)
		}
	}
}
