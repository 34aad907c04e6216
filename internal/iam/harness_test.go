package iam

import (
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr/apierrtest"
	"github.com/stsd/stsd/internal/apimodel"
	"github.com/stsd/stsd/internal/apimodel/iamapi"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

// harness is the IAM service as the server builds it (the authorizer and
// the policy cache over the store) but over an in-memory store holding
// one account and called directly: tests pass typed inputs and read typed
// outputs and *apierr.Error refusals, without HTTP, SigV4 or the SDK.
// What only the wire decides (routing, input validation against the
// model, XML) stays tested end to end in internal/app.
type harness struct {
	t    *testing.T
	ctx  context.Context
	acct string
	st   store.Store
	svc  *Service
	// now is the service's clock and the calls' receipt time.
	now time.Time
}

// newHarness returns a service over a fresh store holding account acct,
// whose root may do everything.
func newHarness(t *testing.T, acct string) *harness {
	t.Helper()
	ctx := context.Background()
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, ctx: ctx, acct: acct, st: st, now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	h.addAccount(acct)
	pc := policy.NewCache(100)
	h.svc = New(Config{
		Store:     st,
		Authz:     authz.New(st, pc),
		Policies:  pc,
		Now:       func() time.Time { return h.now },
		PublicURL: testPublicURL,
	})
	return h
}

// addAccount creates another account, whose root rootCall describes.
func (h *harness) addAccount(id string) {
	h.t.Helper()
	err := h.st.Update(h.ctx, func(tx store.Tx) error {
		return tx.CreateAccount(h.ctx, store.Account{ID: id, CreatedAt: h.now})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// root is a request of the account's root signed with a long-term key.
func (h *harness) root() *rpc.Call {
	c := rootCall(h.acct)
	c.Time = h.now
	return c
}

// user is a request signed with a long-term access key of the existing
// user name, as the authenticator describes it.
func (h *harness) user(name string) *rpc.Call {
	h.t.Helper()
	out, err := h.svc.GetUser(h.ctx, h.root(), &iamapi.GetUserRequest{UserName: name})
	if err != nil {
		h.t.Fatalf("user %s: %v", name, err)
	}
	u := out.User
	return &rpc.Call{
		Principal: &auth.Principal{Type: auth.User, AccountID: h.acct, ARN: u.Arn, UserID: u.UserId, Name: u.UserName},
		Time:      h.now,
	}
}

// ok fails the test when a set-up call, whose answer is not what is being
// tested, fails.
func (h *harness) ok(_ any, err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

// wantAPIError asserts err is the AWS error code whose message starts with
// msgPrefix and which the wire answers with HTTP status, as internal/app's
// apiError does for the SDK's error.
func wantAPIError(t *testing.T, err error, code, msgPrefix string, status int) {
	t.Helper()
	apierrtest.Want(t, apimodel.IAM, err, code, msgPrefix, status)
}
