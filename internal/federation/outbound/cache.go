package outbound

import (
	"bytes"
	"slices"

	lru "github.com/hashicorp/golang-lru/v2"
)

// maxIssuers bounds the cache. Callers pass issuer ids read from the store,
// so there is one entry per account with the feature enabled; past this many
// the least recently used is dropped and parsed again when next needed.
const maxIssuers = 4096

// Issuers caches parsed Issuers by issuer id, so a request does not parse
// keys and compute thumbprints again. A cached Issuer is reused only while
// the URL and key bytes it was built from are unchanged: a rotated key or
// a new public URL builds a fresh one. It is safe for concurrent use and
// holds at most maxIssuers entries.
type Issuers struct {
	lru *lru.Cache[string, *cachedIssuer]
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
	c, err := lru.New[string, *cachedIssuer](maxIssuers)
	if err != nil {
		// lru.New refuses only a size below 1.
		panic(err)
	}
	return &Issuers{lru: c}
}

// Get returns the Issuer of issuerID for these keys and URL, parsing the
// keys only when the cached entry was built from other inputs (or there is
// none). A parse error is returned and nothing is cached.
func (c *Issuers) Get(url, issuerID string, rsaKey, ecKey []byte) (*Issuer, error) {
	e, _ := c.lru.Get(issuerID)
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
	c.lru.Add(issuerID, e)
	return iss, nil
}

// Len returns the number of cached Issuers.
func (c *Issuers) Len() int { return c.lru.Len() }

func (e *cachedIssuer) matches(url string, rsaKey, ecKey []byte) bool {
	return e != nil && e.url == url && bytes.Equal(e.rsaKey, rsaKey) && bytes.Equal(e.ecKey, ecKey)
}
