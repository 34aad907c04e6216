package auth

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stsd/stsd/internal/apierr"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/sigv4"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
	"github.com/stsd/stsd/internal/store/memory"
)

// keyReads counts the access-key lookups that reach the backend.
type keyReads struct {
	store.Store
	n atomic.Int32
}

func (s *keyReads) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	s.n.Add(1)
	return s.Store.GetAccessKey(ctx, id)
}

// TestUnknownKeyIsCachedUntilCreated: requests signed with an access key id
// the store does not know are answered from the cache's bounded record of
// misses after the first (issue 10: unknown ids must not cost a database
// round trip each), and creating a key with that id makes it work on the
// very next request.
func TestUnknownKeyIsCachedUntilCreated(t *testing.T) {
	back := &keyReads{Store: memory.New()}
	c := cache.New(back)
	ring, err := session.NewRing(session.Key{ID: 1, Secret: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	a := New(c, func() *session.Ring { return ring }, sigv4.Options{})
	const unknown = "AKIAUNKNOWN000000001"
	now := time.Now()
	for range 50 {
		_, err := authenticate(a, signed(t, unknown, secret, "", now), now)
		wantCode(t, err, apierr.InvalidClientTokenID)
	}
	if n := back.n.Load(); n != 1 {
		t.Fatalf("backend key reads for 50 requests with one unknown id = %d, want 1", n)
	}
	err = c.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateAccount(context.Background(), store.Account{ID: acct}); err != nil {
			return err
		}
		return tx.CreateAccessKey(context.Background(), store.AccessKey{ID: unknown, Secret: secret, AccountID: acct, Status: store.AccessKeyActive})
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := authenticate(a, signed(t, unknown, secret, "", now), now); err != nil || p.Type != Root {
		t.Fatalf("key created after its id was cached as unknown: %+v, %v", p, err)
	}
}
