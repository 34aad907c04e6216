package stsdauth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The fake stsd's keys: the relying party's (the middleware's) and two
// clients', one long-term and one temporary.
const (
	rpKeyID     = "AKIARELYINGPARTY0001"
	rpSecret    = "relyingPartySecret0000000000000000000000"
	userKeyID   = "AKIAALICEEXAMPLE0001"
	userSecret  = "aliceSecret00000000000000000000000000000"
	sessKeyID   = "ASIASESSIONEXAMPLE01"
	sessSecret  = "sessionSecret000000000000000000000000000"
	sessToken   = "session-token-example"
	testAccount = "111122223333"
)

// fakeKey is one client key the fake stsd verifies.
type fakeKey struct {
	secret, token string
	identity      wireIdentity
}

// fakeCall is one call the middleware made, as the fake decoded it.
type fakeCall struct {
	path    string
	service string // the call's signing service
	body    fakeBody
}

// fakeBody is every field of the contract's request JSON; the fake
// decodes strictly, so a field the contract does not name fails the call.
type fakeBody struct {
	Method          string              `json:"method"`
	URL             string              `json:"url"`
	Headers         http.Header         `json:"headers"`
	Body            []byte              `json:"body"`
	BodySHA256      *string             `json:"body_sha256"`
	PrincipalARN    string              `json:"principal_arn"`
	Action          string              `json:"action"`
	Resource        string              `json:"resource"`
	Context         map[string][]string `json:"context"`
	ResourcePolicy  string              `json:"resource_policy"`
	ResourceAccount string              `json:"resource_account"`
}

// fakeSTSD implements the relying-party contract of
// /work/wt/prompts/rp-contract.md over real SigV4 checks: it re-signs
// each request with the v4 signer and compares signatures.
type fakeSTSD struct {
	t   testing.TB
	srv *httptest.Server

	mu    sync.Mutex
	keys  map[string]fakeKey
	calls []fakeCall
	// decide answers an authorize question; nil allows everything.
	decide func(b fakeBody) string
	// status, when set, is answered to every call (e.g. 500).
	status int
	// block, when set, holds every call until the call's context ends
	// or the test ends (released closes).
	block    bool
	released chan struct{}
}

func newFake(t testing.TB) *fakeSTSD {
	f := &fakeSTSD{t: t, keys: map[string]fakeKey{
		userKeyID: {secret: userSecret, identity: wireIdentity{
			Principal:   &wirePrincipal{ARN: "arn:aws:iam::" + testAccount + ":user/alice", Account: testAccount, UserID: "AIDAALICE", Type: "user"},
			AccessKeyID: userKeyID,
		}},
		sessKeyID: {secret: sessSecret, token: sessToken, identity: wireIdentity{
			Principal:   &wirePrincipal{ARN: "arn:aws:sts::" + testAccount + ":assumed-role/reader/s1", Account: testAccount, UserID: "AROAREADER:s1", Type: "assumed-role"},
			AccessKeyID: sessKeyID,
			Session:     &wireSession{Expiration: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), RoleARN: "arn:aws:iam::" + testAccount + ":role/reader"},
		}},
	}, released: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(f.released) })
	return f
}

// with changes the fake's behaviour under its lock.
func (f *fakeSTSD) with(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

func (f *fakeSTSD) callsTo(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.path == path {
			n++
		}
	}
	return n
}

func (f *fakeSTSD) lastCall() fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		f.t.Fatal("no call reached the fake stsd")
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeSTSD) answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeSTSD) refuse(w http.ResponseWriter, status int, code, about string) {
	f.answer(w, status, wireError{Code: code, Message: code + " (fake)", About: about})
}

func (f *fakeSTSD) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	status, block, decide := f.status, f.block, f.decide
	f.mu.Unlock()
	if block {
		// Reading the body lets net/http notice the caller hang up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-f.released:
		}
		return
	}
	if status != 0 {
		f.refuse(w, status, "InternalFailure", "caller")
		return
	}
	if r.URL.Path != "/v1/verify" && r.URL.Path != "/v1/authorize" {
		http.NotFound(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	sum := sha256.Sum256(raw)
	// The middleware's own call: signed for service stsd with its key.
	cred, signed, sig, ok := parseAuthorization(r.Header.Get("Authorization"))
	akid, region, service, ok2 := parseScope(cred)
	if !ok || !ok2 {
		f.refuse(w, 400, "MissingAuthenticationToken", "caller")
		return
	}
	if akid != rpKeyID {
		f.refuse(w, 403, "InvalidClientTokenId", "caller")
		return
	}
	h := r.Header.Clone()
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	if resign(r.Method, r.URL.RequestURI(), r.Host, h, signed, hex.EncodeToString(sum[:]), rpKeyID, rpSecret, "", region, service) != sig {
		f.refuse(w, 403, "SignatureDoesNotMatch", "caller")
		return
	}
	var b fakeBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		f.refuse(w, 400, "InvalidRequest", "caller")
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{path: r.URL.Path, service: service, body: b})
	f.mu.Unlock()

	id, code, st := f.verify(b)
	if code != "" {
		f.refuse(w, st, code, "request")
		return
	}
	if r.URL.Path == "/v1/verify" {
		f.answer(w, 200, id)
		return
	}
	d := Allow
	if decide != nil {
		d = decide(b)
	}
	ans := map[string]any{"principal": id.Principal, "decision": d, "matched_statements": []Statement{}}
	if d != Allow {
		ans["encoded_message"] = "encoded:" + d + ":" + b.Resource
	}
	f.answer(w, 200, ans)
}

// verify checks the forwarded request's signature as stsd would.
func (f *fakeSTSD) verify(b fakeBody) (wireIdentity, string, int) {
	hdr := http.Header(b.Headers)
	cred, signed, sig, ok := parseAuthorization(hdr.Get("Authorization"))
	if !ok {
		return wireIdentity{}, "MissingAuthenticationToken", 403
	}
	akid, region, service, ok := parseScope(cred)
	if !ok {
		return wireIdentity{}, "IncompleteSignature", 400
	}
	f.mu.Lock()
	k, known := f.keys[akid]
	f.mu.Unlock()
	if !known || hdr.Get("X-Amz-Security-Token") != k.token {
		return wireIdentity{}, "InvalidClientTokenId", 403
	}
	payload := hdr.Get("X-Amz-Content-Sha256")
	switch {
	case payload != "":
	case b.BodySHA256 != nil:
		payload = *b.BodySHA256
	default:
		s := sha256.Sum256(b.Body)
		payload = hex.EncodeToString(s[:])
	}
	if resign(b.Method, b.URL, hdr.Get("Host"), hdr, signed, payload, akid, k.secret, k.token, region, service) != sig {
		return wireIdentity{}, "SignatureDoesNotMatch", 403
	}
	id := k.identity
	id.Service, id.Region = service, region
	return id, "", 0
}

// resign signs again, with the v4 signer, the request made of method,
// uri and the named signed headers, at the time of its X-Amz-Date, and
// returns the signature.
func resign(method, uri, host string, hdr http.Header, signed, payload, akid, secret, token, region, service string) string {
	req, err := http.NewRequest(method, "http://"+host+uri, nil)
	if err != nil {
		return "bad request: " + err.Error()
	}
	req.Host = host
	for name := range strings.SplitSeq(signed, ";") {
		switch name {
		case "host":
		case "content-length":
			req.ContentLength, _ = strconv.ParseInt(hdr.Get(name), 10, 64)
		default:
			req.Header[http.CanonicalHeaderKey(name)] = hdr.Values(name)
		}
	}
	at, err := time.Parse("20060102T150405Z", hdr.Get("X-Amz-Date"))
	if err != nil {
		return "bad date"
	}
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}, req, payload, service, region, at)
	if err != nil {
		return "sign: " + err.Error()
	}
	_, gotSigned, sig, _ := parseAuthorization(req.Header.Get("Authorization"))
	if gotSigned != signed {
		return "signed headers differ: " + gotSigned
	}
	return sig
}

// testClient is a Client of the fake signing with the relying party's key.
func (f *fakeSTSD) client(t testing.TB) *Client {
	c, err := NewClient(ClientConfig{
		Endpoint:    f.srv.URL,
		Credentials: credentials.NewStaticCredentialsProvider(rpKeyID, rpSecret, ""),
		HTTPClient:  f.srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
