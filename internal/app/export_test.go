package app

import (
	"context"

	"github.com/stsd/stsd/internal/session"
)

// SessionRing returns the key ring that seals and opens session tokens, so
// that the end-to-end tests can forge and inspect tokens.
func (a *App) SessionRing() *session.Ring { return a.keys.Ring() }

// FlushLastUsed writes the access-key and role uses noted so far, which
// App.Run otherwise does every lastUsedInterval.
func (a *App) FlushLastUsed(ctx context.Context) error { return a.uses.Flush(ctx) }
