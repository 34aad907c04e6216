package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store"
)

// fakeStore answers the two lookups authentication makes; any other call
// panics through the nil embedded interface, which would reveal an
// unexpected store access on the hot path.
type fakeStore struct {
	store.Reader
	keys  map[string]store.AccessKey
	users map[string]store.User
	fail  error
}

func (f *fakeStore) GetAccessKey(_ context.Context, id string) (store.AccessKey, error) {
	if f.fail != nil {
		return store.AccessKey{}, f.fail
	}
	k, ok := f.keys[id]
	if !ok {
		return store.AccessKey{}, store.ErrNotFound
	}
	return k, nil
}

func (f *fakeStore) GetUser(_ context.Context, acct, name string) (store.User, error) {
	u, ok := f.users[acct+"/"+name]
	if !ok {
		return store.User{}, store.ErrNotFound
	}
	return u, nil
}

const (
	acct       = "123456789012"
	rootID     = "AKIAROOT000000000001"
	userID     = "AKIAUSER000000000001"
	orphanID   = "AKIAORPHAN0000000001"
	inactiveID = "AKIAINACTIVE00000001"
	secret     = "secretsecretsecretsecretsecretsecretsecr"
)

// ringHolder is the ring an Authenticator under test reads; tests replace
// it as a key rotation does.
type ringHolder struct{ ring *session.Ring }

func newTestAuth(t *testing.T) (*Authenticator, *ringHolder, *fakeStore) {
	t.Helper()
	fs := &fakeStore{
		keys: map[string]store.AccessKey{
			rootID:     {ID: rootID, Secret: secret, AccountID: acct, Status: store.AccessKeyActive},
			userID:     {ID: userID, Secret: secret, AccountID: acct, UserName: "alice", Status: store.AccessKeyActive},
			orphanID:   {ID: orphanID, Secret: secret, AccountID: acct, UserName: "gone", Status: store.AccessKeyActive},
			inactiveID: {ID: inactiveID, Secret: secret, AccountID: acct, UserName: "alice", Status: store.AccessKeyInactive},
		},
		users: map[string]store.User{
			acct + "/alice": {AccountID: acct, Name: "alice", ID: "AIDAALICE000000000001", Path: "/team/"},
		},
	}
	ring, err := session.NewRing(session.Key{ID: 7, Secret: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	h := &ringHolder{ring: ring}
	return New(fs, func() *session.Ring { return h.ring }, sigv4.Options{}), h, fs
}

func signed(t *testing.T, keyID, secretKey, token string, at time.Time) *http.Request {
	t.Helper()
	return signedFor(t, "sts", keyID, secretKey, token, at)
}

// signedFor signs the test request for service ("sts" or "iam").
func signedFor(t *testing.T, service, keyID, secretKey, token string, at time.Time) *http.Request {
	t.Helper()
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	r := httptest.NewRequest(http.MethodPost, "http://sts.example/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secretKey, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return r
}

func authenticate(a *Authenticator, r *http.Request, now time.Time) (*Principal, error) {
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	p, _, err := a.Authenticate(context.Background(), r, body, now)
	return p, err
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := apierr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

func TestLongTermKeys(t *testing.T) {
	a, _, _ := newTestAuth(t)
	now := time.Now()

	p, err := authenticate(a, signed(t, rootID, secret, "", now), now)
	if err != nil || p.Type != Root || p.ARN != "arn:aws:iam::123456789012:root" || p.UserID != acct || p.Session != nil {
		t.Fatalf("root: %+v %v", p, err)
	}
	p, err = authenticate(a, signed(t, userID, secret, "", now), now)
	if err != nil || p.Type != User || p.ARN != "arn:aws:iam::123456789012:user/team/alice" || p.UserID != "AIDAALICE000000000001" || p.Name != "alice" {
		t.Fatalf("user: %+v %v", p, err)
	}

	cases := []struct {
		name, key, secret, code string
	}{
		{"unknown key", "AKIANOSUCH0000000001", secret, apierr.InvalidClientTokenID},
		// AWS answers an inactive key as an unknown one.
		{"inactive key", inactiveID, secret, apierr.InvalidClientTokenID},
		{"key of a deleted user", orphanID, secret, apierr.InvalidClientTokenID},
		{"wrong secret", userID, "x" + secret[1:], apierr.SignatureDoesNotMatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := authenticate(a, signed(t, c.key, c.secret, "", now), now)
			wantCode(t, err, c.code)
		})
	}
}

// TestStoreFailureIsUnavailable: a key that cannot be looked up is neither
// refused as unknown (the caller's key may be fine) nor an internal error
// (issue 10: a node cut off from its database answered 500), but AWS's
// ServiceUnavailable, 503, which SDKs retry.
// A store failure while looking up a key is not a refusal of the caller:
// it reaches the server with its cause, which answers ServiceUnavailable
// for an unreachable database and InternalFailure otherwise.
func TestStoreFailureIsNotARefusal(t *testing.T) {
	a, _, fs := newTestAuth(t)
	fs.fail = errors.New("disk on fire")
	now := time.Now()
	_, err := authenticate(a, signed(t, rootID, secret, "", now), now)
	if _, refused := apierr.As(err); refused || !errors.Is(err, fs.fail) {
		t.Fatalf("err = %v, want the store's failure, not a refusal", err)
	}
}

func TestUnsigned(t *testing.T) {
	a, _, _ := newTestAuth(t)
	r := httptest.NewRequest(http.MethodGet, "/?Action=AssumeRoleWithWebIdentity", nil)
	if _, err := authenticate(a, r, time.Now()); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("err = %v", err)
	}
}

// TestStaleViewRefuses: while the node cannot confirm its view of IAM is
// current, requests that depend on it (a long-term key, any IAM call) are
// answered ServiceUnavailable, and session tokens for STS, which carry
// everything they need, keep working. ServiceUnavailable is AWS's common
// error for "a temporary failure of the server", HTTP 503, a status
// aws-sdk-go-v2 retries (retry.DefaultRetryableHTTPStatusCodes).
func TestStaleViewRefuses(t *testing.T) {
	_, holder, fs := newTestAuth(t)
	stale := true
	a := New(fs, func() *session.Ring { return holder.ring }, sigv4.Options{}, WithStaleness(func() bool { return stale }))
	now := time.Now().Truncate(time.Second)
	tok, err := holder.ring.Seal(&session.Claims{
		AccountID: acct, AccessKeyID: "ASIATEMP000000000001", SecretAccessKey: session.Secret(secret),
		PrincipalType: session.AssumedRole, PrincipalARN: "arn:aws:sts::123456789012:assumed-role/demo/s",
		PrincipalID: "AROADEMO0000000000001:s", RoleName: "demo", SessionName: "s",
		IssuedAt: now, Expiration: now.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, service := range []string{"sts", "iam"} {
		_, err := authenticate(a, signedFor(t, service, rootID, secret, "", now), now)
		wantCode(t, err, apierr.ServiceUnavailable)
	}
	_, err = authenticate(a, signedFor(t, "iam", "ASIATEMP000000000001", secret, tok, now), now)
	wantCode(t, err, apierr.ServiceUnavailable)
	if p, err := authenticate(a, signed(t, "ASIATEMP000000000001", secret, tok, now), now); err != nil || p.Type != AssumedRole {
		t.Fatalf("session token for STS while stale: %+v, %v", p, err)
	}
	stale = false
	for _, service := range []string{"sts", "iam"} {
		if _, err := authenticate(a, signedFor(t, service, rootID, secret, "", now), now); err != nil {
			t.Fatalf("%s with a long-term key once fresh: %v", service, err)
		}
	}
}

func TestSessionTokens(t *testing.T) {
	a, holder, _ := newTestAuth(t)
	ring := holder.ring
	now := time.Now().Truncate(time.Second)
	mint := func(typ session.PrincipalType, keyID string, exp time.Time) string {
		tok, err := ring.Seal(&session.Claims{
			AccountID: acct, AccessKeyID: keyID, SecretAccessKey: session.Secret(secret),
			PrincipalType: typ, PrincipalARN: "arn:aws:sts::123456789012:assumed-role/demo/s",
			PrincipalID: "AROADEMO0000000000001:s", SourceARN: "arn:aws:iam::123456789012:role/demo",
			RoleName: "demo", RoleID: "AROADEMO0000000000001", SessionName: "s", UserName: "alice",
			IssuedAt: now, Expiration: exp,
		})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	const tempKey = "ASIATEMP000000000001"
	valid := mint(session.AssumedRole, tempKey, now.Add(time.Hour))
	p, err := authenticate(a, signed(t, tempKey, secret, valid, now), now)
	if err != nil || p.Type != AssumedRole || p.ARN != "arn:aws:sts::123456789012:assumed-role/demo/s" || p.Session == nil || p.Name != "demo" {
		t.Fatalf("role session: %+v %v", p, err)
	}
	for typ, want := range map[session.PrincipalType]PrincipalType{session.FederatedUser: FederatedUser, session.IAMUserSession: User, session.RootSession: Root} {
		tok := mint(typ, tempKey, now.Add(time.Hour))
		p, err := authenticate(a, signed(t, tempKey, secret, tok, now), now)
		if err != nil || p.Type != want {
			t.Fatalf("%v: %+v %v", typ, p, err)
		}
	}

	cases := []struct {
		name, key, token, code string
		at                     time.Time
	}{
		{"garbage token", tempKey, "bm90IGEgdG9rZW4=", apierr.InvalidClientTokenID, now},
		{"token of another key id", "ASIAOTHER00000000001", valid, apierr.InvalidClientTokenID, now},
		{"expired", tempKey, mint(session.AssumedRole, tempKey, now.Add(time.Minute)), apierr.ExpiredToken, now.Add(2 * time.Minute)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := authenticate(a, signed(t, c.key, secret, c.token, c.at), c.at)
			wantCode(t, err, c.code)
		})
	}

	// After rotation the old key still opens its tokens while in the ring;
	// once removed, they are invalid.
	rotated, err := session.NewRing(session.Key{ID: 8, Secret: bytes.Repeat([]byte{2}, 32)}, session.Key{ID: 7, Secret: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	holder.ring = rotated
	if _, err := authenticate(a, signed(t, tempKey, secret, valid, now), now); err != nil {
		t.Fatalf("token from the previous key after rotation: %v", err)
	}
	only, _ := session.NewRing(session.Key{ID: 8, Secret: bytes.Repeat([]byte{2}, 32)})
	holder.ring = only
	_, err = authenticate(a, signed(t, tempKey, secret, valid, now), now)
	wantCode(t, err, apierr.InvalidClientTokenID)
}

// A token sealed with a key this node does not hold yet (another node
// rotated) opens after one ring reload.
func TestRingReloadOnUnknownKey(t *testing.T) {
	a, holder, _ := newTestAuth(t)
	now := time.Now().Truncate(time.Second)
	newer, err := session.NewRing(session.Key{ID: 9, Secret: bytes.Repeat([]byte{3}, 32)}, session.Key{ID: 7, Secret: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := newer.Seal(&session.Claims{
		AccountID: acct, AccessKeyID: "ASIATEMP000000000009", SecretAccessKey: session.Secret(secret),
		PrincipalType: session.AssumedRole, PrincipalARN: "arn:aws:sts::123456789012:assumed-role/demo/s",
		PrincipalID: "AROADEMO0000000000001:s", SourceARN: "arn:aws:iam::123456789012:role/demo",
		RoleName: "demo", RoleID: "AROADEMO0000000000001", SessionName: "s", IssuedAt: now, Expiration: now.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = authenticate(a, signed(t, "ASIATEMP000000000009", secret, tok, now), now)
	wantCode(t, err, apierr.InvalidClientTokenID)

	reloads := 0
	a.reload = func(context.Context) bool { reloads++; holder.ring = newer; return true }
	if _, err := authenticate(a, signed(t, "ASIATEMP000000000009", secret, tok, now), now); err != nil || reloads != 1 {
		t.Fatalf("after reload: %v (reloads %d)", err, reloads)
	}
}

// TestAuthenticateHashed: a request given only its body's hash names the
// same caller as with its body, and a hash of another body is refused.
func TestAuthenticateHashed(t *testing.T) {
	a, _, _ := newTestAuth(t)
	now := time.Now()
	sum := sha256.Sum256([]byte("Action=GetCallerIdentity&Version=2011-06-15"))
	p, sr, err := a.AuthenticateHashed(context.Background(), signed(t, userID, secret, "", now), hex.EncodeToString(sum[:]), now)
	if err != nil || p.ARN != "arn:aws:iam::123456789012:user/team/alice" || sr.Service != "sts" {
		t.Fatalf("by hash: %+v %v", p, err)
	}
	other := sha256.Sum256([]byte("Action=GetCallerIdentity"))
	_, _, err = a.AuthenticateHashed(context.Background(), signed(t, userID, secret, "", now), hex.EncodeToString(other[:]), now)
	wantCode(t, err, apierr.SignatureDoesNotMatch)
	_, _, err = a.AuthenticateHashed(context.Background(), signed(t, userID, secret, "", now), "not-a-hash", now)
	wantCode(t, err, sigv4.CodeInvalidArgument)
}
