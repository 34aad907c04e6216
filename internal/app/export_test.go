package app

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/stsd/stsd/internal/authmsg"
	"github.com/stsd/stsd/internal/session"
	"github.com/stsd/stsd/internal/store"
)

// SessionRing returns the key ring that seals and opens session tokens, so
// that the end-to-end tests can forge and inspect tokens.
func (a *App) SessionRing() *session.Ring { return a.keys.Ring() }

// EncodeAuthorizationMessage encodes m as this stsd encodes the messages of
// denied requests, so the end-to-end tests have messages to decode.
func (a *App) EncodeAuthorizationMessage(m *authmsg.Message, now time.Time) (string, error) {
	return a.messages.Encode(m, now)
}

// FlushLastUsed writes the access-key and role uses noted so far, which
// App.Run otherwise does every lastUsedInterval.
func (a *App) FlushLastUsed(ctx context.Context) error { return a.uses.Flush(ctx) }

// WithFailingWrites makes the store of cfg fail every write with err while
// fail is set, as a store on a full disk does.
func WithFailingWrites(cfg *Config, fail *atomic.Bool, err error) {
	cfg.wrapBackend = func(st store.Store) store.Store { return failingWrites{Store: st, fail: fail, err: err} }
}

type failingWrites struct {
	store.Store
	fail *atomic.Bool
	err  error
}

func (f failingWrites) Update(ctx context.Context, fn func(tx store.Tx) error) error {
	if f.fail.Load() {
		return f.err
	}
	return f.Store.Update(ctx, fn)
}
