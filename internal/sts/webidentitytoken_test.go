package sts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/apimodel/stsapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/federation/outbound"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

const (
	wtAccount  = "123456789012"
	wtIssuerID = "0b6e3c1a-7f52-4d8e-9a3b-5c2d1e0f4a6b"
	wtPublic   = "https://stsd.example"
	wtIssuer   = wtPublic + "/outbound/" + wtIssuerID
)

// wtStore is the part of the store GetWebIdentityToken reads: users, roles,
// their inline policies, and the account's outbound federation.
type wtStore struct {
	store.Reader
	users  map[string]store.User
	roles  map[string]store.Role
	inline map[string]string // principal name -> policy document
	fed    *store.OutboundFederation
}

func (f *wtStore) GetUser(_ context.Context, _, name string) (store.User, error) {
	if u, ok := f.users[name]; ok {
		return u, nil
	}
	return store.User{}, store.ErrNotFound
}

func (f *wtStore) GetRole(_ context.Context, _, name string) (store.Role, error) {
	if r, ok := f.roles[name]; ok {
		return r, nil
	}
	return store.Role{}, store.ErrNotFound
}

func (f *wtStore) ListInlinePolicies(_ context.Context, account string, kind store.PrincipalKind, name string) ([]store.InlinePolicy, error) {
	doc, ok := f.inline[name]
	if !ok {
		return nil, nil
	}
	return []store.InlinePolicy{{AccountID: account, Kind: kind, PrincipalName: name, Name: "p", Document: doc}}, nil
}

func (f *wtStore) ListAttachedPolicies(context.Context, string, store.PrincipalKind, string) ([]string, error) {
	return nil, nil
}

func (f *wtStore) ListGroupsForUser(context.Context, string, string) ([]store.Group, error) {
	return nil, nil
}

func (f *wtStore) GetOutboundFederation(_ context.Context, account string) (store.OutboundFederation, error) {
	if f.fed == nil || f.fed.AccountID != account {
		return store.OutboundFederation{}, store.ErrNotFound
	}
	return *f.fed, nil
}

func (f *wtStore) GetOutboundFederationByIssuer(_ context.Context, issuerID string) (store.OutboundFederation, error) {
	if f.fed == nil || f.fed.IssuerID != issuerID {
		return store.OutboundFederation{}, store.ErrNotFound
	}
	return *f.fed, nil
}

// allow is an identity policy allowing actions, with an optional condition
// block (JSON).
func allow(actions, condition string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"`
	if condition != "" {
		doc += `,"Condition":` + condition
	}
	return doc + `}]}`
}

// wtEnv is a Service over a wtStore with the feature enabled, and the
// principals the tests call as.
type wtEnv struct {
	svc   *Service
	store *wtStore
	now   time.Time
	// Principals: an IAM user (tagged), its GetSessionToken session, the
	// root, a root session, and role sessions (one chained from a web
	// identity with tags and a source identity).
	user, userSession, root, rootSession, role, fedRole *auth.Principal
}

// wtKeys are an account's signing keys; generating an RSA key takes a
// while, so table tests share one pair.
type wtKeys struct{ rsa, ec []byte }

func newWTKeys(t *testing.T) wtKeys {
	t.Helper()
	rsaKey, ecKey, err := outbound.GenerateKeys(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return wtKeys{rsaKey, ecKey}
}

func newWTEnv(t *testing.T) *wtEnv { return newWTEnvWith(t, newWTKeys(t)) }

func newWTEnvWith(t *testing.T, k wtKeys) *wtEnv {
	t.Helper()
	rsaKey, ecKey := k.rsa, k.ec
	fs := &wtStore{
		users: map[string]store.User{
			"alice": {AccountID: wtAccount, Name: "alice", ID: "AIDAALICE", Path: "/eng/", Tags: []store.Tag{{Key: "team", Value: "blue"}}},
			"bob":   {AccountID: wtAccount, Name: "bob", ID: "AIDABOB", Path: "/"},
		},
		roles: map[string]store.Role{
			"app": {AccountID: wtAccount, Name: "app", ID: "AROAAPP", Path: "/svc/", MaxSessionDuration: 3600, Tags: []store.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "red"}}},
		},
		inline: map[string]string{
			"alice": allow(`["sts:GetWebIdentityToken","sts:TagGetWebIdentityToken"]`, ""),
			"app":   allow(`"sts:GetWebIdentityToken"`, `{"ForAllValues:StringEquals":{"sts:IdentityTokenAudience":["https://a.example","https://b.example"]}}`),
		},
		fed: &store.OutboundFederation{AccountID: wtAccount, IssuerID: wtIssuerID, Enabled: true, RSAKey: rsaKey, ECKey: ecKey},
	}
	pc := policy.NewCache(64)
	e := &wtEnv{
		store: fs,
		now:   time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
	}
	e.svc = New(Config{Store: fs, Authz: authz.New(fs, pc), Policies: pc, PublicURL: wtPublic + "/", Issuers: outbound.NewIssuers()})
	exp := e.now.Add(time.Hour)
	e.user = &auth.Principal{Type: auth.User, AccountID: wtAccount, ARN: "arn:aws:iam::123456789012:user/eng/alice", UserID: "AIDAALICE", Name: "alice"}
	e.userSession = &auth.Principal{Type: auth.User, AccountID: wtAccount, ARN: e.user.ARN, UserID: "AIDAALICE", Name: "alice",
		Session: &session.Claims{AccountID: wtAccount, PrincipalType: session.IAMUserSession, PrincipalARN: e.user.ARN, UserName: "alice", UserID: "AIDAALICE", IssuedAt: e.now.Add(-time.Hour), Expiration: exp}}
	e.root = &auth.Principal{Type: auth.Root, AccountID: wtAccount, ARN: "arn:aws:iam::123456789012:root", UserID: wtAccount}
	e.rootSession = &auth.Principal{Type: auth.Root, AccountID: wtAccount, ARN: e.root.ARN, UserID: wtAccount,
		Session: &session.Claims{AccountID: wtAccount, PrincipalType: session.RootSession, PrincipalARN: e.root.ARN, IssuedAt: e.now, Expiration: exp}}
	e.role = roleSession("s1", exp, nil)
	e.fedRole = roleSession("web", exp, func(c *session.Claims) {
		c.SourceIdentity = "jane"
		c.FederatedProvider = "arn:aws:iam::123456789012:oidc-provider/idp.example/tenant"
		c.Tags = []session.Tag{{Key: "team", Value: "green"}}
	})
	return e
}

func roleSession(name string, exp time.Time, mutate func(*session.Claims)) *auth.Principal {
	c := &session.Claims{
		AccountID: wtAccount, PrincipalType: session.AssumedRole,
		PrincipalARN: "arn:aws:sts::123456789012:assumed-role/app/" + name, PrincipalID: "AROAAPP:" + name,
		SourceARN: "arn:aws:iam::123456789012:role/svc/app", RoleName: "app", RoleID: "AROAAPP", SessionName: name,
		IssuedAt: exp.Add(-time.Hour), Expiration: exp,
	}
	if mutate != nil {
		mutate(c)
	}
	return &auth.Principal{Type: auth.AssumedRole, AccountID: wtAccount, ARN: c.PrincipalARN, UserID: c.PrincipalID, Name: "app", Session: c}
}

func (e *wtEnv) call(p *auth.Principal, in *stsapi.GetWebIdentityTokenRequest) (*stsapi.GetWebIdentityTokenResponse, error) {
	call := &rpc.Call{Principal: p, Region: "eu-west-3", Time: e.now.Add(250 * time.Millisecond)}
	return e.svc.GetWebIdentityToken(context.Background(), call, in)
}

// verify checks the token's signature against the issuer's published key
// set and returns its header and payload as generic JSON.
func (e *wtEnv) verify(t *testing.T, token, alg string) (jose.Header, map[string]any) {
	t.Helper()
	iss, err := e.svc.issuers.Get(wtIssuer, wtIssuerID, e.store.fed.RSAKey, e.store.fed.ECKey)
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(iss.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	sig, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
	if err != nil {
		t.Fatal(err)
	}
	h := sig.Signatures[0].Header
	keys := set.Key(h.KeyID)
	if len(keys) != 1 {
		t.Fatalf("kid %q names %d keys", h.KeyID, len(keys))
	}
	payload, err := sig.Verify(keys[0])
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return h, claims
}

// Claims per caller kind (IAM User Guide, id_roles_providers_outbound_token_
// claims.html; the real token in the AWS News Blog post of 2025-11-19).
func TestGetWebIdentityTokenClaims(t *testing.T) {
	e := newWTEnv(t)
	e.store.inline["app"] = allow(`"sts:GetWebIdentityToken"`, "")
	iat := float64(e.now.Unix())
	exp := e.now.Add(time.Hour).Format(time.RFC3339)
	cases := []struct {
		name  string
		p     *auth.Principal
		in    stsapi.GetWebIdentityTokenRequest
		sub   string
		aud   any
		ttl   int64
		extra map[string]any // namespace claims besides aws_account, source_region, principal_id
	}{
		{"user, one audience, default duration", e.user,
			stsapi.GetWebIdentityTokenRequest{Audience: []string{"https://api.example.com"}, SigningAlgorithm: "RS256"},
			"arn:aws:iam::123456789012:user/eng/alice", "https://api.example.com", 300,
			map[string]any{"principal_tags": map[string]any{"team": "blue"}}},
		{"user, audiences in order, request tags", e.user,
			stsapi.GetWebIdentityTokenRequest{Audience: []string{"z", "a"}, SigningAlgorithm: "ES384", DurationSeconds: ptr(int32(3600)),
				Tags: []stsapi.Tag{{Key: "scope", Value: "read"}, {Key: "job", Value: ""}}},
			"arn:aws:iam::123456789012:user/eng/alice", []any{"z", "a"}, 3600,
			map[string]any{"principal_tags": map[string]any{"team": "blue"}, "request_tags": map[string]any{"scope": "read", "job": ""}}},
		{"root", e.root,
			stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "ES384"},
			"arn:aws:iam::123456789012:root", "x", 300, map[string]any{}},
		{"role session: sub is the role ARN with its path", e.role,
			stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "RS256"},
			"arn:aws:iam::123456789012:role/svc/app", "x", 300,
			map[string]any{"principal_tags": map[string]any{"env": "prod", "team": "red"}, "original_session_exp": exp}},
		{"web identity role session: session tags override role tags", e.fedRole,
			stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "ES384"},
			"arn:aws:iam::123456789012:role/svc/app", "x", 300,
			map[string]any{"principal_tags": map[string]any{"env": "prod", "team": "green"}, "original_session_exp": exp,
				"source_identity": "jane", "federated_provider": "arn:aws:iam::123456789012:oidc-provider/idp.example/tenant"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := e.call(c.p, &c.in)
			if err != nil {
				t.Fatal(err)
			}
			h, got := e.verify(t, out.WebIdentityToken, c.in.SigningAlgorithm)
			if h.Algorithm != c.in.SigningAlgorithm || h.ExtraHeaders["typ"] != "JWT" {
				t.Errorf("header %+v", h)
			}
			jti, _ := got["jti"].(string)
			if len(jti) != 36 || jti[14] != '4' {
				t.Errorf("jti %q is not a UUID v4", jti)
			}
			ns := map[string]any{"aws_account": wtAccount, "source_region": "eu-west-3", "principal_id": c.sub}
			for k, v := range c.extra {
				ns[k] = v
			}
			want := map[string]any{
				"iss": wtIssuer, "sub": c.sub, "aud": c.aud,
				"iat": iat, "exp": iat + float64(c.ttl), "jti": jti,
				"https://sts.amazonaws.com/": ns,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("claims\n got %v\nwant %v", got, want)
			}
			if !out.Expiration.Equal(e.now.Add(time.Duration(c.ttl) * time.Second)) {
				t.Errorf("Expiration %v, want iat+%d", out.Expiration, c.ttl)
			}
		})
	}
}

func TestGetWebIdentityTokenRefusals(t *testing.T) {
	manyTags := make([]stsapi.Tag, 50)
	for i := range manyTags {
		manyTags[i] = stsapi.Tag{Key: strings.Repeat("k", 126) + string(rune('A'+i/26)) + string(rune('a'+i%26)), Value: strings.Repeat("v", 256)}
	}
	one := []string{"https://a.example"}
	cases := []struct {
		name  string
		setup func(e *wtEnv)
		who   func(e *wtEnv) *auth.Principal
		in    stsapi.GetWebIdentityTokenRequest
		code  string
		msg   string
	}{
		{"unknown algorithm", nil, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS384"},
			apierr.ValidationError, "1 validation error detected: Value 'RS384' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]"},
		{"duplicate tag keys", nil, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256", Tags: []stsapi.Tag{{Key: "Scope", Value: "a"}, {Key: "scope", Value: "b"}}},
			apierr.InvalidParameterValue, msgDuplicateTagKeys},
		{"aws: tag key", nil, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256", Tags: []stsapi.Tag{{Key: "AWS:x", Value: "a"}}},
			apierr.InvalidParameterValue, msgTagPrefix},
		{"no permission", nil, func(e *wtEnv) *auth.Principal {
			return &auth.Principal{Type: auth.User, AccountID: wtAccount, ARN: "arn:aws:iam::123456789012:user/bob", Name: "bob"}
		},
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256"},
			apierr.AccessDenied, "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:GetWebIdentityToken on resource: * because no identity-based policy allows the sts:GetWebIdentityToken action"},
		{"audience outside ForAllValues", nil, func(e *wtEnv) *auth.Principal { return e.role },
			stsapi.GetWebIdentityTokenRequest{Audience: []string{"https://a.example", "https://evil.example"}, SigningAlgorithm: "RS256"},
			apierr.AccessDenied, "User: arn:aws:sts::123456789012:assumed-role/app/s1 is not authorized to perform: sts:GetWebIdentityToken on resource: * because no identity-based policy allows the sts:GetWebIdentityToken action"},
		{"tags without sts:TagGetWebIdentityToken", nil, func(e *wtEnv) *auth.Principal { return e.role },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256", Tags: []stsapi.Tag{{Key: "scope", Value: "a"}}},
			apierr.AccessDenied, "User: arn:aws:sts::123456789012:assumed-role/app/s1 is not authorized to perform: sts:TagGetWebIdentityToken on resource: * because no identity-based policy allows the sts:TagGetWebIdentityToken action"},
		{"sts:DurationSeconds absent when not sent", func(e *wtEnv) {
			e.store.inline["alice"] = allow(`"sts:GetWebIdentityToken"`, `{"NumericLessThanEquals":{"sts:DurationSeconds":"300"}}`)
		}, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256"},
			apierr.AccessDenied, "User: arn:aws:iam::123456789012:user/eng/alice is not authorized to perform: sts:GetWebIdentityToken"},
		{"sts:SigningAlgorithm", func(e *wtEnv) {
			e.store.inline["alice"] = allow(`"sts:GetWebIdentityToken"`, `{"StringEquals":{"sts:SigningAlgorithm":"ES384"}}`)
		}, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256"},
			apierr.AccessDenied, "User: arn:aws:iam::123456789012:user/eng/alice is not authorized to perform: sts:GetWebIdentityToken"},
		{"never enabled", func(e *wtEnv) { e.store.fed = nil }, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256"},
			codeOutboundDisabled, msgOutboundDisabled},
		{"disabled", func(e *wtEnv) { e.store.fed.Enabled = false }, func(e *wtEnv) *auth.Principal { return e.root },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256"},
			codeOutboundDisabled, msgOutboundDisabled},
		{"token would outlive the session", nil, func(e *wtEnv) *auth.Principal {
			return roleSession("short", e.now.Add(10*time.Minute), nil)
		},
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256", DurationSeconds: ptr(int32(601))},
			codeSessionDurationEscalation, msgSessionDurationEscalation},
		{"default duration outlives the session", nil, func(e *wtEnv) *auth.Principal {
			return roleSession("short", e.now.Add(299*time.Second), nil)
		},
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "ES384"},
			codeSessionDurationEscalation, msgSessionDurationEscalation},
		{"payload too large", nil, func(e *wtEnv) *auth.Principal { return e.user },
			stsapi.GetWebIdentityTokenRequest{Audience: one, SigningAlgorithm: "RS256", Tags: manyTags},
			codeJWTPayloadSizeExceeded, msgJWTPayloadSizeExceeded},
	}
	keys := newWTKeys(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newWTEnvWith(t, keys)
			if c.setup != nil {
				c.setup(e)
			}
			_, err := e.call(c.who(e), &c.in)
			ae, ok := apierr.As(err)
			if !ok || ae.Code != c.code || !strings.HasPrefix(ae.Message, c.msg) {
				t.Fatalf("err %v, want %s: %s", err, c.code, c.msg)
			}
		})
	}
}

// The edges: a token ending exactly when the session does is allowed; the
// payload limit is on the JSON payload, so the request that fills it is
// allowed and one byte more is not.
func TestGetWebIdentityTokenLimits(t *testing.T) {
	e := newWTEnv(t)
	p := roleSession("edge", e.now.Add(10*time.Minute), nil)
	e.store.inline["app"] = allow(`"sts:GetWebIdentityToken"`, "")
	if _, err := e.call(p, &stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "RS256", DurationSeconds: ptr(int32(600))}); err != nil {
		t.Fatalf("token ending with the session: %v", err)
	}

	in := &stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "ES384", Tags: []stsapi.Tag{{Key: "pad", Value: ""}}}
	out, err := e.call(e.user, in)
	if err != nil {
		t.Fatal(err)
	}
	_, claims := e.verify(t, out.WebIdentityToken, "ES384")
	b, _ := json.Marshal(claims)
	room := maxTokenPayload - len(b)
	// Fill the room with audiences of at most 1,000 characters; each
	// added audience costs its length plus 3 (quotes and comma), and the
	// first turns "x" into ["x",...] (2 more).
	room -= 2
	for room > 0 {
		n := min(room-3, 1000)
		in.Audience = append(in.Audience, strings.Repeat("a", n))
		room -= n + 3
	}
	if _, err := e.call(e.user, in); err != nil {
		t.Fatalf("payload of exactly %d bytes: %v", maxTokenPayload, err)
	}
	in.Audience[len(in.Audience)-1] += "a"
	_, err = e.call(e.user, in)
	if ae, ok := apierr.As(err); !ok || ae.Code != codeJWTPayloadSizeExceeded {
		t.Fatalf("one byte over: %v", err)
	}
}

// A deployment without a public URL cannot name its issuer: that is an
// internal failure, not a refusal of the caller.
func TestGetWebIdentityTokenNeedsPublicURL(t *testing.T) {
	e := newWTEnv(t)
	e.svc.publicURL = ""
	_, err := e.call(e.user, &stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "RS256"})
	if _, ok := apierr.As(err); ok || err == nil {
		t.Fatalf("err %v, want an internal error", err)
	}
}

// A store failure is not reported as the feature being disabled.
func TestGetWebIdentityTokenStoreFailure(t *testing.T) {
	e := newWTEnv(t)
	_, err := e.svc.GetWebIdentityToken(context.Background(), &rpc.Call{Principal: e.root, Time: e.now}, &stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "RS256"})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.store = failingFed{e.store}
	_, err = e.svc.GetWebIdentityToken(context.Background(), &rpc.Call{Principal: e.root, Time: e.now}, &stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: "RS256"})
	if _, ok := apierr.As(err); ok || err == nil {
		t.Fatalf("err %v, want the store's", err)
	}
}

type failingFed struct{ *wtStore }

func (failingFed) GetOutboundFederation(context.Context, string) (store.OutboundFederation, error) {
	return store.OutboundFederation{}, errors.New("store down")
}

// Which callers may call GetWebIdentityToken (sessionrules.go).
func TestGetWebIdentityTokenSessionRules(t *testing.T) {
	fedUser := &auth.Principal{Type: auth.FederatedUser, ARN: "arn:aws:sts::123456789012:federated-user/Bob",
		Session: &session.Claims{PrincipalType: session.FederatedUser}}
	e := newWTEnv(t)
	cases := []struct {
		name string
		p    *auth.Principal
		ok   bool
	}{
		{"IAM user", e.user, true},
		{"root", e.root, true},
		{"GetSessionToken session of a user", e.userSession, false},
		{"GetSessionToken session of the root", e.rootSession, false},
		{"role session", e.role, true},
		{"web identity role session", e.fedRole, true},
		{"GetFederationToken session", fedUser, false},
	}
	for _, c := range cases {
		err := sessionMayCall(c.p, "GetWebIdentityToken")
		if c.ok != (err == nil) {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.ok {
			if ae, ok := apierr.As(err); !ok || ae.Code != apierr.AccessDenied || ae.Message != "User: "+c.p.ARN+" is not authorized to perform: sts:GetWebIdentityToken" {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}

func TestOwnIssuer(t *testing.T) {
	e := newWTEnv(t)
	cases := []struct {
		iss  string
		want bool
	}{
		{wtIssuer, true},
		{"HTTPS://STSD.EXAMPLE/outbound/" + strings.ToUpper(wtIssuerID), true},
		{wtPublic + "/outbound/anything", true},
		{wtPublic + "/outbound", false},
		{wtPublic + "/other/" + wtIssuerID, false},
		// Under another base (an earlier --public-url, another node's):
		// stsd's when the id is one of its issuers.
		{"https://old-name.example/outbound/" + wtIssuerID, true},
		{"https://old-name.example/outbound/" + wtIssuerID + "/", true},
		{"https://idp.example/outbound/1b6e3c1a-7f52-4d8e-9a3b-5c2d1e0f4a6b", false},
		{"https://idp.example/outbound/not-an-id", false},
		{"", false},
	}
	for _, c := range cases {
		got, err := e.svc.ownIssuer(context.Background(), c.iss)
		if err != nil || got != c.want {
			t.Errorf("ownIssuer(%q) = %v, %v", c.iss, got, err)
		}
	}
	e.svc.publicURL = ""
	if got, _ := e.svc.ownIssuer(context.Background(), "https://stsd.example/outbound/"+wtIssuerID); !got {
		t.Error("without a public URL, stsd's issuers are still known by id")
	}
	if got, _ := e.svc.ownIssuer(context.Background(), "https://stsd.example/outbound/anything"); got {
		t.Error("without a public URL, only known issuer ids are stsd's")
	}
}

// AssumeRoleWithWebIdentity refuses stsd's own tokens before looking for a
// provider, so registering one for the issuer does not open the door.
func TestAssumeRoleWithWebIdentityRefusesOwnTokens(t *testing.T) {
	e := newWTEnv(t)
	out, err := e.call(e.user, &stsapi.GetWebIdentityTokenRequest{Audience: []string{"sts.amazonaws.com"}, SigningAlgorithm: "RS256"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AssumeRoleWithWebIdentity(context.Background(), &rpc.Call{Time: e.now}, &stsapi.AssumeRoleWithWebIdentityRequest{
		RoleArn: "arn:aws:iam::123456789012:role/svc/app", RoleSessionName: "s", WebIdentityToken: out.WebIdentityToken,
	})
	ae, ok := apierr.As(err)
	if !ok || ae.Code != "InvalidIdentityToken" || ae.Message != "Tokens issued by GetWebIdentityToken (issuer "+wtIssuer+") cannot be used for OpenID Connect federation with AssumeRoleWithWebIdentity." {
		t.Fatalf("err %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// decodeSegment is base64url without padding, as JWS uses.
func decodeSegment(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The header's members: alg, kid of the key that signed, typ JWT, and
// nothing that would let a verifier fetch keys from elsewhere.
func TestGetWebIdentityTokenHeader(t *testing.T) {
	e := newWTEnv(t)
	for _, alg := range []string{"RS256", "ES384"} {
		out, err := e.call(e.root, &stsapi.GetWebIdentityTokenRequest{Audience: []string{"x"}, SigningAlgorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(out.WebIdentityToken, ".")
		if len(parts) != 3 {
			t.Fatalf("%d segments", len(parts))
		}
		var h map[string]any
		if err := json.Unmarshal(decodeSegment(t, parts[0]), &h); err != nil {
			t.Fatal(err)
		}
		iss, _ := e.svc.issuers.Get(wtIssuer, wtIssuerID, e.store.fed.RSAKey, e.store.fed.ECKey)
		want := map[string]any{"alg": alg, "kid": iss.KeyID(alg), "typ": "JWT"}
		if !reflect.DeepEqual(h, want) {
			t.Errorf("%s header %v, want %v", alg, h, want)
		}
		if alg == "ES384" && len(decodeSegment(t, parts[2])) != 96 {
			t.Errorf("ES384 signature is not 96 bytes of r||s")
		}
	}
}
