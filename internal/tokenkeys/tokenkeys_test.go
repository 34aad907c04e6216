package tokenkeys

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/memory"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	return st
}

func seal1(t *testing.T, m *Manager, now time.Time) string {
	t.Helper()
	tok, err := m.Ring().Seal(&session.Claims{
		AccountID: "123456789012", AccessKeyID: "ASIAEXAMPLE000000001", SecretAccessKey: "s",
		PrincipalType: session.RootSession, PrincipalARN: "arn:aws:iam::123456789012:root", PrincipalID: "123456789012",
		SourceARN: "arn:aws:iam::123456789012:root", IssuedAt: now, Expiration: now.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestRotation(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m, err := Open(ctx, st, c.now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	first := m.Ring().ActiveKeyID()
	old := seal1(t, m, c.now())

	// Not due yet: nothing changes.
	c.add(23 * time.Hour)
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if m.Ring().ActiveKeyID() != first {
		t.Fatal("rotated before the key was due")
	}
	// Due: a new active key; the old key still opens its tokens.
	c.add(2 * time.Hour)
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if m.Ring().ActiveKeyID() == first {
		t.Fatal("not rotated when due")
	}
	if _, err := m.Ring().Open(old); err != nil {
		t.Fatalf("a token of the previous key no longer opens: %v", err)
	}
	// A second manager (another node, or a restart) sees the same ring.
	m2, err := Open(ctx, st, c.now, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Ring().ActiveKeyID() != m.Ring().ActiveKeyID() {
		t.Fatal("a restart does not see the rotated key")
	}
	if _, err := m2.Ring().Open(old); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	// Once every token of the old key must have expired, it leaves the ring.
	c.add(MaxSessionLifetime + time.Minute)
	if err := m.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Ring().Open(old); !errors.Is(err, session.ErrInvalidToken) {
		t.Fatalf("a key retired past every session's lifetime still opens tokens: %v", err)
	}
}

func TestFirstKeyAndExplicitRotate(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	m, err := Open(ctx, st, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := st.ListTokenKeys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys after first start: %d %v", len(keys), err)
	}
	before := m.Ring().ActiveKeyID()
	if err := m.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, _ = st.ListTokenKeys(ctx)
	if len(keys) != 2 || m.Ring().ActiveKeyID() == before {
		t.Fatalf("rotate: %d keys, active %d (was %d)", len(keys), m.Ring().ActiveKeyID(), before)
	}
	// Secrets of the keys are sealed at rest by the store (tested in
	// store/sqlite); here: what was stored round-trips.
	for _, k := range keys {
		if len(k.Secret) != 32 {
			t.Fatalf("key %d secret of %d bytes", k.ID, len(k.Secret))
		}
	}
}

// Another node rotates: this node's ring lacks the new key until it
// reloads, which an unknown key id triggers at most once per reloadEvery.
func TestReloadForUnknownKey(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	a, err := Open(ctx, st, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b, err := Open(ctx, st, c.now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	tok := seal1(t, a, time.Now())
	if _, err := b.Ring().Open(tok); !errors.Is(err, session.ErrUnknownKey) {
		t.Fatalf("before reload: %v", err)
	}
	if !b.ReloadForUnknownKey(ctx) {
		t.Fatal("no reload")
	}
	if _, err := b.Ring().Open(tok); err != nil {
		t.Fatalf("after reload: %v", err)
	}
	if b.ReloadForUnknownKey(ctx) {
		t.Fatal("a second reload right away: forged key ids must not hammer the store")
	}
	c.add(reloadEvery)
	if !b.ReloadForUnknownKey(ctx) {
		t.Fatal("no reload once the interval passed")
	}
}

// TestLoad: Load opens the keys in the store without rotating even when a
// rotation is due (a start on a full disk), and fails on a store without
// keys; a later Refresh rotates.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := Load(ctx, st, c.now, time.Hour); err == nil {
		t.Fatal("Load on a store without keys")
	}
	m, err := Open(ctx, st, c.now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	first := m.Ring().ActiveKeyID()
	c.add(2 * time.Hour)
	gen, _ := st.Generation(ctx)
	l, err := Load(ctx, st, c.now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Generation(ctx); after != gen || l.Ring().ActiveKeyID() != first {
		t.Fatalf("Load wrote (generation %d → %d) or changed the active key", gen, after)
	}
	if err := l.Refresh(ctx); err != nil || l.Ring().ActiveKeyID() == first {
		t.Fatalf("Refresh after Load did not rotate: %v", err)
	}
}
