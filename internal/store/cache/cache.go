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
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/stsd/stsd/internal/store"
)

// DefaultMaxEntries bounds each kind of cached entity, and apart from them
// each kind's cached misses, so a flood of lookups for random keys cannot
// grow memory without end. A full kind evicts its least recently used
// entry; misses evict only misses, so the keys and principals that exist
// stay through such a flood.
const DefaultMaxEntries = 100000

// Cache is a store.Store that serves hot reads from memory. Writes must go
// through its Update (or another node's, followed by Refresh) to be seen.
type Cache struct {
	store.Store // reads that are not cached pass straight through

	// mu guards everything below. A hit takes it exclusively, not shared:
	// it moves the entry to the front of its kind's recency list.
	mu sync.Mutex
	// epoch is bumped by every invalidation, always under mu; Epoch reads
	// it without the lock, as authz does on every request.
	epoch   atomic.Uint64
	gen     uint64 // backend generation seen by the last Refresh or notice
	haveGen bool
	// now is the clock confirmations are read from.
	now func() time.Time
	// confirmed is when the view was last known to match the backend's
	// (nil before the first confirmation). It is written under mu but
	// read without it: Stale is asked on every long-term-key request, which
	// must not queue behind cache hits and refreshes. A pointer keeps the
	// time's monotonic reading, so a wall-clock step does not make the
	// view look fresher or older than it is.
	confirmed atomic.Pointer[time.Time]

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
// used. Callers hold Cache.mu: the LRUs are not safe for concurrent use.
//
// Misses (store.ErrNotFound) live in an LRU of their own. A flood of
// lookups for random names, such as requests signed with made-up access
// key ids, then evicts only other misses: the keys and principals that
// exist stay cached however many unknown ones arrive, and each unknown one
// reaches the backend once while it stays among the misses.
type table[V any] struct {
	size   int
	found  *simplelru.LRU[string, entry[V]]
	misses *simplelru.LRU[string, entry[V]]
}

func newTable[V any](size int) *table[V] {
	t := &table[V]{size: size}
	t.clear()
	return t
}

// clear drops every entry by starting new LRUs: Purge would delete them
// one by one while the cache is locked, and a Refresh after another node's
// write clears every table at once.
func (t *table[V]) clear() {
	t.found = newLRU[V](t.size)
	t.misses = newLRU[V](t.size)
}

func newLRU[V any](size int) *simplelru.LRU[string, entry[V]] {
	l, err := simplelru.NewLRU[string, entry[V]](size, nil)
	if err != nil {
		// NewLRU refuses only a size below 1, which NewWithLimit rules out.
		panic("cache: " + err.Error())
	}
	return l
}

func (t *table[V]) get(key string) (entry[V], bool) {
	if e, ok := t.found.Get(key); ok {
		return e, true
	}
	return t.misses.Get(key)
}

func (t *table[V]) add(key string, e entry[V]) {
	if e.err != nil {
		t.misses.Add(key, e)
		return
	}
	t.found.Add(key, e)
}

// remove drops key, whether it was cached as found or as a miss: a write
// that creates a name must end its miss as surely as a write that changes
// it ends its value.
func (t *table[V]) remove(key string) {
	t.found.Remove(key)
	t.misses.Remove(key)
}

// keys returns every cached key, found or missed.
func (t *table[V]) keys() []string { return append(t.found.Keys(), t.misses.Keys()...) }

// lookup serves key from t or loads it, inserting only when no
// invalidation ran during the load. Values are cloned on the way out so a
// caller that modifies a result cannot alter the cache.
func lookup[V any](c *Cache, t *table[V], key string, clone func(V) V, load func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := t.get(key)
	epoch := c.epoch.Load()
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
	if c.epoch.Load() == epoch {
		t.add(key, entry[V]{v: v, err: err})
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
		c.epoch.Add(1)
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
	c.epoch.Add(1)
	c.clearAll()
	c.mu.Unlock()
}
