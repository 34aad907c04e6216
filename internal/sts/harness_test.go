package sts

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/arn"
	"github.com/stsd/stsd/internal/auth"
	"github.com/stsd/stsd/internal/authz"
	"github.com/stsd/stsd/internal/iam"
	"github.com/stsd/stsd/internal/mfa"
	"github.com/stsd/stsd/internal/policy"
	"github.com/stsd/stsd/internal/rpc"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

// harness is the STS service as the server builds it (authorizer, policy
// cache, MFA verifier, a session-token ring) over an in-memory store,
// called directly with typed inputs. The IAM service over the same store
// sets up users, roles and policies with its own operations, as an
// operator would. What only the wire decides (SigV4, routing, validation
// against the model, XML) stays tested end to end in internal/app.
// Refusals are checked with apierrtest.Want against the STS model.
type harness struct {
	t    *testing.T
	ctx  context.Context
	st   store.Store
	iam  *iam.Service
	svc  *Service
	ring *session.Ring
	// now is the services' clock and the calls' receipt time.
	now time.Time
}

// newHarness returns the services over a fresh store holding accounts.
func newHarness(t *testing.T, accounts ...string) *harness {
	t.Helper()
	ctx := context.Background()
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, ctx: ctx, st: st, now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	err := st.Update(ctx, func(tx store.Tx) error {
		for _, id := range accounts {
			if err := tx.CreateAccount(ctx, store.Account{ID: id, CreatedAt: h.now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ring, err := session.NewRing(session.Key{ID: 1, Secret: bytes.Repeat([]byte{7}, session.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	h.ring = ring
	clock := func() time.Time { return h.now }
	pc := policy.NewCache(100)
	az := authz.New(st, pc)
	h.iam = iam.New(iam.Config{Store: st, Authz: az, Policies: pc, Now: clock})
	h.svc = New(Config{Store: st, Ring: func() *session.Ring { return h.ring }, MFA: mfa.NewVerifier(st, clock), Authz: az, Policies: pc, Now: clock})
	return h
}

// root is a request of acct's root signed with a long-term key.
func (h *harness) root(acct string) *rpc.Call {
	return &rpc.Call{
		Principal: &auth.Principal{Type: auth.Root, AccountID: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct},
		Region:    "us-east-1",
		Time:      h.now,
	}
}

// user is a request signed with a long-term access key of the existing
// user name of acct, described from the stored user as the authenticator
// describes it.
func (h *harness) user(acct, name string) *rpc.Call {
	h.t.Helper()
	u, err := h.st.GetUser(h.ctx, acct, name)
	if err != nil {
		h.t.Fatalf("user %s: %v", name, err)
	}
	p := &auth.Principal{Type: auth.User, AccountID: acct, ARN: arn.User(acct, u.Path, u.Name), UserID: u.ID, Name: u.Name}
	return &rpc.Call{Principal: p, Region: "us-east-1", Time: h.now}
}

// ok fails the test when a set-up call, whose answer is not what is being
// tested, fails.
func (h *harness) ok(_ any, err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}
