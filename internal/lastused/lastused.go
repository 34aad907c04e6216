// Package lastused records when access keys and roles were last used (for
// IAM's GetAccessKeyLastUsed and GetRole's RoleLastUsed) without putting a
// database write on the request path: uses are noted in memory and written
// to the store in one transaction every few seconds. AWS itself reports
// last use with a delay ("typically within 4 hours", IAM User Guide,
// "Refining permissions using last accessed information").
package lastused

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/stsd/stsd/internal/store"
)

// maxPending bounds the uses held between flushes; past it new uses are
// dropped until the next flush (they are only "last used" facts).
const maxPending = 100_000

type use struct {
	at              time.Time
	service, region string
}

type roleKey struct{ account, name string }

// Recorder collects uses and flushes them to the store. It is safe for
// concurrent use.
type Recorder struct {
	store store.Store
	mu    sync.Mutex
	keys  map[string]use
	roles map[roleKey]use
}

// New returns a Recorder writing to st.
func New(st store.Store) *Recorder {
	return &Recorder{store: st, keys: map[string]use{}, roles: map[roleKey]use{}}
}

// AccessKeyUsed notes that a long-term access key signed a request to
// service in region at the given time.
func (r *Recorder) AccessKeyUsed(id, service, region string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[id]; !ok && len(r.keys)+len(r.roles) >= maxPending {
		return
	}
	if u, ok := r.keys[id]; !ok || at.After(u.at) {
		r.keys[id] = use{at: at, service: service, region: region}
	}
}

// RoleUsed notes that a session of the role was created in region.
func (r *Recorder) RoleUsed(account, name, region string, at time.Time) {
	k := roleKey{account, strings.ToLower(name)}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.roles[k]; !ok && len(r.keys)+len(r.roles) >= maxPending {
		return
	}
	if u, ok := r.roles[k]; !ok || at.After(u.at) {
		r.roles[k] = use{at: at, region: region}
	}
}

// Flush writes the uses noted so far in one transaction. Entities deleted
// meanwhile are skipped; a failed write keeps nothing (the uses are lost,
// which only delays a "last used" date).
func (r *Recorder) Flush(ctx context.Context) error {
	r.mu.Lock()
	keys, roles := r.keys, r.roles
	if len(keys) == 0 && len(roles) == 0 {
		r.mu.Unlock()
		return nil
	}
	r.keys, r.roles = map[string]use{}, map[roleKey]use{}
	r.mu.Unlock()
	return r.store.Update(ctx, func(tx store.Tx) error {
		for id, u := range keys {
			k, err := tx.GetAccessKey(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if !u.at.After(k.LastUsedAt) {
				continue
			}
			k.LastUsedAt, k.LastService, k.LastRegion = u.at, u.service, u.region
			if err := tx.UpdateAccessKey(ctx, k); err != nil {
				return err
			}
		}
		for rk, u := range roles {
			role, err := tx.GetRole(ctx, rk.account, rk.name)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if !u.at.After(role.LastUsedAt) {
				continue
			}
			role.LastUsedAt, role.LastUsedRegion = u.at, u.region
			if err := tx.UpdateRole(ctx, role); err != nil {
				return err
			}
		}
		return nil
	})
}
