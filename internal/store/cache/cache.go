// Package cache is a read-mostly in-memory cache in front of a store.Store,
// for the lookups every request makes (access keys, accounts, principals,
// their groups and their policies) and for the outbound federation that
// GetWebIdentityToken and the public discovery endpoints read. It
// implements store.Store itself, so callers do not know it is there.
//
// Correctness rests on one rule: an entry read from the backend is inserted
// only if no invalidation happened since the read began. Every invalidation
// bumps an epoch under the lock, and a loader compares the epoch it saw
// before reading with the current one before inserting, so a read racing a
// write can never put back the value the write replaced.
package cache

import (
	"context"
	"errors"
	"sync"

	"github.com/stsd/stsd/internal/store"
)

// DefaultMaxEntries bounds each kind of cached entity, so a flood of
// lookups for random keys (cached as misses) cannot grow memory without end.
const DefaultMaxEntries = 100000

// Cache is a store.Store that serves hot reads from memory. Writes must go
// through its Update (or another node's, followed by Refresh) to be seen.
type Cache struct {
	store.Store // reads that are not cached pass straight through

	maxEntries int

	mu      sync.RWMutex
	epoch   uint64 // bumped by every invalidation
	gen     uint64 // backend generation seen by the last Refresh
	haveGen bool

	accounts   *table[store.Account]
	accessKeys *table[store.AccessKey]
	users      *table[store.User]
	roles      *table[store.Role]
	groups     *table[store.Group]
	userGroups *table[[]store.Group] // ListGroupsForUser, by user
	policies   *table[store.ManagedPolicy]
	versions   *table[store.PolicyVersion]
	attached   *table[[]string]
	inline     *table[[]store.InlinePolicy]
	oidc       *table[store.OIDCProvider]
	saml       *table[store.SAMLProvider]
	tokenKeys  *table[[]store.TokenKey]
	// outbound and outboundByIssuer hold the same rows, by account id and
	// by issuer id; a write drops both entries.
	outbound         *table[store.OutboundFederation]
	outboundByIssuer *table[store.OutboundFederation]
}

var _ store.Store = (*Cache)(nil)

// New returns a cache over s holding at most DefaultMaxEntries entries of
// each kind.
func New(s store.Store) *Cache { return NewWithLimit(s, DefaultMaxEntries) }

// NewWithLimit is New with another bound per kind (at least 1).
func NewWithLimit(s store.Store, maxEntries int) *Cache {
	c := &Cache{Store: s, maxEntries: max(maxEntries, 1)}
	c.clearAll()
	return c
}

// clearAll drops every entry. Callers hold mu (or own c exclusively).
func (c *Cache) clearAll() {
	c.accounts = newTable[store.Account]()
	c.accessKeys = newTable[store.AccessKey]()
	c.users = newTable[store.User]()
	c.roles = newTable[store.Role]()
	c.groups = newTable[store.Group]()
	c.userGroups = newTable[[]store.Group]()
	c.policies = newTable[store.ManagedPolicy]()
	c.versions = newTable[store.PolicyVersion]()
	c.attached = newTable[[]string]()
	c.inline = newTable[[]store.InlinePolicy]()
	c.oidc = newTable[store.OIDCProvider]()
	c.saml = newTable[store.SAMLProvider]()
	c.tokenKeys = newTable[[]store.TokenKey]()
	c.outbound = newTable[store.OutboundFederation]()
	c.outboundByIssuer = newTable[store.OutboundFederation]()
}

// entry is a cached result: a value, or store.ErrNotFound (err).
type entry[V any] struct {
	v   V
	err error
}

type table[V any] struct{ m map[string]entry[V] }

func newTable[V any]() *table[V] { return &table[V]{m: make(map[string]entry[V])} }

// put inserts, evicting an arbitrary entry when full: map iteration order
// is random, which makes this a cheap random eviction.
func (t *table[V]) put(k string, e entry[V], maxEntries int) {
	if _, ok := t.m[k]; !ok && len(t.m) >= maxEntries {
		for old := range t.m {
			delete(t.m, old)
			break
		}
	}
	t.m[k] = e
}

// lookup serves key from tb or loads it, inserting only when no
// invalidation ran during the load. Values are cloned on the way out so a
// caller that modifies a result cannot alter the cache.
func lookup[V any](c *Cache, tb func() *table[V], key string, clone func(V) V, load func() (V, error)) (V, error) {
	c.mu.RLock()
	e, ok := tb().m[key]
	epoch := c.epoch
	c.mu.RUnlock()
	if ok {
		if e.err != nil {
			var zero V
			return zero, e.err
		}
		return clone(e.v), nil
	}
	v, err := load()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, err // transient failures are not cached
	}
	c.mu.Lock()
	if c.epoch == epoch {
		tb().put(key, entry[V]{v: v, err: err}, c.maxEntries)
	}
	c.mu.Unlock()
	if err != nil {
		var zero V
		return zero, err
	}
	return clone(v), nil
}

// Update runs fn through the backend and then invalidates what fn wrote.
// It invalidates even when Update fails, since a failed commit may still
// have landed.
func (c *Cache) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	var rec *recorder
	err := c.Store.Update(ctx, func(tx store.Tx) error {
		rec = newRecorder(tx) // fresh per attempt, should a backend retry fn
		return fn(rec)
	})
	if rec != nil {
		c.mu.Lock()
		c.epoch++
		for _, inv := range rec.inv {
			inv(c)
		}
		c.mu.Unlock()
	}
	return err
}

// Refresh drops everything when the backend's generation differs from the
// one the last Refresh saw, i.e. when anyone, another node included, has
// committed since. Nodes sharing a database call it periodically; the
// period bounds how stale another node's write can look here. The first
// call also drops everything, as entries loaded before it have no
// generation to be checked against.
func (c *Cache) Refresh(ctx context.Context) error {
	g, err := c.Store.Generation(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.haveGen || g != c.gen {
		c.epoch++
		c.clearAll()
		c.gen, c.haveGen = g, true
	}
	return nil
}

// Invalidate drops every cached entry.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	c.epoch++
	c.clearAll()
	c.mu.Unlock()
}
