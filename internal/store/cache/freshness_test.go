package cache_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
)

// cutOff is a backend whose generation read can be made to fail, as when
// the database is out of reach.
type cutOff struct {
	store.Store
	mu  sync.Mutex
	cut bool
}

func (s *cutOff) setCut(cut bool) {
	s.mu.Lock()
	s.cut = cut
	s.mu.Unlock()
}

func (s *cutOff) Generation(ctx context.Context) (uint64, error) {
	s.mu.Lock()
	cut := s.cut
	s.mu.Unlock()
	if cut {
		return 0, errors.New("connection refused")
	}
	return s.Store.Generation(ctx)
}

// TestFreshness: the view counts as confirmed as of the start of the last
// successful Refresh or the last notice; failed refreshes confirm nothing,
// so the view ages into staleness while the database is away and is fresh
// again on the first refresh that reaches it.
func TestFreshness(t *testing.T) {
	const maxAge = 5 * time.Second
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // the injected clock; the test moves it
	back := &cutOff{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.New(back, cache.WithClock(func() time.Time { return now }))
	defer c.Close()
	if _, ok := c.Freshness(); ok || !c.Stale(now, maxAge) {
		t.Fatal("a cache never confirmed counts as fresh")
	}
	if err := c.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	confirmedAt := now
	if at, ok := c.Freshness(); !ok || !at.Equal(confirmedAt) {
		t.Fatalf("Freshness after a refresh = %v, %v; want %v", at, ok, confirmedAt)
	}

	back.setCut(true)
	now = now.Add(maxAge)
	if err := c.Refresh(bg); err == nil {
		t.Fatal("refresh of a cut-off backend succeeded")
	}
	if c.Stale(now, maxAge) {
		t.Fatal("stale at exactly the bound")
	}
	now = now.Add(time.Millisecond)
	if err := c.Refresh(bg); err == nil {
		t.Fatal("refresh of a cut-off backend succeeded")
	}
	if at, _ := c.Freshness(); !at.Equal(confirmedAt) || !c.Stale(now, maxAge) {
		t.Fatalf("failed refreshes moved the confirmation to %v, or the view is not stale past the bound", at)
	}

	back.setCut(false)
	if err := c.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	if c.Stale(now, maxAge) {
		t.Fatal("still stale after the backend answered again")
	}

	// A notice confirms too, and one naming another generation drops
	// what the cache held.
	seed(t, back.Store, key("AKIA1", store.AccessKeyActive)) // behind the cache's back
	if _, err := c.GetAccessKey(bg, "AKIA1"); err != nil {
		t.Fatal(err)
	}
	if err := back.Store.Update(bg, func(tx store.Tx) error { return tx.DeleteAccessKey(bg, "AKIA1") }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAccessKey(bg, "AKIA1"); err != nil {
		t.Fatalf("cached key before the notice: %v", err)
	}
	g, err := back.Store.Generation(bg)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	c.Observe(g)
	if at, _ := c.Freshness(); !at.Equal(now) {
		t.Fatalf("Freshness after a notice = %v, want %v", at, now)
	}
	if _, err := c.GetAccessKey(bg, "AKIA1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted key after the notice: %v", err)
	}
}

// TestEpoch checks that the epoch stays put across reads and moves on every
// write, Invalidate, and a Refresh or notice of another generation, which
// is what lets authz keep subjects by it.
func TestEpoch(t *testing.T) {
	c := cache.New(openSQLite(t, filepath.Join(t.TempDir(), "stsd.db")))
	defer c.Close()
	seed(t, c, key("AKIA1", store.AccessKeyActive))
	e := c.Epoch()
	status(t, c, "AKIA1")
	if c.Epoch() != e {
		t.Fatal("a read moved the epoch")
	}
	moved := func(step string) {
		t.Helper()
		if n := c.Epoch(); n == e {
			t.Fatalf("%s did not move the epoch", step)
		} else {
			e = n
		}
	}
	setStatus(t, c, "AKIA1", store.AccessKeyInactive)
	moved("a write")
	c.Invalidate()
	moved("Invalidate")
	c.Observe(41)
	moved("a notice of a new generation")
	c.Observe(41)
	if c.Epoch() != e {
		t.Fatal("a notice of the generation already followed moved the epoch")
	}
}
