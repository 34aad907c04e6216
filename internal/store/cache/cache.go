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
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/stsd/stsd/internal/store"
)

// DefaultMaxEntries bounds each kind of cached entity, so a flood of
// lookups for random keys (cached as misses) cannot grow memory without end.
// A full kind evicts its least recently used entry, so the keys and
// principals that requests keep using stay through such a flood.
const DefaultMaxEntries = 100000

// Cache is a store.Store that serves hot reads from memory. Writes must go
// through its Update (or another node's, followed by Refresh) to be seen.
type Cache struct {
	store.Store // reads that are not cached pass straight through

	// mu guards everything below. A hit takes it exclusively, not shared:
	// it moves the entry to the front of its kind's recency list.
	mu      sync.Mutex
	epoch   uint64 // bumped by every invalidation
	gen     uint64 // backend generation seen by the last Refresh or notice
	haveGen bool
	// confirmed is when the view was last known to match the backend's;
	// now is the clock it is read from.
	confirmed time.Time
	now       func() time.Time

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
func New(s store.Store, opts ...Option) *Cache {
	return NewWithLimit(s, DefaultMaxEntries, opts...)
}

// NewWithLimit is New with another bound per kind (at least 1).
func NewWithLimit(s store.Store, maxEntries int, opts ...Option) *Cache {
	n := max(maxEntries, 1)
	c := &Cache{
		Store:            s,
		now:              time.Now,
		accounts:         newTable[store.Account](n),
		accessKeys:       newTable[store.AccessKey](n),
		users:            newTable[store.User](n),
		roles:            newTable[store.Role](n),
		groups:           newTable[store.Group](n),
		userGroups:       newTable[[]store.Group](n),
		policies:         newTable[store.ManagedPolicy](n),
		versions:         newTable[store.PolicyVersion](n),
		attached:         newTable[[]string](n),
		inline:           newTable[[]store.InlinePolicy](n),
		oidc:             newTable[store.OIDCProvider](n),
		saml:             newTable[store.SAMLProvider](n),
		tokenKeys:        newTable[[]store.TokenKey](n),
		outbound:         newTable[store.OutboundFederation](n),
		outboundByIssuer: newTable[store.OutboundFederation](n),
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// clearAll drops every entry. Callers hold mu.
func (c *Cache) clearAll() {
	c.accounts.clear()
	c.accessKeys.clear()
	c.users.clear()
	c.roles.clear()
	c.groups.clear()
	c.userGroups.clear()
	c.policies.clear()
	c.versions.clear()
	c.attached.clear()
	c.inline.clear()
	c.oidc.clear()
	c.saml.clear()
	c.tokenKeys.clear()
	c.outbound.clear()
	c.outboundByIssuer.clear()
}

// entry is a cached result: a value, or store.ErrNotFound (err).
type entry[V any] struct {
	v   V
	err error
}

// table is one kind's entries, bounded and evicting the least recently
// used. Callers hold Cache.mu: the LRU is not safe for concurrent use.
type table[V any] struct {
	size int
	lru  *simplelru.LRU[string, entry[V]]
}

func newTable[V any](size int) *table[V] {
	t := &table[V]{size: size}
	t.clear()
	return t
}

// clear drops every entry by starting a new LRU: Purge would delete them
// one by one while the cache is locked, and a Refresh after another node's
// write clears every table at once.
func (t *table[V]) clear() {
	l, err := simplelru.NewLRU[string, entry[V]](t.size, nil)
	if err != nil {
		// NewLRU refuses only a size below 1, which NewWithLimit rules out.
		panic("cache: " + err.Error())
	}
	t.lru = l
}

func (t *table[V]) remove(key string) { t.lru.Remove(key) }

// lookup serves key from t or loads it, inserting only when no
// invalidation ran during the load. Values are cloned on the way out so a
// caller that modifies a result cannot alter the cache.
func lookup[V any](c *Cache, t *table[V], key string, clone func(V) V, load func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := t.lru.Get(key)
	epoch := c.epoch
	c.mu.Unlock()
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
		t.lru.Add(key, entry[V]{v: v, err: err})
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
// generation to be checked against. A successful Refresh confirms the view
// as fresh as of the moment it began (see Freshness).
func (c *Cache) Refresh(ctx context.Context) error {
	at := c.now()
	g, err := c.Store.Generation(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.advance(g, at)
	c.mu.Unlock()
	return nil
}

// Invalidate drops every cached entry.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	c.epoch++
	c.clearAll()
	c.mu.Unlock()
}
