package authmsg

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store/memory"
	"github.com/stsd/stsd/internal/tokenkeys"
)

// TestRotationWithTokenKeys runs the codec over the real key manager: a
// message outlives the rotation of the key that sealed it for all its
// Lifetime, new messages use the new key, and a second node sharing the
// store decodes a message sealed under a key it has not loaded yet.
func TestRotationWithTokenKeys(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	now := t0
	clock := func() time.Time { return now }
	m, err := tokenkeys.Open(ctx, st, clock, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := New(m.Ring, m.ReloadForUnknownKey)
	first, err := c.Encode(Build(typical()), now)
	if err != nil {
		t.Fatal(err)
	}
	firstKey := m.Ring().ActiveKeyID()

	// A second node loads the ring now, before any rotation.
	other, err := tokenkeys.Load(ctx, st, clock, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	otherCodec := New(other.Ring, other.ReloadForUnknownKey)

	now = now.Add(2 * time.Hour)
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if m.Ring().ActiveKeyID() == firstKey {
		t.Fatal("the key did not rotate")
	}
	second, err := c.Encode(Build(typical()), now)
	if err != nil {
		t.Fatal(err)
	}
	// The retired key still opens its message until the message expires.
	now = t0.Add(Lifetime)
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	mustDecode(t, c, first, now)
	mustDecode(t, c, second, now)
	// The other node has never seen the new keys: an unknown key id makes
	// it reload from the store once.
	mustDecode(t, otherCodec, second, now)
}

// TestConcurrentUse encodes and decodes from many goroutines while the
// ring is replaced (run under -race in CI).
func TestConcurrentUse(t *testing.T) {
	a, b := key(1, 1), key(2, 2)
	rings := []*session.Ring{ring(t, a, b), ring(t, b, a)}
	var mu sync.Mutex
	turn := 0
	current := func() *session.Ring {
		mu.Lock()
		defer mu.Unlock()
		turn++
		return rings[turn%2]
	}
	c := New(current, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				s, err := c.Encode(Build(typical()), t0)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := c.Decode(context.Background(), s, t0); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
