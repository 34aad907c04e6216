package cache

import (
	"fmt"
	"testing"
	"time"
)

// TestStaleTakesNoLock: every long-term-key request asks Stale, so it must
// not queue behind the cache's mutex (held by hits, refreshes and
// invalidations). With mu held here, a Stale that locked would never
// return and the test would fail by timing out.
func TestStaleTakesNoLock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &Cache{}
	c.mu.Lock()
	defer c.mu.Unlock()
	// With the lock held here, a Stale, Freshness or Epoch that took it
	// would block: the checks run apart, and a blocked one fails the test
	// at the deadline instead of hanging it.
	failure := make(chan string, 1)
	go func() {
		switch {
		case func() bool { _, ok := c.Freshness(); return ok }() || !c.Stale(at, time.Second):
			failure <- "a cache never confirmed counts as fresh"
			return
		}
		c.confirm(at)
		c.confirm(at.Add(-time.Hour)) // never moves back
		if got, ok := c.Freshness(); !ok || !got.Equal(at) {
			failure <- fmt.Sprintf("Freshness = %v, %v; want %v", got, ok, at)
			return
		}
		if c.Stale(at.Add(time.Second), time.Second) || !c.Stale(at.Add(time.Second+1), time.Second) {
			failure <- "Stale does not compare the age with maxAge"
			return
		}
		_ = c.Epoch()
		failure <- ""
	}()
	select {
	case msg := <-failure:
		if msg != "" {
			t.Fatal(msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Stale, Freshness or Epoch waited for the cache's lock")
	}
}

func BenchmarkStaleParallel(b *testing.B) {
	c := &Cache{}
	c.confirm(time.Now())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if c.Stale(time.Now(), time.Hour) {
				b.Fatal("stale")
			}
		}
	})
}
