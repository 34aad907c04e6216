package outbound

import (
	"bytes"
	"slices"
	"sync"
)

// Issuers caches parsed Issuers by issuer id, so a request does not parse
// keys and compute thumbprints again. A cached Issuer is reused only while
// the URL and key bytes it was built from are unchanged: a rotated key or
// a new public URL builds a fresh one. It is safe for concurrent use.
//
// Entries are replaced on change; callers pass
// issuer ids read from the store, never unchecked request input, so the
// cache holds at most one entry per account with the feature enabled.
type Issuers struct {
	mu      sync.RWMutex
	entries map[string]*cachedIssuer
}

// cachedIssuer is an immutable cache entry: the inputs an Issuer was built
// from (copies, so a caller reusing its buffers cannot alter them) and the
// Issuer.
type cachedIssuer struct {
	url           string
	rsaKey, ecKey []byte
	issuer        *Issuer
}

// NewIssuers returns an empty cache.
func NewIssuers() *Issuers {
	return &Issuers{entries: make(map[string]*cachedIssuer)}
}

// Get returns the Issuer of issuerID for these keys and URL, parsing the
// keys only when the cached entry was built from other inputs (or there is
// none). A parse error is returned and nothing is cached.
func (c *Issuers) Get(url, issuerID string, rsaKey, ecKey []byte) (*Issuer, error) {
	c.mu.RLock()
	e := c.entries[issuerID]
	c.mu.RUnlock()
	if e.matches(url, rsaKey, ecKey) {
		return e.issuer, nil
	}
	// Parsing happens outside the lock so a miss does not stall hits on
	// other accounts. Racing misses may both parse and the later store
	// wins; that is harmless because an entry carries its inputs, so no
	// Get ever returns an Issuer built from other keys or another URL.
	iss, err := NewIssuer(url, rsaKey, ecKey)
	if err != nil {
		return nil, err
	}
	e = &cachedIssuer{url: url, rsaKey: slices.Clone(rsaKey), ecKey: slices.Clone(ecKey), issuer: iss}
	c.mu.Lock()
	c.entries[issuerID] = e
	c.mu.Unlock()
	return iss, nil
}

// Len returns the number of cached Issuers.
func (c *Issuers) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

func (e *cachedIssuer) matches(url string, rsaKey, ecKey []byte) bool {
	return e != nil && e.url == url && bytes.Equal(e.rsaKey, rsaKey) && bytes.Equal(e.ecKey, ecKey)
}
