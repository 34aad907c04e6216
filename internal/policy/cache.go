package policy

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// Cache holds compiled policies keyed by (kind, SHA-256 of the document), so
// that a document stored once is parsed and compiled once however often it
// is evaluated. It is bounded (least recently used entries are dropped) and
// safe for concurrent use. Refusals are not cached.
type Cache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[cacheKey]*list.Element
}

type cacheKey struct {
	kind Kind
	sum  [sha256.Size]byte
}

type cacheEntry struct {
	key cacheKey
	p   *Policy
}

// NewCache returns a cache holding at most max policies (max < 1 means 1).
func NewCache(max int) *Cache {
	if max < 1 {
		max = 1
	}
	return &Cache{max: max, ll: list.New(), items: make(map[cacheKey]*list.Element)}
}

// Parse returns the compiled policy for doc, parsing it on a miss.
func (c *Cache) Parse(doc string, kind Kind) (*Policy, error) {
	k := cacheKey{kind: kind, sum: sha256.Sum256([]byte(doc))}
	c.mu.Lock()
	if el, ok := c.items[k]; ok {
		c.ll.MoveToFront(el)
		p := el.Value.(*cacheEntry).p
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	p, err := Parse(doc, kind)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry).p, nil
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{key: k, p: p})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).key)
	}
	return p, nil
}

// Len is the number of cached policies.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
