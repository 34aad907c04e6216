package stsdauth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// clock is a settable clock: tests move time instead of sleeping.
type clock struct{ unixNano atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.unixNano.Store(t.UnixNano())
	return c
}

func (c *clock) Now() time.Time      { return time.Unix(0, c.unixNano.Load()).UTC() }
func (c *clock) Add(d time.Duration) { c.unixNano.Add(int64(d)) }

// signer signs test requests for execute-api as a client of the service.
type signer struct {
	akid, secret, token string
	region              string
	at                  time.Time
}

var (
	alice   = signer{akid: userKeyID, secret: userSecret, region: "us-east-1"}
	session = signer{akid: sessKeyID, secret: sessSecret, token: sessToken, region: "us-east-1"}
)

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// request builds a request to base+path signed by s; mutate runs before
// signing, so what it sets is signed.
func (s signer) request(t testing.TB, method, url string, body []byte, mutate func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if mutate != nil {
		mutate(req)
	}
	at := s.at
	if at.IsZero() {
		at = time.Now()
	}
	payload := req.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = hexSHA(body)
	}
	creds := aws.Credentials{AccessKeyID: s.akid, SecretAccessKey: s.secret, SessionToken: s.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payload, "execute-api", s.region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

// result is a protected service's answer.
type result struct {
	status int
	body   string
	ref    refusal
}

func do(t testing.TB, c *http.Client, req *http.Request) result {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, body: string(raw)}
	if resp.StatusCode != 200 {
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("refusal Content-Type %q, body %s", ct, raw)
		}
		if err := json.Unmarshal(raw, &res.ref); err != nil {
			t.Fatalf("refusal %s: %v", raw, err)
		}
	}
	return res
}

func (r result) want(t testing.TB, status int, code string) {
	t.Helper()
	if r.status != status || r.ref.Code != code {
		t.Fatalf("got %d %s (%s), want %d %s", r.status, r.ref.Code, r.body, status, code)
	}
}

// protected is a service behind the middleware: its handler answers the
// principal's ARN, then what it read of the body, or the read error.
type protected struct {
	fake  *fakeSTSD
	auth  *Auth
	srv   *httptest.Server
	clock *clock
}

func protect(t testing.TB, mutate func(*Config)) *protected {
	t.Helper()
	p := &protected{fake: newFake(t), clock: newClock(time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC))}
	cfg := Config{Client: p.fake.client(t), APIID: "api1", Stage: "prod", Now: p.clock.Now}
	if mutate != nil {
		mutate(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.auth = a
	p.srv = httptest.NewServer(a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pr, ok := PrincipalFrom(r.Context())
		if !ok {
			t.Error("no principal in the context")
			return
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			fmt.Fprintf(w, "%s read error: %v", pr.ARN, err)
			return
		}
		fmt.Fprintf(w, "%s %s", pr.ARN, b)
	})))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *protected) do(t testing.TB, req *http.Request) result {
	t.Helper()
	return do(t, p.srv.Client(), req)
}

func TestAllowForwardsTheRequest(t *testing.T) {
	p := protect(t, nil)
	req := session.request(t, "GET", p.srv.URL+"/hello/x?a=1&b=two", nil, func(r *http.Request) {
		r.Header.Set("X-Custom", "kept")
	})
	req.Header.Set("X-Unsigned", "kept too")
	res := p.do(t, req)
	if res.status != 200 || res.body != "arn:aws:sts::111122223333:assumed-role/reader/s1 " {
		t.Fatalf("got %d %q", res.status, res.body)
	}
	// First sight of the key: verify (for the account), then authorize.
	if v, a := p.fake.callsTo("/v1/verify"), p.fake.callsTo("/v1/authorize"); v != 1 || a != 1 {
		t.Fatalf("verify %d, authorize %d calls; want 1 and 1", v, a)
	}
	c := p.fake.lastCall()
	if c.service != "stsd" {
		t.Fatalf("call signed for %q, want stsd", c.service)
	}
	b := c.body
	if b.Method != "GET" || b.URL != "/hello/x?a=1&b=two" || b.BodySHA256 != nil || b.Body != nil {
		t.Fatalf("forwarded %s %s body_sha256 %v body %q", b.Method, b.URL, b.BodySHA256, b.Body)
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Custom", "X-Unsigned", "Host"} {
		if b.Headers.Get(h) == "" {
			t.Errorf("header %s not forwarded: %v", h, b.Headers)
		}
	}
	if b.Action != "execute-api:Invoke" || b.Resource != "arn:aws:execute-api:us-east-1:111122223333:api1/prod/GET/hello/x" {
		t.Fatalf("asked %s on %s", b.Action, b.Resource)
	}
	if got := b.Context["aws:SourceIp"]; len(got) != 1 || got[0] != "127.0.0.1" {
		t.Fatalf("aws:SourceIp = %v", got)
	}
	if got := b.Context["aws:SecureTransport"]; len(got) != 1 || got[0] != "false" {
		t.Fatalf("aws:SecureTransport = %v", got)
	}
}

func TestPrincipalInContext(t *testing.T) {
	p := protect(t, nil)
	var got *Principal
	srv := httptest.NewServer(p.auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = PrincipalFrom(r.Context())
	})))
	defer srv.Close()
	p.do(t, session.request(t, "GET", srv.URL+"/a", nil, nil)).want(t, 200, "")
	if got == nil || got.Account != testAccount || got.Type != "assumed-role" || got.AccessKeyID != sessKeyID ||
		got.Region != "us-east-1" || got.Service != "execute-api" || got.Session == nil || got.Session.RoleARN == "" {
		t.Fatalf("principal %+v", got)
	}
	if _, ok := PrincipalFrom(context.Background()); ok {
		t.Fatal("PrincipalFrom found a principal in an empty context")
	}
}

func TestPayload(t *testing.T) {
	body := []byte(`{"note":"hello"}`)
	tests := []struct {
		name     string
		mutate   func(*Config)
		header   string // x-amz-content-sha256 the client signs
		send     []byte // the body actually sent (nil: body)
		status   int
		code     string
		wantBody string
		forward  string // body_sha256 the middleware must send stsd
	}{
		{name: "hashed by the middleware", status: 200, wantBody: string(body), forward: hexSHA(body)},
		{name: "signed header", header: hexSHA(body), status: 200, wantBody: string(body)},
		{name: "signed header, other body", header: hexSHA(body), send: []byte(`{"note":"HELLO"}`), status: 200,
			wantBody: "read error: " + ErrPayloadHashMismatch.Error()},
		{name: "unsigned payload", header: "UNSIGNED-PAYLOAD", status: 401, code: "UnsignedPayload"},
		{name: "unsigned payload allowed", header: "UNSIGNED-PAYLOAD", mutate: func(c *Config) { c.AllowUnsignedPayload = true },
			status: 200, wantBody: string(body)},
		{name: "streaming payload", header: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", mutate: func(c *Config) { c.AllowUnsignedPayload = true },
			status: 401, code: "UnsignedPayload"},
		{name: "too large", mutate: func(c *Config) { c.MaxBodyBytes = 8 }, status: 413, code: "RequestEntityTooLarge"},
		{name: "at the limit", mutate: func(c *Config) { c.MaxBodyBytes = int64(len(body)) }, status: 200, wantBody: string(body), forward: hexSHA(body)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := protect(t, tc.mutate)
			req := alice.request(t, "POST", p.srv.URL+"/notes", body, func(r *http.Request) {
				if tc.header != "" {
					r.Header.Set("X-Amz-Content-Sha256", tc.header)
				}
			})
			if tc.send != nil {
				req.Body = io.NopCloser(bytes.NewReader(tc.send))
			}
			res := p.do(t, req)
			res.want(t, tc.status, tc.code)
			if tc.status != 200 {
				if n := p.fake.callsTo("/v1/verify") + p.fake.callsTo("/v1/authorize"); n != 0 {
					t.Fatalf("%d calls to stsd for a request refused before", n)
				}
				return
			}
			if want := "arn:aws:iam::111122223333:user/alice " + tc.wantBody; res.body != want {
				t.Fatalf("handler answered %q, want %q", res.body, want)
			}
			b := p.fake.lastCall().body
			got := ""
			if b.BodySHA256 != nil {
				got = *b.BodySHA256
			}
			if got != tc.forward || b.Body != nil {
				t.Fatalf("forwarded body_sha256 %q body %q, want %q", got, b.Body, tc.forward)
			}
		})
	}
}

func TestSignatureRefusals(t *testing.T) {
	p := protect(t, nil)
	wrong := alice
	wrong.secret = "not-alices-secret0000000000000000000000"
	unknown := alice
	unknown.akid = "AKIAUNKNOWNKEY000001"
	noToken := session
	noToken.token = ""
	unsigned, _ := http.NewRequest("GET", p.srv.URL+"/hello", nil)
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"wrong secret", wrong.request(t, "GET", p.srv.URL+"/hello", nil, nil), 403, "SignatureDoesNotMatch"},
		{"unknown key", unknown.request(t, "GET", p.srv.URL+"/hello", nil, nil), 403, "InvalidClientTokenId"},
		{"session key without token", noToken.request(t, "GET", p.srv.URL+"/hello", nil, nil), 403, "InvalidClientTokenId"},
		{"unsigned", unsigned, 403, "MissingAuthenticationToken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.do(t, tc.req).want(t, tc.status, tc.code)
		})
	}
}

func TestDeny(t *testing.T) {
	for _, decision := range []string{ImplicitDeny, ExplicitDeny} {
		t.Run(decision, func(t *testing.T) {
			p := protect(t, nil)
			p.fake.with(func() { p.fake.decide = func(b fakeBody) string { return decision } })
			res := p.do(t, alice.request(t, "POST", p.srv.URL+"/notes", []byte("x"), nil))
			res.want(t, 403, "AccessDenied")
			resource := "arn:aws:execute-api:us-east-1:111122223333:api1/prod/POST/notes"
			msg := "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: execute-api:Invoke on resource: " + resource
			if decision == ExplicitDeny {
				msg += " with an explicit deny"
			}
			if res.ref.Message != msg || res.ref.EncodedMessage != "encoded:"+decision+":"+resource {
				t.Fatalf("refusal %+v", res.ref)
			}
			// Denials are not cached: the same request asks again.
			before := p.fake.callsTo("/v1/authorize")
			p.do(t, alice.request(t, "POST", p.srv.URL+"/notes", []byte("x"), nil)).want(t, 403, "AccessDenied")
			if p.fake.callsTo("/v1/authorize") != before+1 {
				t.Fatal("a denial was cached")
			}
		})
	}
}

func TestFailClosed(t *testing.T) {
	t.Run("5xx", func(t *testing.T) {
		p := protect(t, nil)
		p.fake.with(func() { p.fake.status = 500 })
		p.do(t, alice.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 503, "ServiceUnavailable")
		// Failures are not cached: once stsd answers, so does the service.
		p.fake.with(func() { p.fake.status = 0 })
		p.do(t, alice.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 200, "")
	})
	t.Run("unreachable", func(t *testing.T) {
		p := protect(t, nil)
		p.fake.srv.Close()
		p.do(t, alice.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 503, "ServiceUnavailable")
	})
	t.Run("timeout", func(t *testing.T) {
		p := protect(t, func(c *Config) { c.Timeout = 20 * time.Millisecond })
		p.fake.with(func() { p.fake.block = true })
		p.do(t, alice.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 503, "ServiceUnavailable")
	})
	t.Run("not the API", func(t *testing.T) {
		p := protect(t, nil)
		c, err := NewClient(ClientConfig{Endpoint: p.fake.srv.URL + "/elsewhere", Credentials: aws.AnonymousCredentials{}})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := New(Config{Client: c, APIID: "a", Stage: "s"})
		srv := httptest.NewServer(a.Middleware(http.NotFoundHandler()))
		defer srv.Close()
		do(t, srv.Client(), alice.request(t, "GET", srv.URL+"/hello", nil, nil)).want(t, 503, "ServiceUnavailable")
	})
	t.Run("own credentials refused", func(t *testing.T) {
		p := protect(t, nil)
		c, err := NewClient(ClientConfig{Endpoint: p.fake.srv.URL, Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: rpKeyID, SecretAccessKey: "wrong"}, nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := New(Config{Client: c, APIID: "a", Stage: "s"})
		srv := httptest.NewServer(a.Middleware(http.NotFoundHandler()))
		defer srv.Close()
		res := do(t, srv.Client(), alice.request(t, "GET", srv.URL+"/hello", nil, nil))
		res.want(t, 500, "InternalFailure")
		if strings.Contains(res.body, "SignatureDoesNotMatch") {
			t.Fatalf("the relying party's own refusal reached the client: %s", res.body)
		}
	})
}

func TestCache(t *testing.T) {
	p := protect(t, nil)
	calls := func() int { return p.fake.callsTo("/v1/verify") + p.fake.callsTo("/v1/authorize") }
	at := time.Now()
	s := alice
	s.at = at
	get := func(path string) *http.Request { return s.request(t, "GET", p.srv.URL+path, nil, nil) }

	p.do(t, get("/hello")).want(t, 200, "")
	if calls() != 2 {
		t.Fatalf("%d calls for the first request", calls())
	}
	// The same signed request again: answered from the cache.
	p.do(t, get("/hello")).want(t, 200, "")
	if calls() != 2 {
		t.Fatalf("%d calls after a replay; want none more", calls())
	}
	// Another signature of the same key: one authorize call, no verify.
	s.at = at.Add(time.Second)
	p.do(t, get("/hello")).want(t, 200, "")
	if v, a := p.fake.callsTo("/v1/verify"), p.fake.callsTo("/v1/authorize"); v != 1 || a != 2 {
		t.Fatalf("verify %d authorize %d, want 1 and 2", v, a)
	}
	// A seen signature on other content is not a cache hit: stsd refuses it.
	s.at = at
	moved := get("/hello")
	moved.URL.Path = "/admin"
	p.do(t, moved).want(t, 403, "SignatureDoesNotMatch")
	tampered := get("/hello")
	tampered.Header.Set("X-Amz-Date", at.Add(time.Minute).UTC().Format("20060102T150405Z"))
	p.do(t, tampered).want(t, 403, "SignatureDoesNotMatch")
	// Past the TTL the same request asks again.
	n := calls()
	p.clock.Add(DefaultCacheTTL)
	p.do(t, get("/hello")).want(t, 200, "")
	if calls() != n+2 {
		t.Fatalf("%d calls after the TTL, want %d", calls(), n+2)
	}
}

func TestCacheKeyCoversContext(t *testing.T) {
	p := protect(t, func(c *Config) {
		c.Context = func(r *http.Request) map[string][]string {
			return map[string][]string{"aws:SourceIp": {r.Header.Get("X-Forwarded-For")}}
		}
	})
	req := func(ip string) *http.Request {
		s := alice
		s.at = time.Unix(1_800_000_000, 0)
		r := s.request(t, "GET", p.srv.URL+"/hello", nil, nil)
		r.Header.Set("X-Forwarded-For", ip) // unsigned, as a proxy adds it
		return r
	}
	p.do(t, req("10.0.0.1")).want(t, 200, "")
	p.do(t, req("10.0.0.2")).want(t, 200, "")
	if a := p.fake.callsTo("/v1/authorize"); a != 2 {
		t.Fatalf("%d authorize calls for two source IPs, want 2", a)
	}
	if got := p.fake.lastCall().body.Context["aws:SourceIp"]; len(got) != 1 || got[0] != "10.0.0.2" {
		t.Fatalf("Config.Context did not replace aws:SourceIp: %v", got)
	}
}

func TestCacheNeverOutlivesSession(t *testing.T) {
	p := protect(t, nil)
	exp := p.clock.Now().Add(10 * time.Second)
	p.fake.with(func() {
		k := p.fake.keys[sessKeyID]
		k.identity.Session = &wireSession{Expiration: exp}
		p.fake.keys[sessKeyID] = k
	})
	s := session
	s.at = time.Now()
	p.do(t, s.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 200, "")
	p.clock.Add(9 * time.Second)
	p.do(t, s.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 200, "")
	if v, a := p.fake.callsTo("/v1/verify"), p.fake.callsTo("/v1/authorize"); v != 1 || a != 1 {
		t.Fatalf("before expiry: verify %d authorize %d, want 1 and 1", v, a)
	}
	p.clock.Add(time.Second)
	p.do(t, s.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 200, "")
	if v, a := p.fake.callsTo("/v1/verify"), p.fake.callsTo("/v1/authorize"); v != 2 || a != 2 {
		t.Fatalf("at expiry: verify %d authorize %d, want 2 and 2", v, a)
	}
}

func TestCacheSizeBound(t *testing.T) {
	p := protect(t, func(c *Config) { c.CacheSize = 2 })
	at := time.Now()
	req := func(path string) *http.Request {
		s := alice
		s.at = at
		return s.request(t, "GET", p.srv.URL+path, nil, nil)
	}
	for _, path := range []string{"/a", "/b", "/c"} {
		p.do(t, req(path)).want(t, 200, "")
	}
	if got := p.auth.decisions.Len(); got != 2 {
		t.Fatalf("cache holds %d decisions, bound 2", got)
	}
	n := p.fake.callsTo("/v1/authorize")
	p.do(t, req("/c")).want(t, 200, "")
	if p.fake.callsTo("/v1/authorize") != n {
		t.Fatal("the most recent decision was evicted")
	}
	p.do(t, req("/a")).want(t, 200, "")
	if p.fake.callsTo("/v1/authorize") != n+1 {
		t.Fatal("the least recently used decision was not evicted")
	}
}

func TestCacheDisabled(t *testing.T) {
	p := protect(t, func(c *Config) { c.CacheTTL = -1 })
	s := alice
	s.at = time.Now()
	for range 2 {
		p.do(t, s.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 200, "")
	}
	if v, a := p.fake.callsTo("/v1/verify"), p.fake.callsTo("/v1/authorize"); v != 2 || a != 2 {
		t.Fatalf("verify %d authorize %d, want 2 and 2", v, a)
	}
}

func TestRememberedKeyOfAnotherPrincipal(t *testing.T) {
	p := protect(t, nil)
	s := alice
	s.at = time.Now()
	p.do(t, s.request(t, "GET", p.srv.URL+"/hello", nil, nil)).want(t, 200, "")
	// The key now names another principal (in practice never: stsd does
	// not reuse key ids): the remembered principal is dropped and the
	// request decided for the new one.
	p.fake.with(func() {
		k := p.fake.keys[userKeyID]
		k.identity.Principal = &wirePrincipal{ARN: "arn:aws:iam::444455556666:user/bob", Account: "444455556666", Type: "user"}
		p.fake.keys[userKeyID] = k
	})
	s.at = s.at.Add(time.Second)
	res := p.do(t, s.request(t, "GET", p.srv.URL+"/hello", nil, nil))
	if res.status != 200 || !strings.HasPrefix(res.body, "arn:aws:iam::444455556666:user/bob") {
		t.Fatalf("got %d %q", res.status, res.body)
	}
	if r := p.fake.lastCall().body.Resource; r != "arn:aws:execute-api:us-east-1:444455556666:api1/prod/GET/hello" {
		t.Fatalf("resource %s", r)
	}
}

func TestVerifyMode(t *testing.T) {
	p := protect(t, func(c *Config) { c.Mode = ModeVerify; c.APIID, c.Stage = "", "" })
	s := session
	s.at = time.Now()
	for range 2 {
		p.do(t, s.request(t, "POST", p.srv.URL+"/notes", []byte("n"), nil)).want(t, 200, "")
	}
	if v, a := p.fake.callsTo("/v1/verify"), p.fake.callsTo("/v1/authorize"); v != 1 || a != 0 {
		t.Fatalf("verify %d authorize %d, want 1 and 0", v, a)
	}
	if b := p.fake.lastCall().body; b.Action != "" || b.Context != nil || b.BodySHA256 == nil || *b.BodySHA256 != hexSHA([]byte("n")) {
		t.Fatalf("verify call %+v", b)
	}
}

func TestPresignedURL(t *testing.T) {
	p := protect(t, func(c *Config) { c.Mode = ModeVerify })
	presign := func(at time.Time) *http.Request {
		req, _ := http.NewRequest("GET", p.srv.URL+"/hello", nil)
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: userKeyID, SecretAccessKey: userSecret},
			req, emptySHA256, "execute-api", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := http.NewRequest("GET", u, nil)
		return r
	}
	at := time.Now()
	sp, ok := readSignature(httptest.NewRequest("GET", strings.TrimPrefix(presign(at).URL.String(), p.srv.URL), nil))
	if !ok || sp.accessKeyID != userKeyID || sp.region != "us-east-1" || sp.service != "execute-api" || sp.signedHeaders != "host" {
		t.Fatalf("presigned signature read as %+v %v", sp, ok)
	}
	// The fake verifies header signatures only; a presigned URL is
	// refused by it, which is enough to see the refusal is not cached
	// and each signature is its own key.
	p.do(t, presign(at)).want(t, 403, "MissingAuthenticationToken")
	p.do(t, presign(at)).want(t, 403, "MissingAuthenticationToken")
	if v := p.fake.callsTo("/v1/verify"); v != 2 {
		t.Fatalf("%d verify calls", v)
	}
	if u := p.fake.lastCall().body.URL; !strings.Contains(u, "X-Amz-Signature=") {
		t.Fatalf("presigned query not forwarded: %s", u)
	}
}

func TestTargetFunc(t *testing.T) {
	p := protect(t, func(c *Config) {
		c.APIID, c.Stage = "", ""
		c.Target = func(r *http.Request, caller *Principal) (Target, error) {
			if r.URL.Path == "/broken" {
				return Target{}, errors.New("no target")
			}
			if r.URL.Path == "/refused" {
				return Target{}, &Error{StatusCode: 404, Code: "NotFound", Message: "no such thing"}
			}
			return Target{Action: "notes:Read", Resource: "arn:aws:notes:" + caller.Region + ":" + caller.Account + ":note" + r.URL.Path,
				Context: map[string][]string{"notes:Tag": {"x"}}, ResourcePolicy: `{"Version":"2012-10-17","Statement":[]}`}, nil
		}
	})
	p.do(t, alice.request(t, "GET", p.srv.URL+"/n1", nil, nil)).want(t, 200, "")
	b := p.fake.lastCall().body
	if b.Action != "notes:Read" || b.Resource != "arn:aws:notes:us-east-1:111122223333:note/n1" || b.Context["notes:Tag"][0] != "x" ||
		b.Context["aws:SecureTransport"] == nil || b.ResourcePolicy == "" {
		t.Fatalf("asked %+v", b)
	}
	p.do(t, alice.request(t, "GET", p.srv.URL+"/broken", nil, nil)).want(t, 500, "InternalFailure")
	p.do(t, alice.request(t, "GET", p.srv.URL+"/refused", nil, nil)).want(t, 404, "NotFound")
}

func TestConfigErrors(t *testing.T) {
	f := newFake(t)
	for _, cfg := range []Config{
		{},
		{Client: f.client(t)},
		{Client: f.client(t), APIID: "a"},
		{Client: f.client(t), Mode: Mode(7)},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
	if _, err := NewClient(ClientConfig{Credentials: aws.AnonymousCredentials{}}); err == nil {
		t.Error("NewClient without endpoint succeeded")
	}
	if _, err := NewClient(ClientConfig{Endpoint: "http://x"}); err == nil {
		t.Error("NewClient without credentials succeeded")
	}
}

func TestClientAuthorizeWhatIf(t *testing.T) {
	f := newFake(t)
	// The fake needs a signed request; a principal_arn question reaches
	// it with the field set and no request fields.
	_, err := f.client(t).Authorize(context.Background(), &AuthorizeInput{PrincipalARN: "arn:aws:iam::111122223333:user/alice", Target: Target{Action: "s3:GetObject", Resource: "*"}})
	var e *Error
	if !errors.As(err, &e) || e.Code != "MissingAuthenticationToken" {
		t.Fatalf("err %v", err)
	}
	b := f.lastCall().body
	if b.PrincipalARN != "arn:aws:iam::111122223333:user/alice" || b.Method != "" || b.Headers != nil || b.Action != "s3:GetObject" {
		t.Fatalf("what-if call %+v", b)
	}
}

func TestParseAuthorization(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", true},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request,SignedHeaders=host,Signature=abc", true},
		{"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host", false},
		{"AWS4-ECDSA-P256-SHA256 Credential=AKID/20260101/execute-api/aws4_request, SignedHeaders=host, Signature=abc", false},
		{"Basic dXNlcjpwYXNz", false},
		{"AWS4-HMAC-SHA256 garbage", false},
	} {
		cred, _, _, ok := parseAuthorization(tc.in)
		if ok && tc.ok {
			_, _, _, ok = parseScope(cred)
		}
		if ok != tc.ok {
			t.Errorf("%q: ok %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

func FuzzReadSignature(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc", "")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=abc")
	f.Fuzz(func(t *testing.T, authorization, query string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.RawQuery = query
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
		}
		sp, ok := readSignature(r)
		if !ok {
			return
		}
		if sp.sig == "" || sp.signedHeaders == "" || sp.accessKeyID == "" || sp.region == "" || sp.service == "" ||
			strings.Contains(sp.accessKeyID+sp.region+sp.service, "/") {
			t.Fatalf("accepted %+v", sp)
		}
	})
}

// BenchmarkCachedRequest measures a request answered from the cache: the
// middleware's own cost in front of a handler.
func BenchmarkCachedRequest(b *testing.B) {
	p := protect(b, nil)
	s := alice
	s.at = time.Now()
	req := s.request(b, "GET", p.srv.URL+"/hello", nil, nil)
	req.RemoteAddr = "127.0.0.1:4000"
	req.RequestURI = "/hello"
	h := p.auth.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatalf("first request: %d %s", w.Code, w.Body)
	}
	calls := p.fake.callsTo("/v1/authorize")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
	b.StopTimer()
	if p.fake.callsTo("/v1/authorize") != calls {
		b.Fatal("the benchmark left the cache")
	}
}
