package cache

import "time"

// Option adjusts a Cache.
type Option func(*Cache)

// WithClock makes the cache read the time from now when it records that
// its view was confirmed fresh (default time.Now); tests move it.
func WithClock(now func() time.Time) Option {
	return func(c *Cache) { c.now = now }
}

// confirm records that the cache's view was known to match the backend's
// at t. Callers hold mu. A confirmation never moves the time backwards: a
// slow Refresh finishing after a notice proves less than the notice did.
func (c *Cache) confirm(t time.Time) {
	if prev := c.confirmed.Load(); prev == nil || t.After(*prev) {
		c.confirmed.Store(&t)
	}
}

// Observe applies a commit notice from the backend (another node's or this
// one's): the generation g is current. Everything is dropped unless g is
// the generation the cache already follows, and the view counts as
// confirmed fresh now, as after a Refresh.
func (c *Cache) Observe(g uint64) {
	at := c.now()
	c.mu.Lock()
	c.advance(g, at)
	c.mu.Unlock()
}

// advance makes g the generation the cache follows, dropping everything if
// it differs from the one followed so far, and records the view as
// confirmed at at. Callers hold mu.
func (c *Cache) advance(g uint64, at time.Time) {
	if !c.haveGen || g != c.gen {
		c.epoch.Add(1)
		c.clearAll()
		c.gen, c.haveGen = g, true
	}
	c.confirm(at)
}

// Freshness returns when the cache's view was last confirmed to match the
// backend (by a successful Refresh, as of the moment it began, or by a
// notice given to Observe); ok is false before the first confirmation.
// Nodes sharing a database trust the cache only while this is recent.
// It takes no lock.
func (c *Cache) Freshness() (lastConfirmed time.Time, ok bool) {
	t := c.confirmed.Load()
	if t == nil {
		return time.Time{}, false
	}
	return *t, true
}

// Stale reports whether, at now, the view was last confirmed longer than
// maxAge ago (or never). It takes no lock.
func (c *Cache) Stale(now time.Time, maxAge time.Duration) bool {
	t, ok := c.Freshness()
	return !ok || now.Sub(t) > maxAge
}

// Epoch counts the invalidations the cache has made. A value derived from
// cached reads taken while the epoch was e is as current as the cache while
// Epoch still returns e: every write, Refresh or notice that could change
// it moves the epoch first. authz keeps gathered subjects by it, so it
// takes no lock: the epoch moves under the cache's lock, together with the
// invalidations it stands for, and is read atomically.
func (c *Cache) Epoch() uint64 { return c.epoch.Load() }
