// Package tokenkeys keeps the session-token key ring: the keys live in the
// store (sealed with the master key), the ring built from them lives in
// memory, and the active key is rotated on a schedule. A rotated-out key
// keeps opening the tokens it sealed for as long as any of them can live,
// so rotation never invalidates a live session.
package tokenkeys

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// MaxSessionLifetime is the longest any temporary credentials live: 36
// hours, the maximum of GetSessionToken and GetFederationToken (STS API
// reference). A retired key is kept in the ring this long after retiring.
const MaxSessionLifetime = 129600 * time.Second

// DefaultRotateAfter is how long a key mints before it is replaced. Keys
// seal with random nonces, so bounding the tokens per key keeps nonce
// collisions out of reach.
const DefaultRotateAfter = 24 * time.Hour

// Manager holds the current ring and rotates keys. It is safe for
// concurrent use.
type Manager struct {
	store       store.Store
	now         func() time.Time
	rotateAfter time.Duration
	ring        atomic.Pointer[session.Ring]
	// lastReload limits on-demand reloads (unix nanoseconds of the last).
	lastReload atomic.Int64
}

// reloadEvery is the least time between two on-demand reloads: a token
// with an unknown key id is either from a key another node just made, which
// one reload finds, or forged, which must not make every request query the
// store.
const reloadEvery = 5 * time.Second

// ReloadForUnknownKey reloads the ring from the store when a token names a
// key this node does not know, at most once per reloadEvery, and reports
// whether it reloaded. Another node sharing the store may have rotated.
func (m *Manager) ReloadForUnknownKey(ctx context.Context) bool {
	now := m.now().UnixNano()
	last := m.lastReload.Load()
	if now-last < int64(reloadEvery) || !m.lastReload.CompareAndSwap(last, now) {
		return false
	}
	return m.reload(ctx) == nil
}

// Open loads the key ring from st, creating the first key on a first start
// and rotating when the active key is due. rotateAfter 0 means
// DefaultRotateAfter; now nil means time.Now.
func Open(ctx context.Context, st store.Store, now func() time.Time, rotateAfter time.Duration) (*Manager, error) {
	m := newManager(st, now, rotateAfter)
	if err := m.Refresh(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Load returns a Manager over the keys already in st without rotating: for
// a start on a store that cannot take writes (a full disk), where the
// current keys still seal and open tokens. Refresh rotates later, once
// writes succeed again. It fails when st holds no key at all.
func Load(ctx context.Context, st store.Store, now func() time.Time, rotateAfter time.Duration) (*Manager, error) {
	m := newManager(st, now, rotateAfter)
	if err := m.reload(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// newManager applies the defaults of Open and Load.
func newManager(st store.Store, now func() time.Time, rotateAfter time.Duration) *Manager {
	if now == nil {
		now = time.Now
	}
	if rotateAfter <= 0 {
		rotateAfter = DefaultRotateAfter
	}
	return &Manager{store: st, now: now, rotateAfter: rotateAfter}
}

// Ring returns the current ring.
func (m *Manager) Ring() *session.Ring { return m.ring.Load() }

// Refresh rotates the active key if it is due (or creates the first one),
// then reloads the ring from the store, picking up rotations made by other
// nodes sharing it.
func (m *Manager) Refresh(ctx context.Context) error {
	now := m.now()
	err := m.store.Update(ctx, func(tx store.Tx) error {
		keys, err := tx.ListTokenKeys(ctx)
		if err != nil {
			return err
		}
		active := newest(keys)
		if active != nil && now.Sub(active.CreatedAt) < m.rotateAfter {
			return errNothingToDo
		}
		return addKey(ctx, tx, active, now)
	})
	if err != nil && !errors.Is(err, errNothingToDo) {
		return err
	}
	return m.reload(ctx)
}

// errNothingToDo rolls back a transaction that found nothing to change.
var errNothingToDo = errors.New("tokenkeys: nothing to do")

// addKey retires active (if any) and adds a fresh key.
func addKey(ctx context.Context, tx store.Tx, active *store.TokenKey, now time.Time) error {
	if active != nil {
		active.RetiredAt = now
		if err := tx.UpdateTokenKey(ctx, *active); err != nil {
			return err
		}
	}
	var b [36]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	return tx.CreateTokenKey(ctx, store.TokenKey{ID: binary.BigEndian.Uint32(b[:4]), Secret: b[4:], CreatedAt: now})
}

// newest returns the newest key that has not retired, or nil.
func newest(keys []store.TokenKey) *store.TokenKey {
	var active *store.TokenKey
	for i := range keys {
		k := &keys[i]
		if k.RetiredAt.IsZero() && (active == nil || k.CreatedAt.After(active.CreatedAt)) {
			active = k
		}
	}
	return active
}

// reload builds the ring from the store: the active key mints; keys retired
// within MaxSessionLifetime still open their tokens; older ones are left
// out, as every token they sealed has expired.
func (m *Manager) reload(ctx context.Context) error {
	keys, err := m.store.ListTokenKeys(ctx)
	if err != nil {
		return err
	}
	active := newest(keys)
	if active == nil {
		return errors.New("tokenkeys: the key ring has no active key")
	}
	cutoff := m.now().Add(-MaxSessionLifetime)
	var others []session.Key
	for _, k := range keys {
		if k.ID != active.ID && (k.RetiredAt.IsZero() || k.RetiredAt.After(cutoff)) {
			others = append(others, session.Key{ID: k.ID, Secret: k.Secret})
		}
	}
	ring, err := session.NewRing(session.Key{ID: active.ID, Secret: active.Secret}, others...)
	if err != nil {
		return err
	}
	m.ring.Store(ring)
	return nil
}
