package cache

import (
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
	if _, ok := c.Freshness(); ok || !c.Stale(at, time.Second) {
		t.Fatal("a cache never confirmed counts as fresh")
	}
	c.confirm(at)
	c.confirm(at.Add(-time.Hour)) // never moves back
	if got, ok := c.Freshness(); !ok || !got.Equal(at) {
		t.Fatalf("Freshness = %v, %v; want %v", got, ok, at)
	}
	if c.Stale(at.Add(time.Second), time.Second) || !c.Stale(at.Add(time.Second+1), time.Second) {
		t.Fatal("Stale does not compare the age with maxAge")
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
