package authz

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// subjectCacheSize bounds the subjects kept, so that many callers cannot
// grow memory without end; the least recently used is dropped first.
const subjectCacheSize = 10000

// epocher is a store that counts its invalidations (the store cache).
type epocher interface{ Epoch() uint64 }

// epoch returns the store's invalidation epoch, and false when the store
// does not keep one, in which case subjects are not kept.
func (a *Authorizer) epoch() (uint64, bool) {
	e, ok := a.store.(epocher)
	if !ok {
		return 0, false
	}
	return e.Epoch(), true
}

// subjectKey names a caller: the access key it signs with and its ARN.
type subjectKey struct{ accessKeyID, arn string }

// keptSubject is a subject and the store epoch it was read in.
type keptSubject struct {
	s     *Subject
	epoch uint64
}

// subjectCache keeps gathered subjects. An entry is used only while the
// store's epoch is the one it was gathered in: a subject whose gathering
// raced a write was read in an older epoch and is never used.
type subjectCache struct {
	mu  sync.Mutex
	lru *simplelru.LRU[subjectKey, keptSubject]
}

func newSubjectCache(size int) *subjectCache {
	lru, err := simplelru.NewLRU[subjectKey, keptSubject](size, nil)
	if err != nil {
		panic(err) // only for size < 1, a constant here
	}
	return &subjectCache{lru: lru}
}

// get returns the subject kept for k in epoch, or nil.
func (c *subjectCache) get(k subjectKey, epoch uint64) *Subject {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Get(k)
	if !ok {
		return nil
	}
	if v.epoch != epoch {
		c.lru.Remove(k)
		return nil
	}
	return v.s
}

// put keeps s for k, gathered in epoch.
func (c *subjectCache) put(k subjectKey, epoch uint64, s *Subject) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Add(k, keptSubject{s, epoch})
}
