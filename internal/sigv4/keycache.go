package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
)

// KeyCache holds derived SigV4 signing keys per (access key id, date, region,
// service), so that a warm request costs one HMAC instead of five. It is
// bounded (least recently used entries are dropped) and safe for concurrent
// use. Each entry remembers a SHA-256 of the secret it was derived from and
// is used only when the caller's secret hashes the same (compared in
// constant time), so a wrong secret never reaches a cached key, and a
// rotated secret simply replaces the entry.
//
// A nil *KeyCache is valid and caches nothing.
type KeyCache struct {
	lru *lru.Cache[cacheKey, cacheEntry]
}

type cacheKey struct {
	accessKeyID, date, region, service string
}

type cacheEntry struct {
	secretHash [sha256.Size]byte
	key        [sha256.Size]byte
}

// NewKeyCache returns a cache holding at most maxEntries keys (at least 1).
func NewKeyCache(maxEntries int) *KeyCache {
	c, err := lru.New[cacheKey, cacheEntry](max(1, maxEntries))
	if err != nil {
		// lru.New refuses only a size below 1, which max rules out.
		panic(err)
	}
	return &KeyCache{lru: c}
}

// Len returns the number of cached keys.
func (c *KeyCache) Len() int {
	if c == nil {
		return 0
	}
	return c.lru.Len()
}

// signingKey returns the derived key for the scope and secret, from the
// cache when an entry for the same secret is there.
func (c *KeyCache) signingKey(akid, date, region, service, secret string) [sha256.Size]byte {
	if c == nil {
		return deriveKey(secret, date, region, service)
	}
	h := hashSecret(secret)
	e, ok := c.lru.Get(cacheKey{akid, date, region, service})
	if ok && subtle.ConstantTimeCompare(e.secretHash[:], h[:]) == 1 {
		return e.key
	}
	key := deriveKey(secret, date, region, service)
	// Clone so that the cache does not pin the request's header strings.
	k := cacheKey{strings.Clone(akid), strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	c.lru.Add(k, cacheEntry{secretHash: h, key: key})
	return key
}

// hashSecret hashes the secret without a heap copy for secrets of ordinary
// length (AWS secrets are 40 characters).
func hashSecret(secret string) [sha256.Size]byte {
	var buf [256]byte
	if len(secret) <= len(buf) {
		n := copy(buf[:], secret)
		h := sha256.Sum256(buf[:n])
		clear(buf[:n])
		return h
	}
	return sha256.Sum256([]byte(secret))
}

// deriveKey computes the SigV4 signing key:
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveKey(secret, date, region, service string) [sha256.Size]byte {
	k := hmacSum([]byte("AWS4"+secret), date)
	k = hmacSum(k, region)
	k = hmacSum(k, service)
	k = hmacSum(k, terminator)
	var out [sha256.Size]byte
	copy(out[:], k)
	return out
}

func hmacSum(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
