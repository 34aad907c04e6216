package oidc

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Cache timing. Keys fetched by discovery are reused for an hour; a token
// naming a key the cached set lacks (the provider rotated its keys)
// triggers a refetch at most once a minute per provider, so a stream of
// tokens with made-up key ids cannot make stsd hammer the provider. After
// a failed fetch the last good set stays usable for a day.
const (
	cacheTTL   = time.Hour
	minRefresh = time.Minute
	maxStale   = 24 * time.Hour
)

// maxProviders bounds each of the Verifier's caches. Entries are per
// registered provider, so the bound is reached only by an installation with
// more providers than this (or by providers deleted and created over a long
// run); the least recently used entry is dropped and its keys fetched or
// parsed again when next needed. The TTLs above are refresh rules, not
// eviction rules: a stale set stays useful while a refetch fails.
const maxProviders = 1024

// remoteKeys is the cache entry of one issuer fetched through discovery.
type remoteKeys struct {
	// sem admits one fetch at a time; waiting honours the caller's context.
	sem   chan struct{}
	state atomic.Pointer[remoteState]
}

// remoteState is an immutable snapshot of a cache entry.
type remoteState struct {
	keys      *keySet   // last good set, nil before the first success
	fetchedAt time.Time // when keys was fetched
	triedAt   time.Time // last attempt, good or bad
	err       error     // the last attempt's refusal, nil if it succeeded
	fetches   int       // attempts so far (for tests and diagnostics)
}

// inlineKeys caches the parsed inline key set of one provider.
type inlineKeys struct {
	doc  string
	keys *keySet
	err  error
}

func (v *Verifier) remote(issuer string) *remoteKeys {
	v.mu.Lock()
	defer v.mu.Unlock()
	r, ok := v.remotes.Get(issuer)
	if !ok {
		r = &remoteKeys{sem: make(chan struct{}, 1)}
		v.remotes.Add(issuer, r)
	}
	return r
}

// inlineSet parses (once per document) a provider's inline JWKS.
func (v *Verifier) inlineSet(p Provider) (*keySet, error) {
	v.mu.Lock()
	c, _ := v.inlines.Get(p.ARN)
	v.mu.Unlock()
	if c != nil && c.doc == p.JWKS {
		return c.keys, c.err
	}
	ks, err := parseKeySet([]byte(p.JWKS))
	c = &inlineKeys{doc: p.JWKS, keys: ks, err: err}
	v.mu.Lock()
	v.inlines.Add(p.ARN, c)
	v.mu.Unlock()
	return ks, err
}

// keysFor returns the keys that may have signed t: from the inline set, or
// from the cached discovery set, refreshed when stale or when t names a key
// it lacks (at most once per minRefresh).
func (v *Verifier) keysFor(ctx context.Context, p Provider, t *Token) ([]verifyKey, error) {
	noKey := refuse(CodeInvalidIdentityToken, msgNoKey)
	if p.JWKS != "" {
		ks, err := v.inlineSet(p)
		if err != nil {
			return nil, noKey
		}
		if c := ks.candidates(t.Algorithm, t.KeyID); len(c) > 0 {
			return c, nil
		}
		return nil, noKey
	}
	r := v.remote(p.URL)
	now := v.now()
	st := r.state.Load()
	if st != nil && st.keys != nil && now.Sub(st.fetchedAt) < cacheTTL {
		if c := st.keys.candidates(t.Algorithm, t.KeyID); len(c) > 0 {
			return c, nil
		}
		if now.Sub(st.triedAt) < minRefresh {
			return nil, noKey
		}
	} else if st != nil && st.err != nil && now.Sub(st.triedAt) < minRefresh {
		// A provider that just failed is not asked again at once.
		if c := stale(st, now, t); len(c) > 0 {
			return c, nil
		}
		return nil, st.err
	}
	st, err := v.refresh(ctx, r, p.URL, st)
	if err != nil {
		return nil, err
	}
	if st.err != nil {
		if c := stale(st, now, t); len(c) > 0 {
			return c, nil
		}
		return nil, st.err
	}
	if c := st.keys.candidates(t.Algorithm, t.KeyID); len(c) > 0 {
		return c, nil
	}
	return nil, noKey
}

// stale returns candidates from a set kept after a failed refetch.
func stale(st *remoteState, now time.Time, t *Token) []verifyKey {
	if st.keys == nil || now.Sub(st.fetchedAt) >= maxStale {
		return nil
	}
	return st.keys.candidates(t.Algorithm, t.KeyID)
}

// refresh fetches the issuer's keys unless another caller did while this
// one waited for its turn; seen is the state the caller judged stale.
func (v *Verifier) refresh(ctx context.Context, r *remoteKeys, issuer string, seen *remoteState) (*remoteState, error) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-r.sem }()
	if cur := r.state.Load(); cur != seen {
		return cur, nil
	}
	now := v.now()
	next := &remoteState{triedAt: now}
	if seen != nil {
		next.keys, next.fetchedAt, next.fetches = seen.keys, seen.fetchedAt, seen.fetches
	}
	next.fetches++
	ks, err := v.fetchKeys(ctx, issuer)
	if err != nil {
		next.err = err
	} else {
		next.keys, next.fetchedAt = ks, now
	}
	r.state.Store(next)
	return next, nil
}

// verifierState is embedded in Verifier: the caches and their lock.
type verifierState struct {
	mu      sync.Mutex
	remotes *simplelru.LRU[string, *remoteKeys] // by issuer URL
	inlines *simplelru.LRU[string, *inlineKeys] // by provider ARN
}

func newVerifierState() verifierState {
	remotes, err := simplelru.NewLRU[string, *remoteKeys](maxProviders, nil)
	if err != nil {
		// NewLRU refuses only a size below 1.
		panic(err)
	}
	inlines, err := simplelru.NewLRU[string, *inlineKeys](maxProviders, nil)
	if err != nil {
		panic(err)
	}
	return verifierState{remotes: remotes, inlines: inlines}
}
