package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/app"
)

// Where the answers asserted below come from:
//   - Codes and statuses: aws-models/iam.json (FeatureEnabledException is
//     code FeatureEnabled, 409; FeatureDisabledException is FeatureDisabled,
//     404).
//   - Messages: the exceptions' descriptions in the IAM API Reference
//     (API_EnableOutboundWebIdentityFederation,
//     API_DisableOutboundWebIdentityFederation). No recording of AWS's wire
//     text exists (none in LocalStack, moto, issues or blogs): these are
//     documented, not recorded.
//   - Get answers FeatureDisabled when the feature is off: the Terraform AWS
//     provider's acceptance test against AWS expects exactly that after
//     Disable (hashicorp/terraform-provider-aws#45217).
//   - The discovery paths below the issuer: the model's IssuerIdentifier
//     ("/.well-known/openid-configuration and /.well-known/jwks.json").
//
// stsd's choices (AWS documents none of them): the issuer URL is the
// public URL + /outbound/ + a UUID; Enable after Disable brings back the
// same issuer; the documents stay served while the feature is disabled,
// as tokens issued before Disable stay valid (API Reference,
// DisableOutboundWebIdentityFederation).

const outboundBootstrap = `
accounts:
  - id: "111111111111"
    root_access_keys:
      - {id: AKIAOUTBOUNDROOT0001, secret: "outboundRootSecret0000000000000000000000"}
    users:
      - name: nobody
        access_keys: [{id: AKIAOUTBOUNDNOBODY01, secret: "outboundNobodySecret00000000000000000000"}]
      - name: reader
        access_keys: [{id: AKIAOUTBOUNDREADER01, secret: "outboundReaderSecret00000000000000000000"}]
        inline_policies:
          read:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "iam:GetOutboundWebIdentityFederationInfo", Resource: "*"}
      - name: admin
        access_keys: [{id: AKIAOUTBOUNDADMIN001, secret: "outboundAdminSecret000000000000000000000"}]
        inline_policies:
          admin:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "iam:*OutboundWebIdentityFederation*", Resource: "*"}
`

const (
	msgFeatureEnabled  = "The request failed because outbound identity federation is already enabled for your AWS account. You cannot enable the feature multiple times. To fetch the current configuration (including the unique issuer URL), use the GetOutboundWebIdentityFederationInfo operation."
	msgFeatureDisabled = "The request failed because outbound identity federation is already disabled for your AWS account. You cannot disable the feature multiple times"
)

// issuerUUID is the issuer id stsd puts after /outbound/.
var issuerUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func obEnable(c *iam.Client) (string, error) {
	out, err := c.EnableOutboundWebIdentityFederation(context.Background(), &iam.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.IssuerIdentifier), nil
}

func obDisable(c *iam.Client) error {
	_, err := c.DisableOutboundWebIdentityFederation(context.Background(), &iam.DisableOutboundWebIdentityFederationInput{})
	return err
}

// obGet returns the issuer Get reports; it fails the test unless
// JwtVendingEnabled is true alongside.
func obGet(t *testing.T, c *iam.Client) (string, error) {
	t.Helper()
	out, err := c.GetOutboundWebIdentityFederationInfo(context.Background(), &iam.GetOutboundWebIdentityFederationInfoInput{})
	if err != nil {
		return "", err
	}
	if !out.JwtVendingEnabled {
		t.Fatalf("Get: JwtVendingEnabled %v", out.JwtVendingEnabled)
	}
	return aws.ToString(out.IssuerIdentifier), nil
}

// obIssuerID checks issuer is base + "/outbound/" + a UUID and returns the
// UUID.
func obIssuerID(t *testing.T, issuer, base string) string {
	t.Helper()
	id, ok := strings.CutPrefix(issuer, base+"/outbound/")
	if !ok || !issuerUUID.MatchString(id) {
		t.Fatalf("issuer %q is not %s/outbound/<uuid>", issuer, base)
	}
	return id
}

// fetch GETs (or otherwise requests) url without credentials and returns
// the status and body.
func fetch(t *testing.T, method, url string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req)
}

// send does req and returns the status, headers and body of the answer.
func send(t *testing.T, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// checkIssuerDocs fetches the discovery document and key set of the issuer
// at issuer, served by stsd at base, as a verifier does, and checks they
// describe that issuer with two public signing keys (RS256, ES384).
func checkIssuerDocs(t *testing.T, base, issuer, id string) {
	t.Helper()
	status, hdr, body := fetch(t, http.MethodGet, base+"/outbound/"+id+"/.well-known/openid-configuration")
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("discovery: %d %s %s", status, hdr.Get("Content-Type"), body)
	}
	var d struct {
		Issuer   string   `json:"issuer"`
		JWKSURI  string   `json:"jwks_uri"`
		Algs     []string `json:"id_token_signing_alg_values_supported"`
		Subjects []string `json:"subject_types_supported"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("discovery does not parse: %v", err)
	}
	if d.Issuer != issuer || d.JWKSURI != issuer+"/.well-known/jwks.json" ||
		strings.Join(d.Algs, ",") != "RS256,ES384" || strings.Join(d.Subjects, ",") != "public" {
		t.Fatalf("discovery %s for issuer %s", body, issuer)
	}
	status, hdr, body = fetch(t, http.MethodGet, base+"/outbound/"+id+"/.well-known/jwks.json")
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/json" || !strings.Contains(hdr.Get("Cache-Control"), "max-age=") {
		t.Fatalf("key set: %d %v %s", status, hdr, body)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatalf("key set does not parse: %v", err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("key set has %d keys: %s", len(set.Keys), body)
	}
	// RSA first, as AWS lists them; an "alg", if given, must match.
	rsaKey, isRSA := set.Keys[0].Key.(*rsa.PublicKey)
	ecKey, isEC := set.Keys[1].Key.(*ecdsa.PublicKey)
	if !isRSA || rsaKey.N.BitLen() < 2048 || !isEC || ecKey.Curve != elliptic.P384() {
		t.Fatalf("keys are not RSA-2048 and P-384: %s", body)
	}
	for i, alg := range []string{"RS256", "ES384"} {
		k := set.Keys[i]
		if (k.Algorithm != "" && k.Algorithm != alg) || k.Use != "sig" || k.KeyID == "" || !k.IsPublic() || !k.Valid() {
			t.Fatalf("key %d: alg %s use %s kid %q public %v", i, k.Algorithm, k.Use, k.KeyID, k.IsPublic())
		}
	}
	if strings.Contains(string(body), `"d"`) {
		t.Fatal("the key set publishes a private member")
	}
}

func TestOutboundIAMLifecycle(t *testing.T) {
	h := start(t, nil)
	c := h.rootIAM()

	// Never enabled.
	_, err := obGet(t, c)
	apiError(t, err, "FeatureDisabled", msgFeatureDisabled, 404)
	apiError(t, obDisable(c), "FeatureDisabled", msgFeatureDisabled, 404)

	issuer, err := obEnable(c)
	if err != nil {
		t.Fatal(err)
	}
	id := obIssuerID(t, issuer, h.srv.URL)
	_, err = obEnable(c)
	apiError(t, err, "FeatureEnabled", msgFeatureEnabled, 409)
	if got, err := obGet(t, c); err != nil || got != issuer {
		t.Fatalf("Get: %q, %v; want %q", got, err, issuer)
	}

	// A verifier reaches the documents at the issuer URL itself.
	checkIssuerDocs(t, h.srv.URL, issuer, id)
	status, _, _ := fetch(t, http.MethodGet, issuer+"/.well-known/openid-configuration")
	if status != http.StatusOK {
		t.Fatalf("GET of the issuer URL's discovery document: %d", status)
	}
	if status, _, _ := fetch(t, http.MethodGet, h.srv.URL+"/outbound/11111111-2222-4333-8444-555555555555/.well-known/jwks.json"); status != http.StatusNotFound {
		t.Fatalf("unknown issuer: %d", status)
	}
	if status, hdr, _ := fetch(t, http.MethodPost, issuer+"/.well-known/jwks.json"); status != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST: %d, Allow %q", status, hdr.Get("Allow"))
	}
	if status, _, _ := fetch(t, http.MethodGet, issuer+"/.well-known/other"); status != http.StatusNotFound {
		t.Fatalf("other document: %d", status)
	}
	_, _, jwks := fetch(t, http.MethodGet, issuer+"/.well-known/jwks.json")

	if err := obDisable(c); err != nil {
		t.Fatal(err)
	}
	apiError(t, obDisable(c), "FeatureDisabled", msgFeatureDisabled, 404)
	_, err = obGet(t, c)
	apiError(t, err, "FeatureDisabled", msgFeatureDisabled, 404)
	// Still served while disabled: tokens issued before stay valid.
	checkIssuerDocs(t, h.srv.URL, issuer, id)

	// Enable again: the same issuer and keys.
	if again, err := obEnable(c); err != nil || again != issuer {
		t.Fatalf("re-Enable: %q, %v; want %q", again, err, issuer)
	}
	if _, _, again := fetch(t, http.MethodGet, issuer+"/.well-known/jwks.json"); string(again) != string(jwks) {
		t.Fatal("re-Enable changed the keys")
	}

	// A restart keeps the issuer id and keys; the harness's new server has
	// a new address, and the issuer URL follows the public URL.
	h.restart()
	c = h.rootIAM()
	got, err := obGet(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if obIssuerID(t, got, h.srv.URL) != id {
		t.Fatalf("after restart: issuer %q, want id %s", got, id)
	}
	checkIssuerDocs(t, h.srv.URL, got, id)
	if _, _, again := fetch(t, http.MethodGet, got+"/.well-known/jwks.json"); string(again) != string(jwks) {
		t.Fatal("the keys changed across a restart")
	}
}

// TestOutboundIAMPublicURL runs stsd with a configured public URL (as
// behind a reverse proxy): issuer URLs use it, trailing slash dropped, and
// stay exactly the same across a restart.
func TestOutboundIAMPublicURL(t *testing.T) {
	h := start(t, func(c *app.Config) { c.PublicURL = "https://sts.example.test/" })
	issuer, err := obEnable(h.rootIAM())
	if err != nil {
		t.Fatal(err)
	}
	id := obIssuerID(t, issuer, "https://sts.example.test")
	checkIssuerDocs(t, h.srv.URL, issuer, id)
	h.restart()
	if got, err := obGet(t, h.rootIAM()); err != nil || got != issuer {
		t.Fatalf("after restart: %q, %v; want %q", got, err, issuer)
	}
}

// TestOutboundIAMAuthorization checks each operation against the caller's
// policies (actions without a resource type, so Resource "*", Service
// Authorization Reference), and that accounts have issuers of their own.
func TestOutboundIAMAuthorization(t *testing.T) {
	h := start(t, withBootstrap(t, outboundBootstrap))
	nobody := h.iamClient("AKIAOUTBOUNDNOBODY01", "outboundNobodySecret00000000000000000000", "")
	reader := h.iamClient("AKIAOUTBOUNDREADER01", "outboundReaderSecret00000000000000000000", "")
	admin := h.iamClient("AKIAOUTBOUNDADMIN001", "outboundAdminSecret000000000000000000000", "")
	denied := func(user, action string) string {
		return "User: arn:aws:iam::111111111111:user/" + user + " is not authorized to perform: iam:" + action + " on resource: * because no identity-based policy allows the iam:" + action + " action"
	}

	_, err := obEnable(nobody)
	apiError(t, err, "AccessDenied", denied("nobody", "EnableOutboundWebIdentityFederation"), 403)
	_, err = obEnable(reader)
	apiError(t, err, "AccessDenied", denied("reader", "EnableOutboundWebIdentityFederation"), 403)
	// Authorization comes before the state check: no FeatureDisabled leaks
	// to a caller without permission.
	apiError(t, obDisable(nobody), "AccessDenied", denied("nobody", "DisableOutboundWebIdentityFederation"), 403)
	_, err = obGet(t, nobody)
	apiError(t, err, "AccessDenied", denied("nobody", "GetOutboundWebIdentityFederationInfo"), 403)

	issuer, err := obEnable(admin)
	if err != nil {
		t.Fatal(err)
	}
	obIssuerID(t, issuer, h.srv.URL)
	if got, err := obGet(t, reader); err != nil || got != issuer {
		t.Fatalf("reader's Get: %q, %v", got, err)
	}
	apiError(t, obDisable(reader), "AccessDenied", denied("reader", "DisableOutboundWebIdentityFederation"), 403)

	// The default account's issuer is another one, with other keys.
	mine, err := obEnable(h.rootIAM())
	if err != nil {
		t.Fatal(err)
	}
	obIssuerID(t, mine, h.srv.URL)
	if mine == issuer {
		t.Fatal("two accounts got the same issuer")
	}
	_, _, a := fetch(t, http.MethodGet, issuer+"/.well-known/jwks.json")
	_, _, b := fetch(t, http.MethodGet, mine+"/.well-known/jwks.json")
	if string(a) == string(b) {
		t.Fatal("two accounts publish the same keys")
	}
	// Disabling one account leaves the other enabled.
	if err := obDisable(admin); err != nil {
		t.Fatal(err)
	}
	if got, err := obGet(t, h.rootIAM()); err != nil || got != mine {
		t.Fatalf("the other account after Disable: %q, %v", got, err)
	}
}

func TestParsePublicURL(t *testing.T) {
	tests := []struct {
		in, want string // want "" for a refusal
	}{
		{"http://127.0.0.1:7788", "http://127.0.0.1:7788"},
		{"https://sts.example.com/", "https://sts.example.com"},
		{"HTTPS://sts.example.com//", "https://sts.example.com"},
		{"https://sts.example.com/base/", "https://sts.example.com/base"},
		{"http://[::1]:7788", "http://[::1]:7788"},
		{"sts.example.com", ""},
		{"/relative", ""},
		{"ftp://sts.example.com", ""},
		{"https://", ""},
		{"https://:443", ""},
		{"http:opaque", ""},
		{"https://user:secret@sts.example.com", ""},
		{"https://sts.example.com/?a=b", ""},
		{"https://sts.example.com/?", ""},
		{"https://sts.example.com/#top", ""},
		{"https://sts.example.com#", ""},
		{"https://sts.example.com:port", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := app.ParsePublicURL(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q accepted as %q", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePublicURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	// app.Open refuses a bad one before touching the data directory.
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := app.Open(context.Background(), app.Config{DataDir: dir, PublicURL: "sts.example.com"}); err == nil {
		t.Fatal("app.Open accepted a relative public URL")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("app.Open created the data directory for a bad public URL")
	}
}
