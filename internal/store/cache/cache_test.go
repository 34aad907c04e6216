package cache_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stsd/stsd/internal/seal"
	"github.com/stsd/stsd/internal/store"
	"github.com/stsd/stsd/internal/store/cache"
	"github.com/stsd/stsd/internal/store/sqlite"
	"github.com/stsd/stsd/internal/store/storetest"
)

const acct = "123456789012"

var bg = context.Background()

func openSQLite(t testing.TB, path string) store.Store {
	t.Helper()
	sealer, err := seal.New(bytes.Repeat([]byte{9}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(bg, path, sealer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return cache.New(openSQLite(t, filepath.Join(t.TempDir(), "stsd.db")))
	})
}

// TestConformanceTinyCache runs the suite with eviction on every insert.
func TestConformanceTinyCache(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return cache.NewWithLimit(openSQLite(t, filepath.Join(t.TempDir(), "stsd.db")), 1)
	})
}

func key(id string, status store.AccessKeyStatus) store.AccessKey {
	return store.AccessKey{ID: id, Secret: "secret-" + id, AccountID: acct, Status: status}
}

func seed(t testing.TB, s store.Store, keys ...store.AccessKey) {
	t.Helper()
	err := s.Update(bg, func(tx store.Tx) error {
		if _, err := tx.GetAccount(bg, acct); errors.Is(err, store.ErrNotFound) {
			if err := tx.CreateAccount(bg, store.Account{ID: acct}); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := tx.CreateAccessKey(bg, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func setStatus(t testing.TB, s store.Store, id string, st store.AccessKeyStatus) {
	t.Helper()
	if err := s.Update(bg, func(tx store.Tx) error { return tx.UpdateAccessKey(bg, key(id, st)) }); err != nil {
		t.Fatal(err)
	}
}

func status(t testing.TB, s store.Store, id string) store.AccessKeyStatus {
	t.Helper()
	k, err := s.GetAccessKey(bg, id)
	if err != nil {
		t.Fatal(err)
	}
	return k.Status
}

// counting counts backend GetAccessKey calls and can pause one between its
// backend read and its return, to force a read to race a write.
type counting struct {
	store.Store
	mu     sync.Mutex
	gets   int
	loaded chan struct{} // closed-over signal: the read has its (stale) value
	resume chan struct{}
}

func (s *counting) GetAccessKey(ctx context.Context, id string) (store.AccessKey, error) {
	k, err := s.Store.GetAccessKey(ctx, id)
	s.mu.Lock()
	s.gets++
	loaded, resume := s.loaded, s.resume
	s.loaded, s.resume = nil, nil
	s.mu.Unlock()
	if loaded != nil {
		close(loaded)
		<-resume
	}
	return k, err
}

func (s *counting) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets
}

func TestHitsAndInvalidation(t *testing.T) {
	back := &counting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.New(back)
	defer c.Close()
	seed(t, c, key("AKIA1", store.AccessKeyActive))
	status(t, c, "AKIA1")
	status(t, c, "AKIA1")
	if n := back.count(); n != 1 {
		t.Fatalf("backend reads = %d for two lookups, want 1 (cached)", n)
	}
	setStatus(t, c, "AKIA1", store.AccessKeyInactive)
	if st := status(t, c, "AKIA1"); st != store.AccessKeyInactive {
		t.Fatalf("status after update through cache = %s", st)
	}
	// Misses are cached and invalidated by a create.
	for i := 0; i < 2; i++ {
		if _, err := c.GetAccessKey(bg, "AKIA2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing key: %v", err)
		}
	}
	if n := back.count(); n != 3 {
		t.Fatalf("backend reads = %d, want 3 (miss cached once)", n)
	}
	seed(t, c, key("AKIA2", store.AccessKeyActive))
	if st := status(t, c, "AKIA2"); st != store.AccessKeyActive {
		t.Fatalf("created key after cached miss: %s", st)
	}
	// A failed Update changes nothing, and the cache still answers.
	_ = c.Update(bg, func(tx store.Tx) error {
		_ = tx.UpdateAccessKey(bg, key("AKIA2", store.AccessKeyInactive))
		return errors.New("abort")
	})
	if st := status(t, c, "AKIA2"); st != store.AccessKeyActive {
		t.Fatalf("rolled-back update visible: %s", st)
	}
}

// TestReadRacingWriteDoesNotReinsertStale pauses a cache miss after it read
// the old value from the backend, commits a change through the cache, then
// lets the miss finish: the old value must not land in the cache.
func TestReadRacingWriteDoesNotReinsertStale(t *testing.T) {
	back := &counting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.New(back)
	defer c.Close()
	seed(t, c, key("AKIA1", store.AccessKeyActive))

	loaded, resume := make(chan struct{}), make(chan struct{})
	back.mu.Lock()
	back.loaded, back.resume = loaded, resume
	back.mu.Unlock()
	done := make(chan store.AccessKey)
	go func() {
		k, _ := c.GetAccessKey(bg, "AKIA1")
		done <- k
	}()
	<-loaded
	setStatus(t, c, "AKIA1", store.AccessKeyInactive)
	close(resume)
	if k := <-done; k.Status != store.AccessKeyActive {
		t.Fatalf("paused read returned %s; the test did not pause before the write", k.Status)
	}
	if st := status(t, c, "AKIA1"); st != store.AccessKeyInactive {
		t.Fatalf("stale value re-inserted: status %s after the write committed", st)
	}
}

// TestConcurrentReadersAndWriters hammers one key; once writers stop, every
// read must see the last committed value.
func TestConcurrentReadersAndWriters(t *testing.T) {
	c := cache.New(openSQLite(t, filepath.Join(t.TempDir(), "stsd.db")))
	defer c.Close()
	seed(t, c, key("AKIA1", store.AccessKeyActive), key("AKIA2", store.AccessKeyActive))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, id := range []string{"AKIA1", "AKIA2"} {
					if _, err := c.GetAccessKey(bg, id); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	var last store.AccessKeyStatus
	for i := 0; i < 50; i++ {
		last = store.AccessKeyActive
		if i%2 == 0 {
			last = store.AccessKeyInactive
		}
		setStatus(t, c, "AKIA1", last)
	}
	close(stop)
	wg.Wait()
	if st := status(t, c, "AKIA1"); st != last {
		t.Fatalf("after concurrent updates status = %s, want %s", st, last)
	}
}

// TestRefreshSeesOtherNodes puts two caches (two "nodes") over one store.
func TestRefreshSeesOtherNodes(t *testing.T) {
	back := openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))
	defer back.Close()
	a, b := cache.New(back), cache.New(back)
	seed(t, a, key("AKIA1", store.AccessKeyActive))
	if err := b.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	if st := status(t, b, "AKIA1"); st != store.AccessKeyActive {
		t.Fatal(st)
	}
	setStatus(t, a, "AKIA1", store.AccessKeyInactive)
	if st := status(t, b, "AKIA1"); st != store.AccessKeyActive {
		t.Fatalf("node b saw the write before Refresh (status %s): it is not caching", st)
	}
	if err := b.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	if st := status(t, b, "AKIA1"); st != store.AccessKeyInactive {
		t.Fatalf("node b after Refresh: status %s, want Inactive", st)
	}
	// With nothing new, Refresh keeps the entries.
	if err := b.Refresh(bg); err != nil {
		t.Fatal(err)
	}
	// A write straight to the backend, behind the cache's back, stays
	// unseen until the next Refresh: proof the idle Refresh kept entries.
	setStatus(t, back, "AKIA1", store.AccessKeyActive)
	if st := status(t, b, "AKIA1"); st != store.AccessKeyInactive {
		t.Fatalf("idle Refresh dropped the cache")
	}
}

func TestEvictionBound(t *testing.T) {
	back := &counting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.NewWithLimit(back, 4)
	defer c.Close()
	seed(t, c)
	for i := 0; i < 100; i++ {
		_, _ = c.GetAccessKey(bg, fmt.Sprintf("AKIAMISS%d", i))
	}
	before := back.count()
	for i := 0; i < 100; i++ {
		_, _ = c.GetAccessKey(bg, fmt.Sprintf("AKIAMISS%d", i))
	}
	hits := 100 - (back.count() - before)
	if hits > 4 {
		t.Fatalf("%d of 100 misses served from a cache bounded to 4 entries", hits)
	}
}

// TestEvictionKeepsRecentlyUsed floods a small cache with misses while one
// key keeps being read: least-recently-used eviction never drops it.
func TestEvictionKeepsRecentlyUsed(t *testing.T) {
	back := &counting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.NewWithLimit(back, 2)
	defer c.Close()
	seed(t, c, key("AKIAHOT", store.AccessKeyActive))
	for i := 0; i < 100; i++ {
		status(t, c, "AKIAHOT")
		_, _ = c.GetAccessKey(bg, fmt.Sprintf("AKIAMISS%d", i))
	}
	if n := back.count(); n != 101 {
		t.Fatalf("backend reads = %d for a hot key and 100 misses, want 101: the hot key was evicted", n)
	}
}

// TestMissFloodKeepsKnownKeys reads a key once, then floods the cache
// with lookups of unknown access key ids, as requests signed with made-up
// keys would: misses are cached apart from found entries, so the flood
// evicts only other misses and the known key is still served from memory.
func TestMissFloodKeepsKnownKeys(t *testing.T) {
	back := &counting{Store: openSQLite(t, filepath.Join(t.TempDir(), "stsd.db"))}
	c := cache.NewWithLimit(back, 4)
	defer c.Close()
	seed(t, c, key("AKIAKNOWN", store.AccessKeyActive))
	status(t, c, "AKIAKNOWN")
	for i := 0; i < 100; i++ {
		if _, err := c.GetAccessKey(bg, fmt.Sprintf("AKIAMISS%d", i)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown key %d: err = %v, want ErrNotFound", i, err)
		}
	}
	before := back.count()
	status(t, c, "AKIAKNOWN")
	if n := back.count() - before; n != 0 {
		t.Fatalf("the known key went to the backend %d time(s) after a flood of misses: the misses evicted it", n)
	}
	// A key created under a name cached as a miss is found at once.
	seed(t, c, key("AKIAMISS99", store.AccessKeyActive))
	if st := status(t, c, "AKIAMISS99"); st != store.AccessKeyActive {
		t.Fatalf("status of a key created after its miss was cached = %v", st)
	}
}

// warmKey returns a cache holding one access key, already read once.
func warmKey(b *testing.B) *cache.Cache {
	c := cache.New(openSQLite(b, filepath.Join(b.TempDir(), "stsd.db")))
	b.Cleanup(func() { c.Close() })
	seed(b, c, key("AKIAEXAMPLE000000001", store.AccessKeyActive))
	if _, err := c.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkCacheGetAccessKey(b *testing.B) {
	c := warmKey(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheGetAccessKeyParallel is the hit path with every CPU
// reading, where the cache's one lock is shared.
func BenchmarkCacheGetAccessKeyParallel(b *testing.B) {
	c := warmKey(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetAccessKey(bg, "AKIAEXAMPLE000000001"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
