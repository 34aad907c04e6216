package policy

import (
	"crypto/sha256"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache holds compiled policies keyed by (kind, SHA-256 of the document), so
// that a document stored once is parsed and compiled once however often it
// is evaluated. It is bounded (least recently used entries are dropped) and
// safe for concurrent use. Refusals are not cached.
type Cache struct {
	lru *lru.Cache[cacheKey, *Policy]
}

type cacheKey struct {
	kind Kind
	sum  [sha256.Size]byte
}

// NewCache returns a cache holding at most size policies (size < 1 means 1).
func NewCache(size int) *Cache {
	c, err := lru.New[cacheKey, *Policy](max(1, size))
	if err != nil {
		// lru.New refuses only a size below 1, which max rules out.
		panic(err)
	}
	return &Cache{lru: c}
}

// Parse returns the compiled policy for doc, parsing it on a miss.
func (c *Cache) Parse(doc string, kind Kind) (*Policy, error) {
	k := cacheKey{kind: kind, sum: sha256.Sum256([]byte(doc))}
	if p, ok := c.lru.Get(k); ok {
		return p, nil
	}
	// Parsing happens outside the cache's lock so that a miss does not
	// stall hits. When two callers miss on the same document, the first to
	// store wins and both return its policy.
	p, err := Parse(doc, kind)
	if err != nil {
		return nil, err
	}
	if prev, ok, _ := c.lru.PeekOrAdd(k, p); ok {
		return prev, nil
	}
	return p, nil
}

// Len is the number of cached policies.
func (c *Cache) Len() int { return c.lru.Len() }
